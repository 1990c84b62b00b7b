// A private stream's watch page and control room (issue 17, docs/api.md "Private playback"): the
// server answers its HLS only with a playback token, which the SDK asks for, puts in the manifest
// URL and renews before it expires. The broadcaster and a viewer granted access watch it (time
// advances, every HLS request carries a token, none is refused); a viewer without access and an
// anonymous one are told it does not exist. Renewal runs on Chromium's clock moved 4 minutes
// ahead (page.clock): the player's next requests carry the new token, and once access is revoked
// the next renewal is refused and the page says "You no longer have access to this stream."
// Once ended, its recording replays for the broadcaster, with a token too.
// Photographed at phone and desktop sizes into web/test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axe, pageFor, publish, shoot, startFixture, until, uuid } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const NOT_FOUND = 'This stream does not exist, or it is private.';

/** Every /hls/ request of the page, with its answer's status. */
function recordHls(page) {
  const seen = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/hls/')) seen.push({ path: u.pathname, token: u.searchParams.get('token'), status: r.status() });
  });
  return seen;
}

const currentTime = (page, selector = 'video') => page.locator(selector).evaluate((v) => v.currentTime);

/** The <video> plays: its time passes 1 s, then advances by more than 1 s more. */
async function assertPlays(page, selector = 'video') {
  await until(async () => (await currentTime(page, selector)) > 1, { what: 'the video playing', timeout: 25000 });
  const t = await currentTime(page, selector);
  await until(async () => (await currentTime(page, selector)) > t + 1, { what: 'the video playing on', timeout: 15000 });
}

describe('a private stream', () => {
  let f;
  let bob;
  let carol;
  let dave;
  let id;
  let pub;
  before(async () => {
    f = await startFixture();
    bob = f.srv.createUser('bob', 'broadcaster');
    carol = f.srv.createUser('carol', 'viewer');
    dave = f.srv.createUser('dave', 'viewer');
    const s = (
      await f.srv.req('POST', '/api/streams/create', {
        token: bob.token,
        body: { channelId: uuid(), title: 'Members only', isPrivate: true },
      })
    ).json;
    id = s.id;
    const grant = await f.srv.req('PUT', `/api/streams/${id}/access/${carol.id}`, { token: bob.token });
    assert.equal(grant.status, 200, JSON.stringify(grant.json));
    pub = publish(`${f.rtmp}/${s.streamKey}`, { seconds: 600 });
    await until(async () => (await f.srv.req('GET', `/api/streams/${id}`, { token: bob.token })).json.status === 'live', {
      what: 'live status',
      timeout: 20000,
    });
    // The server gates the media: with a token the manifest is there, without one it is refused.
    const pt = await f.srv.req('POST', `/api/streams/${id}/playback-token`, { token: bob.token });
    assert.equal(pt.status, 200, `POST playback-token: ${pt.status} ${JSON.stringify(pt.json)}`);
    await until(async () => (await fetch(pt.json.hlsUrl)).status === 200, { what: 'the manifest with a token', timeout: 20000 });
    const bare = await fetch(`${f.srv.base}/hls/${id}/master.m3u8`);
    assert.equal(bare.status, 403, 'the manifest without a token');
  });
  after(async () => {
    await pub?.stop();
    await f?.browser.close();
    const r = await f?.srv.stop();
    f?.srv.cleanup();
    assert.equal(r?.code, 0, `graceful exit; stderr:\n${f?.srv.stderr.slice(-3000)}`);
  });

  it('plays for its broadcaster at desktop size, every HLS request with a token, and in the control room', async () => {
    const page = await pageFor(f.browser, bob.token, DESKTOP);
    const hls = recordHls(page);
    await page.goto(`${f.srv.base}/watch/${id}`);
    await assertPlays(page);
    assert.ok(hls.length > 3, `HLS requests: ${hls.length}`);
    assert.deepEqual(
      hls.filter((r) => !r.token || r.status !== 200),
      [],
      'every HLS request carried a token and was answered',
    );
    await shoot(page, 'watch-private-desktop');
    assert.equal(await page.getByRole('region', { name: 'Live chat' }).count(), 1);
    assert.deepEqual(await axe(page), []);
    // Low latency: the WHEP offer carries the token as its bearer.
    const toggle = page.getByRole('button', { name: 'Low latency (WebRTC)', exact: true });
    await toggle.click();
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video');
        return v?.srcObject instanceof MediaStream && v.videoWidth > 0 && v.currentTime > 0;
      },
      null,
      { timeout: 20000 },
    );
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true', 'still on WebRTC (no fallback)');
    await toggle.click();
    await assertPlays(page);
    assert.deepEqual(page.errors, []);
    await page.goto(`${f.srv.base}/studio/${id}`);
    await assertPlays(page, 'video[aria-label^="Live output"]');
    await shoot(page, 'control-room-private-desktop');
    await page.context().close();
  });

  it('plays for a viewer granted access at phone size, renews the token, and stops when access is revoked', async () => {
    const page = await pageFor(f.browser, carol.token, PHONE);
    const hls = recordHls(page);
    const tokenAnswers = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/api/streams/${id}/playback-token`)) tokenAnswers.push(r.status());
    });
    // Chromium's clock runs as usual until the test moves it ahead.
    await page.clock.install();
    await page.goto(`${f.srv.base}/watch/${id}`);
    await assertPlays(page);
    await shoot(page, 'watch-private-phone');
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(tokenAnswers, [200]);
    const first = hls[0].token;
    assert.ok(first, 'the manifest carried a token');

    // 4 minutes on: the renewal (60 s before the 5-minute expiry) is due.
    await page.clock.fastForward('04:00');
    await until(() => tokenAnswers.length >= 2, { what: 'a renewal', timeout: 10000 });
    assert.equal(tokenAnswers[1], 200);
    await until(() => hls.some((r) => r.token && r.token !== first && r.status === 200), {
      what: 'an HLS request with the renewed token',
      timeout: 15000,
    });
    await assertPlays(page);
    assert.deepEqual(
      hls.filter((r) => r.status !== 200),
      [],
      'no HLS request refused',
    );

    const renewals = tokenAnswers.length;
    const revoke = await f.srv.req('DELETE', `/api/streams/${id}/access/${carol.id}`, { token: bob.token });
    assert.equal(revoke.status, 200, JSON.stringify(revoke.json));
    // At once, through the room's access.revoked (no renewal needed, the clock not moved).
    await page.getByRole('alert').getByText('You no longer have access to this stream.').waitFor({ timeout: 10000 });
    assert.equal(tokenAnswers.length, renewals, 'told by the room, not by a refused renewal');
    assert.equal(await page.getByRole('region', { name: 'Live chat' }).count(), 0, 'no chat of a stream one may not see');
    await page.clock.fastForward('04:00');
    await until(() => tokenAnswers.length > renewals, { what: 'a renewal after the revocation', timeout: 10000 });
    assert.equal(tokenAnswers.at(-1), 404);
    await page.getByRole('alert').getByText('You no longer have access to this stream.').waitFor({ timeout: 10000 });
    assert.equal(await page.getByRole('toolbar', { name: 'Player controls' }).count(), 0, 'no player controls once nothing plays');
    await shoot(page, 'watch-private-revoked-phone');
    assert.deepEqual(await axe(page), []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('replays for its broadcaster once ended, with a token', async () => {
    const end = await f.srv.req('POST', `/api/streams/${id}/end`, { token: bob.token });
    assert.equal(end.status, 200, JSON.stringify(end.json));
    await until(async () => (await f.srv.req('GET', `/api/streams/${id}/recording`, { token: bob.token })).json?.state === 'complete', {
      what: 'the recording complete',
      timeout: 30000,
    });
    const page = await pageFor(f.browser, bob.token, DESKTOP);
    const hls = recordHls(page);
    await page.goto(`${f.srv.base}/watch/${id}`);
    await page.getByText('REPLAY').first().waitFor({ timeout: 15000 });
    // Autoplay with sound may be refused headless: start it muted, as a viewer's tap would.
    await page.locator('video').evaluate((v) => {
      v.muted = true;
      return v.play().catch(() => undefined);
    });
    await assertPlays(page);
    assert.ok(hls.length > 0);
    assert.deepEqual(
      hls.filter((r) => !r.token || r.status !== 200),
      [],
      'every HLS request of the replay carried a token and was answered',
    );
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  for (const [who, viewport, token] of [
    ['a viewer without access, at desktop size', DESKTOP, () => dave.token],
    ['an anonymous viewer, at phone size', PHONE, () => null],
  ]) {
    it(`is not found for ${who}, and nothing is fetched of it`, async () => {
      const page = await pageFor(f.browser, token(), viewport);
      const hls = recordHls(page);
      const tokenRequests = [];
      page.on('request', (r) => {
        if (r.url().includes('/playback-token')) tokenRequests.push(r.url());
      });
      await page.goto(`${f.srv.base}/watch/${id}`);
      await page.getByRole('alert').getByText(NOT_FOUND).waitFor({ timeout: 10000 });
      assert.equal(await page.getByRole('region', { name: 'Live chat' }).count(), 0, 'no chat of a stream not shown');
      assert.deepEqual(hls, []);
      assert.deepEqual(tokenRequests, []);
      assert.equal(await currentTime(page), 0);
      await shoot(page, `watch-private-no-access-${viewport === PHONE ? 'phone' : 'desktop'}`);
      assert.deepEqual(await axe(page), []);
      await page.context().close();
    });
  }
});
