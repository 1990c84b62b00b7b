import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, RealtimeClient, type RoomEvent } from '../../src/sdk/realtime-client';
import { FakeWebSocket } from '../fakes';
import { chatMessage, stream } from './recorded';

function client(token: string | null = null) {
  return new RealtimeClient({
    url: 'ws://srv/api/realtime',
    token,
    WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    random: () => 1,
    backoff: { initialMs: 100, maxMs: 1000, factor: 2 },
  });
}

describe('RealtimeClient', () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('signs an anonymous connection in on the spot when the token comes later (a guest name), staying in its rooms', async () => {
    let token: string | null = null;
    const rt = new RealtimeClient({
      url: 'ws://srv/api/realtime',
      token: () => token,
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    });
    rt.subscribe(stream.id);
    const ws = FakeWebSocket.last();
    ws.accept();
    expect(await rt.authenticate()).toBeNull(); // no token yet: nothing to do
    expect(ws.sent.map((m) => m.type)).toEqual(['subscribe']);
    token = 'ncg_guest';
    const answer = rt.authenticate();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(ws.sent.map((m) => m.type)).toEqual(['subscribe', 'auth']);
    expect(ws.sent[1]).toMatchObject({ token: 'ncg_guest' });
    ws.deliver({ type: 'ack', id: ws.sent[1]?.id, for: 'auth', data: { userId: 'g1', name: 'Zoë', role: 'viewer' } });
    expect(await answer).toEqual({ userId: 'g1', name: 'Zoë', role: 'viewer' });
    expect(rt.identity?.name).toBe('Zoë');
    expect(await rt.authenticate()).toEqual(rt.identity); // the same token again: no new auth
    expect(ws.sentOfType('auth')).toHaveLength(1);
  });

  it('reconnects at once to sign in with a different token, and resolves null when the server refuses it', async () => {
    let token = 'ncl_a';
    const rt = new RealtimeClient({
      url: 'ws://srv/api/realtime',
      token: () => token,
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
    });
    rt.subscribe(stream.id);
    const first = FakeWebSocket.last();
    first.accept();
    first.deliver({ type: 'ack', id: first.sent[0]?.id, for: 'auth', data: { userId: 'u1', name: 'alice', role: 'viewer' } });
    token = 'ncg_b';
    const answer = rt.authenticate();
    expect(first.closedByClient).toBe(true);
    const second = FakeWebSocket.last();
    expect(second).not.toBe(first);
    second.accept();
    expect(second.sent.map((m) => m.type)).toEqual(['auth', 'subscribe']);
    expect(second.sent[0]).toMatchObject({ token: 'ncg_b' });
    second.deliver({ type: 'error', id: second.sent[0]?.id, data: { code: 'unauthorized', message: 'guest token expired' } });
    expect(await answer).toBeNull();
    expect(rt.identity).toBeNull();
  });

  it('authenticates with an auth message first, then joins the rooms, and reports who we are', () => {
    const rt = client('ncl_tok');
    const ids: unknown[] = [];
    rt.on('identity', (i) => ids.push(i));
    const leave = rt.subscribe(stream.id);
    const ws = FakeWebSocket.last();
    expect(ws.url).toBe('ws://srv/api/realtime');
    ws.accept();
    expect(ws.sent.map((m) => m.type)).toEqual(['auth', 'subscribe']);
    expect(ws.sent[0]).toMatchObject({ token: 'ncl_tok' });
    expect(ws.sent[1]).toMatchObject({ streamId: stream.id });
    ws.deliver({ type: 'ack', id: ws.sent[0]?.id, for: 'auth', data: { userId: 'u1', name: 'alice', role: 'viewer' } });
    expect(ids).toEqual([{ userId: 'u1', name: 'alice', role: 'viewer' }]);
    expect(rt.state).toBe('open');
    leave();
    expect(ws.sent[2]).toEqual({ type: 'unsubscribe', streamId: stream.id });
  });

  it('counts subscriptions: one subscribe for two users of a room, unsubscribe when the last leaves', () => {
    const rt = client();
    rt.connect();
    const ws = FakeWebSocket.last();
    ws.accept();
    const a = rt.subscribe(stream.id);
    const b = rt.subscribe(stream.id);
    expect(ws.sentOfType('subscribe')).toHaveLength(1);
    a();
    expect(ws.sentOfType('unsubscribe')).toHaveLength(0);
    b();
    expect(ws.sentOfType('unsubscribe')).toHaveLength(1);
  });

  it('delivers typed room events', () => {
    const rt = client();
    const got: RoomEvent[] = [];
    rt.on('event', (e) => got.push(e));
    rt.subscribe(stream.id);
    const ws = FakeWebSocket.last();
    ws.accept();
    ws.deliver({ type: 'viewers', streamId: stream.id, data: { count: 12 } });
    ws.deliver({ type: 'chat.message', streamId: stream.id, data: chatMessage });
    ws.deliver({ type: 'some.future.event', streamId: stream.id, data: {} });
    expect(got.map((e) => e.type)).toEqual(['viewers', 'chat.message', 'some.future.event']);
    const v = got[0];
    if (v?.type === 'viewers') expect(v.data.count).toBe(12);
  });

  it('reconnects with exponential backoff and resumes each room from its last chat message', () => {
    const rt = client();
    const states: string[] = [];
    rt.on('state', (s) => states.push(s));
    rt.subscribe(stream.id);
    const first = FakeWebSocket.last();
    first.accept();
    first.deliver({ type: 'chat.message', streamId: stream.id, data: chatMessage });
    first.drop();
    expect(rt.state).toBe('reconnecting');
    vi.advanceTimersByTime(99);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1); // 100 ms: attempt 0
    const second = FakeWebSocket.last();
    expect(FakeWebSocket.instances).toHaveLength(2);
    second.drop();
    vi.advanceTimersByTime(199);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1); // 200 ms: attempt 1
    const third = FakeWebSocket.last();
    third.accept();
    expect(third.sentOfType('subscribe')[0]).toMatchObject({ streamId: stream.id, lastMessageId: chatMessage.id });
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('leaves a room whose access was revoked: the event is delivered, the reconnect does not join it again', () => {
    const rt = client('ncl_a');
    const events: RoomEvent[] = [];
    rt.on('event', (e) => events.push(e));
    rt.subscribe(stream.id);
    rt.subscribe('other-stream');
    const first = FakeWebSocket.last();
    first.accept();
    first.deliver({ type: 'access.revoked', streamId: stream.id, data: { userId: 'u1' } });
    expect(events).toEqual([{ type: 'access.revoked', streamId: stream.id, data: { userId: 'u1' } }]);
    first.drop();
    vi.advanceTimersByTime(100);
    const second = FakeWebSocket.last();
    second.accept();
    expect(second.sentOfType('subscribe').map((m) => m.streamId)).toEqual(['other-stream']);
  });

  it('caps the backoff and adds jitter between half and all of it', () => {
    const o = { initialMs: 500, maxMs: 15_000, factor: 2 };
    expect(backoffDelay(0, o, () => 1)).toBe(500);
    expect(backoffDelay(3, o, () => 1)).toBe(4000);
    expect(backoffDelay(10, o, () => 1)).toBe(15_000);
    expect(backoffDelay(10, o, () => 0)).toBe(7500);
  });

  it("resolves an action with its ack and rejects with the server's error code", async () => {
    const rt = client('t');
    rt.connect();
    const ws = FakeWebSocket.last();
    ws.accept(true);
    const ok = rt.sendChat(stream.id, 'hello');
    const sent = ws.sentOfType('chat.send')[0];
    expect(sent).toMatchObject({ streamId: stream.id, content: 'hello' });
    ws.deliver({ type: 'ack', id: sent?.id, for: 'chat.send', streamId: stream.id, data: chatMessage });
    await expect(ok).resolves.toEqual(chatMessage);
    const bad = rt.sendReaction(stream.id, 'x');
    const r = ws.sentOfType('reaction.send')[0];
    ws.deliver({
      type: 'error',
      id: r?.id,
      streamId: stream.id,
      data: { code: 'validation_failed', message: 'not an emoji', field: 'emoji' },
    });
    await expect(bad).rejects.toMatchObject({ code: 'validation_failed', field: 'emoji' });
  });

  it('fails pending actions when the connection drops, and times out unanswered ones', async () => {
    const rt = client('t');
    rt.connect();
    const ws = FakeWebSocket.last();
    ws.accept(true);
    const p = rt.sendChat(stream.id, 'x');
    ws.drop();
    await expect(p).rejects.toMatchObject({ code: 'not_connected' });
    vi.advanceTimersByTime(100);
    FakeWebSocket.last().accept(true);
    const q = rt.sendChat(stream.id, 'y');
    vi.advanceTimersByTime(10_000);
    await expect(q).rejects.toMatchObject({ code: 'timeout' });
  });

  it('close() stops for good: no reconnect', () => {
    const rt = client();
    rt.connect();
    FakeWebSocket.last().accept();
    rt.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(rt.state).toBe('closed');
  });
});

describe('RealtimeClient room state', () => {
  beforeEach(() => FakeWebSocket.reset());

  it("remembers a room's viewer count for hooks that join it later", () => {
    const rt = client();
    rt.subscribe(stream.id);
    const ws = FakeWebSocket.last();
    ws.accept();
    expect(rt.viewerCount(stream.id)).toBeNull();
    ws.deliver({ type: 'viewers', streamId: stream.id, data: { count: 4 } });
    expect(rt.viewerCount(stream.id)).toBe(4);
    ws.deliver({ type: 'ack', id: 's9', for: 'subscribe', streamId: stream.id, data: { viewers: 5 } });
    expect(rt.viewerCount(stream.id)).toBe(5);
  });
});
