// The web app's pages in Chromium against the real server: a live stream published by ffmpeg
// plays on the watch page, chat and reactions go from one viewer to another, the studio creates
// a stream and shows OBS its URL and key, the end of a stream reaches the viewers; every page
// passes axe-core (no serious or critical violation) at phone and desktop sizes, and is
// photographed into web/test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, createLiveStream, pageFor, shoot, startFixture, until, sleep } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

describe('web app pages', () => {
  let f;
  let bob;
  let alice;
  let carol;
  let live;
  before(async () => {
    f = await startFixture();
    bob = f.srv.createUser('bob', 'broadcaster');
    alice = f.srv.createUser('alice', 'viewer');
    carol = f.srv.createUser('carol', 'viewer');
    live = await createLiveStream(f, bob.token, 'Bob live from the test');
  });
  after(async () => {
    await live?.pub.stop();
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  it('home lists the live stream with its viewer count', async () => {
    for (const [size, vp] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ]) {
      const page = await pageFor(f.browser, null, vp);
      await page.goto(`${f.srv.base}/`);
      const card = page.getByRole('link', { name: /Bob live from the test/ });
      await card.waitFor({ timeout: 10000 });
      assert.match(await card.innerText(), /watching/);
      assert.deepEqual(await axe(page), [], `axe on home (${size})`);
      await shoot(page, `home-${size}`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });

  it('the watch page plays the live video, lists its quality and counts the viewer', async () => {
    const page = await pageFor(f.browser, null, DESKTOP);
    const t0 = Date.now();
    await page.goto(`${f.srv.base}/watch/${live.stream.id}`);
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video');
        return v && v.currentTime > 0 && v.videoWidth > 0;
      },
      null,
      { timeout: 20000 },
    );
    const firstFrameMs = Date.now() - t0;
    const a = await page.evaluate(() => document.querySelector('video').currentTime);
    await sleep(2000);
    const b = await page.evaluate(() => ({
      t: document.querySelector('video').currentTime,
      w: document.querySelector('video').videoWidth,
    }));
    assert.ok(b.t - a > 1.2, `video time advances (${a} → ${b.t})`);
    assert.equal(b.w, 640);
    const options = await page.getByLabel('Quality').locator('option').allInnerTexts();
    assert.ok(options[0].startsWith('Auto'), `quality menu: ${options}`);
    assert.ok(options.includes('360p'), `the source's 360p is listed: ${options}`);
    await until(async () => /1 viewer/.test(await page.getByRole('status').filter({ hasText: 'viewer' }).first().innerText()), {
      what: 'viewer count 1',
    });
    assert.equal((await page.getByText('LIVE', { exact: true }).count()) > 0, true);
    console.log(`first frame ${firstFrameMs} ms after navigation (loopback)`);
    assert.deepEqual(await axe(page), [], 'axe on watch (desktop)');
    await shoot(page, 'watch-desktop');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('works at phone size: video, chat box and reactions without sideways scrolling', async () => {
    const page = await pageFor(f.browser, alice.token, PHONE);
    await page.goto(`${f.srv.base}/watch/${live.stream.id}`);
    await page.waitForFunction(() => document.querySelector('video')?.currentTime > 0, null, { timeout: 20000 });
    await page.getByRole('textbox', { name: 'Chat message' }).waitFor();
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= PHONE.width, `page is ${w}px wide`);
    const box = await page.locator('video').boundingBox();
    assert.ok(box.width >= 360, `video ${box.width}px wide`);
    assert.deepEqual(await axe(page), [], 'axe on watch (phone)');
    await shoot(page, 'watch-phone');
    await page.context().close();
  });

  it("a chat message goes from one viewer's page to another's, and a reaction floats up", async () => {
    const a = await pageFor(f.browser, null, DESKTOP);
    // Alice signs in through the sign-in page and comes back to the stream.
    await a.goto(`${f.srv.base}/signin?next=${encodeURIComponent(`/watch/${live.stream.id}`)}`);
    await a.getByLabel('Token').fill(alice.token);
    await a.getByRole('button', { name: 'Sign in' }).click();
    await a.waitForURL(`**/watch/${live.stream.id}`);
    const c = await pageFor(f.browser, carol.token, PHONE);
    await c.goto(`${f.srv.base}/watch/${live.stream.id}`);
    const aBox = a.getByRole('textbox', { name: 'Chat message' });
    const cBox = c.getByRole('textbox', { name: 'Chat message' });
    await aBox.waitFor();
    await cBox.waitFor();
    await sleep(500); // both rooms joined
    await aBox.fill('hello from alice');
    await aBox.press('Enter');
    await c.getByRole('list', { name: 'Messages' }).getByText('hello from alice').waitFor({ timeout: 10000 });
    await cBox.fill('hi alice, carol here');
    await c.getByRole('button', { name: 'Send' }).click();
    await a.getByRole('list', { name: 'Messages' }).getByText('hi alice, carol here').waitFor({ timeout: 10000 });
    const who = await a.getByRole('list', { name: 'Messages' }).locator('li').last().innerText();
    assert.match(who, /carol/);
    await a.getByRole('button', { name: 'React ❤️' }).click();
    await c.locator('.ncl-floating__item', { hasText: '❤️' }).first().waitFor({ timeout: 10000 });
    await shoot(c, 'watch-chat-phone');
    await shoot(a, 'watch-chat-desktop');
    assert.deepEqual([...a.errors, ...c.errors], []);
    await a.context().close();
    await c.context().close();
  });

  it('the studio creates a stream and shows OBS its RTMP URL and the key (hidden until revealed)', async () => {
    const page = await pageFor(f.browser, bob.token, DESKTOP);
    await page.goto(`${f.srv.base}/studio`);
    await page.getByLabel('Title').fill('Made in the studio');
    await page.getByLabel('Description').fill('From the page test');
    await page.getByLabel('Max resolution').selectOption('720p');
    await page.getByLabel('Q&A').check();
    assert.deepEqual(await axe(page), [], 'axe on studio');
    await shoot(page, 'studio-desktop');
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const s = (await f.srv.req('GET', `/api/streams/${id}`, { token: bob.token })).json;
    assert.equal(s.title, 'Made in the studio');
    assert.equal(s.maxResolution, '720p');
    assert.equal(s.enableQa, true);
    assert.equal(await page.getByTestId('ingest-url').innerText(), s.ingestUrl);
    assert.doesNotMatch(await page.getByTestId('stream-key').innerText(), new RegExp(s.streamKey));
    await page.getByRole('button', { name: 'Reveal' }).click();
    assert.equal(await page.getByTestId('stream-key').innerText(), s.streamKey);
    await page.getByRole('heading', { name: 'Stream health' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe on the control room');
    await shoot(page, 'control-room-desktop');
    await page.setViewportSize(PHONE);
    await shoot(page, 'control-room-phone');
    await page.goto(`${f.srv.base}/studio`);
    await page.getByLabel('Title').waitFor();
    await shoot(page, 'studio-phone');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('the control room of a live stream shows that video comes in, and the end reaches the viewers', async () => {
    const viewer = await pageFor(f.browser, null, DESKTOP);
    await viewer.goto(`${f.srv.base}/watch/${live.stream.id}`);
    await viewer.waitForFunction(() => document.querySelector('video')?.currentTime > 0, null, { timeout: 20000 });
    const studio = await pageFor(f.browser, bob.token, DESKTOP);
    await studio.goto(`${f.srv.base}/studio/${live.stream.id}`);
    await studio.getByText('Receiving video').waitFor({ timeout: 10000 });
    // The broadcaster sees the viewer, and (muted) what viewers see.
    await studio
      .getByRole('status')
      .getByText(/[1-9]\d* viewers?/)
      .first()
      .waitFor({ timeout: 10000 });
    await studio.waitForFunction(() => document.querySelector('video[aria-label^="Live output"]')?.currentTime > 0, null, {
      timeout: 20000,
    });
    const advice = await studio.locator('.ncl-advice__item').allInnerTexts();
    console.log(`health advice shown: ${JSON.stringify(advice)}`);
    await shoot(studio, 'control-room-live-desktop');
    studio.on('dialog', (d) => d.accept());
    await studio.getByRole('button', { name: 'End stream' }).click();
    await viewer.getByText('The stream has ended.').waitFor({ timeout: 10000 });
    await shoot(viewer, 'watch-ended-desktop');
    const s = (await f.srv.req('GET', `/api/streams/${live.stream.id}`)).json;
    assert.equal(s.status, 'ended');
    await viewer.context().close();
    await studio.context().close();
  });

  it('sign-in refuses a bad token with a message', async () => {
    const page = await pageFor(f.browser, null, PHONE);
    await page.goto(`${f.srv.base}/signin`);
    await page.getByLabel('Token').fill('ncl_not_a_real_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/not accepted/)
      .waitFor({ timeout: 10000 });
    assert.deepEqual(await axe(page), [], 'axe on sign-in');
    await shoot(page, 'signin-phone');
    await page.context().close();
    // A kept token the server stopped accepting sends the studio back to sign-in.
    const stale = await pageFor(f.browser, 'ncl_revoked_or_expired', PHONE);
    await stale.goto(`${f.srv.base}/studio`);
    await stale.getByText('The server no longer accepts your token.').waitFor({ timeout: 10000 });
    await stale.context().close();
  });
});

describe('the control room with the transcoder on', () => {
  let f;
  before(async () => {
    f = await startFixture({ transcode: true });
  });
  after(async () => {
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  it("shows the server's advice to a broadcaster whose encoder sends a keyframe every 8 s", async () => {
    const bob = f.srv.createUser('bob', 'broadcaster');
    const live = await createLiveStream(f, bob.token, 'Long GOP from OBS', 60, { gop: 240 });
    try {
      const page = await pageFor(f.browser, bob.token, DESKTOP);
      await page.goto(`${f.srv.base}/studio/${live.stream.id}`);
      const advice = page.getByRole('list', { name: 'Advice' }).getByRole('listitem');
      await advice.first().waitFor({ timeout: 20000 });
      const text = await advice.first().innerText();
      assert.match(text, /keyframe interval to 2 s/);
      await advice.first().scrollIntoViewIfNeeded();
      await shoot(page, 'control-room-advice-desktop');
      await page.setViewportSize(PHONE);
      await advice.first().scrollIntoViewIfNeeded();
      await shoot(page, 'control-room-advice-phone');
      await page.context().close();
    } finally {
      await live.pub.stop();
    }
  });
});
