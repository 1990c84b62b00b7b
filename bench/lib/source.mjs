// The source the HLS and WHEP fan-out benchmarks publish (looped with -c copy, so no encoder
// competes for the cores during a run): testsrc2 1280x720 30 fps, x264 veryfast at 2 Mb/s
// without B-frames, a 2 s GOP, AAC 128k; 60 s, encoded once into `dir`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function encodeBenchSource(dir) {
  const source = join(dir, 'source.flv');
  const enc = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '0', '-g', '60', '-b:v', '2M', '-maxrate', '2M', '-bufsize', '1M',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', source], { stdio: 'inherit' });
  if (enc.status !== 0 || !existsSync(source)) throw new Error('encoding the source failed');
  return source;
}
