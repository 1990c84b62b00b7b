// @nchat-live/react: the SDK (framework-free), the React hooks and the components.
export { NchatError } from './sdk/errors.js';
export { Emitter } from './sdk/emitter.js';
export type { NchatConfig } from './sdk/config.js';
export { websocketUrl } from './sdk/config.js';
export { NchatClient } from './sdk/rest-client.js';
export type { RequestOptions, Path, MethodOf, MediaSpan } from './sdk/rest-client.js';
export { MediaTimeBuffer, itemsAt, itemsBetween, REPLAY_WINDOW_MS } from './sdk/media-time-buffer.js';
export type {
  MediaTimed,
  FetchMediaSpan,
  MediaTimeBufferOptions,
  MediaTimeBufferEvents,
  MediaTimeSnapshot,
} from './sdk/media-time-buffer.js';
export { RealtimeClient, backoffDelay } from './sdk/realtime-client.js';
export type {
  ConnectionState,
  RoomEvent,
  RoomEvents,
  RealtimeEvents,
  RealtimeOptions,
  Identity,
  HelloData,
} from './sdk/realtime-client.js';
export { HlsPlayer, levelName } from './sdk/hls-player.js';
export type { HLSPlayerConfig, QualityLevel, PlayerStats, HlsPlayerEvents } from './sdk/hls-player.js';
export { AbrPolicy, DEFAULT_ABR_CONFIG } from './sdk/abr/abr-policy.js';
export type { ABRConfig, AbrInput } from './sdk/abr/abr-policy.js';
export { createAbrController } from './sdk/abr/abr-controller.js';
export { EwmaEstimator, SlidingWindowEstimator } from './sdk/abr/estimators.js';
export type { BandwidthEstimator } from './sdk/abr/estimators.js';
export { WhipPublisher, presetConstraints } from './sdk/whip-publisher.js';
export type { WhipPublisherOptions, OutgoingStats } from './sdk/whip-publisher.js';
export { WhepPlayer } from './sdk/whep-player.js';
export { PlaybackAccess } from './sdk/playback-access.js';
export type { PlaybackAccessOptions, PlaybackAccessEvents } from './sdk/playback-access.js';
export { withPlaybackToken, hasPlaybackToken } from './sdk/playback-url.js';
export type { WhepPlayerOptions } from './sdk/whep-player.js';
export * from './sdk/types.js';

export { NchatProvider, useNchat, createNchat } from './hooks/context.js';
export type { NchatContextValue, NchatProviderProps } from './hooks/context.js';
export { useLiveStream } from './hooks/use-live-stream.js';
export type { UseLiveStreamOptions, UseLiveStreamResult, StreamWarning } from './hooks/use-live-stream.js';
export { useStreamViewer } from './hooks/use-stream-viewer.js';
export type { UseStreamViewerOptions, UseStreamViewerResult } from './hooks/use-stream-viewer.js';
export { useStreamChat } from './hooks/use-stream-chat.js';
export type { UseStreamChatOptions, UseStreamChatResult } from './hooks/use-stream-chat.js';
export { useStreamReactions, RECENT_REACTIONS } from './hooks/use-stream-reactions.js';
export type { UseStreamReactionsOptions, UseStreamReactionsResult } from './hooks/use-stream-reactions.js';
export { useIdentity, useAuthState } from './hooks/use-identity.js';
export type { AuthState } from './hooks/use-identity.js';
export { useStreamQuestions } from './hooks/use-stream-questions.js';
export type { UseStreamQuestionsResult } from './hooks/use-stream-questions.js';
export { useRealtimeRoom } from './hooks/use-realtime-room.js';
export { useServerFeatures, DEFAULT_SERVER_FEATURES } from './hooks/use-server-features.js';
export type { UseServerFeaturesResult } from './hooks/use-server-features.js';
export { useReplayChat } from './hooks/use-replay-chat.js';
export type { UseReplayChatResult } from './hooks/use-replay-chat.js';
export { useReplayReactions, REPLAY_REACTION_MS } from './hooks/use-replay-reactions.js';
export { useMediaTime } from './hooks/use-media-time.js';
export { useMediaTimeItems } from './hooks/use-media-time-items.js';
export { useHoverPreview } from './hooks/use-hover-preview.js';
export { usePlaybackAccess } from './hooks/use-playback-access.js';
export type { UsePlaybackAccessResult } from './hooks/use-playback-access.js';
export type { UseHoverPreviewResult } from './hooks/use-hover-preview.js';

export { StreamViewer } from './components/StreamViewer.js';
export { StreamBroadcaster } from './components/StreamBroadcaster.js';
export { StreamPreview } from './components/StreamPreview.js';
export type { StreamPreviewProps } from './components/StreamPreview.js';
export { ChatPanel, chatPanelProps } from './components/ChatPanel.js';
export { ReplayChat } from './components/ReplayChat.js';
export type { ReplayChatProps } from './components/ReplayChat.js';
export { ReplayReactions } from './components/ReplayReactions.js';
export type { ReplayReactionsProps } from './components/ReplayReactions.js';
export { GuestNameForm, GUEST_NAME_MAX } from './components/GuestNameForm.js';
export type { GuestNameFormProps } from './components/GuestNameForm.js';
export { QaPanel } from './components/QaPanel.js';
export { ReactionBar, DEFAULT_REACTIONS } from './components/ReactionBar.js';
export { FloatingReactions } from './components/FloatingReactions.js';
export { QualityMenu } from './components/QualityMenu.js';
export { LiveBadge } from './components/LiveBadge.js';
export { ViewerCount } from './components/ViewerCount.js';
export { CreateStreamForm } from './components/CreateStreamForm.js';
export { IngestPanel } from './components/IngestPanel.js';
export { AudioLevelMeter } from './components/AudioLevelMeter.js';
export { StreamHealthPanel } from './components/StreamHealthPanel.js';
export { formatDuration, formatBitrate, formatCount, formatDateTime } from './components/format.js';
