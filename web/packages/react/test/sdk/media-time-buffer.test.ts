import { afterEach, describe, expect, it, vi } from 'vitest';
import { NchatError } from '../../src/sdk/errors';
import { itemsAt, itemsBetween, MediaTimeBuffer, type FetchMediaSpan, type MediaTimed } from '../../src/sdk/media-time-buffer';

interface Item extends MediaTimed {
  mediaMs: number;
}

const at = (...ms: number[]): Item[] => ms.map((m, i) => ({ id: `i${i}-${m}`, mediaMs: m }));
const ids = (items: readonly MediaTimed[]) => items.map((x) => x.mediaMs);

/** A server holding `all`: answers [fromMs, toMs), the earliest `limit`, as the real route does. */
function server(all: Item[]) {
  const calls: { fromMs: number; toMs: number; limit: number; signal: AbortSignal }[] = [];
  const fetchSpan: FetchMediaSpan<Item> = async (span, signal) => {
    calls.push({ ...span, signal });
    return all.filter((x) => x.mediaMs >= span.fromMs && x.mediaMs < span.toMs).slice(0, span.limit);
  };
  return { calls, fetchSpan, spans: () => calls.map((c) => [c.fromMs, c.toMs]) };
}

/** Requests that wait until the test answers them. */
function manual() {
  const calls: { fromMs: number; toMs: number; signal: AbortSignal; answer: (items: Item[]) => void; fail: (e: unknown) => void }[] = [];
  const fetchSpan: FetchMediaSpan<Item> = (span, signal) =>
    new Promise((answer, fail) => {
      calls.push({ ...span, signal, answer, fail });
    });
  return { calls, fetchSpan };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('itemsAt and itemsBetween', () => {
  const items = at(1000, 2000, 2000, 3000, 5000);
  it('picks what was said up to an instant, the latest last, at most max', () => {
    expect(ids(itemsAt(items, 0))).toEqual([]);
    expect(ids(itemsAt(items, 999))).toEqual([]);
    expect(ids(itemsAt(items, 1000))).toEqual([1000]);
    expect(ids(itemsAt(items, 2500))).toEqual([1000, 2000, 2000]);
    expect(ids(itemsAt(items, 10_000))).toEqual([1000, 2000, 2000, 3000, 5000]);
    expect(ids(itemsAt(items, 10_000, 2))).toEqual([3000, 5000]);
  });
  it('picks a stretch, open at its start', () => {
    expect(ids(itemsBetween(items, 1000, 3000))).toEqual([2000, 2000, 3000]);
    expect(ids(itemsBetween(items, 3000, 4999))).toEqual([]);
  });
});

describe('MediaTimeBuffer', () => {
  afterEach(() => vi.useRealTimers());

  it('loads a window from before the playhead and shows more as it moves on, fewer as it goes back', async () => {
    const s = server(at(500, 30_000, 61_000, 62_000, 119_999, 120_000));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan });
    b.seek(0);
    expect(b.snapshot().fetching).toBe(true);
    await flush();
    expect(s.spans()).toEqual([[0, 120_000]]);
    expect(b.snapshot()).toMatchObject({ fromMs: 0, toMs: 120_000, fetching: false, error: null });
    expect(ids(itemsAt(b.snapshot().items, 0))).toEqual([]);
    expect(ids(itemsAt(b.snapshot().items, 61_500))).toEqual([500, 30_000, 61_000]);
    b.seek(62_000);
    b.seek(10_000);
    b.seek(89_000);
    await flush();
    // Within what is loaded, and not yet near its end: no request.
    expect(s.calls).toHaveLength(1);
    expect(ids(itemsAt(b.snapshot().items, 10_000))).toEqual([500]);
  });

  it('starts a fresh load a minute before the playhead', async () => {
    const s = server(at(100_000, 150_000, 200_000));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan });
    b.seek(170_000);
    await flush();
    expect(s.spans()).toEqual([[110_000, 230_000]]);
    expect(ids(b.snapshot().items)).toEqual([150_000, 200_000]);
  });

  it('prefetches the next window as the playhead nears the end of what is loaded', async () => {
    const s = server(at(10_000, 130_000, 250_000));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan });
    b.seek(0);
    await flush();
    b.seek(89_999);
    await flush();
    expect(s.calls).toHaveLength(1);
    b.seek(90_000);
    await flush();
    expect(s.spans()).toEqual([
      [0, 120_000],
      [120_000, 240_000],
    ]);
    // The items of both windows, in order, with no seam.
    expect(ids(itemsAt(b.snapshot().items, 200_000))).toEqual([10_000, 130_000]);
    expect(b.snapshot().toMs).toBe(240_000);
  });

  it('goes on from what is loaded after a seek just past its end, and starts afresh after one far away', async () => {
    const s = server(at(10_000, 150_000, 600_000));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan });
    b.seek(0);
    await flush();
    b.seek(150_000); // within a window of the end (120 s): the next window, contiguous
    await flush();
    expect(s.spans()).toEqual([
      [0, 120_000],
      [120_000, 240_000],
    ]);
    expect(ids(itemsAt(b.snapshot().items, 150_000))).toEqual([10_000, 150_000]);
    b.seek(600_000);
    // What was loaded is dropped at once: it is not what the viewer at 10 minutes has seen.
    expect(b.snapshot().items).toEqual([]);
    await flush();
    expect(s.spans()[2]).toEqual([540_000, 660_000]);
    expect(ids(itemsAt(b.snapshot().items, 600_000))).toEqual([600_000]);
    // Back before what is loaded: afresh again.
    b.seek(5000);
    await flush();
    expect(s.spans()[3]).toEqual([0, 120_000]);
    expect(ids(itemsAt(b.snapshot().items, 15_000))).toEqual([10_000]);
  });

  it('reads a busy stretch in pages, from the last instant of a full answer, without duplicates', async () => {
    const all = at(1000, 2000, 3000, 3000, 3000, 4000, 9000);
    const s = server(all);
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan, pageLimit: 3 });
    b.seek(60_000);
    await flush();
    await flush();
    await flush();
    expect(s.calls.map((c) => [c.fromMs, c.limit])).toEqual([
      [0, 3],
      [3000, 3],
      [3001, 3],
    ]);
    expect(b.snapshot().items.map((x) => x.id)).toEqual(all.map((x) => x.id));
  });

  it('gives up the rest of a millisecond that fills a whole page rather than asking for it forever', async () => {
    const s = server(at(3000, 3000, 3000, 3000, 5000));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan, pageLimit: 2 });
    b.seek(0);
    await flush();
    await flush();
    expect(s.calls.map((c) => c.fromMs)).toEqual([0, 3000, 3001]);
    expect(ids(b.snapshot().items)).toEqual([3000, 3000, 5000]);
  });

  it('drops the answer of a request overtaken by a seek, and aborts it', async () => {
    const m = manual();
    const b = new MediaTimeBuffer({ fetchSpan: m.fetchSpan });
    b.seek(0);
    await flush();
    expect(m.calls).toHaveLength(1);
    b.seek(1_000_000);
    await flush();
    expect(m.calls[0]?.signal.aborted).toBe(true);
    expect(m.calls).toHaveLength(2);
    m.calls[0]?.answer(at(1000));
    m.calls[1]?.answer(at(990_000));
    await flush();
    expect(ids(b.snapshot().items)).toEqual([990_000]);
  });

  it('keeps memory bounded: old items behind the playhead go, and lo moves up', async () => {
    // One message a second for an hour.
    const all = at(...Array.from({ length: 3600 }, (_, i) => i * 1000));
    const s = server(all);
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan, maxItems: 400, keepBehindMs: 200_000 });
    for (let t = 0; t <= 3_600_000; t += 5000) {
      b.seek(t);
      await flush();
      const snap = b.snapshot();
      expect(snap.items.length).toBeLessThanOrEqual(400);
      // Nothing past what was asked for behind: the window and its context at least stay.
      if (snap.items[0]) expect(snap.items[0].mediaMs).toBeGreaterThanOrEqual(t - 200_000);
      // What a viewer at t has seen is all there, up to the item at t.
      expect(itemsAt(snap.items, t).at(-1)?.mediaMs).toBe(Math.min(t, 3_599_000));
    }
    // Played straight through: one request per window, none twice.
    const froms = s.calls.map((c) => c.fromMs);
    expect(new Set(froms).size).toBe(froms.length);
    expect(s.calls.length).toBeLessThanOrEqual(3_600_000 / 120_000 + 2);
  });

  it('keeps at most maxItems when the chat is busy, dropping the oldest behind the playhead', async () => {
    // Ten messages a second for ten minutes.
    const s = server(at(...Array.from({ length: 6000 }, (_, i) => i * 100)));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan, maxItems: 1000 });
    for (let t = 0; t <= 600_000; t += 2500) {
      b.seek(t);
      await flush();
      const { items } = b.snapshot();
      expect(items.length).toBeLessThanOrEqual(1000);
      expect(itemsAt(items, t).at(-1)?.mediaMs).toBe(Math.min(t, 599_900));
      // What was dropped is no longer claimed as loaded: a seek back there asks again.
      expect(b.snapshot().fromMs).toBeGreaterThan((items[0]?.mediaMs ?? 0) - 100);
    }
    const before = s.calls.length;
    b.seek(400_000);
    await flush();
    // Dropped behind: asked again, from a minute before (in pages of 500: 50 s of this chat).
    expect(s.calls.slice(before).map((c) => c.fromMs)).toEqual([340_000, 389_900]);
    expect(itemsAt(b.snapshot().items, 400_000).at(-1)?.mediaMs).toBe(400_000);
  });

  it('stops prefetching while half of maxItems lie ahead of the playhead', async () => {
    const s = server(at(...Array.from({ length: 60 }, (_, i) => 100_000 + i), 130_000));
    const b = new MediaTimeBuffer({ fetchSpan: s.fetchSpan, maxItems: 100 });
    b.seek(0);
    await flush();
    b.seek(91_000); // near the end of what is loaded, but 60 items still ahead
    await flush();
    expect(s.calls).toHaveLength(1);
    b.seek(100_030); // 29 ahead
    await flush();
    expect(s.spans()[1]).toEqual([120_000, 240_000]);
    expect(itemsAt(b.snapshot().items, 130_000)).toHaveLength(61);
  });

  it('retries a failed request later, and stays put after a refusal until a seek starts afresh', async () => {
    vi.useFakeTimers();
    let fail: NchatError | null = new NchatError('network', 'cannot reach the server');
    const calls: number[] = [];
    const b = new MediaTimeBuffer<Item>({
      fetchSpan: async ({ fromMs }) => {
        calls.push(fromMs);
        if (fail) throw fail;
        return at(5000);
      },
    });
    b.seek(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.snapshot().error?.code).toBe('network');
    expect(b.snapshot().fetching).toBe(false);
    b.seek(1000); // a time update does not hammer the server
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([0]);
    fail = null;
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toEqual([0, 0]);
    expect(b.snapshot().error).toBeNull();
    expect(ids(b.snapshot().items)).toEqual([5000]);

    const refused: number[] = [];
    const c = new MediaTimeBuffer<Item>({
      fetchSpan: async ({ fromMs }) => {
        refused.push(fromMs);
        throw new NchatError('not_found', 'no recording', { status: 404 });
      },
    });
    c.seek(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refused).toEqual([0]);
    expect(c.snapshot().error?.code).toBe('not_found');
    c.seek(1_000_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(refused).toEqual([0, 940_000]);
  });

  it('emits change with a new snapshot; stop aborts, and the next seek goes on', async () => {
    const m = manual();
    const b = new MediaTimeBuffer({ fetchSpan: m.fetchSpan });
    const seen: boolean[] = [];
    const off = b.on('change', (snap) => seen.push(snap.fetching));
    b.seek(0);
    await flush();
    b.stop();
    expect(m.calls[0]?.signal.aborted).toBe(true);
    m.calls[0]?.answer(at(1));
    await flush();
    expect(b.snapshot().items).toEqual([]);
    b.seek(0);
    await flush();
    m.calls[1]?.answer(at(1));
    await flush();
    expect(ids(b.snapshot().items)).toEqual([1]);
    off();
    expect(seen).toEqual([false, true, true, false]);
  });
});
