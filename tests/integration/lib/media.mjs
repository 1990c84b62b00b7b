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
// `gop`: x264's keyint (OBS's default "auto" is 250). `sceneCuts`: hard cuts between two test
// patterns at irregular times, which x264's scene-cut detection makes keyframes of (as a real
// encoder does with live content), on top of keyint; otherwise keyframes are exactly `gop` apart.
export function encodeFile(path, { seconds = 10, size = '1920x1080', rate = 30, kbps = 3000, gop = 60,
  sceneCuts = false, preset = sceneCuts ? 'veryfast' : 'ultrafast' } = {}) {
  // (x264's ultrafast preset turns scene-cut detection off.)
  const video = sceneCuts
    ? ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`, '-f', 'lavfi', '-i', `smptehdbars=size=${size}:rate=${rate}`]
    : ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`];
  const audioInput = sceneCuts ? '2:a' : '1:a';
  const filter = sceneCuts
    ? ['-filter_complex', "[0:v][1:v]overlay=enable='lt(mod(t\,4.3)\,1.7)+between(mod(t\,7.1)\,5\,5.6)'[v]", '-map', '[v]', '-map', audioInput]
    : [];
  const keyframes = sceneCuts ? ['-g', String(gop), '-keyint_min', '25', '-sc_threshold', '40']
    : ['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'];
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...video,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds), ...filter,
    '-c:v', 'libx264', '-preset', preset, '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    ...keyframes, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-f', 'flv', path],
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

// The keyframe times of a media file or URL (seconds), from ffprobe.
export function keyframeTimes(url) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey',
    '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', url], { encoding: 'utf8', timeout: 60000 });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

// ffmpeg reading a live HLS rendition for `seconds` as a player would (from the live edge):
// the frames it decoded and what it complained about.
export function ffmpegPlay(url, seconds) {
  return new Promise((resolve) => {
    const proc = spawn('ffmpeg', ['-hide_banner', '-nostats', '-v', 'warning', '-i', url, '-t', String(seconds),
      '-map', '0:v:0', '-f', 'framecrc', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), (seconds + 40) * 1000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      const frames = out.split('\n').filter((l) => /^\d+,/.test(l)).length;
      resolve({ code, frames, stderr: err });
    });
  });
}
