// WHIP/WHEP against a fake fetch and a fake RTCPeerConnection: the client's side of RFC 9725 and
// the answers of nchat-live's /api/whip and /api/whep/{streamId}. The page test
// (tests/pages/webrtc.test.mjs) publishes and watches through the real server.
import { describe, expect, it } from 'vitest';
import { WhepPlayer } from '../../src/sdk/whep-player';
import { WhipPublisher } from '../../src/sdk/whip-publisher';
import { parseIceServerLinks } from '../../src/sdk/webrtc-http';
import { fakeFetch } from '../fakes';

class FakeSender {
  track: unknown;
  params: { encodings: Record<string, unknown>[]; degradationPreference?: string };
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
  async setParameters(p: { encodings: Record<string, unknown>[]; degradationPreference?: string }) {
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
  it('POSTs the offer as application/sdp with the stream key as bearer, applies the answer, and DELETEs the session on stop', async () => {
    const f = fakeFetch([
      {
        method: 'POST',
        path: '/api/whip',
        status: 201,
        text: ANSWER,
        headers: {
          'content-type': 'application/sdp',
          location: '/api/whip/sess-1',
          etag: '"e1"',
          link: '<stun:stun.example:3478>; rel="ice-server", <turn:turn.example?transport=udp>; rel="ice-server"; username="u"; credential="p"',
        },
      },
      { method: 'DELETE', path: '/api/whip/sess-1', status: 200 },
    ]);
    const p = new WhipPublisher({
      endpoint: 'http://srv/api/whip',
      token: 'the-users-api-token',
      streamKey: 'key-1',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await p.publish(media, '720p');
    const post = f.calls[0];
    expect(post?.method).toBe('POST');
    expect(post?.headers['content-type']).toBe('application/sdp');
    expect(post?.headers.authorization).toBe('Bearer key-1');
    expect(post?.body).toContain('v=0');
    const pc = FakePC.last;
    expect(pc.remote).toEqual({ type: 'answer', sdp: ANSWER });
    expect(pc.transceivers.map((t) => t.init.direction)).toEqual(['sendonly', 'sendonly']);
    expect(pc.transceivers[1]?.init.sendEncodings).toEqual([{ maxBitrate: 1_500_000, maxFramerate: 30 }]);
    // A broadcast keeps its resolution and gives up frame rate; audio is left alone.
    expect(pc.transceivers[1]?.sender.params.degradationPreference).toBe('maintain-resolution');
    expect(pc.transceivers[0]?.sender.params.degradationPreference).toBeUndefined();
    expect(pc.config.iceServers).toEqual([
      { urls: 'stun:stun.example:3478' },
      { urls: 'turn:turn.example?transport=udp', username: 'u', credential: 'p' },
    ]);
    await p.stop();
    expect(f.calls[1]).toMatchObject({ method: 'DELETE', url: 'http://srv/api/whip/sess-1' });
    expect(f.calls[1]?.headers.authorization).toBe('Bearer key-1');
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
      endpoint: 'http://srv/api/whip',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await expect(p.publish(media)).rejects.toMatchObject({ code: 'unsupported', status: 404 });
    expect(FakePC.last.closed).toBe(true);
  });

  it('says what a 409 (a publisher already, or an ended stream) and a 401 (a wrong key) mean', async () => {
    const answering = (status: number, code: string) => ({
      endpoint: 'http://srv/api/whip',
      streamKey: 'k',
      fetch: fakeFetch([{ method: 'POST', path: '/api/whip', status, body: { error: { code, message: 'refused' } } }]).fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await expect(new WhipPublisher(answering(409, 'conflict')).publish(media)).rejects.toMatchObject({
      code: 'conflict',
      status: 409,
      message: 'This stream already has a publisher, or has ended.',
    });
    expect(FakePC.last.closed).toBe(true);
    await expect(new WhipPublisher(answering(401, 'unauthorized')).publish(media)).rejects.toMatchObject({
      code: 'unauthorized',
      status: 401,
      message: expect.stringMatching(/refused the stream key/) as unknown,
    });
  });

  it('goes on when the browser refuses degradationPreference', async () => {
    class StrictSender extends FakeSender {
      override async setParameters(): Promise<void> {
        throw new TypeError('degradationPreference is not supported');
      }
    }
    class StrictPC extends FakePC {
      override addTransceiver(kind: unknown, init: Record<string, unknown> = {}) {
        const t = super.addTransceiver(kind, init);
        t.sender = new StrictSender(t.sender.track, t.sender.params.encodings);
        return t;
      }
    }
    const f = fakeFetch([
      { method: 'POST', path: /whip$/, status: 201, text: ANSWER, headers: { 'content-type': 'application/sdp', location: 'sess' } },
    ]);
    const p = new WhipPublisher({
      endpoint: 'http://srv/whip',
      fetch: f.fetch,
      RTCPeerConnection: StrictPC as unknown as typeof RTCPeerConnection,
    });
    await p.publish(media);
    expect(FakePC.last.remote?.sdp).toBe(ANSWER);
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

  it("reports the server's 409 for a stream not live yet with its code and Retry-After", async () => {
    const f = fakeFetch([
      {
        method: 'POST',
        path: '/api/whep/s1',
        status: 409,
        headers: { 'retry-after': '5' },
        body: { error: { code: 'not_live', message: 'this stream is not live' } },
      },
    ]);
    const w = new WhepPlayer({
      endpoint: 'http://srv/api/whep/s1',
      fetch: f.fetch,
      RTCPeerConnection: FakePC as unknown as typeof RTCPeerConnection,
    });
    await expect(w.play()).rejects.toMatchObject({ code: 'not_live', status: 409, retryAfter: 5 });
    expect(f.calls[0]?.headers.authorization).toBeUndefined();
    expect(FakePC.last.closed).toBe(true);
  });
});

describe('parseIceServerLinks', () => {
  it('ignores links that are not ice-server', () => {
    expect(parseIceServerLinks('<https://x/>; rel="next"')).toEqual([]);
    expect(parseIceServerLinks(null)).toEqual([]);
  });
});
