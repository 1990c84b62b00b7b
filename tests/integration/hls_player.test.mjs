// A real player: hls.js (low-latency mode) in Debian's headless Chromium plays a stream that
// ffmpeg publishes over RTMP (issue #4). The page and hls.js are served by nchat-live itself
// (--web-root), so the player fetches the playlists and parts exactly as a viewer's browser does.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Server, uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);
let chromium = null;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  chromium = null;
}
const skip = !existsSync(CHROMIUM) ? 'Debian chromium is not installed (scripts/bootstrap installs it)'
  : !chromium ? 'playwright-core is not installed (scripts/bootstrap runs npm ci in tests/integration)'
    : false;

describe('hls.js in Chromium', { skip }, () => {
  const webRoot = mkdtempSync(join(tmpdir(), 'nchat-player-'));
  const srv = new Server({ backend: 'sqlite', webRoot });
  let browser;
  let profile;

  before(async () => {
    copyFileSync(join(here, 'player', 'player.html'), join(webRoot, 'player.html'));
    copyFileSync(require.resolve('hls.js/dist/hls.min.js'), join(webRoot, 'hls.min.js'));
    await srv.start();
    profile = mkdtempSync(join(tmpdir(), 'nchat-chrome-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    });
  });
  after(async () => {
    await browser?.close();
    const r = await srv.stop();
    srv.cleanup();
    rmSync(webRoot, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('plays the live stream with low latency: video time advances, no fatal error', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'browser test' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publish(`${rtmp}/${s.streamKey}`, { seconds: 30 });
    try {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live',
        { what: 'live status' });
      const page = await browser.newPage();
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
