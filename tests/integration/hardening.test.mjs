// The holes issue 17 found by trying, each tried again the same way against the real binary and
// asserted closed: one address locking every publisher out of RTMP, commands and bytes a
// stranger could make the ingest hold before publishing, an AMF0 message decoding to gigabytes,
// and request smuggling past a proxy. The attacker connects from 127.0.0.2 (all of 127/8 is
// this host), which the per-address limits count; 127.0.0.1 is the operator's own address.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Server, uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';

const ATTACKER = '127.0.0.2';

// A TCP connection from `from` and what became of it: `closed` resolves when the server hangs up.
function connect(port, from = ATTACKER) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress: from });
    const state = { sock, data: Buffer.alloc(0), closedAt: null };
    state.closed = new Promise((r) => sock.on('close', () => { state.closedAt = Date.now(); r(); }));
    sock.on('data', (d) => { state.data = Buffer.concat([state.data, d]); });
    sock.on('error', () => {});
    sock.once('connect', () => { state.port = sock.localPort; resolve(state); });
    sock.once('error', reject);
  });
}

const waitFor = (state, bytes) => until(async () => state.data.length >= bytes || state.closedAt !== null,
  { what: `${bytes} bytes from the server` });

// C0C1 out, S0S1S2 in, C2 out (RTMP 1.0 §5.2).
async function handshake(state) {
  state.sock.write(Buffer.concat([Buffer.from([3]), randomBytes(1536)]));
  await waitFor(state, 1 + 2 * 1536);
  assert.equal(state.closedAt, null, 'the server answers the handshake');
  state.sock.write(randomBytes(1536));
  state.data = state.data.subarray(1 + 2 * 1536);
}

// One message in one chunk (fmt 0 on chunk stream 3): fine while it fits the chunk size.
function chunk(type, payload, { length = payload.length } = {}) {
  const h = Buffer.alloc(12);
  h[0] = 3;  // fmt 0, csid 3
  h.writeUIntBE(0, 1, 3);  // timestamp
  h.writeUIntBE(length, 4, 3);
  h[7] = type;
  h.writeUInt32LE(0, 8);  // message stream 0
  return Buffer.concat([h, payload]);
}

const amfString = (s) => Buffer.concat([Buffer.from([0x02, s.length >> 8, s.length & 0xff]), Buffer.from(s)]);
const amfNumber = (n) => { const b = Buffer.alloc(9); b[0] = 0; b.writeDoubleBE(n, 1); return b; };
const command = (name, tx) => chunk(20, Buffer.concat([amfString(name), amfNumber(tx), Buffer.from([0x05])]));
// connect(1, {app: "live"}): what every encoder sends first.
const connectCommand = () => chunk(20, Buffer.concat([amfString('connect'), amfNumber(1),
  Buffer.from([0x03, 0x00, 0x03]), Buffer.from('app'), amfString('live'), Buffer.from([0x00, 0x00, 0x09])]));

const counter = (metrics, reason) => Number(metrics.match(
  new RegExp(`nchat_rtmp_connections_closed_total\\{reason="${reason}"\\} (\\d+)`))?.[1] ?? 0);

describe('hardening: what an attacker tried, tried again', () => {
  const srv = new Server({ backend: 'sqlite' });
  let alice;
  let rtmpPort;
  const metrics = async () => (await srv.req('GET', '/metrics')).text;

  before(async () => {
    await srv.start(['--reconnect-grace', '1']);
    alice = srv.createUser('alice', 'broadcaster');
    rtmpPort = Number(srv.stdout.match(/RTMP ingest\s+rtmp:\/\/[^:]+:(\d+)/)[1]);
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('1,050 idle RTMP connections from one address leave the ingest open to everyone else', async () => {
    const idle = await Promise.all(Array.from({ length: 1050 }, () => connect(rtmpPort).catch(() => null)));
    // All but the address's 16 are hung up on at once; the 16 at the handshake deadline.
    await until(async () => idle.filter((s) => s && s.closedAt === null).length <= 16,
      { what: 'connections beyond the per-address cap closed' });
    const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
      body: { channelId: uuid(), title: 'under attack' } })).json;
    const pub = publish(`rtmp://127.0.0.1:${rtmpPort}/live/${s.streamKey}`, { seconds: 20 });
    await until(async () => (await srv.req('GET', `/api/streams/${s.id}`)).json.status === 'live',
      { what: 'the broadcaster goes live during the flood' });
    await pub.stop();
    // And the 16 that stayed are dropped at the handshake deadline, not held for ever.
    await Promise.all(idle.filter(Boolean).map((c) => c.closed));
    const m = await metrics();
    assert.ok(counter(m, 'per_address') >= 1050 - 16, `per_address refusals counted:\n${m.match(/nchat_rtmp_connections_closed.*/g)}`);
    assert.ok(counter(m, 'handshake_timeout') >= 1);
  });

  it('closes a stranger that sends command after command without publishing', async () => {
    const before = counter(await metrics(), 'pre_publish_limit');
    const c = await connect(rtmpPort);
    await handshake(c);
    c.sock.write(connectCommand());
    await waitFor(c, 1);  // connected: the server's window size, bandwidth, chunk size, _result
    assert.equal(c.closedAt, null, 'connect is accepted');
    for (let i = 0; i < 200 && c.closedAt === null; ++i) c.sock.write(command('releaseStream', i + 2));
    await c.closed;
    assert.equal(counter(await metrics(), 'pre_publish_limit'), before + 1);
  });

  it('closes a stranger that makes the ingest buffer a large message before publishing', async () => {
    const before = counter(await metrics(), 'pre_publish_limit');
    const c = await connect(rtmpPort);
    await handshake(c);
    // Set Chunk Size 8 MiB, then a 4 MiB command message sent 16 KiB at a time: its bytes
    // would all wait in the reader for a connection that has not published.
    const size = Buffer.alloc(4); size.writeUInt32BE(8 * 1024 * 1024);
    c.sock.write(chunk(1, size));
    c.sock.write(chunk(20, Buffer.alloc(0), { length: 4 * 1024 * 1024 }));
    for (let sent = 0; sent < 4 * 1024 * 1024 && c.closedAt === null; sent += 16384) {
      await new Promise((r) => c.sock.write(Buffer.alloc(16384, 0x05), r));
    }
    await c.closed;
    assert.equal(counter(await metrics(), 'pre_publish_limit'), before + 1);
  });

  it('refuses an AMF0 command whose values add up past one message budget', async () => {
    const c = await connect(rtmpPort);
    await handshake(c);
    // connect's arguments: 8 nested strict arrays of 1,000 values each (8 KB on the wire).
    const parts = [amfString('connect'), amfNumber(1)];
    for (let d = 0; d < 8; ++d) {
      const head = Buffer.alloc(5); head[0] = 0x0a; head.writeUInt32BE(1000, 1);
      parts.push(head, Buffer.alloc(999, 0x05));
    }
    parts.push(Buffer.from([0x05]));
    const body = Buffer.concat(parts);
    const size = Buffer.alloc(4); size.writeUInt32BE(65536);
    c.sock.write(Buffer.concat([chunk(1, size), chunk(20, body)]));
    await c.closed;
    // Decoded, its third value would be an array, not connect's object: "unknown application".
    // Refused by the budget, it is never decoded that far.
    const line = new RegExp(`peer=${ATTACKER}:${c.port} closed: (.*)`);
    await until(async () => line.test(srv.stdout + srv.stderr), { what: 'the close logged' });
    assert.equal((srv.stdout + srv.stderr).match(line)[1], 'malformed command');
    assert.equal((await srv.req('GET', '/healthz')).status, 200);
  });

  it('answers a smuggled request 400 and closes, without serving what it hid', async () => {
    for (const te of ['xchunked', 'chunked, identity', 'chunked']) {
      const c = await connect(Number(new URL(srv.base).port), '127.0.0.1');
      c.sock.write(`POST /api/streams/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n` +
        'Content-Length: 0\r\n\r\nGET /api/streams/live HTTP/1.1\r\nHost: x\r\n\r\n');
      await c.closed;
      const answers = c.data.toString().match(/^HTTP\/1\.1 \d+/gm);
      assert.deepEqual(answers, ['HTTP/1.1 400'], `${te}: one answer, a 400:\n${c.data}`);
    }
  });
});
