// The ABR decision, free of hls.js so it can be tested on recorded traces: the spec's ABRConfig
// (EWMA or sliding-window estimate, buffer-based decisions, up/down thresholds, min/max bitrate)
// plus a cooldown between up-switches.
import { EwmaEstimator, SlidingWindowEstimator, type BandwidthEstimator } from './estimators.js';

/** The product spec's ABRConfig, with the knobs it leaves unnamed as optional extras. */
export interface ABRConfig {
  minAutoBitrate: number;
  maxAutoBitrate: number;
  bufferBasedABR: boolean;
  bandwidthEstimator: 'ewma' | 'sliding-window';
  /** Switch up to a level whose bitrate is at most this fraction of the estimate. */
  switchUpThreshold: number;
  /** Switch down when the current bitrate times this exceeds the estimate. */
  switchDownThreshold: number;
  /** Seconds of buffer needed before switching up (capped by the live target, see decide()). */
  minBufferForQualitySwitch: number;
  /** Not in the spec: milliseconds after any switch before the next switch up. */
  switchCooldownMs?: number;
  /** Not in the spec: estimate before the first sample, bits/s. */
  defaultEstimate?: number;
}

export const DEFAULT_ABR_CONFIG: Required<ABRConfig> = {
  minAutoBitrate: 500_000,
  maxAutoBitrate: 10_000_000,
  bufferBasedABR: true,
  bandwidthEstimator: 'ewma',
  switchUpThreshold: 0.8,
  switchDownThreshold: 1.2,
  minBufferForQualitySwitch: 5,
  switchCooldownMs: 8_000,
  defaultEstimate: 1_000_000,
};

/** Go down when the latest downloads' rate would empty the buffer within this many seconds:
 * about what a switch takes to reach the screen (the rest of a fragment, a playlist, a part). */
const STALL_HORIZON_SEC = 4;
/** …judged on this many downloads in a row. */
const STALL_SAMPLES = 2;

export interface AbrInput {
  /** Bitrates of the levels, bits/s, in the player's order (ascending in practice). */
  bitrates: number[];
  /** Seconds of media buffered ahead of the playhead. */
  bufferSec: number;
  /** The live target latency in seconds, for live streams. */
  liveTargetSec?: number | null;
}

export class AbrPolicy {
  readonly config: Required<ABRConfig>;
  readonly estimator: BandwidthEstimator;
  private current = -1;
  private lastSwitchAt = -Infinity;

  constructor(
    config: Partial<ABRConfig> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.config = { ...DEFAULT_ABR_CONFIG, ...config };
    this.estimator =
      this.config.bandwidthEstimator === 'sliding-window'
        ? new SlidingWindowEstimator(10, 20_000, this.config.defaultEstimate, now)
        : new EwmaEstimator(3, 9, this.config.defaultEstimate);
  }

  get level(): number {
    return this.current;
  }

  /** Follows a level the player chose by itself (a manual pick, a level removed). */
  sync(level: number): void {
    this.current = level;
  }

  private lastSampleBps = Infinity;
  /** The rates of the latest STALL_SAMPLES downloads, newest last. */
  private recentBps: number[] = [];

  sample(bytes: number, durationMs: number): void {
    this.estimator.sample(bytes, durationMs);
    this.lastSampleBps = (bytes * 8 * 1000) / Math.max(durationMs, 1);
    this.recentBps.push(this.lastSampleBps);
    if (this.recentBps.length > STALL_SAMPLES) this.recentBps.shift();
  }

  /** The latest download's rate, bits/s (Infinity before any). */
  get latestBps(): number {
    return this.lastSampleBps;
  }

  /** Forgets the samples (a new manifest, hls.js's resetEstimator). */
  reset(defaultEstimate?: number): void {
    this.estimator.reset(defaultEstimate);
    this.lastSampleBps = Infinity;
    this.recentBps = [];
  }

  /** Levels inside [minAutoBitrate, maxAutoBitrate]; if none is, the one nearest the range. */
  allowed(bitrates: number[]): number[] {
    const { minAutoBitrate: lo, maxAutoBitrate: hi } = this.config;
    const inside = bitrates
      .map((b, i) => [b, i] as const)
      .filter(([b]) => b >= lo && b <= hi)
      .map(([, i]) => i);
    if (inside.length || !bitrates.length) return inside;
    let best = 0;
    let dist = Infinity;
    bitrates.forEach((b, i) => {
      const d = b < lo ? lo - b : b - hi;
      if (d < dist) {
        dist = d;
        best = i;
      }
    });
    return [best];
  }

  /** The highest allowed level whose bitrate fits `budget`, or the lowest allowed. */
  private fit(bitrates: number[], allowed: number[], budget: number): number {
    let pick = allowed.reduce((a, i) => ((bitrates[i] ?? 0) < (bitrates[a] ?? 0) ? i : a), allowed[0] ?? 0);
    for (const i of allowed) {
      const b = bitrates[i] ?? 0;
      if (b <= budget && b > (bitrates[pick] ?? 0)) pick = i;
    }
    return pick;
  }

  /** The level to start with: what the estimate affords. Before any sample that is
   * `defaultEstimate`, itself a cautious guess, so no up margin is taken off it: starting a rung
   * low costs every session a switch. */
  firstLevel(bitrates: number[]): number {
    const allowed = this.allowed(bitrates);
    const margin = this.estimator.canEstimate() ? this.config.switchUpThreshold : 1;
    return this.fit(bitrates, allowed, this.estimator.getEstimate() * margin);
  }

  /** The level for the next download. Down-switches are immediate (a stall costs more than a
   * switch); up-switches wait for the cooldown and, buffer-based, for enough buffer. */
  decide(input: AbrInput): number {
    const { bitrates } = input;
    const c = this.config;
    const allowed = this.allowed(bitrates);
    if (!allowed.length) return -1;
    if (this.current < 0 || !allowed.includes(this.current)) {
      return this.switchTo(
        this.estimator.canEstimate()
          ? this.fit(bitrates, allowed, this.estimator.getEstimate() * c.switchUpThreshold)
          : this.firstLevel(bitrates),
      );
    }
    if (!this.estimator.canEstimate()) return this.current;
    const est = this.estimator.getEstimate();
    const cur = bitrates[this.current] ?? 0;
    // A live buffer can never exceed the distance to the live edge, and when the next download
    // is chosen the newest piece is not yet made: ask for at most half the target latency.
    let minBuffer = c.bufferBasedABR ? c.minBufferForQualitySwitch : 0;
    if (minBuffer > 0 && input.liveTargetSec) minBuffer = Math.min(minBuffer, 0.5 * input.liveTargetSec);

    // Time to stall: at the rate of the latest downloads each second of download at this level
    // costs `drain` seconds of buffer. The averages alone react too late when they remember a
    // fast past (on loopback parts arrive at hundreds of Mb/s, and a 1 s LL-HLS buffer lasts
    // 2-3 s at 720p over 480p's bandwidth). Two in a row, both below bitrate / switchDown: a
    // download that spans a short outage is slow, the one after it hardly or not at all, and the
    // buffer rides it out.
    const recent = this.recentBps.length < STALL_SAMPLES ? Infinity : Math.max(...this.recentBps);
    const drain = cur / recent - 1;
    const starving = recent * c.switchDownThreshold < cur && input.bufferSec < drain * STALL_HORIZON_SEC;
    if (cur * c.switchDownThreshold > est || starving) {
      // Buffer-based: with enough buffered and the estimate still covering the bitrate itself,
      // ride it out (this is what keeps a throughput hovering at a rung from flapping).
      if (!starving && c.bufferBasedABR && minBuffer > 0 && input.bufferSec >= minBuffer && est >= cur) return this.current;
      // Going down, believe the latest download if it was worse than the average: the average
      // lags a sudden drop by a few downloads, each of which would stall.
      const budget = Math.min(est, this.lastSampleBps) / c.switchDownThreshold;
      const down = this.fit(
        bitrates,
        allowed.filter((i) => (bitrates[i] ?? 0) < cur),
        budget,
      );
      if ((bitrates[down] ?? 0) < cur) return this.switchTo(down);
      return this.current;
    }
    if (this.now() - this.lastSwitchAt < c.switchCooldownMs) return this.current;
    if (c.bufferBasedABR && input.bufferSec < minBuffer) return this.current;
    // Going up, the latest download must agree with the average: one fast download after a
    // slow spell does not lift the average, and a slow one means the average is stale.
    const up = this.fit(bitrates, allowed, Math.min(est, this.lastSampleBps) * c.switchUpThreshold);
    if ((bitrates[up] ?? 0) > cur) return this.switchTo(up);
    return this.current;
  }

  private switchTo(level: number): number {
    if (level !== this.current) {
      this.current = level;
      this.lastSwitchAt = this.now();
    }
    return level;
  }
}
