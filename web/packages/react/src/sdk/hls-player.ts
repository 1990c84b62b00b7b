// An HLS player over hls.js (loaded on demand, so pages without video do not pay for it), with
// the spec's HLSPlayerConfig, our ABR controller, quality names, live latency and recovery.
import type Hls from 'hls.js';
import type { ErrorData, HlsConfig } from 'hls.js';
import { createAbrController } from './abr/abr-controller.js';
import type { ABRConfig } from './abr/abr-policy.js';
import { Emitter } from './emitter.js';
import { NchatError } from './errors.js';
import { hasPlaybackToken, withPlaybackToken } from './playback-url.js';

/** The product spec's HLSPlayerConfig, plus optional extras. */
export interface HLSPlayerConfig {
  manifestUrl: string;
  videoElement: HTMLVideoElement;
  autoStart?: boolean;
  /** -1 = auto, or a level index. */
  startLevel?: number;
  lowLatencyMode?: boolean;
  maxBufferLength?: number;
  maxBufferSize?: number;
  /** Not in the spec: our ABR controller's settings; `false` keeps hls.js's own controller. */
  abr?: Partial<ABRConfig> | false;
  /** Not in the spec: the fastest playback rate used to catch up with live (1 = never). */
  maxLiveSyncPlaybackRate?: number;
  /** Not in the spec: a private stream's playback token (`PlaybackAccess`). Every request whose
   * URL has a `token` parameter (the manifest from `hlsUrl`, and every URI the server writes
   * into its playlists) is sent with the newest one given here or to `setPlaybackToken`. */
  playbackToken?: string;
}

export interface QualityLevel {
  index: number;
  /** `720p`-style name from the height. */
  name: string;
  width: number;
  height: number;
  bitrate: number;
}

export interface PlayerStats {
  bandwidthEstimate: number;
  bufferSec: number;
  droppedFrames: number;
  totalFrames: number;
  width: number;
  height: number;
  bitrate: number;
  playbackRate: number;
  latency: number | null;
}

export interface HlsPlayerEvents {
  levels: QualityLevel[];
  level: { level: QualityLevel | null; auto: boolean };
  playing: boolean;
  buffering: boolean;
  /** A fatal error hls.js could not recover from, or a network error we retry (`recovering`). */
  error: { error: NchatError; recovering: boolean };
  stalled: void;
}

/** `720p` from the height; a level without RESOLUTION is named by its bitrate. */
export function levelName(height: number, bitrate = 0): string {
  return height ? `${height}p` : `${Math.round(bitrate / 1000)} kb/s`;
}

export class HlsPlayer extends Emitter<HlsPlayerEvents> {
  private hls: Hls | null = null;
  private readonly video: HTMLVideoElement;
  private destroyed = false;
  private networkRetries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly cleanups: (() => void)[] = [];
  private token: string | null;
  /** The browser plays HLS itself (Safari without MSE): its requests cannot be rewritten. */
  private native = false;
  levels: QualityLevel[] = [];

  constructor(private readonly config: HLSPlayerConfig) {
    super();
    this.video = config.videoElement;
    this.token = config.playbackToken ?? null;
  }

  /** The URL to request for `url`: with the newest playback token when it carries one. */
  private tokenized(url: string): string {
    return this.token && hasPlaybackToken(url) ? withPlaybackToken(url, this.token) : url;
  }

  /** A renewed playback token (see `HLSPlayerConfig.playbackToken`). hls.js sends it with its
   * next request, playback going on. The browser's own HLS (Safari) cannot change the URLs it
   * requests: it is given the manifest again with the new token, which restarts the download
   * (a live stream resumes at its live edge, a replay where it was). */
  setPlaybackToken(token: string): void {
    if (token === this.token) return;
    this.token = token;
    if (!this.native || this.destroyed) return;
    const v = this.video;
    const at = v.currentTime;
    const paused = v.paused;
    const vod = Number.isFinite(v.duration);
    v.src = this.tokenized(this.config.manifestUrl);
    if (vod && at > 0) v.addEventListener('loadedmetadata', () => (v.currentTime = at), { once: true });
    if (!paused) void this.play();
  }

  /** Loads hls.js and the manifest; falls back to native HLS (Safari) without MSE. */
  async load(): Promise<void> {
    // The light build (117 KB gzipped, not 183; typed as the full one by tsconfig paths): our streams have no alternate audio,
    // subtitles or DRM, which is what it leaves out.
    const { default: HlsCtor } = await import('hls.js/light');
    if (this.destroyed) return;
    const v = this.video;
    const on = <K extends keyof HTMLMediaElementEventMap>(type: K, fn: () => void) => {
      v.addEventListener(type, fn);
      this.cleanups.push(() => v.removeEventListener(type, fn));
    };
    on('playing', () => {
      this.emit('buffering', false);
      this.emit('playing', true);
    });
    on('pause', () => this.emit('playing', false));
    on('waiting', () => {
      this.emit('buffering', true);
      this.emit('stalled', undefined);
    });
    on('canplay', () => this.emit('buffering', false));

    if (!HlsCtor.isSupported()) {
      if (v.canPlayType('application/vnd.apple.mpegurl')) {
        this.native = true;
        v.src = this.tokenized(this.config.manifestUrl);
        if (this.config.autoStart !== false) void this.play();
        return;
      }
      this.emit('error', { error: new NchatError('unsupported', 'this browser cannot play HLS'), recovering: false });
      return;
    }
    const c = this.config;
    const hlsConfig: Partial<HlsConfig> = {
      lowLatencyMode: c.lowLatencyMode ?? true,
      startLevel: c.startLevel ?? -1,
      maxBufferLength: c.maxBufferLength ?? 30,
      maxBufferSize: c.maxBufferSize ?? 60 * 1000 * 1000,
      // Catch up after a stall instead of staying behind (hls.js alone drifted seconds behind).
      maxLiveSyncPlaybackRate: c.maxLiveSyncPlaybackRate ?? 1.1,
      backBufferLength: 30,
    };
    // hls.js (1.7, XHR loader) calls xhrSetup before it opens a request: opening it here with
    // another URL is how its URL is rewritten, and hls.js then leaves it open as it is.
    if (this.token) {
      hlsConfig.xhrSetup = (xhr, url) => {
        const next = this.tokenized(url);
        if (next !== url) xhr.open('GET', next, true);
      };
    }
    if (c.abr !== false) hlsConfig.abrController = createAbrController(c.abr ?? {}) as unknown as HlsConfig['abrController'];
    const hls = new HlsCtor(hlsConfig);
    this.hls = hls;
    hls.on(HlsCtor.Events.MANIFEST_PARSED, () => {
      this.networkRetries = 0;
      this.levels = hls.levels.map((l, index) => ({
        index,
        name: levelName(l.height, l.bitrate),
        width: l.width,
        height: l.height,
        bitrate: l.bitrate,
      }));
      this.emit('levels', this.levels);
      if (c.autoStart !== false) void this.play();
    });
    hls.on(HlsCtor.Events.LEVEL_SWITCHED, (_e, d) => {
      this.emit('level', { level: this.levels[d.level] ?? null, auto: hls.autoLevelEnabled });
    });
    hls.on(HlsCtor.Events.FRAG_LOADED, () => {
      this.networkRetries = 0;
    });
    hls.on(HlsCtor.Events.ERROR, (_e, d: ErrorData) => this.onError(d, HlsCtor));
    hls.loadSource(c.manifestUrl);
    hls.attachMedia(v);
  }

  private onError(d: ErrorData, HlsCtor: typeof Hls): void {
    if (!d.fatal || !this.hls) return;
    const err = new NchatError(d.type === HlsCtor.ErrorTypes.NETWORK_ERROR ? 'network' : 'media', `${d.type}: ${d.details}`);
    if (d.type === HlsCtor.ErrorTypes.MEDIA_ERROR) {
      this.emit('error', { error: err, recovering: true });
      this.hls.recoverMediaError();
      return;
    }
    if (d.type === HlsCtor.ErrorTypes.NETWORK_ERROR && this.networkRetries < 30) {
      // A live origin restarting or a publisher reconnecting: retry, slower each time.
      this.emit('error', { error: err, recovering: true });
      const delay = Math.min(5000, 500 * 2 ** Math.min(this.networkRetries++, 4));
      this.retryTimer = setTimeout(() => {
        if (!this.hls) return;
        if (this.levels.length) this.hls.startLoad();
        else this.hls.loadSource(this.config.manifestUrl);
      }, delay);
      return;
    }
    this.emit('error', { error: err, recovering: false });
  }

  async play(): Promise<void> {
    try {
      await this.video.play();
    } catch (e) {
      // Autoplay with sound is refused without a user gesture: start muted instead.
      if ((e as DOMException).name === 'NotAllowedError' && !this.video.muted) {
        this.video.muted = true;
        await this.video.play().catch(() => undefined);
      }
    }
  }

  pause(): void {
    this.video.pause();
  }

  /** `auto`, a level name (`720p`) or an index. */
  setQuality(q: string | number): void {
    if (!this.hls) return;
    if (q === 'auto' || q === -1) {
      this.hls.currentLevel = -1;
      this.hls.nextLevel = -1;
      this.emit('level', { level: this.levels[this.hls.currentLevel] ?? null, auto: true });
      return;
    }
    const idx = typeof q === 'number' ? q : this.levels.findIndex((l) => l.name === q);
    if (idx < 0) return;
    // currentLevel flushes the buffer: the picture changes at once.
    this.hls.currentLevel = idx;
  }

  get autoQuality(): boolean {
    return this.hls?.autoLevelEnabled ?? true;
  }

  /** Jumps to the live edge (hls.js's sync position). */
  goToLive(): void {
    const pos = this.hls?.liveSyncPosition;
    if (pos != null && Number.isFinite(pos)) this.video.currentTime = pos;
    else if (this.video.seekable.length) this.video.currentTime = this.video.seekable.end(this.video.seekable.length - 1) - 1;
    void this.play();
  }

  get latency(): number | null {
    const l = this.hls?.latency;
    return l != null && Number.isFinite(l) && l > 0 ? l : null;
  }

  stats(): PlayerStats {
    const v = this.video;
    const q = typeof v.getVideoPlaybackQuality === 'function' ? v.getVideoPlaybackQuality() : null;
    const level = this.hls ? this.hls.levels[this.hls.currentLevel] : undefined;
    let bufferSec = 0;
    for (let i = 0; i < v.buffered.length; i++) {
      if (v.buffered.start(i) <= v.currentTime && v.buffered.end(i) >= v.currentTime) bufferSec = v.buffered.end(i) - v.currentTime;
    }
    return {
      bandwidthEstimate: this.hls?.bandwidthEstimate ?? 0,
      bufferSec,
      droppedFrames: q?.droppedVideoFrames ?? 0,
      totalFrames: q?.totalVideoFrames ?? 0,
      width: v.videoWidth,
      height: v.videoHeight,
      bitrate: level?.bitrate ?? 0,
      playbackRate: v.playbackRate,
      latency: this.latency,
    };
  }

  destroy(): void {
    this.destroyed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const c of this.cleanups.splice(0)) c();
    this.hls?.destroy();
    this.hls = null;
    this.removeAllListeners();
  }
}
