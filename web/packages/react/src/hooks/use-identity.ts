import { useEffect, useState } from 'react';
import type { Identity, RealtimeClient } from '../sdk/realtime-client.js';
import { useNchat } from './context.js';

export interface AuthState {
  identity: Identity | null;
  /** `anonymous`: no token; `checking`: not answered yet; `refused`: the server did not accept it. */
  state: 'anonymous' | 'checking' | 'signed-in' | 'refused';
}

/** Who the realtime connection is signed in as (from the `auth` answer), and whether the token
 * was refused. Connects the realtime client if it is not yet. The server has no "who am I" REST
 * route (docs/web.md, server gaps). */
export function useAuthState(): AuthState {
  const { realtime, client } = useNchat();
  const initial = (): AuthState =>
    realtime.identity
      ? { identity: realtime.identity, state: 'signed-in' }
      : { identity: null, state: client.token ? 'checking' : 'anonymous' };
  // Kept with the client it came from: when the host makes new clients (another token), what the
  // old connection said no longer holds.
  const [auth, setAuth] = useState<{ from: RealtimeClient; value: AuthState }>(() => ({ from: realtime, value: initial() }));
  useEffect(() => {
    const off = realtime.on('identity', (id) =>
      setAuth({ from: realtime, value: id ? { identity: id, state: 'signed-in' } : { identity: null, state: 'refused' } }),
    );
    if (client.token) realtime.connect();
    return off;
  }, [realtime, client]);
  return auth.from === realtime ? auth.value : initial();
}

/** Who the realtime connection is signed in as, or null. */
export function useIdentity(): Identity | null {
  return useAuthState().identity;
}
