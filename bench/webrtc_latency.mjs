// Glass-to-glass latency in Chromium on loopback (issue 14): a broadcaster page draws the
// wall clock into a canvas as 42 black/white squares and publishes the canvas over WHIP; one
// viewer page watches over WHEP, another the LL-HLS with hls.js (low-latency mode); each reads
// the clock back from every decoded frame (requestVideoFrameCallback) and compares it with its
// own Date.now() (the pages share the browser's clock). Prints p50/p95/max per path.
//   node bench/webrtc_latency.mjs [--bin build/nchat-live] [--seconds 60] [--transcode]
// Run from the repository root; playwright-core and hls.js come from tests/integration.
import { createRequire } from 'node:module';
import { mkdtempSync, copyFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const seconds = Number(opt('seconds', 60));
process.env.NCHAT_LIVE_BIN = resolve(opt('bin', process.env.NCHAT_LIVE_BIN ?? 'build/nchat-live'));
const require = createRequire(resolve('tests/integration/package.json'));
const { chromium } = require('playwright-core');
const { Server, uuid } = await import(resolve('tests/integration/lib/harness.mjs'));

const web = mkdtempSync(join(tmpdir(), 'nchat-g2g-'));
copyFileSync(require.resolve('hls.js/dist/hls.min.js'), join(web, 'hls.min.js'));
copyFileSync('tests/integration/player/webrtc.js', join(web, 'webrtc.js'));
// The clock code: 42 bits of Date.now() (ms), MSB first, squares of 14 px on a 640x360 canvas.
const codec = `
const BITS = 42, SQ = 14, X0 = 20, Y0 = 160;
window.drawClock = (ctx, t) => {
  ctx.fillStyle = '#808080'; ctx.fillRect(0, 0, 640, 360);
  for (let i = 0; i < BITS; i++) {
    const bit = Math.floor(t / 2 ** (BITS - 1 - i)) % 2;
    ctx.fillStyle = bit ? '#fff' : '#000';
    ctx.fillRect(X0 + i * SQ, Y0, SQ, SQ);
  }
};
window.readClock = (ctx, w, h) => {
  const sx = w / 640, sy = h / 360;
  const px = ctx.getImageData(0, 0, w, h).data;
  let t = 0;
  for (let i = 0; i < BITS; i++) {
    const x = Math.round((X0 + i * SQ + SQ / 2) * sx), y = Math.round((Y0 + SQ / 2) * sy);
    t = t * 2 + (px[(y * w + x) * 4] > 128 ? 1 : 0);
  }
  return t;
};
window.samples = [];
window.watch = (video) => {
  const c = document.createElement('canvas');
  const ctx = c.getContext('2d', { willReadFrequently: true });
  const frame = () => {
    const now = Date.now();
    if (video.videoWidth) {
      c.width = video.videoWidth; c.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const t = readClock(ctx, c.width, c.height);
      if (t > now - 60000 && t <= now) window.samples.push(now - t);
    }
    video.requestVideoFrameCallback(frame);
  };
  video.requestVideoFrameCallback(frame);
};`;
writeFileSync(join(web, 'g2g.html'), `<!doctype html><meta charset="utf-8"><video id="v" autoplay muted playsinline></video>
<script src="webrtc.js"></script><script src="hls.min.js"></script><script>${codec}</script>`);

const srv = new Server({ backend: 'sqlite', webRoot: web, transcode: args.includes('--transcode'), vfrSources: true });
await srv.start(['--access-log=false']);
const alice = srv.createUser('alice', 'broadcaster');
const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'g2g' } })).json;
const profile = mkdtempSync(join(tmpdir(), 'nchat-g2g-chrome-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required', '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
});
try {
  const pub = await browser.newPage();
  await pub.goto(`${srv.base}/g2g.html`);
  const published = await pub.evaluate(async ([url, key]) => {
    const c = document.createElement('canvas'); c.width = 640; c.height = 360;
    const ctx = c.getContext('2d');
    const draw = () => { drawClock(ctx, Date.now()); requestAnimationFrame(draw); };
    draw();
    setInterval(() => drawClock(ctx, Date.now()), 16);  // headless rAF may idle
    const media = c.captureStream(30);
    const pc = new RTCPeerConnection();
    const tr = pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly', streams: [media] });
    const h264 = RTCRtpSender.getCapabilities('video').codecs.filter((x) => x.mimeType === 'video/H264');
    tr.setCodecPreferences(h264);
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${key}` }, body: pc.localDescription.sdp });
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    window.pc = pc;
    return res.status;
  }, [`${srv.base}/api/whip`, s.streamKey]);
  if (published !== 201) throw new Error(`WHIP publish: ${published}`);
  const whep = await browser.newPage();
  await whep.goto(`${srv.base}/g2g.html`);
  const w = await whep.evaluate((u) => window.whepPlay(u), `${srv.base}/api/whep/${s.id}`);
  if (w.status !== 201) throw new Error(`WHEP: ${w.status} ${w.body}`);
  await whep.evaluate(() => window.watch(document.getElementById('v')));
  const hls = await browser.newPage();
  await hls.goto(`${srv.base}/g2g.html`);
  await hls.evaluate((src) => {
    const v = document.getElementById('v');
    const h = new Hls({ lowLatencyMode: true });
    h.loadSource(src); h.attachMedia(v); v.play().catch(() => {});
    window.watch(v);
  }, `${srv.base}/hls/${s.id}/master.m3u8`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const q = (xs, p) => { const a = [...xs].sort((x, y) => x - y); return a.length ? a[Math.min(a.length - 1, Math.floor(p * a.length))] : NaN; };
  const row = (name, xs) => `| ${name} | ${xs.length} | ${q(xs, 0.5)} | ${q(xs, 0.95)} | ${Math.max(...xs)} |`;
  const a = await whep.evaluate(() => window.samples);
  const b = await hls.evaluate(() => window.samples);
  console.log(`glass to glass over ${seconds} s (ms), transcode ${args.includes('--transcode') ? 'on' : 'off'}`);
  console.log('| path | frames | p50 | p95 | max |\n|---|---|---|---|---|');
  console.log(row('WHIP → WHEP', a.slice(30)));
  console.log(row('WHIP → LL-HLS (hls.js)', b.slice(30)));
} finally {
  await browser.close();
  await srv.stop().catch((e) => console.error(String(e).slice(0, 500)));
  srv.cleanup();
  rmSync(web, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
