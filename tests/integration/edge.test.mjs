// nchat-live behind a real nginx with deploy/nginx/nchat-live-locations.conf (issue 17): TLS,
// HTTP/2, the WebSocket proxied, and an HLS cache that answers many players waiting on the same
// blocking reload or hinted part with one request to the origin, while a private stream's
// token-bearing answers are never stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Server, uuid } from './lib/harness.mjs';
import { publish, until, sleep } from './lib/media.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';
import { Edge, skipNginx } from './lib/nginx.mjs';

// The next part a player would ask for: the PRELOAD-HINT of a media playlist.
function hint(text) {
  const m = text.match(/#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/);
  const n = m && m[1].match(/part(\d+)\.(\d+)\.m4s/);
  return n ? { uri: m[1], msn: Number(n[1]), part: Number(n[2]) } : null;
}

// `n` players on `sessions` HTTP/2 connections asking for `path` at once.
async function crowd(edge, path, n, sessions) {
  const out = await Promise.all(Array.from({ length: n }, (_, i) => edge.get(path, sessions[i % sessions.length])));
  return out;
}

describe('an nginx edge in front of the origin', { skip: skipNginx }, () => {
  const srv = new Server({ backend: 'sqlite' });
  let edge;
  let alice;
  let bob;
  let pub;
  let priv;
  const pubs = [];

  before(async () => {
    await srv.start();
    edge = await new Edge(srv.base).start();
    alice = srv.createUser('alice', 'broadcaster');
    bob = srv.createUser('bob', 'viewer');
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const make = async (isPrivate) => (await srv.req('POST', '/api/streams/create', { token: alice.token,
      body: { channelId: uuid(), title: isPrivate ? 'private' : 'public', isPrivate } })).json;
    pub = await make(false);
    priv = await make(true);
    for (const s of [pub, priv]) pubs.push(publish(`${rtmp}/${s.streamKey}`, { seconds: 90 }));
    for (const s of [pub, priv]) {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}`, { token: alice.token })).json.status === 'live',
        { what: `${s.title} live` });
    }
  });
  after(async () => {
    await Promise.all(pubs.map((p) => p.stop()));
    await edge?.stop();
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('serves the stream over TLS and HTTP/2, with the origin\'s caching headers', async () => {
    const master = await until(async () => {
      const r = await edge.get(`/hls/${pub.id}/master.m3u8`);
      return r.status === 200 ? r : null;
    }, { what: 'the multivariant playlist through the edge' });
    assert.equal(master.alpn, 'h2');
    assert.match(master.text, /^#EXTM3U/);
    const media = await edge.get(`/hls/${pub.id}/source/index.m3u8`);
    assert.equal(media.status, 200, media.text);
    assert.equal(media.headers['cache-control'], 'public, max-age=0, s-maxage=1');
    const h = hint(media.text);
    assert.ok(h, media.text);
    const init = media.text.match(/#EXT-X-MAP:URI="([^"]+)"/)[1];
    const a = await edge.get(`/hls/${pub.id}/source/${init}`);
    const b = await edge.get(`/hls/${pub.id}/source/${init}`);
    assert.equal(a.status, 200);
    assert.equal(b.text, a.text);
    assert.equal(b.headers['x-cache-status'], 'HIT', 'the init segment is served from the cache');
    assert.ok(edge.log().every((l) => l.protocol === 'HTTP/2.0'));
  });

  it('answers 100 players waiting on the same blocking reload and the same hinted part with one origin request each', async () => {
    const sessions = Array.from({ length: 10 }, () => edge.session());
    try {
      const plain = await edge.get(`/hls/${pub.id}/source/index.m3u8`, sessions[0]);
      const h = hint(plain.text);
      assert.ok(h, plain.text);
      // A part or two ahead of the newest: every player's request arrives before the origin
      // can answer it, as when a crowd follows the live edge.
      const msnPath = `/hls/${pub.id}/source/index.m3u8?_HLS_msn=${h.msn}&_HLS_part=${h.part}`;
      const partPath = `/hls/${pub.id}/source/${h.uri}`;
      const [lists, parts] = await Promise.all([crowd(edge, msnPath, 100, sessions), crowd(edge, partPath, 100, sessions)]);
      assert.deepEqual([...new Set(lists.map((r) => r.status))], [200]);
      assert.deepEqual([...new Set(parts.map((r) => r.status))], [200]);
      assert.equal(new Set(lists.map((r) => r.text)).size, 1, 'every player got the same playlist');
      assert.equal(new Set(parts.map((r) => r.text)).size, 1, 'every player got the same part');
      assert.ok(lists[0].text.includes(h.uri), 'the playlist lists the part it waited for');
      const log = edge.log();
      const origin = (uri) => log.filter((l) => l.uri === uri && l.upstream !== null).length;
      assert.equal(log.filter((l) => l.uri === msnPath).length, 100);
      assert.equal(origin(msnPath), 1, `origin requests for the blocking reload: ${JSON.stringify(log.filter((l) => l.uri === msnPath).slice(0, 5))}`);
      assert.equal(origin(partPath), 1, 'origin requests for the part');
      // A plain reload is kept one second: a crowd asking at once costs one request, or two
      // when that second ends among them.
      const plainPath = `/hls/${pub.id}/source/index.m3u8`;
      const before = origin(plainPath);
      await crowd(edge, plainPath, 50, sessions);
      assert.ok(origin(plainPath) - before <= 2, `origin requests for 50 plain reloads: ${origin(plainPath) - before}`);
    } finally {
      for (const s of sessions) s.close();
    }
  });

  it('passes a private stream\'s token through and stores none of its answers', async () => {
    const master = `/hls/${priv.id}/master.m3u8`;
    assert.equal((await edge.get(master)).status, 403);
    await srv.req('PUT', `/api/streams/${priv.id}/access/${bob.id}`, { token: alice.token });
    const tokenOf = async (user) => (await srv.req('POST', `/api/streams/${priv.id}/playback-token`, { token: user.token })).json.token;
    const tb = await tokenOf(bob);
    const ta = await tokenOf(alice);
    const mb = await edge.get(`${master}?token=${tb}`);
    assert.equal(mb.status, 200, mb.text);
    assert.match(mb.headers['cache-control'], /^private/);
    const list = mb.text.split('\n').find((l) => l && !l.startsWith('#'));
    assert.ok(list.includes(`token=${tb}`), mb.text);
    const ma = await edge.get(`${master}?token=${ta}`);
    assert.ok(ma.text.includes(`token=${ta}`) && !ma.text.includes(tb), 'alice sees her token, not bob\'s');
    // The same URL twice: the origin answers both, nothing came from the cache.
    const path = `/hls/${priv.id}/${list}`;
    for (let i = 0; i < 2; i++) assert.equal((await edge.get(path)).status, 200);
    const seen = edge.log().filter((l) => l.uri.startsWith(`/hls/${priv.id}/`));
    assert.ok(seen.length >= 5);
    assert.deepEqual(seen.filter((l) => l.cache === 'HIT'), [], 'no private answer served from the cache');
    assert.ok(seen.every((l) => l.upstream !== null), 'the origin answered every private request');
    // A token that does not verify is refused through the edge as at the origin.
    assert.equal((await edge.get(`${master}?token=${tb}x`)).status, 403);
  });

  it('proxies the chat WebSocket over TLS', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${edge.port}/api/realtime`,
      { rejectUnauthorized: false, headers: { authorization: `Bearer ${bob.token}` } });
    const first = await new Promise((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      ws.once('error', reject);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    assert.equal(first.type, 'hello');
    ws.close();
  });
});

describe('hls.js in Chromium through the edge, over HTTPS and HTTP/2', { skip: skipNginx || skipBrowser }, () => {
  const f = playerFixture({}, () => {}, [], ['--ignore-certificate-errors']);
  const srv = f.srv;
  let edge;
  before(async () => { edge = await new Edge(srv.base).start(); });
  after(async () => { await edge?.stop(); });

  it('plays at the live edge through nginx as it does from the origin', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'through the edge' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const p = publish(`${rtmp}/${s.streamKey}`, { seconds: 40 });
    try {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live' });
      const play = async (base) => {
        const page = await f.browser.newPage();
        await page.goto(`${base}/player.html?src=${encodeURIComponent(`${base}/hls/${s.id}/master.m3u8`)}`);
        return { page, report: () => page.evaluate(() => window.report) };
      };
      const direct = await play(srv.base);
      const viaEdge = await play(edge.base);
      for (const p of [direct, viaEdge]) {
        await until(async () => (await p.report()).times.at(-1) > 3, { timeout: 25000, every: 250, what: 'video time > 3 s' });
      }
      // Both settle on their live-edge distance; then a few samples of each.
      await sleep(4000);
      const samples = { direct: [], edge: [] };
      for (let i = 0; i < 8; i++) {
        samples.direct.push((await direct.report()).latency);
        samples.edge.push((await viaEdge.report()).latency);
        await sleep(500);
      }
      const a = await viaEdge.report();
      await sleep(2000);
      const b = await viaEdge.report();
      assert.equal(b.fatal, null, `hls.js through the edge: ${b.errors.join(', ')}`);
      assert.ok(b.times.at(-1) - a.times.at(-1) > 1.2, `video time advances through the edge (${a.times.at(-1)} → ${b.times.at(-1)})`);
      assert.ok(b.lowLatency, 'hls.js uses the LL-HLS parts through the edge');
      const hls = edge.log().filter((l) => l.uri.startsWith(`/hls/${s.id}/`));
      assert.ok(hls.length > 20 && hls.every((l) => l.protocol === 'HTTP/2.0'), 'the page\'s HLS requests went over HTTP/2');
      assert.ok(hls.some((l) => /_HLS_msn=/.test(l.uri)), 'blocking reloads through the edge');
      const median = (xs) => xs.filter((x) => typeof x === 'number').sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      // Informative (no timing assertion in a test): docs/deploy.md keeps the measured numbers.
      console.log(`hls.js latency: origin ${median(samples.direct)?.toFixed(2)} s, through nginx ${median(samples.edge)?.toFixed(2)} s ` +
        `(samples ${JSON.stringify(samples)}); edge: ${hls.filter((l) => l.upstream === null).length} of ${hls.length} HLS requests from the cache`);
      await direct.page.close();
      await viaEdge.page.close();
    } finally {
      await p.stop();
    }
  });
});
