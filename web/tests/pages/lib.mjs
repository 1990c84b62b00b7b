// The fixture of the page tests: the real nchat-live binary (NCHAT_LIVE_BIN) serving the built
// app (web/dist) on loopback, ffmpeg publishing over RTMP, and Debian's Chromium through
// playwright-core (never a downloaded browser).
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { Server, uuid } from '../../../tests/integration/lib/harness.mjs';
import { publish, until, sleep } from '../../../tests/integration/lib/media.mjs';

export { uuid, publish, until, sleep };
const here = dirname(fileURLToPath(import.meta.url));
export const WEB_ROOT = join(here, '..', '..', 'dist');
export const SHOTS = join(here, '..', '..', 'test-results', 'screenshots');
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // WHIP and WHEP to the server on 127.0.0.1 (Chromium leaves loopback candidates out otherwise).
  '--allow-loopback-in-peer-connection',
];

/** `serverArgs`: more command-line options for `nchat-live serve` (e.g. `--guests=false`). */
export async function startFixture(serverOpts = {}, serverArgs = []) {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error(`${WEB_ROOT} is not built: npm run build (web.build)`);
  const srv = new Server({ backend: 'sqlite', webRoot: WEB_ROOT, ...serverOpts });
  await srv.start(serverArgs);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  mkdirSync(SHOTS, { recursive: true });
  return { srv, browser, rtmp: srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1] };
}

/** A browser context signed in with `token` (the app keeps it in localStorage), or anonymous. */
export async function pageFor(browser, token, viewport = { width: 1280, height: 800 }) {
  const ctx = await browser.newContext({ viewport, permissions: ['camera', 'microphone'] });
  if (token) await ctx.addInitScript((t) => localStorage.setItem('nchat-live.token', t), token);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.errors = errors;
  return page;
}

export async function shoot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

/** axe-core on the page: the serious and critical violations (none expected). */
export async function axe(page) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ['violations'] });
    return res.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
  });
  return r;
}

export async function createLiveStream(f, token, title, seconds = 120, publishOpts = {}) {
  const s = (await f.srv.req('POST', '/api/streams/create', { token, body: { channelId: uuid(), title } })).json;
  const pub = publish(`${f.rtmp}/${s.streamKey}`, { seconds, ...publishOpts });
  await until(async () => (await f.srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live status', timeout: 20000 });
  return { stream: s, pub };
}
