// A WHIP publisher (RFC 9725): camera, microphone or screen to the server over WebRTC. Devices
// change with RTCRtpSender.replaceTrack and quality with setParameters: no renegotiation.
// nchat-live's endpoint is `POST /api/whip` with the stream's key as the bearer token (not the
// user's API token); the server asks for a keyframe once per segment itself.
import { Emitter } from './emitter.js';
import { NchatError } from './errors.js';
import { QUALITY_PRESETS, type QualityPreset } from './types.js';
import { deleteSession, negotiate, type WebRtcHttpOptions } from './webrtc-http.js';

export interface WhipPublisherOptions extends WebRtcHttpOptions {
  /** For nchat-live's `/api/whip`: the stream's `streamKey`, sent as the bearer token (it
   * replaces `token`, which a WHIP endpoint of nchat-live does not take). */
  streamKey?: string | null;
  iceServers?: RTCIceServer[];
  RTCPeerConnection?: typeof RTCPeerConnection;
  /** Prefer H.264 (what the HLS ladder needs without transcoding); default true. */
  preferH264?: boolean;
}

export interface OutgoingStats {
  /** bits/s of video and audio over the last interval. */
  bitrate: number;
  fps: number;
  width: number;
  height: number;
  packetsLost: number;
  roundTripTime: number | null;
}

export interface WhipEvents {
  state: RTCPeerConnectionState;
  error: NchatError;
}

/** getUserMedia video constraints for a preset of the spec's ladder. */
export function presetConstraints(preset: QualityPreset): MediaTrackConstraints {
  const p = QUALITY_PRESETS[preset];
  return { width: { ideal: p.width }, height: { ideal: p.height }, frameRate: { ideal: p.fps, max: p.fps } };
}

export class WhipPublisher extends Emitter<WhipEvents> {
  private pc: RTCPeerConnection | null = null;
  private resource: string | null = null;
  private readonly senders = new Map<'audio' | 'video', RTCRtpSender>();
  private preset: QualityPreset = '720p';
  private lastStats: { at: number; bytes: number; frames: number } | null = null;

  private readonly opts: WhipPublisherOptions;

  constructor(opts: WhipPublisherOptions) {
    super();
    this.opts = opts.streamKey ? { ...opts, token: opts.streamKey } : opts;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc?.connectionState ?? 'new';
  }

  async publish(stream: MediaStream, preset: QualityPreset = '720p'): Promise<void> {
    if (this.pc) throw new NchatError('wrong_state', 'already publishing');
    this.preset = preset;
    const PC = this.opts.RTCPeerConnection ?? globalThis.RTCPeerConnection;
    if (!PC) throw new NchatError('unsupported', 'this browser has no WebRTC');
    const pc = new PC({ iceServers: this.opts.iceServers ?? [], bundlePolicy: 'max-bundle' });
    this.pc = pc;
    pc.addEventListener('connectionstatechange', () => this.emit('state', pc.connectionState));
    const p = QUALITY_PRESETS[preset];
    for (const kind of ['audio', 'video'] as const) {
      const track = stream.getTracks().find((t) => t.kind === kind) ?? null;
      const t = pc.addTransceiver(track ?? kind, {
        direction: 'sendonly',
        streams: [stream],
        ...(kind === 'video' ? { sendEncodings: [{ maxBitrate: p.bitrate, maxFramerate: p.fps }] } : {}),
      });
      if (kind === 'video' && this.opts.preferH264 !== false) preferCodec(t, 'video/H264');
      if (kind === 'video') await maintainResolution(t.sender);
      this.senders.set(kind, t.sender);
    }
    try {
      this.resource = (await negotiate(pc, this.opts)).resource;
    } catch (e) {
      pc.close();
      this.pc = null;
      this.senders.clear();
      throw explainRefusal(e);
    }
  }

  /** Switches camera or microphone (or screen) without renegotiating. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const s = this.senders.get(kind);
    if (!s) throw new NchatError('wrong_state', 'not publishing');
    await s.replaceTrack(track);
  }

  /** Changes the encoder's bitrate, frame rate and scale to a preset of the ladder. */
  async setPreset(preset: QualityPreset, sourceHeight?: number): Promise<void> {
    this.preset = preset;
    const s = this.senders.get('video');
    if (!s) return;
    const p = QUALITY_PRESETS[preset];
    const params = s.getParameters();
    const enc = params.encodings?.[0];
    if (!enc) return;
    enc.maxBitrate = p.bitrate;
    enc.maxFramerate = p.fps;
    const h = sourceHeight ?? s.track?.getSettings().height;
    if (h && h > p.height) enc.scaleResolutionDownBy = h / p.height;
    else delete enc.scaleResolutionDownBy;
    await s.setParameters(params);
  }

  get currentPreset(): QualityPreset {
    return this.preset;
  }

  /** Outgoing bitrate and frame rate since the previous call (from getStats). */
  async getStats(): Promise<OutgoingStats | null> {
    if (!this.pc) return null;
    const report = await this.pc.getStats();
    let bytes = 0;
    let frames = 0;
    let fps = 0;
    let width = 0;
    let height = 0;
    let lost = 0;
    let rtt: number | null = null;
    report.forEach((r: Record<string, unknown>) => {
      if (r.type === 'outbound-rtp') {
        bytes += Number(r.bytesSent ?? 0);
        if (r.kind === 'video') {
          frames = Number(r.framesEncoded ?? 0);
          fps = Number(r.framesPerSecond ?? 0);
          width = Number(r.frameWidth ?? 0);
          height = Number(r.frameHeight ?? 0);
        }
      } else if (r.type === 'remote-inbound-rtp') {
        lost += Number(r.packetsLost ?? 0);
        if (typeof r.roundTripTime === 'number') rtt = r.roundTripTime;
      }
    });
    const now = performance.now();
    const prev = this.lastStats;
    this.lastStats = { at: now, bytes, frames };
    const dt = prev ? (now - prev.at) / 1000 : 0;
    return {
      bitrate: prev && dt > 0 ? ((bytes - prev.bytes) * 8) / dt : 0,
      fps: fps || (prev && dt > 0 ? (frames - prev.frames) / dt : 0),
      width,
      height,
      packetsLost: lost,
      roundTripTime: rtt,
    };
  }

  /** Ends the session (DELETE on its resource) and closes the connection. */
  async stop(): Promise<void> {
    const resource = this.resource;
    this.resource = null;
    this.pc?.close();
    this.pc = null;
    this.senders.clear();
    this.lastStats = null;
    if (resource) await deleteSession(this.opts, resource);
  }
}

/** A broadcast keeps its resolution and gives up frame rate when the CPU or the network is short
 * (a camera's default in browsers is the opposite). Not every browser takes it: ignored then. */
async function maintainResolution(sender: RTCRtpSender): Promise<void> {
  try {
    const params = sender.getParameters();
    params.degradationPreference = 'maintain-resolution';
    await sender.setParameters(params);
  } catch {
    // Firefox and older Safari refuse the field; the stream goes on with the default.
  }
}

/** What a broadcaster can act on, for the refusals of nchat-live's WHIP endpoint. */
function explainRefusal(e: unknown): NchatError {
  if (!(e instanceof NchatError)) return new NchatError('whip_failed', (e as Error).message, { cause: e });
  const opts = { cause: e, ...(e.status ? { status: e.status } : {}) };
  if (e.status === 401 || e.status === 403)
    return new NchatError(
      e.code,
      'The server refused the stream key. If it was regenerated elsewhere, regenerate it here (the server shows a key only once).',
      opts,
    );
  if (e.status === 409) return new NchatError(e.code, 'This stream already has a publisher, or has ended.', opts);
  if (e.code === 'unsupported')
    return new NchatError(
      e.code,
      'This server does not take browser (WHIP) publishing. Use OBS or ffmpeg with the RTMP URL and stream key.',
      opts,
    );
  return e;
}

export function preferCodec(t: RTCRtpTransceiver, mimeType: string): void {
  const caps = globalThis.RTCRtpSender?.getCapabilities?.('video');
  if (!caps || typeof t.setCodecPreferences !== 'function') return;
  const first = caps.codecs.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  if (!first.length) return;
  const rest = caps.codecs.filter((c) => c.mimeType.toLowerCase() !== mimeType.toLowerCase());
  t.setCodecPreferences([...first, ...rest]);
}
