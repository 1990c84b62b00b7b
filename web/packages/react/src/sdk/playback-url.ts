// The playback token in a URL's query (`?token=` or `&token=`), as nchat-live writes it into every
// URI of a private stream's playlists (docs/api.md, "Private playback").

function split(url: string): { base: string; query: string | null; hash: string } {
  const hashAt = url.indexOf('#');
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  const rest = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const q = rest.indexOf('?');
  return q >= 0 ? { base: rest.slice(0, q), query: rest.slice(q + 1), hash } : { base: rest, query: null, hash };
}

const isTokenParam = (p: string) => p === 'token' || p.startsWith('token=');

/** Whether the URL's query has a `token` parameter. */
export function hasPlaybackToken(url: string): boolean {
  const { query } = split(url);
  return query !== null && query.split('&').some(isTokenParam);
}

/** `url` with its `token` parameter set to `token` (added when it has none); every other
 * parameter (such as LL-HLS's `_HLS_msn`) stays as it was, in its place. */
export function withPlaybackToken(url: string, token: string): string {
  const { base, query, hash } = split(url);
  const param = `token=${encodeURIComponent(token)}`;
  if (query === null || query === '') return `${base}?${param}${hash}`;
  let found = false;
  const params: string[] = [];
  for (const p of query.split('&')) {
    if (!isTokenParam(p)) params.push(p);
    else if (!found) {
      found = true;
      params.push(param);
    }
  }
  if (!found) params.push(param);
  return `${base}?${params.join('&')}${hash}`;
}
