// AbrPolicy as an hls.js ABR controller (`new Hls({ abrController: createAbrController(cfg) })`).
// hls.js asks `nextAutoLevel` before each fragment or part in auto mode; we answer from the
// policy, fed with each buffered main fragment's transfer.
import type Hls from 'hls.js';
import type { AbrComponentAPI, FragBufferedData, LevelSwitchingData } from 'hls.js';
import { AbrPolicy, type ABRConfig } from './abr-policy.js';

// hls.js's event names, as strings so this module does not import hls.js's code.
const FRAG_BUFFERED = 'hlsFragBuffered';
const LEVEL_SWITCHING = 'hlsLevelSwitching';
const MANIFEST_LOADING = 'hlsManifestLoading';

type HlsLike = Pick<Hls, 'levels' | 'on' | 'off'> & {
  mainForwardBufferInfo?: { len: number } | null;
  targetLatency?: number | null;
};

export type AbrControllerClass = new (hls: Hls) => AbrComponentAPI;

export interface NchatAbrController extends AbrComponentAPI {
  readonly policy: AbrPolicy;
}

export function createAbrController(config: Partial<ABRConfig> = {}, now?: () => number): AbrControllerClass {
  return class NchatAbr implements NchatAbrController {
    readonly policy: AbrPolicy;
    private forced = -1;
    private readonly hls: HlsLike;

    constructor(hls: Hls) {
      this.hls = hls as unknown as HlsLike;
      this.policy = new AbrPolicy(config, now);
      const h = hls as unknown as { on: (e: string, fn: (e: string, d: never) => void, ctx?: unknown) => void };
      h.on(FRAG_BUFFERED, this.onFragBuffered, this);
      h.on(LEVEL_SWITCHING, this.onLevelSwitching, this);
      h.on(MANIFEST_LOADING, this.onManifestLoading, this);
    }

    private bitrates(): number[] {
      return (this.hls.levels ?? []).map((l) => l.bitrate);
    }

    private onFragBuffered(_e: string, data: FragBufferedData): void {
      const { frag, part } = data;
      if (frag.type !== 'main' || frag.sn === 'initSegment') return;
      // hls.js forces a level for one fragment (e.g. one down after a load error).
      if (this.forced >= 0 && frag.level === this.forced) this.forced = -1;
      const stats = part && part.stats.loaded ? part.stats : frag.stats;
      if (stats.aborted || !stats.loaded) return;
      // Transfer time from the first byte: a blocked LL-HLS request waits for the part to be made,
      // and that wait says nothing about the network.
      const ms = stats.loading.end - (stats.loading.first || stats.loading.start);
      this.policy.sample(stats.loaded, ms);
    }

    private onLevelSwitching(_e: string, data: LevelSwitchingData): void {
      this.policy.sync(data.level);
    }

    private onManifestLoading(): void {
      this.policy.estimator.reset();
      this.policy.sync(-1);
    }

    get firstAutoLevel(): number {
      return this.policy.firstLevel(this.bitrates());
    }
    get forcedAutoLevel(): number {
      return this.forced;
    }
    get nextAutoLevel(): number {
      if (this.forced >= 0) return this.forced;
      return this.policy.decide({
        bitrates: this.bitrates(),
        bufferSec: this.hls.mainForwardBufferInfo?.len ?? 0,
        liveTargetSec: this.hls.targetLatency ?? null,
      });
    }
    set nextAutoLevel(level: number) {
      this.forced = level;
      if (level >= 0) this.policy.sync(level);
    }
    resetEstimator(defaultEstimate?: number): void {
      this.policy.estimator.reset(defaultEstimate);
    }
    destroy(): void {
      const h = this.hls as unknown as { off: (e: string, fn: (e: string, d: never) => void, ctx?: unknown) => void };
      h.off(FRAG_BUFFERED, this.onFragBuffered, this);
      h.off(LEVEL_SWITCHING, this.onLevelSwitching, this);
      h.off(MANIFEST_LOADING, this.onManifestLoading, this);
    }
  };
}
