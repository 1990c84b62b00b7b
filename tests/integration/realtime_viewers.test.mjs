// Viewer sessions and counters over real WebSockets against the real binary, on both storage
// backends (docs/realtime.md, Viewer counts): two anonymous viewers and a signed-in user with
// two connections are three viewers, three views and a peak of three; leaving and the stream's
// end close their rows in nchat_stream_viewers; a graceful stop closes the ones still open.
//
// The rows are read straight from the database: with psql on PostgreSQL (the harness uses it
// already), with the sqlite3 shell on SQLite (scripts/bootstrap installs it; this Node has no
// node:sqlite). Without the shell the test fails rather than skip those checks in silence.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Server, backends, uuid } from './lib/harness.mjs';
import { WsClient, sleep } from './lib/ws_client.mjs';

const haveSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
if (!haveSqlite3) throw new Error('the sqlite3 shell is missing: run scripts/bootstrap');

// Rows of `sql` as arrays of strings, or null when this backend's database cannot be read here.
function query(srv, backend, sql) {
  let out;
  if (backend === 'postgres') {
    out = execFileSync('psql', [srv.pgUrl, '-qAt', '-F', '|', '-c', sql], { encoding: 'utf8' });
  } else {
    if (!haveSqlite3) return null;
    out = execFileSync('sqlite3', ['-separator', '|', join(srv.dataDir, 'nchat-live.db'), sql],
      { encoding: 'utf8' });
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('|'));
}

// Polls `f` until it returns something truthy; the last value otherwise.
async function until(f, timeoutMs = 6000) {
  const deadline = Date.now() + timeoutMs;
  let v;
  while (Date.now() < deadline) {
    v = await f();
    if (v) return v;
    await sleep(100);
  }
  return v;
}

for (const backend of backends) {
  describe(`viewer sessions on ${backend}`, () => {
    const srv = new Server({ backend });
    let bc, viewer, stream;
    const clients = [];

    const getStream = async (id) => (await srv.req('GET', `/api/streams/${id}`, { token: bc.token })).json;
    const liveViewers = async (id) => {
      const r = await srv.req('GET', '/api/streams/live?limit=100');
      assert.equal(r.status, 200, r.text);
      return r.json.find((s) => s.id === id)?.currentViewers;
    };
    const sessionRows = (id) => query(srv, backend,
      'SELECT CASE WHEN v.user_id IS NULL THEN 0 ELSE 1 END, v.session_id,' +
      ' CASE WHEN v.left_at IS NULL THEN 0 ELSE 1 END,' +
      ' CASE WHEN v.left_at = s.ended_at THEN 1 ELSE 0 END, v.watch_seconds' +
      ` FROM nchat_stream_viewers v JOIN nchat_streams s ON s.id = v.stream_id WHERE v.stream_id = '${id}'` +
      ' ORDER BY v.joined_at, v.id');

    before(async () => {
      await srv.start();
      bc = srv.createUser('bea', 'broadcaster');
      viewer = srv.createUser('vic', 'viewer');
      const r = await srv.req('POST', '/api/streams/create', { token: bc.token,
        body: { channelId: uuid(), title: 'viewers' } });
      assert.equal(r.status, 201, r.text);
      stream = r.json;
      const live = await srv.req('POST', `/api/streams/${stream.id}/start`, { token: bc.token });
      assert.equal(live.status, 200, live.text);
    });

    after(async () => {
      for (const c of clients) c.ws.terminate();
      if (srv.proc && srv.proc.exitCode === null) await srv.stop();
      srv.cleanup();
    });

    it('counts distinct viewers, views and the peak, and stores their sessions', async () => {
      const anon1 = await WsClient.open(srv.base);
      const anon2 = await WsClient.open(srv.base);
      const tab1 = await WsClient.open(srv.base, { token: viewer.token });
      const tab2 = await WsClient.open(srv.base, { token: viewer.token });
      clients.push(anon1, anon2, tab1, tab2);
      for (const c of clients) await c.subscribe(stream.id);

      // Stored in batches about once a second.
      const s = await until(async () => {
        const x = await getStream(stream.id);
        return x.peakViewerCount === 3 && x.totalViewCount === 3 && x;
      });
      assert.ok(s, `peak and views reach 3: ${JSON.stringify(await getStream(stream.id))}`);
      assert.equal(await until(async () => (await liveViewers(stream.id)) === 3), true,
        'currentViewers 3 while they stay');
      // Staying is not viewing again: a few batches later nothing moved.
      await sleep(1500);
      const later = await getStream(stream.id);
      assert.equal(later.totalViewCount, 3);
      assert.equal(later.peakViewerCount, 3);
      assert.equal(await liveViewers(stream.id), 3);

      const rows = sessionRows(stream.id);
      if (rows) {
        assert.equal(rows.length, 3, JSON.stringify(rows));
        assert.deepEqual(rows.map((r) => r[0]).sort(), ['0', '0', '1'], 'two anonymous, one user');
        assert.equal(new Set(rows.map((r) => r[1])).size, 3, 'distinct session ids');
        for (const r of rows) {
          assert.match(r[1], /^[0-9a-f-]{36}:\d+$/, 'session id = node:connection');
          assert.equal(r[2], '0', 'open while watching');
        }
      }
    });

    it('closes sessions on leave and at the end, and the counters stay', async () => {
      const [anon1, anon2, tab1, tab2] = clients;
      await anon1.close();
      await tab1.close();
      // The user still has a tab: two viewers.
      assert.equal(await until(async () => (await liveViewers(stream.id)) === 2), true);
      await tab2.request({ type: 'unsubscribe', streamId: stream.id });
      assert.equal(await until(async () => (await liveViewers(stream.id)) === 1), true);

      // anon2 is still in the room when the stream ends.
      const end = await srv.req('POST', `/api/streams/${stream.id}/end`, { token: bc.token });
      assert.equal(end.status, 200, end.text);
      assert.equal(end.json.totalViewCount, 3);
      assert.equal(end.json.peakViewerCount, 3);
      const rows = sessionRows(stream.id);
      if (rows) {
        assert.equal(rows.length, 3, JSON.stringify(rows));
        for (const r of rows) assert.equal(r[2], '1', `every session closed: ${JSON.stringify(rows)}`);
        assert.equal(rows.filter((r) => r[3] === '1').length, 1, 'the one still watching ends with the stream');
        for (const r of rows) assert.ok(Number(r[4]) >= 0);
      }

      // Watching an ended stream's room adds no views.
      const late = await WsClient.open(srv.base);
      clients.push(late);
      await late.subscribe(stream.id);
      await anon2.close();
      await sleep(2500);
      const after = await getStream(stream.id);
      assert.equal(after.totalViewCount, 3);
      assert.equal(after.peakViewerCount, 3);
      const again = sessionRows(stream.id);
      if (again) assert.equal(again.length, 3);
    });

    it('a subscribe/unsubscribe loop on one connection is one view and one row (issue 17)', async () => {
      const r = await srv.req('POST', '/api/streams/create', { token: bc.token,
        body: { channelId: uuid(), title: 'loop' } });
      assert.equal(r.status, 201, r.text);
      const looped = r.json;
      await srv.req('POST', `/api/streams/${looped.id}/start`, { token: bc.token });
      const c = await WsClient.open(srv.base);
      clients.push(c);
      // Across several batches (about one a second): the row is stored, closed, opened again.
      const until2s = Date.now() + 2500;
      let rounds = 0;
      while (rounds < 30 || Date.now() < until2s) {
        await c.subscribe(looped.id);
        const ack = await c.request({ type: 'unsubscribe', streamId: looped.id });
        assert.equal(ack.type, 'ack', JSON.stringify(ack));
        rounds++;
      }
      // Another viewer after the loop: once their view is counted, the loop's batches are too.
      const other = await WsClient.open(srv.base);
      clients.push(other);
      await other.subscribe(looped.id);
      const s = await until(async () => {
        const x = await getStream(looped.id);
        return x.totalViewCount >= 2 && x;
      });
      assert.ok(s, `the second viewer is counted: ${JSON.stringify(await getStream(looped.id))}`);
      assert.equal(s.totalViewCount, 2, `${rounds} subscribes of one connection are one view`);
      const rows = sessionRows(looped.id);
      if (rows) assert.equal(rows.length, 2, JSON.stringify(rows));
      await other.close();
    });

    it('a graceful stop closes the sessions still open', async () => {
      const r = await srv.req('POST', '/api/streams/create', { token: bc.token,
        body: { channelId: uuid(), title: 'second' } });
      assert.equal(r.status, 201, r.text);
      const second = r.json;
      await srv.req('POST', `/api/streams/${second.id}/start`, { token: bc.token });
      const c = await WsClient.open(srv.base, { token: viewer.token });
      clients.push(c);
      await c.subscribe(second.id);
      assert.equal(await until(async () => (await liveViewers(second.id)) === 1), true);

      const stop = await srv.stop();
      assert.equal(stop.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
      const rows = sessionRows(second.id);
      if (rows) {
        assert.equal(rows.length, 1, JSON.stringify(rows));
        assert.equal(rows[0][0], '1');
        assert.equal(rows[0][2], '1', 'closed at shutdown');
      }
    });
  });
}
