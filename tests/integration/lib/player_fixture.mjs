// Real players in Debian's headless Chromium (playwright-core, never a downloaded browser),
// fed by a real nchat-live that serves the player pages itself (--web-root), so they fetch
// playlists and parts exactly as a viewer's browser does. Every playlist a page receives goes
// through the HLS rule checker (lib/hls_rules.mjs) via the server's checkPlaylist.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Server } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const CHROMIUM = '/usr/bin/chromium';
let chromium = null;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  chromium = null;
}
export const skipBrowser = !existsSync(CHROMIUM)
  ? 'Debian chromium is not installed (scripts/bootstrap installs it)'
  : !chromium ? 'playwright-core is not installed (scripts/bootstrap runs npm ci in tests/integration)'
    : false;

// The player pages (tests/integration/player/) and the libraries they load, by served name.
const FILES = {
  'player.html': join(here, '..', 'player', 'player.html'),
  'report.js': join(here, '..', 'player', 'report.js'),
  'shaka.html': join(here, '..', 'player', 'shaka.html'),
  'vhs.html': join(here, '..', 'player', 'vhs.html'),
  'webrtc.html': join(here, '..', 'player', 'webrtc.html'),
  'webrtc.js': join(here, '..', 'player', 'webrtc.js'),
  'hls.min.js': () => require.resolve('hls.js/dist/hls.min.js'),
  // The debug build: the same player with readable stacks in the test output.
  'shaka-player.compiled.js': () => require.resolve('shaka-player/dist/shaka-player.compiled.debug.js'),
  'video.min.js': () => require.resolve('video.js/dist/video.min.js'),
  'video-js.min.css': () => require.resolve('video.js/dist/video-js.min.css'),
};

// A server serving the player pages, and a headless Chromium, for one describe block:
// registers its before/after hooks. `prepare(webRoot)` runs before the start.
// `browserArgs`: more Chromium flags (a fake camera for the WebRTC publishers).
export function playerFixture(serverOpts = {}, prepare = () => {}, startArgs = [], browserArgs = []) {
  const f = { webRoot: mkdtempSync(join(tmpdir(), 'nchat-player-')), pending: new Set() };
  f.srv = new Server({ backend: 'sqlite', webRoot: f.webRoot, ...serverOpts });
  before(async () => {
    for (const [name, src] of Object.entries(FILES)) {
      let path = null;
      try { path = typeof src === 'function' ? src() : src; } catch { path = null; }
      if (path && existsSync(path)) copyFileSync(path, join(f.webRoot, name));
    }
    prepare(f.webRoot);
    await f.srv.start(startArgs);
    f.profile = mkdtempSync(join(tmpdir(), 'nchat-chrome-'));
    f.browser = await chromium.launchPersistentContext(f.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
        ...browserArgs],
    });
    // Every playlist any page receives is checked against rfc8216bis, each page's reloads in
    // their own order.
    const pageIds = new WeakMap();
    f.browser.on('response', (res) => {
      if (res.status() !== 200 || !/\.m3u8(\?|$)/.test(res.url())) return;
      let page = null;
      try { page = res.frame().page(); } catch { page = null; }
      if (page && !pageIds.has(page)) pageIds.set(page, `page${pageIds.size ?? 0}-${Math.random()}`);
      const client = page ? pageIds.get(page) : 'browser';
      const u = new URL(res.url());
      const p = res.text().then((t) => f.srv.checkPlaylist(u.pathname + u.search, t, client))
        .catch(() => {}).finally(() => f.pending.delete(p));
      f.pending.add(p);
    });
  });
  after(async () => {
    await Promise.allSettled([...f.pending]);
    await f.browser?.close();
    const r = await f.srv.stop();
    f.srv.cleanup();
    rmSync(f.webRoot, { recursive: true, force: true });
    if (f.profile) rmSync(f.profile, { recursive: true, force: true });
    assert.equal(r.code, 0, `graceful exit; stderr:\n${f.srv.stderr.slice(-3000)}`);
  });
  return f;
}
