import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CreateStreamForm } from '../../src/components/CreateStreamForm';
import { StreamBroadcaster } from '../../src/components/StreamBroadcaster';
import { StreamViewer } from '../../src/components/StreamViewer';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import { DEFAULT_SERVER_FEATURES, useServerFeatures } from '../../src/hooks/use-server-features';
import type { ServerConfig, ServerFeatures } from '../../src/sdk/types';
import { FakeWebSocket, fakeFetch, type FakeRoute } from '../fakes';
import { stream } from '../sdk/recorded';

function config(features: Partial<ServerFeatures>): ServerConfig {
  return {
    features: { ...DEFAULT_SERVER_FEATURES, ...features },
    ingestUrl: 'rtmp://srv:1935/live',
    hlsBaseUrl: 'http://srv/hls',
  };
}

function setup(routes: FakeRoute[]) {
  const f = fakeFetch(routes);
  const nchat = createNchat({ baseUrl: 'http://srv', token: 'tok', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
  const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
  return { f, wrapper, nchat };
}

const configCalls = (f: ReturnType<typeof fakeFetch>) => f.calls.filter((c) => c.url.endsWith('/api/config'));

describe('useServerFeatures', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('counts everything as on until the server answers, then has its values; one request per client', async () => {
    const { f, wrapper } = setup([{ method: 'GET', path: '/api/config', body: config({ streamChat: false, maxStreamDuration: 90 }) }]);
    const { result } = renderHook(() => useServerFeatures(), { wrapper });
    expect(result.current.isLoading).toBe(true);
    expect(result.current.features).toEqual(DEFAULT_SERVER_FEATURES);
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.features).toEqual({ ...DEFAULT_SERVER_FEATURES, streamChat: false, maxStreamDuration: 90 });
    expect(result.current.config?.ingestUrl).toBe('rtmp://srv:1935/live');
    expect(result.current.error).toBeNull();

    // A second component with the same client: the cached answer at once, no second request.
    const second = renderHook(() => useServerFeatures(), { wrapper });
    expect(second.result.current.features.streamChat).toBe(false);
    expect(second.result.current.isLoading).toBe(false);
    expect(configCalls(f)).toHaveLength(1);
    // Public: sent without the token.
    expect(configCalls(f)[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps everything on when the server cannot say (an older server: 404)', async () => {
    const { wrapper } = setup([]);
    const { result } = renderHook(() => useServerFeatures(), { wrapper });
    await waitFor(() => expect(result.current.error?.code).toBe('not_found'));
    expect(result.current.features).toEqual(DEFAULT_SERVER_FEATURES);
    expect(result.current.isLoading).toBe(false);
  });
});

describe('components follow the server features', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  const viewerRoutes = (features: Partial<ServerFeatures>): FakeRoute[] => [
    { method: 'GET', path: '/api/config', body: config(features) },
    { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stream },
    { method: 'GET', path: /chat$/, body: [] },
  ];

  it('StreamViewer shows chat and reactions on a server that has them', async () => {
    const { wrapper } = setup(viewerRoutes({}));
    render(<StreamViewer streamId={stream.id} />, { wrapper });
    await screen.findByRole('region', { name: 'Live chat' });
    expect(screen.getByRole('group', { name: 'Reactions' })).toBeTruthy();
    expect(screen.queryByText('Chat is turned off on this server.')).toBeNull();
  });

  it('StreamViewer has no chat panel and no reaction bar when the server turns them off', async () => {
    const { wrapper } = setup(viewerRoutes({ streamChat: false, streamReactions: false }));
    render(<StreamViewer streamId={stream.id} />, { wrapper });
    await screen.findByText('Chat is turned off on this server.');
    expect(screen.queryByRole('region', { name: 'Live chat' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Chat message' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Reactions' })).toBeNull();
  });

  it('CreateStreamForm has no schedule field when scheduling is off', async () => {
    const { wrapper, f } = setup([{ method: 'GET', path: '/api/config', body: config({ streamScheduling: false }) }]);
    render(<CreateStreamForm channelId={stream.channelId} onSubmit={() => undefined} />, { wrapper });
    expect(screen.getByLabelText('Schedule (optional)')).toBeTruthy(); // on until the server answers
    await waitFor(() => expect(screen.queryByLabelText('Schedule (optional)')).toBeNull());
    expect(configCalls(f)).toHaveLength(1);
  });

  it('the studio says going live is off, shows the duration limit and the server’s warning', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      mediaDevices: { enumerateDevices: vi.fn(async () => []), addEventListener() {}, removeEventListener() {} },
    });
    const { wrapper } = setup([
      { method: 'GET', path: '/api/config', body: config({ liveStreaming: false, maxStreamDuration: 60 }) },
      { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: { ...stream, streamKey: undefined } },
    ]);
    render(<StreamBroadcaster channelId={stream.channelId} streamId={stream.id} />, { wrapper });
    await screen.findByText('Going live is turned off on this server.');
    expect(screen.getByText('Streams end after 60 minutes.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Go live from this browser' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Turn on camera' })).toBeNull();

    const ws = FakeWebSocket.last();
    act(() => ws.accept(true));
    const message = 'This stream reaches the server’s maximum duration of 60 minutes and will end at 2030-01-01T01:00:00Z.';
    act(() =>
      ws.deliver({
        type: 'stream.warning',
        streamId: stream.id,
        data: { reason: 'max_duration', endsAt: '2030-01-01T01:00:00Z', message },
      }),
    );
    expect((await screen.findByText(message)).getAttribute('role')).toBe('alert');
  });
});
