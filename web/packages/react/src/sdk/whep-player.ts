// A WHEP player: receive-only WebRTC for "real-time" viewing (no segments to wait for, so closer
// to live than LL-HLS). nchat-live's endpoint is `POST /api/whep/{streamId}`, no token; a
// stream that is not live (or has no media yet) is 409 with Retry-After, `code: 'not_live'`.
import { Emitter } from './emitter.js';
import { NchatError } from './errors.js';
import { deleteSession, negotiate, type WebRtcHttpOptions } from './webrtc-http.js';

export interface WhepPlayerOptions extends WebRtcHttpOptions {
  iceServers?: RTCIceServer[];
  RTCPeerConnection?: typeof RTCPeerConnection;
}

export interface WhepEvents {
  state: RTCPeerConnectionState;
  stream: MediaStream;
}

export class WhepPlayer extends Emitter<WhepEvents> {
  private pc: RTCPeerConnection | null = null;
  private resource: string | null = null;

  constructor(private readonly opts: WhepPlayerOptions) {
    super();
  }

  /** Negotiates and resolves once the answer is applied; the media arrives as a `stream` event
   * and, when given, in `video.srcObject`. */
  async play(video?: HTMLVideoElement): Promise<void> {
    if (this.pc) throw new NchatError('wrong_state', 'already playing');
    const PC = this.opts.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    if (!PC) throw new NchatError('unsupported', 'this browser has no WebRTC');
    const pc = new PC({ iceServers: this.opts.iceServers ?? [], bundlePolicy: 'max-bundle' });
    this.pc = pc;
    const media = new MediaStream();
    pc.addEventListener('track', (ev: RTCTrackEvent) => {
      media.addTrack(ev.track);
      if (video && video.srcObject !== media) video.srcObject = media;
      this.emit('stream', media);
    });
    pc.addEventListener('connectionstatechange', () => this.emit('state', pc.connectionState));
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    try {
      this.resource = (await negotiate(pc, this.opts)).resource;
    } catch (e) {
      pc.close();
      this.pc = null;
      throw e instanceof NchatError ? e : new NchatError('whep_failed', (e as Error).message, { cause: e });
    }
  }

  async stop(): Promise<void> {
    const resource = this.resource;
    this.resource = null;
    this.pc?.close();
    this.pc = null;
    if (resource) await deleteSession(this.opts, resource);
  }
}
