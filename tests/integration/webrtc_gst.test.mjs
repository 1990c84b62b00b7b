// WHIP ingest from a second, independent WebRTC stack: GStreamer's webrtcbin (libnice ICE,
// OpenSSL DTLS through dtlssrtpenc, rtpbin) driven by lib/gst_whip.py publishes x264 and Opus;
// the stream goes live, the health JSON shows the WebRTC session connected with frames, the HLS
// multivariant playlist decodes as H.264 and AAC, and after the client's DELETE the stream ends
// once the grace period has passed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, uuid } from './lib/harness.mjs';
import { ffprobe, until } from './lib/media.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT = join(here, 'lib', 'gst_whip.py');
const SECONDS = 12;

// The first Python that has PyGObject with the GStreamer WebRTC typelibs (a pyenv python3 on
// PATH often lacks Debian's python3-gi, /usr/bin/python3 has it), and the elements it needs.
function findPython() {
  const probe = "import gi; gi.require_version('Gst','1.0'); gi.require_version('GstWebRTC','1.0'); gi.require_version('GstSdp','1.0')";
  const errors = [];
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', probe], { encoding: 'utf8' });
    if (r.status === 0) return { python: py };
    errors.push(`${py}: ${(r.error?.message ?? r.stderr.trim().split('\n').pop()) || `exit ${r.status}`}`);
  }
  return { reason: `no python3 with PyGObject and GStreamer's GstWebRTC/GstSdp typelibs (python3-gi, gir1.2-gst-plugins-bad-1.0): ${errors.join('; ')}` };
}

function prerequisites() {
  const { python, reason } = findPython();
  if (!python) return { skip: reason };
  const packages = { webrtcbin: 'gstreamer1.0-plugins-bad', x264enc: 'gstreamer1.0-plugins-ugly', nicesrc: 'gstreamer1.0-nice' };
  const missing = Object.keys(packages).filter((e) => spawnSync('gst-inspect-1.0', [e], { stdio: 'ignore' }).status !== 0);
  if (missing.length) return { skip: `GStreamer elements missing: ${missing.map((e) => `${e} (${packages[e]})`).join(', ')}` };
  return { python, skip: false };
}

const pre = prerequisites();

// Runs the client: resolves with its exit status, the JSON lines it printed and its stderr.
function gstWhip(url, key, seconds) {
  // `--`: a stream key may begin with '-'.
  const proc = spawn(pre.python, [CLIENT, '--', url, key, String(seconds)], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GST_DEBUG: process.env.GST_DEBUG ?? '1' } });
  let out = '';
  let err = '';
  const events = [];
  proc.stdout.on('data', (d) => {
    out += d;
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try { events.push(JSON.parse(line)); } catch { /* not ours (a library's debug output) */ }
    }
  });
  proc.stderr.on('data', (d) => { err += d; });
  const timer = setTimeout(() => proc.kill('SIGKILL'), (seconds + 60) * 1000);
  const done = new Promise((resolve) => proc.on('exit', (code, signal) => {
    clearTimeout(timer);
    resolve({ code, signal, events, stderr: err, result: events.findLast((e) => e.event === 'done' || e.event === 'error') });
  }));
  return { proc, events, done };
}

describe('WHIP ingest from GStreamer webrtcbin', { skip: pre.skip }, () => {
  const srv = new Server({ backend: 'sqlite', transcode: true });
  let alice;
  let client = null;
  const channel = uuid();
  const stream = async (id) => (await srv.req('GET', `/api/streams/${id}`)).json;

  before(async () => {
    await srv.start(['--reconnect-grace', '2']);
    alice = srv.createUser('alice', 'broadcaster');
  });
  after(async () => {
    if (client && client.proc.exitCode === null && client.proc.signalCode === null) client.proc.kill('SIGKILL');
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('publishes x264 and Opus, goes live with the WebRTC session connected, HLS decodes, DELETE ends it', async () => {
    const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: channel, title: 'gst whip' } })).json;
    client = gstWhip(`${srv.base}/api/whip`, s.streamKey, SECONDS);
    const failed = client.done.then((r) => {
      throw new Error(`gst_whip.py exited (${r.code ?? r.signal}) before the checks were done:\n${r.stderr.slice(-3000)}\n` +
        `${JSON.stringify(r.result)}\nserver stderr:\n${srv.stderr.slice(-3000)}`);
    });
    failed.catch(() => {});
    const race = (p) => Promise.race([p, failed]);

    const answer = await race(until(async () => client.events.find((e) => e.event === 'answer'), { timeout: 20000, what: 'the WHIP answer' }));
    assert.equal(answer.status, 201, answer.body ?? '');
    assert.match(answer.location, /\/api\/whip\/[0-9a-f-]{36}$/);
    assert.match(answer.answer, /a=ice-lite/);
    assert.match(answer.answer, /a=setup:passive/);
    assert.match(answer.answer, /a=recvonly/);
    assert.match(answer.answer, /H264\/90000/);
    assert.match(answer.answer, /packetization-mode=1/);
    assert.match(answer.answer, /opus\/48000\/2/i);
    await race(until(async () => (await stream(s.id)).status === 'live', { what: 'live status' }));

    // The WebRTC session as the broadcaster sees it: connected, both tracks counting. (The
    // publisher's counters are `webrtc` itself, or `webrtc.ingest` once WHEP viewers sit beside it.)
    const whipHealth = (h) => h?.webrtc?.ingest ?? h?.webrtc;
    let lastHealth = null;
    const w = await race(until(async () => {
      lastHealth = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json;
      const x = whipHealth(lastHealth);
      return x?.connected === true && x.video?.frames > 60 && x.audio?.frames > 50 ? x : null;
    }, { timeout: 15000, what: 'a connected WebRTC session with video and audio frames' })
      .catch((e) => { throw new Error(`${e.message}; last health: ${JSON.stringify(lastHealth)}`); }));
    assert.equal(w.protocol, 'whip');
    assert.equal(w.session, answer.location.split('/').pop());
    assert.match(w.videoCodec, /H264/);
    assert.ok(w.video.keyframes >= 1, JSON.stringify(w));
    assert.equal(w.unknownPayload, 0, JSON.stringify(w));

    // The multivariant playlist and a whole segment, then ffprobe decodes H.264 and AAC.
    await race(until(async () => {
      const master = (await srv.req('GET', `/hls/${s.id}/master.m3u8`)).text ?? '';
      const uri = master.split('\n').find((l) => l && !l.startsWith('#'));
      return uri && /#EXTINF/.test((await srv.req('GET', `/hls/${s.id}/${uri}`)).text ?? '');
    }, { timeout: 30000, what: 'a whole segment in the first rendition' }));
    const master = (await srv.req('GET', `/hls/${s.id}/master.m3u8`));
    assert.equal(master.status, 200);
    assert.match(master.text, /#EXT-X-STREAM-INF:/, master.text);
    assert.match(master.text, /avc1\.[0-9a-f]{6}/i, master.text);
    assert.match(master.text, /mp4a\.40\.2/, master.text);
    const probe = ffprobe(`${srv.base}/hls/${s.id}/master.m3u8`, ['-count_frames', '-read_intervals', '%+2',
      '-show_entries', 'stream=codec_name,width,height,nb_read_frames']);
    assert.equal(probe.status, 0, probe.stderr);
    const v = probe.json.streams.filter((x) => x.codec_name === 'h264');
    const a = probe.json.streams.find((x) => x.codec_name === 'aac');
    assert.ok(v.length >= 1 && a, JSON.stringify(probe.json));
    for (const x of v) assert.ok(Number(x.nb_read_frames) > 10, `frames decoded: ${JSON.stringify(x)}`);
    assert.ok(Number(a.nb_read_frames) > 10, `audio frames decoded: ${JSON.stringify(a)}`);

    // The client DELETEs its session after SECONDS and exits 0; the grace period passes; ended.
    const r = await client.done;
    assert.equal(r.code, 0, `gst_whip.py failed:\n${r.stderr.slice(-3000)}\n${JSON.stringify(r.result)}`);
    assert.equal(r.result.event, 'done');
    assert.equal(r.result.deleteStatus, 200);
    assert.equal(r.result.connection, 'connected', JSON.stringify(r.result.states));
    assert.ok(['connected', 'completed'].includes(r.result.ice), JSON.stringify(r.result.states));
    await until(async () => (await stream(s.id)).status === 'ended', { timeout: 15000, what: 'ended after the grace period' });
    assert.match(srv.stderr, /publish ended: the publisher ended it \(WHIP DELETE\)/);
  });
});
