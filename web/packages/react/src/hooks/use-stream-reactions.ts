import { useCallback, useEffect, useRef, useState } from 'react';
import { toNchatError, type NchatError } from '../sdk/errors.js';
import type { StreamReaction } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useRealtimeRoom } from './use-realtime-room.js';

export interface UseStreamReactionsOptions {
  streamId: string;
  onNewReaction?: (reaction: StreamReaction) => void;
  /** Not in the spec: how many reactions `reactions` keeps (default 500). */
  maxReactions?: number;
}

export interface UseStreamReactionsResult {
  reactions: StreamReaction[];
  /** The last 20, for the floating animation. */
  recentReactions: StreamReaction[];
  isSending: boolean;
  error: NchatError | null;
  sendReaction: (emoji: string, position?: { x?: number; y?: number }) => Promise<StreamReaction | null>;
  clearReactions: () => void;
}

export const RECENT_REACTIONS = 20;

export function useStreamReactions({ streamId, onNewReaction, maxReactions = 500 }: UseStreamReactionsOptions): UseStreamReactionsResult {
  const { client } = useNchat();
  const [reactions, setReactions] = useState<StreamReaction[]>([]);
  const [isSending, setSending] = useState(false);
  const [error, setError] = useState<NchatError | null>(null);
  const onNew = useRef(onNewReaction);
  useEffect(() => {
    onNew.current = onNewReaction;
  });
  useEffect(() => setReactions([]), [streamId]);

  const add = useCallback(
    (r: StreamReaction) => setReactions((l) => (l.some((x) => x.id === r.id) ? l : [...l, r].slice(-maxReactions))),
    [maxReactions],
  );

  useRealtimeRoom(streamId, (e) => {
    if (e.type !== 'reaction') return;
    add(e.data);
    onNew.current?.(e.data);
  });

  const sendReaction = useCallback(
    async (emoji: string, position?: { x?: number; y?: number }) => {
      setSending(true);
      try {
        const r = await client.sendReaction(streamId, emoji, position);
        add(r);
        setError(null);
        return r;
      } catch (e) {
        setError(toNchatError(e));
        return null;
      } finally {
        setSending(false);
      }
    },
    [client, streamId, add],
  );

  return {
    reactions,
    recentReactions: reactions.slice(-RECENT_REACTIONS),
    isSending,
    error,
    sendReaction,
    clearReactions: useCallback(() => setReactions([]), []),
  };
}
