// A real player: hls.js (low-latency mode) in Debian's headless Chromium plays a stream that
// ffmpeg publishes over RTMP (issue #4). The page and hls.js are served by nchat-live itself
// (--web-root), so the player fetches the playlists and parts exactly as a viewer's browser does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { uuid } from './lib/harness.mjs';
import { publish, encodeFile, publishFile, until } from './lib/media.mjs';
import { playerFixture, skipBrowser as skip } from './lib/player_fixture.mjs';

describe('hls.js in Chromium', { skip }, () => {
  const f = playerFixture();
  const srv = f.srv;

  it('plays the live stream with low latency: video time advances, no fatal error', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'browser test' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publish(`${rtmp}/${s.streamKey}`, { seconds: 30 });
    try {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live',
        { what: 'live status' });
      const page = await f.browser.newPage();
      const master = `${srv.base}/hls/${s.id}/master.m3u8`;
      await page.goto(`${srv.base}/player.html?src=${encodeURIComponent(master)}`);
      const report = () => page.evaluate(() => window.report);
      // Playing: the video clock passes 3 s, with decoded frames of the published size.
      await until(async () => (await report()).times.at(-1) > 3, { timeout: 25000, every: 250, what: 'video time > 3 s' });
      const a = await report();
      await new Promise((r) => setTimeout(r, 2000));
      const b = await report();
      assert.equal(b.fatal, null, `hls.js errors: ${b.errors.join(', ')}`);
      assert.ok(b.times.at(-1) - a.times.at(-1) > 1.2, `video time advances (${a.times.at(-1)} → ${b.times.at(-1)})`);
      assert.ok(b.decoded > 60, `decoded frames: ${b.decoded}`);
      assert.equal(b.width, 640);
      assert.ok(b.levels.length >= 1);
      assert.ok(b.lowLatency, 'hls.js uses the LL-HLS parts');
      // hls.js's own estimate of how far behind live it plays (informative; no timing assertion
      // beyond "it is a live edge player, not a segment-behind one").
      console.log(`hls.js latency ${b.latency?.toFixed(2)} s (target ${b.targetLatency?.toFixed(2)} s), levels ${JSON.stringify(b.levels)}, errors [${b.errors.join(', ')}]`);
      await page.close();
    } finally {
      await pub.stop();
    }
  });
});

describe('hls.js switching renditions of the ladder', { skip }, () => {
  // A 720p source: the ladder is 720p (passed through), 480p and 360p (encoded). hls.js is told
  // to switch down and back up the way its ABR does (nextLevel: at the next segment, no flush);
  // the video must keep playing through both switches at the new size.
  let source;
  const f = playerFixture({ transcode: true }, (webRoot) => {
    source = encodeFile(join(webRoot, 'src720.flv'), { seconds: 40, size: '1280x720', rate: 30, kbps: 1500 });
  });
  const srv = f.srv;

  it('switches down to 360p and back up to 720p while the video keeps playing', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'ladder in a browser' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publishFile(`${rtmp}/${s.streamKey}`, source);
    try {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live',
        { what: 'live status' });
      const page = await f.browser.newPage();
      await page.goto(`${srv.base}/player.html?src=${encodeURIComponent(`${srv.base}/hls/${s.id}/master.m3u8`)}`);
      const report = () => page.evaluate(() => window.report);
      // Past the start-up (the encoded renditions' first segments), as a viewer who has watched
      // for a few seconds before the network changes.
      await until(async () => (await report()).times.at(-1) > 5, { timeout: 30000, every: 250, what: 'video time > 5 s' });
      const levels = (await report()).levels;
      assert.deepEqual(levels.map((l) => l.height).sort((x, y) => x - y), [360, 480, 720]);
      const playingAt = async (height) => {
        const idx = levels.findIndex((l) => l.height === height);
        await page.evaluate((i) => { window.hls.autoLevelEnabled = false; window.hls.nextLevel = i; }, idx);
        await until(async () => (await report()).height === height, { timeout: 20000, every: 250, what: `video at ${height}p` });
        const a = await report();
        await new Promise((r) => setTimeout(r, 1500));
        const b = await report();
        assert.ok(b.times.at(-1) - a.times.at(-1) > 0.8, `video time advances at ${height}p (${a.times.at(-1)} → ${b.times.at(-1)})`);
        return b;
      };
      const firstSwitchAt = (await report()).times.at(-1);
      await playingAt(360);
      const b = await playingAt(720);
      // From the first switch on, not even a non-fatal error (a stall, a retried playlist
      // request). Before it, errors are printed only: hls.js's own ABR switch at start-up used
      // to stall 1.9 s on a RENDITION-REPORT with LAST-PART=0 (docs/hls.md), now avoided.
      assert.equal(b.fatal, null, `hls.js errors: ${b.errors.join(', ')}`);
      const afterSwitch = (b.errorDetails ?? []).filter((e) => e.at >= firstSwitchAt);
      assert.deepEqual(afterSwitch, [], `hls.js errors after the first switch: ${JSON.stringify(afterSwitch)}`);
      assert.ok(b.switches >= 2, `level switches: ${b.switches}`);
      console.log(`ladder: levels ${JSON.stringify(levels)}, switches ${b.switches}, errors [${b.errors.join(', ')}] ${JSON.stringify(b.errorDetails ?? [])}, latency ${b.latency?.toFixed(2)} s`);
      await page.close();
    } finally {
      await pub.stop();
    }
  });
});
