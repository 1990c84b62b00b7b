// The quality ladder with real clients (issue 5): ffmpeg publishes a 1080p30 H.264+AAC source
// over RTMP, the server transcodes it with libx264 through libavcodec, and ffprobe reads every
// rendition back: sizes, frame rates, bitrates, and IDRs at the same times in every rendition.
// Runs alone (RUN_SERIAL in tests/CMakeLists.txt): the ladder needs the machine's cores.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, uuid } from './lib/harness.mjs';
import { encodeFile, publishFile, ffprobe, until } from './lib/media.mjs';

const work = mkdtempSync(join(tmpdir(), 'nchat-ladder-'));
let src1080;
let src720;

function variants(master) {
  const out = [];
  const lines = master.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^#EXT-X-STREAM-INF:(.*)$/);
    if (!m) continue;
    const attr = (k) => (m[1].match(new RegExp(`(?:^|,)${k}=("[^"]*"|[^,]*)`)) || [])[1];
    out.push({ uri: lines[i + 1], resolution: attr('RESOLUTION'), fps: Number(attr('FRAME-RATE')),
      bandwidth: Number(attr('BANDWIDTH')), codecs: attr('CODECS') });
  }
  return out;
}

// The complete segments of a media playlist: msn -> { uri, duration }.
function segments(playlist) {
  const seq = Number(playlist.match(/#EXT-X-MEDIA-SEQUENCE:(\d+)/)[1]);
  const out = new Map();
  let msn = seq;
  const lines = playlist.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(/^#EXTINF:([\d.]+)/);
    if (!m) continue;
    let j = i + 1;
    while (lines[j].startsWith('#')) j++;
    out.set(msn++, { uri: lines[j], duration: Number(m[1]) });
  }
  return out;
}

before(() => {
  src1080 = encodeFile(join(work, 'src1080.flv'), { seconds: 18, size: '1920x1080', rate: 30, kbps: 3000 });
  src720 = encodeFile(join(work, 'src720.flv'), { seconds: 8, size: '1280x720', rate: 30, kbps: 1500 });
});
after(() => rmSync(work, { recursive: true, force: true }));

function setup(srv) {
  const ctx = { srv };
  ctx.rtmpUrl = () => srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
  ctx.newStream = async (extra = {}) =>
    (await srv.req('POST', '/api/streams/create', { token: ctx.alice.token, body: { channelId: uuid(), title: 'ladder', ...extra } })).json;
  ctx.text = async (path) => (await srv.req('GET', path)).text;
  // The multivariant playlist once it lists `count` variants.
  ctx.master = async (id, count) => until(async () => {
    const r = await srv.req('GET', `/hls/${id}/master.m3u8`);
    if (r.status !== 200) return null;
    const v = variants(r.text);
    return v.length >= count ? v : null;
  }, { timeout: 30000, what: `${count} variants` });
  return ctx;
}

describe('transcoding ladder', () => {
  const srv = new Server({ backend: 'sqlite', transcode: true });
  const t = setup(srv);

  before(async () => {
    // No limit on concurrent transcodes: one test's stream may still be ending when the next starts.
    await srv.start(['--reconnect-grace', '1', '--transcode-max-concurrent', '0']);
    t.alice = srv.createUser('alice', 'broadcaster');
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('turns a 1080p30 source into 4 renditions with the right sizes, rates, bitrates and aligned IDRs', async () => {
    const s = await t.newStream();
    const pub = publishFile(`${t.rtmpUrl()}/${s.streamKey}`, src1080);
    const v = await t.master(s.id, 4);
    assert.deepEqual(v.map((x) => x.uri), ['1080p/index.m3u8', '720p/index.m3u8', '480p/index.m3u8', '360p/index.m3u8']);
    assert.deepEqual(v.map((x) => x.resolution), ['1920x1080', '1280x720', '854x480', '640x360']);
    assert.deepEqual(v.map((x) => x.fps), [30, 30, 24, 24]);
    for (const x of v) assert.match(x.codecs, /^"avc1\.[0-9a-f]{6},mp4a\.40\.2"$/);

    // Ten seconds of every rendition: the complete segments 1..5 (segment 0 holds the start-up).
    const want = [1, 2, 3, 4, 5];
    const lists = await until(async () => {
      const all = [];
      for (const x of v) {
        const segs = segments(await t.text(`/hls/${s.id}/${x.uri}`));
        if (!want.every((n) => segs.has(n))) return null;
        all.push(segs);
      }
      return all;
    }, { timeout: 40000, what: 'segments 1-5 in every rendition' });

    const targets = { '1080p': 3000, '720p': 1500, '480p': 800, '360p': 400 };
    const sizes = { '1080p': [1920, 1080], '720p': [1280, 720], '480p': [854, 480], '360p': [640, 360] };
    const rates = { '1080p': 30, '720p': 30, '480p': 24, '360p': 24 };
    const keyframes = {};
    for (let i = 0; i < v.length; i++) {
      const name = v[i].uri.split('/')[0];
      const base = `/hls/${s.id}/${name}`;
      const parts = [Buffer.from(await (await fetch(`${srv.base}${base}/init.mp4`)).arrayBuffer())];
      for (const n of want) {
        const r = await fetch(`${srv.base}${base}/${lists[i].get(n).uri}`);
        assert.equal(r.status, 200, `${name} segment ${n}`);
        parts.push(Buffer.from(await r.arrayBuffer()));
      }
      const file = join(work, `${name}.mp4`);
      writeFileSync(file, Buffer.concat(parts));
      const probe = ffprobe(file, ['-select_streams', 'v:0', '-show_entries', 'stream=width,height:packet=pts_time,size,flags']);
      assert.equal(probe.status, 0, probe.stderr);
      const st = probe.json.streams[0];
      assert.deepEqual([st.width, st.height], sizes[name], `${name} size`);
      const pk = probe.json.packets.map((p) => ({ t: Number(p.pts_time), size: Number(p.size), key: p.flags.startsWith('K') }));
      const seconds = want.reduce((a, n) => a + lists[i].get(n).duration, 0);
      const fps = pk.length / seconds;
      assert.ok(Math.abs(fps - rates[name]) <= 1, `${name}: ${fps.toFixed(2)} fps over ${seconds.toFixed(2)} s, want ${rates[name]}`);
      const kbps = pk.reduce((a, p) => a + p.size, 0) * 8 / seconds / 1000;
      const target = targets[name];
      assert.ok(kbps >= target * 0.75 && kbps <= target * 1.25,
        `${name}: ${kbps.toFixed(0)} kb/s over ${seconds.toFixed(2)} s, want ${target} ±25%`);
      keyframes[name] = pk.filter((p) => p.key).map((p) => p.t.toFixed(3));
      console.log(`# ${name}: ${st.width}x${st.height} ${fps.toFixed(2)} fps ${kbps.toFixed(0)} kb/s, IDRs at ${keyframes[name].join(' ')}`);
    }
    assert.ok(keyframes['1080p'].length >= want.length, 'an IDR per segment at least');
    for (const name of ['720p', '480p', '360p']) {
      assert.deepEqual(keyframes[name], keyframes['1080p'], `${name} IDRs at the 1080p rendition's times`);
    }

    const health = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: t.alice.token })).json;
    assert.equal(health.publishing, true);
    assert.deepEqual(health.renditions, ['1080p', '720p', '480p', '360p']);
    assert.equal(health.transcode.renditions.length, 4);
    assert.equal(health.transcode.renditions[0].passthrough, true, 'a 3 Mb/s H.264 1080p source is passed through');
    for (const r of health.transcode.renditions) assert.ok(r.framesOut > 0, `${r.name} delivers frames`);
    const metrics = await t.text('/metrics');
    assert.match(metrics, new RegExp(`nchat_transcode_frames_out_total\\{rendition="360p",stream="${s.id}"\\} [1-9]`));
    await pub.stop();
  });

  it('leaves out the rungs above a 720p source: 3 renditions; topRung "transcode" re-encodes the top one', async () => {
    const bad = await srv.req('POST', '/api/streams/create', { token: t.alice.token, body: { channelId: uuid(), title: 'x', topRung: 'best' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.field, 'topRung');
    const s = await t.newStream({ topRung: 'transcode' });
    assert.equal(s.topRung, 'transcode');
    const pub = publishFile(`${t.rtmpUrl()}/${s.streamKey}`, src720);
    const v = await t.master(s.id, 3);
    assert.deepEqual(v.map((x) => x.resolution), ['1280x720', '854x480', '640x360']);
    const health = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: t.alice.token })).json;
    assert.deepEqual(health.transcode.renditions.map((r) => [r.name, r.passthrough]), [['720p', false], ['480p', false], ['360p', false]]);
    await pub.stop();
  });

  it('leaves out the rungs above the stream\'s maxResolution: 480p gives 2 renditions', async () => {
    const s = await t.newStream({ maxResolution: '480p' });
    const pub = publishFile(`${t.rtmpUrl()}/${s.streamKey}`, src1080);
    const v = await t.master(s.id, 2);
    assert.deepEqual(v.map((x) => [x.uri, x.resolution]), [['480p/index.m3u8', '854x480'], ['360p/index.m3u8', '640x360']]);
    const probe = ffprobe(`${srv.base}/hls/${s.id}/480p/index.m3u8`, ['-select_streams', 'v:0', '-show_entries', 'stream=width,height']);
    assert.equal(probe.status, 0, probe.stderr);
    assert.deepEqual([probe.json.streams[0].width, probe.json.streams[0].height], [854, 480]);
    await pub.stop();
  });
});

describe('transcoding ladder under overload', () => {
  // x264's slowest preset cannot encode three 1080p-derived rungs in real time on any machine
  // this runs on: the transcoder has to shed, lowest rung first, and keep the stream live.
  const srv = new Server({ backend: 'sqlite', transcode: true });
  const t = setup(srv);

  before(async () => {
    await srv.start(['--transcode-preset', 'placebo', '--transcode-max-concurrent', '0']);
    t.alice = srv.createUser('alice', 'broadcaster');
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('sheds the lowest rung, says so in the health, and the stream stays live', async () => {
    const s = await t.newStream();
    const pub = publishFile(`${t.rtmpUrl()}/${s.streamKey}`, src1080);
    const health = async () => (await srv.req('GET', `/api/streams/${s.id}/health`, { token: t.alice.token })).json;
    let h;
    const shed = await until(async () => {
      h = await health();
      const r360 = h.transcode?.renditions.find((r) => r.name === '360p');
      return r360 && r360.timesShed >= 1 ? h : null;
    }, { timeout: 30000, what: 'the 360p rendition shed' }).catch((e) => {
      throw new Error(`${e.message}; last health: ${JSON.stringify(h)}`);
    });
    assert.ok(shed.transcode.events.some((e) => /360p/.test(e) && /shed/.test(e)), JSON.stringify(shed.transcode.events));
    // The log line reaches us through a pipe the HTTP answer can overtake.
    await until(async () => /rendition=360p shed/.test(srv.stdout + srv.stderr), { timeout: 5000, what: 'the shed logged' });
    // The 1080p rendition (the source, passed through) goes on.
    const msn = async () => Number((await t.text(`/hls/${s.id}/1080p/index.m3u8`)).match(/#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part(\d+)\./)?.[1] ?? -1);
    const first = await msn();
    await until(async () => (await msn()) >= first + 2, { timeout: 15000, what: 'two more 1080p segments' });
    assert.equal((await srv.req('GET', `/api/streams/${s.id}`)).json.status, 'live');
    await pub.stop();
  });
});
