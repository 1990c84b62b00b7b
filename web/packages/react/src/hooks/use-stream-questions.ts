import { useCallback, useEffect, useState } from 'react';
import { toNchatError, type NchatError } from '../sdk/errors.js';
import type { Question } from '../sdk/types.js';
import { useNchat } from './context.js';
import { useRealtimeRoom } from './use-realtime-room.js';

export interface UseStreamQuestionsResult {
  /** Open questions first, by votes then age; then answered and dismissed ones. */
  questions: Question[];
  isLoading: boolean;
  error: NchatError | null;
  ask: (content: string) => Promise<boolean>;
  vote: (questionId: string, up?: boolean) => Promise<void>;
  /** Moderators: answered, dismissed, or open again. */
  setStatus: (questionId: string, status: Question['status']) => Promise<void>;
}

const order: Record<Question['status'], number> = { open: 0, answered: 1, dismissed: 2 };
function sorted(list: Question[]): Question[] {
  return [...list].sort((a, b) => order[a.status] - order[b.status] || b.votes - a.votes || a.createdAt.localeCompare(b.createdAt));
}

/** Not in the spec: the Q&A of a stream with `enableQa` (docs/chat.md, Q&A). */
export function useStreamQuestions({ streamId, enabled = true }: { streamId: string; enabled?: boolean }): UseStreamQuestionsResult {
  const { client } = useNchat();
  const [questions, setQuestions] = useState<Question[]>([]);
  const [isLoading, setLoading] = useState(enabled);
  const [error, setError] = useState<NchatError | null>(null);

  const reload = useCallback(async () => {
    try {
      setQuestions(sorted(await client.getQuestions(streamId, { limit: 100 })));
      setError(null);
    } catch (e) {
      setError(toNchatError(e));
    } finally {
      setLoading(false);
    }
  }, [client, streamId]);

  useEffect(() => {
    if (enabled) void reload();
  }, [enabled, reload]);

  useRealtimeRoom(enabled ? streamId : null, (e) => {
    // A new question arrives as its chat message: the list (with votes) comes from the server.
    if (e.type === 'qa.question') void reload();
    if (e.type === 'qa.updated') {
      setQuestions((l) => sorted(l.map((q) => (q.id === e.data.id ? { ...e.data, hasVoted: q.hasVoted } : q))));
    }
  });

  const guard = useCallback(async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
      return true;
    } catch (e) {
      setError(toNchatError(e));
      return false;
    }
  }, []);

  return {
    questions,
    isLoading,
    error,
    ask: useCallback((content: string) => guard(() => client.sendChat(streamId, content, true)), [client, streamId, guard]),
    vote: useCallback(
      async (questionId: string, up = true) => {
        await guard(async () => {
          const q = await client.voteQuestion(streamId, questionId, up);
          setQuestions((l) => sorted(l.map((x) => (x.id === q.id ? q : x))));
        });
      },
      [client, streamId, guard],
    ),
    setStatus: useCallback(
      async (questionId: string, status: Question['status']) => {
        await guard(async () => {
          const q = await client.updateQuestion(streamId, questionId, status);
          setQuestions((l) => sorted(l.map((x) => (x.id === q.id ? q : x))));
        });
      },
      [client, streamId, guard],
    ),
  };
}
