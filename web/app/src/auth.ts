// The signed-in user's token, kept in localStorage. Broadcasters and moderators sign in with an
// API token (`nchat-live user create`) or a JWT of the chat application.
import { RealtimeClient, websocketUrl, type Identity } from '@nchat-live/react';

const KEY = 'nchat-live.token';

export function loadToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // private mode: the token lives for this page only
  }
}

/** Asks the server who the token belongs to. There is no REST "who am I" route, so this signs
 * in on a WebSocket of its own and reads the `auth` answer (docs/web.md, server gaps). */
export function verifyToken(baseUrl: string, token: string, timeoutMs = 8000): Promise<Identity> {
  return new Promise((resolve, reject) => {
    const rt = new RealtimeClient({ url: websocketUrl(baseUrl), token, backoff: { initialMs: 200, maxMs: 1000 } });
    const timer = setTimeout(() => {
      rt.close();
      reject(new Error('The server did not answer. Is it running?'));
    }, timeoutMs);
    rt.on('identity', (id) => {
      clearTimeout(timer);
      rt.close();
      if (id) resolve(id);
      else reject(new Error('This token was not accepted.'));
    });
    rt.connect();
  });
}
