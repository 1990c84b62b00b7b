// The command line is a contract: other tools and tests drive it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, Server, uuid } from './lib/harness.mjs';

const run = (args, env = {}) => spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ...env } });

describe('nchat-live command line', () => {
  it('prints its version', () => {
    const r = run(['version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^nchat-live \d+\.\d+\.\d+\n$/);
  });

  it('lists every serve option with its default and environment variable', () => {
    const r = run(['serve', '--help']);
    assert.equal(r.status, 0);
    for (const opt of ['--config', '--http', '--rtmp', '--udp', '--data-dir', '--db', '--redis',
      '--public-url', '--log-level', '--web-root', '--cors-origin', '--jwt-secret']) {
      assert.ok(r.stdout.includes(opt), `help lists ${opt}`);
    }
    assert.match(r.stdout, /127\.0\.0\.1:8080/);
    assert.match(r.stdout, /NCHAT_LIVE_HTTP/);
  });

  it('migrates, then has nothing left to apply', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nchat-cli-'));
    try {
      const a = run(['migrate', '--data-dir', dir]);
      assert.equal(a.status, 0, a.stderr);
      assert.match(a.stdout, /migrations applied: [1-9]\d* \(sqlite\)/);
      const b = run(['migrate', '--data-dir', dir]);
      assert.match(b.stdout, /migrations applied: 0 /);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('creates users as one JSON object and refuses bad roles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nchat-cli-'));
    try {
      const out = execFileSync(BIN, ['user', 'create', '--name', 'Zoë', '--role', 'moderator', '--data-dir', dir], { encoding: 'utf8' });
      const u = JSON.parse(out);
      assert.deepEqual(Object.keys(u).sort(), ['id', 'name', 'role', 'token']);
      assert.equal(u.name, 'Zoë');
      assert.equal(u.role, 'moderator');
      assert.match(u.token, /^ncl_[A-Za-z0-9_-]{43}$/);
      const bad = run(['user', 'create', '--name', 'x', '--role', 'root', '--data-dir', dir]);
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /role/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('refuses bad configuration with a message naming the key', () => {
    assert.match(run(['serve', '--http', 'nowhere']).stderr, /http/);
    assert.match(run(['serve', '--log-level', 'loud']).stderr, /log-level/);
    assert.match(run(['serve', '--db', 'mysql://x']).stderr, /db/);
    const dir = mkdtempSync(join(tmpdir(), 'nchat-cli-'));
    try {
      const f = join(dir, 'c.toml');
      writeFileSync(f, 'htpp = "127.0.0.1:1"\n');
      assert.match(run(['serve', '--config', f]).stderr, /unknown key 'htpp'/);
      writeFileSync(f, 'threads = "many"\n');
      assert.match(run(['serve', '--config', f]).stderr, /threads/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('takes settings from flag over environment over config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nchat-cli-'));
    const f = join(dir, 'nchat.toml');
    // The file says one public URL, the environment another, the flag a third.
    writeFileSync(f, `public_url = "http://file.example"\ningest_url = "rtmp://file.example:1935/live"\n`);
    const srv = new Server({ backend: 'sqlite' });
    try {
      process.env.NCHAT_LIVE_PUBLIC_URL = 'http://env.example';
      await srv.start(['--config', f]);
      const admin = srv.adminToken;
      const s = await srv.req('POST', '/api/streams/create', { token: admin, body: { channelId: uuid(), title: 't' } });
      assert.equal(s.json.ingestUrl, 'rtmp://file.example:1935/live', 'file value used when nothing overrides it');
      const started = await srv.req('POST', `/api/streams/${s.json.id}/start`, { token: admin });
      assert.equal(started.json.hlsManifestUrl, `http://env.example/hls/${s.json.id}/master.m3u8`, 'environment beats file');
    } finally {
      delete process.env.NCHAT_LIVE_PUBLIC_URL;
      assert.equal((await srv.stop()).code, 0);
      srv.cleanup();
    }
    const srv2 = new Server({ backend: 'sqlite' });
    try {
      process.env.NCHAT_LIVE_PUBLIC_URL = 'http://env.example';
      await srv2.start(['--config', f, '--public-url', 'http://flag.example/']);
      const s = await srv2.req('POST', '/api/streams/create', { token: srv2.adminToken, body: { channelId: uuid(), title: 't' } });
      const started = await srv2.req('POST', `/api/streams/${s.json.id}/start`, { token: srv2.adminToken });
      assert.equal(started.json.hlsManifestUrl, `http://flag.example/hls/${s.json.id}/master.m3u8`, 'flag beats environment');
    } finally {
      delete process.env.NCHAT_LIVE_PUBLIC_URL;
      await srv2.stop();
      srv2.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the admin token only on the first start', async () => {
    const srv = new Server({ backend: 'sqlite' });
    await srv.start();
    assert.ok(srv.adminToken);
    assert.equal((await srv.stop()).code, 0);
    const again = new Server({ backend: 'sqlite' });
    again.dataDir = srv.dataDir;
    await again.start();
    assert.equal(again.adminToken, null);
    const ok = await again.req('GET', '/api/streams', { token: srv.adminToken });
    assert.equal(ok.status, 200, 'the first token still works');
    assert.equal((await again.stop()).code, 0);
    again.cleanup();
  });

  it('shuts down gracefully on SIGTERM, finishing an in-flight request', async () => {
    const srv = new Server({ backend: 'sqlite' });
    await srv.start();
    const t0 = Date.now();
    const inflight = srv.req('GET', '/healthz');
    srv.proc.kill('SIGTERM');
    const r = await inflight.catch((e) => ({ status: 'error ' + e.message }));
    const exit = await srv.exited;
    assert.equal(exit.code, 0, srv.stderr.slice(-2000));
    assert.ok(Date.now() - t0 < 5000, 'within 5 s');
    assert.ok(r.status === 200 || String(r.status).startsWith('error'), 'answered or refused, never hung');
    srv.cleanup();
  });
});
