-- The product schema (product-spec.md, Database Schema). nchat_streams keeps the spec's columns
-- as written; enable_qa, tags, is_private, created_at and updated_at are ours. status is also
-- NOT NULL: a stream without a lifecycle state cannot be served.
-- SQLite dialect: UUIDs are TEXT; times are TEXT in util::format_iso8601 form (UTC, ms, 'Z'),
-- which sorts as time does; booleans are 0/1; tags is a JSON array.

CREATE TABLE nchat_users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role VARCHAR(20) NOT NULL CHECK (role IN ('admin', 'broadcaster', 'moderator', 'viewer')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Only the SHA-256 hex of a token is kept: a leaked database leaks no credentials.
CREATE TABLE nchat_api_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES nchat_users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at TEXT
);
CREATE INDEX nchat_api_tokens_user_idx ON nchat_api_tokens (user_id);

CREATE TABLE nchat_streams (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  broadcaster_id TEXT NOT NULL,

  title VARCHAR(200) NOT NULL,
  description TEXT,
  thumbnail_url TEXT,

  scheduled_at TEXT,
  started_at TEXT,
  ended_at TEXT,

  status VARCHAR(20) NOT NULL DEFAULT 'preparing'
    CHECK (status IN ('scheduled', 'preparing', 'live', 'ended', 'cancelled')),

  stream_key VARCHAR(255) UNIQUE NOT NULL,
  ingest_url TEXT NOT NULL,
  hls_manifest_url TEXT,
  max_resolution VARCHAR(10) DEFAULT '1080p',

  peak_viewer_count INTEGER DEFAULT 0,
  total_view_count INTEGER DEFAULT 0,
  total_chat_messages INTEGER DEFAULT 0,
  total_reactions INTEGER DEFAULT 0,

  enable_chat BOOLEAN DEFAULT TRUE,
  enable_reactions BOOLEAN DEFAULT TRUE,
  chat_mode VARCHAR(20) DEFAULT 'open',

  enable_qa BOOLEAN DEFAULT FALSE,
  tags TEXT NOT NULL DEFAULT '[]',
  is_private BOOLEAN DEFAULT FALSE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX nchat_streams_status_idx ON nchat_streams (status);
CREATE INDEX nchat_streams_broadcaster_idx ON nchat_streams (broadcaster_id);
CREATE INDEX nchat_streams_channel_idx ON nchat_streams (channel_id);
CREATE INDEX nchat_streams_peak_idx ON nchat_streams (peak_viewer_count DESC);
CREATE INDEX nchat_streams_created_idx ON nchat_streams (created_at DESC);

CREATE TABLE nchat_stream_access (
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  granted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (stream_id, user_id)
);
CREATE INDEX nchat_stream_access_user_idx ON nchat_stream_access (user_id);

-- Synced from the chat application; they decide who may chat in followers/subscribers mode.
CREATE TABLE nchat_channel_moderators (
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (channel_id, user_id)
);
CREATE TABLE nchat_channel_followers (
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (channel_id, user_id)
);
CREATE TABLE nchat_channel_subscribers (
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (channel_id, user_id)
);

-- One row per viewing session; left_at IS NULL while the viewer is still watching.
CREATE TABLE nchat_stream_viewers (
  id TEXT PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  user_id TEXT,
  session_id TEXT NOT NULL,
  joined_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  left_at TEXT,
  watch_seconds INTEGER NOT NULL DEFAULT 0,
  quality VARCHAR(10),
  user_agent TEXT
);
CREATE INDEX nchat_stream_viewers_stream_idx ON nchat_stream_viewers (stream_id, joined_at);
CREATE INDEX nchat_stream_viewers_active_idx ON nchat_stream_viewers (stream_id)
  WHERE left_at IS NULL;

CREATE TABLE nchat_stream_quality_metrics (
  id INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  bitrate_kbps INTEGER,
  fps REAL,
  width INTEGER,
  height INTEGER,
  resolution VARCHAR(10),
  dropped_frames INTEGER,
  latency_ms INTEGER,
  bandwidth_kbps INTEGER,
  packet_loss REAL,
  buffer_health REAL,
  health_score INTEGER
);
CREATE INDEX nchat_stream_quality_metrics_stream_idx
  ON nchat_stream_quality_metrics (stream_id, recorded_at);

CREATE TABLE nchat_stream_chat_messages (
  id TEXT PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  content TEXT NOT NULL,
  is_pinned BOOLEAN NOT NULL DEFAULT FALSE,
  is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
  deleted_by TEXT,
  deleted_at TEXT,
  is_question BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX nchat_stream_chat_messages_stream_idx
  ON nchat_stream_chat_messages (stream_id, created_at);

CREATE TABLE nchat_stream_reactions (
  id TEXT PRIMARY KEY,
  stream_id TEXT NOT NULL REFERENCES nchat_streams (id) ON DELETE CASCADE,
  user_id TEXT,
  emoji TEXT NOT NULL,
  position_x REAL,
  position_y REAL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX nchat_stream_reactions_stream_idx ON nchat_stream_reactions (stream_id, created_at);

CREATE VIEW nchat_live_streams AS
SELECT s.*,
       (SELECT count(*) FROM nchat_stream_viewers v
         WHERE v.stream_id = s.id AND v.left_at IS NULL) AS current_viewers
  FROM nchat_streams s
 WHERE s.status = 'live' AND NOT coalesce(s.is_private, 0);

CREATE VIEW nchat_top_streams AS
SELECT s.*
  FROM nchat_streams s
 WHERE NOT coalesce(s.is_private, 0)
 ORDER BY s.peak_viewer_count DESC NULLS LAST, s.created_at DESC, s.id
 LIMIT 100;
