// A full disk stops the recording, never the stream (issue 16): the recordings' directory is a
// 256 KiB tmpfs, which a few seconds of video fill.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Server, uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';

// Needs a tmpfs mount (root, as in CI); skipped, saying why, where that is not allowed.
function mountTiny(dir, size) {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || 'mount failed').trim();
}
const tinyDir = join(process.env.TMPDIR ?? '/tmp', `nchat-tiny-${process.pid}`);
const cannotMount = mountTiny(tinyDir, '256k');

describe('a full disk', { skip: cannotMount ? `cannot mount a tmpfs to fill: ${cannotMount}` : false }, () => {
  const srv = new Server({ backend: 'sqlite' });
  before(async () => { await srv.start(['--reconnect-grace', '1', '--record-path', tinyDir]); });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    try { execFileSync('umount', [tinyDir]); rmSync(tinyDir, { recursive: true }); } catch {}
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('marks the recording failed, says why, and keeps the stream live', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create', { token: alice.token, body: { channelId: uuid(), title: 'full disk' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const pub = publish(`${rtmp}/${s.streamKey}`, { seconds: 14 });
    try {
      await until(async () => (await srv.req('GET', `/api/streams/${s.id}/recording`)).json?.state === 'failed',
        { timeout: 20000, what: 'the recording fails' });
      const health = (await srv.req('GET', `/api/streams/${s.id}/health`, { token: alice.token })).json;
      assert.equal(health.publishing, true, 'the stream goes on');
      assert.equal(health.recording.state, 'failed');
      assert.match(health.recording.error, /No space left on device/);
      assert.match(srv.stdout + srv.stderr, new RegExp(`stream=${s.id} recording failed`));
      // Still live: new segments keep coming.
      const seq = async () => {
        const t = (await srv.req('GET', `/hls/${s.id}/source/index.m3u8`)).text;
        return Math.max(...[...t.matchAll(/seg(\d+)\.m4s/g)].map((m) => Number(m[1])));
      };
      const first = await seq();
      await until(async () => (await seq()) > first + 1, { timeout: 10000, what: 'two more segments' });
      const metrics = (await srv.req('GET', '/metrics')).text;
      assert.match(metrics, /nchat_recording_failures_total 1/);
    } finally {
      await pub.stop();
    }
  });
});
