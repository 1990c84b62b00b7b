// Writes the bandwidth traces the ABR tests replay (traces/*.json): kbps per 500 ms step.
// Synthetic but seeded, so every run and every machine replays the same numbers; shaped after
// the conditions an ABR controller meets: a steady line, a drop and a recovery, a slow ramp,
// Wi-Fi-like jitter, cellular-like fading with outages, and a throughput that hovers at a rung.
//   node make-traces.mjs
import { writeFileSync } from 'node:fs';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const STEP = 500;
const steps = (sec) => (sec * 1000) / STEP;
const traces = {};

traces.steady_5mbps = Array.from({ length: steps(120) }, () => 5000);

traces.drop_and_recover = Array.from({ length: steps(150) }, (_, i) => {
  const t = (i * STEP) / 1000;
  return t < 40 ? 6000 : t < 80 ? 900 : 6000;
});

traces.ramp_up = Array.from({ length: steps(120) }, (_, i) => Math.round(400 + (i / steps(120)) * 5600));

{
  const r = rng(7);
  traces.wifi_jitter = Array.from({ length: steps(150) }, () => Math.round(3500 * (0.55 + r() * 0.9)));
}
{
  const r = rng(42);
  let level = 2500;
  traces.cellular_fading = Array.from({ length: steps(180) }, (_, i) => {
    level = Math.min(8000, Math.max(250, level * (0.9 + r() * 0.21)));
    const t = (i * STEP) / 1000;
    const outage = (t > 60 && t < 63) || (t > 130 && t < 132);
    return Math.round(outage ? 60 : level);
  });
}
{
  // Hovers around what 720p needs with its margins: the case that makes controllers oscillate.
  const r = rng(3);
  traces.hover_720p = Array.from({ length: steps(150) }, () => Math.round(2000 * (0.8 + r() * 0.4)));
}

for (const [name, kbps] of Object.entries(traces)) {
  writeFileSync(new URL(`traces/${name}.json`, import.meta.url), JSON.stringify({ name, stepMs: STEP, kbps }) + '\n');
}
console.log(Object.keys(traces).join(' '));
