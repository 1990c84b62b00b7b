import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import HlsLight from 'hls.js/light';
import { describe, expect, it } from 'vitest';
import { createAbrController } from '../../src/sdk/abr/abr-controller';
import { simulate, type ControllerClass, type SimResult, type Trace } from './simulator';

// vitest runs from web/ (vitest.config.ts); under jsdom import.meta.url is not a file URL.
const dir = join(process.cwd(), 'packages/react/test/abr/traces');
const traces: Trace[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Trace);

const ours = (cfg = {}) => createAbrController(cfg, () => performance.now()) as unknown as ControllerClass;
const hlsDefault = HlsLight.DefaultConfig.abrController as unknown as ControllerClass;

const rows: string[] = [];
function row(name: string, who: string, r: SimResult) {
  rows.push(
    `| ${name} | ${who} | ${r.switches} | ${r.stalls} | ${(r.stallMs / 1000).toFixed(1)} | ${Math.round(r.meanBitrate / 1000)} | ${r.fragments} |`,
  );
}

describe('ABR controller on recorded bandwidth traces, against hls.js 1.7.4 default', () => {
  const totals = {
    ours: { switches: 0, stalls: 0, stallMs: 0 },
    hls: { switches: 0, stalls: 0, stallMs: 0 },
    window: { switches: 0, stalls: 0 },
  };
  for (const trace of traces) {
    it(trace.name, () => {
      const a = simulate(trace, ours());
      const b = simulate(trace, hlsDefault);
      const w = simulate(trace, ours({ bandwidthEstimator: 'sliding-window' }));
      row(trace.name, 'nchat (ewma)', a);
      row(trace.name, 'nchat (sliding-window)', w);
      row(trace.name, 'hls.js default', b);
      totals.window.switches += w.switches;
      totals.window.stalls += w.stalls;
      totals.ours.stallMs += a.stallMs;
      totals.hls.stallMs += b.stallMs;
      totals.ours.switches += a.switches;
      totals.ours.stalls += a.stalls;
      totals.hls.switches += b.switches;
      totals.hls.stalls += b.stalls;
      expect(a.fragments).toBeGreaterThan(((trace.kbps.length * trace.stepMs) / 1000) * 0.5);
    });
  }
  // Measured (docs/web.md): as many switches as hls.js in total (13 and 13), and 2 stalls
  // against 14 (1.2 s stalled against 3.6 s): the gain is in the drop, where hls.js's
  // abandon-and-retry still stalls. The assertions hold the line: never more of either.
  it('switches and stalls no more than hls.js over all traces', () => {
    console.log(
      ['| trace | controller | switches | stalls | stalled s | mean kb/s | fragments |', '|---|---|---|---|---|---|---|', ...rows].join(
        '\n',
      ),
    );
    console.log(
      `totals: ours ${JSON.stringify(totals.ours)}, sliding-window ${JSON.stringify(totals.window)}, hls.js ${JSON.stringify(totals.hls)}`,
    );
    expect(totals.ours.switches).toBeLessThanOrEqual(totals.hls.switches);
    expect(totals.ours.stalls).toBeLessThanOrEqual(totals.hls.stalls);
    expect(totals.ours.stallMs).toBeLessThanOrEqual(totals.hls.stallMs);
  });
});
