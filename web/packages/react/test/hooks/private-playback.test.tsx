// A private stream on the watch page (StreamViewer, useStreamViewer): the player loads the
// playback token's hlsUrl, the renewed token goes to the running hls.js without a new player, and
// a renewal refused (access revoked) stops playback with "You no longer have access to this
// stream." hls.js is a stand-in here; tests/pages/private.test.mjs plays through the real server.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import type { HlsConfig, LoaderContext } from 'hls.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamViewer } from '../../src/components/StreamViewer';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import type { Stream } from '../../src/sdk/types';
import { FakeWebSocket, fakeFetch, type FakeRoute } from '../fakes';
import { stream } from '../sdk/recorded';

interface FakeHlsInstance {
  config: Partial<HlsConfig>;
  sources: string[];
  destroyed: boolean;
}
const hlsState = vi.hoisted(() => ({ instances: [] as FakeHlsInstance[] }));
vi.mock('hls.js/light', () => {
  class FakeHls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'm', LEVEL_SWITCHED: 'l', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'networkError', MEDIA_ERROR: 'mediaError' };
    sources: string[] = [];
    destroyed = false;
    levels = [];
    currentLevel = -1;
    constructor(readonly config: Partial<HlsConfig>) {
      hlsState.instances.push(this);
    }
    on() {}
    loadSource(url: string) {
      this.sources.push(url);
    }
    attachMedia() {}
    destroy() {
      this.destroyed = true;
    }
  }
  return { default: FakeHls };
});

const T0 = Date.parse('2026-12-03T18:00:00Z');
const tokenAnswer = (t: string) => ({
  token: t,
  expiresAt: new Date(Date.now() + 300_000).toISOString(),
  hlsUrl: `http://srv/hls/${stream.id}/master.m3u8?token=${t}`,
  whepUrl: `http://srv/api/whep/${stream.id}?token=${t}`,
});

function setup(isPrivate: boolean, tokenAnswers: (() => FakeRoute)[]) {
  const live: Stream = { ...stream, status: 'live', isPrivate, hlsManifestUrl: `http://srv/hls/${stream.id}/master.m3u8` };
  const routes: FakeRoute[] = [{ method: 'GET', path: `/api/streams/${stream.id}`, body: live }];
  const f = fakeFetch(routes);
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith('/playback-token')) {
      const next = tokenAnswers.shift();
      if (!next) throw new TypeError('no more token answers');
      routes[1] = next();
    }
    return f.fetch(input, init);
  }) as typeof fetch;
  const nchat = createNchat({ baseUrl: 'http://srv', token: 'ncl_bob', fetch: fetchFn }, FakeWebSocket as unknown as typeof WebSocket);
  render(
    <NchatProvider value={nchat}>
      <StreamViewer streamId={stream.id} hideChat />
    </NchatProvider>,
  );
  return { calls: f.calls };
}

const ok = (t: string) => (): FakeRoute => ({ method: 'POST', path: /playback-token$/, body: tokenAnswer(t) });
const refused = (): FakeRoute => ({
  method: 'POST',
  path: /playback-token$/,
  status: 404,
  body: { error: { code: 'not_found', message: 'no stream' } },
});

/** The URL hls.js would open for `url` after its xhrSetup ran. */
function requested(config: Partial<HlsConfig>, url: string): string {
  let opened = url;
  const xhr = { open: (_m: string, u: string) => (opened = u) } as unknown as XMLHttpRequest;
  void config.xhrSetup?.(xhr, url, { url } as LoaderContext);
  return opened;
}

describe('a private stream in StreamViewer', () => {
  beforeEach(() => {
    hlsState.instances.length = 0;
    FakeWebSocket.reset();
    // Advancing with real time too: Testing Library waits on a setTimeout(0) after each act.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('plays with a token, and sends the renewed one with the next requests of the same player', async () => {
    const { calls } = setup(true, [ok('t1'), ok('t2')]);
    await waitFor(() => expect(hlsState.instances[0]?.sources).toEqual([`http://srv/hls/${stream.id}/master.m3u8?token=t1`]));
    const tokenCalls = () => calls.filter((c) => c.url.endsWith('/playback-token'));
    expect(tokenCalls()[0]).toMatchObject({ method: 'POST', headers: { authorization: 'Bearer ncl_bob' } });
    const hls = hlsState.instances[0] as FakeHlsInstance;
    const segment = `http://srv/hls/${stream.id}/source/seg3.m4s?token=t1`;
    expect(requested(hls.config, segment)).toBe(segment);
    await act(() => vi.advanceTimersByTimeAsync(240_000));
    expect(tokenCalls()).toHaveLength(2);
    expect(requested(hls.config, segment)).toBe(`http://srv/hls/${stream.id}/source/seg3.m4s?token=t2`);
    expect(hlsState.instances).toHaveLength(1);
    expect(hls.destroyed).toBe(false);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('stops and says so when a renewal is refused (access revoked)', async () => {
    setup(true, [ok('t1'), refused]);
    await waitFor(() => expect(hlsState.instances).toHaveLength(1));
    await act(() => vi.advanceTimersByTimeAsync(240_000));
    expect((await screen.findByRole('alert')).textContent).toBe('You no longer have access to this stream.');
    expect(hlsState.instances[0]?.destroyed).toBe(true);
    expect(hlsState.instances).toHaveLength(1);
  });

  it('asks no token for a public stream', async () => {
    const { calls } = setup(false, []);
    await waitFor(() => expect(hlsState.instances[0]?.sources).toEqual([`http://srv/hls/${stream.id}/master.m3u8`]));
    expect(calls.some((c) => c.url.endsWith('/playback-token'))).toBe(false);
    expect(hlsState.instances[0]?.config.xhrSetup).toBeUndefined();
  });
});
