import { useMemo } from 'react';
import type { NchatError } from '../sdk/errors.js';
import { itemsAt, type FetchMediaSpan } from '../sdk/media-time-buffer.js';
import type { StreamChatMessage } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useMediaTimeItems } from './use-media-time-items.js';

export interface UseReplayChatResult {
  /** The messages said up to the playhead (`mediaMs ≤ currentTimeMs`), newest last, at most
   * `maxMessages`: a seek back shows fewer, forward more. */
  messages: StreamChatMessage[];
  /** The messages of the playhead's stretch are on their way. */
  isLoading: boolean;
  error: NchatError | null;
}

/** Not in the spec: a recording's chat in step with its replay. `currentTimeMs` is the replay
 * player's `currentTime × 1000` (the recording's media time, docs/recording.md); the chat comes
 * in windows of 2 minutes of media time (`MediaTimeBuffer`, docs/web.md "Replay chat"). Fetches
 * nothing while `enabled` is false. */
export function useReplayChat(streamId: string, currentTimeMs: number, enabled = true, maxMessages = 200): UseReplayChatResult {
  const { client } = useNchat();
  const fetchSpan = useMemo<FetchMediaSpan<StreamChatMessage> | null>(
    () => (enabled ? (span, signal) => client.getChatAt(streamId, span, signal) : null),
    [client, streamId, enabled],
  );
  const snap = useMediaTimeItems(fetchSpan, currentTimeMs);
  const messages = useMemo(() => itemsAt(snap.items, currentTimeMs, maxMessages), [snap.items, currentTimeMs, maxMessages]);
  // The playhead past what is loaded: a request is under way or about to be (a failure is the error).
  return { messages, isLoading: enabled && !snap.error && currentTimeMs >= snap.toMs, error: snap.error };
}
