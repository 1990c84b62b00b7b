// The product spec's AppConfig switches as server options (issue 16, docs/api.md "Server
// features"): GET /api/config says which are on, and what is off is refused where it is used;
// --max-stream-duration ends a stream that runs past it, its broadcaster warned first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';
import { WsClient } from './lib/ws_client.mjs';

const rtmpOf = (srv) => srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];

describe('server features', () => {
  describe('everything off', () => {
    const srv = new Server({ backend: 'sqlite' });
    let bc;
    let viewer;
    before(async () => {
      await srv.start(['--live-streaming=false', '--stream-chat=false', '--stream-reactions=false',
        '--stream-scheduling=false', '--record=false']);
      bc = srv.createUser('bea', 'broadcaster');
      viewer = srv.createUser('vic', 'viewer');
    });
    after(async () => { await srv.stop(); srv.cleanup(); });

    it('says so in GET /api/config and refuses each where it is used', async () => {
      const cfg = await srv.req('GET', '/api/config');
      assert.equal(cfg.status, 200, cfg.text);
      assert.deepEqual(cfg.json.features, { liveStreaming: false, streamRecording: false, streamChat: false,
        streamReactions: false, streamScheduling: false, maxStreamDuration: 0 });
      assert.equal(cfg.json.hlsBaseUrl, `${srv.base}/hls`);
      assert.match(cfg.json.ingestUrl, /^rtmp:\/\//);

      const later = new Date(Date.now() + 3600_000).toISOString();
      const sched = await srv.req('POST', '/api/streams/create',
        { token: bc.token, body: { channelId: uuid(), title: 'later', scheduledAt: later } });
      assert.equal(sched.status, 400, sched.text);
      assert.equal(sched.json.error.field, 'scheduledAt');
      const s = (await srv.req('POST', '/api/streams/create', { token: bc.token, body: { channelId: uuid(), title: 'now' } })).json;
      const patched = await srv.req('PATCH', `/api/streams/${s.id}`, { token: bc.token, body: { scheduledAt: later } });
      assert.equal(patched.status, 400, patched.text);
      assert.equal(patched.json.error.field, 'scheduledAt');

      const chat = await srv.req('POST', `/api/streams/${s.id}/chat`, { token: viewer.token, body: { content: 'hi' } });
      assert.equal(chat.status, 403, chat.text);
      assert.equal(chat.json.error.code, 'chat_disabled');
      const react = await srv.req('POST', `/api/streams/${s.id}/reactions`, { token: viewer.token, body: { emoji: '🔥' } });
      assert.equal(react.status, 403, react.text);
      assert.equal(react.json.error.code, 'reactions_disabled');

      // An encoder is refused at publish: it goes away and the stream never goes live.
      const pub = publish(`${rtmpOf(srv)}/${s.streamKey}`, { seconds: 5 });
      const end = await pub.done;
      assert.notEqual(end.code, 0, 'ffmpeg is refused');
      assert.equal((await srv.req('GET', `/api/streams/${s.id}`)).json.status, 'preparing');
      assert.match(srv.stdout + srv.stderr, /live streaming is turned off on this server/);
    });
  });

  describe('--max-stream-duration', () => {
    const srv = new Server({ backend: 'sqlite' });
    let bc;
    before(async () => {
      await srv.start(['--max-stream-duration', '1', '--reconnect-grace', '30', '--record=false']);
      bc = srv.createUser('bea', 'broadcaster');
    });
    after(async () => { await srv.stop(); srv.cleanup(); });

    it("tells a scheduled stream's waiting room when its time comes", async () => {
      const at = new Date(Date.now() + 3000);
      const s = (await srv.req('POST', '/api/streams/create',
        { token: bc.token, body: { channelId: uuid(), title: 'soon', scheduledAt: at.toISOString() } })).json;
      assert.equal(s.status, 'scheduled');
      // The waiting room: viewers join and chat before it starts.
      const viewer = srv.createUser('wendy', 'viewer');
      const ws = await WsClient.open(srv.base, { token: viewer.token });
      try {
        await ws.subscribe(s.id);
        const hi = await srv.req('POST', `/api/streams/${s.id}/chat`, { token: viewer.token, body: { content: 'early!' } });
        assert.equal(hi.status, 201, hi.text);
        const listed = (await srv.req('GET', '/api/streams?status=scheduled')).json;
        assert.ok((listed.streams ?? listed).some((x) => x.id === s.id && x.scheduledAt), 'listed as scheduled with scheduledAt');
        const reminder = await ws.next((m) => m.type === 'stream.reminder', 20000);
        assert.equal(Date.parse(reminder.data.scheduledAt), Date.parse(s.scheduledAt));
        assert.ok(Date.now() >= at.getTime(), 'not before its time');
        assert.equal((await ws.next((m) => m.type === 'stream.status', 5000)).data.status, 'preparing');
        assert.equal((await srv.req('GET', `/api/streams/${s.id}`)).json.status, 'preparing');
      } finally {
        ws.close();
      }
    });

    it('warns the broadcaster, then ends a stream live for that long', async () => {
      assert.equal((await srv.req('GET', '/api/config')).json.features.maxStreamDuration, 1);
      const s = (await srv.req('POST', '/api/streams/create', { token: bc.token, body: { channelId: uuid(), title: 'long' } })).json;
      const ws = await WsClient.open(srv.base, { token: bc.token });
      await ws.subscribe(s.id);
      const pub = publish(`${rtmpOf(srv)}/${s.streamKey}`, { seconds: 120 });
      try {
        await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live' });
        const started = Date.parse((await srv.req('GET', `/api/streams/${s.id}`)).json.startedAt);
        // One minute is less than the 5 minutes' notice: the warning comes at once.
        const warning = await ws.next((m) => m.type === 'stream.warning', 15000);
        assert.equal(warning.data.reason, 'max_duration');
        assert.equal(Date.parse(warning.data.endsAt), started + 60_000);
        const ended = await ws.next((m) => m.type === 'stream.status' && m.data.status === 'ended', 80_000);
        assert.ok(ended, 'the room hears that it ended');
        const after = (await srv.req('GET', `/api/streams/${s.id}`)).json;
        assert.equal(after.status, 'ended');
        const ranFor = Date.parse(after.endedAt) - started;
        // Ended by the limit, not by the publisher (it had 120 s to go) nor its grace (30 s).
        assert.ok(ranFor >= 60_000 && ranFor < 120_000, `ended ${ranFor} ms after going live`);
      } finally {
        ws.close?.();
        await pub.stop();
      }
    });
  });
});
