import type { NchatError } from './errors.js';

/** Where the SDK finds the server. Every URL defaults to the page's own origin, so the app that
 * nchat-live serves needs no configuration (the spec's NEXT_PUBLIC_STREAM_INGEST_URL and
 * NEXT_PUBLIC_HLS_BASE_URL become `ingestUrl` and `hlsBaseUrl`). */
export interface NchatConfig {
  /** The server's base URL, e.g. `https://live.example.com`. Default: the page's origin. */
  baseUrl?: string;
  /** Overrides the RTMP ingest URL the server reports in `Stream.ingestUrl`. */
  ingestUrl?: string;
  /** Overrides where HLS is fetched: `${hlsBaseUrl}/${streamId}/master.m3u8`. */
  hlsBaseUrl?: string;
  /** An API token or the chat application's JWT; a function is asked at each request. */
  token?: string | null | (() => string | null | undefined);
  /** Called when the server answers 401 to a request that carried `token` (expired, revoked, or
   * signed with a secret the server no longer has): the host drops the token it keeps. */
  onUnauthorized?: (token: string, error: NchatError) => void;
  /** Injected for tests and non-browser hosts. */
  fetch?: typeof fetch;
}

export function defaultBaseUrl(): string {
  const loc = (globalThis as { location?: Location }).location;
  return loc ? loc.origin : 'http://127.0.0.1:8080';
}

export function resolveToken(token: NchatConfig['token']): string | null {
  if (typeof token === 'function') return token() ?? null;
  return token ?? null;
}

export function websocketUrl(baseUrl: string): string {
  const u = new URL('/api/realtime', baseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}
