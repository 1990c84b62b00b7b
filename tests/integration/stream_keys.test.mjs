// Stream keys are stored as their hash (issue 17): shown once, in the answer that makes them,
// and an RTMP publish with one still finds its stream, on both storage backends.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Server, backends, uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';

for (const backend of backends) {
  describe(`stream keys on ${backend}`, () => {
    const srv = new Server({ backend });
    let alice;
    const channel = uuid();
    const rtmpUrl = () => srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    const status = async (id) => (await srv.req('GET', `/api/streams/${id}`)).json.status;
    // The stream_key column, read straight from the database (psql, or the sqlite3 shell).
    const storedKey = (id) => {
      const sql = `SELECT stream_key FROM nchat_streams WHERE id = '${id}'`;
      const out = backend === 'postgres'
        ? execFileSync('psql', [srv.pgUrl, '-qAt', '-c', sql], { encoding: 'utf8' })
        : execFileSync('sqlite3', [join(srv.dataDir, 'nchat-live.db'), sql], { encoding: 'utf8' });
      return out.trim();
    };

    before(async () => {
      await srv.start(['--reconnect-grace', '0']);
      alice = srv.createUser('alice', 'broadcaster');
    });
    after(async () => {
      const r = await srv.stop();
      srv.cleanup();
      assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
    });

    it('is not in the stored row, nor in GET, yet publishing with it goes live', async () => {
      const created = await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'hashed key' } });
      assert.equal(created.status, 201, created.text);
      const key = created.json.streamKey;
      assert.match(key, /^[A-Za-z0-9_-]{43}$/);
      const got = await srv.req('GET', `/api/streams/${created.json.id}`, { token: alice.token });
      assert.ok(!('streamKey' in got.json));
      assert.ok(!got.text.includes(key));
      assert.equal(storedKey(created.json.id), createHash('sha256').update(key).digest('hex'),
        'only the SHA-256 of the key is stored');

      const pub = publish(`${rtmpUrl()}/${key}`, { seconds: 20 });
      await until(async () => (await status(created.json.id)) === 'live', { what: 'live with the key' });
      await pub.stop();
    });

    it('regenerating shows the new key once; the old one is refused, the new one publishes', async () => {
      const s = (await srv.req('POST', '/api/streams/create', { token: alice.token,
        body: { channelId: channel, title: 'rotated key' } })).json;
      const r = await srv.req('POST', `/api/streams/${s.id}/key`, { token: alice.token });
      assert.equal(r.status, 200, r.text);
      const fresh = r.json.streamKey;
      assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(fresh, s.streamKey);
      assert.ok(!('streamKey' in (await srv.req('GET', `/api/streams/${s.id}`, { token: alice.token })).json));

      const old = await publish(`${rtmpUrl()}/${s.streamKey}`, { seconds: 3 }).done;
      assert.notEqual(old.code, 0, 'the old key is refused');
      assert.equal(await status(s.id), 'preparing');
      const pub = publish(`${rtmpUrl()}/${fresh}`, { seconds: 20 });
      await until(async () => (await status(s.id)) === 'live', { what: 'live with the new key' });
      await pub.stop();
    });
  });
}
