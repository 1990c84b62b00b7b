// Browser publishing and low-latency viewing through the real server: the studio goes live from
// Chromium's fake camera over WHIP (`useLiveStream` → `WhipPublisher`, the stream's key as the
// bearer), the stream turns `live` in the API and its HLS master playlist appears; a viewer turns
// on "Low latency (WebRTC)" on the watch page and WHEP frames decode in the same <video>.
// Photographed at phone and desktop sizes into web/test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, pageFor, shoot, startFixture, until } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** Resolves with the size of the next frame the page's <video> presents (null after `ms`). */
const nextFrame = (page, ms = 15000) =>
  page.evaluate(
    (timeout) =>
      new Promise((resolve) => {
        const v = document.querySelector('video');
        const t = setTimeout(() => resolve(null), timeout);
        v.requestVideoFrameCallback((_, meta) => {
          clearTimeout(t);
          resolve({ width: meta.width, height: meta.height, webrtc: v.srcObject instanceof MediaStream });
        });
      }),
    ms,
  );

describe('browser publishing (WHIP) and low-latency viewing (WHEP)', () => {
  let f;
  let bob;
  let studio;
  let id;
  before(async () => {
    // A browser publishes at a variable frame rate: the HLS rule checker allows for it. The
    // transcoder is on (unlike the other page tests): Chromium's H.264 has no VUI timing, so a
    // passed-through source alone has no FRAME-RATE in the master playlist (Apple 9.15), which
    // the checker rejects; the ladder's renditions have one.
    f = await startFixture({ vfrSources: true, transcode: true });
    bob = f.srv.createUser('bob', 'broadcaster');
  });
  after(async () => {
    await studio?.context().close();
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  it('the studio goes live from the browser: the stream turns live and its HLS playlist appears', async () => {
    studio = await pageFor(f.browser, bob.token, DESKTOP);
    await studio.goto(`${f.srv.base}/studio`);
    await studio.getByLabel('Title').fill('Live from the browser');
    await studio.getByRole('button', { name: 'Create stream' }).click();
    await studio.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    id = studio.url().split('/').pop();
    await studio.getByRole('button', { name: 'Go live from this browser' }).click();
    await until(async () => (await f.srv.req('GET', `/api/streams/${id}`)).json.status === 'live', {
      what: 'live status',
      timeout: 20000,
    });
    await until(async () => /#EXT-X-STREAM-INF/.test((await f.srv.req('GET', `/hls/${id}/master.m3u8`)).text ?? ''), {
      what: 'the HLS master playlist',
      timeout: 20000,
    });
    await studio.getByText('Browser connection: connected').waitFor({ timeout: 15000 });
    // The outgoing bitrate appears once getStats has two samples.
    await studio.getByText(/\d+ fps/).waitFor({ timeout: 10000 });
    const health = (await f.srv.req('GET', `/api/streams/${id}/health`, { token: bob.token })).json;
    assert.equal(health.webrtc?.ingest?.connected, true, JSON.stringify(health.webrtc));
    assert.equal(await studio.getByRole('alert').count(), 0, 'no error shown');
    assert.deepEqual(await axe(studio), [], 'axe on the control room, live from the browser');
    await shoot(studio, 'studio-webrtc-live-desktop');
    await studio.setViewportSize(PHONE);
    const w = await studio.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= PHONE.width, `control room is ${w}px wide at phone size`);
    await shoot(studio, 'studio-webrtc-live-phone');
    assert.deepEqual(studio.errors, []);
  });

  for (const [size, vp] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`a viewer turns on low latency (WebRTC) and frames decode (${size})`, async () => {
      assert.ok(id, 'the stream of the previous test');
      const page = await pageFor(f.browser, null, vp);
      await page.goto(`${f.srv.base}/watch/${id}`);
      const toggle = page.getByRole('button', { name: 'Low latency (WebRTC)', exact: true });
      await toggle.waitFor({ timeout: 15000 });
      assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
      await page.waitForFunction(
        () => {
          const v = document.querySelector('video');
          return v?.srcObject instanceof MediaStream && v.videoWidth > 0 && v.currentTime > 0;
        },
        null,
        { timeout: 20000 },
      );
      const frame = await nextFrame(page);
      assert.ok(frame?.webrtc, `a WebRTC frame decoded: ${JSON.stringify(frame)}`);
      assert.ok(frame.width >= 320 && frame.height >= 180, JSON.stringify(frame));
      assert.equal(await toggle.getAttribute('aria-pressed'), 'true', 'still on WebRTC (no fallback)');
      await until(
        async () => {
          const h = (await f.srv.req('GET', `/api/streams/${id}/health`, { token: bob.token })).json;
          return h.webrtc?.playback?.viewers >= 1;
        },
        { what: 'the server counts a WHEP viewer' },
      );
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= vp.width, `watch page is ${wide}px wide`);
      assert.deepEqual(await axe(page), [], `axe on watch in low latency (${size})`);
      await shoot(page, `watch-webrtc-${size}`);
      // Off again: HLS takes the element back and plays.
      await toggle.click();
      await page.waitForFunction(
        () => {
          const v = document.querySelector('video');
          return v && !v.srcObject && v.currentTime > 0 && !v.paused;
        },
        null,
        { timeout: 20000 },
      );
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
});
