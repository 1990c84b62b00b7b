// A typed REST client for every route of the server's OpenAPI document. `request()` takes any
// path and method of `paths` and types its parameters, body and answer from the generated file;
// the named methods are the product spec's operations on top of it.
import type { paths } from './api-types.gen.js';
import { defaultBaseUrl, resolveToken, type NchatConfig } from './config.js';
import { NchatError } from './errors.js';
import { withPlaybackToken } from './playback-url.js';
import type {
  Ban,
  CreateStreamInput,
  Guest,
  LiveStreamSummary,
  ModerationLogEntry,
  PlaybackToken,
  Question,
  Recording,
  ServerConfig,
  Stream,
  StreamChatMessage,
  StreamHealth,
  StreamReaction,
  UpdateStreamInput,
} from './types.js';

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Path = keyof paths;
export type MethodOf<P extends Path> = {
  [M in HttpMethod]: paths[P] extends Record<M, infer O> ? ([O] extends [never] ? never : O extends undefined ? never : M) : never;
}[HttpMethod];
export type Operation<P extends Path, M extends MethodOf<P>> = NonNullable<paths[P][M]>;
type PathParams<O> = O extends { parameters: { path: infer X } } ? ([X] extends [never] ? undefined : X) : undefined;
type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? ([Q] extends [never] ? undefined : Q) : undefined;
type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;
export type OkBody<O> = O extends { responses: { 200: { content: { 'application/json': infer T } } } }
  ? T
  : O extends { responses: { 201: { content: { 'application/json': infer T } } } }
    ? T
    : unknown;

/** A stretch of a recording's media time (ms; 0 at its first frame): `fromMs ≤ mediaMs < toMs`. */
export interface MediaSpan {
  fromMs: number;
  toMs?: number;
  limit?: number;
}

function mediaQuery({ fromMs, toMs, limit }: MediaSpan) {
  return { fromMs, ...(toMs !== undefined ? { toMs } : {}), ...(limit !== undefined ? { limit } : {}) };
}

export interface RequestOptions<O> {
  params?: PathParams<O>;
  query?: QueryParams<O>;
  body?: JsonBody<O>;
  signal?: AbortSignal;
  /** Send no Authorization header even when a token is configured. */
  anonymous?: boolean;
}

export class NchatClient {
  readonly baseUrl: string;
  readonly config: NchatConfig;
  // Stream keys this client was given: the server keeps only their hash and shows a key once,
  // in the answer that made it (docs/api.md, "Stream keys are shown once"). In memory only.
  private readonly keys = new Map<string, string>();

  constructor(config: NchatConfig = {}) {
    this.config = config;
    this.baseUrl = (config.baseUrl ?? defaultBaseUrl()).replace(/\/$/, '');
  }

  get token(): string | null {
    return resolveToken(this.config.token);
  }

  /** Any route of the OpenAPI document, typed from it. */
  async request<P extends Path, M extends MethodOf<P>>(
    method: M,
    path: P,
    opts: RequestOptions<Operation<P, M>> = {},
  ): Promise<OkBody<Operation<P, M>>> {
    let url = path as string;
    const params = (opts.params ?? {}) as Record<string, string>;
    url = url.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined) throw new NchatError('bad_request', `missing path parameter ${name}`);
      return encodeURIComponent(v);
    });
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries((opts.query ?? {}) as Record<string, unknown>)) {
      if (v !== undefined && v !== null) q.set(k, String(v));
    }
    const qs = q.toString();
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = opts.anonymous ? null : this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const doFetch = this.config.fetch ?? globalThis.fetch.bind(globalThis);
    let res: Response;
    try {
      res = await doFetch(`${this.baseUrl}${url}${qs ? `?${qs}` : ''}`, {
        method: method.toUpperCase(),
        headers,
        body,
        signal: opts.signal,
      });
    } catch (e) {
      if (opts.signal?.aborted) throw new NchatError('aborted', 'request aborted', { cause: e });
      throw new NchatError('network', `cannot reach the server: ${(e as Error).message}`, { cause: e });
    }
    const text = await res.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        if (res.ok) throw new NchatError('bad_response', `not JSON from ${url}`, { status: res.status });
      }
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
      const retry = res.headers.get('retry-after');
      const error = new NchatError(err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, {
        status: res.status,
        ...(err?.field ? { field: err.field } : {}),
        ...(retry ? { retryAfter: Number(retry) } : {}),
      });
      if (res.status === 401 && token) this.config.onUnauthorized?.(token, error);
      throw error;
    }
    return json as OkBody<Operation<P, M>>;
  }

  /** A guest name for a viewer with no account (docs/api.md, Guests): a viewer token for REST and
   * the realtime `auth`, valid until `expiresAt` (24 hours). Sent without the configured token:
   * an expired one must not stand in the way of taking a new name. Errors: `validation_failed`
   * with `field: 'displayName'` (1–32 characters after trimming, one line), `guests_disabled`
   * (403), `rate_limited` with `retryAfter` (429). */
  createGuest(displayName: string, signal?: AbortSignal): Promise<Guest> {
    return this.request('post', '/api/guest', { body: { displayName }, signal, anonymous: true });
  }

  /** What this server does (docs/api.md, "Server features"); public, so sent without the token:
   * an expired one must not hide the answer. */
  getConfig(signal?: AbortSignal): Promise<ServerConfig> {
    return this.request('get', '/api/config', { signal, anonymous: true });
  }

  // Streams (product spec, "Stream Management" and "Stream Lifecycle").
  /** The answer has the stream's `streamKey`, the only time the server shows it; the client
   * keeps it in memory (`streamKey(id)`) for the rest of this page's life. */
  async createStream(input: CreateStreamInput, signal?: AbortSignal): Promise<Stream> {
    return this.remember(await this.request('post', '/api/streams/create', { body: input, signal }));
  }
  getStream(id: string, signal?: AbortSignal): Promise<Stream> {
    return this.request('get', '/api/streams/{id}', { params: { id }, signal });
  }
  updateStream(id: string, patch: UpdateStreamInput, signal?: AbortSignal): Promise<Stream> {
    return this.request('patch', '/api/streams/{id}', { params: { id }, body: patch, signal });
  }
  async deleteStream(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('delete', '/api/streams/{id}', { params: { id }, signal });
  }
  startStream(id: string, signal?: AbortSignal): Promise<Stream> {
    return this.request('post', '/api/streams/{id}/start', { params: { id }, signal });
  }
  endStream(id: string, signal?: AbortSignal): Promise<Stream> {
    return this.request('post', '/api/streams/{id}/end', { params: { id }, signal });
  }
  /** A new key, in this answer only (kept like `createStream`'s); the old one stops at once. */
  async regenerateKey(id: string, signal?: AbortSignal): Promise<Stream> {
    return this.remember(await this.request('post', '/api/streams/{id}/key', { params: { id }, signal }));
  }
  /** The key of a stream this client created or regenerated the key of, while the page lives;
   * undefined otherwise: the server never shows a key again (regenerate it to get a new one). */
  streamKey(id: string): string | undefined {
    return this.keys.get(id);
  }
  private remember(s: Stream): Stream {
    if (s.streamKey) this.keys.set(s.id, s.streamKey);
    return s;
  }
  async getHealth(id: string, signal?: AbortSignal): Promise<StreamHealth> {
    return (await this.request('get', '/api/streams/{id}/health', { params: { id }, signal })) as unknown as StreamHealth;
  }
  /** What was recorded; its replay plays at the stream's manifest once `state` is complete. */
  getRecording(id: string, signal?: AbortSignal): Promise<Recording> {
    return this.request('get', '/api/streams/{id}/recording', { params: { id }, signal });
  }
  /** A token for a private stream's media (docs/api.md, "Private playback"): its HLS and WHEP
   * answer 403 without one. Valid 5 minutes: ask again before `expiresAt` (`PlaybackAccess` does).
   * Errors: 401 anonymous, `not_found` for one who may not view the stream, 503 `unavailable`
   * when the server issues none. */
  playbackToken(id: string, signal?: AbortSignal): Promise<PlaybackToken> {
    return this.request('post', '/api/streams/{id}/playback-token', { params: { id }, signal });
  }
  listStreams(query: { status?: Stream['status']; limit?: number; offset?: number } = {}, signal?: AbortSignal): Promise<Stream[]> {
    return this.request('get', '/api/streams', { query, signal });
  }
  liveStreams(signal?: AbortSignal): Promise<LiveStreamSummary[]> {
    return this.request('get', '/api/streams/live', { signal });
  }
  topStreams(signal?: AbortSignal): Promise<Stream[]> {
    return this.request('get', '/api/streams/top', { signal });
  }

  /** The manifest to play: the server's `hlsManifestUrl`, or the configured HLS base. */
  manifestUrl(stream: Pick<Stream, 'id' | 'hlsManifestUrl'>): string | null {
    if (this.config.hlsBaseUrl) return `${this.config.hlsBaseUrl.replace(/\/$/, '')}/${stream.id}/master.m3u8`;
    return stream.hlsManifestUrl;
  }
  /** A private stream's manifest with its token: the server's `hlsUrl`, or the configured HLS
   * base with `?token=`. */
  playbackManifestUrl(stream: Pick<Stream, 'id' | 'hlsManifestUrl'>, token: Pick<PlaybackToken, 'token' | 'hlsUrl'>): string {
    if (this.config.hlsBaseUrl) return withPlaybackToken(this.manifestUrl(stream) ?? token.hlsUrl, token.token);
    return token.hlsUrl;
  }
  ingestUrl(stream: Pick<Stream, 'ingestUrl'>): string {
    return this.config.ingestUrl ?? stream.ingestUrl;
  }

  // Chat, reactions, Q&A, moderation (docs/chat.md).
  getChat(
    id: string,
    query: { limit?: number; offset?: number; after?: string; includeDeleted?: boolean } = {},
    signal?: AbortSignal,
  ): Promise<StreamChatMessage[]> {
    return this.request('get', '/api/streams/{id}/chat', { params: { id }, query, signal });
  }
  /** The chat of a stretch of the stream's recording, by media time (docs/recording.md, "Media
   * time"): the messages with `fromMs ≤ mediaMs < toMs`, each with its `mediaMs`, in media-time
   * order, the earliest `limit` (≤ 500, default 100). `toMs` defaults to `fromMs` + 60 s and is at
   * most 2 h after it. A replay player's `currentTime × 1000` is on the same timeline. Errors:
   * `not_found` when the stream has no recording here, `validation_failed` naming a bad bound. */
  getChatAt(id: string, span: MediaSpan, signal?: AbortSignal): Promise<StreamChatMessage[]> {
    return this.request('get', '/api/streams/{id}/chat', { params: { id }, query: mediaQuery(span), signal });
  }
  sendChat(id: string, content: string, isQuestion = false, signal?: AbortSignal): Promise<StreamChatMessage> {
    return this.request('post', '/api/streams/{id}/chat', {
      params: { id },
      body: { content, ...(isQuestion ? { isQuestion } : {}) },
      signal,
    });
  }
  async deleteMessage(id: string, messageId: string): Promise<void> {
    await this.request('delete', '/api/streams/{id}/chat/{messageId}', { params: { id, messageId } });
  }
  pinMessage(id: string, messageId: string): Promise<StreamChatMessage> {
    return this.request('post', '/api/streams/{id}/chat/{messageId}/pin', { params: { id, messageId } });
  }
  async unpinMessage(id: string, messageId: string): Promise<void> {
    await this.request('delete', '/api/streams/{id}/chat/{messageId}/pin', { params: { id, messageId } });
  }
  async clearChat(id: string): Promise<number> {
    const r = await this.request('post', '/api/streams/{id}/chat/clear', { params: { id } });
    return r.count;
  }
  getReactions(id: string, limit = 20, signal?: AbortSignal): Promise<StreamReaction[]> {
    return this.request('get', '/api/streams/{id}/reactions', { params: { id }, query: { limit }, signal });
  }
  /** The reactions of a stretch of the recording, by media time, as `getChatAt`. */
  getReactionsAt(id: string, span: MediaSpan, signal?: AbortSignal): Promise<StreamReaction[]> {
    return this.request('get', '/api/streams/{id}/reactions', { params: { id }, query: mediaQuery(span), signal });
  }
  sendReaction(id: string, emoji: string, position?: { x?: number; y?: number }): Promise<StreamReaction> {
    const body: { emoji: string; positionX?: number; positionY?: number } = { emoji };
    if (position?.x !== undefined) body.positionX = position.x;
    if (position?.y !== undefined) body.positionY = position.y;
    return this.request('post', '/api/streams/{id}/reactions', { params: { id }, body });
  }
  getQuestions(id: string, query: { status?: Question['status']; limit?: number } = {}): Promise<Question[]> {
    return this.request('get', '/api/streams/{id}/questions', { params: { id }, query });
  }
  voteQuestion(id: string, questionId: string, up = true): Promise<Question> {
    return this.request(up ? 'post' : 'delete', '/api/streams/{id}/questions/{questionId}/vote', { params: { id, questionId } });
  }
  updateQuestion(id: string, questionId: string, status: Question['status']): Promise<Question> {
    return this.request('patch', '/api/streams/{id}/questions/{questionId}', { params: { id, questionId }, body: { status } });
  }
  getBans(id: string): Promise<Ban[]> {
    return this.request('get', '/api/streams/{id}/bans', { params: { id } });
  }
  banUser(id: string, userId: string, opts: { durationSeconds?: number; reason?: string } = {}): Promise<Ban> {
    return this.request('post', '/api/streams/{id}/bans', { params: { id }, body: { userId, ...opts } });
  }
  async unbanUser(id: string, userId: string): Promise<void> {
    await this.request('delete', '/api/streams/{id}/bans/{userId}', { params: { id, userId } });
  }
  async getSlowMode(id: string): Promise<number> {
    return (await this.request('get', '/api/streams/{id}/slow-mode', { params: { id } })).slowModeSeconds;
  }
  async setSlowMode(id: string, seconds: number): Promise<number> {
    return (await this.request('put', '/api/streams/{id}/slow-mode', { params: { id }, body: { seconds } })).slowModeSeconds;
  }
  getModerationLog(id: string, query: { limit?: number; offset?: number } = {}): Promise<ModerationLogEntry[]> {
    return this.request('get', '/api/streams/{id}/moderation-log', { params: { id }, query });
  }
}
