import { useCallback, useEffect, useRef, useState, type RefCallback } from 'react';
import type { ABRConfig } from '../sdk/abr/abr-policy.js';
import { NchatError, toNchatError } from '../sdk/errors.js';
import { HlsPlayer, type PlayerStats, type QualityLevel } from '../sdk/hls-player.js';
import type { Stream } from '../sdk/types.js';
import { WhepPlayer } from '../sdk/whep-player.js';
import { useNchat } from './context.js';
import { noAccessError } from '../sdk/playback-access.js';
import { usePlaybackAccess } from './use-playback-access.js';
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
  /** Also `no_access` when a private stream's playback token is refused (its renewal included:
   * access revoked); playback stops. */
  error: NchatError | null;
  /** Not in the spec: a network error is being retried. */
  isReconnecting: boolean;
  /** Not in the spec: the level playing now (also in auto). */
  playingLevel: QualityLevel | null;
  /** Not in the spec: what plays, LL-HLS (`hls`) or WebRTC through WHEP (`webrtc`). */
  playback: 'hls' | 'webrtc';
  /** Not in the spec: the stream had ended when the page opened, and its recording plays (VOD:
   * seekable, from the start), at the same manifest URL. */
  isReplay: boolean;
  /** Not in the spec: the stream had ended when the page opened and whether it has a recording
   * to replay is being asked; `isReplay` or not follows. */
  isCheckingReplay: boolean;
  /** Not in the spec: why WebRTC playback stopped and HLS took over, until the next try. */
  webrtcError: NchatError | null;
  /** Not in the spec: plays over WebRTC (WHEP: no segments to wait for, closer to live) instead of
   * LL-HLS; on any failure it goes back to HLS and sets `webrtcError`. */
  setWebRtc: (on: boolean) => void;
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
  // The broadcaster took this user's access away (the room's `access.revoked`): stop at once
  // rather than at the next token renewal.
  const [revoked, setRevoked] = useState(false);
  const [volume, setVolumeState] = useState(1);
  const [isMuted, setMutedState] = useState(false);
  const [error, setError] = useState<NchatError | null>(null);
  const [isReconnecting, setReconnecting] = useState(false);
  const [webrtc, setWebrtc] = useState(false);
  const [webrtcError, setWebrtcError] = useState<NchatError | null>(null);
  // The recording's answer for the stream it was asked about (one answer per stream id).
  const [replayCheck, setReplayCheck] = useState<{ streamId: string; replay: boolean } | null>(null);
  // Only a viewer who arrives after the end gets the replay: one who was watching when it ended
  // is told so, and is not thrown back to the stream's first second.
  const [endedOnArrival, setEndedOnArrival] = useState(false);
  const firstLoad = useRef(true);
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
        if (firstLoad.current) {
          firstLoad.current = false;
          setEndedOnArrival(s.status === 'ended');
        }
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
    setRevoked(false);
    firstLoad.current = true;
    setEndedOnArrival(false);
    void load(ac.signal);
    return () => ac.abort();
  }, [load]);

  useRealtimeRoom(streamId, (e) => {
    if (e.type === 'viewers') setViewerCount(e.data.count);
    if (e.type === 'access.revoked') {
      setRevoked(true);
      fail(noAccessError(new NchatError('not_found', 'access to this stream was revoked')));
    }
    if (e.type === 'stream.status') {
      setStream((s) => (s ? { ...s, status: e.data.status } : s));
      if (e.data.status === 'ended' || e.data.status === 'cancelled') callbacks.current.onStreamEnded?.();
      // startedAt, hlsManifestUrl and final counters come with the full object.
      void load();
    }
  });

  const live = stream?.status === 'live';
  const replayable = endedOnArrival && stream?.status === 'ended';
  // An ended stream's manifest is its recording once that is complete (docs/recording.md).
  useEffect(() => {
    if (!replayable) return;
    const ac = new AbortController();
    client
      .getRecording(streamId, ac.signal)
      .then((r) => setReplayCheck({ streamId, replay: r.state === 'complete' || r.state === 'interrupted' }))
      .catch(() => {
        if (!ac.signal.aborted) setReplayCheck({ streamId, replay: false }); // no recording: nothing to replay
      });
    return () => ac.abort();
  }, [client, streamId, replayable]);
  const replayChecked = replayCheck?.streamId === streamId;
  const isReplay = replayable && replayChecked && !!replayCheck?.replay;
  const isCheckingReplay = replayable && !replayChecked;
  // A private stream's media needs a playback token (docs/api.md, "Private playback"), renewed
  // while it plays; a refused renewal stops the player and is the hook's error (`no_access`).
  const playable = (live || isReplay) && !!stream;
  const pb = usePlaybackAccess(streamId, playable && !!stream?.isPrivate);
  const { access } = pb;
  let manifest: string | null = null;
  if (playable && stream && pb.ready && !revoked)
    manifest = pb.initial ? client.playbackManifestUrl(stream, pb.initial) : client.manifestUrl(stream);
  useEffect(() => {
    if (pb.error) callbacks.current.onError?.(pb.error);
  }, [pb.error]);
  useEffect(() => {
    if (!video || !manifest || webrtc) return;
    const token = access?.current?.token;
    const p = new HlsPlayer({
      manifestUrl: manifest,
      videoElement: video,
      autoStart,
      lowLatencyMode: lowLatencyMode && !isReplay,
      abr: abr === undefined ? {} : abr,
      ...(token ? { playbackToken: token } : {}),
    });
    player.current = p;
    const offToken = access?.on('token', (t) => p.setPlaybackToken(t.token));
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
      offToken?.();
      clearInterval(timer);
      p.destroy();
      player.current = null;
      setPlaying(false);
      setLevels([]);
      setStats(null);
    };
    // abrKey stands for abr's content: a new object with the same settings is no change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [video, manifest, access, autoStart, lowLatencyMode, abrKey, fail, webrtc, isReplay]);

  // WebRTC playback into the same <video>; any failure gives the element back to HLS.
  useEffect(() => {
    if (!video || !live || !webrtc || !pb.ready || revoked) return;
    let done = false;
    // A private stream's offer carries the playback token as its bearer; the session, once
    // connected, outlives the token.
    const token = access?.current?.token;
    const w = new WhepPlayer({
      endpoint: `${client.baseUrl}/api/whep/${encodeURIComponent(streamId)}`,
      ...(token ? { token } : {}),
      ...(client.config.fetch ? { fetch: client.config.fetch } : {}),
    });
    const fallBack = (e: unknown) => {
      if (done) return;
      done = true;
      setWebrtcError(toNchatError(e));
      setWebrtc(false);
    };
    const media: [keyof HTMLMediaElementEventMap, () => void][] = [
      [
        'playing',
        () => {
          setPlaying(true);
          setBuffering(false);
        },
      ],
      ['pause', () => setPlaying(false)],
      ['waiting', () => setBuffering(true)],
    ];
    for (const [type, fn] of media) video.addEventListener(type, fn);
    w.on('state', (st) => {
      if (st === 'failed') fallBack(new NchatError('whep_failed', 'the WebRTC connection failed'));
    });
    w.on('stream', () => {
      if (!autoStart) return;
      video.play().catch((e: unknown) => {
        // Autoplay with sound is refused without a user gesture: start muted instead.
        if ((e as DOMException).name !== 'NotAllowedError' || video.muted) return;
        video.muted = true;
        void video.play().catch(() => undefined);
      });
    });
    w.play(video).catch(fallBack);
    return () => {
      done = true;
      for (const [type, fn] of media) video.removeEventListener(type, fn);
      void w.stop();
      video.srcObject = null;
      setPlaying(false);
      setBuffering(false);
    };
  }, [client, video, live, webrtc, streamId, autoStart, pb.ready, access, revoked]);

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
    playback: webrtc && live ? 'webrtc' : 'hls',
    webrtcError,
    isReplay,
    isCheckingReplay,
    setWebRtc: useCallback((on: boolean) => {
      setWebrtcError(null);
      setWebrtc(on);
    }, []),
    isBuffering,
    currentQuality,
    availableLevels: levels,
    stats,
    viewerCount,
    latency: stats?.latency ?? null,
    volume,
    isMuted,
    error: pb.error ?? error,
    isReconnecting,
    playingLevel,
    play: useCallback(async () => {
      if (webrtc) await video?.play().catch(() => undefined);
      else await player.current?.play();
    }, [webrtc, video]),
    pause: useCallback(() => (webrtc ? video?.pause() : player.current?.pause()), [webrtc, video]),
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
