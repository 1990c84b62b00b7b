// The ladder whatever the publisher's keyframe interval (issue 12, docs/transcode.md "Long
// GOPs"): OBS's default keyframe interval is 250 frames (8.3 s at 30 fps), and live content has
// scene cuts. Every rendition's playlist must stay continuous and aligned with its siblings,
// every playlist must pass the rule checker (lib/hls_rules.mjs, through Server.req), and ffmpeg
// reading a rendition as a player does must decode every frame without skipping.
// Runs alone (RUN_SERIAL in tests/CMakeLists.txt): the ladder needs the machine's cores.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, uuid } from './lib/harness.mjs';
import { encodeFile, publishFile, ffmpegPlay, keyframeTimes, until, sleep } from './lib/media.mjs';
import { parseMediaPlaylist } from './lib/hls_rules.mjs';

const work = mkdtempSync(join(tmpdir(), 'nchat-gop-'));
const sources = {};

before(() => {
  sources.long = encodeFile(join(work, 'keyint250.flv'), { seconds: 70, size: '1280x720', kbps: 1500, gop: 250 });
  sources.cuts = encodeFile(join(work, 'scenecuts.flv'), { seconds: 70, size: '1280x720', kbps: 1500, gop: 250, sceneCuts: true });
});
after(() => rmSync(work, { recursive: true, force: true }));

// A server for one describe block, a broadcaster, and a way to publish a source to a new stream.
function fixture(maxConcurrent) {
  const f = { srv: new Server({ backend: 'sqlite', transcode: true }) };
  before(async () => {
    await f.srv.start(['--transcode-max-concurrent', String(maxConcurrent)]);
    f.alice = f.srv.createUser('alice', 'broadcaster');
  });
  after(async () => {
    const r = await f.srv.stop();
    f.srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${f.srv.stderr.slice(-3000)}`);
  });
  f.go = async (source) => {
    const s = (await f.srv.req('POST', '/api/streams/create',
      { token: f.alice.token, body: { channelId: uuid(), title: 'gop' } })).json;
    const rtmp = f.srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publishFile(`${rtmp}/${s.streamKey}`, source);
    return { s, pub };
  };
  return f;
}

// Reloads every rendition's playlist (plain and delta) for `seconds`, as players do: each one
// goes through the rule checker, across reloads and side by side.
async function watch(srv, id, renditions, seconds) {
  const until = Date.now() + seconds * 1000;
  const last = {};
  while (Date.now() < until) {
    for (const r of renditions) {
      const plain = await srv.req('GET', `/hls/${id}/${r}/index.m3u8`);
      if (plain.status === 200) last[r] = plain.text;
      await srv.req('GET', `/hls/${id}/${r}/index.m3u8?_HLS_skip=YES`);
    }
    await sleep(300);
  }
  return last;
}

async function ladder(srv, id) {
  return until(async () => {
    const r = await srv.req('GET', `/hls/${id}/master.m3u8`);
    if (r.status !== 200) return null;
    const names = [...r.text.matchAll(/^(\w+)\/index\.m3u8$/gm)].map((m) => m[1]);
    return names.length >= 3 ? names : null;
  }, { timeout: 30000, what: 'the ladder in the multivariant playlist' });
}

// Every rendition continuous (msns without holes, no discontinuity) and aligned (the same
// msns start at the same dates), and ffmpeg decodes each for 8 s without skipping.
async function assertContinuousAndDecodable(srv, id, names, playlists, fps) {
  const parsed = Object.fromEntries(names.map((n) => [n, parseMediaPlaylist(playlists[n])]));
  for (const n of names) {
    const p = parsed[n];
    assert.ok(p.segments.length >= 4, `${n}: ${p.segments.length} complete segments listed`);
    assert.equal(p.tags['#EXT-X-DISCONTINUITY'] ?? 0, 0, `${n}: no discontinuity`);
    assert.ok(!p.segments.some((s) => s.gap), `${n}: no gap`);
  }
  const reads = await Promise.all(names.map((n) => ffmpegPlay(`${srv.base}/hls/${id}/${n}/index.m3u8`, 8)));
  names.forEach((n, i) => {
    const r = reads[i];
    assert.doesNotMatch(r.stderr, /skipping|expired|Invalid|error/i, `${n}: ffmpeg said:\n${r.stderr}`);
    // 8 s at the rung's rate, give or take a frame per second of rounding at the ends.
    assert.ok(Math.abs(r.frames - 8 * fps[n]) <= 8, `${n}: ffmpeg decoded ${r.frames} frames in 8 s`);
  });
  return parsed;
}

describe('a long GOP (x264 keyint=250, OBS\'s default) with a transcode slot free', () => {
  const f = fixture(2);

  it('encodes the top rung too: every rendition cuts 2 s segments at the same times', async () => {
    const { s, pub } = await f.go(sources.long);
    try {
      const names = await ladder(f.srv, s.id);
      assert.deepEqual(names, ['720p', '480p', '360p']);
      const h = (await f.srv.req('GET', `/api/streams/${s.id}/health`, { token: f.alice.token })).json.transcode;
      assert.ok(h, 'the stream has a transcoder');
      const playlists = await watch(f.srv, s.id, names, 14);
      const parsed = await assertContinuousAndDecodable(f.srv, s.id, names, playlists, { '720p': 30, '480p': 24, '360p': 24 });
      for (const n of names) {
        assert.equal(parsed[n].targetDuration, 2, `${n}: TARGETDURATION`);
        for (const seg of parsed[n].segments) assert.ok(seg.duration < 2.5, `${n}: segment ${seg.msn} lasts ${seg.duration}`);
      }
      // The top rung's IDRs are the server's, every 2 s, not the source's one per 8.3 s.
      const keys = keyframeTimes(`${f.srv.base}/hls/${s.id}/720p/index.m3u8`);
      assert.ok(keys.length >= 4, `720p keyframes ${keys}`);
      assert.equal(h.topRung, 'encoded');
      assert.equal(h.longGop, true);
      assert.equal(h.renditions[0].passthrough, false);
      assert.equal(h.advice[0]?.code, 'keyframe_interval', JSON.stringify(h.advice));
      console.log(`long GOP, slot free: ${f.srv.playlistsChecked()} playlists checked; advice: ${h.advice[0].message}`);
    } finally {
      await pub.stop();
    }
  });

  it('does the same with scene cuts (irregular keyframes every 1.7-2.6 s)', async () => {
    const { s, pub } = await f.go(sources.cuts);
    try {
      const names = await ladder(f.srv, s.id);
      const playlists = await watch(f.srv, s.id, names, 14);
      const parsed = await assertContinuousAndDecodable(f.srv, s.id, names, playlists, { '720p': 30, '480p': 24, '360p': 24 });
      for (const n of names) assert.equal(parsed[n].targetDuration, 2, `${n}: TARGETDURATION`);
    } finally {
      await pub.stop();
    }
  });
});

describe('a long GOP with no transcode slot for the top rung', () => {
  // One transcode slot, held by the stream's own ladder: the top rung stays the source, and
  // every rendition follows its keyframes. x264's SEI gave TARGETDURATION before the first
  // playlist, so it never moves.
  const f = fixture(1);

  it('follows the source\'s keyframes in every rendition, continuous and aligned', async () => {
    const { s, pub } = await f.go(sources.cuts);
    try {
      const names = await ladder(f.srv, s.id);
      const h = (await f.srv.req('GET', `/api/streams/${s.id}/health`, { token: f.alice.token })).json.transcode;
      assert.ok(h, 'the stream has a transcoder');
      const playlists = await watch(f.srv, s.id, names, 22);
      const parsed = await assertContinuousAndDecodable(f.srv, s.id, names, playlists, { '720p': 30, '480p': 24, '360p': 24 });
      for (const n of names) assert.equal(parsed[n].targetDuration, 8, `${n}: TARGETDURATION from keyint 250`);
      assert.equal(h.topRung, 'passthrough');
      assert.equal(h.longGop, true);
      assert.match(h.advice[0]?.message ?? '', /keyframe interval/i);
    } finally {
      await pub.stop();
    }
  });
});
