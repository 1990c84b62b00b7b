// A private stream's playback token for the players of a component (PlaybackAccess): asked when
// `needed` turns true, renewed before it expires, dropped on unmount. Public streams ask nothing.
import { useEffect, useState } from 'react';
import { toNchatError, type NchatError } from '../sdk/errors.js';
import { isRefusal, noAccessError, PlaybackAccess } from '../sdk/playback-access.js';
import type { PlaybackToken } from '../sdk/types.js';
import { useNchat } from './context.js';

export interface UsePlaybackAccessResult {
  /** Playback may start: no token is needed, or the first one is here, or the server issues none
   * (503: a server that does not gate media). */
  ready: boolean;
  /** The first token (its `hlsUrl` is the manifest to load); renewals come through `access`. */
  initial: PlaybackToken | null;
  /** Its `current` token and `token` events for the players; null when no token is used. */
  access: PlaybackAccess | null;
  /** The first request failed, or a renewal was refused (code `no_access`). */
  error: NchatError | null;
}

interface State extends UsePlaybackAccessResult {
  key: string;
}

const IDLE: UsePlaybackAccessResult = { ready: true, initial: null, access: null, error: null };

export function usePlaybackAccess(streamId: string, needed: boolean): UsePlaybackAccessResult {
  const { client } = useNchat();
  const [state, setState] = useState<State | null>(null);
  useEffect(() => {
    if (!needed) return;
    const key = streamId;
    const a = new PlaybackAccess(client, streamId);
    const ac = new AbortController();
    a.on('error', ({ error, fatal }) => {
      if (fatal) setState({ key, ready: false, initial: null, access: null, error });
    });
    a.start(ac.signal).then(
      (t) => setState({ key, ready: true, initial: t, access: a, error: null }),
      (e: unknown) => {
        if (ac.signal.aborted) return;
        const err = toNchatError(e);
        if (err.status === 503) setState({ key, ...IDLE });
        else setState({ key, ready: false, initial: null, access: null, error: isRefusal(err) ? noAccessError(err) : err });
      },
    );
    return () => {
      ac.abort();
      a.stop();
      setState(null);
    };
  }, [client, streamId, needed]);
  if (!needed) return IDLE;
  if (!state || state.key !== streamId) return { ready: false, initial: null, access: null, error: null };
  return state;
}
