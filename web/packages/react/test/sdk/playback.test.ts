// Private playback (docs/api.md, "Private playback"): the token route, the token in URLs, its
// renewal before expiry (fake timers), and the running player sending the newest token with
// every request: through hls.js 1.7's own XHR loader, and through Safari's native HLS.
import type Hls from 'hls.js';
import type { HlsConfig, LoaderCallbacks, LoaderConfiguration, LoaderContext } from 'hls.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HlsPlayer } from '../../src/sdk/hls-player';
import { PlaybackAccess } from '../../src/sdk/playback-access';
import { hasPlaybackToken, withPlaybackToken } from '../../src/sdk/playback-url';
import { NchatClient } from '../../src/sdk/rest-client';
import type { PlaybackToken } from '../../src/sdk/types';
import { fakeFetch } from '../fakes';

// hls.js stands in for the player: the test reads the configuration HlsPlayer gives it.
const hlsState = vi.hoisted(() => ({ configs: [] as Record<string, unknown>[], sources: [] as string[], supported: true }));
vi.mock('hls.js/light', () => {
  class FakeHls {
    static isSupported = () => hlsState.supported;
    static Events = { MANIFEST_PARSED: 'm', LEVEL_SWITCHED: 'l', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'networkError', MEDIA_ERROR: 'mediaError' };
    constructor(config: Record<string, unknown>) {
      hlsState.configs.push(config);
    }
    on() {}
    loadSource(url: string) {
      hlsState.sources.push(url);
    }
    attachMedia() {}
    destroy() {}
  }
  return { default: FakeHls };
});

const T0 = Date.parse('2026-12-03T18:00:00Z');
const token = (t: string, expiresInMs = 300_000): PlaybackToken => ({
  token: t,
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  hlsUrl: `http://srv/hls/s1/master.m3u8?token=${t}`,
  whepUrl: `http://srv/api/whep/s1?token=${t}`,
});

describe('NchatClient.playbackToken', () => {
  it('POSTs with the user token and returns the typed answer', async () => {
    const body = token('pt1');
    const f = fakeFetch([{ method: 'POST', path: '/api/streams/s1/playback-token', body }]);
    const c = new NchatClient({ baseUrl: 'http://srv', token: 'ncl_user', fetch: f.fetch });
    const t = await c.playbackToken('s1');
    expect(t).toEqual(body);
    expect(f.calls[0]?.method).toBe('POST');
    expect(f.calls[0]?.headers.authorization).toBe('Bearer ncl_user');
    expect(f.calls[0]?.body).toBeUndefined();
  });

  it("is refused with the server's code (404 for one who may not view the stream)", async () => {
    const f = fakeFetch([
      { method: 'POST', path: /playback-token$/, status: 404, body: { error: { code: 'not_found', message: 'no stream s1' } } },
    ]);
    const c = new NchatClient({ baseUrl: 'http://srv', token: 'ncl_user', fetch: f.fetch });
    await expect(c.playbackToken('s1')).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it("plays the token's hlsUrl, or the configured HLS base with the token", () => {
    const stream = { id: 's1', hlsManifestUrl: 'http://srv/hls/s1/master.m3u8' };
    const t = token('pt1');
    expect(new NchatClient({ baseUrl: 'http://srv' }).playbackManifestUrl(stream, t)).toBe(t.hlsUrl);
    expect(new NchatClient({ baseUrl: 'http://srv', hlsBaseUrl: 'https://cdn.example/live/' }).playbackManifestUrl(stream, t)).toBe(
      'https://cdn.example/live/s1/master.m3u8?token=pt1',
    );
  });
});

describe('withPlaybackToken', () => {
  it('replaces the token in place and keeps the other parameters and their order', () => {
    expect(withPlaybackToken('http://h/hls/s/720p/index.m3u8?_HLS_msn=12&token=old&_HLS_part=2', 'new')).toBe(
      'http://h/hls/s/720p/index.m3u8?_HLS_msn=12&token=new&_HLS_part=2',
    );
    expect(withPlaybackToken('http://h/a.m4s?token=old', 'n')).toBe('http://h/a.m4s?token=n');
  });
  it('adds one where there is none, before a fragment, encoded', () => {
    expect(withPlaybackToken('http://h/m.m3u8', 'a+b/c')).toBe('http://h/m.m3u8?token=a%2Bb%2Fc');
    expect(withPlaybackToken('http://h/m.m3u8?x=1#t=3', 't')).toBe('http://h/m.m3u8?x=1&token=t#t=3');
  });
  it('leaves a single token when the URL had two, and tells which URLs carry one', () => {
    expect(withPlaybackToken('/m?token=a&token=b', 'c')).toBe('/m?token=c');
    expect(hasPlaybackToken('/m?token=a')).toBe(true);
    expect(hasPlaybackToken('/m?x=1&token=')).toBe(true);
    expect(hasPlaybackToken('/m?mytoken=a')).toBe(false);
    expect(hasPlaybackToken('/m#token=a')).toBe(false);
  });
});

describe('PlaybackAccess', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  function serverWith(answers: (() => PlaybackToken | Error)[]) {
    const calls: number[] = [];
    const client = {
      playbackToken: vi.fn(async () => {
        calls.push(Date.now() - T0);
        const a = answers.shift();
        if (!a) throw new Error('no more answers');
        const v = a();
        if (v instanceof Error) throw v;
        return v;
      }),
    };
    return { client, calls };
  }

  it('renews 60 s before expiresAt and hands out each new token', async () => {
    const { client, calls } = serverWith([() => token('t1'), () => token('t2'), () => token('t3')]);
    const a = new PlaybackAccess(client, 's1');
    const seen: string[] = [];
    a.on('token', (t) => seen.push(t.token));
    expect((await a.start()).token).toBe('t1');
    await vi.advanceTimersByTimeAsync(239_999);
    expect(calls).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([0, 240_000]);
    expect(seen).toEqual(['t2']);
    expect(a.current?.token).toBe('t2');
    await vi.advanceTimersByTimeAsync(240_000);
    expect(calls).toEqual([0, 240_000, 480_000]);
    expect(seen).toEqual(['t2', 't3']);
    a.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(3);
  });

  it('retries a failed renewal with a growing delay, keeping the token it has', async () => {
    const { NchatError } = await import('../../src/sdk/errors');
    const down = () => new NchatError('network', 'cannot reach the server');
    const { client, calls } = serverWith([() => token('t1'), down, down, () => token('t2')]);
    const a = new PlaybackAccess(client, 's1');
    const errors: { code: string; fatal: boolean }[] = [];
    a.on('error', ({ error, fatal }) => errors.push({ code: error.code, fatal }));
    await a.start();
    await vi.advanceTimersByTimeAsync(240_000 + 2_000 + 4_000);
    expect(calls).toEqual([0, 240_000, 242_000, 246_000]);
    expect(errors).toEqual([
      { code: 'network', fatal: false },
      { code: 'network', fatal: false },
    ]);
    expect(a.current?.token).toBe('t2');
    a.stop();
  });

  it('stops with a fatal no_access error when the server refuses a renewal (access revoked)', async () => {
    const { NchatError } = await import('../../src/sdk/errors');
    const { client, calls } = serverWith([() => token('t1'), () => new NchatError('not_found', 'no stream s1', { status: 404 })]);
    const a = new PlaybackAccess(client, 's1');
    const errors: { code: string; fatal: boolean; message: string }[] = [];
    a.on('error', ({ error, fatal }) => errors.push({ code: error.code, fatal, message: error.message }));
    await a.start();
    await vi.advanceTimersByTimeAsync(240_000);
    expect(errors).toEqual([{ code: 'no_access', fatal: true, message: 'You no longer have access to this stream.' }]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toEqual([0, 240_000]);
  });

  it('waits at least 10 s when the token looks (nearly) expired on a clock ahead of the server', async () => {
    const { client, calls } = serverWith([() => token('t1', 30_000), () => token('t2', -5_000), () => token('t3')]);
    const a = new PlaybackAccess(client, 's1');
    await a.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toEqual([0, 10_000, 20_000]);
    a.stop();
  });
});

describe('HlsPlayer with a playback token', () => {
  beforeEach(() => {
    hlsState.configs.length = 0;
    hlsState.sources.length = 0;
    hlsState.supported = true;
  });

  // A fake XMLHttpRequest under hls.js's real XHR loader: the URL each request is opened with.
  class FakeXhr {
    static opened: string[] = [];
    readyState = 0;
    status = 0;
    responseType = '';
    onreadystatechange: (() => void) | null = null;
    onprogress: (() => void) | null = null;
    open(_method: string, url: string) {
      this.readyState = 1;
      FakeXhr.opened.push(url);
    }
    setRequestHeader() {}
    send() {}
    abort() {}
  }

  async function requestThroughHlsJs(config: Partial<HlsConfig>, url: string): Promise<string | undefined> {
    const real = (await vi.importActual<{ default: typeof Hls }>('hls.js/light')).default;
    const Loader = real.DefaultConfig.loader;
    FakeXhr.opened = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    try {
      const loader = new Loader({ ...real.DefaultConfig, ...config } as HlsConfig);
      const policy = { maxTimeToFirstByteMs: 10_000, maxLoadTimeMs: 10_000, timeoutRetry: null, errorRetry: null };
      loader.load(
        { url, responseType: 'text' } as LoaderContext,
        { loadPolicy: policy, timeout: 10_000, maxRetry: 0, retryDelay: 0, maxRetryDelay: 0 } as LoaderConfiguration,
        { onSuccess() {}, onError() {}, onTimeout() {} } as unknown as LoaderCallbacks<LoaderContext>,
      );
      await vi.waitFor(() => expect(FakeXhr.opened.length).toBeGreaterThan(0));
      await Promise.resolve();
      expect(FakeXhr.opened).toHaveLength(1); // hls.js does not open it a second time
      loader.destroy();
      return FakeXhr.opened[0];
    } finally {
      vi.unstubAllGlobals();
    }
  }

  it("sends hls.js's next requests with the renewed token, without a new player or source", async () => {
    const video = document.createElement('video');
    const p = new HlsPlayer({ manifestUrl: 'http://srv/hls/s1/master.m3u8?token=t1', videoElement: video, playbackToken: 't1' });
    await p.load();
    const config = hlsState.configs[0] as Partial<HlsConfig>;
    expect(hlsState.sources).toEqual(['http://srv/hls/s1/master.m3u8?token=t1']);
    // A part URI as the server wrote it into a playlist fetched with t1, plus LL-HLS directives.
    const part = 'http://srv/hls/s1/720p/part12.3.m4s?token=t1';
    expect(await requestThroughHlsJs(config, part)).toBe(part);
    p.setPlaybackToken('t2');
    expect(await requestThroughHlsJs(config, part)).toBe('http://srv/hls/s1/720p/part12.3.m4s?token=t2');
    expect(await requestThroughHlsJs(config, 'http://srv/hls/s1/720p/index.m3u8?token=t1&_HLS_msn=12&_HLS_part=3')).toBe(
      'http://srv/hls/s1/720p/index.m3u8?token=t2&_HLS_msn=12&_HLS_part=3',
    );
    // A URL the server gave no token is not ours to change.
    expect(await requestThroughHlsJs(config, 'https://elsewhere.example/x.m4s')).toBe('https://elsewhere.example/x.m4s');
    expect(hlsState.configs).toHaveLength(1);
    expect(hlsState.sources).toHaveLength(1);
    p.destroy();
  });

  it('leaves hls.js alone for a public stream', async () => {
    const p = new HlsPlayer({ manifestUrl: 'http://srv/hls/s1/master.m3u8', videoElement: document.createElement('video') });
    await p.load();
    expect((hlsState.configs[0] as Partial<HlsConfig>).xhrSetup).toBeUndefined();
    p.destroy();
  });

  it("gives Safari's native HLS the manifest again with the new token (it cannot rewrite requests)", async () => {
    hlsState.supported = false;
    const video = document.createElement('video');
    video.canPlayType = () => 'maybe';
    const p = new HlsPlayer({
      manifestUrl: 'http://srv/hls/s1/master.m3u8?token=t1',
      videoElement: video,
      playbackToken: 't1',
      autoStart: false,
    });
    await p.load();
    expect(video.src).toBe('http://srv/hls/s1/master.m3u8?token=t1');
    p.setPlaybackToken('t2');
    expect(video.src).toBe('http://srv/hls/s1/master.m3u8?token=t2');
    p.destroy();
  });
});
