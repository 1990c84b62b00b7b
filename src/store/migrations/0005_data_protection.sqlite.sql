-- Data protection (issue 17, docs/api.md "Your data"). SQLite dialect.
-- A broadcaster may hide who watches: only they, moderators and admins see the viewer list.
ALTER TABLE nchat_streams ADD COLUMN hide_viewer_list BOOLEAN DEFAULT FALSE;

-- DELETE /api/users/me finds a user's rows by user_id; the retention sweep finds old rows by
-- time across streams. Without these both would scan whole tables.
CREATE INDEX nchat_stream_chat_messages_user_idx ON nchat_stream_chat_messages (user_id);
CREATE INDEX nchat_stream_chat_messages_created_idx ON nchat_stream_chat_messages (created_at);
CREATE INDEX nchat_stream_reactions_user_idx ON nchat_stream_reactions (user_id);
CREATE INDEX nchat_stream_reactions_created_idx ON nchat_stream_reactions (created_at);
CREATE INDEX nchat_stream_viewers_user_idx ON nchat_stream_viewers (user_id);
CREATE INDEX nchat_stream_viewers_left_idx ON nchat_stream_viewers (left_at)
  WHERE left_at IS NOT NULL;
CREATE INDEX nchat_stream_question_votes_user_idx ON nchat_stream_question_votes (user_id);
