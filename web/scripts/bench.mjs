// The web app's numbers for docs/BENCHMARKS.md:
//   1. the JavaScript a viewer downloads for the watch page (the entry chunk and the hls.js
//      chunk it loads on demand), gzipped at level 9, from web/dist;
//   2. the time from opening /watch/{id} to the first video frame of a live stream on loopback:
//      the real server (--bin or NCHAT_LIVE_BIN) serving web/dist, ffmpeg publishing 640x360
//      H.264 with a 2 s GOP, Debian's Chromium, a fresh browser context per run.
//   node scripts/bench.mjs --bin build/nchat-live [--runs 7]
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
process.env.NCHAT_LIVE_BIN = opt('--bin', process.env.NCHAT_LIVE_BIN);
const runs = Number(opt('--runs', 7));
const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const { Server, uuid } = await import('../../tests/integration/lib/harness.mjs');
const { publish, until, sleep } = await import('../../tests/integration/lib/media.mjs');

// 1. Bundle sizes.
const assets = readdirSync(join(dist, 'assets'));
let total = 0;
console.log('watch page JavaScript (gzip -9):');
for (const f of assets.filter((a) => a.endsWith('.js'))) {
  const gz = gzipSync(readFileSync(join(dist, 'assets', f)), { level: 9 }).length;
  total += gz;
  console.log(`  ${f.replace(/-[\w-]{8}\.js$/, '.js').padEnd(16)} ${(gz / 1024).toFixed(1)} KiB`);
}
console.log(`  total            ${(total / 1024).toFixed(1)} KiB`);
for (const f of assets.filter((a) => a.endsWith('.css'))) {
  console.log(`  css              ${(gzipSync(readFileSync(join(dist, 'assets', f)), { level: 9 }).length / 1024).toFixed(1)} KiB`);
}

// 2. First frame.
const srv = new Server({ backend: 'sqlite', webRoot: dist });
await srv.start();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
});
const bob = srv.createUser('bob', 'broadcaster');
const s = (await srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'bench' } })).json;
const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
const pub = publish(`${rtmp}/${s.streamKey}`, { seconds: 30 + runs * 4 });
const times = [];
try {
  await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live' });
  await sleep(3000);
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      // Time of the first frame presented, on the page's clock (0 = navigation start).
      window.__firstFrame = new Promise((resolve) => {
        const hook = () => {
          const v = document.querySelector('video');
          if (v && 'requestVideoFrameCallback' in v) v.requestVideoFrameCallback((now) => resolve(now));
          else requestAnimationFrame(hook);
        };
        document.addEventListener('DOMContentLoaded', hook);
      });
    });
    await page.goto(`${srv.base}/watch/${s.id}`);
    const ms = await page.evaluate(() => window.__firstFrame);
    times.push(Math.round(ms));
    await ctx.close();
    await sleep(500);
  }
} finally {
  await pub.stop();
  await browser.close();
  await srv.stop();
  srv.cleanup();
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`first frame after opening the watch page (ms, ${runs} runs): ${times.join(' ')}`);
console.log(`  median ${sorted[Math.floor(sorted.length / 2)]} ms, min ${sorted[0]}, max ${sorted.at(-1)}`);
console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model}; ${new Date().toISOString().slice(0, 10)}`);
