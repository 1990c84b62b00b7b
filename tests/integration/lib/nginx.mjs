// A real nginx (Debian's) in front of a test server, the way deploy/nginx/ puts it in front of
// a node: TLS with a throwaway self-signed certificate, HTTP/2, and deploy/nginx/
// nchat-live-locations.conf included as it is. On a free loopback port, removed by stop().
// Its access log says, for each request, whether the origin was asked (upstream status).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import http2 from 'node:http2';

const here = dirname(fileURLToPath(import.meta.url));
export const LOCATIONS = join(here, '..', '..', '..', 'deploy', 'nginx', 'nchat-live-locations.conf');
export const NGINX = '/usr/sbin/nginx';
export const skipNginx = !existsSync(NGINX) ? 'nginx is not installed (scripts/bootstrap installs it)' : false;

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

export class Edge {
  // origin: the test server's base URL (http://127.0.0.1:PORT).
  constructor(origin) {
    this.origin = new URL(origin);
    this.dir = mkdtempSync(join(tmpdir(), 'nchat-nginx-'));
    this.stderr = '';
  }

  async start() {
    const d = this.dir;
    for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'cache']) mkdirSync(join(d, t));
    const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-keyout', join(d, 'key.pem'), '-out', join(d, 'cert.pem'), '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
    if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr}`);
    this.port = await freePort();
    this.base = `https://127.0.0.1:${this.port}`;
    // The same shape as deploy/nginx/nchat-live.conf, with this run's paths and ports. As root,
    // the workers stay root: they write the cache under a directory only root may enter.
    writeFileSync(join(d, 'nginx.conf'), `
${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events { worker_connections 4096; }
http {
  types { application/vnd.apple.mpegurl m3u8; video/mp4 m4s mp4; text/html html; application/javascript js; }
  log_format edge '$msec|$request_uri|$status|$upstream_cache_status|$upstream_status|$server_protocol';
  access_log ${d}/access.log edge;
  client_body_temp_path ${d}/body;
  proxy_temp_path ${d}/proxy;
  fastcgi_temp_path ${d}/fastcgi;
  uwsgi_temp_path ${d}/uwsgi;
  scgi_temp_path ${d}/scgi;
  proxy_cache_path ${d}/cache levels=1:2 keys_zone=nchat_hls:16m max_size=256m inactive=2m use_temp_path=off;
  upstream nchat_origin {
    server ${this.origin.host};
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${this.port} ssl http2;
    ssl_certificate ${d}/cert.pem;
    ssl_certificate_key ${d}/key.pem;
    include ${LOCATIONS};
  }
}
`);
    const check = spawnSync(NGINX, ['-t', '-p', d, '-c', join(d, 'nginx.conf')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
    this.proc = spawn(NGINX, ['-p', d, '-c', join(d, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr.on('data', (x) => { this.stderr += x; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        const r = await this.get('/nginx-is-up');
        if (r.status) break;
      } catch (e) {
        if (this.proc.exitCode !== null || Date.now() > deadline) {
          throw new Error(`nginx did not start: ${e.message}\n${this.stderr}\n${this.errorLog()}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return this;
  }

  // The worker's pid (worker_processes 1), whose CPU a benchmark reads.
  workerPid() {
    try {
      return Number(readFileSync(`/proc/${this.proc.pid}/task/${this.proc.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || null;
    } catch { return null; }
  }

  errorLog() {
    try { return readFileSync(join(this.dir, 'error.log'), 'utf8'); } catch { return ''; }
  }

  // Every request nginx answered so far: { at (ms), uri, status, cache, upstream, protocol }.
  // `upstream` is the origin's status, or null when the origin was not asked.
  log() {
    let text = '';
    try { text = readFileSync(join(this.dir, 'access.log'), 'utf8'); } catch { return []; }
    return text.split('\n').filter(Boolean).map((l) => {
      const [msec, uri, status, cache, upstream, protocol] = l.split('|');
      return { at: Number(msec) * 1000, uri, status: Number(status), cache, upstream: upstream === '-' ? null : upstream, protocol };
    });
  }

  // An HTTP/2 session to the edge (the certificate is this run's own).
  session() {
    const s = http2.connect(this.base, { rejectUnauthorized: false });
    s.on('error', () => {});
    return s;
  }

  // GET over HTTP/2 on `session` (a new one when not given): { status, headers, text, alpn }.
  async get(path, session) {
    const own = !session;
    const s = session ?? this.session();
    try {
      return await new Promise((resolve, reject) => {
        const req = s.request({ ':method': 'GET', ':path': path });
        let status = 0;
        let headers = {};
        const chunks = [];
        req.on('response', (h) => { status = h[':status']; headers = h; });
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => resolve({ status, headers, text: Buffer.concat(chunks).toString('latin1'), alpn: s.alpnProtocol }));
        req.on('error', reject);
        req.setTimeout(20000, () => req.close(http2.constants.NGHTTP2_CANCEL));
        req.end();
      });
    } finally {
      if (own) s.close();
    }
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGQUIT');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
