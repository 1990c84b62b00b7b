// Bandwidth estimators for the ABR controller. Both take samples as (bytes, milliseconds of
// transfer) and answer bits per second.

export interface BandwidthEstimator {
  sample(bytes: number, durationMs: number): void;
  /** Bits per second; `defaultEstimate` until a sample arrived. */
  getEstimate(): number;
  canEstimate(): boolean;
  reset(defaultEstimate?: number): void;
}

/** An exponentially weighted moving average with a half-life in seconds of transfer time (a long
 * download weighs more than a short one), corrected for its zero start. */
class Ewma {
  private readonly alpha: number;
  private estimate = 0;
  private totalWeight = 0;
  constructor(halfLifeSec: number) {
    this.alpha = Math.exp(Math.log(0.5) / halfLifeSec);
  }
  sample(weight: number, value: number): void {
    const a = this.alpha ** weight;
    this.estimate = value * (1 - a) + a * this.estimate;
    this.totalWeight += weight;
  }
  value(): number {
    const zeroFactor = 1 - this.alpha ** this.totalWeight;
    return zeroFactor > 0 ? this.estimate / zeroFactor : this.estimate;
  }
}

/** Two EWMAs, a fast one and a slow one; the estimate is the lower, so a drop is believed at
 * once and a rise only once it lasts. */
export class EwmaEstimator implements BandwidthEstimator {
  private fast: Ewma;
  private slow: Ewma;
  private samples = 0;
  constructor(
    private readonly fastHalfLifeSec = 3,
    private readonly slowHalfLifeSec = 9,
    private defaultEstimate = 1_000_000,
  ) {
    this.fast = new Ewma(fastHalfLifeSec);
    this.slow = new Ewma(slowHalfLifeSec);
  }
  sample(bytes: number, durationMs: number): void {
    const ms = Math.max(durationMs, 1);
    const bps = (bytes * 8 * 1000) / ms;
    const weight = ms / 1000;
    this.fast.sample(weight, bps);
    this.slow.sample(weight, bps);
    this.samples++;
  }
  getEstimate(): number {
    return this.samples ? Math.min(this.fast.value(), this.slow.value()) : this.defaultEstimate;
  }
  canEstimate(): boolean {
    return this.samples > 0;
  }
  reset(defaultEstimate?: number): void {
    if (defaultEstimate !== undefined) this.defaultEstimate = defaultEstimate;
    this.fast = new Ewma(this.fastHalfLifeSec);
    this.slow = new Ewma(this.slowHalfLifeSec);
    this.samples = 0;
  }
}

/** Bytes over time of the last `maxSamples` downloads within `windowMs` of the newest: a
 * throughput average weighted by size, which one tiny fast part cannot swing. */
export class SlidingWindowEstimator implements BandwidthEstimator {
  private window: { bytes: number; ms: number; at: number }[] = [];
  constructor(
    private readonly maxSamples = 10,
    private readonly windowMs = 20_000,
    private defaultEstimate = 1_000_000,
    private readonly now: () => number = () => performance.now(),
  ) {}
  sample(bytes: number, durationMs: number): void {
    const at = this.now();
    this.window.push({ bytes, ms: Math.max(durationMs, 1), at });
    while (this.window.length > this.maxSamples) this.window.shift();
    this.window = this.window.filter((s) => at - s.at <= this.windowMs);
  }
  getEstimate(): number {
    if (!this.window.length) return this.defaultEstimate;
    let bytes = 0;
    let ms = 0;
    for (const s of this.window) {
      bytes += s.bytes;
      ms += s.ms;
    }
    return (bytes * 8 * 1000) / ms;
  }
  canEstimate(): boolean {
    return this.window.length > 0;
  }
  reset(defaultEstimate?: number): void {
    if (defaultEstimate !== undefined) this.defaultEstimate = defaultEstimate;
    this.window = [];
  }
}
