-- The top rendition of a stream's ladder (issue 5, docs/transcode.md): 'auto', 'passthrough' or
-- 'transcode'; NULL follows the server's --transcode-top-rung. SQLite dialect.
-- (The views select s.*, which SQLite expands when they are read: they pick the column up.)
ALTER TABLE nchat_streams ADD COLUMN top_rung VARCHAR(12)
  CHECK (top_rung IS NULL OR top_rung IN ('auto', 'passthrough', 'transcode'));
