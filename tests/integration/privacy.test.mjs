// Data protection (issue 17, docs/api.md "Your data") on both storage backends: a user deletes
// what the server keeps about them; API tokens show their last use and are revoked; a
// broadcaster hides the viewer list; the retention sweep at start removes old chat.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Server, backends, uuid } from './lib/harness.mjs';
import { WsClient } from './lib/ws_client.mjs';
import { until } from './lib/media.mjs';

for (const backend of backends) {
  describe(`data protection on ${backend}`, () => {
    const srv = new Server({ backend });
    let bc, zoe, vic, stream;
    const clients = [];
    const sql = (q) => {
      const out = backend === 'postgres'
        ? execFileSync('psql', [srv.pgUrl, '-qAt', '-c', q], { encoding: 'utf8' })
        : execFileSync('sqlite3', [join(srv.dataDir, 'nchat-live.db'), q], { encoding: 'utf8' });
      return out.trim();
    };

    before(async () => {
      await srv.start();
      bc = srv.createUser('bea', 'broadcaster');
      zoe = srv.createUser('zoe', 'viewer');
      vic = srv.createUser('vic', 'viewer');
      const r = await srv.req('POST', '/api/streams/create', { token: bc.token,
        body: { channelId: uuid(), title: 'privacy', enableQa: true } });
      assert.equal(r.status, 201, r.text);
      stream = r.json;
      assert.equal(stream.hideViewerList, false);
      await srv.req('POST', `/api/streams/${stream.id}/start`, { token: bc.token });
    });
    after(async () => {
      for (const c of clients) c.ws.terminate();
      if (srv.proc && srv.proc.exitCode === null) {
        const r = await srv.stop();
        assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
      }
      srv.cleanup();
    });

    it('DELETE /api/users/me removes their chat, reactions, sessions and tokens, and no one else\'s', async () => {
      const say = (who, content, isQuestion = false) => srv.req('POST', `/api/streams/${stream.id}/chat`,
        { token: who.token, body: { content, isQuestion } });
      assert.equal((await say(zoe, 'hello from zoe')).status, 201);
      const q = await say(vic, 'a question from vic?', true);
      assert.equal(q.status, 201, q.text);
      assert.equal((await say(vic, 'hello from vic')).status, 201);
      const vote = await srv.req('POST', `/api/streams/${stream.id}/questions/${q.json.id}/vote`, { token: zoe.token });
      assert.equal(vote.status, 200, vote.text);
      assert.equal((await srv.req('POST', `/api/streams/${stream.id}/reactions`, { token: zoe.token, body: { emoji: '❤️' } })).status, 201);
      const ws = await WsClient.open(srv.base, { token: zoe.token });
      clients.push(ws);
      await ws.subscribe(stream.id);
      await until(async () => sql(`SELECT count(*) FROM nchat_stream_viewers WHERE user_id = '${zoe.id}'`) === '1',
        { what: 'her viewer session stored' });

      const del = await srv.req('DELETE', '/api/users/me', { token: zoe.token });
      assert.equal(del.status, 200, del.text);
      assert.deepEqual(del.json, { success: true, deleted: { chatMessages: 1, reactions: 1, viewerSessions: 1, questionVotes: 1, apiTokens: 1 } });
      const chat = await srv.req('GET', `/api/streams/${stream.id}/chat?limit=100`);
      assert.deepEqual(chat.json.map((m) => m.content), ['a question from vic?', 'hello from vic']);
      const qs = await srv.req('GET', `/api/streams/${stream.id}/questions`);
      assert.equal(qs.json[0].votes, 0, 'her vote no longer counts');
      for (const t of ['nchat_stream_chat_messages', 'nchat_stream_reactions', 'nchat_stream_viewers', 'nchat_api_tokens']) {
        assert.equal(sql(`SELECT count(*) FROM ${t} WHERE user_id = '${zoe.id}'`), '0', t);
      }
      assert.equal((await srv.req('GET', '/api/me', { token: zoe.token })).status, 401, 'her token is revoked');
      assert.equal((await srv.req('GET', '/api/me', { token: vic.token })).status, 200);
      ws.ws.terminate();
    });

    it('lists API tokens with their last use (to the minute) and revokes one', async () => {
      const a = srv.createUser('ana', 'viewer');
      assert.equal((await srv.req('GET', '/api/me', { token: a.token })).status, 200);
      const listed = await until(async () => {
        const r = await srv.req('GET', '/api/tokens', { token: a.token });
        return r.json?.[0]?.lastUsedAt && r;
      }, { what: 'lastUsedAt set' });
      assert.equal(listed.json.length, 1);
      const t = listed.json[0];
      assert.match(t.id, /^[0-9a-f]{16}$/);
      assert.equal(t.current, true);
      assert.ok(!listed.text.includes(a.token));
      assert.ok(Date.now() - Date.parse(t.lastUsedAt) < 120_000);
      assert.equal((await srv.req('DELETE', '/api/tokens/0123456789abcdef', { token: a.token })).status, 404);
      assert.equal((await srv.req('DELETE', `/api/tokens/${t.id}`, { token: vic.token })).status, 404, 'not his');
      const rev = await srv.req('DELETE', '/api/tokens/current', { token: a.token });
      assert.equal(rev.status, 200, rev.text);
      assert.equal((await srv.req('GET', '/api/me', { token: a.token })).status, 401);
    });

    it('hideViewerList keeps the viewer list to the broadcaster, moderators and admins', async () => {
      const ws = await WsClient.open(srv.base, { token: vic.token });
      clients.push(ws);
      await ws.subscribe(stream.id);
      const asOther = () => srv.req('GET', `/api/streams/${stream.id}/viewers`, { token: vic.token });
      const seen = await until(async () => {
        const r = await asOther();
        return r.status === 200 && r.json.some((v) => v.userId === vic.id) && r;
      }, { what: 'vic in the list' });
      assert.ok(seen);
      const p = await srv.req('PATCH', `/api/streams/${stream.id}`, { token: bc.token, body: { hideViewerList: true } });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.hideViewerList, true);
      const hidden = await asOther();
      assert.equal(hidden.status, 403);
      assert.equal(hidden.json.error.code, 'viewer_list_hidden');
      assert.equal((await srv.req('GET', `/api/streams/${stream.id}/viewers`)).status, 403, 'nor to anonymous');
      const owner = await srv.req('GET', `/api/streams/${stream.id}/viewers`, { token: bc.token });
      assert.equal(owner.status, 200);
      assert.ok(owner.json.some((v) => v.userId === vic.id));
      const admin = await srv.req('GET', `/api/streams/${stream.id}/viewers`, { token: srv.adminToken });
      assert.equal(admin.status, 200);
      // A moderator of the stream's channel is one of the room's moderators.
      const put = await srv.req('PUT', `/api/channels/${stream.channelId}/moderators/${vic.id}`, { token: srv.adminToken });
      assert.equal(put.status, 200, put.text);
      assert.equal((await asOther()).status, 200);
    });

    it('the retention sweep at start deletes chat older than --retention-days', async () => {
      const old = new Date(Date.now() - 3 * 86400e3).toISOString();
      const id = uuid();
      sql(`INSERT INTO nchat_stream_chat_messages (id, stream_id, user_id, user_name, content, created_at, seq)` +
        ` VALUES ('${id}', '${stream.id}', '${vic.id}', 'vic', 'from long ago', '${old}', 1000)`);
      assert.equal(sql(`SELECT count(*) FROM nchat_stream_chat_messages WHERE id = '${id}'`), '1');
      const r = await srv.stop();
      assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
      srv.stdout = ''; // start() reads the new address from it
      srv.base = undefined;
      await srv.start(['--retention-days', '2']);
      await until(async () => sql(`SELECT count(*) FROM nchat_stream_chat_messages WHERE id = '${id}'`) === '0',
        { what: 'the old message swept' });
      const chat = await srv.req('GET', `/api/streams/${stream.id}/chat?limit=100`);
      assert.deepEqual(chat.json.map((m) => m.content), ['a question from vic?', 'hello from vic'], 'recent chat kept');
    });
  });
}
