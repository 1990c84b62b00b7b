// A WebSocket client of GET /api/realtime (docs/realtime.md) for the integration tests: keeps
// every message it receives, in order, and waits for the ones a test expects.
import WebSocket from 'ws';

let nextId = 1;

export class WsClient {
  // Opens and waits for the server's hello. opts: token (Authorization header), ws (options of
  // the `ws` package, e.g. { autoPong: false }).
  static async open(base, { token, ws = {} } = {}) {
    const c = new WsClient();
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    c.ws = new WebSocket(base.replace(/^http/, 'ws') + '/api/realtime', { headers, ...ws });
    c.ws.on('message', (data, isBinary) => c.#onMessage(data, isBinary));
    c.closed = new Promise((resolve) => c.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise((resolve, reject) => {
      c.ws.once('open', resolve);
      c.ws.once('error', reject);
      c.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    const hello = await c.next((m) => m.type === 'hello');
    c.hello = hello;
    return c;
  }

  constructor() {
    this.log = [];      // every message, in arrival order
    this.pending = [];  // not yet taken by next()
    this.waiters = [];
  }

  #onMessage(data, isBinary) {
    const m = isBinary ? { type: '<binary>' } : JSON.parse(data.toString());
    this.log.push(m);
    this.pending.push(m);
    for (const w of [...this.waiters]) w();
  }

  // The first message not taken yet that matches, taken; rejects after timeoutMs.
  next(pred = () => true, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.pending.findIndex(pred);
        if (i < 0) return false;
        const [m] = this.pending.splice(i, 1);
        this.waiters = this.waiters.filter((w) => w !== check);
        clearTimeout(timer);
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`no matching message in ${timeoutMs} ms; received: ${JSON.stringify(this.log.slice(-10))}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(check);
    });
  }

  // Waits until `n` messages of `type` (in arrival order) were received in total.
  async collect(type, n, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.log.filter((m) => m.type === type);
      if (got.length >= n) return got.slice(0, n);
      if (Date.now() > deadline) throw new Error(`only ${got.length}/${n} ${type} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  send(obj) { this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)); }

  // Sends with a fresh id; resolves with the ack or the error that carries it.
  async request(obj, timeoutMs = 5000) {
    const id = `r${nextId++}`;
    this.send({ ...obj, id });
    return this.next((m) => m.id === id && (m.type === 'ack' || m.type === 'error'), timeoutMs);
  }

  async subscribe(streamId, extra = {}) {
    const r = await this.request({ type: 'subscribe', streamId, ...extra });
    if (r.type !== 'ack') throw new Error(`subscribe refused: ${JSON.stringify(r)}`);
    return r;
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
