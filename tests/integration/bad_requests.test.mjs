// A table of bad requests: each gets the right status and a DESIGN.md error body (never a
// dropped connection or a crash), and the server is healthy afterwards and exits cleanly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHmac } from 'node:crypto';
import { Server, uuid } from './lib/harness.mjs';

// Sends raw bytes and reads the whole answer (the server closes after an error).
function rawRequest(base, bytes) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname, () => sock.end(bytes));
    let data = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
    sock.setTimeout(10000, () => { sock.destroy(); reject(new Error('timeout: no answer')); });
  });
}
const statusOf = (raw) => Number((raw.match(/^HTTP\/1\.[01] (\d{3})/) || [])[1]);

const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const jwt = (header, payload, secret = 'integration-secret') => {
  const input = b64(header) + '.' + b64(payload);
  return input + '.' + createHmac('sha256', secret).update(input).digest('base64url');
};

describe('bad requests', () => {
  const srv = new Server({ backend: 'sqlite' });
  let alice, bob, viewer, own, live, ended;
  const channel = uuid();
  const valid = (extra = {}) => ({ channelId: channel, title: 'ok', ...extra });

  before(async () => {
    await srv.start();
    alice = srv.createUser('alice', 'broadcaster');
    bob = srv.createUser('bob', 'broadcaster');
    viewer = srv.createUser('vera', 'viewer');
    own = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: valid() })).json;
    live = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: valid() })).json;
    await srv.req('POST', `/api/streams/${live.id}/start`, { token: alice.token });
    ended = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: valid() })).json;
    await srv.req('POST', `/api/streams/${ended.id}/start`, { token: alice.token });
    await srv.req('POST', `/api/streams/${ended.id}/end`, { token: alice.token });
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  const create = (body, extra = {}) => ({ method: 'POST', path: '/api/streams/create', user: 'alice', body, ...extra });
  // [name, request, expected status, expected error field or code]
  const table = () => [
    // wrong types
    ['title is a number', create(valid({ title: 42 })), 400, { field: 'title' }],
    ['title is null', create(valid({ title: null })), 400, { field: 'title' }],
    ['channelId not a UUID', create(valid({ channelId: 'general' })), 400, { field: 'channelId' }],
    ['channelId a number', create(valid({ channelId: 7 })), 400, { field: 'channelId' }],
    ['enableChat a string', create(valid({ enableChat: 'yes' })), 400, { field: 'enableChat' }],
    ['enableReactions a number', create(valid({ enableReactions: 1 })), 400, { field: 'enableReactions' }],
    ['isPrivate a string', create(valid({ isPrivate: 'false' })), 400, { field: 'isPrivate' }],
    ['tags a string', create(valid({ tags: 'music' })), 400, { field: 'tags' }],
    ['tags hold numbers', create(valid({ tags: [1, 2] })), 400, { field: 'tags' }],
    ['maxResolution 4k', create(valid({ maxResolution: '4k' })), 400, { field: 'maxResolution' }],
    ['chatMode everyone', create(valid({ chatMode: 'everyone' })), 400, { field: 'chatMode' }],
    ['scheduledAt in words', create(valid({ scheduledAt: 'tomorrow' })), 400, { field: 'scheduledAt' }],
    ['scheduledAt without zone', create(valid({ scheduledAt: '2026-12-01T18:00:00' })), 400, { field: 'scheduledAt' }],
    ['scheduledAt a number', create(valid({ scheduledAt: 1790000000 })), 400, { field: 'scheduledAt' }],
    ['thumbnailUrl not http', create(valid({ thumbnailUrl: 'javascript:alert(1)' })), 400, { field: 'thumbnailUrl' }],
    ['description a number', create(valid({ description: 5 })), 400, { field: 'description' }],
    // lengths, in code points
    ['title empty', create(valid({ title: '' })), 400, { field: 'title' }],
    ['title only spaces', create(valid({ title: '   ' })), 400, { field: 'title' }],
    ['title 201 characters', create(valid({ title: 'x'.repeat(201) })), 400, { field: 'title' }],
    ['title 201 emoji', create(valid({ title: '😀'.repeat(201) })), 400, { field: 'title' }],
    ['title with a control character', create(valid({ title: 'a\u0001b' })), 400, { field: 'title' }],
    ['description 5001 characters', create(valid({ description: 'd'.repeat(5001) })), 400, { field: 'description' }],
    ['21 tags', create(valid({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })), 400, { field: 'tags' }],
    ['tag of 51 characters', create(valid({ tags: ['t'.repeat(51)] })), 400, { field: 'tags' }],
    // missing and unknown fields
    ['no channelId', create({ title: 'x' }), 400, { field: 'channelId' }],
    ['no title', create({ channelId: channel }), 400, { field: 'title' }],
    ['unknown field', create(valid({ titel: 'typo' })), 400, { field: 'titel' }],
    // bad JSON
    ['empty body', create(undefined, { raw: '' , headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' }],
    ['truncated JSON', create(undefined, { raw: '{"title":', headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' }],
    ['trailing comma', create(undefined, { raw: '{"title":"a",}', headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' }],
    ['array body', create([1, 2]), 400, { code: 'invalid_json' }],
    ['string body', create('stream'), 400, { code: 'invalid_json' }],
    ['null body', create(null), 400, { code: 'invalid_json' }],
    ['invalid UTF-8', create(undefined, { raw: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' }],
    ['deeply nested JSON', create(undefined, { raw: '['.repeat(5000) + ']'.repeat(5000), headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' }],
    // content type
    ['text/plain body', create(undefined, { raw: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } }), 415, { code: 'unsupported_media_type' }],
    ['form body', create(undefined, { raw: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, { code: 'unsupported_media_type' }],
    // authentication and permissions
    ['create without a token', create(valid(), { user: null }), 401, { code: 'unauthorized' }],
    ['Basic auth', create(valid(), { user: null, headers: { authorization: 'Basic YWxpY2U6cHc=' } }), 401, { code: 'unauthorized' }],
    ['unknown token', create(valid(), { user: null, headers: { authorization: 'Bearer ncl_' + 'A'.repeat(43) } }), 401, { code: 'unauthorized' }],
    ['unknown token on a read', { method: 'GET', path: '/api/streams', headers: { authorization: 'Bearer nope' } }, 401, { code: 'unauthorized' }],
    ['JWT with alg none', create(valid(), { user: null, headers: { authorization: 'Bearer ' + b64({ alg: 'none' }) + '.' + b64({ sub: uuid(), role: 'admin' }) + '.' } }), 401, { code: 'unauthorized' }],
    ['JWT with wrong secret', create(valid(), { user: null, headers: { authorization: 'Bearer ' + jwt({ alg: 'HS256' }, { sub: uuid(), role: 'admin' }, 'guess') } }), 401, { code: 'unauthorized' }],
    ['JWT with unknown role', create(valid(), { user: null, headers: { authorization: 'Bearer ' + jwt({ alg: 'HS256' }, { sub: uuid(), role: 'root' }) } }), 401, { code: 'unauthorized' }],
    ['viewer creates', create(valid(), { user: 'viewer' }), 403, { code: 'forbidden' }],
    ["other user's stream: PATCH", { method: 'PATCH', path: () => `/api/streams/${own.id}`, user: 'bob', body: { title: 'x' } }, 403, { code: 'forbidden' }],
    ["other user's stream: DELETE", { method: 'DELETE', path: () => `/api/streams/${own.id}`, user: 'bob' }, 403, { code: 'forbidden' }],
    ["other user's stream: key", { method: 'POST', path: () => `/api/streams/${own.id}/key`, user: 'bob' }, 403, { code: 'forbidden' }],
    ["other user's stream: start", { method: 'POST', path: () => `/api/streams/${own.id}/start`, user: 'viewer' }, 403, { code: 'forbidden' }],
    ['anonymous PATCH', { method: 'PATCH', path: () => `/api/streams/${own.id}`, body: { title: 'x' } }, 401, { code: 'unauthorized' }],
    // not found, wrong method
    ['stream id not a UUID', { method: 'GET', path: '/api/streams/..%2f..%2fetc' }, 404, { code: 'not_found' }],
    ['unknown stream', { method: 'GET', path: () => `/api/streams/${uuid()}` }, 404, { code: 'not_found' }],
    ['PATCH unknown stream', { method: 'PATCH', path: () => `/api/streams/${uuid()}`, user: 'alice', body: { title: 'x' } }, 404, { code: 'not_found' }],
    ['unknown API route', { method: 'GET', path: '/api/nope' }, 404, { code: 'not_found' }],
    ['wrong method', { method: 'PUT', path: () => `/api/streams/${own.id}`, user: 'alice', body: {} }, 405, {}],
    // query parameters
    ['limit 0', { method: 'GET', path: '/api/streams?limit=0' }, 400, { field: 'limit' }],
    ['limit 101', { method: 'GET', path: '/api/streams?limit=101' }, 400, { field: 'limit' }],
    ['limit abc', { method: 'GET', path: '/api/streams?limit=abc' }, 400, { field: 'limit' }],
    ['offset -1', { method: 'GET', path: '/api/streams?offset=-1' }, 400, { field: 'offset' }],
    ['status bogus', { method: 'GET', path: '/api/streams?status=bogus' }, 400, { field: 'status' }],
    // state
    ['start an ended stream', { method: 'POST', path: () => `/api/streams/${ended.id}/start`, user: 'alice' }, 409, { code: 'wrong_state' }],
    ['delete a live stream', { method: 'DELETE', path: () => `/api/streams/${live.id}`, user: 'alice' }, 409, { code: 'wrong_state' }],
    ['reschedule a live stream', { method: 'PATCH', path: () => `/api/streams/${live.id}`, user: 'alice', body: { scheduledAt: '2030-01-01T00:00:00Z' } }, 409, { code: 'wrong_state' }],
    ['PATCH a read-only field', { method: 'PATCH', path: () => `/api/streams/${own.id}`, user: 'alice', body: { streamKey: 'mine' } }, 400, { field: 'streamKey' }],
    // size
    ['body over 64 KiB', create(undefined, { raw: JSON.stringify(valid({ description: 'x'.repeat(70 * 1024) })), headers: { 'content-type': 'application/json' } }), 413, { code: 'body_too_large' }],
  ];

  it('answers each with the right status and error body', async () => {
    const tokens = { alice: () => alice.token, bob: () => bob.token, viewer: () => viewer.token };
    const rows = table();
    assert.ok(rows.length >= 40, `${rows.length} rows`);
    const failures = [];
    for (const [name, r, status, expect] of rows) {
      const path = typeof r.path === 'function' ? r.path() : r.path;
      const token = r.user ? tokens[r.user]() : undefined;
      const res = await srv.req(r.method, path, { token, body: r.body, raw: r.raw, headers: r.headers ?? {} });
      const problems = [];
      if (res.status !== status) problems.push(`status ${res.status} != ${status}`);
      if (status !== 405 && status !== 413) {
        if (!res.json?.error?.code || !res.json?.error?.message) problems.push(`no error body: ${res.text.slice(0, 200)}`);
      }
      if (expect.field && res.json?.error?.field !== expect.field) problems.push(`field ${res.json?.error?.field} != ${expect.field}`);
      if (expect.code && res.json?.error?.code !== expect.code) problems.push(`code ${res.json?.error?.code} != ${expect.code}`);
      if (problems.length) failures.push(`${name}: ${problems.join('; ')}`);
    }
    assert.deepEqual(failures, []);
  });

  it('answers malformed HTTP and path tricks over a raw socket', async () => {
    const cases = [
      ['garbage request line', 'HELLO\r\n\r\n', [400]],
      ['headers over the limit', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(20 * 1024) + '\r\n\r\n', [431], 'header_too_large'],
      ['traversal with dot segments', 'GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 404]],
      ['traversal percent-encoded', 'GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 404]],
      ['traversal encoded slash', 'GET /assets/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 404]],
      ['NUL in the path', 'GET /index.html%00.png HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 404]],
      ['announced body too large', 'POST /api/streams/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{', [413], 'body_too_large'],
      ['bad chunked encoding', 'POST /api/streams/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n', [400]],
    ];
    const failures = [];
    for (const [name, bytes, statuses, code] of cases) {
      const answer = await rawRequest(srv.base, bytes);
      const s = statusOf(answer);
      if (!statuses.includes(s)) failures.push(`${name}: got ${s} (${answer.slice(0, 80)})`);
      // docs/api.md's error table names these codes; a client matches on them.
      if (code && !answer.includes(`"code":"${code}"`)) failures.push(`${name}: no code ${code} in ${answer.slice(-200)}`);
      if (answer.includes('root:x:0:0')) failures.push(`${name}: leaked /etc/passwd`);
    }
    assert.deepEqual(failures, []);
  });

  it('is still healthy afterwards', async () => {
    const h = await srv.req('GET', '/healthz');
    assert.equal(h.status, 200);
    const s = await srv.req('GET', `/api/streams/${own.id}`, { token: alice.token });
    assert.equal(s.status, 200);
    assert.equal(s.json.title, 'ok', 'no bad request changed anything');
  });
});
