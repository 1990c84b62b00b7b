import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAbrController } from '../../src/sdk/abr/abr-controller';

// hls.js's side of a run of LL-HLS parts, as the controller sees it: FRAG_LOADED for each part
// (hls.js then requests the next part of the same fragment without asking for a level).
type Fn = (e: string, d: unknown) => void;

function fakeHls() {
  const listeners = new Map<string, { fn: Fn; ctx: unknown }[]>();
  const triggered: string[] = [];
  return {
    levels: [528_000, 928_000, 1_628_000].map((bitrate) => ({ bitrate, details: { targetduration: 2 } })),
    autoLevelEnabled: true,
    nextLoadLevel: -1,
    targetLatency: 1,
    mainForwardBufferInfo: { len: 1.2 },
    triggered,
    on(e: string, fn: Fn, ctx: unknown) {
      listeners.set(e, [...(listeners.get(e) ?? []), { fn, ctx }]);
    },
    off(e: string, fn: Fn) {
      listeners.set(
        e,
        (listeners.get(e) ?? []).filter((l) => l.fn !== fn),
      );
    },
    trigger(e: string, d: unknown) {
      triggered.push(e);
      for (const l of listeners.get(e) ?? []) l.fn.call(l.ctx, e, d);
      return true;
    },
  };
}

function partLoaded(hls: ReturnType<typeof fakeHls>, frag: Record<string, unknown>, index: number, bytes: number, ms: number) {
  const stats = { aborted: false, loaded: bytes, loading: { start: 1000, first: 1040, end: 1040 + ms } };
  const part = { index, start: index / 3, duration: 1 / 3, stats };
  hls.trigger('hlsFragLoaded', { frag, part, payload: new ArrayBuffer(0), networkDetails: null });
}

describe('the hls.js ABR controller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('samples every part and cuts short a run of parts the network cannot finish in time', () => {
    const hls = fakeHls();
    const Abr = createAbrController({}, () => 0);
    const abr = new Abr(hls as never);
    const abort = vi.fn();
    const frag = { type: 'main', sn: 2, level: 2, start: 0, duration: 2, bitrateTest: false, loader: {}, stats: {}, abortRequests: abort };
    abr.nextAutoLevel = 2;
    for (let i = 0; i < 20; i++) partLoaded(hls, { ...frag, sn: 1 }, i % 6, 70_000, 1); // loopback
    vi.runAllTimers();
    expect(abort).not.toHaveBeenCalled();
    partLoaded(hls, frag, 0, 70_000, 500); // the network slows to 1.12 Mb/s
    vi.runAllTimers();
    expect(abort).not.toHaveBeenCalled();
    partLoaded(hls, frag, 1, 70_000, 500);
    vi.runAllTimers();
    // Finishing 1.33 s of 720p takes 1.9 s at 1.12 Mb/s; the whole fragment at 480p 1.7 s.
    expect(abort).toHaveBeenCalledOnce();
    expect(hls.nextLoadLevel).toBe(1);
    expect(hls.triggered).toContain('hlsFragLoadEmergencyAborted');
    expect(abr.nextAutoLevel).toBe(1);
    abr.destroy();
  });

  it('lets a run finish when that is sooner than fetching the fragment again', () => {
    const hls = fakeHls();
    const abr = new (createAbrController({}, () => 0))(hls as never);
    const abort = vi.fn();
    const frag = { type: 'main', sn: 2, level: 2, start: 0, duration: 2, bitrateTest: false, loader: {}, stats: {}, abortRequests: abort };
    abr.nextAutoLevel = 2;
    for (let i = 0; i < 20; i++) partLoaded(hls, { ...frag, sn: 1 }, i % 6, 70_000, 1);
    for (const i of [0, 1, 2, 3]) partLoaded(hls, frag, i, 70_000, 500);
    vi.runAllTimers();
    expect(abort).not.toHaveBeenCalled(); // 0.67 s left at 720p: 0.97 s, against 1.7 s at 480p
    expect(abr.nextAutoLevel).toBe(1); // the next fragment is 480p
    abr.destroy();
  });

  it('lets a run finish when the buffer from before the fragment would not last until the new part is in', () => {
    const hls = fakeHls();
    hls.mainForwardBufferInfo = { len: 0.8 }; // 0.67 s of it is this run's, which the switch drops
    const abr = new (createAbrController({}, () => 0))(hls as never);
    const abort = vi.fn();
    const frag = { type: 'main', sn: 2, level: 2, start: 0, duration: 2, bitrateTest: false, loader: {}, stats: {}, abortRequests: abort };
    abr.nextAutoLevel = 2;
    for (let i = 0; i < 20; i++) partLoaded(hls, { ...frag, sn: 1 }, i % 6, 70_000, 1);
    for (const i of [0, 1]) partLoaded(hls, frag, i, 70_000, 500);
    vi.runAllTimers();
    expect(abort).not.toHaveBeenCalled(); // 0.13 s left against 0.28 s for 480p's first part
    expect(abr.nextAutoLevel).toBe(1);
    abr.destroy();
  });
});
