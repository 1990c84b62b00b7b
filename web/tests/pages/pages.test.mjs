// The web app's pages in Chromium against the real server: a live stream published by ffmpeg
// plays on the watch page, chat and reactions go from one viewer to another, an anonymous viewer
// takes a guest name and chats, the studio creates a stream and shows OBS its URL and key, the
// end of a stream reaches the viewers; every page
// passes axe-core (no serious or critical violation) at phone and desktop sizes, and is
// photographed into web/test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, createLiveStream, pageFor, shoot, startFixture, until, sleep, uuid } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 375, height: 812 };
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

  it('home plays a live card muted while a mouse rests on it, frees it on leave, and does nothing on touch', async () => {
    const page = await pageFor(f.browser, null, DESKTOP);
    await page.goto(`${f.srv.base}/`);
    const card = page.getByRole('link', { name: /Bob live from the test/ });
    await card.waitFor({ timeout: 10000 });
    const before = await card.boundingBox();
    await card.hover();
    const video = card.locator('video');
    await video.waitFor({ state: 'attached', timeout: 5000 });
    // Frames advance (the element's own count), muted, and the picture is shown once they do.
    const frames = () => video.evaluate((v) => ({ n: v.getVideoPlaybackQuality().totalVideoFrames, t: v.currentTime, muted: v.muted }));
    const first = await until(
      async () => {
        const s = await frames();
        return s.n > 0 ? s : null;
      },
      { timeout: 15000, what: 'preview frames' },
    );
    await until(async () => (await frames()).n > first.n + 10 && (await frames()).t > first.t, {
      timeout: 15000,
      what: 'preview frames advancing',
    });
    assert.equal((await frames()).muted, true);
    await page.locator('video[data-playing="true"]').waitFor({ timeout: 5000 });
    // It lies over the thumbnail: the card keeps its size and place.
    assert.deepEqual(await card.boundingBox(), before);
    const thumb = await card.locator('.app-card__thumb').boundingBox();
    const vbox = await video.boundingBox();
    assert.deepEqual([vbox.width, vbox.height], [thumb.width, thumb.height]);
    assert.deepEqual(await axe(page), [], 'axe on home with a preview playing');
    await shoot(page, 'home-desktop-preview');
    await page.mouse.move(2, 2);
    await video.waitFor({ state: 'detached', timeout: 5000 });
    assert.deepEqual(await card.boundingBox(), before);
    assert.deepEqual(page.errors, []);
    await page.context().close();

    // A phone: its pointer cannot hover, so a touch (or Playwright's hover) starts nothing.
    const ctx = await f.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const phone = await ctx.newPage();
    await phone.goto(`${f.srv.base}/`);
    const phoneCard = phone.getByRole('link', { name: /Bob live from the test/ });
    await phoneCard.waitFor({ timeout: 10000 });
    await phoneCard.hover();
    await sleep(1000); // three times the hover delay
    assert.equal(await phone.locator('video').count(), 0);
    await shoot(phone, 'home-phone-touch');
    await ctx.close();
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

  it('an anonymous viewer picks a guest name and chats at once; others see the name; a moderator deletes the message', async () => {
    const watch = `${f.srv.base}/watch/${live.stream.id}`;
    const nameBox = (p) => p.getByRole('textbox', { name: 'Pick a name to chat' });
    const messages = (p) => p.getByRole('list', { name: 'Messages' });
    const text = 'hello from a guest on a phone';
    const g = await pageFor(f.browser, null, SMALL_PHONE);
    await g.goto(watch);
    await g.waitForFunction(() => document.querySelector('video')?.currentTime > 0, null, { timeout: 20000 });
    await nameBox(g).waitFor();
    assert.equal(await nameBox(g).getAttribute('maxlength'), '32');
    assert.equal((await g.getByRole('link', { name: 'Sign in' }).count()) > 0, true, 'the sign-in link stays');
    assert.deepEqual(await axe(g), [], 'axe on the guest name form (phone)');
    const w = await g.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= SMALL_PHONE.width, `page is ${w}px wide`);
    await nameBox(g).scrollIntoViewIfNeeded();
    await shoot(g, 'watch-guest-form-phone');

    // Keyboard only: a name of spaces is refused under the input, by the server's rule.
    await nameBox(g).focus();
    await g.keyboard.type('   ');
    await g.keyboard.press('Enter');
    const fieldError = g.getByRole('alert').filter({ hasText: /1 to 32 characters/ });
    await fieldError.waitFor({ timeout: 10000 });
    assert.equal(await nameBox(g).getAttribute('aria-invalid'), 'true');
    assert.equal(await nameBox(g).getAttribute('aria-describedby'), await fieldError.getAttribute('id'));
    assert.deepEqual(await axe(g), [], 'axe on the guest name form with its error (phone)');
    await shoot(g, 'watch-guest-error-phone');

    // Another viewer, signed in as nobody, on a desktop.
    const v = await pageFor(f.browser, null, DESKTOP);
    await v.goto(watch);
    await nameBox(v).waitFor();
    assert.deepEqual(await axe(v), [], 'axe on the guest name form (desktop)');
    await shoot(v, 'watch-guest-form-desktop');

    const played = await g.evaluate(() => document.querySelector('video').currentTime);
    await nameBox(g).fill('');
    await g.keyboard.type('Zoë');
    await g.keyboard.press('Enter');
    // The composer opens on the same page, with the focus in it: no reload, the video plays on.
    const composer = g.getByRole('textbox', { name: 'Chat message' });
    await composer.waitFor({ timeout: 10000 });
    assert.equal(await composer.evaluate((el) => el === document.activeElement), true, 'the composer has the focus');
    const kept = await g.evaluate(() => ({
      guest: JSON.parse(localStorage.getItem('nchat-live.guest')),
      token: localStorage.getItem('nchat-live.token'),
    }));
    assert.match(kept.guest.token, /^ncg_/);
    assert.equal(kept.guest.name, 'Zoë');
    assert.ok(Date.parse(kept.guest.expiresAt) > Date.now() + 23 * 3600e3, kept.guest.expiresAt);
    assert.equal(kept.token, null, 'a guest token is not kept as a signed-in one');
    await g.keyboard.type(text);
    await g.keyboard.press('Enter');
    await messages(v).getByText(text).waitFor({ timeout: 10000 });
    const line = await messages(v).locator('li', { hasText: text }).innerText();
    assert.match(line, /Zoë/);
    assert.ok((await g.evaluate(() => document.querySelector('video').currentTime)) > played, 'the video played on');
    // Reactions too, at once.
    await g.getByRole('button', { name: 'React 🔥' }).click();
    await v.locator('.ncl-floating__item', { hasText: '🔥' }).first().waitFor({ timeout: 10000 });
    await shoot(g, 'watch-guest-chat-phone');
    await shoot(v, 'watch-guest-chat-desktop');

    // The broadcaster moderates its stream: deletes the guest's message from its own watch page.
    const m = await pageFor(f.browser, bob.token, DESKTOP);
    await m.goto(watch);
    const item = messages(m).locator('li', { hasText: text });
    await item.waitFor({ timeout: 10000 });
    await item.getByLabel('Moderate message from Zoë').click();
    await item.getByRole('button', { name: 'Delete' }).click();
    for (const p of [g, v, m]) await messages(p).getByText(text).waitFor({ state: 'detached', timeout: 10000 });

    // Back later: the kept name is used, no form.
    await g.reload();
    await g.getByRole('textbox', { name: 'Chat message' }).waitFor({ timeout: 10000 });
    assert.equal(await nameBox(g).count(), 0);
    assert.deepEqual([...g.errors, ...v.errors, ...m.errors], []);
    for (const p of [g, v, m]) await p.context().close();
  });

  it('a kept guest name that expired, or that the server refuses, is dropped and the name form comes back', async () => {
    const watch = `${f.srv.base}/watch/${live.stream.id}`;
    const cases = {
      expired: { token: 'ncg_x.y.z', expiresAt: new Date(Date.now() - 1000).toISOString(), userId: uuid(), name: 'Old' },
      // Signed with a secret this server does not have (as after a restart without --guest-secret).
      refused: {
        token: 'ncg_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
        expiresAt: new Date(Date.now() + 3600e3).toISOString(),
        userId: uuid(),
        name: 'Gone',
      },
    };
    for (const [what, kept] of Object.entries(cases)) {
      const p = await pageFor(f.browser, null, SMALL_PHONE);
      await p.goto(`${f.srv.base}/`);
      await p.evaluate((g) => localStorage.setItem('nchat-live.guest', JSON.stringify(g)), kept);
      await p.goto(watch);
      await p.getByRole('textbox', { name: 'Pick a name to chat' }).waitFor({ timeout: 10000 });
      assert.equal(await p.getByRole('heading', { name: 'Bob live from the test' }).count(), 1, `${what}: the stream loads`);
      assert.equal(await p.evaluate(() => localStorage.getItem('nchat-live.guest')), null, `${what}: dropped`);
      assert.deepEqual(p.errors, []);
      await p.context().close();
    }
  });

  it('the studio creates a stream and shows OBS its RTMP URL and the key once (hidden until revealed)', async () => {
    const page = await pageFor(f.browser, bob.token, DESKTOP);
    await page.goto(`${f.srv.base}/studio`);
    await page.getByLabel('Title').fill('Made in the studio');
    await page.getByLabel('Description').fill('From the page test');
    await page.getByLabel('Max resolution').selectOption('720p');
    await page.getByLabel('Q&A').check();
    await page.getByLabel('Hide who watches').check();
    assert.deepEqual(await axe(page), [], 'axe on studio');
    await shoot(page, 'studio-desktop');
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const s = (await f.srv.req('GET', `/api/streams/${id}`, { token: bob.token })).json;
    assert.equal(s.title, 'Made in the studio');
    assert.equal(s.maxResolution, '720p');
    assert.equal(s.enableQa, true);
    assert.equal(s.hideViewerList, true);
    assert.equal(await page.getByTestId('ingest-url').innerText(), s.ingestUrl);
    assert.equal(s.streamKey, undefined, 'the server shows a key only in the answer that made it');
    assert.doesNotMatch(await page.getByTestId('stream-key').innerText(), /[A-Za-z0-9_-]{43}/);
    await page.getByRole('button', { name: 'Reveal' }).click();
    const key = await page.getByTestId('stream-key').innerText();
    assert.match(key, /^[A-Za-z0-9_-]{43}$/, 'the key of the create answer, kept by the page');
    await page.getByText('it will not be shown again').waitFor();
    await page.getByRole('heading', { name: 'Stream health' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe on the control room');
    await shoot(page, 'control-room-desktop');
    await page.setViewportSize(PHONE);
    await shoot(page, 'control-room-phone');
    // Reloaded, the page has no key any more, and says how to get one.
    await page.reload();
    await page.getByText('The key was shown once').waitFor();
    assert.equal(await page.getByTestId('stream-key').count(), 0);
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

describe('a server with guests turned off', () => {
  let f;
  before(async () => {
    f = await startFixture({}, ['--guests=false']);
  });
  after(async () => {
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  it('tells a viewer who picks a name that guests are off, and leaves the sign-in link', async () => {
    const bob = f.srv.createUser('bob', 'broadcaster');
    const s = (await f.srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'Members only' } }))
      .json;
    const page = await pageFor(f.browser, null, SMALL_PHONE);
    await page.goto(`${f.srv.base}/watch/${s.id}`);
    const name = page.getByRole('textbox', { name: 'Pick a name to chat' });
    await name.fill('Zoë');
    await name.press('Enter');
    await page.getByRole('alert').getByText('Guests are turned off on this server — sign in to chat.').waitFor({ timeout: 10000 });
    assert.equal(await name.count(), 0);
    await page.getByText('Sign in to react.').waitFor();
    await page.getByRole('region', { name: 'Live chat' }).getByRole('link', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe on the chat of a server without guests');
    await page.getByRole('region', { name: 'Live chat' }).scrollIntoViewIfNeeded();
    await shoot(page, 'watch-guests-off-phone');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
