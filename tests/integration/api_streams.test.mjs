// The stream-management API end to end, on both storage backends: the real binary, users made
// with its CLI while it runs, requests over loopback HTTP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, backends, uuid } from './lib/harness.mjs';

const STREAM_FIELDS = ['id', 'channelId', 'broadcasterId', 'title', 'description', 'thumbnailUrl',
  'scheduledAt', 'startedAt', 'endedAt', 'status', 'ingestUrl', 'hlsManifestUrl', 'maxResolution',
  'peakViewerCount', 'totalViewCount', 'totalChatMessages', 'totalReactions', 'enableChat',
  'enableReactions', 'enableQa', 'chatMode', 'tags', 'isPrivate', 'createdAt', 'updatedAt'];

for (const backend of backends) {
  describe(`streams API on ${backend}`, () => {
    const srv = new Server({ backend });
    let alice, bob, viewer, admin;
    const channel = uuid();

    before(async () => {
      await srv.start();
      assert.ok(srv.adminToken, 'first start prints the admin token');
      alice = srv.createUser('alice', 'broadcaster');
      bob = srv.createUser('bob', 'broadcaster');
      viewer = srv.createUser('vera', 'viewer');
      admin = { token: srv.adminToken };
    });
    after(async () => {
      const r = await srv.stop();
      srv.cleanup();
      assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
    });

    it('creates a stream with every field present and the key shown once, to its owner', async () => {
      const r = await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: '  First stream  ', tags: ['music', 'live', 'music'] } });
      assert.equal(r.status, 201, r.text);
      const s = r.json;
      for (const f of STREAM_FIELDS) assert.ok(f in s, `field ${f} present`);
      assert.equal(s.title, 'First stream');
      assert.equal(s.broadcasterId, alice.id);
      assert.equal(s.channelId, channel);
      assert.equal(s.status, 'preparing');
      assert.equal(s.description, null);
      assert.equal(s.hlsManifestUrl, null);
      assert.equal(s.maxResolution, '1080p');
      assert.equal(s.chatMode, 'open');
      assert.deepEqual(s.tags, ['music', 'live']);
      assert.equal(s.enableChat, true);
      assert.equal(s.enableQa, false);
      assert.match(s.streamKey, /^[A-Za-z0-9_-]{43}$/);
      assert.match(s.ingestUrl, /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
      assert.equal(r.headers.get('location'), `/api/streams/${s.id}`);

      // Only its hash is stored: no later answer has it, not even the owner's or an admin's.
      for (const who of [alice.token, admin.token, undefined, bob.token, viewer.token]) {
        const other = await srv.req('GET', `/api/streams/${s.id}`, { token: who });
        assert.equal(other.status, 200);
        assert.ok(!('streamKey' in other.json), 'no key after the create answer');
        assert.ok(!other.text.includes(s.streamKey));
        const list = await srv.req('GET', '/api/streams?limit=100', { token: who });
        assert.ok(!list.text.includes(s.streamKey), 'nor in a list');
      }
    });

    it('runs the lifecycle: preparing → live → ended, with times and the manifest URL', async () => {
      const s = (await srv.req('POST', '/api/streams', { token: alice.token,
        body: { channelId: channel, title: 'Lifecycle' } })).json;
      const started = await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      assert.equal(started.status, 200, started.text);
      assert.equal(started.json.status, 'live');
      assert.ok(Date.parse(started.json.startedAt) > 0);
      assert.equal(started.json.hlsManifestUrl, `${srv.base}/hls/${s.id}/master.m3u8`);
      const again = await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      assert.equal(again.status, 200, 'starting a live stream again is harmless');
      assert.equal(again.json.startedAt, started.json.startedAt);

      const live = await srv.req('GET', '/api/streams/live');
      assert.ok(live.json.some((x) => x.id === s.id && x.currentViewers === 0));
      const del = await srv.req('DELETE', `/api/streams/${s.id}`, { token: alice.token });
      assert.equal(del.status, 409, 'a live stream is ended before it is deleted');

      const ended = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
      assert.equal(ended.json.status, 'ended');
      assert.ok(Date.parse(ended.json.endedAt) >= Date.parse(ended.json.startedAt));
      for (const f of ['peakViewerCount', 'totalViewCount', 'totalChatMessages', 'totalReactions']) {
        assert.equal(typeof ended.json[f], 'number');
      }
      const restart = await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      assert.equal(restart.status, 409);
      assert.equal(restart.json.error.code, 'wrong_state');
      const ended2 = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
      assert.equal(ended2.status, 200);
      assert.equal(ended2.json.endedAt, ended.json.endedAt);
    });

    it('schedules, cancels a stream that never went live, and refuses to start it', async () => {
      const when = new Date(Date.now() + 3600_000).toISOString();
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'Later', scheduledAt: when } })).json;
      assert.equal(s.status, 'scheduled');
      assert.equal(s.scheduledAt, when);
      const listed = await srv.req('GET', '/api/streams?status=scheduled&limit=100');
      assert.ok(listed.json.some((x) => x.id === s.id));
      const moved = await srv.req('PATCH', `/api/streams/${s.id}`, { token: alice.token, body: { scheduledAt: null } });
      assert.equal(moved.json.status, 'preparing');
      const cancelled = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
      assert.equal(cancelled.json.status, 'cancelled');
      const start = await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      assert.equal(start.status, 409);
    });

    it('patches only mutable fields, partially', async () => {
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'Patch me', description: 'old', enableChat: true } })).json;
      const p = await srv.req('PATCH', `/api/streams/${s.id}`, { token: alice.token,
        body: { title: 'Patched ✓', description: null, chatMode: 'followers', maxResolution: '720p', tags: ['ü'] } });
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.title, 'Patched ✓');
      assert.equal(p.json.description, null);
      assert.equal(p.json.chatMode, 'followers');
      assert.equal(p.json.maxResolution, '720p');
      assert.deepEqual(p.json.tags, ['ü']);
      assert.equal(p.json.enableChat, true, 'untouched field kept');
      const ro = await srv.req('PATCH', `/api/streams/${s.id}`, { token: alice.token, body: { status: 'live' } });
      assert.equal(ro.status, 400);
      assert.equal(ro.json.error.field, 'status');
      const other = await srv.req('PATCH', `/api/streams/${s.id}`, { token: bob.token, body: { title: 'mine now' } });
      assert.equal(other.status, 403);
      const adminPatch = await srv.req('PATCH', `/api/streams/${s.id}`, { token: admin.token, body: { title: 'by admin' } });
      assert.equal(adminPatch.status, 200);
    });

    it('regenerates the key: the old one is gone at once', async () => {
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'Key' } })).json;
      const r = await srv.req('POST', `/api/streams/${s.id}/key`, { token: alice.token });
      assert.equal(r.status, 200);
      assert.notEqual(r.json.streamKey, s.streamKey);
      assert.match(r.json.streamKey, /^[A-Za-z0-9_-]{43}$/);
      const other = await srv.req('POST', `/api/streams/${s.id}/key`, { token: bob.token });
      assert.equal(other.status, 403);
      const anon = await srv.req('POST', `/api/streams/${s.id}/key`);
      assert.equal(anon.status, 401);
    });

    it('enforces roles: viewers cannot create, others cannot manage', async () => {
      const v = await srv.req('POST', '/api/streams/create', { token: viewer.token,
        body: { channelId: channel, title: 'nope' } });
      assert.equal(v.status, 403);
      assert.equal(v.json.error.code, 'forbidden');
      const a = await srv.req('POST', '/api/streams/create', { body: { channelId: channel, title: 'nope' } });
      assert.equal(a.status, 401);
      assert.equal(a.headers.get('www-authenticate'), 'Bearer');
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'Mine' } })).json;
      for (const [m, p] of [['POST', 'start'], ['POST', 'end'], ['DELETE', '']]) {
        const r = await srv.req(m, `/api/streams/${s.id}${p ? '/' + p : ''}`, { token: bob.token });
        assert.equal(r.status, 403, `${m} ${p} by another broadcaster`);
      }
      const d = await srv.req('DELETE', `/api/streams/${s.id}`, { token: admin.token });
      assert.deepEqual(d.json, { success: true });
      assert.equal((await srv.req('GET', `/api/streams/${s.id}`)).status, 404);
    });

    it('hides private streams from everyone but owner, admins and granted users', async () => {
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'Secret', isPrivate: true } })).json;
      assert.equal((await srv.req('GET', `/api/streams/${s.id}`)).status, 404);
      assert.equal((await srv.req('GET', `/api/streams/${s.id}`, { token: viewer.token })).status, 404);
      assert.equal((await srv.req('GET', `/api/streams/${s.id}`, { token: admin.token })).status, 200);
      const anonList = await srv.req('GET', '/api/streams?limit=100');
      assert.ok(!anonList.json.some((x) => x.id === s.id));
      const g = await srv.req('PUT', `/api/streams/${s.id}/access/${viewer.id}`, { token: alice.token });
      assert.equal(g.status, 200);
      const seen = await srv.req('GET', `/api/streams/${s.id}`, { token: viewer.token });
      assert.equal(seen.status, 200);
      assert.ok(!('streamKey' in seen.json));
      const vList = await srv.req('GET', '/api/streams?limit=100', { token: viewer.token });
      assert.ok(vList.json.some((x) => x.id === s.id));
      await srv.req('DELETE', `/api/streams/${s.id}/access/${viewer.id}`, { token: alice.token });
      assert.equal((await srv.req('GET', `/api/streams/${s.id}`, { token: viewer.token })).status, 404);
      await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      const live = await srv.req('GET', '/api/streams/live');
      assert.ok(!live.json.some((x) => x.id === s.id), 'private streams are not in public listings');
    });

    it('accepts JWTs from the chat application (HS256, sub + role)', async () => {
      const { createHmac } = await import('node:crypto');
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const sign = (payload, secret = 'integration-secret') => {
        const input = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(payload);
        return input + '.' + createHmac('sha256', secret).update(input).digest('base64url');
      };
      const sub = uuid();
      const tok = sign({ sub, role: 'broadcaster', exp: Math.floor(Date.now() / 1000) + 600 });
      const r = await srv.req('POST', '/api/streams/create', { token: tok, body: { channelId: channel, title: 'From JWT' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.broadcasterId, sub);
      const expired = sign({ sub, role: 'broadcaster', exp: Math.floor(Date.now() / 1000) - 600 });
      assert.equal((await srv.req('GET', `/api/streams/${r.json.id}`, { token: expired })).status, 401);
      const forged = sign({ sub, role: 'admin' }, 'wrong-secret');
      assert.equal((await srv.req('GET', '/api/streams', { token: forged })).status, 401);
    });

    it('lists with status filters and pagination, and the top view', async () => {
      for (let i = 0; i < 3; i++) {
        await srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: channel, title: `page ${i}` } });
      }
      const p1 = await srv.req('GET', '/api/streams?status=preparing&limit=2&offset=0');
      const p2 = await srv.req('GET', '/api/streams?status=preparing&limit=2&offset=2');
      assert.equal(p1.json.length, 2);
      assert.ok(p1.json.every((x) => x.status === 'preparing'));
      assert.ok(!p2.json.some((x) => p1.json.find((y) => y.id === x.id)), 'pages do not overlap');
      const top = await srv.req('GET', '/api/streams/top');
      assert.equal(top.status, 200);
      assert.ok(Array.isArray(top.json) && top.json.length <= 100);
    });

    it('serves health, metrics and the OpenAPI description', async () => {
      const h = await srv.req('GET', '/healthz');
      assert.equal(h.status, 200);
      assert.equal(h.json.status, 'ok');
      assert.equal(h.json.database.backend, backend);
      const m = await srv.req('GET', '/metrics');
      assert.equal(m.status, 200);
      assert.match(m.headers.get('content-type'), /^text\/plain/);
      assert.match(m.text, /nchat_http_requests_total\{[^}]*route="\/api\/streams\/\{id\}"/);
      assert.match(m.text, /nchat_http_request_duration_seconds_bucket/);
      assert.match(m.text, /nchat_http_connections_open/);
      const o = await srv.req('GET', '/api/openapi.json');
      assert.equal(o.json.openapi, '3.1.0');
      for (const p of ['/api/streams/create', '/api/streams/{id}', '/api/streams/{id}/start',
        '/api/streams/{id}/end', '/api/streams/{id}/key', '/api/streams/live', '/api/streams/top']) {
        assert.ok(o.json.paths[p], `openapi has ${p}`);
      }
    });
  });
}
