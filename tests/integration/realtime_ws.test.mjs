// The realtime protocol over real WebSockets against the real binary (docs/realtime.md): two
// viewers and a broadcaster in one room; order, rate limits, moderation, resume after a
// reconnect, bad frames, viewer counts and heartbeats.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Server, uuid } from './lib/harness.mjs';
import { WsClient, sleep } from './lib/ws_client.mjs';

describe('realtime WebSocket', () => {
  const srv = new Server();
  let bc, v1, v2, stream;
  let bcWs, v1Ws, v2Ws;

  before(async () => {
    // 5 messages a second per user, so a test can send a few in a row and still hit the limit.
    await srv.start(['--chat-rate', '5']);
    bc = srv.createUser('bea', 'broadcaster');
    v1 = srv.createUser('vic', 'viewer');
    v2 = srv.createUser('val', 'viewer');
    const r = await srv.req('POST', '/api/streams/create', { token: bc.token,
      body: { channelId: uuid(), title: 'realtime', enableQa: true } });
    assert.equal(r.status, 201, r.text);
    stream = r.json;
    // The broadcaster and v2 authenticate on the upgrade, v1 with an auth message (browsers).
    bcWs = await WsClient.open(srv.base, { token: bc.token });
    v2Ws = await WsClient.open(srv.base, { token: v2.token });
    v1Ws = await WsClient.open(srv.base);
    assert.equal(v1Ws.hello.data.authenticated, false);
    assert.equal(v1Ws.hello.data.version, 1);
    const a = await v1Ws.request({ type: 'auth', token: v1.token });
    assert.equal(a.type, 'ack', JSON.stringify(a));
    assert.equal(a.data.userId, v1.id);
    for (const c of [bcWs, v1Ws, v2Ws]) await c.subscribe(stream.id);
  });

  after(async () => {
    for (const c of [bcWs, v1Ws, v2Ws]) c?.ws.terminate();
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('delivers chat and reactions to everyone, in the same order, as the REST objects', async () => {
    const before = [bcWs, v1Ws, v2Ws].map((c) => c.log.filter((m) => m.type === 'chat.message' || m.type === 'reaction').length);
    const sent = [];
    sent.push(await bcWs.request({ type: 'chat.send', streamId: stream.id, content: 'welcome 👋' }));
    sent.push(await bcWs.request({ type: 'reaction.send', streamId: stream.id, emoji: '🎉', positionX: 10, positionY: 20 }));
    sent.push(await v1Ws.request({ type: 'chat.send', streamId: stream.id, content: 'hi from vic' }));
    sent.push(await v2Ws.request({ type: 'reaction.send', streamId: stream.id, emoji: '🔥' }));
    sent.push(await v2Ws.request({ type: 'chat.send', streamId: stream.id, content: 'hi from val', isQuestion: false }));
    // And one over REST: the room hears it too.
    const rest = await srv.req('POST', `/api/streams/${stream.id}/chat`, { token: bc.token, body: { content: 'from REST' } });
    assert.equal(rest.status, 201, rest.text);
    for (const s of sent) assert.equal(s.type, 'ack', JSON.stringify(s));
    const expected = [...sent.map((s) => s.data.id), rest.json.id];

    const seqs = [];
    for (const [i, c] of [bcWs, v1Ws, v2Ws].entries()) {
      const n = before[i] + expected.length;
      const deadline = Date.now() + 5000;
      let got;
      while (Date.now() < deadline) {
        got = c.log.filter((m) => m.type === 'chat.message' || m.type === 'reaction').slice(before[i]);
        if (got.length >= expected.length) break;
        await sleep(20);
      }
      assert.equal(got.length, expected.length, `client ${i} got all events`);
      seqs.push(got.map((m) => m.data.id));
      for (const m of got) assert.equal(m.streamId, stream.id);
    }
    assert.deepEqual(seqs[0], expected, 'in the order they were accepted');
    assert.deepEqual(seqs[1], expected);
    assert.deepEqual(seqs[2], expected);

    // data of chat.message is the message object REST returns.
    const list = await srv.req('GET', `/api/streams/${stream.id}/chat?limit=100`, { token: bc.token });
    const fromRest = (list.json.messages ?? list.json.data ?? list.json).find((m) => m.id === sent[2].data.id);
    const fromWs = v2Ws.log.find((m) => m.type === 'chat.message' && m.data.id === sent[2].data.id);
    assert.deepEqual(fromWs.data, fromRest);
    assert.equal(fromWs.data.content, 'hi from vic');
    assert.equal(fromWs.data.userId, v1.id);
    const reaction = v1Ws.log.find((m) => m.type === 'reaction' && m.data.id === sent[1].data.id);
    assert.equal(reaction.data.emoji, '🎉');
    assert.equal(reaction.data.positionX, 10);
    assert.equal(reaction.data.positionY, 20);
  });

  it('refuses the message beyond the rate limit with an error event', async () => {
    await sleep(1100);  // a fresh bucket
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(v1Ws.request({ type: 'chat.send', streamId: stream.id, content: `burst ${i}` }));
    }
    const r = await Promise.all(answers);
    assert.deepEqual(r.map((a) => a.type), ['ack', 'ack', 'ack', 'ack', 'ack', 'error']);
    assert.equal(r[5].data.code, 'rate_limited');
    assert.ok(r[5].data.retryAfter >= 1);
    assert.equal(r[5].streamId, stream.id);
  });

  it('tells a banned user, and only that user, and refuses their messages', async () => {
    const ban = await bcWs.request({ type: 'user.ban', streamId: stream.id, userId: v2.id, durationSeconds: 60, reason: 'spam' });
    assert.equal(ban.type, 'ack', JSON.stringify(ban));
    const m = await v2Ws.next((x) => x.type === 'moderation');
    assert.equal(m.streamId, stream.id);
    assert.equal(m.data.action, 'timeout');
    const refused = await v2Ws.request({ type: 'chat.send', streamId: stream.id, content: 'let me in' });
    assert.equal(refused.type, 'error');
    assert.equal(refused.data.code, 'banned');
    // Viewers cannot ban.
    const notAllowed = await v1Ws.request({ type: 'user.ban', streamId: stream.id, userId: bc.id });
    assert.equal(notAllowed.data.code, 'forbidden');

    const unban = await bcWs.request({ type: 'user.unban', streamId: stream.id, userId: v2.id });
    assert.equal(unban.type, 'ack', JSON.stringify(unban));
    const u = await v2Ws.next((x) => x.type === 'moderation' && x.data.action === 'unban');
    assert.equal(u.streamId, stream.id);
    const ok = await v2Ws.request({ type: 'chat.send', streamId: stream.id, content: 'thanks' });
    assert.equal(ok.type, 'ack', JSON.stringify(ok));
    await sleep(200);
    assert.ok(!v1Ws.log.some((x) => x.type === 'moderation'), 'nobody else heard of it');
    assert.ok(!bcWs.log.some((x) => x.type === 'moderation'));
  });

  it('pins, unpins, deletes and clears for everyone in the room', async () => {
    await sleep(1100);  // v1's bucket refills after the burst above
    const msg = await v1Ws.request({ type: 'chat.send', streamId: stream.id, content: 'pin me' });
    assert.equal(msg.type, 'ack', JSON.stringify(msg));
    const id = msg.data.id;
    assert.equal((await bcWs.request({ type: 'chat.pin', streamId: stream.id, messageId: id })).type, 'ack');
    const pinned = await v2Ws.next((m) => m.type === 'chat.pinned');
    assert.equal(pinned.data.id, id);
    assert.equal(pinned.data.isPinned, true);
    assert.equal((await bcWs.request({ type: 'chat.unpin', streamId: stream.id, messageId: id })).type, 'ack');
    assert.equal((await v2Ws.next((m) => m.type === 'chat.unpinned')).data.messageId, id);
    assert.equal((await bcWs.request({ type: 'chat.delete', streamId: stream.id, messageId: id })).type, 'ack');
    const deleted = await v1Ws.next((m) => m.type === 'chat.deleted');
    assert.equal(deleted.data.messageId, id);
    const cleared = await bcWs.request({ type: 'chat.clear', streamId: stream.id });
    assert.equal(cleared.type, 'ack', JSON.stringify(cleared));
    assert.ok((await v2Ws.next((m) => m.type === 'chat.cleared')).data.count >= 1);
    const slow = await bcWs.request({ type: 'slowmode.set', streamId: stream.id, seconds: 0 });
    assert.equal(slow.type, 'ack', JSON.stringify(slow));
  });

  it('asks, upvotes and answers questions over the socket', async () => {
    await sleep(1100);
    const q = await v1Ws.request({ type: 'chat.send', streamId: stream.id, content: 'when is the next stream?', isQuestion: true });
    assert.equal(q.type, 'ack', JSON.stringify(q));
    const asked = await v2Ws.next((m) => m.type === 'qa.question');
    assert.equal(asked.data.id, q.data.id);
    const vote = await v2Ws.request({ type: 'question.vote', streamId: stream.id, questionId: q.data.id });
    assert.equal(vote.type, 'ack', JSON.stringify(vote));
    assert.equal((await bcWs.next((m) => m.type === 'qa.updated')).data.votes, 1);
    const answered = await bcWs.request({ type: 'question.update', streamId: stream.id, questionId: q.data.id, status: 'answered' });
    assert.equal(answered.type, 'ack', JSON.stringify(answered));
    const upd = await v1Ws.next((m) => m.type === 'qa.updated' && m.data.status === 'answered');
    assert.equal(upd.data.id, q.data.id);
  });

  it('replays what a reconnecting client missed, in order, then goes on live', async () => {
    await sleep(1100);
    const seen = v2Ws.log.filter((m) => m.type === 'chat.message');
    const last = seen[seen.length - 1].data.id;
    v2Ws.ws.terminate();
    const missed = [];
    for (const text of ['while you were away 1', 'while you were away 2', 'while you were away 3']) {
      const r = await bcWs.request({ type: 'chat.send', streamId: stream.id, content: text });
      assert.equal(r.type, 'ack', JSON.stringify(r));
      missed.push(r.data.id);
    }
    v2Ws = await WsClient.open(srv.base, { token: v2.token });
    const ack = await v2Ws.subscribe(stream.id, { lastMessageId: last });
    assert.equal(ack.data.replayed, 3);
    assert.equal(ack.data.truncated, false);
    const replayed = v2Ws.log.filter((m) => m.type === 'chat.message').map((m) => m.data.id);
    assert.deepEqual(replayed, missed, 'every missed message once, in order, before the ack');
    const live = await bcWs.request({ type: 'chat.send', streamId: stream.id, content: 'and now live' });
    const got = await v2Ws.next((m) => m.type === 'chat.message' && m.data.id === live.data.id);
    assert.equal(got.data.content, 'and now live');
    assert.equal(v2Ws.log.filter((m) => m.type === 'chat.message').length, 4, 'no duplicates');

    const unknown = await v2Ws.request({ type: 'subscribe', streamId: stream.id, lastMessageId: uuid() });
    assert.equal(unknown.type, 'ack');  // already subscribed: nothing to do
  });

  it('answers bad frames with an error and keeps the connection', async () => {
    const c = await WsClient.open(srv.base);
    c.send('this is not json');
    assert.equal((await c.next((m) => m.type === 'error')).data.code, 'bad_message');
    c.send('x'.repeat(64 * 1024));
    assert.equal((await c.next((m) => m.type === 'error')).data.code, 'too_large');
    c.send({ type: 'teleport', id: 'q1' });
    const unknown = await c.next((m) => m.type === 'error');
    assert.equal(unknown.data.code, 'unknown_type');
    assert.equal(unknown.id, 'q1');
    c.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    assert.equal((await c.next((m) => m.type === 'error')).data.code, 'bad_message');
    c.send({ type: 'subscribe', id: 3 });
    const missing = await c.next((m) => m.type === 'error');
    assert.equal(missing.data.code, 'validation_failed');
    assert.equal(missing.data.field, 'streamId');
    const chat = await c.request({ type: 'chat.send', streamId: stream.id, content: 'anonymous?' });
    assert.equal(chat.data.code, 'not_authenticated');
    const nope = await c.request({ type: 'subscribe', streamId: uuid() });
    assert.equal(nope.data.code, 'not_found');
    c.send({ type: 'ping', id: 'p' });
    assert.equal((await c.next((m) => m.type === 'pong')).id, 'p');
    assert.equal((await srv.req('GET', '/healthz')).status, 200);
    await c.close();
  });

  it('announces the viewer count when it changes', async () => {
    const count = async (c, n) => {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const v = c.log.filter((m) => m.type === 'viewers' && m.streamId === stream.id);
        if (v.length && v[v.length - 1].data.count === n) return;
        await sleep(50);
      }
      throw new Error(`viewers never reached ${n}: ${JSON.stringify(c.log.filter((m) => m.type === 'viewers').slice(-3))}`);
    };
    await count(bcWs, 3);
    const anon = await WsClient.open(srv.base);
    await anon.subscribe(stream.id);
    await count(bcWs, 4);
    await count(v1Ws, 4);
    await anon.close();
    await count(bcWs, 3);
    // At most one announcement a second per room.
    const v = bcWs.log.filter((m) => m.type === 'viewers');
    assert.ok(v.length <= 8, `few announcements: ${v.length}`);
  });
});

describe('realtime heartbeats', () => {
  const srv = new Server();
  before(() => srv.start(['--ws-ping-interval', '1', '--ws-ping-timeout', '1']));
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('drops a client that does not answer pings and keeps one that does', async () => {
    const owner = srv.createUser('hb', 'broadcaster');
    const s = await srv.req('POST', '/api/streams/create', { token: owner.token, body: { channelId: uuid(), title: 'hb' } });
    const dead = await WsClient.open(srv.base, { ws: { autoPong: false } });
    await dead.subscribe(s.json.id);
    const alive = await WsClient.open(srv.base);
    await alive.subscribe(s.json.id);
    let pinged = 0;
    alive.ws.on('ping', () => pinged++);
    const closed = await Promise.race([dead.closed, sleep(8000).then(() => null)]);
    assert.ok(closed, 'the silent client was dropped');
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
    assert.ok(pinged >= 1, 'the server pings');
    await alive.close();
  });

  it('closes a connection that neither authenticates nor subscribes', async () => {
    const srv2 = new Server();
    await srv2.start(['--ws-auth-timeout', '1']);
    try {
      const idle = await WsClient.open(srv2.base);
      const closed = await Promise.race([idle.closed, sleep(5000).then(() => null)]);
      assert.ok(closed, 'closed');
      assert.equal(closed.code, 1008);
    } finally {
      await srv2.stop();
      srv2.cleanup();
    }
  });
});
