// Guests (docs/api.md, "Guests"): a viewer with no account takes a display name with
// POST /api/guest and chats with the token it gets, over REST and the WebSocket (GET /api/me
// says who it is); bad names are
// refused with the field named, moderators ban guests like anyone, one address gets ten names a
// minute, and a server started with --guests=false refuses both the route and guest tokens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, uuid } from './lib/harness.mjs';
import { WsClient } from './lib/ws_client.mjs';

const expectError = (r, status, code, field) => {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
};

describe('guests', () => {
  const srv = new Server();
  const off = new Server();
  let alice, stream, visitor;
  let issued = 0; // guest names taken from this address so far (the rate limit counts them)
  let firstIssued;
  const guest = async (displayName) => {
    const r = await srv.req('POST', '/api/guest', { body: { displayName } });
    if (r.status === 201) firstIssued ??= Date.now(), issued++;
    return r;
  };

  before(async () => {
    await srv.start();
    await off.start(['--guests=false']);
    alice = srv.createUser('alice', 'broadcaster');
    const r = await srv.req('POST', '/api/streams', { token: alice.token,
      body: { channelId: uuid(), title: 'Open chat' } });
    assert.equal(r.status, 201, r.text);
    stream = r.json;
    visitor = (await guest('Visitor')).json;
  });
  after(async () => {
    for (const s of [srv, off]) {
      const r = await s.stop();
      s.cleanup();
      assert.equal(r.code, 0, `graceful exit; stderr:\n${s.stderr.slice(-3000)}`);
    }
  });

  it('gives a viewer with no account a name to chat with, over REST and the WebSocket', async () => {
    const r = await guest('  Zoë  ');
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.token, /^ncg_/);
    assert.deepEqual(Object.keys(r.json.user).sort(), ['guest', 'id', 'name', 'role']);
    assert.equal(r.json.user.name, 'Zoë');
    assert.equal(r.json.user.role, 'viewer');
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const left = Date.parse(r.json.expiresAt) - Date.now();
    assert.ok(left > 23.9 * 3600e3 && left <= 24 * 3600e3, r.json.expiresAt);

    const said = await srv.req('POST', `/api/streams/${stream.id}/chat`,
      { token: r.json.token, body: { content: 'hello from a guest' } });
    assert.equal(said.status, 201, said.text);
    assert.equal(said.json.userId, r.json.user.id);
    assert.equal(said.json.userName, 'Zoë');

    const ws = await WsClient.open(srv.base);
    try {
      const a = await ws.request({ type: 'auth', token: r.json.token });
      assert.equal(a.type, 'ack', JSON.stringify(a));
      assert.equal(a.data.userId, r.json.user.id);
      assert.equal(a.data.role, 'viewer');
      await ws.subscribe(stream.id);
      const sent = await ws.request({ type: 'chat.send', streamId: stream.id, content: 'and over the socket' });
      assert.equal(sent.type, 'ack', JSON.stringify(sent));
    } finally {
      ws.ws.terminate();
    }
    // Who am I: the guest, and a signed-in user for comparison.
    const me = await srv.req('GET', '/api/me', { token: r.json.token });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json, { ...r.json.user });
    const alices = await srv.req('GET', '/api/me', { token: alice.token });
    assert.deepEqual(alices.json, { id: alice.id, name: 'alice', role: 'broadcaster', guest: false });
    expectError(await srv.req('GET', '/api/me'), 401, 'unauthorized');
    // A viewer: no streams of its own.
    expectError(await srv.req('POST', '/api/streams', { token: r.json.token,
      body: { channelId: uuid(), title: 'mine' } }), 403, 'forbidden');
  });

  it('refuses a name that is missing, empty, too long or not alone, naming the field', async () => {
    expectError(await guest(undefined), 400, 'validation_failed', 'displayName');
    expectError(await guest('   '), 400, 'validation_failed', 'displayName');
    expectError(await guest('x'.repeat(33)), 400, 'validation_failed', 'displayName');
    expectError(await guest('two\nlines'), 400, 'validation_failed', 'displayName');
    expectError(await srv.req('POST', '/api/guest', { body: { displayName: 'Ann', role: 'admin' } }),
      400, 'validation_failed', 'role');
    const text = await srv.req('POST', '/api/guest',
      { raw: 'displayName=Ann', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(text.status, 415, text.text);
    assert.equal((await guest('x'.repeat(32))).status, 201, ' 32 code points is the most');
  });

  it('lets a moderator ban a guest like anyone', async () => {
    const g = (await guest('Spammer')).json;
    const ban = await srv.req('POST', `/api/streams/${stream.id}/bans`,
      { token: alice.token, body: { userId: g.user.id, reason: 'spam' } });
    assert.ok(ban.status === 200 || ban.status === 201, ban.text);
    const said = await srv.req('POST', `/api/streams/${stream.id}/chat`,
      { token: g.token, body: { content: 'buy now' } });
    expectError(said, 403, 'banned');
  });

  it('with --guests=false, refuses the route and every guest token', async () => {
    expectError(await off.req('POST', '/api/guest', { body: { displayName: 'Ann' } }), 403, 'guests_disabled');
    // A guest token authenticates nobody there, nor a forged one anywhere.
    expectError(await off.req('POST', `/api/streams/${stream.id}/chat`,
      { token: visitor.token, body: { content: 'hi' } }), 401, 'unauthorized');
    const token = 'ncg_e30.e30.x';
    expectError(await off.req('POST', `/api/streams/${stream.id}/chat`,
      { token, body: { content: 'hi' } }), 401, 'unauthorized');
    expectError(await srv.req('POST', `/api/streams/${stream.id}/chat`,
      { token, body: { content: 'hi' } }), 401, 'unauthorized');
  });

  it('gives one address ten names a minute, then 429 with Retry-After', async () => {
    // A bucket of ten that refills one every 6 s: a slow run earns back what it took meanwhile.
    let r;
    for (let i = 0; i < 30; i++) {
      r = await guest(`guest ${issued}`);
      if (r.status !== 201) break;
    }
    expectError(r, 429, 'rate_limited');
    const earned = Math.ceil((Date.now() - firstIssued) / 6000);
    assert.ok(issued >= 10 && issued <= 10 + earned, `${issued} names before the 429 (${earned} earned back)`);
    assert.ok(Number(r.headers.get('retry-after')) >= 1, r.headers.get('retry-after'));
  });
});
