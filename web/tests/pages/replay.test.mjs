// An ended stream's watch page plays its recording (issue 16): the same link the broadcaster
// shared now shows a seekable replay from the first second, marked REPLAY. Photographed at phone
// and desktop sizes into web/test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, pageFor, shoot, startFixture, until, publish, uuid } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

describe('the watch page of an ended stream', () => {
  let f;
  let id;
  before(async () => {
    f = await startFixture({}, ['--reconnect-grace', '1']);
    const bob = f.srv.createUser('bob', 'broadcaster');
    const s = (await f.srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'Yesterday live' } }))
      .json;
    id = s.id;
    await publish(`${f.rtmp}/${s.streamKey}`, { seconds: 8 }).done;
    await until(async () => (await f.srv.req('GET', `/api/streams/${id}/recording`)).json?.state === 'complete', {
      what: 'the recording complete',
      timeout: 30000,
    });
  });
  after(async () => {
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  for (const [name, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`plays the recording, seekable, at ${name} size`, async () => {
      const page = await pageFor(f.browser, null, viewport);
      await page.goto(`${f.srv.base}/watch/${id}`);
      await page.getByText('REPLAY').first().waitFor({ timeout: 15000 });
      const video = page.locator('video');
      // Autoplay with sound may be refused headless: start it muted, as a viewer's tap would.
      await video.evaluate((v) => {
        v.muted = true;
        return v.play().catch(() => undefined);
      });
      await until(async () => (await video.evaluate((v) => v.currentTime)) > 1, { what: 'the replay playing', timeout: 20000 });
      const state = await video.evaluate((v) => ({ duration: v.duration, controls: v.controls }));
      assert.ok(Math.abs(state.duration - 8) <= 1, `duration ${state.duration}`);
      assert.equal(state.controls, true, 'a timeline to seek with');
      assert.equal(await page.getByText('The stream has ended.').count(), 0);
      await video.evaluate((v) => {
        v.currentTime = 6;
      });
      await until(async () => (await video.evaluate((v) => v.currentTime)) > 6.3, { what: 'playing after a seek', timeout: 15000 });
      await shoot(page, `watch-replay-${name}`);
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
});
