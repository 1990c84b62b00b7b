import { useMediaTime } from '../hooks/use-media-time.js';
import { useReplayReactions } from '../hooks/use-replay-reactions.js';
import { FloatingReactions } from './FloatingReactions.js';

export interface ReplayReactionsProps {
  streamId: string;
  /** The replay's player: its `currentTime` is the recording's media time. */
  media: HTMLMediaElement | null;
}

/** The reactions of a recording floating up over its replay when the video reaches them. */
export function ReplayReactions({ streamId, media }: ReplayReactionsProps) {
  const reactions = useReplayReactions(streamId, useMediaTime(media));
  return <FloatingReactions reactions={reactions} />;
}
