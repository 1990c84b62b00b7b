// Replays a bandwidth trace against an hls.js ABR controller (ours or hls.js's own), driving it
// through the same events and fields hls.js gives it: a live stream of 1 s fragments, one
// download at a time at the trace's bandwidth, the playhead draining the buffer. Timers and
// performance.now() are vitest's fake timers, so hls.js's abandon-rules timer runs as in a
// player. Counts level switches and stalls.
import { AttrList, Events, Level, LoadStats } from 'hls.js/light';
import HlsLight from 'hls.js/light';
import type { AbrComponentAPI } from 'hls.js';
import { vi } from 'vitest';

export interface Trace {
  name: string;
  stepMs: number;
  kbps: number[];
}

export interface SimResult {
  switches: number;
  stalls: number;
  stallMs: number;
  /** Mean bitrate of the fragments played, bits/s. */
  meanBitrate: number;
  startupMs: number;
  fragments: number;
  levels: number[];
}

/** The spec's ladder, BANDWIDTH as a multivariant playlist gives it (video + 128 kb/s audio). */
export const LADDER = [
  { height: 360, width: 640, bitrate: 528_000 },
  { height: 480, width: 854, bitrate: 928_000 },
  { height: 720, width: 1280, bitrate: 1_628_000 },
  { height: 1080, width: 1920, bitrate: 3_128_000 },
];

type Listener = { fn: (event: string, data: unknown) => void; ctx: unknown };

class FakeHls {
  config = { ...HlsLight.DefaultConfig, abrEwmaDefaultEstimate: 1_000_000 } as Record<string, unknown> & typeof HlsLight.DefaultConfig;
  levels: Level[];
  loadLevel = -1;
  minAutoLevel = 0;
  autoLevelCapping = -1;
  firstLevel = 0;
  startLevel = -1;
  targetLatency = 3;
  media = { paused: true, playbackRate: 1, readyState: 4, currentTime: 0, duration: Infinity };
  mainForwardBufferInfo: { len: number; start: number; end: number; nextStart?: number } | null = { len: 0, start: 0, end: 0 };
  latestLevelDetails = {
    live: true,
    targetduration: 1,
    averagetargetduration: 1,
    levelTargetDuration: 1,
    partTarget: 0,
    edge: 0,
    fragments: [],
  };
  logger = { log() {}, warn() {}, info() {}, debug() {}, error() {}, trace() {} };
  private listeners = new Map<string, Listener[]>();
  aborted = false;
  forcedNext = -1;

  constructor() {
    this.levels = LADDER.map(
      (l, i) =>
        new Level({
          attrs: new AttrList({ BANDWIDTH: String(l.bitrate), RESOLUTION: `${l.width}x${l.height}`, CODECS: 'avc1.64001f,mp4a.40.2' }),
          bitrate: l.bitrate,
          name: `${l.height}p`,
          url: `rung${i}.m3u8`,
          width: l.width,
          height: l.height,
          videoCodec: 'avc1.64001f',
          audioCodec: 'mp4a.40.2',
        }),
    );
  }
  get maxAutoLevel() {
    return this.levels.length - 1;
  }
  get loadLevelObj() {
    return this.levels[this.loadLevel] ?? null;
  }
  get nextLoadLevel() {
    return this.forcedNext;
  }
  set nextLoadLevel(v: number) {
    this.forcedNext = v;
    this.loadLevel = v;
  }
  abr: AbrComponentAPI | null = null;
  get nextAutoLevel() {
    return this.abr?.nextAutoLevel ?? -1;
  }
  set nextAutoLevel(v: number) {
    if (this.abr) this.abr.nextAutoLevel = v;
  }
  on(e: string, fn: Listener['fn'], ctx?: unknown) {
    this.listeners.set(e, [...(this.listeners.get(e) ?? []), { fn, ctx }]);
  }
  off(e: string, fn: Listener['fn']) {
    this.listeners.set(
      e,
      (this.listeners.get(e) ?? []).filter((l) => l.fn !== fn),
    );
  }
  trigger(e: string, data: unknown) {
    for (const l of this.listeners.get(e) ?? []) l.fn.call(l.ctx, e, data);
    return true;
  }
  removeLevel() {}
  allAudioTracks = [];
}

export type ControllerClass = new (hls: never) => AbrComponentAPI;

export function simulate(
  trace: Trace,
  Controller: ControllerClass,
  opts: { fragSec?: number; rttMs?: number; startLatencySec?: number } = {},
): SimResult {
  const fragSec = opts.fragSec ?? 1;
  const fragMs = fragSec * 1000;
  const rtt = opts.rttMs ?? 40;
  const startLatency = opts.startLatencySec ?? 3;
  const TICK = 50;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
  try {
    const hls = new FakeHls();
    const abr = new Controller(hls as never);
    hls.abr = abr;
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    const endMs = trace.kbps.length * trace.stepMs;
    hls.trigger(Events.MANIFEST_LOADING, { url: 'master.m3u8' });
    const levelStats = new LoadStats();
    levelStats.loading = { start: 0, first: 20, end: 25 };
    hls.trigger(Events.LEVEL_LOADED, {
      details: hls.latestLevelDetails,
      level: 0,
      id: 0,
      stats: levelStats,
      networkDetails: null,
      deliveryDirectives: null,
      levelInfo: hls.levels[0],
    });

    let buffer = 0;
    let playing = false;
    let started = false;
    let startupMs = 0;
    let stalls = 0;
    let stallMs = 0;
    let switches = 0;
    let lastLevel = -1;
    let sn = 0; // fragments 0..startLatency-1 exist at t = 0: the player starts startLatency behind live
    let bitsSum = 0;
    const played: number[] = [];
    let dl: { level: number; bits: number; done: number; firstAt: number; frag: Record<string, unknown>; stats: LoadStats } | null = null;
    const available = (n: number) => (n + 1 - startLatency) * fragMs; // when fragment n is complete at the origin

    while (now() < endMs) {
      const t = now();
      const bw = (trace.kbps[Math.min(trace.kbps.length - 1, Math.floor(t / trace.stepMs))] ?? 0) * 1000;
      if (dl) {
        if (dl.frag.aborted) {
          dl = null; // hls.js's abandon rule gave up on it: fetch the same fragment again, lower
        } else if (t + TICK > dl.firstAt) {
          // Bytes flow from the first byte on; the end falls inside the tick where they run out.
          if (!dl.stats.loading.first) dl.stats.loading.first = t0 + dl.firstAt;
          const from = Math.max(t, dl.firstAt);
          const before = dl.done;
          dl.done += (bw * (t + TICK - from)) / 1000;
          dl.stats.loaded = Math.min(dl.bits, dl.done) / 8;
          if (dl.done >= dl.bits) {
            const end = t0 + from + (bw > 0 ? ((dl.bits - before) / bw) * 1000 : 0);
            dl.stats.loading.end = end;
            dl.stats.parsing = { start: end, end };
            dl.stats.buffering = { start: end, first: end, end };
            hls.trigger(Events.FRAG_LOADED, { frag: dl.frag, part: null, payload: new ArrayBuffer(0), networkDetails: null });
            hls.trigger(Events.FRAG_BUFFERED, { frag: dl.frag, part: null, stats: dl.stats, id: 'main' });
            buffer += fragSec;
            played.push(dl.level);
            bitsSum += hls.levels[dl.level]?.bitrate ?? 0;
            if (hls.forcedNext === dl.level) hls.forcedNext = -1;
            sn++;
            dl = null;
          }
        }
      }
      if (!dl && t >= available(sn)) {
        let level = hls.forcedNext >= 0 ? hls.forcedNext : abr.nextAutoLevel;
        if (level < 0) level = abr.firstAutoLevel;
        if (level !== hls.loadLevel) hls.trigger(Events.LEVEL_SWITCHING, { ...hls.levels[level], level });
        hls.loadLevel = level;
        if (lastLevel >= 0 && level !== lastLevel) switches++;
        lastLevel = level;
        const stats = new LoadStats();
        stats.loading.start = t0 + t;
        const l = hls.levels[level] as Level;
        const frag: Record<string, unknown> = {
          type: 'main',
          sn,
          level,
          duration: fragSec,
          start: sn * fragSec,
          bitrate: l.bitrate,
          stats,
          aborted: false,
          bitrateTest: false,
          abortRequests() {
            this.aborted = true;
          },
          hasStreams: true,
          url: `rung${level}/${sn}.m4s`,
        };
        dl = { level, bits: l.bitrate * fragSec, done: 0, firstAt: t + rtt, frag, stats };
        hls.trigger(Events.FRAG_LOADING, { frag, targetBufferTime: sn * fragSec });
      }
      if (playing) {
        buffer -= TICK / 1000;
        if (buffer <= 0) {
          buffer = 0;
          playing = false;
          stalls++;
        }
      } else if (buffer >= fragSec) {
        playing = true;
        if (!started) {
          started = true;
          startupMs = t;
        }
      } else if (started) {
        stallMs += TICK;
      }
      hls.media.paused = !playing;
      hls.media.readyState = playing ? 4 : 2;
      hls.mainForwardBufferInfo = { len: buffer, start: 0, end: buffer };
      vi.advanceTimersByTime(TICK);
    }
    abr.destroy();
    return {
      switches,
      stalls,
      stallMs,
      meanBitrate: played.length ? bitsSum / played.length : 0,
      startupMs,
      fragments: played.length,
      levels: played,
    };
  } finally {
    vi.useRealTimers();
  }
}
