// ICE-TCP (RFC 6544, issue 14) for networks that block UDP: Chromium publishes over WHIP and a
// second page watches over WHEP, each told only the answer's TCP candidate (its UDP ones are
// taken out before setRemoteDescription), so every STUN, DTLS and SRTP packet travels in RFC
// 4571 frames on the server's TCP port. The stream goes live, its LL-HLS decodes, the WHEP
// viewer decodes frames, and the health says "ice": "tcp" for both sessions (and "udp" for a
// viewer given every candidate). Then what is not
// ICE-TCP on that port (an HTTP request, a frame too long, media before a check) closes that
// connection only: the viewer keeps decoding and a fresh connection's check is answered.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { uuid } from './lib/harness.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';
import { ffprobe, until } from './lib/media.mjs';

const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection'];

// The answer's passive TCP candidate: address and port.
function tcpCandidate(sdp) {
  const m = sdp.match(/^a=candidate:\S+ 1 tcp (\d+) (\S+) (\d+) typ host tcptype passive\r?$/m);
  assert.ok(m, `no passive TCP candidate in:\n${sdp}`);
  return { priority: Number(m[1]), host: m[2], port: Number(m[3]) };
}

// A STUN Binding request as a controlling ICE agent sends it (RFC 8489, RFC 8445 §7.2.2):
// USERNAME, ICE-CONTROLLING, MESSAGE-INTEGRITY keyed with the server's ice-pwd, FINGERPRINT.
function bindingRequest(username, password) {
  const attr = (type, value) => {
    const pad = (4 - (value.length % 4)) % 4;
    const h = Buffer.alloc(4);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(value.length, 2);
    return Buffer.concat([h, value, Buffer.alloc(pad)]);
  };
  const header = (bodyLength) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(0x0001, 0);
    h.writeUInt16BE(bodyLength, 2);
    h.writeUInt32BE(0x2112a442, 4);
    tid.copy(h, 8);
    return h;
  };
  const tid = randomBytes(12);
  let body = Buffer.concat([attr(0x0006, Buffer.from(username)), attr(0x802a, randomBytes(8))]);
  const mi = createHmac('sha1', password).update(Buffer.concat([header(body.length + 24), body])).digest();
  body = Buffer.concat([body, attr(0x0008, mi)]);
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE((crc32(Buffer.concat([header(body.length + 8), body])) ^ 0x5354554e) >>> 0, 0);
  body = Buffer.concat([body, attr(0x8028, fp)]);
  return Buffer.concat([header(body.length), body]);
}

const frame = (payload) => {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(payload.length, 0);
  return Buffer.concat([len, payload]);
};

// Connects, writes `bytes`, and resolves with what came back and whether the server closed:
// { data, closed }. A connection the server keeps open is ended by us after `frames` frames.
function talk({ host, port }, bytes, { frames = Infinity } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    let data = Buffer.alloc(0);
    const framesIn = () => {
      let n = 0;
      for (let off = 0; off + 2 <= data.length; n++) {
        const len = data.readUInt16BE(off);
        if (off + 2 + len > data.length) break;
        off += 2 + len;
      }
      return n;
    };
    s.on('connect', () => s.write(bytes));
    s.on('data', (d) => {
      data = Buffer.concat([data, d]);
      if (framesIn() >= frames) { s.destroy(); resolve({ data, closed: false }); }
    });
    s.on('close', () => resolve({ data, closed: true }));
    s.on('error', (e) => (e.code === 'ECONNRESET' ? resolve({ data, closed: true }) : reject(e)));
  });
}

describe('ICE-TCP when UDP is blocked', { skip: skipBrowser }, () => {
  const f = playerFixture({ vfrSources: true }, () => {}, ['--reconnect-grace', '2'], FAKE_MEDIA);
  let alice;
  let publisher;
  let viewer;
  before(async () => {
    alice = f.srv.createUser('alice', 'broadcaster');
    publisher = await f.browser.newPage();
    publisher.on('console', (m) => { if (m.type() === 'error') console.log('publisher:', m.text()); });
    await publisher.goto(`${f.srv.base}/webrtc.html`);
    viewer = await f.browser.newPage();
    await viewer.goto(`${f.srv.base}/webrtc.html`);
  });
  const health = async (id) => (await f.srv.req('GET', `/api/streams/${id}/health`, { token: alice.token })).json;
  let s;
  let watched;

  it('publishes over WHIP and plays over WHEP with only the TCP candidate', async () => {
    s = (await f.srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'ice-tcp' } })).json;
    const r = await publisher.evaluate(([u, k]) => window.whipPublish(u, k, { width: 640, height: 360, only: 'tcp' }),
      [`${f.srv.base}/api/whip`, s.streamKey]);
    assert.equal(r.status, 201, r.body);
    // Both transports are offered for each address; TCP below UDP (RFC 6544 §4.2).
    const udp = r.answer.match(/^a=candidate:\S+ 1 udp (\d+) (\S+) (\d+) typ host\r?$/m);
    assert.ok(udp, r.answer);
    const tcp = tcpCandidate(r.answer);
    assert.equal(tcp.host, udp[2]);
    assert.equal(tcp.port, Number(udp[3]), 'the same port number as UDP');
    assert.ok(tcp.priority < Number(udp[1]), 'TCP ranks below UDP');

    await until(async () => (await f.srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live', { what: 'live status' });
    await until(async () => /#EXTINF/.test((await f.srv.req('GET', `/hls/${s.id}/source/index.m3u8`)).text ?? ''),
      { timeout: 30000, what: 'a whole HLS segment from the TCP publish' });
    const probe = ffprobe(`${f.srv.base}/hls/${s.id}/master.m3u8`, ['-count_frames', '-read_intervals', '%+2',
      '-show_entries', 'stream=codec_name,width,height,nb_read_frames']);
    assert.equal(probe.status, 0, probe.stderr);
    const v = probe.json.streams.find((x) => x.codec_name === 'h264');
    assert.ok(v && Number(v.nb_read_frames) > 10, JSON.stringify(probe.json));
    assert.equal(v.width, 640);
    const sent = await publisher.evaluate(() => window.whipStats());
    assert.equal(sent.protocol, 'tcp', `the browser's selected pair: ${JSON.stringify(sent)}`);

    const w = await viewer.evaluate((u) => window.whepPlay(u, { only: 'tcp' }), `${f.srv.base}/api/whep/${s.id}`);
    assert.equal(w.status, 201, w.body);
    assert.ok(w.frames, 'the WHEP viewer decoded a frame over TCP');
    assert.equal(w.frames.width, 640);
    const got = await until(async () => {
      const g = await viewer.evaluate(() => window.whepStats());
      return g.video?.framesDecoded > 30 && g.audio?.packetsReceived > 50 && g;
    }, { timeout: 15000, what: 'WHEP frames and audio over TCP' });
    assert.equal(got.protocol, 'tcp', JSON.stringify(got));

    const h = await until(async () => {
      const x = await health(s.id);
      return x.webrtc?.playback?.sessions?.[0]?.ice && x;
    }, { what: 'the viewer in the health' });
    assert.equal(h.webrtc.ingest.ice, 'tcp', JSON.stringify(h.webrtc));
    assert.equal(h.webrtc.playback.sessions[0].ice, 'tcp', JSON.stringify(h.webrtc));
    watched = { answer: w.answer, tcp: tcpCandidate(w.answer) };

    // Given both, a viewer takes UDP: the browser and the health agree.
    const both = await f.browser.newPage();
    await both.goto(`${f.srv.base}/webrtc.html`);
    const u = await both.evaluate((url) => window.whepPlay(url), `${f.srv.base}/api/whep/${s.id}`);
    assert.equal(u.status, 201, u.body);
    assert.ok(u.frames, 'the second viewer decoded a frame');
    assert.equal((await both.evaluate(() => window.whepStats())).protocol, 'udp');
    const sessionOf = (x, location) => x.webrtc?.playback?.sessions?.find((v) => location.endsWith(`/${v.session}`));
    const h2 = await until(async () => {
      const x = await health(s.id);
      return sessionOf(x, u.location)?.ice && x;
    }, { what: 'the UDP viewer in the health' });
    assert.equal(sessionOf(h2, u.location).ice, 'udp', JSON.stringify(h2.webrtc));
    assert.equal(sessionOf(h2, w.location).ice, 'tcp', JSON.stringify(h2.webrtc));
    await both.close();
  });

  it('closes only the connection that is not ICE-TCP, and keeps serving', async () => {
    assert.ok(watched, 'the previous test left a viewer');
    const { tcp } = watched;
    // An HTTP request: "GE" read as a length is 18245, over the frame limit.
    let r = await talk(tcp, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.ok(r.closed);
    assert.equal(r.data.length, 0);
    // A frame length over the limit, its payload never sent.
    r = await talk(tcp, Buffer.from([0xff, 0xff, 0x16]));
    assert.ok(r.closed);
    // Media before any check.
    r = await talk(tcp, frame(Buffer.from([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1])));
    assert.ok(r.closed);
    assert.equal(r.data.length, 0);
    // A check with the wrong password: a framed 401, then closed.
    const ufrag = watched.answer.match(/^a=ice-ufrag:(\S+)\r?$/m)[1];
    const pwd = watched.answer.match(/^a=ice-pwd:(\S+)\r?$/m)[1];
    r = await talk(tcp, frame(bindingRequest(`${ufrag}:node`, 'not-the-password-at-all')));
    assert.ok(r.closed);
    assert.equal(r.data.readUInt16BE(2), 0x0111, 'a Binding error response');

    // The viewer's own connection was not touched: it keeps decoding.
    const before = (await viewer.evaluate(() => window.whepStats())).video.framesDecoded;
    await until(async () => (await viewer.evaluate(() => window.whepStats())).video.framesDecoded > before + 30,
      { timeout: 15000, what: 'the TCP viewer still decoding' });
    // And a fresh connection with a valid check is answered with a Binding success.
    r = await talk(tcp, frame(bindingRequest(`${ufrag}:node`, pwd)), { frames: 1 });
    assert.equal(r.closed, false);
    assert.equal(r.data.readUInt16BE(0), r.data.length - 2, 'one RFC 4571 frame');
    assert.equal(r.data.readUInt16BE(2), 0x0101, 'a Binding success response');

    assert.equal(await publisher.evaluate(() => window.whipStop()), 200);
  });
});
