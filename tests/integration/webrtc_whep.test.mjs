// WHEP playback of an RTMP stream (issue 14): ffmpeg publishes H.264 + AAC, a Chromium page
// watches over WebRTC with plain RTCPeerConnection + fetch: video frames of the published size
// decode and the AAC arrives as Opus. The refusals a WHEP client can meet are checked.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { uuid } from './lib/harness.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';
import { spawn } from 'node:child_process';
import { publish, until } from './lib/media.mjs';

describe('WHEP playback of an RTMP stream', { skip: skipBrowser }, () => {
  const f = playerFixture({}, () => {}, ['--reconnect-grace', '2'], ['--allow-loopback-in-peer-connection']);
  let alice;
  const channel = uuid();
  const newStream = async () =>
    (await f.srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: channel, title: 'whep' } })).json;
  const rtmpUrl = () => f.srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
  before(() => { alice = f.srv.createUser('alice', 'broadcaster'); });

  it('plays video and Opus audio from an ffmpeg publish, and counts the viewer', async () => {
    const s = await newStream();
    const pub = publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 30 });
    try {
      await until(async () => (await f.srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live' });
      const page = await f.browser.newPage();
      await page.goto(`${f.srv.base}/webrtc.html`);
      const w = await page.evaluate((u) => window.whepPlay(u), `${f.srv.base}/api/whep/${s.id}`);
      assert.equal(w.status, 201, w.body);
      assert.match(w.answer, /a=sendonly/);
      assert.match(w.answer, /opus\/48000\/2/);
      assert.ok(w.frames, 'a frame decoded');
      assert.equal(w.frames.width, 640);
      assert.equal(w.frames.height, 360);
      const got = await until(async () => {
        const g = await page.evaluate(() => window.whepStats());
        return g.video?.framesDecoded > 45 && g.audio?.packetsReceived > 50 && g;
      }, { timeout: 15000, what: 'video frames and Opus packets' });
      assert.equal(got.video.packetsLost, 0, JSON.stringify(got));
      const health = (await f.srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json;
      assert.equal(health.webrtc.playback.viewers, 1, JSON.stringify(health.webrtc));
      assert.equal(health.webrtc.playback.audioNotSent, 0, JSON.stringify(health.webrtc));
      console.log(`WHEP first frame ${w.frames.firstFrameMs.toFixed(0)} ms after the offer (the next source keyframe)`);
      // The room counts the WebRTC viewer.
      await until(async () => ((await f.srv.req('GET', '/api/streams/live')).json
        .find((x) => x.id === s.id)?.currentViewers ?? 0) >= 1,
      { timeout: 15000, what: 'currentViewers counts the WHEP viewer' });
      await page.close();
    } finally {
      await pub.stop();
    }
  });

  it('answers 409 with Retry-After for a stream that is not live, 404 for an unknown session', async () => {
    const s = await newStream();
    const page = await f.browser.newPage();
    await page.goto(`${f.srv.base}/webrtc.html`);
    const offer = await page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('video', { direction: 'recvonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription.sdp;
      pc.close();
      return sdp;
    });
    await page.close();
    let res = await f.srv.req('POST', `/api/whep/${s.id}`, { raw: offer, headers: { 'content-type': 'application/sdp' } });
    assert.equal(res.status, 409);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    res = await f.srv.req('DELETE', `/api/whep/${s.id}/${uuid()}`);
    assert.equal(res.status, 404);
    res = await f.srv.req('OPTIONS', `/api/whep/${s.id}`, { headers: { origin: 'https://player.example', 'access-control-request-method': 'POST' } });
    assert.ok(res.status === 204 || res.status === 200);
    assert.match(res.headers.get('accept-post') ?? '', /application\/sdp/);
  });
});

describe('WHEP playback of a source with B-frames (OBS at its defaults)', { skip: skipBrowser }, () => {
  // Browsers' WebRTC decoders show only the keyframes of H.264 with B-frames: the viewer gets
  // the best encoded rung of the ladder, which has none.
  const f = playerFixture({ transcode: true }, () => {}, [], ['--allow-loopback-in-peer-connection']);

  it('sends an encoded rung, whose frames all decode, and says so in the health', async () => {
    const alice = f.srv.createUser('alice', 'broadcaster');
    const s = (await f.srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'obs' } })).json;
    const rtmp = f.srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '40', '-c:v', 'libx264', '-preset', 'veryfast',
      '-bf', '3', '-g', '60', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'flv', `${rtmp}/${s.streamKey}`], { stdio: 'ignore' });
    try {
      await until(async () => /480p/.test((await f.srv.req('GET', `/hls/${s.id}/master.m3u8`)).text ?? ''),
        { timeout: 20000, what: 'the ladder' });
      const page = await f.browser.newPage();
      await page.goto(`${f.srv.base}/webrtc.html`);
      const w = await page.evaluate((u) => window.whepPlay(u), `${f.srv.base}/api/whep/${s.id}`);
      assert.equal(w.status, 201, w.body);
      assert.ok(w.frames, 'a frame decoded');
      const got = await until(async () => {
        const g = await page.evaluate(() => window.whepStats());
        return g.video?.framesDecoded > 40 && g;
      }, { timeout: 15000, what: 'frames decoded between keyframes' });
      assert.ok(got.video.frameWidth < 1280, `an encoded rung, not the 720p source: ${JSON.stringify(got.video)}`);
      const health = (await f.srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json;
      assert.deepEqual(health.webrtc.playback.sending, ['480p'], JSON.stringify(health.webrtc));
      // A viewer may ask for a smaller rung; an unknown one is 404.
      const small = await page.evaluate((u) => window.whepPlay(u), `${f.srv.base}/api/whep/${s.id}?rendition=360p`);
      assert.equal(small.status, 201, small.body);
      assert.equal(small.frames?.height, 360);
      const none = await page.evaluate(async (u) => {
        const pc = new RTCPeerConnection();
        pc.addTransceiver('video', { direction: 'recvonly' });
        await pc.setLocalDescription(await pc.createOffer());
        const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
        pc.close();
        return res.status;
      }, `${f.srv.base}/api/whep/${s.id}?rendition=4k`);
      assert.equal(none, 404, 'an unknown rendition');
      await page.close();
    } finally {
      pub.kill('SIGKILL');
    }
  });
});
