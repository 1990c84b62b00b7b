// What the server does (GET /api/config), asked once per client and shared by every component
// that hides what is off. Until it answers, and if it cannot, everything counts as on: the server
// still refuses what is off (403 chat_disabled, …), so a guess of "on" costs one refused action,
// where a guess of "off" would hide working features from every viewer of a slow server.
import { useEffect, useState } from 'react';
import { toNchatError, type NchatError } from '../sdk/errors.js';
import type { NchatClient } from '../sdk/rest-client.js';
import type { ServerConfig, ServerFeatures } from '../sdk/types.js';
import { useNchat } from './context.js';

export const DEFAULT_SERVER_FEATURES: Readonly<ServerFeatures> = Object.freeze({
  liveStreaming: true,
  streamRecording: true,
  streamChat: true,
  streamReactions: true,
  streamScheduling: true,
  maxStreamDuration: 0,
});

export interface UseServerFeaturesResult {
  /** The server's answer, or DEFAULT_SERVER_FEATURES while loading and after an error. */
  features: Readonly<ServerFeatures>;
  /** The whole answer (with `ingestUrl`, `hlsBaseUrl`), null until it arrives. */
  config: ServerConfig | null;
  isLoading: boolean;
  error: NchatError | null;
}

interface Entry {
  promise: Promise<ServerConfig>;
  value?: ServerConfig;
}

// One request per client. A failed one is forgotten, so the next component to mount asks again.
const cache = new WeakMap<NchatClient, Entry>();

function load(client: NchatClient): Entry {
  const known = cache.get(client);
  if (known) return known;
  const entry: Entry = { promise: client.getConfig() };
  entry.promise.then(
    (v) => {
      entry.value = v;
    },
    () => cache.delete(client),
  );
  cache.set(client, entry);
  return entry;
}

interface State {
  from: NchatClient;
  config: ServerConfig | null;
  error: NchatError | null;
}

export function useServerFeatures(): UseServerFeaturesResult {
  const { client } = useNchat();
  const initial = (): State => ({ from: client, config: cache.get(client)?.value ?? null, error: null });
  const [state, setState] = useState<State>(initial);
  useEffect(() => {
    let active = true;
    load(client).promise.then(
      (config) => {
        // Already shown when it was cached at the first render: keep the state as it is.
        if (active) setState((prev) => (prev.from === client && prev.config === config ? prev : { from: client, config, error: null }));
      },
      (e: unknown) => {
        if (active) setState({ from: client, config: null, error: toNchatError(e) });
      },
    );
    return () => {
      active = false;
    };
  }, [client]);
  // Kept with the client it came from: a provider with new clients starts from its own cache.
  const current = state.from === client ? state : initial();
  return {
    features: current.config?.features ?? DEFAULT_SERVER_FEATURES,
    config: current.config,
    isLoading: !current.config && !current.error,
    error: current.error,
  };
}
