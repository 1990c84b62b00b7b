-- The top rendition of a stream's ladder (issue 5, docs/transcode.md): 'auto', 'passthrough' or
-- 'transcode'; NULL follows the server's --transcode-top-rung. PostgreSQL dialect.
ALTER TABLE nchat_streams ADD COLUMN top_rung VARCHAR(12)
  CHECK (top_rung IS NULL OR top_rung IN ('auto', 'passthrough', 'transcode'));

-- PostgreSQL fixes a view's columns when it is created: s.* would not include top_rung.
DROP VIEW nchat_live_streams;
CREATE VIEW nchat_live_streams AS
SELECT s.*,
       (SELECT count(*) FROM nchat_stream_viewers v
         WHERE v.stream_id = s.id AND v.left_at IS NULL) AS current_viewers
  FROM nchat_streams s
 WHERE s.status = 'live' AND NOT coalesce(s.is_private, FALSE);

DROP VIEW nchat_top_streams;
CREATE VIEW nchat_top_streams AS
SELECT s.*
  FROM nchat_streams s
 WHERE NOT coalesce(s.is_private, FALSE)
 ORDER BY s.peak_viewer_count DESC NULLS LAST, s.created_at DESC, s.id
 LIMIT 100;
