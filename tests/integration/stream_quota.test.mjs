// The per-broadcaster quota of streams not yet ended (issue 17, docs/api.md): one over it is a
// 409 stream_quota_exceeded naming the limit; ending or deleting one makes room again.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, backends, uuid } from './lib/harness.mjs';

for (const backend of backends) {
  describe(`stream quota on ${backend}`, () => {
    const srv = new Server({ backend });
    let alice, bob;
    const channel = uuid();
    const create = (who, title = 'q') =>
      srv.req('POST', '/api/streams/create', { token: who.token, body: { channelId: channel, title } });

    before(async () => {
      await srv.start(['--max-open-streams', '3']);
      alice = srv.createUser('alice', 'broadcaster');
      bob = srv.createUser('bob', 'broadcaster');
    });
    after(async () => {
      const r = await srv.stop();
      srv.cleanup();
      assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
    });

    it('refuses the fourth open stream with 409 stream_quota_exceeded, and counts only open ones', async () => {
      const made = [];
      for (let i = 0; i < 3; i++) {
        const r = await create(alice);
        assert.equal(r.status, 201, r.text);
        made.push(r.json);
      }
      const over = await create(alice);
      assert.equal(over.status, 409, over.text);
      assert.equal(over.json.error.code, 'stream_quota_exceeded');
      assert.match(over.json.error.message, /at most 3 streams/);
      assert.equal((await create(bob)).status, 201, 'the quota is per broadcaster');

      // A live one counts; an ended (or cancelled) one does not.
      await srv.req('POST', `/api/streams/${made[0].id}/start`, { token: alice.token });
      assert.equal((await create(alice)).status, 409);
      await srv.req('POST', `/api/streams/${made[0].id}/end`, { token: alice.token });
      await srv.req('POST', `/api/streams/${made[1].id}/end`, { token: alice.token }); // cancelled
      assert.equal((await create(alice)).status, 201);
      assert.equal((await create(alice)).status, 201);
      assert.equal((await create(alice)).status, 409);
      const del = await srv.req('DELETE', `/api/streams/${made[2].id}`, { token: alice.token });
      assert.equal(del.status, 200);
      assert.equal((await create(alice)).status, 201, 'a deleted one makes room too');
    });
  });
}
