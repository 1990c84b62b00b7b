// The HTTP side of WHIP (RFC 9725) and WHEP: one SDP offer POSTed, the answer in the 201, the
// session's URL in Location, ICE servers in Link headers, DELETE to end. Candidates are gathered
// before the POST (no trickle), which every WHIP server must accept.
import { NchatError } from './errors.js';

export interface WebRtcHttpOptions {
  /** The WHIP or WHEP endpoint URL. */
  endpoint: string;
  /** Bearer token (RFC 9725 §4.5). */
  token?: string | null;
  fetch?: typeof fetch;
  /** Milliseconds to wait for ICE gathering before sending what was gathered. */
  iceGatheringTimeoutMs?: number;
}

export interface WebRtcSession {
  /** The session URL from Location, resolved against the endpoint. */
  resource: string;
  answer: string;
  etag: string | null;
  /** ICE servers the server offered in `Link: <…>; rel="ice-server"` headers. */
  iceServers: RTCIceServer[];
}

export function waitForIceGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Parses RFC 8288 Link headers for `rel="ice-server"` (RFC 9725 §4.6). */
export function parseIceServerLinks(header: string | null): RTCIceServer[] {
  if (!header) return [];
  const out: RTCIceServer[] = [];
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>(.*)/.exec(part.trim());
    if (!m?.[1]) continue;
    const params = m[2] ?? '';
    if (!/rel="?ice-server"?/i.test(params)) continue;
    const server: RTCIceServer = { urls: m[1] };
    const user = /username="([^"]*)"/i.exec(params);
    const cred = /credential="([^"]*)"/i.exec(params);
    if (user?.[1] !== undefined) server.username = user[1];
    if (cred?.[1] !== undefined) server.credential = cred[1];
    out.push(server);
  }
  return out;
}

/** The server's refusal of an offer as an NchatError: its JSON `error.code` and message when it
 * sent one (nchat-live does), else a code from the status; `retryAfter` from Retry-After (WHEP's
 * 409 while a stream is not live yet). */
function refusal(endpoint: string, res: Response, body: string): NchatError {
  let server: { code?: string; message?: string; field?: string } | undefined;
  try {
    server = (JSON.parse(body) as { error?: typeof server } | null)?.error;
  } catch {
    server = undefined;
  }
  const byStatus =
    res.status === 404 || res.status === 405
      ? 'unsupported'
      : res.status === 401 || res.status === 403
        ? 'unauthorized'
        : res.status === 409
          ? 'conflict'
          : 'whip_failed';
  const retry = Number(res.headers.get('retry-after'));
  // A 404 or 405 means no such route here, whatever code the router's body gives.
  return new NchatError(
    byStatus === 'unsupported' ? byStatus : (server?.code ?? byStatus),
    server?.message ?? `${endpoint} answered ${res.status}${body ? `: ${body.slice(0, 200)}` : ''}`,
    {
      status: res.status,
      ...(server?.field ? { field: server.field } : {}),
      ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry } : {}),
    },
  );
}

export async function postOffer(opts: WebRtcHttpOptions, offerSdp: string): Promise<WebRtcSession> {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = { 'content-type': 'application/sdp' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await doFetch(opts.endpoint, { method: 'POST', headers, body: offerSdp });
  } catch (e) {
    throw new NchatError('network', `cannot reach ${opts.endpoint}`, { cause: e });
  }
  const body = await res.text();
  if (res.status !== 201) throw refusal(opts.endpoint, res, body);
  const location = res.headers.get('location');
  if (!location) throw new NchatError('bad_response', '201 without a Location header', { status: 201 });
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/sdp')) throw new NchatError('bad_response', `answer is ${type || 'untyped'}, not application/sdp`);
  return {
    resource: new URL(location, opts.endpoint).toString(),
    answer: body,
    etag: res.headers.get('etag'),
    iceServers: parseIceServerLinks(res.headers.get('link')),
  };
}

/** The offer/answer exchange of WHIP and WHEP alike (RFC 9725 §4.2): offers what `pc` has, waits
 * for ICE gathering (no trickle), POSTs the offer, takes the ICE servers the answer's Link headers
 * give and the answer. Closes nothing: on a throw the caller closes `pc`. */
export async function negotiate(pc: RTCPeerConnection, opts: WebRtcHttpOptions): Promise<WebRtcSession> {
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  await waitForIceGathering(pc, opts.iceGatheringTimeoutMs ?? 2000);
  const session = await postOffer(opts, pc.localDescription?.sdp ?? offer.sdp ?? '');
  if (session.iceServers.length) pc.setConfiguration({ ...pc.getConfiguration(), iceServers: session.iceServers });
  await pc.setRemoteDescription({ type: 'answer', sdp: session.answer });
  return session;
}

export async function deleteSession(opts: WebRtcHttpOptions, resource: string): Promise<void> {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  try {
    await doFetch(resource, { method: 'DELETE', headers });
  } catch {
    // The session times out on the server anyway once media stops.
  }
}
