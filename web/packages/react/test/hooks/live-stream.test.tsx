import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamViewer } from '../../src/components/StreamViewer';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import { useLiveStream } from '../../src/hooks/use-live-stream';
import { FakeWebSocket, fakeFetch, type FakeRoute } from '../fakes';
import { stream } from '../sdk/recorded';

function setup(routes: FakeRoute[]) {
  const f = fakeFetch(routes);
  const nchat = createNchat({ baseUrl: 'http://srv', token: 'tok', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
  const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
  return { f, wrapper, nchat };
}

// What GET answers: the server shows a stream's key only when it makes it (docs/api.md).
const stored: Partial<typeof stream> = { ...stream };
delete stored.streamKey;

function stubMedia() {
  const track = { kind: 'video', stop: vi.fn(), getSettings: () => ({}) };
  const media = { getTracks: () => [track], getVideoTracks: () => [track], getAudioTracks: () => [] };
  vi.stubGlobal('navigator', {
    ...navigator,
    mediaDevices: {
      getUserMedia: vi.fn(async () => media),
      enumerateDevices: vi.fn(async () => []),
      addEventListener() {},
      removeEventListener() {},
    },
  });
}

describe('useLiveStream', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('creates a stream (onStreamCreated), joins its room for the viewer count, and regenerates the key', async () => {
    const { wrapper, f } = setup([
      { method: 'POST', path: '/api/streams/create', status: 201, body: stream },
      { method: 'POST', path: /\/key$/, body: { ...stream, streamKey: 'new-key' } },
    ]);
    const created = vi.fn();
    const { result } = renderHook(() => useLiveStream({ onStreamCreated: created }), { wrapper });
    await act(async () => {
      await result.current.createStream({ channelId: stream.channelId, title: 'Hello', maxResolution: '720p' });
    });
    expect(created).toHaveBeenCalledWith(stream);
    expect(result.current.stream?.id).toBe(stream.id);
    expect(JSON.parse(f.calls[0]?.body ?? '')).toEqual({ channelId: stream.channelId, title: 'Hello', maxResolution: '720p' });
    const ws = FakeWebSocket.last();
    act(() => ws.accept(true));
    act(() => ws.deliver({ type: 'viewers', streamId: stream.id, data: { count: 3 } }));
    expect(result.current.viewerCount).toBe(3);
    await act(async () => {
      await result.current.regenerateKey();
    });
    expect(result.current.stream?.streamKey).toBe('new-key');
    expect(result.current.streamKey).toBe('new-key');
  });

  it('without the key (another page, after a reload) it says to regenerate it, and sends nothing', async () => {
    const { wrapper, f } = setup([{ method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stored }]);
    stubMedia();
    const { result } = renderHook(() => useLiveStream({ streamId: stream.id }), { wrapper });
    await waitFor(() => expect(result.current.stream?.id).toBe(stream.id));
    expect(result.current.streamKey).toBeNull();
    await act(async () => {
      await result.current.startBroadcast('720p');
    });
    expect(result.current.error?.message).toMatch(/shown only once.*Regenerate the key/);
    expect(f.calls.some((c) => c.url.endsWith('/api/whip'))).toBe(false);
  });

  it("publishes to /api/whip with the stream's key (not the API token), and says plainly what a 409 means", async () => {
    const { wrapper, f, nchat } = setup([
      { method: 'POST', path: '/api/streams/create', status: 201, body: stream },
      { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stored },
      { method: 'POST', path: '/api/whip', status: 409, body: { error: { code: 'conflict', message: 'stream already has a publisher' } } },
    ]);
    // Created on this page (the studio), managed on the next (the control room): the client
    // remembers the key the create answer had.
    await nchat.client.createStream({ channelId: stream.channelId, title: 'Hello' });
    stubMedia();
    class PC extends EventTarget {
      iceGatheringState = 'complete';
      connectionState = 'new';
      addTransceiver() {
        return { sender: {}, setCodecPreferences() {} };
      }
      async createOffer() {
        return { type: 'offer', sdp: 'v=0\r\n' };
      }
      async setLocalDescription() {}
      get localDescription() {
        return { sdp: 'v=0\r\n' };
      }
      close() {}
    }
    vi.stubGlobal('RTCPeerConnection', PC);
    const onError = vi.fn();
    const { result } = renderHook(() => useLiveStream({ streamId: stream.id, onError }), { wrapper });
    await waitFor(() => expect(result.current.stream?.id).toBe(stream.id));
    await act(async () => {
      await result.current.startBroadcast('720p');
    });
    const post = f.calls.find((c) => c.method === 'POST' && c.url.endsWith('/api/whip'));
    expect(post?.url).toBe('http://srv/api/whip');
    expect(post?.headers.authorization).toBe(`Bearer ${stream.streamKey}`);
    expect(post?.headers['content-type']).toBe('application/sdp');
    expect(result.current.error?.code).toBe('conflict');
    expect(result.current.error?.message).toBe('This stream already has a publisher, or has ended.');
    expect(result.current.connectionState).toBe('failed');
    expect(result.current.isBroadcasting).toBe(false);
    expect(onError).toHaveBeenCalled();
  });
});

describe('StreamViewer states', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('shows when a scheduled stream starts, and that an ended one has ended (chat closed)', async () => {
    let current: Record<string, unknown> = { ...stream, status: 'scheduled', scheduledAt: '2030-01-02T15:00:00.000Z' };
    const { wrapper } = setup([
      {
        method: 'GET',
        path: /^\/api\/streams\/[^/]+$/,
        get body() {
          return current;
        },
      },
      { method: 'GET', path: /chat$/, body: [] },
    ]);
    const { rerender } = render(<StreamViewer streamId={stream.id} />, { wrapper });
    await screen.findByText(/Starts .*2030/);
    expect(screen.getByText(/Chat is open while you wait/)).toBeTruthy();
    current = { ...stream, status: 'ended', scheduledAt: null };
    const ws = FakeWebSocket.last();
    act(() => ws.accept(true));
    act(() => ws.deliver({ type: 'stream.status', streamId: stream.id, data: { status: 'ended' } }));
    rerender(<StreamViewer streamId={stream.id} />);
    await screen.findByText('The stream has ended.');
    expect(screen.getByText(/chat is closed/)).toBeTruthy();
  });

  it('plays over WebRTC on "Low latency (WebRTC)" and falls back to HLS, saying why, when the server refuses', async () => {
    const { wrapper, f } = setup([
      { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: { ...stream, status: 'live' } },
      { method: 'GET', path: /chat$/, body: [] },
      {
        method: 'POST',
        path: `/api/whep/${stream.id}`,
        status: 409,
        headers: { 'retry-after': '1' },
        body: { error: { code: 'not_live', message: 'the stream has no media yet' } },
      },
    ]);
    class PC extends EventTarget {
      iceGatheringState = 'complete';
      connectionState = 'new';
      addTransceiver() {
        return {};
      }
      async createOffer() {
        return { type: 'offer', sdp: 'v=0\r\n' };
      }
      async setLocalDescription() {}
      get localDescription() {
        return { sdp: 'v=0\r\n' };
      }
      close() {}
    }
    vi.stubGlobal('RTCPeerConnection', PC);
    vi.stubGlobal('MediaStream', class {});
    render(<StreamViewer streamId={stream.id} />, { wrapper });
    const toggle = await screen.findByRole('button', { name: 'Low latency (WebRTC)' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    act(() => toggle.click());
    await screen.findByText(/Low latency is not available now \(the stream has no media yet\); playing the normal stream/);
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    const post = f.calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe(`http://srv/api/whep/${stream.id}`);
    expect(post?.headers.authorization).toBeUndefined();
    vi.unstubAllGlobals();
  });
});
