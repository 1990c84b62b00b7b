// The client of the realtime WebSocket protocol (docs/realtime.md, version 1): it signs in with
// an `auth` message (browsers cannot set headers on a WebSocket), keeps one subscription per room
// however many hooks want it, and reconnects with exponential backoff and jitter, resuming each
// room's chat from the last message it saw (`subscribe` with `lastMessageId`).
import { Emitter } from './emitter.js';
import { NchatError } from './errors.js';
import type { Ban, Question, StreamChatMessage, StreamReaction, StreamStatus } from './types.js';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Room events: each carries the stream it is about. */
export interface RoomEvents {
  'chat.message': StreamChatMessage;
  'chat.deleted': { messageId: string; deletedBy: string };
  'chat.pinned': StreamChatMessage;
  'chat.unpinned': { messageId: string };
  'chat.cleared': { clearedBy: string; count: number };
  'chat.settings': { slowModeSeconds: number };
  reaction: StreamReaction;
  'qa.question': StreamChatMessage;
  'qa.updated': Question;
  viewers: { count: number };
  'stream.status': { status: StreamStatus };
  moderation: { action: 'ban' | 'timeout' | 'unban'; expiresAt?: string | null; reason?: string | null };
  /** This user may no longer see the private stream: the server closes the connection next,
   * and the room is not joined again when it reconnects. */
  'access.revoked': { userId: string };
  /** To the broadcaster only: the server ends the stream at `endsAt` (`reason: 'max_duration'`,
   * --max-stream-duration); `message` says so in words. */
  'stream.warning': { reason: string; endsAt: string; message: string };
}
export type RoomEvent = { [K in keyof RoomEvents]: { type: K; streamId: string; data: RoomEvents[K] } }[keyof RoomEvents];

export interface HelloData {
  version: number;
  authenticated: boolean;
  userId: string | null;
  pingIntervalSeconds: number;
  maxMessageBytes: number;
}
export interface Identity {
  userId: string;
  name: string;
  role: 'admin' | 'broadcaster' | 'moderator' | 'viewer';
}

export interface RealtimeEvents {
  state: ConnectionState;
  hello: HelloData;
  /** The `auth` message was answered: who we are, or null if the token was refused. */
  identity: Identity | null;
  event: RoomEvent;
  /** `dropped`: this connection read too slowly and lost `count` events. */
  dropped: { count: number };
  error: NchatError;
  /** A room was (re)subscribed; `replayed` chat messages were resent after a reconnect. */
  subscribed: { streamId: string; viewers: number; replayed: number; truncated: boolean };
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export interface RealtimeOptions {
  url: string;
  token?: string | null | (() => string | null | undefined);
  backoff?: Partial<BackoffOptions>;
  /** Milliseconds an action waits for its `ack`. */
  requestTimeoutMs?: number;
  WebSocket?: typeof WebSocket;
  random?: () => number;
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (e: NchatError) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Room {
  refs: number;
  lastMessageId: string | null;
  /** The room's latest viewer count, for a second user of the room who joins after it came. */
  viewers: number | null;
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter in
 * [50 %, 100 %] so that a restarted server is not hit by every client at the same instant. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const base = Math.min(o.maxMs, o.initialMs * o.factor ** attempt);
  return Math.round(base * (0.5 + random() * 0.5));
}

export class RealtimeClient extends Emitter<RealtimeEvents> {
  private ws: WebSocket | null = null;
  private stateValue: ConnectionState = 'idle';
  private readonly rooms = new Map<string, Room>();
  private readonly pending = new Map<string, Pending>();
  private readonly queue: string[] = [];
  private nextId = 1;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: BackoffOptions;
  private identityValue: Identity | null = null;
  /** The token this connection sent in its `auth` message, if any. */
  private authToken: string | null = null;

  constructor(private readonly opts: RealtimeOptions) {
    super();
    this.backoff = { initialMs: 500, maxMs: 15_000, factor: 2, ...opts.backoff };
  }

  get state(): ConnectionState {
    return this.stateValue;
  }
  get identity(): Identity | null {
    return this.identityValue;
  }

  connect(): void {
    // A reconnect already scheduled keeps its backoff (and a second socket is never opened).
    if (this.ws || this.reconnectTimer || this.stateValue === 'open' || this.stateValue === 'connecting') return;
    this.open();
  }

  /** Closes for good: no reconnect; pending actions fail with `not_connected`. */
  close(): void {
    this.dropSocket('connection closed');
    this.setState('closed');
  }

  /** Signs in with the token as it is now (the `token` option is asked again), e.g. right after a
   * viewer took a guest name. An anonymous connection sends `auth` and stays in its rooms (the
   * server moves their viewer sessions to the user, docs/realtime.md); one that sent another
   * token reconnects at once, since a connection authenticates only once. Resolves with who we
   * are, or null when the token was refused; without a token it does nothing and resolves null
   * (to sign out, close this client and make a new one). */
  authenticate(): Promise<Identity | null> {
    const token = this.token();
    if (!token) return Promise.resolve(null);
    if (this.authToken === token && this.identityValue) return Promise.resolve(this.identityValue);
    const answered = new Promise<Identity | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new NchatError('timeout', 'no answer to auth'));
      }, this.opts.requestTimeoutMs ?? 10_000);
      const off = this.on('identity', (id) => {
        clearTimeout(timer);
        off();
        resolve(id);
      });
    });
    if (this.ws && this.stateValue === 'open') {
      if (this.authToken === null) this.sendAuth(token);
      else if (this.authToken !== token) this.reconnectNow();
      // else: this token's answer is on its way
    } else {
      this.connect(); // hello sends `auth` with the token
    }
    return answered;
  }

  /** Joins a stream's room; the returned function leaves it. Counted: the room is left when the
   * last caller leaves. */
  subscribe(streamId: string): () => void {
    let room = this.rooms.get(streamId);
    if (room) {
      room.refs++;
    } else {
      room = { refs: 1, lastMessageId: null, viewers: null };
      this.rooms.set(streamId, room);
      if (this.stateValue === 'open') this.sendSubscribe(streamId, room);
    }
    this.connect();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const r = this.rooms.get(streamId);
      if (!r) return;
      if (--r.refs > 0) return;
      this.rooms.delete(streamId);
      if (this.stateValue === 'open') this.sendRaw({ type: 'unsubscribe', streamId });
    };
  }

  /** The latest viewer count of a joined room (from `viewers` events and the subscribe ack). */
  viewerCount(streamId: string): number | null {
    return this.rooms.get(streamId)?.viewers ?? null;
  }

  /** Sends an action and resolves with its `ack` data, or rejects with the server's error. */
  request<T = unknown>(type: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = `r${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NchatError('timeout', `no answer to ${type}`));
      }, this.opts.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      this.sendRaw({ type, id, ...fields });
      this.connect();
    });
  }

  sendChat(streamId: string, content: string, isQuestion = false): Promise<StreamChatMessage> {
    return this.request('chat.send', { streamId, content, ...(isQuestion ? { isQuestion } : {}) });
  }
  sendReaction(streamId: string, emoji: string, positionX?: number, positionY?: number): Promise<StreamReaction> {
    return this.request('reaction.send', { streamId, emoji, positionX, positionY });
  }
  deleteMessage(streamId: string, messageId: string): Promise<{ messageId: string }> {
    return this.request('chat.delete', { streamId, messageId });
  }
  pinMessage(streamId: string, messageId: string): Promise<StreamChatMessage> {
    return this.request('chat.pin', { streamId, messageId });
  }
  unpinMessage(streamId: string, messageId: string): Promise<{ messageId: string }> {
    return this.request('chat.unpin', { streamId, messageId });
  }
  clearChat(streamId: string): Promise<{ count: number }> {
    return this.request('chat.clear', { streamId });
  }
  banUser(streamId: string, userId: string, durationSeconds?: number, reason?: string): Promise<Ban> {
    return this.request('user.ban', { streamId, userId, durationSeconds, reason });
  }
  setSlowMode(streamId: string, seconds: number): Promise<{ seconds: number }> {
    return this.request('slowmode.set', { streamId, seconds });
  }
  voteQuestion(streamId: string, questionId: string, up = true): Promise<Question> {
    return this.request('question.vote', { streamId, questionId, up });
  }

  private token(): string | null {
    const t = this.opts.token;
    return (typeof t === 'function' ? t() : t) ?? null;
  }

  private setState(s: ConnectionState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.emit('state', s);
  }

  private open(): void {
    const WS = this.opts.WebSocket ?? globalThis.WebSocket;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocket;
    try {
      ws = new WS(this.opts.url);
    } catch (e) {
      this.emit('error', new NchatError('network', (e as Error).message));
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.authToken = null;
    ws.onmessage = (ev: MessageEvent) => this.onMessage(String(ev.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.failPending(new NchatError('not_connected', 'connection lost'));
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows and reconnects */
    };
  }

  private scheduleReconnect(): void {
    if (this.stateValue === 'closed') return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.backoff, this.opts.random ?? Math.random);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private onMessage(text: string): void {
    let msg: { type?: string; id?: string | number; streamId?: string; data?: unknown; for?: string };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    switch (msg.type) {
      case 'hello':
        this.onHello(msg.data as HelloData);
        return;
      case 'ack':
      case 'error': {
        const id = msg.id === undefined ? undefined : String(msg.id);
        const p = id ? this.pending.get(id) : undefined;
        if (msg.type === 'error') {
          const d = (msg.data ?? {}) as { code?: string; message?: string; field?: string; retryAfter?: number };
          const err = new NchatError(d.code ?? 'unknown', d.message ?? 'error', {
            ...(d.field ? { field: d.field } : {}),
            ...(d.retryAfter !== undefined ? { retryAfter: d.retryAfter } : {}),
          });
          if (p && id) {
            clearTimeout(p.timer);
            this.pending.delete(id);
            p.reject(err);
          } else {
            this.emit('error', err);
          }
          return;
        }
        if (msg.for === 'subscribe' && msg.streamId) {
          const d = (msg.data ?? {}) as { viewers?: number; replayed?: number; truncated?: boolean };
          const room = this.rooms.get(msg.streamId);
          if (room && d.viewers !== undefined) room.viewers = d.viewers;
          this.emit('subscribed', {
            streamId: msg.streamId,
            viewers: d.viewers ?? 0,
            replayed: d.replayed ?? 0,
            truncated: d.truncated ?? false,
          });
        }
        if (p && id) {
          clearTimeout(p.timer);
          this.pending.delete(id);
          p.resolve(msg.data);
        }
        return;
      }
      case 'dropped':
        this.emit('dropped', msg.data as { count: number });
        return;
      case 'pong':
        return;
      default:
        if (msg.type && msg.streamId) {
          const room = this.rooms.get(msg.streamId);
          if (room && (msg.type === 'chat.message' || msg.type === 'qa.question')) room.lastMessageId = (msg.data as StreamChatMessage).id;
          if (room && msg.type === 'viewers') room.viewers = (msg.data as { count: number }).count;
          // The server closes the connection after it: the reconnect must not ask for the room.
          if (msg.type === 'access.revoked') this.rooms.delete(msg.streamId);
          // Types this version does not know are passed on too: the protocol may add them.
          this.emit('event', { type: msg.type, streamId: msg.streamId, data: msg.data } as RoomEvent);
        }
    }
  }

  private onHello(hello: HelloData): void {
    this.attempt = 0;
    this.emit('hello', hello);
    // Sent before anything else so that the rooms are joined as this user.
    const token = this.token();
    if (token) this.sendAuth(token);
    // Open before the rooms are re-joined (sendRaw checks it); listeners hear of it after.
    this.stateValue = 'open';
    for (const [streamId, room] of this.rooms) this.sendSubscribe(streamId, room);
    const queued = this.queue.splice(0);
    for (const m of queued) this.ws?.send(m);
    this.emit('state', 'open');
  }

  private sendAuth(token: string): void {
    this.authToken = token;
    const id = `r${this.nextId++}`;
    const timer = setTimeout(() => this.pending.delete(id), this.opts.requestTimeoutMs ?? 10_000);
    this.pending.set(id, {
      resolve: (d) => {
        this.identityValue = d as Identity;
        this.emit('identity', this.identityValue);
      },
      reject: (e) => {
        this.identityValue = null;
        this.emit('identity', null);
        this.emit('error', e);
      },
      timer,
    });
    this.ws?.send(JSON.stringify({ type: 'auth', token, id }));
  }

  /** A new connection at once (not after a backoff): rooms are re-joined and resumed on hello. */
  private reconnectNow(): void {
    this.dropSocket('reconnecting to sign in');
    this.identityValue = null;
    this.attempt = 0;
    this.open();
  }
  /** Closes the socket without its handlers firing (no reconnect from onclose), cancels a
   * pending reconnect, and fails what waits for an answer with `not_connected`. */
  private dropSocket(why: string): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.onerror = null;
      ws.close(1000);
    }
    this.failPending(new NchatError('not_connected', why));
  }

  private sendSubscribe(streamId: string, room: Room): void {
    this.sendRaw({
      type: 'subscribe',
      streamId,
      id: `s${this.nextId++}`,
      ...(room.lastMessageId ? { lastMessageId: room.lastMessageId } : {}),
    });
  }

  private sendRaw(msg: Record<string, unknown>): void {
    const text = JSON.stringify(msg);
    if (this.ws && this.stateValue === 'open' && this.ws.readyState === 1) {
      this.ws.send(text);
    } else if (msg.type !== 'subscribe' && msg.type !== 'unsubscribe') {
      // Rooms are re-joined on hello anyway; actions wait (bounded) for the connection.
      if (this.queue.length < 100) this.queue.push(text);
    }
  }

  private failPending(err: NchatError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
    this.queue.length = 0;
  }
}
