// What was said (chat) or sent (reactions) around a replay's playhead, loaded from the server in
// windows of media time (docs/web.md, "Replay chat"). Framework-free: the caller says where the
// playhead is (`seek`), the buffer fetches what that needs and emits `change` with a new snapshot;
// `itemsAt` picks what a viewer at a given instant has seen.
import { Emitter } from './emitter.js';
import { toNchatError, type NchatError } from './errors.js';

/** An item placed on the recording's timeline (`StreamChatMessage`, `StreamReaction`). */
export interface MediaTimed {
  id: string;
  mediaMs?: number;
}

/** Fetches the items with `fromMs ≤ mediaMs < toMs`, the earliest `limit` of them, in media-time
 * order: `NchatClient.getChatAt` / `getReactionsAt`. */
export type FetchMediaSpan<T> = (span: { fromMs: number; toMs: number; limit: number }, signal: AbortSignal) => Promise<T[]>;

export interface MediaTimeBufferOptions<T> {
  fetchSpan: FetchMediaSpan<T>;
  /** Media time asked for per request (ms). */
  windowMs?: number;
  /** How far before the playhead a fresh load (the first, or after a seek) starts. */
  contextMs?: number;
  /** The next window is fetched once the playhead is this close to the end of what is loaded. */
  prefetchMs?: number;
  /** Items further behind the playhead than this are dropped. */
  keepBehindMs?: number;
  /** At most this many items are kept (the oldest behind the playhead go first); prefetching
   * stops while half of them lie ahead of the playhead. */
  maxItems?: number;
  /** Items per request: the server's maximum. A full answer is followed by a request from the
   * last item's media time, so a busy stretch comes in pages. */
  pageLimit?: number;
}

export interface MediaTimeSnapshot<T> {
  /** In media-time order (the server's, stable among equals). */
  items: readonly T[];
  /** What is loaded: every item with `fromMs ≤ mediaMs < toMs` is in `items`. */
  fromMs: number;
  toMs: number;
  /** A request is under way (for `toMs` onwards). */
  fetching: boolean;
  /** The last request's failure, until one succeeds or a seek starts afresh. */
  error: NchatError | null;
}

export interface MediaTimeBufferEvents<T> {
  change: MediaTimeSnapshot<T>;
}

export const REPLAY_WINDOW_MS = 120_000;

const DEFAULTS = {
  windowMs: REPLAY_WINDOW_MS,
  contextMs: 60_000,
  prefetchMs: 30_000,
  keepBehindMs: 300_000,
  maxItems: 2000,
  pageLimit: 500,
};

const MAX_RETRY_MS = 30_000;

/** How many of `items` (in media-time order) have `mediaMs ≤ ms`. */
function countUpTo(items: readonly MediaTimed[], ms: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid]?.mediaMs ?? 0) <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a viewer at `ms` has seen: the items with `mediaMs ≤ ms`, the last `max` of them, newest
 * last. */
export function itemsAt<T extends MediaTimed>(items: readonly T[], ms: number, max = Infinity): T[] {
  const end = countUpTo(items, ms);
  return items.slice(Math.max(0, end - max), end);
}

/** The items with `fromMs < mediaMs ≤ toMs` (e.g. the reactions of the last 3 s), in order. */
export function itemsBetween<T extends MediaTimed>(items: readonly T[], fromMs: number, toMs: number): T[] {
  return items.slice(countUpTo(items, fromMs), countUpTo(items, toMs));
}

/** A 4xx other than 408 and 429 will not change by asking again. */
function isPermanent(e: NchatError): boolean {
  return e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
}

export class MediaTimeBuffer<T extends MediaTimed> extends Emitter<MediaTimeBufferEvents<T>> {
  private readonly fetchSpan: FetchMediaSpan<T>;
  private readonly o: typeof DEFAULTS;
  private items: readonly T[] = [];
  private lo = 0;
  private hi = 0;
  private playhead = 0;
  private started = false;
  private inflight: AbortController | null = null;
  private error: NchatError | null = null;
  private stuck = false; // a permanent refusal: no request until a seek starts afresh
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private snap: MediaTimeSnapshot<T>;

  constructor({ fetchSpan, ...opts }: MediaTimeBufferOptions<T>) {
    super();
    this.fetchSpan = fetchSpan;
    const o = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      const v = opts[k];
      if (v !== undefined) o[k] = v;
    }
    // What is kept behind the playhead covers at least a window: a seek back into what was just
    // loaded needs no request.
    o.keepBehindMs = Math.max(o.keepBehindMs, o.windowMs + o.contextMs);
    this.o = o;
    this.snap = this.makeSnapshot();
  }

  snapshot(): MediaTimeSnapshot<T> {
    return this.snap;
  }

  /** The playhead is at `ms` of media time: starts afresh when that is outside what is loaded
   * (and not just past its end), fetches the next window as it nears the end, drops what is far
   * behind. */
  seek(ms: number): void {
    const t = Number.isFinite(ms) ? Math.max(0, Math.floor(ms)) : 0;
    this.playhead = t;
    if (!this.started || t < this.lo || t >= this.hi + this.o.windowMs) this.reset(t);
    else if (this.trim()) this.publish();
    this.pump();
  }

  /** Cancels the request under way and any retry; what is loaded stays, and the next `seek`
   * goes on from there. */
  stop(): void {
    this.inflight?.abort();
    this.inflight = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private reset(t: number): void {
    this.stop();
    this.started = true;
    this.items = [];
    this.lo = this.hi = Math.max(0, t - this.o.contextMs);
    this.error = null;
    this.stuck = false;
    this.failures = 0;
    this.publish();
  }

  private pump(): void {
    if (!this.started || this.inflight || this.retryTimer || this.stuck) return;
    if (this.hi > this.playhead + this.o.prefetchMs) return;
    if (this.items.length - countUpTo(this.items, this.playhead) >= this.o.maxItems / 2) return;
    const fromMs = this.hi;
    const toMs = fromMs + this.o.windowMs;
    const limit = this.o.pageLimit;
    const ac = new AbortController();
    this.inflight = ac;
    this.publish();
    Promise.resolve()
      .then(() => this.fetchSpan({ fromMs, toMs, limit }, ac.signal))
      .then(
        (page) => {
          if (this.inflight !== ac) return;
          this.inflight = null;
          this.add(page, fromMs, toMs, limit);
          this.error = null;
          this.failures = 0;
          this.trim();
          this.publish();
          this.pump();
        },
        (e: unknown) => {
          if (this.inflight !== ac) return;
          this.inflight = null;
          this.fail(toNchatError(e));
        },
      );
  }

  private add(page: readonly T[], fromMs: number, toMs: number, limit: number): void {
    const placed = page
      .filter((x): x is T & { mediaMs: number } => typeof x.mediaMs === 'number' && x.mediaMs >= fromMs && x.mediaMs < toMs)
      .sort((a, b) => a.mediaMs - b.mediaMs);
    let end = toMs;
    const last = placed[placed.length - 1];
    if (page.length >= limit && last) {
      // A full answer may have left items out: what is known complete ends before the last
      // item's instant, and the next request starts there (asking for its equals again). When a
      // whole page shares one millisecond, the rest of that millisecond is given up.
      end = last.mediaMs > fromMs ? last.mediaMs : fromMs + 1;
    }
    const seen = new Set(this.items.map((x) => x.id));
    const kept = placed.filter((x) => x.mediaMs < end && !seen.has(x.id));
    if (kept.length) this.items = [...this.items, ...kept];
    this.hi = end;
  }

  /** Drops what is far behind the playhead, then the oldest over `maxItems`; true if any went. */
  private trim(): boolean {
    const before = this.items.length;
    const floor = Math.min(this.playhead - this.o.keepBehindMs, this.hi);
    if (floor > this.lo) {
      this.items = this.items.slice(countUpTo(this.items, floor - 1));
      this.lo = floor;
    }
    const excess = Math.min(this.items.length - this.o.maxItems, countUpTo(this.items, this.playhead));
    if (excess > 0) {
      const lastDropped = this.items[excess - 1]?.mediaMs ?? this.lo;
      this.items = this.items.slice(excess);
      this.lo = Math.max(this.lo, Math.min(lastDropped + 1, this.hi));
    }
    return this.items.length !== before;
  }

  private fail(e: NchatError): void {
    this.error = e;
    if (isPermanent(e)) {
      this.stuck = true;
    } else {
      this.failures += 1;
      const delay = Math.max(Math.min(MAX_RETRY_MS, 1000 * 2 ** this.failures), (e.retryAfter ?? 0) * 1000);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.pump();
      }, delay);
    }
    this.publish();
  }

  private makeSnapshot(): MediaTimeSnapshot<T> {
    return { items: this.items, fromMs: this.lo, toMs: this.hi, fetching: !!this.inflight, error: this.error };
  }

  private publish(): void {
    this.snap = this.makeSnapshot();
    this.emit('change', this.snap);
  }
}
