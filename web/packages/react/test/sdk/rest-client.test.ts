import { describe, expect, it, vi } from 'vitest';
import { NchatClient } from '../../src/sdk/rest-client';
import { NchatError } from '../../src/sdk/errors';
import { fakeFetch } from '../fakes';
import { chatMessage, guest, stream } from './recorded';

describe('NchatClient', () => {
  it('sends the bearer token and JSON body, and returns the typed answer', async () => {
    const f = fakeFetch([{ method: 'POST', path: '/api/streams/create', status: 201, body: stream }]);
    const c = new NchatClient({ baseUrl: 'http://srv:8080/', token: 'ncl_abc', fetch: f.fetch });
    const s = await c.createStream({ channelId: stream.channelId, title: 'Hello' });
    expect(s.id).toBe(stream.id);
    expect(s.streamKey).toBe(stream.streamKey);
    expect(c.streamKey(s.id)).toBe(stream.streamKey); // shown once by the server: kept here
    expect(f.calls[0]?.url).toBe('http://srv:8080/api/streams/create');
    expect(f.calls[0]?.headers.authorization).toBe('Bearer ncl_abc');
    expect(JSON.parse(f.calls[0]?.body ?? '')).toEqual({ channelId: stream.channelId, title: 'Hello' });
  });

  it('fills path parameters (encoded) and query parameters, leaving out undefined ones', async () => {
    const f = fakeFetch([{ method: 'GET', path: /\/chat$/, body: [] }]);
    const c = new NchatClient({ baseUrl: 'http://srv', fetch: f.fetch });
    await c.getChat('a/b', { limit: 50, after: undefined });
    expect(f.calls[0]?.url).toBe('http://srv/api/streams/a%2Fb/chat?limit=50');
    expect(f.calls[0]?.headers.authorization).toBeUndefined();
  });

  it('asks the chat and the reactions of a stretch of the recording by media time', async () => {
    const f = fakeFetch([
      { method: 'GET', path: /\/chat$/, body: [{ ...chatMessage, mediaMs: 2500 }] },
      { method: 'GET', path: /\/reactions$/, body: [] },
    ]);
    const c = new NchatClient({ baseUrl: 'http://srv', fetch: f.fetch });
    const chat = await c.getChatAt('s1', { fromMs: 0, toMs: 120_000, limit: 500 });
    expect(chat[0]?.mediaMs).toBe(2500);
    await c.getReactionsAt('s1', { fromMs: 5000 });
    expect(f.calls.map((x) => x.url)).toEqual([
      'http://srv/api/streams/s1/chat?fromMs=0&toMs=120000&limit=500',
      'http://srv/api/streams/s1/reactions?fromMs=5000',
    ]);
  });

  it("turns the server's JSON error into an NchatError with code, field, status and Retry-After", async () => {
    const f = fakeFetch([
      {
        method: 'POST',
        path: /\/chat$/,
        status: 429,
        body: { error: { code: 'rate_limited', message: 'too many requests; slow down' } },
        headers: { 'content-type': 'application/json', 'retry-after': '2' },
      },
      {
        method: 'PATCH',
        path: /^\/api\/streams\/[^/]+$/,
        status: 400,
        body: { error: { code: 'validation_failed', message: 'status is read-only', field: 'status' } },
      },
    ]);
    const c = new NchatClient({ baseUrl: 'http://srv', token: 't', fetch: f.fetch });
    const e1 = await c.sendChat('s1', 'hi').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(NchatError);
    expect(e1).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 2 });
    const e2 = await c.updateStream('s1', { title: 'x' }).catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'validation_failed', field: 'status', status: 400 });
  });

  it('reports an unreachable server as a network error', async () => {
    const c = new NchatClient({ baseUrl: 'http://srv', fetch: (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch });
    await expect(c.getStream('x')).rejects.toMatchObject({ code: 'network' });
  });

  it('asks a token function at every request', async () => {
    const f = fakeFetch([{ method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stream }]);
    let token: string | null = null;
    const c = new NchatClient({ baseUrl: 'http://srv', token: () => token, fetch: f.fetch });
    await c.getStream('x');
    token = 'jwt';
    await c.getStream('x');
    expect(f.calls.map((x) => x.headers.authorization)).toEqual([undefined, 'Bearer jwt']);
  });

  it('builds the manifest URL from hlsBaseUrl when configured, else uses the server one', () => {
    const c = new NchatClient({ baseUrl: 'http://srv' });
    expect(c.manifestUrl(stream)).toBe(stream.hlsManifestUrl);
    const d = new NchatClient({ baseUrl: 'http://srv', hlsBaseUrl: 'https://cdn.example/hls/', ingestUrl: 'rtmp://edge/live' });
    expect(d.manifestUrl(stream)).toBe(`https://cdn.example/hls/${stream.id}/master.m3u8`);
    expect(d.ingestUrl(stream)).toBe('rtmp://edge/live');
  });

  describe('createGuest', () => {
    const route = (a: { status: number; headers: Record<string, string>; body: unknown }) => ({ method: 'POST', path: '/api/guest', ...a });

    it('takes a guest name without sending the token it may still hold, and returns the typed guest', async () => {
      const f = fakeFetch([route(guest.created)]);
      const c = new NchatClient({ baseUrl: 'http://srv', token: 'ncg_expired', fetch: f.fetch });
      const g = await c.createGuest('Zoë');
      expect(g.token).toMatch(/^ncg_/);
      expect(g.user).toMatchObject({ name: 'Zoë', role: 'viewer', guest: true });
      expect(Date.parse(g.expiresAt)).toBeGreaterThan(0);
      expect(f.calls[0]?.url).toBe('http://srv/api/guest');
      expect(f.calls[0]?.headers.authorization).toBeUndefined();
      expect(JSON.parse(f.calls[0]?.body ?? '')).toEqual({ displayName: 'Zoë' });
    });

    it('names the field of a refused name (400)', async () => {
      const c = new NchatClient({ baseUrl: 'http://srv', fetch: fakeFetch([route(guest.invalid)]).fetch });
      await expect(c.createGuest('   ')).rejects.toMatchObject({ code: 'validation_failed', status: 400, field: 'displayName' });
    });

    it('says when the server turned guests off (403)', async () => {
      const c = new NchatClient({ baseUrl: 'http://srv', fetch: fakeFetch([route(guest.disabled)]).fetch });
      const e = await c.createGuest('Zoë').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NchatError);
      expect(e).toMatchObject({ code: 'guests_disabled', status: 403 });
    });

    it('gives the seconds to wait when an address took too many names (429)', async () => {
      const c = new NchatClient({ baseUrl: 'http://srv', fetch: fakeFetch([route(guest.rateLimited)]).fetch });
      await expect(c.createGuest('Zoë')).rejects.toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 6 });
    });
  });

  it('tells the host when the server refuses the token it sent (401), and only then', async () => {
    const refused = { error: { code: 'unauthorized', message: 'guest token expired' } };
    const f = fakeFetch([{ method: 'GET', path: /^\/api\/streams\/[^/]+$/, status: 401, body: refused }]);
    const onUnauthorized = vi.fn();
    let token: string | null = 'ncg_old';
    const c = new NchatClient({ baseUrl: 'http://srv', token: () => token, fetch: f.fetch, onUnauthorized });
    await expect(c.getStream('x')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized.mock.calls[0]?.[0]).toBe('ncg_old');
    token = null;
    await expect(c.getStream('x')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
