import type { ReactNode } from 'react';
import { useMediaTime } from '../hooks/use-media-time.js';
import { useReplayChat } from '../hooks/use-replay-chat.js';
import { ChatPanel } from './ChatPanel.js';

export interface ReplayChatProps {
  streamId: string;
  /** The replay's player: its `currentTime` is the recording's media time. */
  media: HTMLMediaElement | null;
  /** Most messages listed (the latest before the playhead). */
  maxMessages?: number;
  currentUserId?: string | null;
  /** A Q&A panel for the second tab, as in ChatPanel. */
  qa?: ReactNode;
}

/** A recording's chat, read-only, in step with its replay: a message appears when the video
 * reaches the moment it was sent, and a seek back takes it away again. */
export function ReplayChat({ streamId, media, maxMessages, currentUserId = null, qa }: ReplayChatProps) {
  const timeMs = useMediaTime(media);
  const chat = useReplayChat(streamId, timeMs, true, maxMessages);
  return (
    <ChatPanel
      replay
      messages={chat.messages}
      isLoading={chat.isLoading}
      error={chat.error}
      closedReason="Messages appear when the video reaches the moment they were sent."
      currentUserId={currentUserId}
      qa={qa}
    />
  );
}
