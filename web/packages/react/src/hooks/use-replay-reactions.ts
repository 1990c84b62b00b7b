import { useMemo } from 'react';
import { itemsBetween, type FetchMediaSpan } from '../sdk/media-time-buffer.js';
import type { StreamReaction } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useMediaTimeItems } from './use-media-time-items.js';

/** How long a replayed reaction stays among the recent ones: its float up (styles.css, 3 s). */
export const REPLAY_REACTION_MS = 3000;

/** Not in the spec: a recording's reactions in step with its replay, as `useReplayChat` does the
 * chat: those sent in the 3 s of media time up to the playhead, oldest first (for
 * `FloatingReactions`). */
export function useReplayReactions(streamId: string, currentTimeMs: number, enabled = true): StreamReaction[] {
  const { client } = useNchat();
  const fetchSpan = useMemo<FetchMediaSpan<StreamReaction> | null>(
    () => (enabled ? (span, signal) => client.getReactionsAt(streamId, span, signal) : null),
    [client, streamId, enabled],
  );
  const snap = useMediaTimeItems(fetchSpan, currentTimeMs);
  return useMemo(() => itemsBetween(snap.items, currentTimeMs - REPLAY_REACTION_MS, currentTimeMs), [snap.items, currentTimeMs]);
}
