import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { ABRConfig } from '../sdk/abr/abr-policy.js';
import { toNchatError } from '../sdk/errors.js';
import { useNchat } from '../hooks/context.js';
import { useAuthState } from '../hooks/use-identity.js';
import { useStreamChat } from '../hooks/use-stream-chat.js';
import { useStreamQuestions } from '../hooks/use-stream-questions.js';
import { useStreamReactions } from '../hooks/use-stream-reactions.js';
import { useServerFeatures } from '../hooks/use-server-features.js';
import { useStreamViewer } from '../hooks/use-stream-viewer.js';
import { ChatPanel, chatPanelProps } from './ChatPanel.js';
import { FloatingReactions } from './FloatingReactions.js';
import { formatDateTime } from './format.js';
import { GuestNameForm } from './GuestNameForm.js';
import { LiveBadge } from './LiveBadge.js';
import { QaPanel } from './QaPanel.js';
import { QualityMenu } from './QualityMenu.js';
import { ReactionBar } from './ReactionBar.js';
import { ReplayChat } from './ReplayChat.js';
import { ReplayReactions } from './ReplayReactions.js';
import { ViewerCount } from './ViewerCount.js';

export interface StreamViewerProps {
  streamId: string;
  onStreamEnded?: () => void;
  lowLatencyMode?: boolean;
  abr?: Partial<ABRConfig> | false;
  /** Shown where chat asks a signed-out viewer to sign in (e.g. a link to the sign-in page). */
  signInAction?: ReactNode;
  /** Offers a viewer with no identity a guest name ("Pick a name to chat") in the chat panel:
   * called with the name typed, it takes a guest token (`NchatClient.createGuest`), keeps it
   * where the client's `token` finds it and calls `realtime.authenticate()`; it resolves once
   * the viewer can chat and rejects with the server's error, which the form shows. */
  onPickGuestName?: (displayName: string) => Promise<unknown>;
  /** Hides the chat column (the player and reactions stay). */
  hideChat?: boolean;
}

export function StreamViewer({
  streamId,
  onStreamEnded,
  lowLatencyMode = true,
  abr,
  signInAction,
  onPickGuestName,
  hideChat,
}: StreamViewerProps) {
  const viewer = useStreamViewer({
    streamId,
    lowLatencyMode,
    ...(abr !== undefined ? { abr } : {}),
    ...(onStreamEnded ? { onStreamEnded } : {}),
  });
  const chat = useStreamChat({ streamId });
  const reactions = useStreamReactions({ streamId });
  const qa = useStreamQuestions({ streamId, enabled: !!viewer.stream?.enableQa });
  const { realtime } = useNchat();
  const { features } = useServerFeatures();
  // Off on the server (GET /api/config): no chat column and no reactions, whatever the stream says.
  const serverChatOff = !features.streamChat;
  const noChat = hideChat || serverChatOff;
  const reactionsOn = features.streamReactions && viewer.stream?.enableReactions !== false;
  const auth = useAuthState();
  const me = auth.identity;
  const stageRef = useRef<HTMLDivElement>(null);
  const videoEl = useRef<HTMLVideoElement | null>(null);
  // The element itself for what follows a replay's time (its chat and reactions).
  const [videoNode, setVideoNode] = useState<HTMLVideoElement | null>(null);
  const [volumeOpen, setVolumeOpen] = useState(false);
  const { stream } = viewer;
  const setVideo = viewer.videoRef;
  const videoRef = useCallback(
    (el: HTMLVideoElement | null) => {
      videoEl.current = el;
      setVideoNode(el);
      setVideo(el);
    },
    [setVideo],
  );

  const isModerator = !!me && !!stream && (me.role === 'admin' || me.role === 'moderator' || me.userId === stream.broadcasterId);
  const ended = stream?.status === 'ended' || stream?.status === 'cancelled';
  let closedReason: string | null = null;
  if (!stream?.enableChat) closedReason = 'Chat is off for this stream.';
  else if (ended) closedReason = 'The stream has ended; chat is closed.';
  else if (!me) closedReason = auth.state === 'checking' ? 'Signing in…' : 'Sign in to chat.';
  const chatOpen = !!stream?.enableChat && !ended;
  const offerGuestName = !me && !!onPickGuestName && chatOpen && auth.state !== 'checking';
  // Only trying tells whether the server takes guests (403 guests_disabled); then reacting, too,
  // needs a sign-in.
  const [guestsOff, setGuestsOff] = useState(false);
  const pickGuestName = async (displayName: string) => {
    try {
      await onPickGuestName?.(displayName);
    } catch (e) {
      if (toNchatError(e).code === 'guests_disabled') setGuestsOff(true);
      throw e;
    }
  };

  const react = (emoji: string) => {
    void reactions.sendReaction(emoji, { x: 10 + Math.random() * 80, y: 0 });
  };

  // Access to a private stream revoked: nothing plays any more, so no player controls.
  const noAccess = viewer.error?.code === 'no_access';
  let overlay: ReactNode = null;
  if (viewer.isLoading || viewer.isCheckingReplay) overlay = <p>Loading…</p>;
  else if (viewer.error && !stream)
    overlay = (
      <p role="alert">
        {viewer.error.code === 'not_found'
          ? 'This stream does not exist, or it is private.'
          : `Cannot load the stream: ${viewer.error.message}`}
      </p>
    );
  else if (noAccess) overlay = <p role="alert">You no longer have access to this stream.</p>;
  else if (stream?.status === 'scheduled') overlay = <p>Starts {formatDateTime(stream.scheduledAt)}. Chat is open while you wait.</p>;
  else if (stream?.status === 'preparing') overlay = <p>The stream has not started yet. It will play here as soon as it goes live.</p>;
  else if (ended && !viewer.isReplay) overlay = <p>The stream has ended.</p>;
  else if (viewer.isReconnecting) overlay = <p role="status">Reconnecting…</p>;
  else if (viewer.error) overlay = <p role="alert">Playback failed: {viewer.error.message}</p>;
  else if (viewer.isBuffering && !viewer.isPlaying) overlay = <p role="status">Buffering…</p>;

  const qaPanel = stream?.enableQa ? (
    <QaPanel
      questions={qa.questions}
      error={qa.error}
      canAsk={!!me && !ended}
      canModerate={isModerator}
      onAsk={qa.ask}
      onVote={(id, up) => void qa.vote(id, up)}
      onSetStatus={(id, st) => void qa.setStatus(id, st)}
    />
  ) : undefined;

  const latency = viewer.latency;
  const behind = latency != null && latency > 4;
  // Until the stream is known only the stage shows: what goes around it (badges, controls, title,
  // reactions, chat) depends on the stream and appears at once, instead of pushing the chat down
  // piece by piece (Lighthouse's layout shift on phones). A stream not found (or private to
  // others) shows only the stage and its message: no empty badge, count or chat of nothing.
  // The same for an ended stream until it is known whether its recording plays (its chat then
  // follows the replay instead of listing the end of the stream's).
  const pending = !stream || viewer.isCheckingReplay;

  return (
    <div className={`ncl-viewer${noChat ? ' ncl-viewer--no-chat' : ''}`}>
      <div className="ncl-viewer__main">
        <div className="ncl-stage" ref={stageRef}>
          {/* A replay is seekable: the browser's own controls give it a timeline. */}
          <video
            ref={videoRef}
            className="ncl-stage__video"
            playsInline
            controls={viewer.isReplay}
            aria-label={stream ? `${viewer.isReplay ? 'Replay' : 'Video'}: ${stream.title}` : 'Video'}
          />
          {overlay ? <div className="ncl-stage__overlay">{overlay}</div> : null}
          {!reactionsOn ? null : viewer.isReplay ? (
            <ReplayReactions streamId={streamId} media={videoNode} />
          ) : (
            <FloatingReactions reactions={reactions.recentReactions} />
          )}
          {pending ? null : (
            <div className="ncl-stage__top">
              <LiveBadge
                live={stream?.status === 'live'}
                label={stream?.status === 'live' ? 'LIVE' : viewer.isReplay ? 'REPLAY' : (stream?.status?.toUpperCase() ?? '')}
              />
              <ViewerCount count={viewer.viewerCount} />
            </div>
          )}
        </div>
        {/* Player controls only while there is something to play. */}
        <div className="ncl-controls" role="toolbar" aria-label="Player controls" hidden={stream?.status !== 'live' || noAccess}>
          <button
            type="button"
            className="ncl-icon-button"
            onClick={() => (viewer.isPlaying ? viewer.pause() : void viewer.play())}
            disabled={stream?.status !== 'live'}
          >
            {viewer.isPlaying ? 'Pause' : 'Play'}
          </button>
          <button type="button" className="ncl-icon-button" aria-pressed={viewer.isMuted} onClick={() => viewer.setMuted(!viewer.isMuted)}>
            {viewer.isMuted ? 'Unmute' : 'Mute'}
          </button>
          <button
            type="button"
            className="ncl-icon-button ncl-hide-narrow"
            aria-expanded={volumeOpen}
            onClick={() => setVolumeOpen((v) => !v)}
          >
            Volume
          </button>
          {volumeOpen ? (
            <label className="ncl-volume">
              <span className="ncl-visually-hidden">Volume</span>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={viewer.isMuted ? 0 : viewer.volume}
                onChange={(e) => viewer.setVolume(Number(e.target.value))}
              />
            </label>
          ) : null}
          <span className="ncl-controls__spacer" />
          {stream?.status === 'live' ? (
            <button
              type="button"
              className={`ncl-live-button${behind ? '' : ' ncl-live-button--at-live'}`}
              onClick={viewer.goToLive}
              title="Go to live"
            >
              {behind ? `${latency.toFixed(1)} s behind · Go to live` : latency != null ? `Live · ${latency.toFixed(1)} s` : 'Live'}
            </button>
          ) : null}
          <button
            type="button"
            className="ncl-icon-button ncl-toggle"
            aria-pressed={viewer.playback === 'webrtc'}
            aria-label="Low latency (WebRTC)"
            title="Plays over WebRTC, closer to live than the normal stream (HLS)"
            onClick={() => viewer.setWebRtc(viewer.playback !== 'webrtc')}
          >
            Low latency
          </button>
          {viewer.playback === 'hls' ? (
            <QualityMenu
              value={viewer.currentQuality}
              levels={viewer.availableLevels}
              playing={viewer.playingLevel}
              onChange={viewer.setQuality}
            />
          ) : null}
          <button
            type="button"
            className="ncl-icon-button ncl-hide-narrow"
            onClick={() => void videoEl.current?.requestPictureInPicture?.().catch(() => undefined)}
            disabled={!viewer.isPlaying}
          >
            PiP
          </button>
          <button
            type="button"
            className="ncl-icon-button"
            onClick={() => {
              if (document.fullscreenElement) void document.exitFullscreen();
              else void stageRef.current?.requestFullscreen?.().catch(() => undefined);
            }}
          >
            Fullscreen
          </button>
        </div>
        {viewer.webrtcError && stream?.status === 'live' ? (
          <p className="ncl-muted ncl-viewer__note" role="status">
            Low latency is not available now ({viewer.webrtcError.message}); playing the normal stream.
          </p>
        ) : null}
        {stream ? (
          <div className="ncl-viewer__info">
            <h1 className="ncl-viewer__title">{stream.title}</h1>
            {stream.description ? <p className="ncl-viewer__description">{stream.description}</p> : null}
          </div>
        ) : null}
        {serverChatOff && !hideChat && !pending ? <p className="ncl-muted ncl-viewer__note">Chat is turned off on this server.</p> : null}
        {reactionsOn && stream?.enableReactions && !ended && !noAccess ? (
          <div className="ncl-viewer__reactions">
            <ReactionBar disabled={!me || reactions.isSending} onReact={react} />
            {!me ? (
              <span className="ncl-muted">
                {offerGuestName && !noChat && !guestsOff ? 'Pick a name in the chat to react.' : 'Sign in to react.'}
              </span>
            ) : null}
            {reactions.error ? (
              <span className="ncl-error" role="alert">
                {reactions.error.message}
              </span>
            ) : null}
          </div>
        ) : null}
      </div>
      {/* Access revoked: the server has closed this user's room too; nothing to show in it. */}
      {noChat || pending || noAccess ? null : viewer.isReplay ? (
        <ReplayChat streamId={streamId} media={videoNode} currentUserId={me?.userId ?? null} qa={qaPanel} />
      ) : (
        <ChatPanel
          {...chatPanelProps(chat, realtime, streamId)}
          closedReason={closedReason}
          closedAction={!me && chatOpen && auth.state !== 'checking' ? signInAction : null}
          guestForm={offerGuestName ? <GuestNameForm onSubmit={pickGuestName} signInAction={signInAction} /> : null}
          canModerate={isModerator}
          currentUserId={me?.userId ?? null}
          qa={qaPanel}
        />
      )}
    </div>
  );
}
