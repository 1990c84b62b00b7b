import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatPanel } from '../../src/components/ChatPanel';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import { useStreamChat } from '../../src/hooks/use-stream-chat';
import { useStreamReactions } from '../../src/hooks/use-stream-reactions';
import { useStreamViewer } from '../../src/hooks/use-stream-viewer';
import { FakeWebSocket, fakeFetch, type FakeRoute } from '../fakes';
import { chatMessage, reaction, stream } from '../sdk/recorded';

function setup(routes: FakeRoute[]) {
  const f = fakeFetch(routes);
  const nchat = createNchat({ baseUrl: 'http://srv', token: 'tok', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
  const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
  return { f, nchat, wrapper };
}

function serverSocket() {
  const ws = FakeWebSocket.last();
  if (ws.readyState !== 1) act(() => ws.accept(true));
  return ws;
}

const msg = (i: number) => ({ ...chatMessage, id: `m${i}`, content: `message ${i}` });

describe('hooks', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('useStreamReactions keeps the last 20 as recentReactions and calls onNewReaction', async () => {
    const { wrapper } = setup([{ method: 'POST', path: /reactions$/, status: 201, body: { ...reaction, id: 'mine' } }]);
    const onNew = vi.fn();
    const { result } = renderHook(() => useStreamReactions({ streamId: stream.id, onNewReaction: onNew }), { wrapper });
    const ws = serverSocket();
    act(() => {
      for (let i = 0; i < 25; i++) ws.deliver({ type: 'reaction', streamId: stream.id, data: { ...reaction, id: `r${i}` } });
    });
    expect(result.current.reactions).toHaveLength(25);
    expect(result.current.recentReactions).toHaveLength(20);
    expect(result.current.recentReactions[0]?.id).toBe('r5');
    expect(onNew).toHaveBeenCalledTimes(25);
    await act(async () => {
      await result.current.sendReaction('❤️', { x: 50, y: 0 });
    });
    expect(result.current.recentReactions.at(-1)?.id).toBe('mine');
    act(() => result.current.clearReactions());
    expect(result.current.reactions).toHaveLength(0);
  });

  it('useStreamChat loads the latest page, follows the room, and drops deleted messages', async () => {
    const { wrapper, f } = setup([
      { method: 'GET', path: /chat$/, body: [msg(1), { ...msg(2), isPinned: true }] },
      { method: 'POST', path: /chat$/, status: 201, body: msg(4) },
    ]);
    const onNew = vi.fn();
    const { result } = renderHook(() => useStreamChat({ streamId: stream.id, maxMessages: 3, onNewMessage: onNew }), { wrapper });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(result.current.pinnedMessage?.id).toBe('m2');
    const ws = serverSocket();
    expect(ws.sentOfType('subscribe')[0]).toMatchObject({ streamId: stream.id });
    act(() => ws.deliver({ type: 'chat.message', streamId: stream.id, data: msg(3) }));
    expect(onNew).toHaveBeenCalledWith(msg(3));
    await act(async () => {
      await result.current.sendMessage('hello');
    });
    // maxMessages 3: the oldest goes; the room's echo of our own message is not added twice
    act(() => ws.deliver({ type: 'chat.message', streamId: stream.id, data: msg(4) }));
    expect(result.current.messages.map((m) => m.id)).toEqual(['m2', 'm3', 'm4']);
    expect(JSON.parse(f.calls.find((c) => c.method === 'POST')?.body ?? '')).toEqual({ content: 'hello' });
    act(() => ws.deliver({ type: 'chat.deleted', streamId: stream.id, data: { messageId: 'm2', deletedBy: 'x' } }));
    expect(result.current.messages.map((m) => m.id)).toEqual(['m3', 'm4']);
    expect(result.current.pinnedMessage).toBeNull();
    act(() => ws.deliver({ type: 'chat.cleared', streamId: stream.id, data: { clearedBy: 'x', count: 2 } }));
    expect(result.current.messages).toEqual([]);
  });

  it('useStreamChat shows a refused send as its error and keeps the list', async () => {
    const { wrapper } = setup([
      { method: 'GET', path: /chat$/, body: [] },
      {
        method: 'POST',
        path: /chat$/,
        status: 429,
        body: { error: { code: 'slow_mode', message: 'slow mode' } },
        headers: { 'content-type': 'application/json', 'retry-after': '5' },
      },
    ]);
    const { result } = renderHook(() => useStreamChat({ streamId: stream.id }), { wrapper });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    await act(async () => {
      expect(await result.current.sendMessage('hi')).toBeNull();
    });
    expect(result.current.error).toMatchObject({ code: 'slow_mode', retryAfter: 5 });
  });

  it('useStreamViewer loads the stream, counts viewers and reports the end', async () => {
    let current = { ...stream, status: 'live' };
    const { wrapper } = setup([
      {
        method: 'GET',
        path: /^\/api\/streams\/[^/]+$/,
        get body() {
          return current;
        },
      },
    ]);
    const ended = vi.fn();
    const { result } = renderHook(() => useStreamViewer({ streamId: stream.id, onStreamEnded: ended }), { wrapper });
    await waitFor(() => expect(result.current.stream?.status).toBe('live'));
    const ws = serverSocket();
    act(() => ws.deliver({ type: 'viewers', streamId: stream.id, data: { count: 7 } }));
    expect(result.current.viewerCount).toBe(7);
    current = { ...stream, status: 'ended' };
    act(() => ws.deliver({ type: 'stream.status', streamId: stream.id, data: { status: 'ended' } }));
    expect(ended).toHaveBeenCalledTimes(1);
    expect(result.current.stream?.status).toBe('ended');
    expect(result.current.currentQuality).toBe('auto');
  });
});

describe('ChatPanel', () => {
  afterEach(() => cleanup());

  it('sends what the user types and clears the box; shows why chat is closed instead of the box', async () => {
    const onSend = vi.fn(async () => chatMessage);
    const { rerender } = render(<ChatPanel messages={[chatMessage]} onSend={onSend} />);
    expect(screen.getByRole('list', { name: 'Messages' }).textContent).toContain('hello');
    const box = screen.getByRole('textbox', { name: 'Chat message' });
    await userEvent.type(box, 'hi there{Enter}');
    expect(onSend).toHaveBeenCalledWith('hi there');
    expect((box as HTMLInputElement).value).toBe('');
    rerender(<ChatPanel messages={[]} onSend={onSend} closedReason="Sign in to chat." />);
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByText(/Sign in to chat/)).toBeTruthy();
  });

  it('offers moderators delete, pin, timeout and ban', async () => {
    const onDelete = vi.fn();
    const onBan = vi.fn();
    render(<ChatPanel messages={[chatMessage]} onSend={vi.fn()} canModerate onDelete={onDelete} onPin={vi.fn()} onBan={onBan} />);
    await userEvent.click(screen.getByText('⋯'));
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onDelete).toHaveBeenCalledWith(chatMessage.id);
    await userEvent.click(screen.getByRole('button', { name: 'Timeout 10 min' }));
    expect(onBan).toHaveBeenCalledWith(chatMessage.userId, 600);
  });
});
