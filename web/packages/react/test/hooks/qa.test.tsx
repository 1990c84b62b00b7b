import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QaPanel } from '../../src/components/QaPanel';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import { useStreamQuestions } from '../../src/hooks/use-stream-questions';
import type { Question } from '../../src/sdk/types';
import { FakeWebSocket, fakeFetch } from '../fakes';
import { chatMessage, stream } from '../sdk/recorded';

const q = (id: string, votes: number, status: Question['status'] = 'open'): Question => ({
  id,
  streamId: stream.id,
  userId: 'u',
  userName: 'alice',
  content: `question ${id}`,
  status,
  votes,
  hasVoted: false,
  createdAt: `2026-12-03T00:00:0${votes}.000Z`,
  answeredAt: null,
});

describe('Q&A', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('useStreamQuestions orders open questions by votes, reloads on a new one, and applies updates', async () => {
    let list = [q('a', 1), q('b', 5), q('c', 9, 'answered')];
    const f = fakeFetch([
      {
        method: 'GET',
        path: /questions$/,
        get body() {
          return list;
        },
      },
      { method: 'POST', path: /\/vote$/, body: { ...q('a', 6), hasVoted: true } },
    ]);
    const nchat = createNchat({ baseUrl: 'http://srv', token: 't', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
    const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
    const { result } = renderHook(() => useStreamQuestions({ streamId: stream.id }), { wrapper });
    await waitFor(() => expect(result.current.questions.map((x) => x.id)).toEqual(['b', 'a', 'c']));
    await act(async () => {
      await result.current.vote('a');
    });
    expect(result.current.questions.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    list = [...list, q('d', 0)];
    const ws = FakeWebSocket.last();
    act(() => ws.accept(true));
    act(() => ws.deliver({ type: 'qa.question', streamId: stream.id, data: { ...chatMessage, id: 'd', isQuestion: true } }));
    await waitFor(() => expect(result.current.questions.some((x) => x.id === 'd')).toBe(true));
  });

  it('QaPanel lets a viewer vote and ask, and a moderator mark a question answered', async () => {
    const onVote = vi.fn();
    const onAsk = vi.fn(async () => true);
    const onSetStatus = vi.fn();
    render(<QaPanel questions={[q('a', 3)]} canAsk canModerate onAsk={onAsk} onVote={onVote} onSetStatus={onSetStatus} />);
    await userEvent.click(screen.getByRole('button', { name: /Vote for the question from alice \(3 votes\)/ }));
    expect(onVote).toHaveBeenCalledWith('a', true);
    await userEvent.type(screen.getByRole('textbox', { name: 'Your question' }), 'Why LL-HLS?{Enter}');
    expect(onAsk).toHaveBeenCalledWith('Why LL-HLS?');
    await userEvent.click(screen.getByRole('button', { name: 'Answered' }));
    expect(onSetStatus).toHaveBeenCalledWith('a', 'answered');
  });
});
