/** An error from the nchat-live server (REST or realtime) or from the SDK itself. */
export class NchatError extends Error {
  /** The server's stable error code (docs/api.md, Errors), or one of the SDK's own:
   * `network`, `timeout`, `aborted`, `not_connected`, `bad_response`, `whip_failed`, `whep_failed`, `unsupported`,
   * `conflict` (an HTTP 409 without a code of the server's). */
  readonly code: string;
  /** HTTP status for REST errors. */
  readonly status: number | undefined;
  /** The request field the server objected to. */
  readonly field: string | undefined;
  /** Seconds to wait before retrying (rate limits, slow mode, timeouts). */
  readonly retryAfter: number | undefined;

  constructor(code: string, message: string, opts: { status?: number; field?: string; retryAfter?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NchatError';
    this.code = code;
    this.status = opts.status;
    this.field = opts.field;
    this.retryAfter = opts.retryAfter;
  }
}

export function toNchatError(e: unknown): NchatError {
  if (e instanceof NchatError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new NchatError('aborted', 'aborted');
  return new NchatError('unknown', e instanceof Error ? e.message : String(e), { cause: e });
}
