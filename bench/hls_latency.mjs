// Measurement half of bench/hls_latency.sh (issue #4): publishes one ffmpeg source to
// nchat-live and to two nginx-rtmp applications at once (tee muxer, identical bytes), watches
// the playlists and reports when each part / segment got listed. Run it through the .sh.
//
// Clock: every time is performance.timeOrigin + performance.now() in this process (ms).
// The tee's first output is a pipe to us, written just before the RTMP outputs: the arrival of
// each FLV video tag here is the send time of that frame ("A"). The simpler estimate,
// spawn time + media time, is reported too (it adds ffmpeg's start-up and encoder delay).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const env = (k) => {
  if (!process.env[k]) throw new Error(`missing ${k}`);
  return process.env[k];
};
const cfg = {
  nchatHttp: env('NCHAT_HTTP'), // host:port
  nchatRtmp: env('NCHAT_RTMP'),
  nginxHttp: env('NGINX_HTTP'),
  nginxRtmp: env('NGINX_RTMP'),
  streams: JSON.parse(env('NCHAT_STREAMS')), // [{id, key}, {id, key}]
  nchatPid: Number(env('NCHAT_PID')),
  nginxPid: Number(env('NGINX_PID')),
  seconds: Number(process.env.BENCH_SECONDS || 60),
  idleSeconds: Number(process.env.BENCH_IDLE_SECONDS || 10),
  gop: Number(process.env.BENCH_GOP || 60),
};
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const running = new Set(); // publishers still alive, stopped if we exit early
process.on('exit', () => running.forEach((p) => p.kill('SIGKILL')));
process.on('SIGTERM', () => process.exit(1));
process.on('SIGINT', () => process.exit(1));

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), t: now() }));
    });
    req.on('error', () => resolve({ status: 0, body: '', t: now() }));
    req.setTimeout(10000, () => req.destroy());
  });
}

// ---- CPU from /proc (utime + stime of the process; nginx: master + its children) ----
const hz = 100; // CLK_TCK on Linux x86-64
function ticks(pid) {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // fields 14 and 15 of stat(5)
}
function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
const nginxPids = () => [cfg.nginxPid, ...children(cfg.nginxPid)];
function cpuSnap() {
  return {
    t: now(),
    nchat: ticks(cfg.nchatPid),
    nginx: Object.fromEntries(nginxPids().map((p) => [p, ticks(p)])),
  };
}
function cpuDiff(a, b) {
  const secs = (b.t - a.t) / 1000;
  let ng = 0;
  for (const [p, v] of Object.entries(b.nginx)) ng += v - (a.nginx[p] ?? 0);
  return { secs, nchatPct: ((b.nchat - a.nchat) / hz / secs) * 100, nginxPct: (ng / hz / secs) * 100 };
}

// ---- the publisher and the FLV observer ----
function publish(stream, nginxName, observe) {
  const outs = [
    '[f=flv]pipe:1',
    `[f=flv:onfail=ignore]rtmp://${cfg.nchatRtmp}/live/${stream.key}`,
    `[f=flv:onfail=ignore]rtmp://${cfg.nginxRtmp}/live/${nginxName}`,
    `[f=flv:onfail=ignore]rtmp://${cfg.nginxRtmp}/live2/${nginxName}`,
  ].join('|');
  // prettier-ignore
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(cfg.seconds), '-map', '0:v', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(cfg.gop),
    '-b:v', '6M', '-maxrate', '6M', '-bufsize', '6M', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', '-flags', '+global_header', '-f', 'tee', outs];
  const spawnedAt = now();
  const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const frames = []; // {ts (ms, FLV DTS), key, a (arrival)}
  let buf = Buffer.alloc(0);
  let off = 13; // FLV header (9) + PreviousTagSize0 (4)
  ff.stdout.on('data', (chunk) => {
    const t = now();
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (buf.length < off + 11) break;
      const type = buf[off] & 0x1f;
      const size = buf.readUIntBE(off + 1, 3);
      if (buf.length < off + 11 + size + 4) break;
      const ts = buf.readUIntBE(off + 4, 3) | (buf[off + 7] << 24);
      if (type === 9 && size > 2 && buf[off + 12] === 1 && observe) {
        frames.push({ ts, key: buf[off + 11] >> 4 === 1, a: t });
      }
      off += 11 + size + 4;
    }
    if (off > 1 << 20) {
      buf = buf.subarray(off);
      off = 0;
    }
  });
  running.add(ff);
  const done = new Promise((r) =>
    ff.on('exit', (code) => {
      running.delete(ff);
      r(code);
    }),
  );
  return { spawnedAt, frames, done, ff };
}

// ---- playlist parsing ----
// nchat-live: segments seg{msn}.m4s with #EXTINF, parts part{msn}.{i}.m4s with DURATION.
function parseNchat(body) {
  const out = { segs: [], parts: [], hint: null, phb: null };
  let msn = null;
  for (const line of body.split('\n')) {
    let m;
    if ((m = line.match(/^#EXT-X-MEDIA-SEQUENCE:(\d+)/))) msn = Number(m[1]);
    else if ((m = line.match(/PART-HOLD-BACK=([\d.]+)/))) out.phb = Number(m[1]);
    else if ((m = line.match(/^#EXT-X-PART:DURATION=([\d.]+),URI="part(\d+)\.(\d+)\.m4s"/)))
      out.parts.push({ msn: Number(m[2]), i: Number(m[3]), d: Number(m[1]) });
    else if ((m = line.match(/^#EXTINF:([\d.]+)/))) out.segs.push({ msn, d: Number(m[1]) });
    else if (line.startsWith('seg')) msn += 1;
    else if ((m = line.match(/^#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part(\d+)\.(\d+)\.m4s"/)))
      out.hint = { msn: Number(m[1]), part: Number(m[2]) };
  }
  return out;
}
// nginx-rtmp: NAME-N.ts with #EXTINF; sequence numbers from MEDIA-SEQUENCE.
function parseNginx(body) {
  const out = { segs: [], target: null };
  let seq = null;
  let d = null;
  for (const line of body.split('\n')) {
    let m;
    if ((m = line.match(/^#EXT-X-MEDIA-SEQUENCE:(\d+)/))) seq = Number(m[1]);
    else if ((m = line.match(/^#EXT-X-TARGETDURATION:(\d+)/))) out.target = Number(m[1]);
    else if ((m = line.match(/^#EXTINF:([\d.]+)/))) d = Number(m[1]);
    else if (line.endsWith('.ts') && d !== null) {
      out.segs.push({ seq, d });
      seq += 1;
      d = null;
    }
  }
  return out;
}

// A watcher keeps, per item, the first time it was seen and its duration.
class Seen {
  constructor() {
    this.items = new Map();
  }
  add(key, d, t) {
    if (!this.items.has(key)) this.items.set(key, { d, t });
  }
}

async function watchNchatBlocking(base, stop, parts, segs, meta) {
  let hint = null;
  while (!stop.v) {
    const url = hint ? `${base}?_HLS_msn=${hint.msn}&_HLS_part=${hint.part}` : base;
    const r = await get(url);
    if (r.status !== 200) {
      await sleep(5);
      continue;
    }
    const p = parseNchat(r.body);
    meta.phb = p.phb;
    for (const x of p.parts) parts.add(`${x.msn}.${x.i}`, x.d, r.t);
    for (const x of p.segs) segs.add(x.msn, x.d, r.t);
    hint = p.hint;
    if (!hint) await sleep(5);
  }
}
async function watchNchatPoll(base, stop, parts, segs, periodMs) {
  while (!stop.v) {
    const r = await get(base);
    if (r.status === 200) {
      const p = parseNchat(r.body);
      for (const x of p.parts) parts.add(`${x.msn}.${x.i}`, x.d, r.t);
      for (const x of p.segs) segs.add(x.msn, x.d, r.t);
    }
    await sleep(periodMs);
  }
}
async function watchNginx(url, stop, segs, meta) {
  while (!stop.v) {
    const r = await get(url);
    if (r.status === 200) {
      const p = parseNginx(r.body);
      if (p.target) meta.target = p.target;
      for (const x of p.segs) segs.add(x.seq, x.d, r.t);
    }
    await sleep(10);
  }
}

// ---- analysis ----
function pct(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
// items: ordered [{key, d, t}]; start media time of each = sum of previous durations.
// Returns per item: closing delay W - A(S+D), first-frame wait W - A(S), and per frame W - A(f).
function analyse(items, frames, spawnedAt) {
  const v0 = frames[0].ts;
  const lastTs = frames[frames.length - 1].ts;
  const frameAt = (ms) => {
    // first video frame with ts >= ms - 2 (durations are printed to 1 ms)
    let lo = 0;
    let hi = frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (frames[mid].ts >= ms - 2) hi = mid;
      else lo = mid + 1;
    }
    return frames[lo];
  };
  const res = { closing: [], first: [], perFrame: [], closingSpawn: [], maxMismatch: 0, n: 0, skipped: 0 };
  let s = 0;
  for (const it of items) {
    const startMs = v0 + s * 1000;
    const endMs = v0 + (s + it.d) * 1000;
    s += it.d;
    if (endMs > lastTs - 1) {
      res.skipped++; // closed by the end of the stream, not by a frame
      continue;
    }
    const fs = frameAt(startMs);
    const fe = frameAt(endMs);
    res.maxMismatch = Math.max(res.maxMismatch, Math.abs(fe.ts - endMs), Math.abs(fs.ts - startMs));
    res.closing.push(it.t - fe.a);
    res.first.push(it.t - fs.a);
    res.closingSpawn.push(it.t - (spawnedAt + (endMs - v0)));
    for (const f of frames) if (f.ts >= fs.ts && f.ts < fe.ts) res.perFrame.push(it.t - f.a);
    res.n++;
  }
  return res;
}
const ordered = (seen, cmp) =>
  [...seen.items.entries()].sort((a, b) => cmp(a[0], b[0])).map(([key, v]) => ({ key, ...v }));
const partCmp = (a, b) => {
  const [am, ai] = a.split('.').map(Number);
  const [bm, bi] = b.split('.').map(Number);
  return am - bm || ai - bi;
};
const numCmp = (a, b) => a - b;
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const row = (name, xs) => `| ${name} | ${xs.length} | ${f1(pct(xs, 50))} | ${f1(pct(xs, 95))} | ${f1(pct(xs, 99))} |`;

async function main() {
  const out = (s) => process.stdout.write(s + '\n');
  // Phase 0: idle CPU (servers up, nothing published).
  const idle0 = cpuSnap();
  await sleep(cfg.idleSeconds * 1000);
  const idle = cpuDiff(idle0, cpuSnap());

  // Phase 1: latency, with watchers.
  const [s1, s2] = cfg.streams;
  const nchatBase = `http://${cfg.nchatHttp}/hls/${s1.id}/source/index.m3u8`;
  const stop = { v: false };
  const blkParts = new Seen();
  const blkSegs = new Seen();
  const pollParts = new Seen();
  const pollSegs = new Seen();
  const ng1 = new Seen();
  const ng2 = new Seen();
  const meta = { phb: null };
  const ngMeta1 = {};
  const ngMeta2 = {};
  const watchers = [
    watchNchatBlocking(nchatBase, stop, blkParts, blkSegs, meta),
    watchNchatPoll(nchatBase, stop, pollParts, pollSegs, 1),
    watchNginx(`http://${cfg.nginxHttp}/hls1/bench.m3u8`, stop, ng1, ngMeta1),
    watchNginx(`http://${cfg.nginxHttp}/hls2/bench.m3u8`, stop, ng2, ngMeta2),
  ];
  const c1a = cpuSnap();
  const pub = publish(s1, 'bench', true);
  const code = await pub.done;
  const cpuWatched = cpuDiff(c1a, cpuSnap());
  await sleep(3000); // the last segments get listed
  stop.v = true;
  await Promise.all(watchers);
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}`);

  // Phase 2: CPU only (same source, no HTTP client at all), on a fresh stream.
  const c2a = cpuSnap();
  const pub2 = publish(s2, 'bench2', false);
  const code2 = await pub2.done;
  const cpuQuiet = cpuDiff(c2a, cpuSnap());
  if (code2 !== 0) throw new Error(`ffmpeg exited with ${code2}`);

  const frames = pub.frames;
  if (process.env.BENCH_DUMP) {
    const { writeFileSync } = await import('node:fs');
    const dump = (seen) => [...seen.items.entries()];
    writeFileSync(process.env.BENCH_DUMP, JSON.stringify({ spawnedAt: pub.spawnedAt, frames,
      blkParts: dump(blkParts), blkSegs: dump(blkSegs), pollParts: dump(pollParts), ng1: dump(ng1), ng2: dump(ng2) }));
  }
  const offsets = frames.map((f) => f.a - (pub.spawnedAt + (f.ts - frames[0].ts)));
  const bParts = analyse(ordered(blkParts, partCmp), frames, pub.spawnedAt);
  const pParts = analyse(ordered(pollParts, partCmp), frames, pub.spawnedAt);
  const bSegs = analyse(ordered(blkSegs, numCmp), frames, pub.spawnedAt);
  const n1 = analyse(ordered(ng1, numCmp), frames, pub.spawnedAt);
  const n2 = analyse(ordered(ng2, numCmp), frames, pub.spawnedAt);
  // Blocking answer vs the 1 ms plain poll, same part.
  const spread = [];
  for (const [k, v] of blkParts.items) {
    const p = pollParts.items.get(k);
    if (p) spread.push(v.t - p.t);
  }
  const avgDur = (seen) => {
    const xs = [...seen.items.values()].map((x) => x.d);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };

  out(`video frames observed: ${frames.length}; ffmpeg spawn -> frame sent (start-up + encoder), ms: ` +
    `p50 ${f1(pct(offsets, 50))}, min ${f1(Math.min(...offsets))}, max ${f1(Math.max(...offsets))}`);
  out(`largest |closing-frame ts - computed media time|: parts ${bParts.maxMismatch} ms, ` +
    `nchat segs ${bSegs.maxMismatch} ms, nginx 1s ${n1.maxMismatch} ms, nginx 2s ${n2.maxMismatch} ms`);
  out(`mean durations (s): nchat part ${f3(avgDur(blkParts))}, nchat seg ${f3(avgDur(blkSegs))}, ` +
    `nginx 1s ${f3(avgDur(ng1))} (TARGETDURATION ${ngMeta1.target}), nginx 2s ${f3(avgDur(ng2))} (TARGETDURATION ${ngMeta2.target})`);
  out(`nchat-live PART-HOLD-BACK: ${meta.phb}`);
  out('');
  out('Listed delay of the closing frame, W - A(S+D), ms:');
  out('| what | n | p50 | p95 | p99 |');
  out('|---|---|---|---|---|');
  out(row('nchat-live part (blocking reload)', bParts.closing));
  out(row('nchat-live part (1 ms plain poll)', pParts.closing));
  out(row('nchat-live segment', bSegs.closing));
  out(row('nginx-rtmp segment, hls_fragment 1s', n1.closing));
  out(row('nginx-rtmp segment, hls_fragment 2s', n2.closing));
  out('');
  out('First-frame wait, W - A(S), ms:');
  out('| what | n | p50 | p95 | p99 |');
  out('|---|---|---|---|---|');
  out(row('nchat-live part (blocking reload)', bParts.first));
  out(row('nchat-live segment', bSegs.first));
  out(row('nginx-rtmp segment, hls_fragment 1s', n1.first));
  out(row('nginx-rtmp segment, hls_fragment 2s', n2.first));
  out('');
  out('Every frame: frame sent -> listed, W - A(frame), ms:');
  out('| what | n | p50 | p95 | p99 |');
  out('|---|---|---|---|---|');
  out(row('nchat-live part (blocking reload)', bParts.perFrame));
  out(row('nginx-rtmp segment, hls_fragment 1s', n1.perFrame));
  out(row('nginx-rtmp segment, hls_fragment 2s', n2.perFrame));
  out('');
  out('Same closing delay against spawn + media time (spawn + media time; includes ffmpeg start-up and encoder), ms:');
  out('| what | n | p50 | p95 | p99 |');
  out('|---|---|---|---|---|');
  out(row('nchat-live part (blocking reload)', bParts.closingSpawn));
  out(row('nchat-live segment', bSegs.closingSpawn));
  out(row('nginx-rtmp segment, hls_fragment 1s', n1.closingSpawn));
  out(row('nginx-rtmp segment, hls_fragment 2s', n2.closingSpawn));
  out('');
  out('Blocking answer minus 1 ms plain poll first sight, same part, ms:');
  out('| what | n | p50 | p95 | p99 |');
  out('|---|---|---|---|---|');
  out(row('blocking - poll', spread));
  out('');
  const imp = (hold, xs) => `${f3(hold + pct(xs, 50) / 1000)} s (p50) / ${f3(hold + pct(xs, 95) / 1000)} s (p95)`;
  out('Implied player latency (hold-back + closing-frame listed delay):');
  out(`- nchat-live: PART-HOLD-BACK ${meta.phb} + part delay = ${imp(meta.phb, bParts.closing)}`);
  out(`- nginx 1s: 3 x TARGETDURATION ${ngMeta1.target} + segment delay = ${imp(3 * ngMeta1.target, n1.closing)}`);
  out(`- nginx 2s: 3 x TARGETDURATION ${ngMeta2.target} + segment delay = ${imp(3 * ngMeta2.target, n2.closing)}`);
  out('');
  out('CPU, % of one core (utime+stime from /proc; nginx = master + workers, 2 streams: live + live2):');
  out('| phase | seconds | nchat-live | nginx-rtmp (both apps) | nginx-rtmp per stream |');
  out('|---|---|---|---|---|');
  const cpuRow = (name, c) =>
    `| ${name} | ${c.secs.toFixed(1)} | ${c.nchatPct.toFixed(2)} | ${c.nginxPct.toFixed(2)} | ${(c.nginxPct / 2).toFixed(2)} |`;
  out(cpuRow('idle, nothing published', idle));
  out(cpuRow('one stream, no HTTP clients', cpuQuiet));
  out(cpuRow('one stream + the latency watchers', cpuWatched));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
