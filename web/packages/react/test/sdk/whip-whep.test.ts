// WHIP/WHEP against a fake fetch and a fake RTCPeerConnection. The server's endpoints do not
// exist yet (issue 14): these check the client's side of RFC 9725 only.
import { describe, expect, it } from 'vitest';
import { WhepPlayer } from '../../src/sdk/whep-player';
import { WhipPublisher } from '../../src/sdk/whip-publisher';
import { parseIceServerLinks } from '../../src/sdk/webrtc-http';
import { fakeFetch } from '../fakes';

class FakeSender {
  track: unknown;
  params: { encodings: Record<string, unknown>[] };
  constructor(track: unknown, enc: Record<string, unknown>[]) {
    this.track = track;
    this.params = { encodings: enc.map((e) => ({ ...e })) };
  }
  replaced: unknown[] = [];
  async replaceTrack(t: unknown) {
    this.replaced.push(t);
    this.track = t;
  }
  getParameters() {
    return this.params;
  }
  async setParameters(p: { encodings: Record<string, unknown>[] }) {
    this.params = p;
  }
}

class FakePC extends EventTarget {
  static last: FakePC;
  transceivers: { kind: unknown; init: Record<string, unknown>; sender: FakeSender }[] = [];
  local: RTCSessionDescriptionInit | null = null;
  remote: RTCSessionDescriptionInit | null = null;
  iceGatheringState = 'complete';
  connectionState = 'new';
  closed = false;
  config: RTCConfiguration;
  constructor(config: RTCConfiguration) {
    super();
    this.config = config;
    FakePC.last = this;
  }
  addTransceiver(kind: unknown, init: Record<string, unknown> = {}) {
    const sender = new FakeSender(typeof kind === 'string' ? null : kind, (init.sendEncodings as Record<string, unknown>[]) ?? [{}]);
    const t = { kind, init, sender, setCodecPreferences() {} };
    this.transceivers.push(t);
    return t;
  }
  async createOffer() {
    return { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n' } as RTCSessionDescriptionInit;
  }
  async setLocalDescription(d: RTCSessionDescriptionInit) {
    this.local = d;
  }
  get localDescription() {
    return this.local;
  }
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.remote = d;
  }
  getConfiguration() {
    return this.config;
  }
  setConfiguration(c: RTCConfiguration) {
    this.config = c;
  }
  close() {
    this.closed = true;
  }
}

const ANSWER = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\n';
const track = (kind: string) => ({ kind, getSettings: () => ({ height: 1080 }) });
const media = { getTracks: () => [track('audio'), track('video')] } as unknown as MediaStream;

describe('WhipPublisher', () => {
  it('POSTs the offer as application/sdp with the bearer token, applies the answer, and DELETEs the session on stop', async () => {
    const f = fakeFetch([
      {
        method: 'POST',
        path: '/api/streams/s1/whip',
        status: 201,
        text: ANSWER,
        headers: {
          'content-type': 'application/sdp',
          location: '/api/streams/s1/whip/sess-1',
          etag: '"e1"',
          link: '<stun:stun.example:3478>; rel="ice-server", <turn:turn.example?transport=udp>; rel="ice-server"; username="u"; credential="p"',
        },
      },
      { method: 'DELETE', path: '/api/streams/s1/whip/sess-1', status: 200 },
    ]);
    const p = new WhipPublisher({
      endpoint: 'http://srv/api/streams/s1/whip',
      token: 'tok',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await p.publish(media, '720p');
    const post = f.calls[0];
    expect(post?.method).toBe('POST');
    expect(post?.headers['content-type']).toBe('application/sdp');
    expect(post?.headers.authorization).toBe('Bearer tok');
    expect(post?.body).toContain('v=0');
    const pc = FakePC.last;
    expect(pc.remote).toEqual({ type: 'answer', sdp: ANSWER });
    expect(pc.transceivers.map((t) => t.init.direction)).toEqual(['sendonly', 'sendonly']);
    expect(pc.transceivers[1]?.init.sendEncodings).toEqual([{ maxBitrate: 1_500_000, maxFramerate: 30 }]);
    expect(pc.config.iceServers).toEqual([
      { urls: 'stun:stun.example:3478' },
      { urls: 'turn:turn.example?transport=udp', username: 'u', credential: 'p' },
    ]);
    await p.stop();
    expect(f.calls[1]).toMatchObject({ method: 'DELETE', url: 'http://srv/api/streams/s1/whip/sess-1' });
    expect(pc.closed).toBe(true);
  });

  it('switches devices with replaceTrack and quality with setParameters, without renegotiating', async () => {
    const f = fakeFetch([
      { method: 'POST', path: /whip$/, status: 201, text: ANSWER, headers: { 'content-type': 'application/sdp', location: 'sess' } },
    ]);
    const p = new WhipPublisher({
      endpoint: 'http://srv/whip',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await p.publish(media, '1080p');
    const newCam = track('video') as unknown as MediaStreamTrack;
    await p.replaceTrack('video', newCam);
    await p.setPreset('480p', 1080);
    const video = FakePC.last.transceivers[1]?.sender;
    expect(video?.replaced).toEqual([newCam]);
    expect(video?.params.encodings[0]).toMatchObject({ maxBitrate: 800_000, maxFramerate: 24, scaleResolutionDownBy: 1080 / 480 });
    expect(f.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('says "unsupported" when the server has no WHIP endpoint, and closes the connection', async () => {
    const f = fakeFetch([]);
    const p = new WhipPublisher({
      endpoint: 'http://srv/api/streams/s1/whip',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await expect(p.publish(media)).rejects.toMatchObject({ code: 'unsupported', status: 404 });
    expect(FakePC.last.closed).toBe(true);
  });

  it('refuses a 201 without Location or with a body that is not SDP', async () => {
    const f = fakeFetch([{ method: 'POST', path: /whip$/, status: 201, text: ANSWER, headers: { 'content-type': 'application/sdp' } }]);
    const p = new WhipPublisher({
      endpoint: 'http://srv/whip',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await expect(p.publish(media)).rejects.toMatchObject({ code: 'bad_response' });
  });
});

describe('WhepPlayer', () => {
  it('offers receive-only audio and video and applies the answer', async () => {
    const f = fakeFetch([
      {
        method: 'POST',
        path: /whep$/,
        status: 201,
        text: ANSWER,
        headers: { 'content-type': 'application/sdp', location: 'http://srv/whep/x' },
      },
    ]);
    globalThis.MediaStream ??= class {
      addTrack() {}
    } as unknown as typeof MediaStream;
    const w = new WhepPlayer({
      endpoint: 'http://srv/whep',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await w.play();
    expect(FakePC.last.transceivers.map((t) => [t.kind, t.init.direction])).toEqual([
      ['audio', 'recvonly'],
      ['video', 'recvonly'],
    ]);
    expect(FakePC.last.remote?.sdp).toBe(ANSWER);
  });
});

describe('parseIceServerLinks', () => {
  it('ignores links that are not ice-server', () => {
    expect(parseIceServerLinks('<https://x/>; rel="next"')).toEqual([]);
    expect(parseIceServerLinks(null)).toEqual([]);
  });
});
