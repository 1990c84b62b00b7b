// The live video path with real clients: ffmpeg publishes over RTMP, the server packages
// LL-HLS in memory, ffprobe and plain HTTP read it back (issue #4).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, uuid } from './lib/harness.mjs';
import { publish, gstPublish, haveGstreamer, ffprobe, until, sleep } from './lib/media.mjs';

describe('RTMP ingest to LL-HLS', () => {
  const srv = new Server({ backend: 'sqlite' });
  let alice;
  const channel = uuid();
  const rtmpUrl = () => srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
  const newStream = async (extra = {}) =>
    (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: channel, title: 'live test', ...extra } })).json;
  const status = async (id) => (await srv.req('GET', `/api/streams/${id}`)).json.status;
  const text = async (path) => (await srv.req('GET', path)).text;

  before(async () => {
    await srv.start(['--reconnect-grace', '3']);
    alice = srv.createUser('alice', 'broadcaster');
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('publishes H.264+AAC, goes live, and ffprobe decodes the multivariant playlist', async () => {
    const s = await newStream();
    const pub = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 12 });
    await until(async () => (await status(s.id)) === 'live', { what: 'live status' });
    const stream = (await srv.req('GET', `/api/streams/${s.id}`)).json;
    assert.equal(stream.hlsManifestUrl, `${srv.base}/hls/${s.id}/master.m3u8`);
    assert.ok(stream.startedAt);

    const master = await srv.req('GET', `/hls/${s.id}/master.m3u8`);
    assert.equal(master.status, 200);
    assert.equal(master.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    assert.match(master.text, /CODECS="avc1\.64[0-9a-f]{4},mp4a\.40\.2"/);
    assert.match(master.text, /RESOLUTION=640x360/);
    assert.match(master.text, /FRAME-RATE=30\.000/);

    const media = await text(`/hls/${s.id}/source/index.m3u8`);
    assert.match(media, /#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1\.002/);
    assert.match(media, /#EXT-X-PART-INF:PART-TARGET=0\.334/);
    assert.match(media, /#EXT-X-MAP:URI="init\.mp4"/);
    assert.match(media, /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part\d+\.\d+\.m4s"/);
    for (const m of media.matchAll(/EXT-X-PART:DURATION=([\d.]+)/g)) assert.ok(Number(m[1]) <= 0.334, `part ${m[1]} <= PART-TARGET`);

    const init = await srv.req('GET', `/hls/${s.id}/source/init.mp4`);
    assert.equal(init.status, 200);
    assert.match(init.headers.get('cache-control'), /immutable/);

    // A client without LL-HLS (ffprobe) needs a complete segment, ~2 s in.
    await until(async () => /#EXTINF/.test(await text(`/hls/${s.id}/source/index.m3u8`)), { what: 'a whole segment' });
    const probe = ffprobe(`${srv.base}/hls/${s.id}/master.m3u8`, ['-count_frames', '-read_intervals', '%+2', '-show_entries', 'stream=codec_name,width,height,nb_read_frames']);
    assert.equal(probe.status, 0, probe.stderr);
    const v = probe.json.streams.find((x) => x.codec_name === 'h264');
    const a = probe.json.streams.find((x) => x.codec_name === 'aac');
    assert.ok(v && a, JSON.stringify(probe.json));
    assert.equal(v.width, 640);
    assert.ok(Number(v.nb_read_frames) > 10, `decoded ${v.nb_read_frames} video frames`);
    assert.ok(Number(a.nb_read_frames) > 10, `decoded ${a.nb_read_frames} audio frames`);

    // What is ready goes out through the fast path (docs/hls.md); a '%' in the path sends the
    // same request the ordinary way. Both give the same bytes and the same headers.
    const listed = await text(`/hls/${s.id}/source/index.m3u8`);
    const seg = listed.match(/^(seg\d+)\.m4s$/m)[1];
    const onePart = listed.match(/URI="(part\d+\.\d+)\.m4s"/)[1];
    for (const name of ['init.mp4', `${seg}.m4s`, `${onePart}.m4s`, 'index.m3u8']) {
      const get = async (n) => {
        const r = await fetch(`${srv.base}/hls/${s.id}/source/${n}`);
        return { status: r.status, headers: [...r.headers], bytes: Buffer.from(await r.arrayBuffer()) };
      };
      const fast = await get(name);
      const slow = await get(name.replace('.', '%2E'));
      assert.equal(fast.status, 200, name);
      assert.equal(slow.status, 200, name);
      const playlist = name === 'index.m3u8';  // it may gain a part between the two requests
      const heads = (r) => r.headers.filter(([k]) => k !== 'date' && (!playlist || k !== 'content-length'));
      assert.deepEqual(heads(fast), heads(slow), name);
      if (!playlist) assert.ok(fast.bytes.length > 0 && fast.bytes.equals(slow.bytes), name);
    }

    // A blocking request for the hinted part answers once that part exists, listing it.
    const hint = (await text(`/hls/${s.id}/source/index.m3u8`)).match(/PRELOAD-HINT:TYPE=PART,URI="part(\d+)\.(\d+)\.m4s"/);
    const blocked = await srv.req('GET', `/hls/${s.id}/source/index.m3u8?_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}`);
    assert.equal(blocked.status, 200);
    assert.ok(blocked.text.includes(`URI="part${hint[1]}.${hint[2]}.m4s"`), 'the awaited part is listed');
    const far = await srv.req('GET', `/hls/${s.id}/source/index.m3u8?_HLS_msn=${Number(hint[1]) + 10}`);
    assert.equal(far.status, 400);
    const alone = await srv.req('GET', `/hls/${s.id}/source/index.m3u8?_HLS_part=1`);
    assert.equal(alone.status, 400);
    const delta = await text(`/hls/${s.id}/source/index.m3u8?_HLS_skip=YES`);
    assert.match(delta, /#EXTM3U/);

    // The hinted part itself: held until it exists, then served whole.
    const next = (await text(`/hls/${s.id}/source/index.m3u8`)).match(/PRELOAD-HINT:TYPE=PART,URI="(part\d+\.\d+\.m4s)"/)[1];
    const part = await srv.req('GET', `/hls/${s.id}/source/${next}`);
    assert.equal(part.status, 200);
    assert.equal(part.headers.get('content-type'), 'video/mp4');
    assert.equal((await srv.req('GET', `/hls/${s.id}/source/part999999.0.m4s`)).status, 404);

    await pub.stop();
    // After the grace period the stream ends and the playlist says so.
    await until(async () => (await status(s.id)) === 'ended', { what: 'ended after grace' });
    assert.match(await text(`/hls/${s.id}/source/index.m3u8`), /#EXT-X-ENDLIST/);
  });

  it('refuses a wrong key and a second publisher', async () => {
    const bad = publish(`${rtmpUrl()}/not-a-key`, { seconds: 5 });
    const r = await bad.done;
    assert.notEqual(r.code, 0, 'ffmpeg fails on a wrong key');

    const s = await newStream();
    const first = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 12 });
    await until(async () => (await status(s.id)) === 'live', { what: 'live status' });
    const second = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 5 });
    const r2 = await second.done;
    assert.notEqual(r2.code, 0, 'the second publisher is refused');
    assert.equal(first.proc.exitCode, null, 'the first publisher goes on');
    await first.stop();
  });

  it('keeps one stream across a reconnect within the grace period', async () => {
    const s = await newStream();
    const a = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 20 });
    await until(async () => /part1\.0/.test(await text(`/hls/${s.id}/source/index.m3u8`)), { what: 'first segment' });
    await a.stop();
    const b = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 20 });
    await until(async () => /#EXT-X-DISCONTINUITY/.test(await text(`/hls/${s.id}/source/index.m3u8`)), { what: 'discontinuity' });
    assert.equal(await status(s.id), 'live');
    const media = await text(`/hls/${s.id}/source/index.m3u8`);
    assert.match(media, /#EXT-X-MAP:URI="init1\.mp4"/, 'a new init segment after the reconnect');
    // Ending through the API hangs up on the publisher and ends the playlist.
    const end = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
    assert.equal(end.json.status, 'ended');
    const r = await Promise.race([b.done, sleep(8000).then(() => null)]);
    assert.ok(r, 'the publisher was disconnected');
    await until(async () => /#EXT-X-ENDLIST/.test(await text(`/hls/${s.id}/source/index.m3u8`)), { what: 'ENDLIST' });
  });

  it('packages audio-only and video-only streams', async () => {
    for (const [kind, codecs] of [['audio', /CODECS="mp4a\.40\.2"/], ['video', /CODECS="avc1\.[0-9a-f]{6}"/]]) {
      const s = await newStream();
      const p = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 10, kind });
      await until(async () => (await srv.req('GET', `/hls/${s.id}/master.m3u8`)).status === 200, { what: `${kind} master` });
      const master = await text(`/hls/${s.id}/master.m3u8`);
      assert.match(master, codecs, `${kind}-only: ${master}`);
      await until(async () => /#EXTINF/.test(await text(`/hls/${s.id}/source/index.m3u8`)), { what: 'a whole segment' });
      const probe = ffprobe(`${srv.base}/hls/${s.id}/master.m3u8`, ['-count_frames', '-read_intervals', '%+1', '-show_entries', 'stream=codec_name,nb_read_frames']);
      assert.equal(probe.status, 0, probe.stderr);
      assert.equal(probe.json.streams.length, 1, `${kind}-only has one stream`);
      assert.ok(Number(probe.json.streams[0].nb_read_frames) > 5);
      await p.stop();
    }
  });

  it('takes a GStreamer rtmp2sink publisher', { skip: !haveGstreamer() && 'gst-launch-1.0 with rtmp2sink and x264enc is not installed (scripts/bootstrap installs it)' }, async () => {
    const s = await newStream();
    const p = gstPublish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 10 });
    await until(async () => (await status(s.id)) === 'live', { what: 'live from GStreamer' });
    await until(async () => /#EXTINF/.test(await text(`/hls/${s.id}/source/index.m3u8`)), { what: 'a whole segment' });
    const master = await text(`/hls/${s.id}/master.m3u8`);
    assert.match(master, /CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
    const probe = ffprobe(`${srv.base}/hls/${s.id}/master.m3u8`, ['-count_frames', '-read_intervals', '%+1', '-show_entries', 'stream=codec_name,nb_read_frames']);
    assert.equal(probe.status, 0, probe.stderr);
    assert.equal(probe.json.streams.length, 2);
    await p.stop();
  });

  it('answers 404 for streams that are not live here', async () => {
    assert.equal((await srv.req('GET', `/hls/${uuid()}/master.m3u8`)).status, 404);
    assert.equal((await srv.req('GET', `/hls/${uuid()}/source/index.m3u8`)).status, 404);
    const m = await srv.req('GET', '/metrics');
    assert.match(m.text, /nchat_rtmp_publishes_total\{result="accepted"\} [1-9]/);
    assert.match(m.text, /nchat_rtmp_publishes_total\{result="refused"\} [1-9]/);
    assert.match(m.text, /^nchat_live_streams \d+/m);
  });
});

describe('a server killed while a stream is live', () => {
  it('gives the stream its grace period after the restart, then ends it', async () => {
    const first = new Server({ backend: 'sqlite' });
    await first.start(['--reconnect-grace', '2']);
    const alice = first.createUser('alice', 'broadcaster');
    const s = (await first.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'crash' } })).json;
    const rtmp = first.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publish(`${rtmp}/${s.streamKey}`, { seconds: 20 });
    await until(async () => (await first.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live' });
    first.proc.kill('SIGKILL');
    await first.exited;
    await pub.stop();

    const second = new Server({ backend: 'sqlite' });
    second.dataDir = first.dataDir;
    await second.start(['--reconnect-grace', '2']);
    try {
      assert.match(second.stderr + second.stdout, /1 stream\(s\) were live at the last stop/);
      await until(async () => (await second.req('GET', `/api/streams/${s.id}`)).json.status === 'ended',
        { what: 'ended after the grace period', timeout: 10000 });
    } finally {
      assert.equal((await second.stop()).code, 0);
      second.cleanup();
    }
  });
});
