// A ladder under real CPU pressure, watched by three independent players (issue 12): the server
// runs on one core with x264's slowest preset, so its transcoder sheds 360p and 480p, recovers
// them, and sheds them again. A shed rendition stays listed and its playlist keeps advancing
// with GAP parts and segments; players that step down onto it take those stretches from a
// sibling. hls.js, Shaka Player and video.js (VHS) play in Chromium (on the other core), step
// down to 360p and back up, and once playing must neither stall for longer than a part nor report an error;
// every playlist the players and the test read passes the rule checker (lib/hls_rules.mjs).
// Runs alone (RUN_SERIAL in tests/CMakeLists.txt).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { uuid } from './lib/harness.mjs';
import { encodeFile, publishFile, until, sleep } from './lib/media.mjs';
import { parseMediaPlaylist } from './lib/hls_rules.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';

// The longest stall allowed, per player. The aim is one PART-TARGET (334 ms): hls.js and
// video.js meet it here; Shaka switches away from a gap more slowly (up to about a second in
// the runs of docs/hls.md), which is its own pace, not the server's. Before gaps, players
// froze 10-22 s on a shed rendition.
const PART_TARGET_MS = 334;
const MAX_STALL_MS = { 'hls.js': PART_TARGET_MS, 'video.js VHS': PART_TARGET_MS, Shaka: 1500 };

// The players this test drives, by page (tests/integration/player/), and what each reports as a
// tolerated non-fatal event.
// Shaka first: Shaka 5.2.12 cannot *load* a stream while a rendition's playlist ends in gap
// segments and an open segment (it picks that open segment, which has no URI, to guess a MIME
// type: "Cannot read properties of undefined (reading 'length')"); it must be playing before
// the shedding gets that far. docs/hls.md, "A shed rendition lists gaps".
//
// Tolerated, as the players' own reports of the gap at work: hls.js's non-fatal fragGap (it
// then switches level), the load it aborts as it switches (networkError/aborted) and its report
// of a stall (bufferStalledError, and bufferNudgeOnStall when it nudged the clock over a small
// hole to end one: how long is what MAX_STALL_MS judges), its "Found no media"
// (fragParsingError: a fragment it loaded around a gap had no media; seen once in five runs,
// not yet explained: docs/hls.md), and Shaka's
// recoverable 1001 (HTTP 404) for a part it preloaded from a
// PRELOAD-HINT just before the rendition was shed: that part never came, the server says so,
// and the playlist lists it as GAP=YES.
const PLAYERS = [
  { name: 'Shaka', page: 'shaka.html', expected: /^shaka 1001 [^]*"severity": 1,[^]*\/part\d+\.\d+\.m4s",\s*404/ },
  { name: 'hls.js', page: 'player.html', expected: /^mediaError\/fragGap$|^networkError\/aborted$|^mediaError\/bufferStalledError$|^mediaError\/bufferNudgeOnStall$|^mediaError\/fragParsingError: Found no media in msn \d+ of main playlist/ },
  { name: 'video.js VHS', page: 'vhs.html', expected: null },
];

describe('shedding renditions under CPU pressure, with three players', { skip: skipBrowser }, () => {
  let source;
  const f = playerFixture({ transcode: true, wrap: ['taskset', '-c', '0'] }, (webRoot) => {
    source = encodeFile(join(webRoot, 'src720.flv'), { seconds: 90, size: '1280x720', rate: 30, kbps: 1500 });
  }, ['--transcode-preset', 'veryslow', '--transcode-max-concurrent', '0', '--reconnect-grace', '10']);
  const srv = f.srv;

  // Reloads every rendition's playlist (plain, delta and blocking) while `busy` runs: each
  // reload goes through the rule checker. Returns the events seen in the health.
  async function watchWhile(id, token, busy) {
    let done = false;
    const seen = { shed: new Set(), resumed: new Set(), gaps: new Set() };
    const poll = (async () => {
      while (!done) {
        for (const r of ['720p', '480p', '360p']) {
          const plain = await srv.req('GET', `/hls/${id}/${r}/index.m3u8`);
          if (plain.status === 200) {
            const p = parseMediaPlaylist(plain.text);
            if (p.all.some((s) => s.gap || s.parts.some((x) => x.gap))) seen.gaps.add(r);
            const hint = p.preloadHints.find((h) => h.TYPE === 'PART');
            const m = hint && hint.URI.match(/part(\d+)\.(\d+)\.m4s/);
            if (m) await srv.req('GET', `/hls/${id}/${r}/index.m3u8?_HLS_msn=${m[1]}&_HLS_part=${m[2]}`);
            await srv.req('GET', `/hls/${id}/${r}/index.m3u8?_HLS_skip=YES`);
          }
        }
        const h = (await srv.req('GET', `/api/streams/${id}/health`, { token })).json?.transcode;
        for (const e of h?.events ?? []) {
          const m = e.match(/^(shed|resumed) (\d+p)$/);
          if (m) seen[m[1]].add(m[2]);
        }
        await sleep(200);
      }
    })();
    try {
      return { result: await busy(), seen };
    } finally {
      done = true;
      await poll;
    }
  }

  it('keeps every player playing through shedding and recovery, stepping down and up', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'under load' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publishFile(`${rtmp}/${s.streamKey}`, source);
    try {
      await until(async () => (await srv.req('GET', `/hls/${s.id}/master.m3u8`)).status === 200,
        { timeout: 30000, what: 'the multivariant playlist' });
      const { result: reports, seen } = await watchWhile(s.id, alice.token, async () => {
        const pages = [];
        for (const p of PLAYERS) {
          const page = await f.browser.newPage();
          // Every HLS request that failed, so a SEGMENT_MISSING says which URL and when.
          const failed = [];
          page.on('response', (res) => {
            if (res.status() >= 400 && /\/hls\//.test(res.url())) failed.push(`${res.status()} ${new URL(res.url()).pathname}${new URL(res.url()).search} at ${Date.now()}`);
          });
          await page.goto(`${srv.base}/${p.page}?src=${encodeURIComponent(`${srv.base}/hls/${s.id}/master.m3u8`)}`);
          pages.push({ ...p, page, failed, report: () => page.evaluate(() => window.report) });
        }
        for (const p of pages) {
          await until(async () => (await p.report()).times.at(-1) > 3, { timeout: 40000, every: 250, what: `${p.name} playing` })
            .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await p.report())}`); });
        }
        // Stalls count from here: starting is judged by the 40 s above (a player that starts on
        // a rendition shed under it waits for its switch: Shaka did for 3.6 s once, docs/hls.md).
        for (const p of pages) p.startup = (await p.report()).stalls.length;
        // Each player steps down to 360p (shed now, or soon) for 12 s, then back up to 720p.
        for (const p of pages) await p.page.evaluate(() => window.selectHeight(360));
        await sleep(12000);
        for (const p of pages) await p.page.evaluate(() => window.selectHeight(720));
        await sleep(8000);
        const out = [];
        for (const p of pages) {
          const a = await p.report();
          await sleep(1500);
          const b = await p.report();
          out.push({ ...p, a, b, startupStalls: b.stalls.slice(0, p.startup), stalls: b.stalls.slice(p.startup) });
          await p.page.close();
        }
        return out;
      });
      assert.ok(seen.shed.has('360p'), `the transcoder shed 360p (seen: ${JSON.stringify([...seen.shed])})`);
      assert.ok(seen.gaps.has('360p'), 'the shed 360p listed gaps');
      console.log(`shedding: shed ${[...seen.shed]}, resumed ${[...seen.resumed]}, gaps in ${[...seen.gaps]}; ` +
        `${srv.playlistsChecked()} playlists checked\n` + reports.map(({ name, b, stalls, startupStalls }) =>
        `${name}: errors [${b.errors.map((e) => e.slice(0, 80)).join(', ')}], stalls ${JSON.stringify(stalls)} ` +
        `(starting: ${JSON.stringify(startupStalls)}), ` +
        `at ${b.height}p, latency ${b.latency?.toFixed?.(2)} s`).join('\n'));
      for (const { name, expected, a, b, stalls } of reports) {
        const errors = b.errors.filter((e) => !(expected && expected.test(e)));
        const failed = reports.find((r) => r.name === name)?.failed ?? [];
        assert.equal(b.fatal, null, `${name}: fatal ${b.fatal}; errors ${b.errors.join(', ')}; failed requests ${JSON.stringify(failed.slice(-10))}; state ${JSON.stringify(b.fatalState ?? null)}`);
        assert.deepEqual(errors, [], `${name} reported errors: ${JSON.stringify(b.errorDetails ?? [])}; stalls ${JSON.stringify(stalls)}`);
        assert.ok(b.times.at(-1) - a.times.at(-1) > 0.8, `${name}: video time advances (${a.times.at(-1)} → ${b.times.at(-1)})`);
        const longest = Math.max(0, b.stalling, ...stalls.map((x) => x.ms));
        assert.ok(longest <= MAX_STALL_MS[name], `${name}: a stall of ${longest} ms (stalls ${JSON.stringify(stalls)})`);
      }
    } finally {
      await pub.stop();
    }
  });

  it('keeps exactly one discontinuity per rendition when the publisher reconnects during shedding', async () => {
    const alice = srv.createUser('bob', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'reconnect under load' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    let pub = publishFile(`${rtmp}/${s.streamKey}`, source);
    try {
      await watchWhile(s.id, alice.token, async () => {
        await until(async () => {
          const h = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json?.transcode;
          return h?.renditions.some((r) => r.name === '360p' && r.shed);
        }, { timeout: 40000, every: 250, what: '360p shed' });
        await pub.stop();
        await sleep(2000); // within the 10 s grace period
        pub = publishFile(`${rtmp}/${s.streamKey}`, source);
        await sleep(14000);
      });
      for (const r of ['720p', '480p', '360p']) {
        const p = parseMediaPlaylist((await srv.req('GET', `/hls/${s.id}/${r}/index.m3u8`)).text);
        const tags = p.tags['#EXT-X-DISCONTINUITY'] ?? 0;
        const before = p.discontinuitySequence;
        // One reconnect, one discontinuity: listed once, or already counted in the sequence.
        assert.equal(tags + before, 1, `${r}: ${tags} DISCONTINUITY tags, DISCONTINUITY-SEQUENCE ${before}`);
      }
    } finally {
      await pub.stop();
    }
  });
});
