// How fast a browser publisher's bandwidth estimate climbs over WHIP (issue 14): Chromium
// publishes its fake 1280x720 camera to nchat-live; every 250 ms the page reads its own
// getStats: the estimate of the path (candidate-pair availableOutgoingBitrate, which our TWCC
// feedback drives) and the encoder's target (outbound-rtp targetBitrate). Prints when each
// first reaches 2.5 Mb/s (the bar for a 720p publisher), over RUNS publishes.
//   node bench/webrtc_ingest_ramp.mjs [--bin build/nchat-live] [--runs 5]
import { createRequire } from 'node:module';
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const runs = Number(opt('runs', 5));
process.env.NCHAT_LIVE_BIN = resolve(opt('bin', process.env.NCHAT_LIVE_BIN ?? 'build/nchat-live'));
const require = createRequire(resolve('tests/integration/package.json'));
const { chromium } = require('playwright-core');
const { Server, uuid } = await import(resolve('tests/integration/lib/harness.mjs'));

const web = mkdtempSync(join(tmpdir(), 'nchat-ramp-'));
copyFileSync('tests/integration/player/webrtc.html', join(web, 'webrtc.html'));
copyFileSync('tests/integration/player/webrtc.js', join(web, 'webrtc.js'));
const srv = new Server({ backend: 'sqlite', webRoot: web, vfrSources: true });
await srv.start(['--access-log=false']);
const alice = srv.createUser('alice', 'broadcaster');
const profile = mkdtempSync(join(tmpdir(), 'nchat-ramp-chrome-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection'],
});
const BAR = 2_500_000;
const results = [];
try {
  for (let run = 0; run < runs; run++) {
    const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'ramp' } })).json;
    const page = await browser.newPage();
    await page.goto(`${srv.base}/webrtc.html`);
    const r = await page.evaluate(([u, k]) => window.whipPublish(u, k), [`${srv.base}/api/whip`, s.streamKey]);
    if (r.status !== 201) throw new Error(`WHIP ${r.status} ${r.body}`);
    const t = await page.evaluate(async (bar) => {
      const start = performance.now();
      const out = { estimate: null, target: null };
      while (performance.now() - start < 15000 && (out.estimate === null || out.target === null)) {
        const st = await window.whipStats();
        const now = (performance.now() - start) / 1000;
        if (out.estimate === null && st.availableOutgoingBitrate >= bar) out.estimate = now;
        if (out.target === null && st.video?.targetBitrate >= bar) out.target = now;
        await new Promise((res) => setTimeout(res, 250));
      }
      return out;
    }, BAR);
    results.push(t);
    await page.evaluate(() => window.whipStop());
    await page.close();
  }
} finally {
  await browser.close();
  await srv.stop().catch((e) => console.error(String(e).slice(0, 300)));
  srv.cleanup();
  rmSync(web, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
const fmt = (x) => (x === null ? '> 15' : x.toFixed(2));
console.log('| run | estimate ≥ 2.5 Mb/s (s) | encoder target ≥ 2.5 Mb/s (s) |\n|---|---|---|');
results.forEach((r, i) => console.log(`| ${i + 1} | ${fmt(r.estimate)} | ${fmt(r.target)} |`));
