// Test doubles: a WebSocket the test drives by hand, and a fetch that answers from a table.
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  static reset() {
    FakeWebSocket.instances = [];
  }
  static last(): FakeWebSocket {
    const ws = FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    if (!ws) throw new Error('no socket');
    return ws;
  }
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  closedByClient = false;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
    this.closedByClient = true;
  }
  /** The server accepts: open, then its hello. */
  accept(authenticated = false) {
    this.readyState = 1;
    this.deliver({ type: 'hello', data: { version: 1, authenticated, userId: null, pingIntervalSeconds: 20, maxMessageBytes: 16384 } });
  }
  deliver(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  sentOfType(type: string) {
    return this.sent.filter((m) => m.type === type);
  }
}

export interface FakeRoute {
  method: string;
  path: string | RegExp;
  status?: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface FakeCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function fakeFetch(routes: FakeRoute[]) {
  const calls: FakeCall[] = [];
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    calls.push({ method, url, headers: (init.headers ?? {}) as Record<string, string>, body: init.body as string | undefined });
    const path = new URL(url).pathname;
    const r = routes.find((x) => x.method === method && (typeof x.path === 'string' ? x.path === path : x.path.test(path)));
    if (!r) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }), { status: 404 });
    const text = r.text ?? (r.body === undefined ? '' : JSON.stringify(r.body));
    return new Response(r.status === 204 ? null : text, {
      status: r.status ?? 200,
      headers: r.headers ?? { 'content-type': 'application/json' },
    });
  };
  return { fetch: fn as typeof fetch, calls };
}
