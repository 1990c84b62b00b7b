// A replay in a browser (issue 16): after the stream ends, hls.js in Chromium opens its
// hlsManifestUrl, sees a VOD of the whole stream from its first second, and seeks in it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uuid } from './lib/harness.mjs';
import { publish, until } from './lib/media.mjs';
import { playerFixture, skipBrowser } from './lib/player_fixture.mjs';

const SECONDS = 10;

describe('a recording replayed in hls.js', { skip: skipBrowser }, () => {
  const f = playerFixture({}, () => {}, ['--reconnect-grace', '1']);
  const srv = f.srv;

  it('plays the whole stream from its start and seeks in it', async () => {
    const alice = srv.createUser('alice', 'broadcaster');
    const s = (await srv.req('POST', '/api/streams/create',
      { token: alice.token, body: { channelId: uuid(), title: 'replayed' } })).json;
    const rtmp = srv.stdout.match(/RTMP ingest\s+(rtmp:\/\/\S+)/)[1];
    await publish(`${rtmp}/${s.streamKey}`, { seconds: SECONDS }).done;
    await until(async () => (await srv.req('GET', `/api/streams/${s.id}/recording`)).json?.state === 'complete',
      { timeout: 30000, what: 'the recording complete' });

    const page = await f.browser.newPage();
    try {
      await page.goto(`${srv.base}/player.html?src=${encodeURIComponent(`${srv.base}/hls/${s.id}/master.m3u8`)}`);
      await until(async () => (await page.evaluate(() => window.report.times.at(-1) ?? 0)) > 1,
        { timeout: 20000, what: 'the replay playing' });
      const start = await page.evaluate(() => ({
        duration: document.getElementById('v').duration,
        live: window.hls.levels[window.hls.currentLevel]?.details?.live,
        first: window.report.times.find((t) => t > 0),
      }));
      assert.equal(start.live, false, 'hls.js reads a VOD playlist');
      assert.ok(Math.abs(start.duration - SECONDS) <= 1, `duration ${start.duration}`);
      assert.ok(start.first < 2, `starts at the beginning, not the end (first time ${start.first})`);

      // Seek forward, then back: each time the video plays on from where it was put.
      for (const to of [7, 2]) {
        await page.evaluate((t) => {
          const v = document.getElementById('v');
          window.seeked = false;
          v.addEventListener('seeked', () => { window.seeked = true; }, { once: true });
          v.currentTime = t;
        }, to);
        await until(async () => page.evaluate((t) => window.seeked && document.getElementById('v').currentTime > t + 0.5, to),
          { timeout: 15000, what: `playing on after a seek to ${to} s` });
      }
      const r = await page.evaluate(() => window.report);
      assert.equal(r.fatal, null, `no fatal error: ${r.errors.join(', ')}`);
      assert.ok(r.decoded > 60, `${r.decoded} frames decoded`);
      assert.equal(r.height, 360);
    } finally {
      await page.close();
    }
  });
});
