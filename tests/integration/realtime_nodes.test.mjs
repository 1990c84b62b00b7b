// Two server processes on one PostgreSQL and one Redis (scripts/test-services) act as one
// service (issue 6, Several nodes): chat, reactions and moderation cross from one node's
// sockets to the other's, and both report one viewer count.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, freshPostgresDb, redisUrl, uuid } from './lib/harness.mjs';
import { WsClient, sleep } from './lib/ws_client.mjs';
import { until } from './lib/media.mjs';

const redis = redisUrl();
const pg = redis && freshPostgresDb();

describe('realtime across two nodes', { skip: !(redis && pg) && 'needs the PostgreSQL and Redis test services' }, () => {
  const a = new Server({ backend: 'postgres' });
  const b = new Server({ backend: 'postgres' });
  let bc, v1, v2, stream;
  let bcWs, v1Ws, v2Ws, anonWs;

  before(async () => {
    a.pgUrl = pg;
    b.pgUrl = pg;
    await a.start(['--redis', redis]);
    await b.start(['--redis', redis]);
    bc = a.createUser('bea', 'broadcaster');
    v1 = a.createUser('vic', 'viewer');
    v2 = a.createUser('val', 'viewer');
    const r = await a.req('POST', '/api/streams/create', { token: bc.token, body: { channelId: uuid(), title: 'two nodes' } });
    assert.equal(r.status, 201, r.text);
    stream = r.json;
    // The broadcaster and v1 on node A; v2 and an anonymous viewer on node B.
    bcWs = await WsClient.open(a.base, { token: bc.token });
    v1Ws = await WsClient.open(a.base, { token: v1.token });
    v2Ws = await WsClient.open(b.base, { token: v2.token });
    anonWs = await WsClient.open(b.base);
    for (const c of [bcWs, v1Ws, v2Ws, anonWs]) await c.subscribe(stream.id);
  });

  after(async () => {
    for (const c of [bcWs, v1Ws, v2Ws, anonWs]) c?.ws.terminate();
    const ra = await a.stop();
    const rb = await b.stop();
    b.pgUrl = undefined;  // dropped once, by a
    b.cleanup();
    a.cleanup();
    assert.equal(ra.code, 0, `node A exits cleanly; stderr:\n${a.stderr.slice(-3000)}`);
    assert.equal(rb.code, 0, `node B exits cleanly; stderr:\n${b.stderr.slice(-3000)}`);
  });

  it('delivers chat and reactions from either node to the sockets of both, once each', async () => {
    const m1 = await bcWs.request({ type: 'chat.send', streamId: stream.id, content: 'hello from A' });
    assert.equal(m1.type, 'ack', JSON.stringify(m1));
    const r1 = await v2Ws.request({ type: 'reaction.send', streamId: stream.id, emoji: '❤️' });
    assert.equal(r1.type, 'ack', JSON.stringify(r1));
    const m2 = await v2Ws.request({ type: 'chat.send', streamId: stream.id, content: 'hello from B' });
    assert.equal(m2.type, 'ack', JSON.stringify(m2));
    const rest = await b.req('POST', `/api/streams/${stream.id}/chat`, { token: v1.token, body: { content: 'REST on B' } });
    assert.equal(rest.status, 201, rest.text);
    const ids = [m1.data.id, r1.data.id, m2.data.id, rest.json.id];
    for (const c of [bcWs, v1Ws, v2Ws, anonWs]) {
      for (const id of ids) await c.next((m) => (m.type === 'chat.message' || m.type === 'reaction') && m.data.id === id);
    }
    await sleep(300);
    for (const c of [bcWs, v1Ws, v2Ws, anonWs]) {
      const got = c.log.filter((m) => (m.type === 'chat.message' || m.type === 'reaction') && ids.includes(m.data.id));
      assert.equal(got.length, ids.length, 'each event once (own echoes ignored)');
    }
  });

  it('tells a user banned on node A on their socket at node B', async () => {
    const ban = await bcWs.request({ type: 'user.ban', streamId: stream.id, userId: v2.id });
    assert.equal(ban.type, 'ack', JSON.stringify(ban));
    const m = await v2Ws.next((x) => x.type === 'moderation');
    assert.equal(m.data.action, 'ban');
    const refused = await v2Ws.request({ type: 'chat.send', streamId: stream.id, content: 'hm' });
    assert.equal(refused.data.code, 'banned');
    const del = await bcWs.request({ type: 'chat.clear', streamId: stream.id });
    assert.equal(del.type, 'ack', JSON.stringify(del));
    await anonWs.next((x) => x.type === 'chat.cleared');
    await sleep(200);
    assert.ok(!anonWs.log.some((x) => x.type === 'moderation'), 'only the target hears of the ban');
    assert.ok(!v1Ws.log.some((x) => x.type === 'moderation'));
  });

  it('reports one viewer count on both nodes', async () => {
    const latest = (c) => {
      const v = c.log.filter((m) => m.type === 'viewers' && m.streamId === stream.id);
      return v.length ? v[v.length - 1].data.count : undefined;
    };
    const until = async (n) => {
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline) {
        if ([bcWs, v1Ws, v2Ws, anonWs].every((c) => c.ws.readyState !== 1 || latest(c) === n)) return;
        await sleep(100);
      }
      throw new Error(`counts: ${[bcWs, v1Ws, v2Ws, anonWs].map(latest).join(', ')}; expected ${n}`);
    };
    await until(4);
    const extra = await WsClient.open(b.base);
    await extra.subscribe(stream.id);
    await until(5);
    await extra.close();
    await until(4);
  });
});

describe('rate limits across two nodes', { skip: !(redis && pg) && 'needs the PostgreSQL and Redis test services' }, () => {
  // One message and one reaction a second per user and stream, on both nodes: a user who sends
  // on node A and at once on node B has spent the same budget.
  const pg2 = redis && freshPostgresDb();
  const a = new Server({ backend: 'postgres' });
  const b = new Server({ backend: 'postgres' });
  // Redis unreachable: the node limits alone (and still limits).
  const lone = new Server({ backend: 'sqlite' });
  let stream;
  let vic;
  let bc;

  before(async () => {
    a.pgUrl = pg2;
    b.pgUrl = pg2;
    const args = ['--redis', redis, '--chat-rate', '1', '--reaction-rate', '1'];
    await a.start(args);
    await b.start(args);
    await lone.start(['--redis', 'redis://127.0.0.1:1', '--chat-rate', '1']);
    bc = a.createUser('bo', 'broadcaster');
    vic = a.createUser('vi', 'viewer');
    stream = (await a.req('POST', '/api/streams/create', { token: bc.token, body: { channelId: uuid(), title: 'limits' } })).json;
  });
  after(async () => {
    const results = [await a.stop(), await b.stop(), await lone.stop()];
    b.pgUrl = undefined;
    for (const s of [a, b, lone]) s.cleanup();
    for (const r of results) assert.equal(r.code, 0);
  });

  it('counts chat, reactions and guest names for every node at once', async () => {
    const send = (srv, content) => srv.req('POST', `/api/streams/${stream.id}/chat`, { token: vic.token, body: { content } });
    // The shared limiter connects in the background: wait until node A limits through Redis
    // (a first message, then one on B refused), retrying after the bucket refills.
    const refusedOnB = await until(async () => {
      const first = await send(a, 'one');
      if (first.status !== 201) { await sleep(1100); return null; }
      const second = await send(b, 'two');
      if (second.status === 201) { await sleep(1100); return null; }
      return second;
    }, { timeout: 15000, what: 'the second message, on the other node, refused' });
    assert.equal(refusedOnB.status, 429, refusedOnB.text);
    assert.equal(refusedOnB.json.error.code, 'rate_limited');
    assert.ok(Number(refusedOnB.headers.get('retry-after')) >= 1);
    await sleep(1100);
    const react = (srv) => srv.req('POST', `/api/streams/${stream.id}/reactions`, { token: vic.token, body: { emoji: '👍' } });
    assert.equal((await react(b)).status, 201);
    assert.equal((await react(a)).status, 429, 'a reaction on A right after one on B');
    // Ten guest names a minute per address, wherever they are asked for.
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await (i % 2 ? a : b).req('POST', '/api/guest', { body: { displayName: `g${i}` } })).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(201));
    assert.deepEqual(statuses.slice(10), [429, 429], JSON.stringify(statuses));
    // Slow mode: one message per 10 s, wherever it is sent (the rate limit's token is back
    // between the two sends, so only slow mode can refuse the second).
    const set = await a.req('PUT', `/api/streams/${stream.id}/slow-mode`, { token: bc.token, body: { seconds: 10 } });
    assert.equal(set.status, 200, set.text);
    await sleep(1100);
    assert.equal((await send(b, 'slow one')).status, 201);
    await sleep(1100);
    const slow = await send(a, 'slow two');
    assert.equal(slow.status, 429, slow.text);
    assert.equal(slow.json.error.code, 'slow_mode');
    assert.ok(Number(slow.headers.get('retry-after')) >= 7, slow.headers.get('retry-after'));
    const answered = Number((await a.req('GET', '/metrics')).text.match(/^nchat_realtime_shared_limits_answered_total (\S+)/m)?.[1]);
    assert.ok(answered >= 3, `checks answered by Redis on node A: ${answered}`);
  });

  it('limits each node alone when Redis cannot be reached', async () => {
    const bc = lone.createUser('lo', 'broadcaster');
    const s = (await lone.req('POST', '/api/streams/create', { token: bc.token, body: { channelId: uuid(), title: 'alone' } })).json;
    const send = (content) => lone.req('POST', `/api/streams/${s.id}/chat`, { token: bc.token, body: { content } });
    assert.equal((await send('one')).status, 201);
    assert.equal((await send('two')).status, 429);
    // An operator sees that this node limits alone.
    const metrics = (await lone.req('GET', '/metrics')).text;
    const fallbacks = Number(metrics.match(/^nchat_realtime_shared_limits_fallback_total (\S+)/m)?.[1]);
    assert.ok(fallbacks >= 2, `fallbacks: ${fallbacks}`);
  });
});
