-- Data protection (issue 17, docs/api.md "Your data"). PostgreSQL dialect.
-- A broadcaster may hide who watches: only they, moderators and admins see the viewer list.
ALTER TABLE nchat_streams ADD COLUMN hide_viewer_list BOOLEAN DEFAULT FALSE;

-- PostgreSQL fixes a view's columns when it is created: s.* would not include the new column.
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
