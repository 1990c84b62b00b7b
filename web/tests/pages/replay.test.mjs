// An ended stream's watch page plays its recording (issue 16): the same link the broadcaster
// shared now shows a seekable replay from the first second, marked REPLAY, and its chat, read-only,
// in step with the video: a message said while live appears when the video reaches the moment it
// was said, and a seek back takes it away. Photographed at phone and desktop sizes into
// web/test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, pageFor, shoot, startFixture, until, publish, sleep, uuid } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const SAID = ['first words', 'halfway there', 'almost done'];

describe('the watch page of an ended stream', () => {
  let f;
  let id;
  let durationMs;
  // The messages as the replay places them: { content, mediaMs }, in order.
  let chat;
  before(async () => {
    f = await startFixture({}, ['--reconnect-grace', '1']);
    const bob = f.srv.createUser('bob', 'broadcaster');
    const vera = f.srv.createUser('vera', 'viewer');
    const s = (await f.srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'Yesterday live' } }))
      .json;
    id = s.id;
    const recording = async () => (await f.srv.req('GET', `/api/streams/${id}/recording`)).json;
    const pub = publish(`${f.rtmp}/${s.streamKey}`, { seconds: 20 });
    await until(async () => (await recording())?.durationMs >= 2000, { what: '2 s recorded', timeout: 30000 });
    // Said while live, a few seconds apart: each lands at its own moment of the recording.
    for (const content of SAID) {
      const r = await f.srv.req('POST', `/api/streams/${id}/chat`, { token: vera.token, body: { content } });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.mediaMs, 'number', `sent live, it has a place on the recording: ${r.text}`);
      await sleep(3000);
    }
    await pub.done;
    await until(async () => (await recording())?.state === 'complete', { what: 'the recording complete', timeout: 30000 });
    durationMs = (await recording()).durationMs;
    const all = await f.srv.req('GET', `/api/streams/${id}/chat?fromMs=0&toMs=${durationMs + 1000}`);
    chat = all.json.map(({ content, mediaMs }) => ({ content, mediaMs }));
    assert.deepEqual(
      chat.map((m) => m.content),
      SAID,
      all.text,
    );
    for (let i = 1; i < chat.length; i++) assert.ok(chat[i].mediaMs - chat[i - 1].mediaMs >= 2000, all.text);
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
      assert.ok(Math.abs(state.duration - durationMs / 1000) <= 1, `duration ${state.duration}, recorded ${durationMs} ms`);
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

    it(`shows the chat in step with the video, read-only, at ${name} size`, async () => {
      const page = await pageFor(f.browser, null, viewport);
      await page.goto(`${f.srv.base}/watch/${id}`);
      await page.getByText('REPLAY').first().waitFor({ timeout: 15000 });
      const panel = page.getByRole('region', { name: 'Chat replay' });
      await panel.getByRole('heading', { name: 'Chat replay' }).waitFor({ timeout: 15000 });
      assert.equal(await page.getByRole('region', { name: 'Live chat' }).count(), 0);
      assert.equal(await panel.getByRole('textbox').count(), 0, 'no composer in a replay');
      assert.equal(await page.getByRole('textbox').count(), 0);
      const video = page.locator('video');
      // The video's time and the messages listed, read at one instant.
      const sample = () =>
        page.evaluate(() => ({
          t: document.querySelector('video').currentTime * 1000,
          shown: [...document.querySelectorAll('section[aria-label="Chat replay"] .ncl-chat__content')].map((e) => e.textContent),
        }));
      const seek = (seconds) =>
        video.evaluate((v, s) => {
          v.pause();
          v.currentTime = s;
        }, seconds);
      const noneShown = async () =>
        (await sample()).shown.length === 0 && (await panel.getByText('No messages at this point of the stream.').count()) === 1;

      // From the start (the page may have played on while it loaded): nothing said yet.
      await seek(0);
      await until(noneShown, { what: 'no message at the first second', timeout: 15000 });
      // Playing on: a message is listed only once the video has reached its moment, and each
      // one comes, the newest last.
      await video.evaluate((v) => {
        v.muted = true;
        return v.play().catch(() => undefined);
      });
      const last = chat[chat.length - 1];
      await until(
        async () => {
          const { t, shown } = await sample();
          for (const m of chat)
            if (shown.includes(m.content)) assert.ok(t >= m.mediaMs, `"${m.content}" (${m.mediaMs} ms) shown at ${t} ms`);
          assert.deepEqual(shown, SAID.slice(0, shown.length), 'in the order said');
          return shown.includes(last.content);
        },
        { what: 'every message as the video reaches it', timeout: 60000, every: 50 },
      );

      // A seek back before the first message: none is shown.
      await seek(Math.max(0, chat[0].mediaMs / 1000 - 1));
      await until(noneShown, { what: 'no message before the first one', timeout: 15000 });
      // Between the first and the second: the first only.
      await seek((chat[0].mediaMs + chat[1].mediaMs) / 2000);
      await until(async () => (await sample()).shown.includes(chat[0].content), { what: 'the first message', timeout: 15000 });
      assert.deepEqual((await sample()).shown, [chat[0].content], 'not what is said later');
      await panel.getByText(chat[0].content).waitFor();
      // Forward past the last: all of them, each at its moment of the recording (m:ss).
      await seek(last.mediaMs / 1000 + 1.5);
      await until(async () => (await sample()).shown.length === chat.length, {
        what: 'every message after a seek forward',
        timeout: 15000,
      });
      const at = (ms) => `0:${String(Math.floor(ms / 1000)).padStart(2, '0')}`;
      for (const m of chat)
        assert.equal(await panel.getByRole('listitem').filter({ hasText: m.content }).locator('time').textContent(), at(m.mediaMs));
      await until(async () => !(await video.evaluate((v) => v.seeking)), { what: 'the seek done', timeout: 15000 });
      await shoot(page, `watch-replay-chat-${name}`);
      assert.deepEqual(await axe(page), []);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
});
