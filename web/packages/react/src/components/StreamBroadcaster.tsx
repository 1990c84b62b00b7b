import { useEffect, useId, useRef } from 'react';
import { HlsPlayer } from '../sdk/hls-player.js';
import { useNchat } from '../hooks/context.js';
import { useLiveStream } from '../hooks/use-live-stream.js';
import { usePlaybackAccess } from '../hooks/use-playback-access.js';
import { useServerFeatures } from '../hooks/use-server-features.js';
import type { QualityPreset, Stream } from '../sdk/types.js';
import { AudioLevelMeter } from './AudioLevelMeter.js';
import { CreateStreamForm } from './CreateStreamForm.js';
import { formatBitrate, formatDuration } from './format.js';
import { IngestPanel } from './IngestPanel.js';
import { LiveBadge } from './LiveBadge.js';
import { ViewerCount } from './ViewerCount.js';

export interface StreamBroadcasterProps {
  channelId: string;
  /** Manage an existing stream instead of showing the create form. */
  streamId?: string;
  onStreamCreated?: (stream: Stream) => void;
  onStreamEnded?: () => void;
}

const PRESETS: QualityPreset[] = ['1080p', '720p', '480p', '360p'];

/** What viewers see, muted: the broadcaster's check that OBS's stream arrives. A private
 * stream's output plays with a playback token, as a viewer's does. */
function LivePreview({ stream }: { stream: Stream }) {
  const { client } = useNchat();
  const ref = useRef<HTMLVideoElement>(null);
  const pb = usePlaybackAccess(stream.id, !!stream.isPrivate);
  const { access } = pb;
  let manifestUrl: string | null = null;
  if (pb.ready) manifestUrl = pb.initial ? client.playbackManifestUrl(stream, pb.initial) : client.manifestUrl(stream);
  useEffect(() => {
    const video = ref.current;
    if (!video || !manifestUrl) return;
    video.muted = true;
    const token = access?.current?.token;
    const p = new HlsPlayer({ manifestUrl, videoElement: video, lowLatencyMode: true, ...(token ? { playbackToken: token } : {}) });
    const off = access?.on('token', (t) => p.setPlaybackToken(t.token));
    void p.load();
    return () => {
      off?.();
      p.destroy();
    };
  }, [manifestUrl, access]);
  return (
    <>
      <video ref={ref} className="ncl-stage__video" muted playsInline aria-label="Live output preview (muted)" />
      {pb.error ? (
        <div className="ncl-stage__overlay">
          <p role="alert">Cannot play the live output: {pb.error.message}</p>
        </div>
      ) : null}
    </>
  );
}

export function StreamBroadcaster({ channelId, streamId, onStreamCreated, onStreamEnded }: StreamBroadcasterProps) {
  const live = useLiveStream({
    ...(streamId ? { streamId } : {}),
    ...(onStreamCreated ? { onStreamCreated } : {}),
    onStreamEnded: () => onStreamEnded?.(),
  });
  const { client } = useNchat();
  const { features } = useServerFeatures();
  const id = useId();
  const preview = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = live.localStream;
  }, [live.localStream]);

  // The server's limits (GET /api/config): what it does not allow is not offered.
  const maxDuration =
    features.maxStreamDuration > 0 ? <p className="ncl-muted">Streams end after {features.maxStreamDuration} minutes.</p> : null;
  const liveOff = features.liveStreaming ? null : <p role="note">Going live is turned off on this server.</p>;

  const s = live.stream;
  if (!s) {
    return (
      <div className="ncl-broadcaster">
        {liveOff}
        {maxDuration}
        {streamId ? (
          <p>Loading…</p>
        ) : (
          <CreateStreamForm channelId={channelId} busy={live.isCreating} onSubmit={(input) => void live.createStream(input)} />
        )}
        {live.error ? (
          <p className="ncl-error" role="alert">
            {live.error.message}
          </p>
        ) : null}
      </div>
    );
  }
  const isLive = s.status === 'live';
  const finished = s.status === 'ended' || s.status === 'cancelled';
  const manifest = isLive ? client.manifestUrl(s) : null;
  const browserControls = features.liveStreaming && !finished && (!isLive || !!live.localStream);
  const camera = live.localStream?.getVideoTracks()[0]?.getSettings().deviceId ?? '';
  const mic = live.localStream?.getAudioTracks()[0]?.getSettings().deviceId ?? '';

  return (
    <div className="ncl-broadcaster">
      <div className="ncl-broadcaster__status" role="status">
        <LiveBadge live={isLive} label={s.status.toUpperCase()} />
        {isLive ? <span>{formatDuration(live.duration)}</span> : null}
        <ViewerCount count={live.viewerCount} />
        {live.connectionState !== 'idle' ? <span className="ncl-muted">Browser connection: {live.connectionState}</span> : null}
        {live.qualityMetrics ? (
          <span className="ncl-muted">
            {formatBitrate(live.qualityMetrics.bitrate)} · {Math.round(live.qualityMetrics.fps)} fps
          </span>
        ) : null}
      </div>
      {!finished ? maxDuration : null}
      {live.warning && !finished ? (
        <p className="ncl-banner" role="alert">
          {live.warning.message}
        </p>
      ) : null}
      {live.error ? (
        <p className="ncl-error" role="alert">
          {live.error.message}
        </p>
      ) : null}
      <div className="ncl-broadcaster__grid">
        <div className="ncl-broadcaster__preview">
          <div className="ncl-stage">
            {isLive && !live.localStream && manifest ? (
              <LivePreview stream={s} />
            ) : (
              <video ref={preview} className="ncl-stage__video" muted playsInline autoPlay aria-label="Camera preview" />
            )}
            {features.liveStreaming && !live.localStream && !(isLive && manifest) ? (
              <div className="ncl-stage__overlay">
                <button type="button" className="ncl-button" onClick={() => void live.startPreview()} disabled={finished}>
                  Turn on camera
                </button>
              </div>
            ) : null}
          </div>
          {/* Camera controls while preparing or publishing from this browser; an OBS stream needs none. */}
          {browserControls ? (
            <>
              <div className="ncl-controls" role="toolbar" aria-label="Broadcast controls">
                <button
                  type="button"
                  className="ncl-icon-button"
                  aria-pressed={!live.isVideoEnabled}
                  onClick={live.toggleVideo}
                  disabled={!live.localStream}
                >
                  {live.isVideoEnabled ? 'Camera off' : 'Camera on'}
                </button>
                <button
                  type="button"
                  className="ncl-icon-button"
                  aria-pressed={!live.isAudioEnabled}
                  onClick={live.toggleAudio}
                  disabled={!live.localStream}
                >
                  {live.isAudioEnabled ? 'Mute mic' : 'Unmute mic'}
                </button>
                <button type="button" className="ncl-icon-button" onClick={() => void live.shareScreen()} disabled={!live.localStream}>
                  Share screen
                </button>
                <AudioLevelMeter stream={live.localStream} />
              </div>
              <div className="ncl-form__row">
                <div className="ncl-field">
                  <label htmlFor={`${id}-cam`}>Camera</label>
                  <select
                    id={`${id}-cam`}
                    value={camera}
                    onChange={(e) => void live.switchCamera(e.target.value)}
                    disabled={!live.availableCameras.length}
                  >
                    {live.availableCameras.map((d, i) => (
                      <option key={d.deviceId || i} value={d.deviceId}>
                        {d.label || `Camera ${i + 1}`}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="ncl-field">
                  <label htmlFor={`${id}-mic`}>Microphone</label>
                  <select
                    id={`${id}-mic`}
                    value={mic}
                    onChange={(e) => void live.switchMicrophone(e.target.value)}
                    disabled={!live.availableMicrophones.length}
                  >
                    {live.availableMicrophones.map((d, i) => (
                      <option key={d.deviceId || i} value={d.deviceId}>
                        {d.label || `Microphone ${i + 1}`}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="ncl-field">
                  <label htmlFor={`${id}-q`}>Quality</label>
                  <select id={`${id}-q`} value={live.quality} onChange={(e) => void live.changeQuality(e.target.value as QualityPreset)}>
                    {PRESETS.map((p) => (
                      <option key={p}>{p}</option>
                    ))}
                  </select>
                </div>
              </div>
            </>
          ) : null}
          <div className="ncl-broadcaster__actions">
            {!finished && !isLive ? liveOff : null}
            {features.liveStreaming && !finished && !isLive && !live.isBroadcasting ? (
              <button
                type="button"
                className="ncl-button ncl-button--primary"
                onClick={() => void live.startBroadcast(live.quality)}
                disabled={live.isStarting}
              >
                {live.isStarting ? 'Connecting…' : 'Go live from this browser'}
              </button>
            ) : null}
            {!finished ? (
              <button
                type="button"
                className="ncl-button ncl-button--danger"
                onClick={() => void live.endStream()}
                disabled={live.isEnding}
              >
                {isLive ? 'End stream' : 'Cancel stream'}
              </button>
            ) : (
              <p>This stream has {s.status}.</p>
            )}
          </div>
        </div>
        <div className="ncl-broadcaster__side">
          <p className="ncl-share">
            Share: <a href={`/watch/${s.id}`}>{`${client.baseUrl}/watch/${s.id}`}</a>
          </p>
          {features.liveStreaming && !finished ? (
            <IngestPanel
              ingestUrl={client.ingestUrl(s)}
              streamKey={live.streamKey ?? undefined}
              onRegenerate={() => void live.regenerateKey()}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
