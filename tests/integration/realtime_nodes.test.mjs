// Two server processes on one PostgreSQL and one Redis (scripts/test-services) act as one
// service (issue 6, Several nodes): chat, reactions and moderation cross from one node's
// sockets to the other's, and both report one viewer count.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, freshPostgresDb, uuid } from './lib/harness.mjs';
import { WsClient, sleep } from './lib/ws_client.mjs';

function redisUrl() {
  const dir = process.env.NCHAT_TEST_SERVICES;
  const file = dir && join(dir, 'redis.url');
  return file && existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

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
