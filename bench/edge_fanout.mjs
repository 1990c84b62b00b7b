// LL-HLS behind an nginx edge (issue 17): how many requests reach the origin per part, and the
// origin's CPU, with N players following the live edge, through deploy/nginx/ (HTTPS, HTTP/2,
// the HLS cache with its lock) and, side by side, straight at the origin (HTTP/1.1 keep-alive).
// ffmpeg publishes a file encoded once beforehand (-c copy, looped), the server passes it
// through (--transcode=false: one rendition), and each simulated player does what hls.js does
// at the live edge: the blocking reload for the hinted part and the hinted part at once, then
// the same for the next hint.
//   node bench/edge_fanout.mjs [--bin build/nchat-live] [--players 1,100,1000] [--seconds 20]
// Run from the repository root. Prints one JSON line per run, then a Markdown table.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeBenchSource } from './lib/source.mjs';
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
process.env.NCHAT_LIVE_BIN = resolve(opt('bin', process.env.NCHAT_LIVE_BIN ?? 'build/nchat-live'));
const counts = opt('players', '1,100,1000').split(',').map(Number);
const seconds = Number(opt('seconds', 20));
const { Server, uuid } = await import(resolve('tests/integration/lib/harness.mjs'));
const { Edge } = await import(resolve('tests/integration/lib/nginx.mjs'));

const work = mkdtempSync(join(tmpdir(), 'nchat-edge-bench-'));
const source = encodeBenchSource(work);

const cpuSeconds = (pid) => {
  if (!pid) return 0;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;  // utime + stime, in clock ticks
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hint = (text) => {
  const m = text.match(/#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/);
  const n = m && m[1].match(/part(\d+)\.(\d+)\.m4s/);
  return n ? { uri: m[1], msn: Number(n[1]), part: Number(n[2]) } : null;
};

// A GET over HTTP/1.1 keep-alive, one connection per player (as a browser's would be).
function directGetter(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  return {
    get: (path) => new Promise((resolveGet, reject) => {
      http.get(base + path, { agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolveGet({ status: res.statusCode, text: Buffer.concat(chunks).toString('latin1') }));
        res.on('error', reject);
      }).on('error', reject);
    }),
    close: () => agent.destroy(),
  };
}

function edgeGetter(edge) {
  const session = edge.session();
  return { get: (path) => edge.get(path, session), close: () => session.close() };
}

// One player at the live edge until `stopAt`; counts what it got.
async function player(g, prefix, stopAt, stats) {
  const ask = (path) => {
    const now = Date.now();
    if (now >= stats.from && now < stopAt) stats.asked[path.includes('.m3u8') ? 'playlists' : 'parts']++;
    return g.get(path);
  };
  let text = (await ask(`${prefix}/index.m3u8`)).text;
  while (Date.now() < stopAt) {
    const h = hint(text);
    if (!h) {
      await sleep(100);
      text = (await ask(`${prefix}/index.m3u8`)).text;
      continue;
    }
    const [list, part] = await Promise.all([
      ask(`${prefix}/index.m3u8?_HLS_msn=${h.msn}&_HLS_part=${h.part}`), ask(`${prefix}/${h.uri}`)]);
    if (list.status !== 200 || part.status !== 200) stats.errors++;
    else if (Date.now() >= stats.from) { stats.parts.add(h.uri); stats.partsServed++; }
    text = list.status === 200 ? list.text : (await ask(`${prefix}/index.m3u8`)).text;
  }
}

const rows = [];
for (const n of counts) for (const mode of ['direct', 'edge']) {
  const srv = new Server({ backend: 'sqlite' });
  await srv.start(['--access-log=false']);  // the harness turns the ladder off: one rendition
  let edge = null;
  let ff = null;
  try {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'edge' } })).json;
    ff = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-re', '-stream_loop', '-1', '-i', source, '-c', 'copy', '-f', 'flv',
      `${srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1]}/${s.streamKey}`], { stdio: 'ignore' });
    const deadline = Date.now() + 20000;
    while ((await srv.req('GET', `/api/streams/${s.id}`)).json.status !== 'live') {
      if (Date.now() > deadline) throw new Error('the stream did not go live');
      await sleep(200);
    }
    await sleep(3000);
    if (mode === 'edge') edge = await new Edge(srv.base).start();
    const prefix = `/hls/${s.id}/source`;
    const getters = Array.from({ length: n }, () => (edge ? edgeGetter(edge) : directGetter(srv.base)));
    const warmup = 3000;
    const stats = { asked: { playlists: 0, parts: 0 }, errors: 0, parts: new Set(), partsServed: 0, from: Date.now() + warmup };
    const stopAt = stats.from + seconds * 1000;
    const running = getters.map((g) => player(g, prefix, stopAt, stats).catch(() => { stats.errors++; }));
    await sleep(warmup);
    const cpu0 = cpuSeconds(srv.proc.pid);
    const ngx0 = cpuSeconds(edge?.workerPid());
    const t0 = Date.now();
    await sleep(seconds * 1000);
    const wall = (Date.now() - t0) / 1000;
    const cpu = (cpuSeconds(srv.proc.pid) - cpu0) / wall;
    const ngx = edge ? (cpuSeconds(edge.workerPid()) - ngx0) / wall : null;
    await Promise.all(running);
    for (const g of getters) g.close();
    // Requests that reached the origin in the window: from nginx's log through the edge; every
    // request a player made when straight at it.
    let origin;
    if (edge) {
      const asked = edge.log().filter((l) => l.at >= stats.from && l.at < stopAt && l.upstream !== null && l.uri.startsWith(prefix));
      origin = { playlists: asked.filter((l) => l.uri.includes('.m3u8')).length, parts: asked.filter((l) => l.uri.includes('.m4s')).length };
    } else {
      origin = stats.asked;
    }
    const per = (x) => +(x / Math.max(1, stats.parts.size)).toFixed(2);
    const row = { mode, players: n, seconds, parts: stats.parts.size, partsServed: stats.partsServed, errors: stats.errors,
      originPlaylistsPerPart: per(origin.playlists), originPartsPerPart: per(origin.parts),
      originCpu: +cpu.toFixed(3), nginxCpu: ngx === null ? null : +ngx.toFixed(3) };
    console.log(JSON.stringify(row));
    rows.push(row);
  } finally {
    ff?.kill('SIGKILL');
    await edge?.stop();
    await srv.stop();
    srv.cleanup();
  }
}
rmSync(work, { recursive: true, force: true });

console.log('\n| players | path | parts in window | parts served | errors | origin playlist requests per part | origin part requests per part | origin CPU (cores) | nginx CPU (cores) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.players} | ${r.mode === 'edge' ? 'nginx edge (HTTPS, HTTP/2)' : 'origin direct (HTTP/1.1)'} | ${r.parts} | ${r.partsServed} | ${r.errors} | ` +
    `${r.originPlaylistsPerPart} | ${r.originPartsPerPart} | ${r.originCpu} | ${r.nginxCpu ?? ''} |`);
}
