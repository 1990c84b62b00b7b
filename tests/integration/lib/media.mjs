// Real media clients for the integration tests: ffmpeg publishing over RTMP, ffprobe reading.
import { spawn, spawnSync } from 'node:child_process';

// Publishes a synthetic source in real time (-re). kind: 'av' | 'audio' | 'video'.
export function publish(url, { seconds = 8, kind = 'av', size = '640x360', rate = 30, gop = 60 } = {}) {
  const args = ['-hide_banner', '-v', 'error', '-re'];
  if (kind !== 'audio') args.push('-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`);
  if (kind !== 'video') args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(seconds));
  if (kind !== 'audio') args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(gop), '-pix_fmt', 'yuv420p');
  if (kind !== 'video') args.push('-c:a', 'aac', '-b:a', '128k');
  args.push('-f', 'flv', url);
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { proc, done, stop: () => { proc.kill('SIGKILL'); return done; } };
}

export function ffprobe(url, extra = []) {
  const r = spawnSync('ffprobe', ['-v', 'error', ...extra, '-of', 'json', url], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(fn, { timeout = 15000, every = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// GStreamer's rtmp2sink (gst-plugins-bad) publishing x264 + AAC in FLV: a second, independent
// RTMP client implementation.
export function gstPublish(url, { seconds = 8 } = {}) {
  const frames = seconds * 30;
  const buffers = Math.ceil(seconds * 44100 / 1024);
  const pipeline = `videotestsrc num-buffers=${frames} is-live=true ! video/x-raw,width=640,height=360,framerate=30/1 ` +
    `! x264enc tune=zerolatency key-int-max=60 speed-preset=veryfast ! h264parse ! queue ! flvmux name=m streamable=true ` +
    `! rtmp2sink location=${url} audiotestsrc num-buffers=${buffers} is-live=true ! audioconvert ! avenc_aac ! aacparse ! queue ! m.`;
  const proc = spawn('gst-launch-1.0', ['-q', ...pipeline.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { proc, done, stop: () => { proc.kill('SIGKILL'); return done; } };
}

export function haveGstreamer() {
  const r = spawnSync('gst-inspect-1.0', ['rtmp2sink'], { encoding: 'utf8' });
  const x = spawnSync('gst-inspect-1.0', ['x264enc'], { encoding: 'utf8' });
  return r.status === 0 && x.status === 0;
}

// Encodes a synthetic H.264+AAC source into an FLV file once (fast: ultrafast), so that a test
// can then publish it in real time with -c copy and leave the cores to the server.
export function encodeFile(path, { seconds = 10, size = '1920x1080', rate = 30, kbps = 3000, gop = 60 } = {}) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    '-g', String(gop), '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', path],
  { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`ffmpeg could not encode ${path}: ${r.stderr}`);
  return path;
}

// Publishes a file in real time without re-encoding it.
export function publishFile(url, path) {
  const proc = spawn('ffmpeg', ['-hide_banner', '-v', 'error', '-re', '-i', path, '-c', 'copy', '-f', 'flv', url],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { proc, done, stop: () => { proc.kill('SIGKILL'); return done; } };
}
