import { useCallback, useEffect, useRef, useState } from 'react';
import { NchatError, toNchatError } from '../sdk/errors.js';
import type { RoomEvents } from '../sdk/realtime-client.js';
import { presetConstraints, WhipPublisher, type OutgoingStats } from '../sdk/whip-publisher.js';
import type { CreateStreamInput, QualityPreset, Stream } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useRealtimeRoom } from './use-realtime-room.js';

export type BroadcastConnectionState = RTCPeerConnectionState | 'idle';
/** The server's notice that it will end the stream (`stream.warning`, to the broadcaster only). */
export type StreamWarning = RoomEvents['stream.warning'];

export interface UseLiveStreamOptions {
  onStreamCreated?: (stream: Stream) => void;
  onStreamStarted?: (stream: Stream) => void;
  onStreamEnded?: (stream: Stream) => void;
  onError?: (error: NchatError) => void;
  /** Not in the spec: manage an existing stream instead of creating one. */
  streamId?: string;
  /** Not in the spec: the WHIP endpoint for a stream. Default `{baseUrl}/api/whip`, to which
   * the stream's key (`streamKey` below) is the bearer token. */
  whipEndpoint?: (stream: Stream) => string;
}

export interface UseLiveStreamResult {
  stream: Stream | null;
  isCreating: boolean;
  isStarting: boolean;
  isBroadcasting: boolean;
  isEnding: boolean;
  localStream: MediaStream | null;
  connectionState: BroadcastConnectionState;
  qualityMetrics: OutgoingStats | null;
  viewerCount: number;
  /** Seconds since the stream went live. */
  duration: number;
  error: NchatError | null;
  createStream: (input: CreateStreamInput) => Promise<Stream | null>;
  startBroadcast: (quality?: QualityPreset) => Promise<void>;
  stopBroadcast: () => Promise<void>;
  endStream: () => Promise<void>;
  switchCamera: (deviceId: string) => Promise<void>;
  switchMicrophone: (deviceId: string) => Promise<void>;
  changeQuality: (quality: QualityPreset) => Promise<void>;
  toggleVideo: () => void;
  toggleAudio: () => void;
  availableCameras: MediaDeviceInfo[];
  availableMicrophones: MediaDeviceInfo[];
  // Not in the spec:
  quality: QualityPreset;
  isVideoEnabled: boolean;
  isAudioEnabled: boolean;
  /** Opens camera and microphone for the preview (startBroadcast does it too). */
  startPreview: (quality?: QualityPreset) => Promise<MediaStream | null>;
  /** Replaces the camera with a screen (getDisplayMedia). */
  shareScreen: () => Promise<void>;
  regenerateKey: () => Promise<void>;
  refresh: () => Promise<void>;
  /** The stream key, known only on the page that created the stream or regenerated its key: the
   * server shows a key once (docs/api.md). Null otherwise: `regenerateKey` makes a new one. */
  streamKey: string | null;
  /** Not in the spec: the last `stream.warning` of this stream (the server ends it at `endsAt`,
   * --max-stream-duration), null until one arrives. */
  warning: StreamWarning | null;
}

export function useLiveStream(options: UseLiveStreamOptions = {}): UseLiveStreamResult {
  const { client } = useNchat();
  const [stream, setStream] = useState<Stream | null>(null);
  const [isCreating, setCreating] = useState(false);
  const [isStarting, setStarting] = useState(false);
  const [isEnding, setEnding] = useState(false);
  const [isBroadcasting, setBroadcasting] = useState(false);
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [connectionState, setConnectionState] = useState<BroadcastConnectionState>('idle');
  const [qualityMetrics, setMetrics] = useState<OutgoingStats | null>(null);
  const [viewerCount, setViewers] = useState(0);
  const [duration, setDuration] = useState(0);
  const [warning, setWarning] = useState<{ streamId: string; data: StreamWarning } | null>(null);
  const [error, setError] = useState<NchatError | null>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  const [quality, setQuality] = useState<QualityPreset>('720p');
  const [isVideoEnabled, setVideoEnabled] = useState(true);
  const [isAudioEnabled, setAudioEnabled] = useState(true);
  const publisher = useRef<WhipPublisher | null>(null);
  const media = useRef<MediaStream | null>(null);
  const cb = useRef(options);
  useEffect(() => {
    cb.current = options;
  });

  const fail = useCallback((e: unknown) => {
    const err = toNchatError(e);
    setError(err);
    cb.current.onError?.(err);
    return err;
  }, []);

  const refresh = useCallback(async () => {
    const id = cb.current.streamId ?? stream?.id;
    if (!id) return;
    try {
      setStream(await client.getStream(id));
    } catch (e) {
      fail(e);
    }
  }, [client, stream?.id, fail]);

  useEffect(() => {
    if (!options.streamId) return;
    const ac = new AbortController();
    client.getStream(options.streamId, ac.signal).then(setStream, (e: unknown) => {
      if (!ac.signal.aborted) fail(e);
    });
    return () => ac.abort();
  }, [client, options.streamId, fail]);

  useRealtimeRoom(stream?.id, (e) => {
    if (e.type === 'viewers') setViewers(e.data.count);
    if (e.type === 'stream.warning') setWarning({ streamId: e.streamId, data: e.data });
    if (e.type === 'stream.status') {
      void client.getStream(e.streamId).then((s) => {
        setStream(s);
        if (s.status === 'live') cb.current.onStreamStarted?.(s);
        if (s.status === 'ended' || s.status === 'cancelled') cb.current.onStreamEnded?.(s);
      }, fail);
    }
  });

  // Duration ticks while live.
  useEffect(() => {
    if (stream?.status !== 'live' || !stream.startedAt) {
      setDuration(0);
      return;
    }
    const started = Date.parse(stream.startedAt);
    const tick = () => setDuration(Math.max(0, Math.floor((Date.now() - started) / 1000)));
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [stream?.status, stream?.startedAt]);

  // Outgoing bitrate and frame rate from getStats, once a second while connected.
  useEffect(() => {
    if (!isBroadcasting) return;
    const t = setInterval(() => {
      void publisher.current?.getStats().then(setMetrics);
    }, 1000);
    return () => clearInterval(t);
  }, [isBroadcasting]);

  const listDevices = useCallback(async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    setCameras(all.filter((d) => d.kind === 'videoinput'));
    setMics(all.filter((d) => d.kind === 'audioinput'));
  }, []);
  useEffect(() => {
    void listDevices();
    navigator.mediaDevices?.addEventListener?.('devicechange', listDevices);
    return () => navigator.mediaDevices?.removeEventListener?.('devicechange', listDevices);
  }, [listDevices]);

  const stopMedia = useCallback(() => {
    media.current?.getTracks().forEach((t) => t.stop());
    media.current = null;
    setLocalStream(null);
  }, []);
  useEffect(
    () => () => {
      void publisher.current?.stop();
      stopMedia();
    },
    [stopMedia],
  );

  const startPreview = useCallback(
    async (q: QualityPreset = quality) => {
      if (media.current) return media.current;
      if (!navigator.mediaDevices?.getUserMedia) {
        fail(new NchatError('unsupported', 'this browser cannot capture camera or microphone'));
        return null;
      }
      try {
        const s = await navigator.mediaDevices.getUserMedia({ video: presetConstraints(q), audio: true });
        media.current = s;
        setLocalStream(s);
        setQuality(q);
        await listDevices(); // labels appear once permission is granted
        return s;
      } catch (e) {
        const name = (e as DOMException).name;
        fail(
          name === 'NotAllowedError'
            ? new NchatError(
                'permission_denied',
                'Camera or microphone permission was denied. Allow it in the browser to go live from here, or use OBS.',
              )
            : e,
        );
        return null;
      }
    },
    [quality, fail, listDevices],
  );

  // Every later answer about the stream leaves the key out: it is the client's memory of it.
  const streamKey = stream ? (stream.streamKey ?? client.streamKey(stream.id) ?? null) : null;

  const replace = useCallback(async (kind: 'audio' | 'video', track: MediaStreamTrack) => {
    const s = media.current;
    if (s) {
      for (const old of s.getTracks().filter((t) => t.kind === kind)) {
        s.removeTrack(old);
        old.stop();
      }
      s.addTrack(track);
      setLocalStream(new MediaStream(s.getTracks()));
    }
    if (publisher.current) await publisher.current.replaceTrack(kind, track);
  }, []);

  return {
    stream,
    streamKey,
    warning: warning && warning.streamId === stream?.id ? warning.data : null,
    isCreating,
    isStarting,
    isBroadcasting,
    isEnding,
    localStream,
    connectionState,
    qualityMetrics,
    viewerCount,
    duration,
    error,
    availableCameras: cameras,
    availableMicrophones: mics,
    quality,
    isVideoEnabled,
    isAudioEnabled,
    refresh,
    startPreview,
    createStream: useCallback(
      async (input: CreateStreamInput) => {
        setCreating(true);
        try {
          const s = await client.createStream(input);
          setStream(s);
          setError(null);
          cb.current.onStreamCreated?.(s);
          return s;
        } catch (e) {
          fail(e);
          return null;
        } finally {
          setCreating(false);
        }
      },
      [client, fail],
    ),
    startBroadcast: useCallback(
      async (q: QualityPreset = quality) => {
        if (!stream) return void fail(new NchatError('wrong_state', 'create the stream first'));
        setStarting(true);
        try {
          const s = await startPreview(q);
          if (!s) return;
          if (!streamKey) {
            throw new NchatError(
              'unauthorized',
              'The stream key is shown only once, when it is made. Regenerate the key to go live from this browser.',
            );
          }
          const endpoint = cb.current.whipEndpoint?.(stream) ?? `${client.baseUrl}/api/whip`;
          const p = new WhipPublisher({
            endpoint,
            streamKey,
            ...(client.config.fetch ? { fetch: client.config.fetch } : {}),
          });
          p.on('state', (st) => {
            setConnectionState(st);
            setBroadcasting(st === 'connected');
          });
          setConnectionState('connecting');
          await p.publish(s, q);
          publisher.current = p;
          const live = await client.startStream(stream.id);
          setStream(live);
          cb.current.onStreamStarted?.(live);
          setError(null);
        } catch (e) {
          setConnectionState('failed');
          fail(e);
        } finally {
          setStarting(false);
        }
      },
      [client, stream, streamKey, quality, startPreview, fail],
    ),
    stopBroadcast: useCallback(async () => {
      await publisher.current?.stop();
      publisher.current = null;
      setBroadcasting(false);
      setConnectionState('idle');
      setMetrics(null);
    }, []),
    endStream: useCallback(async () => {
      if (!stream) return;
      setEnding(true);
      try {
        await publisher.current?.stop();
        publisher.current = null;
        setBroadcasting(false);
        setConnectionState('idle');
        const s = await client.endStream(stream.id);
        setStream(s);
        stopMedia();
        cb.current.onStreamEnded?.(s);
      } catch (e) {
        fail(e);
      } finally {
        setEnding(false);
      }
    }, [client, stream, stopMedia, fail]),
    switchCamera: useCallback(
      async (deviceId: string) => {
        try {
          const s = await navigator.mediaDevices.getUserMedia({ video: { ...presetConstraints(quality), deviceId: { exact: deviceId } } });
          const t = s.getVideoTracks()[0];
          if (t) await replace('video', t);
        } catch (e) {
          fail(e);
        }
      },
      [quality, replace, fail],
    ),
    switchMicrophone: useCallback(
      async (deviceId: string) => {
        try {
          const s = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
          const t = s.getAudioTracks()[0];
          if (t) await replace('audio', t);
        } catch (e) {
          fail(e);
        }
      },
      [replace, fail],
    ),
    shareScreen: useCallback(async () => {
      try {
        const s = await navigator.mediaDevices.getDisplayMedia({ video: true });
        const t = s.getVideoTracks()[0];
        if (t) await replace('video', t);
      } catch (e) {
        fail(e);
      }
    }, [replace, fail]),
    changeQuality: useCallback(
      async (q: QualityPreset) => {
        setQuality(q);
        try {
          const t = media.current?.getVideoTracks()[0];
          await t?.applyConstraints(presetConstraints(q));
          await publisher.current?.setPreset(q);
        } catch (e) {
          fail(e);
        }
      },
      [fail],
    ),
    toggleVideo: useCallback(() => {
      const t = media.current?.getVideoTracks()[0];
      if (t) t.enabled = !t.enabled;
      setVideoEnabled(t ? t.enabled : false);
    }, []),
    toggleAudio: useCallback(() => {
      const t = media.current?.getAudioTracks()[0];
      if (t) t.enabled = !t.enabled;
      setAudioEnabled(t ? t.enabled : false);
    }, []),
    regenerateKey: useCallback(async () => {
      if (!stream) return;
      try {
        setStream(await client.regenerateKey(stream.id));
      } catch (e) {
        fail(e);
      }
    }, [client, stream, fail]),
  };
}
