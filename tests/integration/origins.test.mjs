// Several origins (issue 17, docs/deploy.md "Several nodes"): two nodes on one PostgreSQL and
// one Redis. A stream published to node A is packaged there; node B, asked for it, redirects
// HLS and WHEP to A (hls.js in Chromium plays it from B's URL), chat crosses both, and when A
// dies B says at once that the stream is not there rather than hang.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Server, freshPostgresDb, redisUrl, uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';
import { WsClient } from './lib/ws_client.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';

const redis = redisUrl();
const pg = redis && freshPostgresDb();
const whepOffer = readFileSync(new URL('../unit/webrtc/data/chromium-offer.sdp', import.meta.url), 'utf8')
  .replace(/a=sendrecv/g, 'a=recvonly');

const noFollow = (url, init = {}) => fetch(url, { ...init, redirect: 'manual' });

describe('two nodes: a stream packaged on one is played from the other', {
  skip: (!(redis && pg) && 'needs the PostgreSQL and Redis test services') || skipBrowser,
}, () => {
  // Node B serves the player page; node A takes the publish.
  const f = playerFixture({ backend: 'postgres' }, () => {}, ['--redis', redis]);
  const b = f.srv;
  b.pgUrl = pg;
  const a = new Server({ backend: 'postgres' });
  a.pgUrl = pg;
  let pub;
  let stream;
  let bea;

  before(async () => {
    await a.start(['--redis', redis]);
    bea = a.createUser('bea', 'broadcaster');
    const r = await a.req('POST', '/api/streams/create', { token: bea.token, body: { channelId: uuid(), title: 'two origins' } });
    assert.equal(r.status, 201, r.text);
    stream = r.json;
    pub = publish(`${a.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1]}/${stream.streamKey}`, { seconds: 120 });
    await until(async () => (await b.req('GET', `/api/streams/${stream.id}`)).json.status === 'live', { what: 'live, as node B sees it' });
  });
  after(async () => {
    await pub?.stop();
    if (a.proc && a.proc.exitCode === null && a.proc.signalCode === null) await a.stop();
    a.cleanup();
  });

  it('redirects HLS and WHEP from the node that does not have the stream to the one that does', async () => {
    const master = `/hls/${stream.id}/master.m3u8`;
    // B learns where the stream is from A's next announcement (every second).
    const r = await until(async () => {
      const x = await noFollow(b.base + master);
      return x.status === 307 ? x : null;
    }, { timeout: 10000, what: 'node B redirecting the stream' });
    assert.equal(r.headers.get('location'), a.base + master);
    // A part's URL with its query keeps both.
    const q = await noFollow(`${b.base}/hls/${stream.id}/source/index.m3u8?_HLS_msn=1&_HLS_part=0`);
    assert.equal(q.status, 307);
    assert.equal(q.headers.get('location'), `${a.base}/hls/${stream.id}/source/index.m3u8?_HLS_msn=1&_HLS_part=0`);
    // Followed, it is the stream itself.
    const followed = await fetch(b.base + master);
    assert.equal(followed.status, 200);
    assert.match(await followed.text(), /^#EXTM3U/);
    // WHEP: 307 keeps the method and the offer; the session is made on A.
    const w = await noFollow(`${b.base}/api/whep/${stream.id}`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: whepOffer });
    assert.equal(w.status, 307);
    assert.equal(w.headers.get('location'), `${a.base}/api/whep/${stream.id}`);
    const made = await fetch(`${b.base}/api/whep/${stream.id}`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: whepOffer });
    assert.equal(made.status, 201, await made.text());
    const session = new URL(made.headers.get('location'), made.url);
    assert.equal(session.origin, new URL(a.base).origin, 'the WHEP session lives on node A');
    assert.equal((await fetch(session, { method: 'DELETE' })).status, 200);
    // A stream no node has: B answers 404 at once, as before.
    assert.equal((await noFollow(`${b.base}/hls/${uuid()}/master.m3u8`)).status, 404);
  });

  it('plays in hls.js from node B\'s URL, and chat crosses both nodes', async () => {
    const page = await f.browser.newPage();
    await page.goto(`${b.base}/player.html?src=${encodeURIComponent(`${b.base}/hls/${stream.id}/master.m3u8`)}`);
    const report = () => page.evaluate(() => window.report);
    await until(async () => (await report()).times.at(-1) > 3, { timeout: 25000, every: 250, what: 'video time > 3 s' });
    const x = await report();
    await new Promise((res) => setTimeout(res, 2000));
    const y = await report();
    assert.equal(y.fatal, null, y.errors.join(', '));
    assert.ok(y.times.at(-1) - x.times.at(-1) > 1.2, `video time advances (${x.times.at(-1)} → ${y.times.at(-1)})`);
    await page.close();

    const onA = await WsClient.open(a.base, { token: bea.token });
    const vic = b.createUser('vic', 'viewer');
    const onB = await WsClient.open(b.base, { token: vic.token });
    await onA.subscribe(stream.id);
    await onB.subscribe(stream.id);
    const fromB = await onB.request({ type: 'chat.send', streamId: stream.id, content: 'hello from B' });
    const fromA = await onA.request({ type: 'chat.send', streamId: stream.id, content: 'hello from A' });
    assert.equal(fromB.type, 'ack', JSON.stringify(fromB));
    assert.equal(fromA.type, 'ack', JSON.stringify(fromA));
    await onA.next((m) => m.type === 'chat.message' && m.data.id === fromB.data.id);
    await onB.next((m) => m.type === 'chat.message' && m.data.id === fromA.data.id);
    onA.close();
    onB.close();
  });

  it('says the stream is gone as soon as its origin node dies, without hanging', async () => {
    a.proc.kill('SIGKILL');
    await a.exited;
    // The stream stays "live" in the database (nobody ended it), but no node packages it any
    // more: within the registry's 3 s B stops redirecting and answers at once.
    const started = Date.now();
    const r = await until(async () => {
      const x = await noFollow(`${b.base}/hls/${stream.id}/master.m3u8`, { signal: AbortSignal.timeout(15000) });
      return x.status !== 307 ? x : null;
    }, { timeout: 10000, what: 'node B no longer redirecting' });
    assert.ok([404, 503].includes(r.status), `B answers ${r.status}`);
    const w = await noFollow(`${b.base}/api/whep/${stream.id}`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: whepOffer });
    assert.equal(w.status, 409, await w.text());  // not_live, as for any stream not live here
    console.log(`origin gone: node B answered ${r.status} ${Date.now() - started} ms after node A was killed`);
  });
});
