// Recording and replay (issue 16): a published stream is recorded as the packager makes its
// segments; once it ends, its hlsManifestUrl serves the recording as VOD, which ffprobe reads from
// start to end with every rendition; a takedown leaves no file and 404 everywhere.
// (A full disk: recording_disk.test.mjs.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Server, uuid } from './lib/harness.mjs';
import { publish, ffprobe, until, sleep } from './lib/media.mjs';

const SECONDS = 12;

describe('recording and replay', () => {
  const srv = new Server({ backend: 'sqlite', transcode: true });
  let alice;
  const rtmpUrl = () => srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
  const newStream = async () =>
    (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'recorded' } })).json;
  const recording = async (id) => (await srv.req('GET', `/api/streams/${id}/recording`)).json;

  before(async () => {
    // A two-rung ladder from a 360p source: the source passed through and one encoded rung.
    await srv.start(['--reconnect-grace', '1', '--transcode-ladder', '360p:800:30,180p:200:30']);
    alice = srv.createUser('alice', 'broadcaster');
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('records every rendition and replays it as VOD after the stream ends', async () => {
    const s = await newStream();
    const pub = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: SECONDS });
    await until(async () => (await recording(s.id))?.state === 'recording', { what: 'recording starts' });
    const during = await srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token });
    assert.equal(during.json.recording.state, 'recording');
    // A thumbnail from the lowest rendition's latest keyframe, as the stream's thumbnailUrl.
    const thumbUrl = `${srv.base}/api/streams/${s.id}/thumbnail.jpg`;
    await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.thumbnailUrl === thumbUrl,
      { timeout: 20000, what: 'a thumbnail as thumbnailUrl' });
    const thumb = await fetch(thumbUrl);
    assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
    const jpeg = Buffer.from(await thumb.arrayBuffer());
    assert.equal(jpeg.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
    const tp = ffprobe(thumbUrl, ['-show_entries', 'stream=codec_name,width,height']);
    assert.equal(tp.status, 0, tp.stderr);
    assert.deepEqual([tp.json.streams[0].codec_name, tp.json.streams[0].height], ['mjpeg', 180]);
    // A clip while the stream is live: cut on segment boundaries around what was asked.
    await until(async () => (await recording(s.id))?.durationMs >= 6000, { timeout: 20000, what: '6 s recorded' });
    const live = await srv.req('POST', `/api/streams/${s.id}/clips`, { token: alice.token, body: { fromMs: 1000, toMs: 4000, title: 'early' } });
    assert.equal(live.status, 201, live.text);
    const lc = live.json;
    assert.ok(lc.fromMs <= 1000 && lc.toMs >= 4000 && lc.toMs - lc.fromMs <= 3000 + 2 * 2100, JSON.stringify(lc));
    assert.equal(lc.playlistUrl, `${srv.base}/hls/${s.id}/clips/${lc.id}/master.m3u8`);
    const lp = ffprobe(lc.playlistUrl, ['-show_entries', 'format=duration']);
    assert.equal(lp.status, 0, lp.stderr);
    assert.ok(Math.abs(Number(lp.json.format.duration) - (lc.toMs - lc.fromMs) / 1000) <= 0.2,
      `clip plays ${lp.json.format.duration} s for ${lc.toMs - lc.fromMs} ms`);
    await pub.done;
    // The publisher left; the 1 s grace ends the stream, and the recording completes.
    await until(async () => (await recording(s.id))?.state === 'complete', { timeout: 30000, what: 'recording complete' });
    const rec = await recording(s.id);
    assert.deepEqual(rec.renditions, ['360p', '180p']);
    assert.ok(Math.abs(rec.durationMs - SECONDS * 1000) <= 1000, `durationMs ${rec.durationMs}`);
    assert.ok(rec.sizeBytes > 100_000, `sizeBytes ${rec.sizeBytes}`);
    assert.equal(rec.playlistUrl, `${srv.base}/hls/${s.id}/master.m3u8`);
    assert.ok(rec.startedAt && rec.endedAt, JSON.stringify(rec));

    // The same URL as live, now VOD: every segment from the first, and the end.
    const master = await srv.req('GET', `/hls/${s.id}/master.m3u8`);
    assert.equal(master.status, 200);
    assert.match(master.text, /360p\/index\.m3u8/);
    assert.match(master.text, /180p\/index\.m3u8/);
    for (const r of rec.renditions) {
      const media = await srv.req('GET', `/hls/${s.id}/${r}/index.m3u8`);
      assert.equal(media.status, 200);
      assert.match(media.text, /#EXT-X-PLAYLIST-TYPE:VOD/);
      assert.match(media.text, /#EXT-X-ENDLIST\n$/);
      assert.doesNotMatch(media.text, /EXT-X-PART|PRELOAD-HINT|SERVER-CONTROL/);
      const total = [...media.text.matchAll(/#EXTINF:([\d.]+),/g)].reduce((a, m) => a + Number(m[1]), 0);
      assert.ok(Math.abs(total - SECONDS) <= 1, `${r}: ${total} s listed`);
      assert.match(media.text, /#EXT-X-MEDIA-SEQUENCE:0\n/, `${r} starts at the first segment`);
    }

    // ffprobe reads the replay from start to end, every rendition, video and audio.
    const probe = ffprobe(`${srv.base}/hls/${s.id}/master.m3u8`, ['-show_entries', 'format=duration:stream=codec_name,width,height']);
    assert.equal(probe.status, 0, probe.stderr);
    assert.ok(Math.abs(Number(probe.json.format.duration) - SECONDS) <= 1, `duration ${probe.json.format.duration}`);
    const heights = probe.json.streams.filter((x) => x.codec_name === 'h264').map((x) => x.height);
    assert.ok(heights.includes(360) && heights.includes(180), `video heights ${heights}`);
    assert.ok(probe.json.streams.some((x) => x.codec_name === 'aac'), 'audio');
    // The top rung decodes whole: every frame of the 12 s at 30 fps, give or take the last GOP's
    // frames still in flight when the publisher stopped.
    const frames = ffprobe(`${srv.base}/hls/${s.id}/360p/index.m3u8`, ['-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames']);
    assert.equal(frames.status, 0, frames.stderr);
    const n = Number(frames.json.streams[0].nb_read_frames);
    assert.ok(n >= SECONDS * 30 - 30 && n <= SECONDS * 30, `${n} frames decoded`);

    // Clips after the end, and what a clip refuses.
    const clip = await srv.req('POST', `/api/streams/${s.id}/clips`, { token: alice.token, body: { fromMs: 6000, toMs: 9000, title: 'later' } });
    assert.equal(clip.status, 201, clip.text);
    const cp = ffprobe(clip.json.playlistUrl, ['-show_entries', 'format=duration:stream=codec_name']);
    assert.equal(cp.status, 0, cp.stderr);
    assert.ok(Math.abs(Number(cp.json.format.duration) - (clip.json.toMs - clip.json.fromMs) / 1000) <= 0.2, JSON.stringify(cp.json.format));
    const listed = (await srv.req('GET', `/api/streams/${s.id}/clips`)).json;
    assert.deepEqual(listed.map((c) => c.title).sort(), ['early', 'later']);
    const bad = async (body, field, token = alice.token) => {
      const r = await srv.req('POST', `/api/streams/${s.id}/clips`, { token, body });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.error.field, field, r.text);
    };
    await bad({ fromMs: 0, toMs: 121000, title: 'too long' }, 'toMs');
    await bad({ fromMs: 5000, toMs: 5000, title: 'empty' }, 'toMs');
    await bad({ fromMs: -1, toMs: 5000, title: 'negative' }, 'fromMs');
    await bad({ fromMs: 0, toMs: 5000 }, 'title');
    await bad({ fromMs: 0, toMs: 5000, title: 'x', extra: 1 }, 'extra');
    await bad({ fromMs: 60000, toMs: 61000, title: 'past the end' }, 'fromMs');
    assert.equal((await srv.req('POST', `/api/streams/${s.id}/clips`, { body: { fromMs: 0, toMs: 1000, title: 'anon' } })).status, 401);

    // The download: the best rendition as one MP4, remuxed after the end.
    await until(async () => (await recording(s.id))?.mp4Url, { timeout: 30000, what: 'the MP4' });
    const mp4Url = (await recording(s.id)).mp4Url;
    assert.equal(mp4Url, `${srv.base}/api/streams/${s.id}/recording.mp4`);
    const mp4 = ffprobe(mp4Url, ['-show_entries', 'format=duration,format_name:stream=codec_name,height,nb_frames']);
    assert.equal(mp4.status, 0, mp4.stderr);
    assert.ok(Math.abs(Number(mp4.json.format.duration) - SECONDS) <= 1, `MP4 duration ${mp4.json.format.duration}`);
    const mv = mp4.json.streams.find((x) => x.codec_name === 'h264');
    assert.equal(mv.height, 360);
    assert.equal(Number(mv.nb_frames), n, 'the MP4 has the frames of the replay');
    assert.ok(mp4.json.streams.some((x) => x.codec_name === 'aac'));
    // Ranges, as a player seeking or a download resuming asks them.
    const whole = await fetch(mp4Url);
    const size = Number(whole.headers.get('content-length'));
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal((await whole.arrayBuffer()).byteLength, size);
    const part = await fetch(mp4Url, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 100);
    const tail = await fetch(mp4Url, { headers: { range: 'bytes=-10' } });
    assert.equal(tail.status, 206);
    assert.equal((await tail.arrayBuffer()).byteLength, 10);
    const past = await fetch(mp4Url, { headers: { range: `bytes=${size}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${size}`);
    const dl = await fetch(`${mp4Url}?download=1`, { method: 'GET', headers: { range: 'bytes=0-0' } });
    assert.match(dl.headers.get('content-disposition') ?? '', /attachment; filename="stream-.*\.mp4"/);
  });

  it('places chat and reactions on the recording by media time, live and after the end', async () => {
    const s = await newStream();
    const vera = srv.createUser('vera', 'viewer');
    const chatAt = async (from, to) => srv.req('GET', `/api/streams/${s.id}/chat?fromMs=${from}&toMs=${to}`);
    const pub = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: SECONDS });
    await until(async () => (await recording(s.id))?.durationMs >= 2000, { timeout: 20000, what: '2 s recorded' });
    // Sent live, 2.5 s apart: each answer says where on the recording it was said.
    const sent = [];
    for (const content of ['one', 'two', 'three']) {
      const r = await srv.req('POST', `/api/streams/${s.id}/chat`, { token: vera.token, body: { content } });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.mediaMs, 'number', `a live message carries mediaMs: ${r.text}`);
      sent.push(r.json);
      if (content === 'two') {
        const re = await srv.req('POST', `/api/streams/${s.id}/reactions`, { token: vera.token, body: { emoji: '🔥' } });
        assert.equal(re.status, 201, re.text);
        sent.reaction = re.json;
      }
      await sleep(2500);
    }
    for (let i = 1; i < sent.length; i++) {
      const step = sent[i].mediaMs - sent[i - 1].mediaMs;
      assert.ok(Math.abs(step - 2500) < 500, `media time follows the clock: ${step} ms for 2.5 s`);
    }
    // While live: the messages of a stretch of media time.
    const live = await chatAt(sent[0].mediaMs, sent[1].mediaMs + 1);
    assert.equal(live.status, 200, live.text);
    assert.deepEqual(live.json.map((m) => m.content), ['one', 'two']);
    await pub.done;
    await until(async () => (await recording(s.id))?.state === 'complete', { timeout: 30000, what: 'recording complete' });
    const rec = await recording(s.id);

    // After the end, read from the recording's index: the same places, give or take a frame.
    const all = await chatAt(0, rec.durationMs + 1000);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.json.map((m) => m.content), ['one', 'two', 'three']);
    all.json.forEach((m, i) => assert.ok(Math.abs(m.mediaMs - sent[i].mediaMs) <= 100,
      `${m.content}: ${m.mediaMs} ms after the end, ${sent[i].mediaMs} ms when sent`));
    const two = await chatAt(sent[1].mediaMs - 500, sent[1].mediaMs + 500);
    assert.deepEqual(two.json.map((m) => m.content), ['two']);
    const reactions = await srv.req('GET', `/api/streams/${s.id}/reactions?fromMs=${sent[1].mediaMs}&toMs=${sent[2].mediaMs}`);
    assert.equal(reactions.status, 200, reactions.text);
    assert.deepEqual(reactions.json.map((r) => r.id), [sent.reaction.id]);
    assert.ok(Math.abs(reactions.json[0].mediaMs - sent.reaction.mediaMs) <= 100, reactions.text);

    // A clip comes with the chat of its seconds.
    const clip = await srv.req('POST', `/api/streams/${s.id}/clips`,
      { token: alice.token, body: { fromMs: sent[1].mediaMs - 100, toMs: sent[1].mediaMs + 100, title: 'two' } });
    assert.equal(clip.status, 201, clip.text);
    assert.ok(clip.json.chat.some((m) => m.content === 'two'), clip.text);
    for (const m of clip.json.chat) assert.ok(m.mediaMs >= clip.json.fromMs && m.mediaMs < clip.json.toMs, clip.text);

    // Bad spans name their parameter; a stream with nothing recorded has no media time.
    assert.equal((await chatAt(-1, 1000)).json.error.field, 'fromMs');
    assert.equal((await chatAt(5000, 5000)).json.error.field, 'toMs');
    const unrecorded = await newStream();
    assert.equal((await srv.req('GET', `/api/streams/${unrecorded.id}/chat?fromMs=0&toMs=1000`)).status, 404);
  });

  it('completes the recording when the broadcaster ends the stream mid-publish', async () => {
    const s = await newStream();
    const pub = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 30 });
    try {
      await until(async () => (await recording(s.id))?.durationMs >= 4000, { timeout: 20000, what: '4 s recorded' });
      const end = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
      assert.equal(end.status, 200, end.text);
      await until(async () => (await recording(s.id))?.state === 'complete', { timeout: 30000, what: 'recording complete' });
      const rec = await recording(s.id);
      const probe = ffprobe(rec.playlistUrl, ['-show_entries', 'format=duration']);
      assert.equal(probe.status, 0, probe.stderr);
      assert.ok(Math.abs(Number(probe.json.format.duration) - rec.durationMs / 1000) <= 1,
        `replay ${probe.json.format.duration} s, recorded ${rec.durationMs} ms`);
    } finally {
      await pub.stop();
    }
  });

  it('takes a recording down: its files go and every URL answers 404', async () => {
    const s = await newStream();
    const pub = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 4 });
    await until(async () => (await recording(s.id))?.state === 'recording', { what: 'recording starts' });
    const busy = await srv.req('DELETE', `/api/streams/${s.id}/recording`, { token: alice.token });
    assert.equal(busy.status, 409, 'not while it is being recorded');
    await pub.done;
    await until(async () => (await recording(s.id))?.state === 'complete', { timeout: 30000, what: 'recording complete' });
    assert.equal((await srv.req('GET', `/hls/${s.id}/360p/index.m3u8`)).status, 200);
    const bob = srv.createUser('bob', 'viewer');
    assert.equal((await srv.req('DELETE', `/api/streams/${s.id}/recording`, { token: bob.token })).status, 403);
    const clip = (await srv.req('POST', `/api/streams/${s.id}/clips`, { token: alice.token, body: { fromMs: 0, toMs: 2000, title: 'gone soon' } })).json;
    assert.equal((await fetch(clip.playlistUrl)).status, 200);
    const del = await srv.req('DELETE', `/api/streams/${s.id}/recording`, { token: alice.token });
    assert.equal(del.status, 200, del.text);
    for (const path of [`/api/streams/${s.id}/recording`, `/api/streams/${s.id}/recording.mp4`,
      `/hls/${s.id}/master.m3u8`, `/hls/${s.id}/360p/index.m3u8`,
      `/hls/${s.id}/360p/init.mp4`, `/hls/${s.id}/360p/seg1.m4s`, new URL(clip.playlistUrl).pathname]) {
      assert.equal((await srv.req('GET', path)).status, 404, path);
    }
    const root = join(srv.dataDir, 'recordings');
    await until(() => readdirSync(root).every((d) => !d.includes(s.id)), { what: 'the files deleted' });
  });
});
