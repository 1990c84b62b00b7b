// WHIP ingest (issue 14): Debian's Chromium publishes its fake camera and microphone with plain
// RTCPeerConnection + fetch; the stream goes live, the ladder and LL-HLS come out of it and
// ffprobe decodes video and AAC audio; the refusals a WHIP client can meet are checked.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { uuid } from './lib/harness.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';
import { ffprobe, until, sleep } from './lib/media.mjs';

const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection'];

describe('WHIP ingest from Chromium', { skip: skipBrowser }, () => {
  const f = playerFixture({ transcode: true, vfrSources: true }, () => {}, ['--reconnect-grace', '2'], FAKE_MEDIA);
  let alice;
  const channel = uuid();
  const newStream = async () =>
    (await f.srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: channel, title: 'whip' } })).json;
  const stream = async (id) => (await f.srv.req('GET', `/api/streams/${id}`)).json;
  const whip = (key, sdp, headers = {}) => f.srv.req('POST', '/api/whip', {
    raw: sdp, headers: { 'content-type': 'application/sdp', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  let page;
  before(async () => {
    alice = f.srv.createUser('alice', 'broadcaster');
    page = await f.browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.log('page:', m.text()); });
    await page.goto(`${f.srv.base}/webrtc.html`);
  });

  it('publishes H.264 and Opus, goes live, and the HLS ladder decodes with AAC audio', async () => {
    const s = await newStream();
    const r = await page.evaluate(([u, k]) => window.whipPublish(u, k), [`${f.srv.base}/api/whip`, s.streamKey]);
    assert.equal(r.status, 201, r.body);
    assert.match(r.location, /\/api\/whip\/[0-9a-f-]{36}$/);
    assert.match(r.etag, /^"[^"]+"$/);
    assert.match(r.answer, /a=ice-lite/);
    assert.match(r.answer, /a=setup:passive/);
    assert.match(r.answer, /a=recvonly/);
    assert.match(r.answer, /H264\/90000/);
    assert.match(r.answer, /opus\/48000\/2/);
    await until(async () => (await stream(s.id)).status === 'live', { what: 'live status' });

    // The ladder needs a keyframe and a few seconds; then a whole segment for ffprobe.
    await until(async () => /#EXTINF/.test((await f.srv.req('GET', `/hls/${s.id}/360p/index.m3u8`)).text ?? ''),
      { timeout: 30000, what: 'a whole 360p segment' });
    const master = (await f.srv.req('GET', `/hls/${s.id}/master.m3u8`)).text;
    assert.match(master, /mp4a\.40\.2/, master);
    const probe = ffprobe(`${f.srv.base}/hls/${s.id}/master.m3u8`, ['-count_frames', '-read_intervals', '%+2',
      '-show_entries', 'stream=codec_name,width,height,nb_read_frames']);
    assert.equal(probe.status, 0, probe.stderr);
    const v = probe.json.streams.filter((x) => x.codec_name === 'h264');
    const a = probe.json.streams.find((x) => x.codec_name === 'aac');
    assert.ok(v.length >= 1 && a, JSON.stringify(probe.json));
    for (const x of v) assert.ok(Number(x.nb_read_frames) > 10, `frames decoded: ${JSON.stringify(x)}`);

    const sent = await page.evaluate(() => window.whipStats());
    assert.match(sent.video.codec, /H264/i);
    assert.ok(sent.video.framesEncoded > 30, JSON.stringify(sent));

    // A second page watches over WHEP: frames of the published size decode, audio arrives.
    const viewer = await f.browser.newPage();
    await viewer.goto(`${f.srv.base}/webrtc.html`);
    const w = await viewer.evaluate((u) => window.whepPlay(u), `${f.srv.base}/api/whep/${s.id}`);
    assert.equal(w.status, 201, w.body);
    assert.match(w.answer, /a=sendonly/);
    assert.match(w.answer, /a=ssrc:\d+ cname:/);
    assert.ok(w.frames, 'the WHEP viewer decoded a frame');
    assert.equal(w.frames.width, 1280);
    assert.equal(w.frames.height, 720);
    // A third watches the LL-HLS with hls.js at the same time.
    const hls = await f.browser.newPage();
    await hls.goto(`${f.srv.base}/player.html?src=${encodeURIComponent(`${f.srv.base}/hls/${s.id}/master.m3u8`)}`);
    await until(async () => (await hls.evaluate(() => window.report)).times.at(-1) > 2,
      { timeout: 25000, every: 250, what: 'hls.js video time > 2 s' });
    const got = await until(async () => {
      const g = await viewer.evaluate(() => window.whepStats());
      return g.video?.framesDecoded > 30 && g.audio?.packetsReceived > 50 && g;
    }, { timeout: 15000, what: 'WHEP frames and audio' });
    assert.equal(got.video.packetsLost, 0, JSON.stringify(got));
    const health = (await f.srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json;
    assert.equal(health.webrtc.ingest.connected, true, JSON.stringify(health.webrtc));
    assert.equal(health.webrtc.playback.viewers, 1, JSON.stringify(health.webrtc));
    const report = await hls.evaluate(() => window.report);
    assert.equal(report.fatal, null, `hls.js errors: ${report.errors.join(', ')}`);
    console.log(`WHEP first frame ${w.frames.firstFrameMs.toFixed(0)} ms after the offer; hls.js latency ${report.latency?.toFixed(2)} s`);
    // DELETE on the viewer's session ends it.
    const del = await f.srv.req('DELETE', new URL(w.location).pathname);
    assert.equal(del.status, 200);
    await viewer.close();
    await hls.close();

    // DELETE ends the publish; after the grace period the stream has ended.
    assert.equal(await page.evaluate(() => window.whipStop()), 200);
    await until(async () => (await stream(s.id)).status === 'ended', { timeout: 15000, what: 'ended after the grace period' });
  });

  it('refuses what a WHIP client can get wrong, with the status RFC 9725 expects', async () => {
    const s = await newStream();
    const offer = await page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('video', { direction: 'sendonly' });
      pc.addTransceiver('audio', { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription.sdp;
      pc.close();
      return sdp;
    });
    let res = await whip('not-a-key', offer);
    assert.equal(res.status, 401);
    res = await whip('', offer);
    assert.equal(res.status, 401);
    res = await f.srv.req('POST', '/api/whip', { raw: offer, headers: { 'content-type': 'text/plain', authorization: `Bearer ${s.streamKey}` } });
    assert.equal(res.status, 415);
    res = await whip(s.streamKey, 'v=0\r\nthis is not sdp\r\n');
    assert.equal(res.status, 400);
    assert.match(res.text, /SDP/i);
    // No codec we take: only a data channel.
    const dataOnly = await page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.createDataChannel('x');
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription.sdp;
      pc.close();
      return sdp;
    });
    res = await whip(s.streamKey, dataOnly);
    assert.equal(res.status, 400);
    assert.match(res.text, /H\.264|Opus|codec/i);

    // The preflight a page on another origin sends.
    res = await f.srv.req('OPTIONS', '/api/whip', { headers: { origin: 'https://studio.example', 'access-control-request-method': 'POST' } });
    assert.ok(res.status === 204 || res.status === 200, `preflight ${res.status}`);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('accept-post') ?? '', /application\/sdp/);

    // An ended stream is 409.
    await f.srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
    res = await whip(s.streamKey, offer);
    assert.equal(res.status, 409);
  });

  it('refuses a second publisher of a live stream with 409, and DELETE needs the key', async () => {
    const s = await newStream();
    const r = await page.evaluate(([u, k]) => window.whipPublish(u, k, { width: 640, height: 360 }), [`${f.srv.base}/api/whip`, s.streamKey]);
    assert.equal(r.status, 201, r.body);
    const second = await page.evaluate(async ([u, k]) => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('video', { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/sdp', authorization: `Bearer ${k}` }, body: pc.localDescription.sdp });
      pc.close();
      return res.status;
    }, [`${f.srv.base}/api/whip`, s.streamKey]);
    assert.equal(second, 409);
    const path = new URL(r.location).pathname;
    let res = await f.srv.req('DELETE', path, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(res.status, 401);
    res = await f.srv.req('PATCH', path, { raw: 'a=candidate:1 1 udp 1 127.0.0.1 9 typ host', headers: { authorization: `Bearer ${s.streamKey}`, 'content-type': 'application/trickle-ice-sdpfrag', 'if-match': r.etag } });
    assert.equal(res.status, 204);
    res = await f.srv.req('PATCH', path, { raw: 'a=candidate:1 1 udp 1 127.0.0.1 9 typ host', headers: { authorization: `Bearer ${s.streamKey}`, 'content-type': 'application/trickle-ice-sdpfrag' } });
    assert.equal(res.status, 428);
    // Closing the tab without DELETE: consent stops, the grace period passes, the stream ends.
    await page.evaluate(() => { window.publisher.pc.close(); });
    await until(async () => (await stream(s.id)).status === 'ended', { timeout: 60000, what: 'ended after consent expiry and grace' });
    await sleep(10);
  });
});
