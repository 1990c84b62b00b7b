-- Stream keys are stored as the SHA-256 (hex) of the key, as API tokens are (issue 17): a leaked
-- database or backup no longer lets anyone publish. The column keeps the product spec's name,
-- stream_key; the key itself is shown only when it is made (create, POST /key). Every row
-- written before this holds a key in clear, and is converted here, once. SQLite dialect:
-- nchat_sha256() is registered on every connection (store/sqlite/connection.cpp).
UPDATE nchat_streams SET stream_key = nchat_sha256(stream_key);
