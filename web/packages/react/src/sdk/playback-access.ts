// A private stream's playback token, kept fresh: the first one from `start()`, then a new one
// `renewBeforeMs` before each expires (docs/api.md, "Private playback": tokens last 5 minutes).
// Players take `current.token` when they start and each `token` event after; a renewal the
// server refuses (401, 403, 404: access revoked, the stream gone or made invisible to this user)
// is a fatal `error` with code `no_access`; any other failure is retried, with a growing delay,
// while the players go on with the token they have.
import { Emitter } from './emitter.js';
import { NchatError, toNchatError } from './errors.js';
import type { NchatClient } from './rest-client.js';
import type { PlaybackToken } from './types.js';

export interface PlaybackAccessOptions {
  /** How long before `expiresAt` to ask for the next token. Default 60 s. */
  renewBeforeMs?: number;
  /** The shortest wait between two tokens (a clock far ahead of the server's would otherwise ask
   * in a loop). Default 10 s. */
  minRenewDelayMs?: number;
  /** The first retry after a failed renewal; it doubles up to `maxRetryDelayMs`. Default 2 s. */
  retryDelayMs?: number;
  /** Default 30 s. */
  maxRetryDelayMs?: number;
}

export interface PlaybackAccessEvents {
  /** A renewed token: use it for every request from now on. */
  token: PlaybackToken;
  /** A renewal failed: `fatal` (code `no_access`) when the server refused; else it is retried. */
  error: { error: NchatError; fatal: boolean };
}

/** Used when `expiresAt` cannot be read: the contract's 5 minutes less a minute. */
const FALLBACK_RENEW_MS = 4 * 60_000;

export function isRefusal(e: NchatError): boolean {
  return e.status === 401 || e.status === 403 || e.status === 404;
}

export function noAccessError(cause: NchatError): NchatError {
  return new NchatError('no_access', 'You no longer have access to this stream.', {
    ...(cause.status !== undefined ? { status: cause.status } : {}),
    cause,
  });
}

export class PlaybackAccess extends Emitter<PlaybackAccessEvents> {
  /** The newest token, null before `start()` resolves. */
  current: PlaybackToken | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private failures = 0;
  private readonly abort = new AbortController();
  private readonly opts: Required<PlaybackAccessOptions>;

  constructor(
    private readonly client: Pick<NchatClient, 'playbackToken'>,
    readonly streamId: string,
    opts: PlaybackAccessOptions = {},
  ) {
    super();
    this.opts = { renewBeforeMs: 60_000, minRenewDelayMs: 10_000, retryDelayMs: 2_000, maxRetryDelayMs: 30_000, ...opts };
  }

  /** The first token; rejects with the server's error (nothing is retried). Renewals follow. */
  async start(signal?: AbortSignal): Promise<PlaybackToken> {
    const onAbort = () => this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const t = await this.client.playbackToken(this.streamId, this.abort.signal);
      if (this.stopped) throw new NchatError('aborted', 'stopped');
      this.current = t;
      this.schedule(this.renewDelay(t));
      return t;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Milliseconds from now until the token after `t` is due. */
  renewDelay(t: Pick<PlaybackToken, 'expiresAt'>): number {
    const expires = Date.parse(t.expiresAt);
    const left = Number.isFinite(expires) ? expires - Date.now() - this.opts.renewBeforeMs : FALLBACK_RENEW_MS;
    return Math.max(this.opts.minRenewDelayMs, left);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    this.removeAllListeners();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.renew(), ms);
  }

  private async renew(): Promise<void> {
    this.timer = null;
    try {
      const t = await this.client.playbackToken(this.streamId, this.abort.signal);
      if (this.stopped) return;
      this.failures = 0;
      this.current = t;
      this.emit('token', t);
      this.schedule(this.renewDelay(t));
    } catch (e) {
      if (this.stopped) return;
      const err = toNchatError(e);
      if (isRefusal(err)) {
        this.emit('error', { error: noAccessError(err), fatal: true });
        this.stop();
        return;
      }
      this.emit('error', { error: err, fatal: false });
      const delay = Math.min(this.opts.maxRetryDelayMs, this.opts.retryDelayMs * 2 ** this.failures++);
      this.schedule(err.retryAfter ? Math.max(delay, err.retryAfter * 1000) : delay);
    }
  }
}
