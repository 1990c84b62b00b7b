// Lighthouse (npm `lighthouse` 12.2.3, pinned: 13 wants Node 22) on the app's three main pages,
// for docs/BENCHMARKS.md and docs/web.md. A measurement, not a test: it builds nothing (it
// expects web/dist) and fails only when it cannot measure.
//
// The page tests' fixture: the real server (--bin or NCHAT_LIVE_BIN) on a free loopback port
// serving web/dist, a broadcaster, a live stream published with ffmpeg (640x360 H.264 + AAC).
// Then, for each page and form factor, a fresh Debian Chromium (never a downloaded one) with
// its own profile, and Lighthouse's default navigation (mobile: Moto G Power, simulated slow
// 4G and 4x CPU slowdown; desktop: its desktop config) over the categories performance,
// accessibility and best-practices:
//   home     /                the live stream listed
//   viewer   /watch/{id}      the stream playing
//   studio   /studio          signed in as the broadcaster (the token put in localStorage
//                             first, from a page that loads no app code; Lighthouse's storage
//                             reset is off for this page only, or it would sign out)
//
//   node scripts/lighthouse.mjs --bin build/nchat-live [--runs 3] [--only home,viewer] [--form mobile]
// Each cell is the run with the median performance score; the reports land in
// web/test-results/lighthouse/ (HTML and JSON).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
process.env.NCHAT_LIVE_BIN = opt('--bin', process.env.NCHAT_LIVE_BIN);
const runs = Number(opt('--runs', 3));
const only = opt('--only', 'home,viewer,studio').split(',');
const forms = opt('--form', 'desktop,mobile').split(',');
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices'];

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const reports = join(here, '..', 'test-results', 'lighthouse');
if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} is not built: npm run build`);
mkdirSync(reports, { recursive: true });
// After NCHAT_LIVE_BIN is set: the harness reads it when loaded.
const { startFixture, createLiveStream, sleep } = await import('../tests/pages/lib.mjs');

/** Debian's Chromium, headless, on a DevTools port of its choosing, with a fresh profile. */
async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'nchat-lh-'));
  const proc = spawn(
    CHROME,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    // Its own process group: Chromium's helpers (zygote, renderers) end with it.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let err = '';
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Chromium did not open its DevTools port:\n${err}`)), 30000);
    proc.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    proc.on('exit', () => reject(new Error(`Chromium exited:\n${err}`)));
  });
  return {
    port,
    async close() {
      const exited = new Promise((r) => proc.on('exit', r));
      process.kill(-proc.pid, 'SIGTERM');
      await exited;
      await sleep(500);
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

/** Puts the token where the app keeps it, from the origin's favicon: no app code runs. */
async function signIn(port, origin, token) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const page = await browser.contexts()[0].newPage();
  await page.goto(`${origin}/favicon.svg`);
  await page.evaluate((t) => localStorage.setItem('nchat-live.token', t), token);
  await page.close();
  await browser.close();
}

async function measure(page, formFactor) {
  const chrome = await launchChromium();
  try {
    if (page.token) await signIn(chrome.port, f.srv.base, page.token);
    const flags = {
      port: chrome.port,
      output: ['html', 'json'],
      logLevel: 'error',
      onlyCategories: CATEGORIES,
      disableStorageReset: !!page.token,
    };
    const r = await lighthouse(page.url, flags, formFactor === 'desktop' ? desktopConfig : undefined);
    if (!r) throw new Error(`no Lighthouse result for ${page.url}`);
    if (r.lhr.runtimeError) throw new Error(`${page.url}: ${r.lhr.runtimeError.code} ${r.lhr.runtimeError.message}`);
    return r;
  } finally {
    await chrome.close();
  }
}

/** The audits that cost points: scored below 1 in a category where they weigh. */
function losses(lhr) {
  const out = [];
  for (const id of CATEGORIES) {
    for (const ref of lhr.categories[id].auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) out.push(`${id}: ${a.id} ${a.score} ${a.displayValue ?? ''}`.trim());
    }
  }
  return out;
}

const f = await startFixture();
await f.browser.close(); // the fixture's Playwright browser: Lighthouse gets its own
const bob = f.srv.createUser('bob', 'broadcaster');
const live = await createLiveStream(f, bob.token, 'Lighthouse live', 3600);
const rows = [];
try {
  await sleep(4000); // a few segments, so the player starts at once
  const pages = [
    { name: 'home', url: `${f.srv.base}/` },
    { name: 'viewer', url: `${f.srv.base}/watch/${live.stream.id}` },
    { name: 'studio', url: `${f.srv.base}/studio`, token: bob.token },
  ].filter((p) => only.includes(p.name));
  for (const page of pages) {
    for (const formFactor of forms) {
      const results = [];
      for (let i = 0; i < runs; i++) {
        const r = await measure(page, formFactor);
        const s = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(r.lhr.categories[c].score * 100)]));
        console.log(`${page.name} ${formFactor} run ${i + 1}: ${CATEGORIES.map((c) => `${c} ${s[c]}`).join(', ')}`);
        results.push({ r, s });
      }
      results.sort((a, b) => a.s.performance - b.s.performance);
      const { r, s } = results[Math.floor(results.length / 2)];
      writeFileSync(join(reports, `${page.name}-${formFactor}.html`), r.report[0]);
      writeFileSync(join(reports, `${page.name}-${formFactor}.json`), r.report[1]);
      const m = (id) => r.lhr.audits[id]?.displayValue ?? '';
      rows.push({
        page: page.name,
        formFactor,
        ...s,
        all: results.map((x) => x.s.performance).join(' '),
        metrics: `FCP ${m('first-contentful-paint')}, LCP ${m('largest-contentful-paint')}, TBT ${m('total-blocking-time')}, CLS ${m('cumulative-layout-shift')}`,
        losses: losses(r.lhr),
      });
    }
  }
} finally {
  await live.pub.stop();
  await f.srv.stop();
  f.srv.cleanup();
}

console.log(`\n| page | form factor | performance | accessibility | best practices | performance of each run | median run's metrics |`);
console.log('|---|---|---|---|---|---|---|');
for (const x of rows) {
  console.log(`| ${x.page} | ${x.formFactor} | ${x.performance} | ${x.accessibility} | ${x['best-practices']} | ${x.all} | ${x.metrics} |`);
}
for (const x of rows.filter((r) => r.losses.length))
  console.log(`\n${x.page} ${x.formFactor} loses points on:\n  ${x.losses.join('\n  ')}`);
console.log(`\nLighthouse 12.2.3, ${CHROME}; ${cpus().length} cores, ${cpus()[0]?.model}; ${new Date().toISOString()}`);
