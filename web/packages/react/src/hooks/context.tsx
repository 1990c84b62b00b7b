// The SDK clients a host app shares with every hook: one REST client and one realtime
// connection per provider. Without a provider, hooks use a client for the page's own origin.
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { websocketUrl, type NchatConfig } from '../sdk/config.js';
import { RealtimeClient } from '../sdk/realtime-client.js';
import { NchatClient } from '../sdk/rest-client.js';

export interface NchatContextValue {
  client: NchatClient;
  realtime: RealtimeClient;
}

export function createNchat(config: NchatConfig = {}, WebSocketImpl?: typeof WebSocket): NchatContextValue {
  const client = new NchatClient(config);
  const realtime = new RealtimeClient({
    url: websocketUrl(client.baseUrl),
    token: () => client.token,
    ...(WebSocketImpl ? { WebSocket: WebSocketImpl } : {}),
  });
  return { client, realtime };
}

const NchatContext = createContext<NchatContextValue | null>(null);
let fallback: NchatContextValue | null = null;

export interface NchatProviderProps {
  /** Either a config (the provider makes the clients) or clients made by the host. */
  config?: NchatConfig;
  value?: NchatContextValue;
  children: ReactNode;
}

export function NchatProvider({ config, value, children }: NchatProviderProps) {
  const made = useMemo(() => value ?? createNchat(config), [value, config]);
  useEffect(() => () => made.realtime.close(), [made]);
  return <NchatContext.Provider value={made}>{children}</NchatContext.Provider>;
}

export function useNchat(): NchatContextValue {
  const ctx = useContext(NchatContext);
  if (ctx) return ctx;
  fallback ??= createNchat();
  return fallback;
}
