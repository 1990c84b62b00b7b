// AbrPolicy as an hls.js ABR controller (`new Hls({ abrController: createAbrController(cfg) })`).
// hls.js asks `nextAutoLevel` before each fragment or run of parts in auto mode; we answer from
// the policy, fed with each loaded main fragment's or part's transfer.
//
// LL-HLS: hls.js (1.7) loads the parts of one fragment back to back (`doFragPartsLoad`) without
// asking for a level in between, and sends FRAG_BUFFERED once for the run, with the last part's
// stats. At the live edge a run is one part; a player behind the edge (a slow network) loads the
// rest of a 2 s fragment in one run. So samples come from FRAG_LOADED, which fires for every
// part, and a run that the network cannot finish in time is cut short (see checkRun()).
import type Hls from 'hls.js';
import type { AbrComponentAPI, Fragment, FragLoadedData, LevelSwitchingData, Part } from 'hls.js';
import { AbrPolicy, type ABRConfig } from './abr-policy.js';

// hls.js's event names, as strings so this module does not import hls.js's code.
const FRAG_LOADED = 'hlsFragLoaded';
const FRAG_LOAD_EMERGENCY_ABORTED = 'hlsFragLoadEmergencyAborted';
const LEVEL_SWITCHING = 'hlsLevelSwitching';
const MANIFEST_LOADING = 'hlsManifestLoading';

type Listener = (e: string, d: never) => void;
type HlsLike = Pick<Hls, 'levels' | 'autoLevelEnabled'> & {
  on(e: string, fn: Listener, ctx?: unknown): void;
  off(e: string, fn: Listener, ctx?: unknown): void;
  trigger(e: string, data: unknown): boolean;
  nextLoadLevel: number;
  mainForwardBufferInfo?: { len: number } | null;
  targetLatency?: number | null;
};

export type AbrControllerClass = new (hls: Hls) => AbrComponentAPI;

export interface NchatAbrController extends AbrComponentAPI {
  readonly policy: AbrPolicy;
}

/** `localStorage['nchat-live.debug']` containing `abr` logs every sample and switch with
 * `console.debug` (the throttled page test reads them). */
function traceEnabled(): boolean {
  try {
    return typeof localStorage !== 'undefined' && (localStorage.getItem('nchat-live.debug') ?? '').includes('abr');
  } catch {
    return false;
  }
}

export function createAbrController(config: Partial<ABRConfig> = {}, now?: () => number): AbrControllerClass {
  return class NchatAbr implements NchatAbrController {
    readonly policy: AbrPolicy;
    private forced = -1;
    private readonly hls: HlsLike;
    private readonly trace = traceEnabled();
    private runCheck: ReturnType<typeof setTimeout> | null = null;

    constructor(hls: Hls) {
      this.hls = hls as unknown as HlsLike;
      this.policy = new AbrPolicy(config, now);
      this.hls.on(FRAG_LOADED, this.onFragLoaded as Listener, this);
      this.hls.on(LEVEL_SWITCHING, this.onLevelSwitching as Listener, this);
      this.hls.on(MANIFEST_LOADING, this.onManifestLoading, this);
    }

    private bitrates(): number[] {
      return (this.hls.levels ?? []).map((l) => l.bitrate);
    }

    private bufferSec(): number {
      return this.hls.mainForwardBufferInfo?.len ?? 0;
    }

    private log(what: Record<string, unknown>): void {
      if (this.trace) console.debug(`[nchat-live abr] ${JSON.stringify({ t: Math.round(performance.now()), ...what })}`);
    }

    private onFragLoaded(_e: string, data: FragLoadedData): void {
      const { frag, part } = data;
      if (frag.type !== 'main' || frag.sn === 'initSegment' || frag.bitrateTest) return;
      // hls.js forces a level for one fragment (e.g. one down after a load error).
      if (this.forced >= 0 && frag.level === this.forced) this.forced = -1;
      const stats = part ? part.stats : frag.stats;
      if (stats.aborted || !stats.loaded) return;
      // Transfer time from the first byte: what came before is the request's round trip and any
      // wait at the server (a part requested through its preload hint waits there until it is
      // made; hls.js 1.7 blocks on the playlist instead and asks only for parts listed).
      const ms = stats.loading.end - (stats.loading.first || stats.loading.start);
      this.policy.sample(stats.loaded, ms);
      this.log({
        sn: frag.sn,
        part: part?.index ?? -1,
        level: frag.level,
        bytes: stats.loaded,
        ttfbMs: Math.round((stats.loading.first || stats.loading.start) - stats.loading.start),
        ms: Math.round(ms),
        estimate: Math.round(this.policy.estimator.getEstimate()),
        buffer: Math.round(this.bufferSec() * 100) / 100,
      });
      // hls.js requests the fragment's next part right after this event: look once it has.
      if (part && this.hls.autoLevelEnabled && this.forced < 0) {
        if (this.runCheck) clearTimeout(this.runCheck);
        this.runCheck = setTimeout(() => {
          this.runCheck = null;
          this.checkRun(frag, part);
        }, 0);
      }
    }

    /** A run of parts at a level the policy has left: finishing the fragment at this level
     * against fetching it again from its start (its first independent part) at the new one,
     * at the latest rate, whichever completes it sooner. hls.js's own abandon rule watches only
     * a run's first part. Appending the new level's first part makes the browser drop what this
     * run buffered (frames that depend on a replaced keyframe go with it, MSE's coded frame
     * removal), so the buffer from before the fragment must last until that part is in. */
    private checkRun(frag: Fragment, part: Part): void {
      const bitrates = this.bitrates();
      const next = this.nextAutoLevel;
      const from = frag.level;
      if (next < 0 || next === from || (bitrates[next] ?? 0) >= (bitrates[from] ?? 0)) return;
      const rate = this.policy.latestBps;
      // A fragment still being made lists only the parts made so far: count it whole.
      const duration = Math.max(frag.duration, this.hls.levels[from]?.details?.targetduration ?? 0);
      const left = frag.start + duration - (part.start + part.duration);
      if (!(rate > 0) || left <= 0 || !frag.loader) return;
      const finishSec = (left * (bitrates[from] ?? 0)) / rate;
      const refetchSec = (duration * (bitrates[next] ?? 0)) / rate;
      const bufferBeforeSec = this.bufferSec() - (duration - left);
      const firstPartSec = (part.duration * (bitrates[next] ?? 0)) / rate;
      this.log({ run: frag.sn, from, to: next, finishSec, refetchSec, bufferBeforeSec, firstPartSec });
      if (refetchSec >= finishSec || bufferBeforeSec <= firstPartSec) return;
      this.hls.nextLoadLevel = next;
      frag.abortRequests();
      this.hls.trigger(FRAG_LOAD_EMERGENCY_ABORTED, { frag, part, stats: part.stats });
    }

    private onLevelSwitching(_e: string, data: LevelSwitchingData): void {
      this.policy.sync(data.level);
    }

    private onManifestLoading(): void {
      this.policy.reset();
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
      const before = this.policy.level;
      const level = this.policy.decide({
        bitrates: this.bitrates(),
        bufferSec: this.bufferSec(),
        liveTargetSec: this.hls.targetLatency ?? null,
      });
      if (level !== before) this.log({ switch: level, from: before, buffer: this.bufferSec() });
      return level;
    }
    set nextAutoLevel(level: number) {
      this.forced = level;
      if (level >= 0) this.policy.sync(level);
    }
    resetEstimator(defaultEstimate?: number): void {
      this.policy.reset(defaultEstimate);
    }
    destroy(): void {
      if (this.runCheck) clearTimeout(this.runCheck);
      this.hls.off(FRAG_LOADED, this.onFragLoaded as Listener, this);
      this.hls.off(LEVEL_SWITCHING, this.onLevelSwitching as Listener, this);
      this.hls.off(MANIFEST_LOADING, this.onManifestLoading, this);
    }
  };
}
