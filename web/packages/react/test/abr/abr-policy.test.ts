import { describe, expect, it } from 'vitest';
import { AbrPolicy } from '../../src/sdk/abr/abr-policy';
import { EwmaEstimator, SlidingWindowEstimator } from '../../src/sdk/abr/estimators';

const LADDER = [528_000, 928_000, 1_628_000, 3_128_000];

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Feeds `n` one-second-worth downloads at `bps`. */
function feed(p: AbrPolicy, bps: number, n = 5) {
  for (let i = 0; i < n; i++) p.sample(bps / 8, 1000);
}

describe('estimators', () => {
  it('EWMA converges on a steady rate and believes a drop before a rise', () => {
    const e = new EwmaEstimator(3, 9, 1_000_000);
    expect(e.canEstimate()).toBe(false);
    expect(e.getEstimate()).toBe(1_000_000);
    for (let i = 0; i < 30; i++) e.sample(500_000, 1000); // 4 Mb/s
    expect(e.getEstimate()).toBeCloseTo(4_000_000, -3);
    e.sample(62_500, 1000); // one second at 0.5 Mb/s
    const afterDrop = e.getEstimate();
    expect(afterDrop).toBeLessThan(3_500_000);
    const e2 = new EwmaEstimator(3, 9);
    for (let i = 0; i < 30; i++) e2.sample(62_500, 1000);
    e2.sample(500_000, 1000);
    expect(e2.getEstimate()).toBeLessThan(1_000_000); // the slow half holds a rise back
  });

  it('sliding window averages bytes over time and forgets old samples', () => {
    const c = clock();
    const w = new SlidingWindowEstimator(3, 10_000, 1, c.now);
    w.sample(125_000, 1000); // 1 Mb/s
    w.sample(250_000, 1000); // 2 Mb/s
    expect(w.getEstimate()).toBe(1_500_000);
    c.advance(20_000);
    w.sample(500_000, 1000); // 4 Mb/s; the others are out of the window
    expect(w.getEstimate()).toBe(4_000_000);
  });
});

describe('AbrPolicy', () => {
  it('keeps auto levels inside min/max bitrate', () => {
    const p = new AbrPolicy({ minAutoBitrate: 900_000, maxAutoBitrate: 2_000_000 });
    expect(p.allowed(LADDER)).toEqual([1, 2]);
    feed(p, 50_000_000);
    expect(p.decide({ bitrates: LADDER, bufferSec: 10 })).toBe(2);
    const q = new AbrPolicy({ minAutoBitrate: 5_000_000, maxAutoBitrate: 9_000_000 });
    expect(q.allowed(LADDER)).toEqual([3]); // none inside: the nearest
  });

  it('switches up only under switchUpThreshold of the estimate, with enough buffer, after the cooldown', () => {
    const c = clock();
    const p = new AbrPolicy({ switchCooldownMs: 8000, minBufferForQualitySwitch: 4 }, c.now);
    feed(p, 1_000_000);
    expect(p.decide({ bitrates: LADDER, bufferSec: 10 })).toBe(0); // 928k > 0.8 × 1 Mb/s
    feed(p, 2_500_000, 20);
    c.advance(1000);
    expect(p.decide({ bitrates: LADDER, bufferSec: 10 })).toBe(0); // cooldown after the first pick
    c.advance(8000);
    expect(p.decide({ bitrates: LADDER, bufferSec: 2 })).toBe(0); // buffer below 4 s
    expect(p.decide({ bitrates: LADDER, bufferSec: 5 })).toBe(2); // 1.628M <= 0.8 * 2.5M
  });

  it('caps the buffer requirement at half the live target latency', () => {
    const c = clock();
    const p = new AbrPolicy({ switchCooldownMs: 0, minBufferForQualitySwitch: 5 }, c.now);
    feed(p, 10_000_000, 20);
    p.sync(0);
    expect(p.decide({ bitrates: LADDER, bufferSec: 1.6, liveTargetSec: 3 })).toBe(3);
  });

  it('switches down at once when bitrate × switchDownThreshold exceeds the estimate', () => {
    const c = clock();
    const p = new AbrPolicy({ switchCooldownMs: 60_000 }, c.now);
    feed(p, 10_000_000, 20);
    p.sync(3);
    expect(p.decide({ bitrates: LADDER, bufferSec: 0.5 })).toBe(3);
    feed(p, 1_500_000, 10);
    expect(p.decide({ bitrates: LADDER, bufferSec: 0.5 })).toBe(1); // 928k * 1.2 <= 1.5M; no cooldown for downs
  });

  it('buffer-based: rides out a dip while the buffer is healthy and the estimate still covers the bitrate', () => {
    const c = clock();
    const p = new AbrPolicy({ minBufferForQualitySwitch: 2 }, c.now);
    feed(p, 1_800_000, 40);
    p.sync(2); // 1.628M: 1.628 × 1.2 > 1.8 would switch down
    expect(p.decide({ bitrates: LADDER, bufferSec: 3 })).toBe(2);
    expect(p.decide({ bitrates: LADDER, bufferSec: 1 })).toBe(1);
    const q = new AbrPolicy({ minBufferForQualitySwitch: 2, bufferBasedABR: false }, c.now);
    feed(q, 1_800_000, 40);
    q.sync(2);
    expect(q.decide({ bitrates: LADDER, bufferSec: 3 })).toBe(1);
  });

  it('goes down when two downloads in a row would empty the buffer, though the average remembers a fast past', () => {
    const c = clock();
    const p = new AbrPolicy({}, c.now);
    // LL-HLS parts over loopback: 70 KB in 1 ms (560 Mb/s), and the average believes it.
    for (let i = 0; i < 30; i++) p.sample(70_000, 1);
    p.sync(2);
    expect(p.decide({ bitrates: LADDER, bufferSec: 1.2 })).toBe(2);
    p.sample(70_000, 500); // 1.12 Mb/s: one slow download may be a short outage
    expect(p.decide({ bitrates: LADDER, bufferSec: 1 })).toBe(2);
    expect(p.estimator.getEstimate()).toBeGreaterThan(LADDER[2]! * 1.2); // the average alone would wait
    p.sample(70_000, 500); // two in a row: 1.628 Mb/s drains 0.45 s of buffer a second
    expect(p.decide({ bitrates: LADDER, bufferSec: 0.8 })).toBe(1); // 928k ≤ 1.12M / 1.2
  });

  it('rides out slow downloads that a deep buffer covers, or that came before a fast one', () => {
    const p = new AbrPolicy({ minBufferForQualitySwitch: 1 });
    for (let i = 0; i < 30; i++) p.sample(70_000, 1);
    p.sync(2);
    p.sample(70_000, 500);
    p.sample(70_000, 500);
    expect(p.decide({ bitrates: LADDER, bufferSec: 4 })).toBe(2); // empty in 8.9 s, beyond the horizon
    p.sample(70_000, 500);
    p.sample(70_000, 2); // the network is back
    expect(p.decide({ bitrates: LADDER, bufferSec: 0.5 })).toBe(2);
  });
});
