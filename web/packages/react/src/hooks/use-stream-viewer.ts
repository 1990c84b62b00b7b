import { useCallback, useEffect, useRef, useState, type RefCallback } from 'react';
import type { ABRConfig } from '../sdk/abr/abr-policy.js';
import { toNchatError, type NchatError } from '../sdk/errors.js';
import { HlsPlayer, type PlayerStats, type QualityLevel } from '../sdk/hls-player.js';
import type { Stream } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useRealtimeRoom } from './use-realtime-room.js';

export interface UseStreamViewerOptions {
  streamId: string;
  autoStart?: boolean;
  lowLatencyMode?: boolean;
  onStreamEnded?: () => void;
  onError?: (error: NchatError) => void;
  /** Not in the spec: our ABR controller's settings, or false for hls.js's own. */
  abr?: Partial<ABRConfig> | false;
}

export interface UseStreamViewerResult {
  stream: Stream | null;
  isLoading: boolean;
  isPlaying: boolean;
  isPaused: boolean;
  isBuffering: boolean;
  /** `auto` or a level name such as `720p`. */
  currentQuality: string;
  availableLevels: QualityLevel[];
  stats: PlayerStats | null;
  viewerCount: number;
  /** Seconds behind live, when known. */
  latency: number | null;
  volume: number;
  isMuted: boolean;
  error: NchatError | null;
  /** Not in the spec: a network error is being retried. */
  isReconnecting: boolean;
  /** Not in the spec: the level playing now (also in auto). */
  playingLevel: QualityLevel | null;
  play: () => Promise<void>;
  pause: () => void;
  setQuality: (quality: string) => void;
  setVolume: (volume: number) => void;
  setMuted: (muted: boolean) => void;
  goToLive: () => void;
  videoRef: RefCallback<HTMLVideoElement>;
}

export function useStreamViewer({
  streamId,
  autoStart = true,
  lowLatencyMode = true,
  onStreamEnded,
  onError,
  abr,
}: UseStreamViewerOptions): UseStreamViewerResult {
  const { client } = useNchat();
  const [stream, setStream] = useState<Stream | null>(null);
  const [isLoading, setLoading] = useState(true);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [isPlaying, setPlaying] = useState(false);
  const [isBuffering, setBuffering] = useState(false);
  const [levels, setLevels] = useState<QualityLevel[]>([]);
  const [currentQuality, setCurrentQuality] = useState('auto');
  const [playingLevel, setPlayingLevel] = useState<QualityLevel | null>(null);
  const [stats, setStats] = useState<PlayerStats | null>(null);
  const [viewerCount, setViewerCount] = useState(0);
  const [volume, setVolumeState] = useState(1);
  const [isMuted, setMutedState] = useState(false);
  const [error, setError] = useState<NchatError | null>(null);
  const [isReconnecting, setReconnecting] = useState(false);
  const player = useRef<HlsPlayer | null>(null);
  const callbacks = useRef({ onStreamEnded, onError });
  useEffect(() => {
    callbacks.current = { onStreamEnded, onError };
  });
  const abrKey = JSON.stringify(abr ?? {});

  const fail = useCallback((e: NchatError) => {
    setError(e);
    callbacks.current.onError?.(e);
  }, []);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const s = await client.getStream(streamId, signal);
        setStream(s);
        setViewerCount((v) => v || (s as Stream & { currentViewers?: number }).currentViewers || 0);
        setError(null);
      } catch (e) {
        if (!signal?.aborted) fail(toNchatError(e));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [client, streamId, fail],
  );

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setStream(null);
    void load(ac.signal);
    return () => ac.abort();
  }, [load]);

  useRealtimeRoom(streamId, (e) => {
    if (e.type === 'viewers') setViewerCount(e.data.count);
    if (e.type === 'stream.status') {
      setStream((s) => (s ? { ...s, status: e.data.status } : s));
      if (e.data.status === 'ended' || e.data.status === 'cancelled') callbacks.current.onStreamEnded?.();
      // startedAt, hlsManifestUrl and final counters come with the full object.
      void load();
    }
  });

  const manifest = stream && stream.status === 'live' ? client.manifestUrl(stream) : null;
  useEffect(() => {
    if (!video || !manifest) return;
    const p = new HlsPlayer({ manifestUrl: manifest, videoElement: video, autoStart, lowLatencyMode, abr: abr === undefined ? {} : abr });
    player.current = p;
    p.on('levels', setLevels);
    p.on('level', ({ level }) => setPlayingLevel(level));
    p.on('playing', (v) => {
      setPlaying(v);
      if (v) setReconnecting(false);
    });
    p.on('buffering', setBuffering);
    p.on('error', ({ error: err, recovering }) => {
      setReconnecting(recovering);
      if (!recovering) fail(err);
    });
    p.load().catch((e: unknown) => fail(toNchatError(e)));
    const timer = setInterval(() => setStats(p.stats()), 1000);
    return () => {
      clearInterval(timer);
      p.destroy();
      player.current = null;
      setPlaying(false);
      setLevels([]);
    };
    // abrKey stands for abr's content: a new object with the same settings is no change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [video, manifest, autoStart, lowLatencyMode, abrKey, fail]);

  useEffect(() => {
    if (!video) return;
    const sync = () => {
      setVolumeState(video.volume);
      setMutedState(video.muted);
    };
    sync();
    video.addEventListener('volumechange', sync);
    return () => video.removeEventListener('volumechange', sync);
  }, [video]);

  const videoRef = useCallback<RefCallback<HTMLVideoElement>>((el) => setVideo(el), []);

  return {
    stream,
    isLoading,
    isPlaying,
    isPaused: !isPlaying && !!manifest,
    isBuffering,
    currentQuality,
    availableLevels: levels,
    stats,
    viewerCount,
    latency: stats?.latency ?? null,
    volume,
    isMuted,
    error,
    isReconnecting,
    playingLevel,
    play: useCallback(async () => {
      await player.current?.play();
    }, []),
    pause: useCallback(() => player.current?.pause(), []),
    setQuality: useCallback((q: string) => {
      player.current?.setQuality(q);
      setCurrentQuality(q);
    }, []),
    setVolume: useCallback(
      (v: number) => {
        if (!video) return;
        video.volume = Math.min(1, Math.max(0, v));
        if (v > 0 && video.muted) video.muted = false;
      },
      [video],
    ),
    setMuted: useCallback(
      (m: boolean) => {
        if (video) video.muted = m;
      },
      [video],
    ),
    goToLive: useCallback(() => player.current?.goToLive(), []),
    videoRef,
  };
}
