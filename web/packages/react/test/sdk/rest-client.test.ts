import { describe, expect, it } from 'vitest';
import { NchatClient } from '../../src/sdk/rest-client';
import { NchatError } from '../../src/sdk/errors';
import { fakeFetch } from '../fakes';
import { stream } from './recorded';

describe('NchatClient', () => {
  it('sends the bearer token and JSON body, and returns the typed answer', async () => {
    const f = fakeFetch([{ method: 'POST', path: '/api/streams/create', status: 201, body: stream }]);
    const c = new NchatClient({ baseUrl: 'http://srv:8080/', token: 'ncl_abc', fetch: f.fetch });
    const s = await c.createStream({ channelId: stream.channelId, title: 'Hello' });
    expect(s.id).toBe(stream.id);
    expect(s.streamKey).toBe(stream.streamKey);
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
});
