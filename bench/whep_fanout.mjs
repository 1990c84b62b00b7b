// WHEP fan-out (issue 14): the server's CPU per WebRTC viewer of one 2 Mb/s stream, and loss.
// ffmpeg publishes over RTMP (-re) a file encoded once beforehand (testsrc2 1280x720 30 fps,
// x264 at ~2 Mb/s with -bf 0 and a 2 s GOP, AAC), so no encoder competes with the server for
// the cores during the window; the server runs with --transcode=false, so a WHEP feed sends the
// source as it is (its AAC made Opus once). For each N a fresh server and publish, then
// nchat-whep-fanout (bench/whep_fanout.cpp) connects N viewers, waits, and measures.
//   node bench/whep_fanout.mjs [--bin build/nchat-live[,other/nchat-live]] [--gen build/nchat-whep-fanout]
//                              [--viewers 1,100,250,500] [--seconds 30] [--warmup 5]
// Run from the repository root. Several --bin (a build before and after a change) take turns
// at each N, so both see the same load from whatever else shares the machine. Prints one JSON
// line per run, then a Markdown table.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeBenchSource } from './lib/source.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const bins = opt('bin', process.env.NCHAT_LIVE_BIN ?? 'build/nchat-live').split(',').map((b) => resolve(b));
process.env.NCHAT_LIVE_BIN = bins[0];
const gen = resolve(opt('gen', 'build/nchat-whep-fanout'));
const counts = opt('viewers', '1,100,250,500').split(',').map(Number);
const seconds = Number(opt('seconds', 30));
const warmup = Number(opt('warmup', 5));
const { Server, uuid } = await import(resolve('tests/integration/lib/harness.mjs'));

const work = mkdtempSync(join(tmpdir(), 'nchat-fanout-'));
const source = encodeBenchSource(work);

const rows = [];
for (const n of counts) for (const bin of bins) {
  // The harness runs its BIN (the first build); `wrap` swaps in this one, exec'd so the pid
  // whose CPU is read is the server's.
  const srv = new Server({ backend: 'sqlite', wrap: ['sh', '-c', `shift; exec '${bin}' "$@"`, 'sh'] });
  await srv.start(['--access-log=false']);
  try {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'fanout' } })).json;
    const url = `${srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1]}/${s.streamKey}`;
    const ff = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-re', '-stream_loop', '-1', '-i', source, '-c', 'copy', '-f', 'flv', url],
      { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 20000;
      while ((await srv.req('GET', `/api/streams/${s.id}`)).json.status !== 'live') {
        if (Date.now() > deadline) throw new Error('the stream did not go live');
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 1000));
      // Not spawnSync: node must keep reading the server's log pipe, or the server blocks on it.
      const g = spawn(gen, ['--http', srv.base.replace('http://', ''), '--stream', s.id, '--viewers', String(n),
        '--pid', String(srv.proc.pid), '--warmup', String(warmup), '--seconds', String(seconds)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      g.stdout.on('data', (d) => { out += d; });
      await new Promise((r) => g.on('exit', r));
      const line = out.trim().split('\n').pop();
      // Why viewers left during the run, from the server's log (a starved server times them out).
      const left = {};
      for (const m of (srv.stdout + srv.stderr).matchAll(/WHEP viewer left: ([^\n]+)/g)) left[m[1]] = (left[m[1]] ?? 0) + 1;
      // The server's side: frames it dropped because its UDP strand fell behind (builds that
      // have the bound), from the stream's health.
      const pb = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json?.webrtc?.playback ?? {};
      const server = { framesDropped: pb.framesDropped ?? null, maxQueuedFrames: pb.maxQueuedFrames ?? null };
      console.log(bin, line, JSON.stringify({ left, server }));
      rows.push({ bin, ...JSON.parse(line), left, ...server });
    } finally {
      ff.kill('SIGKILL');
    }
  } finally {
    await srv.stop().catch(() => {});
    // The UDP port's own counters (reads, sends, send drops), logged as it closes.
    const udp = (srv.stdout + srv.stderr).match(/udp port closing: ([^\n]+)/);
    if (udp) console.log(bin, 'udp:', udp[1]);
    srv.cleanup();
  }
}
rmSync(work, { recursive: true, force: true });

console.log('\n| build | viewers | connected | server CPU (% of a core) | per viewer | generator CPU | machine busy (of 200 %) | packets/s per viewer | Mb/s per viewer | server µs per packet | loss | viewers with loss | check answer ms p50 / p99 / max | frames dropped (max queued) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const x of rows) {
  console.log(`| ${x.bin} | ${x.viewers} | ${x.connected} | ${x.serverCpuPct.toFixed(1)} | ${x.serverCpuPctPerViewer.toFixed(3)} | ` +
    `${x.generatorCpuPct.toFixed(1)} | ${x.machineBusyPctOf200.toFixed(0)} | ${x.packetsPerViewerPerSecond.toFixed(0)} | ` +
    `${x.mbpsPerViewer.toFixed(2)} | ${x.serverCpuUsPerPacket.toFixed(2)} | ${x.lossPct.toFixed(3)} % | ${x.viewersWithLoss} | ` +
    `${x.checkMsP50.toFixed(1)} / ${x.checkMsP99.toFixed(1)} / ${x.checkMsMax.toFixed(0)} | ${x.framesDropped ?? '-'} (${x.maxQueuedFrames ?? '-'}) |`);
}
