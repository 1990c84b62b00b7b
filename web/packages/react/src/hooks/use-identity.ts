import { useEffect, useState } from 'react';
import type { Identity } from '../sdk/realtime-client';
import { useNchat } from './context';

/** Who the realtime connection is signed in as (from the `auth` answer), or null. Connects the
 * realtime client if it is not yet. The server has no "who am I" REST route (docs/web.md). */
export function useIdentity(): Identity | null {
  const { realtime, client } = useNchat();
  const [id, setId] = useState<Identity | null>(realtime.identity);
  useEffect(() => {
    const off = realtime.on('identity', setId);
    if (client.token) realtime.connect();
    setId(realtime.identity);
    return off;
  }, [realtime, client]);
  return id;
}
