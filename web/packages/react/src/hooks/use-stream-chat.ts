import { useCallback, useEffect, useRef, useState } from 'react';
import { toNchatError, type NchatError } from '../sdk/errors.js';
import type { ConnectionState } from '../sdk/realtime-client.js';
import type { StreamChatMessage } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useRealtimeRoom } from './use-realtime-room.js';

export interface UseStreamChatOptions {
  streamId: string;
  maxMessages?: number;
  onNewMessage?: (message: StreamChatMessage) => void;
}

export interface UseStreamChatResult {
  messages: StreamChatMessage[];
  /** Not in the spec: the stream's pinned message (one at a time). */
  pinnedMessage: StreamChatMessage | null;
  isLoading: boolean;
  isSending: boolean;
  error: NchatError | null;
  /** Not in the spec: the realtime connection's state (for a "reconnecting" notice). */
  connectionState: ConnectionState;
  sendMessage: (content: string, opts?: { isQuestion?: boolean }) => Promise<StreamChatMessage | null>;
  deleteMessage: (messageId: string) => Promise<void>;
  pinMessage: (messageId: string) => Promise<void>;
  unpinMessage: (messageId: string) => Promise<void>;
  /** Empties this client's list (nothing is deleted on the server; moderators use clearAll). */
  clear: () => void;
  /** Not in the spec: a moderator deletes every message of the stream. */
  clearAll: () => Promise<void>;
}

export function useStreamChat({ streamId, maxMessages = 100, onNewMessage }: UseStreamChatOptions): UseStreamChatResult {
  const { client } = useNchat();
  const [messages, setMessages] = useState<StreamChatMessage[]>([]);
  const [pinnedMessage, setPinned] = useState<StreamChatMessage | null>(null);
  const [isLoading, setLoading] = useState(true);
  const [isSending, setSending] = useState(false);
  const [error, setError] = useState<NchatError | null>(null);
  const onNew = useRef(onNewMessage);
  useEffect(() => {
    onNew.current = onNewMessage;
  });

  const add = useCallback(
    (m: StreamChatMessage) => {
      setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m].slice(-maxMessages)));
    },
    [maxMessages],
  );

  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setMessages([]);
    setPinned(null);
    client
      .getChat(streamId, { limit: Math.min(maxMessages, 100) }, ac.signal)
      .then((list) => {
        // Events may have arrived while loading: merge, keeping the server's order.
        setMessages((live) => {
          const ids = new Set(list.map((m) => m.id));
          return [...list, ...live.filter((m) => !ids.has(m.id))].slice(-maxMessages);
        });
        setPinned(list.find((m) => m.isPinned) ?? null);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setError(toNchatError(e));
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false);
      });
    return () => ac.abort();
  }, [client, streamId, maxMessages]);

  const connectionState = useRealtimeRoom(streamId, (e) => {
    switch (e.type) {
      case 'chat.message':
        add(e.data);
        onNew.current?.(e.data);
        break;
      case 'chat.deleted':
        setMessages((l) => l.filter((m) => m.id !== e.data.messageId));
        setPinned((p) => (p?.id === e.data.messageId ? null : p));
        break;
      case 'chat.cleared':
        setMessages([]);
        setPinned(null);
        break;
      case 'chat.pinned':
        setPinned(e.data);
        break;
      case 'chat.unpinned':
        setPinned((p) => (p?.id === e.data.messageId ? null : p));
        break;
      default:
    }
  });

  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      const r = await fn();
      setError(null);
      return r;
    } catch (e) {
      setError(toNchatError(e));
      return null;
    }
  }, []);

  const sendMessage = useCallback(
    async (content: string, opts: { isQuestion?: boolean } = {}) => {
      setSending(true);
      try {
        const m = await run(() => client.sendChat(streamId, content, opts.isQuestion ?? false));
        if (m) add(m);
        return m;
      } finally {
        setSending(false);
      }
    },
    [client, streamId, run, add],
  );

  return {
    messages,
    pinnedMessage,
    isLoading,
    isSending,
    error,
    connectionState,
    sendMessage,
    deleteMessage: useCallback(
      async (id: string) => {
        await run(() => client.deleteMessage(streamId, id));
      },
      [client, streamId, run],
    ),
    pinMessage: useCallback(
      async (id: string) => {
        const m = await run(() => client.pinMessage(streamId, id));
        if (m) setPinned(m);
      },
      [client, streamId, run],
    ),
    unpinMessage: useCallback(
      async (id: string) => {
        await run(() => client.unpinMessage(streamId, id));
      },
      [client, streamId, run],
    ),
    clear: useCallback(() => setMessages([]), []),
    clearAll: useCallback(async () => {
      await run(() => client.clearChat(streamId));
    }, [client, streamId, run]),
  };
}
