// What recording costs (issue 16): the server's CPU while it transcodes a 1080p source into the
// 4-rung ladder with --record=false and with --record=true, side by side (alternating runs), and
// the disk bandwidth the recording writes. Prints one line per run and the ratio.
//   node bench/recording_cost.mjs [--bin build/nchat-live] [--seconds 40] [--runs 2]
// Run from the repository root (the harness and its node_modules are tests/integration's).
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const seconds = Number(opt('seconds', 40));
const runs = Number(opt('runs', 2));
const warmup = 10;
process.env.NCHAT_LIVE_BIN = resolve(opt('bin', process.env.NCHAT_LIVE_BIN ?? 'build/nchat-live'));
const { Server, uuid } = await import(resolve('tests/integration/lib/harness.mjs'));
const { encodeFile, publishFile, until, sleep } = await import(resolve('tests/integration/lib/media.mjs'));

const dir = mkdtempSync(join(tmpdir(), 'nchat-reccost-'));
const source = join(dir, 'src1080.flv');
console.error('encoding the source once…');
encodeFile(source, { seconds: seconds + warmup + 15, size: '1920x1080', rate: 30, kbps: 3000 });

const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / ticks;  // utime + stime
};
const machineBusy = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { idle, total: f.reduce((a, b) => a + b, 0) };
};
const duBytes = (p) => {
  let n = 0;
  for (const e of readdirSync(p, { withFileTypes: true })) {
    const q = join(p, e.name);
    n += e.isDirectory() ? duBytes(q) : statSync(q).size;
  }
  return n;
};

const results = [];
for (let i = 0; i < runs; i++) {
  for (const record of [false, true]) {
    const srv = new Server({ backend: 'sqlite', transcode: true });
    // ultrafast: the 4-rung ladder must keep up on 2 cores, or shedding changes the work.
    await srv.start(['--record', String(record), '--transcode-preset', 'ultrafast', '--reconnect-grace', '1']);
    try {
      const alice = srv.createUser('alice', 'broadcaster');
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'cost' } })).json;
      const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)?.[1]
        ?? `rtmp://127.0.0.1:${srv.stdout.match(/rtmp:\/\/127\.0\.0\.1:(\d+)/)[1]}/live`;
      const pub = publishFile(`${rtmp}/${s.streamKey}`, source);
      await until(async () => (await srv.req('GET', `/hls/${s.id}/master.m3u8`)).status === 200, { timeout: 30000, what: 'the ladder' });
      await sleep(warmup * 1000);
      const recDir = join(srv.dataDir, 'recordings');
      const b0 = record ? duBytes(recDir) : 0;
      const c0 = cpuSeconds(srv.proc.pid);
      const m0 = machineBusy();
      await sleep(seconds * 1000);
      const c1 = cpuSeconds(srv.proc.pid);
      const m1 = machineBusy();
      const b1 = record ? duBytes(recDir) : 0;
      const health = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json;
      const shed = (health.transcode?.renditions ?? []).filter((r) => r.timesShed > 0).map((r) => r.name);
      const r = {
        record, run: i + 1, cpu: (100 * (c1 - c0)) / seconds,
        mbps: record ? ((b1 - b0) * 8) / seconds / 1e6 : 0,
        busy: 100 * 2 * (1 - (m1.idle - m0.idle) / (m1.total - m0.total)),
        renditions: health.renditions.length, shed, recording: health.recording?.state ?? null,
      };
      results.push(r);
      console.log(`record=${record} run ${r.run}: server ${r.cpu.toFixed(1)} % of a core, ` +
        `${r.renditions} renditions${shed.length ? ` (shed: ${shed})` : ''}, disk ${r.mbps.toFixed(2)} Mb/s, ` +
        `machine ${r.busy.toFixed(0)} % of 200, recording ${r.recording}`);
      await pub.stop();
    } finally {
      await srv.stop().catch((e) => console.error(String(e).slice(0, 300)));
      srv.cleanup();
    }
  }
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const off = mean(results.filter((r) => !r.record).map((r) => r.cpu));
const on = mean(results.filter((r) => r.record).map((r) => r.cpu));
console.log(`mean server CPU: ${off.toFixed(1)} % without recording, ${on.toFixed(1)} % with; ` +
  `recording costs ${(100 * (on / off - 1)).toFixed(1)} % more (ratio ${(on / off).toFixed(3)}); ` +
  `disk ${mean(results.filter((r) => r.record).map((r) => r.mbps)).toFixed(2)} Mb/s`);
rmSync(dir, { recursive: true, force: true });
