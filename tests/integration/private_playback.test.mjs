// Private playback (issue 17, docs/api.md): a private stream's HLS and WHEP need a playback
// token, given only to users who may view the stream, carried in the URL and written by the
// server into every URI it serves, so that ffprobe (or any player) follows it with nothing else.
// Public streams stay token-free.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, uuid } from './lib/harness.mjs';
import { publish, ffprobe, until } from './lib/media.mjs';
import { readFileSync } from 'node:fs';
import { WsClient } from './lib/ws_client.mjs';

// A browser's offer, made a WHEP (receive-only) one: enough for the server to open a session.
const whepOffer = readFileSync(new URL('../unit/webrtc/data/chromium-offer.sdp', import.meta.url), 'utf8')
  .replace(/a=sendrecv/g, 'a=recvonly');

const uris = (playlist) => playlist.split('\n').flatMap((line) => {
  if (line.startsWith('#')) return [...line.matchAll(/(?:^|[,:])URI="([^"]*)"/g)].map((m) => m[1]);
  return line.trim() ? [line.trim()] : [];
});

describe('private playback', () => {
  const srv = new Server({ backend: 'sqlite' });
  let alice; let bob; let carol;
  let priv; let pub; let pubs = [];
  const rtmpUrl = () => srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
  const get = (path, headers) => srv.req('GET', path, { headers });

  before(async () => {
    await srv.start();
    alice = srv.createUser('alice', 'broadcaster');
    bob = srv.createUser('bob', 'viewer');
    carol = srv.createUser('carol', 'viewer');
    const make = async (isPrivate) => (await srv.req('POST', '/api/streams/create', { token: alice.token,
      body: { channelId: uuid(), title: isPrivate ? 'private' : 'public', isPrivate } })).json;
    priv = await make(true);
    pub = await make(false);
    pubs = [publish(`${rtmpUrl()}/${priv.streamKey}`, { seconds: 60 }),
      publish(`${rtmpUrl()}/${pub.streamKey}`, { seconds: 60 })];
    for (const s of [priv, pub]) {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}`, { token: alice.token })).json.status === 'live',
        { what: `${s.title} live` });
    }
  });
  after(async () => {
    await Promise.all(pubs.map((p) => p.stop()));
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('gives a token only to who may view the stream', async () => {
    const path = `/api/streams/${priv.id}/playback-token`;
    assert.equal((await srv.req('POST', path)).status, 401);
    assert.equal((await srv.req('POST', path, { token: bob.token })).status, 404, 'not revealed to bob');
    await srv.req('PUT', `/api/streams/${priv.id}/access/${bob.id}`, { token: alice.token });
    const r = await srv.req('POST', path, { token: bob.token });
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.token, /^[\w-]+\.\d+\.[\w-]+$/);
    assert.ok(Date.parse(r.json.expiresAt) - Date.now() <= 5 * 60 * 1000 + 1000);
    assert.ok(r.json.hlsUrl.endsWith(`/hls/${priv.id}/master.m3u8?token=${r.json.token}`));
    assert.ok(r.json.whepUrl.endsWith(`/api/whep/${priv.id}?token=${r.json.token}`));
    assert.equal((await srv.req('POST', path, { token: alice.token })).status, 200, 'the broadcaster');
  });

  it('serves the private stream only with a valid token, and writes it into every URI', async () => {
    const { token } = (await srv.req('POST', `/api/streams/${priv.id}/playback-token`, { token: bob.token })).json;
    const base = `/hls/${priv.id}`;
    assert.equal((await get(`${base}/master.m3u8`)).status, 403);
    assert.equal((await get(`${base}/master.m3u8?token=${token}x`)).status, 403, 'a tampered token');
    const other = (await srv.req('POST', `/api/streams/${pub.id}/playback-token`, { token: carol.token })).json.token;
    assert.equal((await get(`${base}/master.m3u8?token=${other}`)).status, 403, "another stream's token");

    const master = await get(`${base}/master.m3u8?token=${token}`);
    assert.equal(master.status, 200, master.text);
    const renditions = uris(master.text);
    assert.ok(renditions.length >= 1);
    for (const u of renditions) assert.ok(u.endsWith(`?token=${token}`), u);

    const media = await get(`${base}/${renditions[0].split('?')[0]}?token=${token}`);
    assert.equal(media.status, 200);
    assert.match(media.headers.get('cache-control'), /private/);
    const files = uris(media.text);
    assert.ok(files.length >= 3, media.text);
    for (const u of files) assert.ok(u.includes(`token=${token}`), u);
    // What the playlist lists is served with the token, and refused without it.
    const dir = `${base}/${renditions[0].split('/')[0]}`;
    const init = files.find((u) => u.startsWith('init'));
    const seg = files.find((u) => /^seg/.test(u));
    for (const u of [init, seg]) {
      const ok = await get(`${dir}/${u}`);
      assert.equal(ok.status, 200, u);
      assert.match(ok.headers.get('cache-control'), /private/);
      assert.equal((await get(`${dir}/${u.split('?')[0]}`)).status, 403, `${u} without the token`);
    }
    // A player given the URL follows it: ffprobe reads video and audio through the token.
    const probe = ffprobe(`${srv.base}${base}/master.m3u8?token=${token}`, ['-show_streams']);
    assert.equal(probe.status, 0, probe.stderr);
    assert.ok(probe.json.streams.some((s) => s.codec_type === 'video'));
  });

  it('refuses WHEP without the token, and lets it through with one', async () => {
    const { token } = (await srv.req('POST', `/api/streams/${priv.id}/playback-token`, { token: bob.token })).json;
    const offer = { headers: { 'content-type': 'application/sdp' }, raw: 'v=0\r\n' };
    const none = await srv.req('POST', `/api/whep/${priv.id}`, offer);
    assert.equal(none.status, 403);
    assert.equal(none.json.error.field ?? none.json.field, 'token');
    // Past the gate, the (deliberately broken) offer itself is what is refused.
    const viaQuery = await srv.req('POST', `/api/whep/${priv.id}?token=${token}`, offer);
    assert.equal(viaQuery.status, 400, viaQuery.text);
    const viaBearer = await srv.req('POST', `/api/whep/${priv.id}`,
      { ...offer, headers: { ...offer.headers, authorization: `Bearer ${token}` } });
    assert.equal(viaBearer.status, 400, viaBearer.text);
  });

  it('ends a revoked user\'s chat connection and WHEP session at once, and only theirs', async () => {
    const dave = srv.createUser('dave', 'viewer');
    const open = async (user) => {
      await srv.req('PUT', `/api/streams/${priv.id}/access/${user.id}`, { token: alice.token });
      const ws = await WsClient.open(srv.base, { token: user.token });
      await ws.subscribe(priv.id);
      const { token } = (await srv.req('POST', `/api/streams/${priv.id}/playback-token`, { token: user.token })).json;
      const whep = await srv.req('POST', `/api/whep/${priv.id}?token=${token}`,
        { headers: { 'content-type': 'application/sdp' }, raw: whepOffer });
      assert.equal(whep.status, 201, whep.text);
      return { ws, session: new URL(whep.headers.get('location'), srv.base).pathname };
    };
    const c = await open(carol);
    const d = await open(dave);
    // A trickle PATCH asks whether a WHEP session is there without changing it: 404 once gone.
    const exists = async (session) => (await srv.req('PATCH', session,
      { headers: { 'content-type': 'application/trickle-ice-sdpfrag', 'if-match': '*' }, raw: 'a=end-of-candidates\r\n' })).status !== 404;
    assert.ok(await exists(c.session) && await exists(d.session));
    const r = await srv.req('DELETE', `/api/streams/${priv.id}/access/${carol.id}`, { token: alice.token });
    assert.equal(r.status, 200, r.text);
    const told = await c.ws.next((m) => m.type === 'access.revoked');
    assert.equal(told.streamId, priv.id);
    const closed = await c.ws.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /revoked/);
    // Her WHEP session is gone (the server ended it); dave's is still there.
    await until(async () => !(await exists(c.session)), { what: 'carol\'s WHEP session ended' });
    assert.ok(await exists(d.session), 'dave\'s WHEP session was not touched');
    assert.equal((await srv.req('DELETE', d.session)).status, 200);
    // Dave's chat connection stays open and subscribed; carol's next subscribe is refused.
    d.ws.send({ type: 'ping', id: 'still-there' });
    await d.ws.next((m) => m.type === 'pong' && m.id === 'still-there');
    assert.ok(!d.ws.log.some((m) => m.type === 'access.revoked'));
    const again = await WsClient.open(srv.base, { token: carol.token });
    const refused = await again.request({ type: 'subscribe', streamId: priv.id });
    assert.equal(refused.type, 'error', JSON.stringify(refused));
    // Nor may she renew her playback token.
    assert.equal((await srv.req('POST', `/api/streams/${priv.id}/playback-token`, { token: carol.token })).status, 404);
    again.close();
    d.ws.close();
  });

  it('keeps public streams token-free, and gates a stream the moment it becomes private', async () => {
    const m = await get(`/hls/${pub.id}/master.m3u8`);
    assert.equal(m.status, 200);
    for (const u of uris(m.text)) assert.ok(!u.includes('token='), u);
    const p = await srv.req('PATCH', `/api/streams/${pub.id}`, { token: alice.token, body: { isPrivate: true } });
    assert.equal(p.status, 200, p.text);
    assert.equal((await get(`/hls/${pub.id}/master.m3u8`)).status, 403);
    const rendition = uris(m.text)[0];
    assert.equal((await get(`/hls/${pub.id}/${rendition}`)).status, 403, 'the fast path too');
    await srv.req('PATCH', `/api/streams/${pub.id}`, { token: alice.token, body: { isPrivate: false } });
    assert.equal((await get(`/hls/${pub.id}/master.m3u8`)).status, 200);
  });
});
