-- Chat, reactions, Q&A and moderation (issue 6, docs/chat.md). SQLite dialect (see 0001).

-- The order messages were stored in, per stream: list and resume follow it, and it is the order
-- their chat.message events were published. The writer assigns max + 1 (one writer per file).
ALTER TABLE nchat_stream_chat_messages ADD COLUMN seq INTEGER;
UPDATE nchat_stream_chat_messages SET seq = rowid;
CREATE INDEX nchat_stream_chat_messages_seq_idx ON nchat_stream_chat_messages (stream_id, seq);

-- A chat message sent as a question, with its Q&A state; votes is the count of its rows in
-- nchat_stream_question_votes, kept beside it so the list sorts without counting.
CREATE TABLE nchat_stream_questions (
  message_id TEXT PRIMARY KEY REFERENCES nchat_stream_chat_messages (id) ON DELETE CASCADE,
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'dismissed')),
  votes INTEGER NOT NULL DEFAULT 0,
  answered_at TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX nchat_stream_questions_stream_idx ON nchat_stream_questions (stream_id, votes DESC);
INSERT INTO nchat_stream_questions (message_id, stream_id, updated_at)
  SELECT id, stream_id, created_at FROM nchat_stream_chat_messages WHERE is_question;

CREATE TABLE nchat_stream_question_votes (
  message_id TEXT NOT NULL REFERENCES nchat_stream_questions (message_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (message_id, user_id)
);

-- A user barred from a stream's chat and reactions; expires_at NULL = until unbanned.
CREATE TABLE nchat_stream_bans (
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  banned_by TEXT NOT NULL,
  reason TEXT,
  expires_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (stream_id, user_id)
);

-- Per-stream chat settings changed by moderators while the stream runs.
CREATE TABLE nchat_stream_chat_settings (
  stream_id TEXT PRIMARY KEY REFERENCES nchat_streams (id) ON DELETE CASCADE,
  slow_mode_seconds INTEGER NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every moderation action: who (actor), what (action, details as a JSON object), to whom
-- (target user and/or message), when.
CREATE TABLE nchat_stream_moderation_log (
  id INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  action VARCHAR(30) NOT NULL,
  target_user_id TEXT,
  target_message_id TEXT,
  details TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX nchat_stream_moderation_log_stream_idx ON nchat_stream_moderation_log (stream_id, id);
