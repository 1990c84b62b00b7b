// The watch page's player on a throttled network (issue 15): with the transcoder on, a 720p
// source gives the ladder 720p (passed through), 480p and 360p. The viewer plays 720p; then
// Chromium's network emulation (CDP Network.emulateNetworkConditions) caps the page's download
// below 720p's bitrate: the player must step down without a stall longer than 1 s, and step back
// up to 720p once the cap is lifted. Stalls are the video element's `waiting` → `playing` spans.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFile, publishFile } from '../../../tests/integration/lib/media.mjs';
import { pageFor, shoot, startFixture, until, uuid } from './lib.mjs';

// Real time on a shared machine: under heavy load (two page suites at once, load average 11 on
// 2 cores) one run stalled 1.06 s (docs/web.md, "Not done, or weak"). NCHAT_WEB_THROTTLE_TEST=0
// skips it there.
const skip = process.env.NCHAT_WEB_THROTTLE_TEST === '0' ? 'NCHAT_WEB_THROTTLE_TEST=0' : false;
const DESKTOP = { width: 1280, height: 800 };
const MAX_STALL_MS = 1000;

describe('the player on a throttled network', { skip }, () => {
  let f;
  let dir;
  let source;
  before(async () => {
    // Encoded once before the server starts (x264 ultrafast, 1.5 Mb/s like the 720p rung), then
    // published with -c copy: the cores go to the server's ladder and Chromium, not to ffmpeg.
    dir = mkdtempSync(join(tmpdir(), 'nchat-throttle-'));
    source = encodeFile(join(dir, 'src720.flv'), { seconds: 240, size: '1280x720', rate: 30, kbps: 1500 });
    f = await startFixture({ transcode: true });
  });
  after(async () => {
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  it('steps down without a stall when the network slows, and back up after', async () => {
    const bob = f.srv.createUser('bob', 'broadcaster');
    const s = (await f.srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'Ladder' } })).json;
    const pub = publishFile(`${f.rtmp}/${s.streamKey}`, source);
    try {
      await until(async () => (await f.srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live', timeout: 20000 });
      const ladder = async () =>
        [...(await f.srv.req('GET', `/hls/${s.id}/master.m3u8`)).text.matchAll(/BANDWIDTH=(\d+).*RESOLUTION=\d+x(\d+)/g)].map((m) => ({
          bps: Number(m[1]),
          height: Number(m[2]),
        }));
      const rungs = await until(async () => ((await ladder()).length >= 3 ? ladder() : null), { what: 'three renditions', timeout: 20000 });
      const top = rungs.find((r) => r.height === 720);
      const middle = rungs.find((r) => r.height === 480);
      assert.ok(top && middle && rungs.some((r) => r.height === 360), `the ladder is 720p, 480p, 360p: ${JSON.stringify(rungs)}`);

      const page = await pageFor(f.browser, null, DESKTOP);
      // Every stall of the video, on the page's clock, from before the app starts.
      await page.addInitScript(() => {
        window.__stalls = [];
        let since = null;
        document.addEventListener('waiting', () => (since ??= performance.now()), true);
        document.addEventListener(
          'playing',
          () => {
            if (since !== null) window.__stalls.push({ at: since, ms: performance.now() - since });
            since = null;
          },
          true,
        );
        window.__stalling = () => (since === null ? 0 : performance.now() - since);
      });
      // The ABR controller's samples and switches (its opt-in console trace), shown on failure.
      await page.addInitScript(() => localStorage.setItem('nchat-live.debug', 'abr'));
      const abrTrace = [];
      page.on('console', (m) => {
        if (m.text().startsWith('[nchat-live abr]')) abrTrace.push(m.text().slice(17));
      });
      await page.goto(`${f.srv.base}/watch/${s.id}`);
      const state = () =>
        page.evaluate(() => {
          const v = document.querySelector('video');
          return {
            height: v?.videoHeight ?? 0,
            time: v?.currentTime ?? 0,
            now: performance.now(),
            stalls: window.__stalls,
            stalling: window.__stalling(),
            auto: document.querySelector('.ncl-quality option[value="auto"]')?.textContent ?? '',
          };
        });
      const playingAt = async (what, ok, timeout) => {
        await until(async () => ok((await state()).height), { timeout, every: 250, what });
        return state();
      };

      // Unthrottled, Auto climbs to 720p.
      await playingAt('720p before the throttle', (h) => h === 720, 60000);

      // Cap the download between 480p's and 720p's bandwidth (CDP takes bytes per second).
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      const capBps = Math.round((top.bps + middle.bps) / 2 / 1.2);
      const throttled = await state();
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 20,
        downloadThroughput: capBps / 8,
        uploadThroughput: capBps / 8,
      });
      const down = await playingAt('a step down under the cap', (h) => h > 0 && h < 720, 60000);
      // Playing on at the lower rung for a while, still capped.
      await until(async () => (await state()).time > down.time + 8, { timeout: 30000, every: 250, what: 'playback on the lower rung' });
      await shoot(page, 'throttled-step-down');

      // Lifted: back up to 720p (after the controller's 8 s cooldown, with buffer).
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      const up = await playingAt('720p again after the cap is lifted', (h) => h === 720, 90000);
      await until(async () => (await state()).time > up.time + 3, { timeout: 30000, every: 250, what: 'playback at 720p' });
      const end = await state();

      const stalls = end.stalls.filter((x) => x.at >= throttled.now);
      if (end.stalling) stalls.push({ at: end.now, ms: end.stalling });
      console.log(
        `cap ${(capBps / 1000).toFixed(0)} kb/s (720p ${top.bps / 1000}, 480p ${middle.bps / 1000} kb/s); down to ${down.height}p ` +
          `after ${((down.now - throttled.now) / 1000).toFixed(1)} s, back to 720p ${((up.now - down.now) / 1000).toFixed(1)} s later; ` +
          `menu "${down.auto}" → "${up.auto}"; stalls since the cap: ${JSON.stringify(stalls.map((x) => Math.round(x.ms)))} ms`,
      );
      // Past half the bound, the controller's trace goes to the log even when the test passes.
      if (stalls.some((x) => x.ms > MAX_STALL_MS / 2))
        console.log(`cap at t=${Math.round(throttled.now)}, ABR trace:\n${abrTrace.join('\n')}`);
      assert.ok(
        stalls.every((x) => x.ms <= MAX_STALL_MS),
        `no stall over ${MAX_STALL_MS} ms (on a loaded machine NCHAT_WEB_THROTTLE_TEST=0 skips this test): ${JSON.stringify(stalls)}; cap at t=${Math.round(throttled.now)}, ABR trace:\n${abrTrace.join('\n')}`,
      );
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await pub.stop();
    }
  });
});
