// Starts the real nchat-live binary on loopback (port 0, a temp data dir) and talks to it over
// HTTP. Backends: SQLite in the temp dir, or a fresh database on the throwaway PostgreSQL that
// CTest's fixture started (scripts/test-services).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Checker } from './hls_rules.mjs';

export const BIN = process.env.NCHAT_LIVE_BIN;
if (!BIN) throw new Error('NCHAT_LIVE_BIN is not set (run through ctest)');

export function postgresBaseUrl() {
  const dir = process.env.NCHAT_TEST_SERVICES;
  const file = dir && join(dir, 'pg.url');
  if (!file || !existsSync(file)) return null;
  return readFileSync(file, 'utf8').trim();
}

// A fresh database per server, so tests never see each other's rows.
export function freshPostgresDb() {
  const base = postgresBaseUrl();
  if (!base) return null;
  const name = 't_' + randomBytes(6).toString('hex');
  execFileSync('psql', [base, '-qAtc', `CREATE DATABASE ${name}`]);
  return base.replace(/\/[^/]*$/, '/' + name);
}

// The throwaway Redis that CTest's fixture started (scripts/test-services), or null.
export function redisUrl() {
  const dir = process.env.NCHAT_TEST_SERVICES;
  const file = dir && join(dir, 'redis.url');
  return file && existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

export const backends = ['sqlite', 'postgres'];

export class Server {
  // opts.vfrSources: the streams come from variable-frame-rate publishers (browsers over WHIP):
  // lib/hls_rules.mjs relaxes the one rule whole frames cannot always meet.
  constructor(opts = {}) {
    this.opts = opts;
    this.dataDir = mkdtempSync(join(tmpdir(), 'nchat-it-'));
    this.stdout = '';
    this.stderr = '';
    this.hls = new Map(); // stream id -> Checker of every playlist read from this server
  }

  // Every playlist a test reads goes through the rule checker (lib/hls_rules.mjs); stop()
  // fails the suite on any violation.
  checkPlaylist(url, text, client = 'test') {
    const m = String(url).match(/\/hls\/([^/?]+)\//);
    if (!m) return;
    if (!this.hls.has(m[1])) this.hls.set(m[1], new Checker({ vfr: this.opts.vfrSources }));
    this.hls.get(m[1]).add(String(url), text, client);
  }

  hlsViolations() {
    return [...this.hls.values()].flatMap((c) => c.violations);
  }

  playlistsChecked() {
    return [...this.hls.values()].reduce((n, c) => n + c.count, 0);
  }

  dbUrl() {
    if (this.opts.backend === 'postgres') {
      this.pgUrl ??= freshPostgresDb();
      if (!this.pgUrl) throw new Error('no PostgreSQL test service (NCHAT_TEST_SERVICES unset)');
      return this.pgUrl;
    }
    return `sqlite:${this.dataDir}/nchat-live.db`;
  }

  async start(extraArgs = []) {
    const args = ['serve', '--http', '127.0.0.1:0', '--rtmp', '127.0.0.1:0', '--udp', '127.0.0.1:0', '--data-dir', this.dataDir,
      '--db', this.dbUrl(), '--web-root', this.opts.webRoot ?? join(this.dataDir, 'no-web'),
      '--jwt-secret', this.opts.jwtSecret ?? 'integration-secret', '--log-level', 'info',
      // The ladder costs a core or more per stream: only the tests about it turn it on.
      ...(this.opts.transcode ? [] : ['--transcode=false']), ...extraArgs];
    // `wrap`: a command the server runs under (['taskset', '-c', '0'] for a one-core machine).
    const [cmd, ...cmdArgs] = [...(this.opts.wrap ?? []), BIN, ...args];
    this.proc = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0' } });
    this.proc.stdout.on('data', (d) => { this.stdout += d; });
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const m = this.stdout.match(/listening on (http:\/\/[^\s),]+)/);
      if (m) { this.base = m[1]; break; }
      if (this.proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!this.base) throw new Error(`server did not start:\n${this.stdout}\n${this.stderr}`);
    const t = this.stdout.match(/shown only this once:\s+(ncl_[A-Za-z0-9_-]+)/);
    this.adminToken = t && t[1];
    return this;
  }

  // SIGTERM, then the exit status (0 expected: graceful, and no sanitizer report). Throws when
  // a playlist read during the run broke a rule of rfc8216bis.
  async stop() {
    let r;
    if (!this.proc || this.proc.exitCode !== null) {
      r = await this.exited;
    } else {
      this.proc.kill('SIGTERM');
      r = await this.exited;
    }
    const v = [...new Set(this.hlsViolations())];
    if (v.length) {
      throw new Error(`${v.length} HLS rule violations in ${this.playlistsChecked()} playlists:\n` +
        v.slice(0, 40).join('\n'));
    }
    return r;
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.pgUrl) {
      try { execFileSync('psql', [postgresBaseUrl(), '-qAtc', `DROP DATABASE IF EXISTS ${this.pgUrl.split('/').pop()} WITH (FORCE)`]); } catch {}
    }
  }

  // `nchat-live user create` against the same database, while the server runs.
  createUser(name, role) {
    const out = execFileSync(BIN, ['user', 'create', '--name', name, '--role', role,
      '--data-dir', this.dataDir, '--db', this.dbUrl()], { encoding: 'utf8' });
    return JSON.parse(out.trim());
  }

  async req(method, path, { token, body, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload = raw;
    if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await res.text();
    if (res.status === 200 && /mpegurl/.test(res.headers.get('content-type') ?? '')) {
      this.checkPlaylist(path, text);
    }
    let json = null;
    try { json = JSON.parse(text); } catch {}
    return { status: res.status, headers: res.headers, text, json };
  }
}

export const uuid = () => randomUUID();
