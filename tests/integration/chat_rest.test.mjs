// Chat, reactions, Q&A and moderation over REST against the real binary, on both storage
// backends (docs/chat.md): every rate limit, mode, ban, timeout, slow mode, delete/pin, clear,
// profanity rule, reaction rule, vote and log entry, and chat refused after the end.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, backends, uuid } from './lib/harness.mjs';

const MESSAGE_FIELDS = ['id', 'streamId', 'userId', 'userName', 'content', 'isPinned', 'isDeleted',
  'isQuestion', 'createdAt'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe(`chat REST API on ${backend}`, () => {
    const srv = new Server({ backend });
    let alice, bob, carol, dave, mod, admin;
    const channel = uuid();

    const stream = async (body = {}) => {
      const r = await srv.req('POST', '/api/streams', { token: alice.token,
        body: { channelId: channel, title: 'Chat', ...body } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const say = (who, s, content, extra = {}) =>
      srv.req('POST', `/api/streams/${s.id}/chat`, { token: who.token, body: { content, ...extra } });
    const react = (who, s, body) =>
      srv.req('POST', `/api/streams/${s.id}/reactions`, { token: who.token, body });
    const expectError = (r, status, code, field) => {
      assert.equal(r.status, status, r.text);
      assert.equal(r.json.error.code, code, r.text);
      if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
    };

    before(async () => {
      await srv.start();
      alice = srv.createUser('alice', 'broadcaster');
      bob = srv.createUser('bob', 'viewer');
      carol = srv.createUser('carol', 'viewer');
      dave = srv.createUser('dave', 'viewer');
      mod = srv.createUser('mo', 'viewer');
      admin = { token: srv.adminToken };
      const r = await srv.req('PUT', `/api/channels/${channel}/moderators/${mod.id}`, { token: admin.token });
      assert.equal(r.status, 200, r.text);
    });
    after(async () => {
      const r = await srv.stop();
      srv.cleanup();
      assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
    });

    it('sends a message and lists the chat newest last', async () => {
      const s = await stream();
      const r = await say(bob, s, '  hello\tthere  ');
      assert.equal(r.status, 201, r.text);
      for (const f of MESSAGE_FIELDS) assert.ok(f in r.json, `field ${f}`);
      assert.equal(r.json.content, 'hello there');
      assert.equal(r.json.userId, bob.id);
      assert.equal(r.json.userName, 'bob');
      assert.equal(r.json.streamId, s.id);
      assert.equal(r.json.isQuestion, false);
      await say(carol, s, 'second');
      await say(dave, s, 'third');

      const list = await srv.req('GET', `/api/streams/${s.id}/chat`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.map((m) => m.content), ['hello there', 'second', 'third']);
      assert.deepEqual(list.json[0], r.json, 'the same object as the POST answered');
      const page = await srv.req('GET', `/api/streams/${s.id}/chat?limit=2&offset=1`);
      assert.deepEqual(page.json.map((m) => m.content), ['hello there', 'second']);
      const after = await srv.req('GET', `/api/streams/${s.id}/chat?after=${r.json.id}`);
      assert.deepEqual(after.json.map((m) => m.content), ['second', 'third'], 'resume');
      expectError(await srv.req('GET', `/api/streams/${s.id}/chat?after=${uuid()}`), 404, 'not_found', 'lastMessageId');

      expectError(await srv.req('GET', `/api/streams/${s.id}/chat?limit=101`), 400, 'validation_failed', 'limit');
      expectError(await srv.req('GET', `/api/streams/${s.id}/chat?limit=0`), 400, 'validation_failed', 'limit');
      expectError(await srv.req('GET', `/api/streams/${s.id}/chat?offset=-1`), 400, 'validation_failed', 'offset');
      expectError(await srv.req('POST', `/api/streams/${s.id}/chat`, { body: { content: 'anon' } }), 401, 'unauthorized');
      expectError(await say(bob, s, '   '), 400, 'validation_failed', 'content');
      expectError(await say(bob, s, 'x'.repeat(501)), 400, 'validation_failed', 'content');
      expectError(await say(bob, s, 'hi', { color: 'red' }), 400, 'validation_failed', 'color');
      expectError(await say(bob, s, 42), 400, 'validation_failed', 'content');
      expectError(await srv.req('GET', `/api/streams/${uuid()}/chat`), 404, 'not_found');
      const stored = await srv.req('GET', `/api/streams/${s.id}`);
      assert.equal(stored.json.totalChatMessages, 3);
    });

    it('limits chat to 3 messages/s and reactions to 5/s per user, with Retry-After', async () => {
      const s = await stream();
      for (let i = 0; i < 3; i++) assert.equal((await say(bob, s, `m${i}`)).status, 201);
      const fourth = await say(bob, s, 'm3');
      expectError(fourth, 429, 'rate_limited');
      assert.equal(fourth.headers.get('retry-after'), '1');
      assert.equal((await say(carol, s, 'others are not limited')).status, 201);
      await sleep(1100);
      assert.equal((await say(bob, s, 'a second later')).status, 201);

      for (let i = 0; i < 5; i++) assert.equal((await react(bob, s, { emoji: '🔥' })).status, 201);
      const sixth = await react(bob, s, { emoji: '🔥' });
      expectError(sixth, 429, 'rate_limited');
      assert.ok(Number(sixth.headers.get('retry-after')) >= 1);
    });

    it('enforces chat modes; the broadcaster, moderators and admins always post', async () => {
      const followers = await stream({ chatMode: 'followers' });
      expectError(await say(bob, followers, 'hi'), 403, 'followers_only');
      // A user may follow for themself; only admins add others, subscribers and moderators.
      expectError(await srv.req('PUT', `/api/channels/${channel}/followers/${bob.id}`, { token: carol.token }), 403, 'forbidden');
      expectError(await srv.req('PUT', `/api/channels/${channel}/subscribers/${carol.id}`, { token: carol.token }), 403, 'forbidden');
      assert.equal((await srv.req('PUT', `/api/channels/${channel}/followers/${bob.id}`, { token: bob.token })).status, 200);
      assert.equal((await say(bob, followers, 'following now')).status, 201);
      const list = await srv.req('GET', `/api/channels/${channel}/followers`, { token: admin.token });
      assert.deepEqual(list.json.map((m) => m.userId), [bob.id]);
      expectError(await srv.req('GET', `/api/channels/${channel}/followers`, { token: bob.token }), 403, 'forbidden');
      expectError(await srv.req('PUT', `/api/channels/nope/followers/${bob.id}`, { token: admin.token }), 400, 'validation_failed', 'channelId');

      const subs = await stream({ chatMode: 'subscribers' });
      expectError(await say(bob, subs, 'hi'), 403, 'subscribers_only');
      assert.equal((await srv.req('PUT', `/api/channels/${channel}/subscribers/${carol.id}`, { token: admin.token })).status, 200);
      assert.equal((await say(carol, subs, 'I subscribe')).status, 201);
      assert.equal((await srv.req('DELETE', `/api/channels/${channel}/subscribers/${carol.id}`, { token: admin.token })).status, 200);
      expectError(await say(carol, subs, 'not any more'), 403, 'subscribers_only');

      const disabled = await stream({ chatMode: 'disabled' });
      expectError(await say(bob, disabled, 'hi'), 403, 'chat_disabled');
      for (const who of [alice, mod, admin]) {
        const r = await say(who, disabled, 'staff may');
        assert.equal(r.status, 201, r.text);
      }

      const open = await stream();
      assert.equal((await srv.req('PATCH', `/api/streams/${open.id}`, { token: alice.token, body: { enableChat: false } })).status, 200);
      expectError(await say(alice, open, 'hi'), 403, 'chat_disabled');
    });

    it('bans, times out and unbans; moderators cannot be banned', async () => {
      const s = await stream();
      expectError(await srv.req('POST', `/api/streams/${s.id}/bans`, { token: carol.token, body: { userId: bob.id } }), 403, 'forbidden');
      const ban = await srv.req('POST', `/api/streams/${s.id}/bans`, { token: alice.token, body: { userId: bob.id, reason: 'spam' } });
      assert.equal(ban.status, 201, ban.text);
      assert.equal(ban.json.expiresAt, null);
      const refused = await say(bob, s, 'hi');
      expectError(refused, 403, 'banned');
      assert.equal(refused.headers.get('retry-after'), null);
      expectError(await react(bob, s, { emoji: '👍' }), 403, 'banned');
      const bans = await srv.req('GET', `/api/streams/${s.id}/bans`, { token: mod.token });
      assert.deepEqual(bans.json.map((b) => b.userId), [bob.id]);
      assert.equal((await srv.req('DELETE', `/api/streams/${s.id}/bans/${bob.id}`, { token: mod.token })).status, 200);
      assert.equal((await say(bob, s, 'back')).status, 201);

      const timeout = await srv.req('POST', `/api/streams/${s.id}/bans`, { token: admin.token, body: { userId: bob.id, durationSeconds: 2 } });
      assert.equal(timeout.status, 201, timeout.text);
      assert.ok(Date.parse(timeout.json.expiresAt) > Date.now());
      const timedOut = await say(bob, s, 'hi');
      expectError(timedOut, 403, 'banned');
      assert.ok(['1', '2'].includes(timedOut.headers.get('retry-after')), timedOut.headers.get('retry-after'));
      await sleep(2100);
      assert.equal((await say(bob, s, 'the timeout is over')).status, 201);

      for (const id of [alice.id, mod.id]) {
        expectError(await srv.req('POST', `/api/streams/${s.id}/bans`, { token: admin.token, body: { userId: id } }), 403, 'forbidden');
      }
      expectError(await srv.req('POST', `/api/streams/${s.id}/bans`, { token: alice.token, body: { userId: bob.id, durationSeconds: 0 } }), 400, 'validation_failed', 'durationSeconds');
      expectError(await srv.req('POST', `/api/streams/${s.id}/bans`, { token: alice.token, body: { userId: bob.id, durationSeconds: 1.5 } }), 400, 'validation_failed', 'durationSeconds');
      expectError(await srv.req('POST', `/api/streams/${s.id}/bans`, { token: alice.token, body: { userId: 'x' } }), 400, 'validation_failed', 'userId');
    });

    it('slow mode spaces each viewer\'s messages; moderators are exempt', async () => {
      const s = await stream();
      expectError(await srv.req('PUT', `/api/streams/${s.id}/slow-mode`, { token: bob.token, body: { seconds: 2 } }), 403, 'forbidden');
      expectError(await srv.req('PUT', `/api/streams/${s.id}/slow-mode`, { token: alice.token, body: { seconds: 3601 } }), 400, 'validation_failed', 'seconds');
      const set = await srv.req('PUT', `/api/streams/${s.id}/slow-mode`, { token: alice.token, body: { seconds: 2 } });
      assert.deepEqual(set.json, { slowModeSeconds: 2 });
      assert.deepEqual((await srv.req('GET', `/api/streams/${s.id}/slow-mode`)).json, { slowModeSeconds: 2 });
      assert.equal((await say(bob, s, 'one')).status, 201);
      const second = await say(bob, s, 'two');
      expectError(second, 429, 'slow_mode');
      assert.ok(['1', '2'].includes(second.headers.get('retry-after')));
      assert.equal((await say(carol, s, 'someone else')).status, 201);
      assert.equal((await say(mod, s, 'mod 1')).status, 201);
      assert.equal((await say(mod, s, 'mod 2')).status, 201);
      await sleep(2100);
      assert.equal((await say(bob, s, 'two')).status, 201);
      await srv.req('PUT', `/api/streams/${s.id}/slow-mode`, { token: alice.token, body: { seconds: 0 } });
      assert.equal((await say(bob, s, 'three')).status, 201);
    });

    it('deletes, pins (one at a time), unpins and clears; every action is logged', async () => {
      const s = await stream();
      const a = (await say(bob, s, 'a')).json;
      const b = (await say(carol, s, 'b')).json;
      expectError(await srv.req('POST', `/api/streams/${s.id}/chat/${a.id}/pin`, { token: bob.token }), 403, 'forbidden');
      const pinned = await srv.req('POST', `/api/streams/${s.id}/chat/${a.id}/pin`, { token: alice.token });
      assert.equal(pinned.status, 200, pinned.text);
      assert.equal(pinned.json.isPinned, true);
      await srv.req('POST', `/api/streams/${s.id}/chat/${b.id}/pin`, { token: mod.token });
      let list = (await srv.req('GET', `/api/streams/${s.id}/chat`)).json;
      assert.deepEqual(list.map((m) => m.isPinned), [false, true], 'pinning b unpinned a');
      assert.equal((await srv.req('DELETE', `/api/streams/${s.id}/chat/${b.id}/pin`, { token: mod.token })).status, 200);

      expectError(await srv.req('DELETE', `/api/streams/${s.id}/chat/${a.id}`, { token: bob.token }), 403, 'forbidden');
      assert.equal((await srv.req('DELETE', `/api/streams/${s.id}/chat/${a.id}`, { token: mod.token })).status, 200);
      assert.equal((await srv.req('DELETE', `/api/streams/${s.id}/chat/${a.id}`, { token: mod.token })).status, 200, 'again: no change');
      expectError(await srv.req('DELETE', `/api/streams/${s.id}/chat/${uuid()}`, { token: mod.token }), 404, 'not_found');
      expectError(await srv.req('POST', `/api/streams/${s.id}/chat/${a.id}/pin`, { token: alice.token }), 409, 'wrong_state');
      list = (await srv.req('GET', `/api/streams/${s.id}/chat`)).json;
      assert.deepEqual(list.map((m) => m.content), ['b']);
      const withDeleted = (await srv.req('GET', `/api/streams/${s.id}/chat?includeDeleted=true`, { token: alice.token })).json;
      assert.deepEqual(withDeleted.map((m) => [m.content, m.isDeleted]), [['a', true], ['b', false]]);
      expectError(await srv.req('GET', `/api/streams/${s.id}/chat?includeDeleted=true`, { token: bob.token }), 403, 'forbidden');

      const cleared = await srv.req('POST', `/api/streams/${s.id}/chat/clear`, { token: alice.token });
      assert.deepEqual(cleared.json, { success: true, count: 1 });
      assert.deepEqual((await srv.req('GET', `/api/streams/${s.id}/chat`)).json, []);

      const log = await srv.req('GET', `/api/streams/${s.id}/moderation-log`, { token: mod.token });
      assert.equal(log.status, 200, log.text);
      assert.deepEqual(log.json.map((e) => e.action),
        ['clear_chat', 'delete_message', 'unpin_message', 'pin_message', 'pin_message']);
      const del = log.json[1];
      assert.equal(del.actorId, mod.id);
      assert.equal(del.actorName, 'mo');
      assert.equal(del.targetMessageId, a.id);
      assert.equal(del.targetUserId, bob.id);
      assert.equal(del.details.content, 'a');
      assert.ok(Date.parse(del.createdAt) > 0);
      assert.deepEqual(log.json[0].details, { count: 1 });
      expectError(await srv.req('GET', `/api/streams/${s.id}/moderation-log`, { token: bob.token }), 403, 'forbidden');
      expectError(await srv.req('GET', `/api/streams/${s.id}/moderation-log`), 401, 'unauthorized');
    });

    it('masks profanity by default', async () => {
      const s = await stream();
      const r = await say(bob, s, 'oh sh1t, FUUUCK. Scunthorpe is fine');
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.content, 'oh ****, ******. Scunthorpe is fine');
    });

    it('validates reactions, broadcasts them and counts them exactly at the end', async () => {
      const s = await stream();
      await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      const r = await react(bob, s, { emoji: '❤️', positionX: 50, positionY: 10 });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(Object.keys(r.json).sort(), ['createdAt', 'emoji', 'id', 'positionX', 'positionY', 'streamId', 'userId']);
      assert.equal(r.json.positionX, 50);
      const defaults = (await react(carol, s, { emoji: '👩‍👩‍👧' })).json;
      assert.equal(defaults.positionY, 0);
      assert.ok(defaults.positionX >= 0 && defaults.positionX <= 100);
      for (const emoji of ['👍🏽', '🇫🇷', '1️⃣']) assert.equal((await react(dave, s, { emoji })).status, 201, emoji);
      // Refused attempts take tokens too: spread them over users who have not reacted yet.
      const testers = [mod, alice, admin];
      let n = 0;
      const attempt = (body) => react(testers[n++ % testers.length], s, body);
      for (const emoji of ['a', '👍👍', '', 'hi👍', '\u200d', '🏽', 5]) {
        expectError(await attempt({ emoji }), 400, 'validation_failed', 'emoji');
      }
      expectError(await attempt({ emoji: '👍', positionX: 101 }), 400, 'validation_failed', 'positionX');
      expectError(await attempt({ emoji: '👍', positionY: -1 }), 400, 'validation_failed', 'positionY');
      expectError(await attempt({ emoji: '👍', size: 2 }), 400, 'validation_failed', 'size');

      const ended = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
      assert.equal(ended.json.totalReactions, 5, 'queued reactions are stored before the end answers');
      const recent = await srv.req('GET', `/api/streams/${s.id}/reactions?limit=2`);
      assert.deepEqual(recent.json.map((x) => x.emoji), ['🇫🇷', '1️⃣']);
      expectError(await react(bob, s, { emoji: '👍' }), 409, 'stream_ended');

      const off = await stream({ enableReactions: false });
      expectError(await react(bob, off, { emoji: '👍' }), 403, 'reactions_disabled');
    });

    it('runs Q&A: questions, one vote per user, sorted by votes, answered by moderators', async () => {
      const noQa = await stream();
      expectError(await say(bob, noQa, 'why?', { isQuestion: true }), 403, 'qa_disabled', 'isQuestion');
      const s = await stream({ enableQa: true });
      const q1 = (await say(bob, s, 'first?', { isQuestion: true })).json;
      const q2 = (await say(carol, s, 'second?', { isQuestion: true })).json;
      await say(dave, s, 'not a question');
      assert.equal(q1.isQuestion, true);
      let v = await srv.req('POST', `/api/streams/${s.id}/questions/${q2.id}/vote`, { token: bob.token });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.votes, 1);
      assert.equal(v.json.hasVoted, true);
      v = await srv.req('POST', `/api/streams/${s.id}/questions/${q2.id}/vote`, { token: bob.token });
      assert.equal(v.json.votes, 1, 'a second vote changes nothing');
      await srv.req('POST', `/api/streams/${s.id}/questions/${q2.id}/vote`, { token: dave.token });
      const list = await srv.req('GET', `/api/streams/${s.id}/questions`, { token: dave.token });
      assert.deepEqual(list.json.map((q) => [q.id, q.votes, q.hasVoted]), [[q2.id, 2, true], [q1.id, 0, false]]);
      v = await srv.req('DELETE', `/api/streams/${s.id}/questions/${q2.id}/vote`, { token: dave.token });
      assert.equal(v.json.votes, 1);

      expectError(await srv.req('PATCH', `/api/streams/${s.id}/questions/${q2.id}`, { token: bob.token, body: { status: 'answered' } }), 403, 'forbidden');
      expectError(await srv.req('PATCH', `/api/streams/${s.id}/questions/${q2.id}`, { token: alice.token, body: { status: 'done' } }), 400, 'validation_failed', 'status');
      const answered = await srv.req('PATCH', `/api/streams/${s.id}/questions/${q2.id}`, { token: alice.token, body: { status: 'answered' } });
      assert.equal(answered.status, 200, answered.text);
      assert.equal(answered.json.status, 'answered');
      assert.ok(Date.parse(answered.json.answeredAt) > 0);
      expectError(await srv.req('POST', `/api/streams/${s.id}/questions/${q2.id}/vote`, { token: carol.token }), 409, 'wrong_state');
      const open = await srv.req('GET', `/api/streams/${s.id}/questions?status=open`);
      assert.deepEqual(open.json.map((q) => q.id), [q1.id]);
      expectError(await srv.req('GET', `/api/streams/${s.id}/questions?status=nope`), 400, 'validation_failed', 'status');
    });

    it('keeps chat open before go-live and refuses it once the stream ended', async () => {
      const later = new Date(Date.now() + 3600_000).toISOString();
      const s = await stream({ scheduledAt: later });
      assert.equal(s.status, 'scheduled');
      assert.equal((await say(bob, s, 'waiting room')).status, 201);
      await srv.req('POST', `/api/streams/${s.id}/start`, { token: alice.token });
      assert.equal((await say(bob, s, 'live')).status, 201);
      const ended = await srv.req('POST', `/api/streams/${s.id}/end`, { token: alice.token });
      assert.equal(ended.json.totalChatMessages, 2);
      expectError(await say(carol, s, 'too late'), 409, 'stream_ended');
      assert.equal((await srv.req('GET', `/api/streams/${s.id}/chat`)).json.length, 2, 'still readable');

      const cancelled = await stream();
      await srv.req('POST', `/api/streams/${cancelled.id}/end`, { token: alice.token });
      expectError(await say(carol, cancelled, 'hi'), 409, 'stream_ended');
    });

    it('documents every room route in the OpenAPI description', async () => {
      const doc = (await srv.req('GET', '/api/openapi.json')).json;
      const want = {
        '/api/streams/{id}/chat': ['get', 'post'],
        '/api/streams/{id}/chat/clear': ['post'],
        '/api/streams/{id}/chat/{messageId}': ['delete'],
        '/api/streams/{id}/chat/{messageId}/pin': ['post', 'delete'],
        '/api/streams/{id}/reactions': ['get', 'post'],
        '/api/streams/{id}/questions': ['get'],
        '/api/streams/{id}/questions/{questionId}': ['patch'],
        '/api/streams/{id}/questions/{questionId}/vote': ['post', 'delete'],
        '/api/streams/{id}/bans': ['get', 'post'],
        '/api/streams/{id}/bans/{userId}': ['delete'],
        '/api/streams/{id}/slow-mode': ['get', 'put'],
        '/api/streams/{id}/moderation-log': ['get'],
        '/api/channels/{channelId}/moderators/{userId}': ['put', 'delete'],
      };
      for (const [path, verbs] of Object.entries(want)) {
        for (const v of verbs) assert.ok(doc.paths[path]?.[v], `${v} ${path}`);
      }
      for (const schema of ['StreamChatMessage', 'StreamReaction', 'Question', 'Ban', 'ModerationLogEntry', 'Error']) {
        assert.ok(doc.components.schemas[schema], schema);
      }
    });

    it('hides private streams\' chat from those who may not see them', async () => {
      const s = await stream({ isPrivate: true });
      expectError(await say(bob, s, 'hi'), 404, 'not_found');
      expectError(await srv.req('GET', `/api/streams/${s.id}/chat`), 404, 'not_found');
      await srv.req('PUT', `/api/streams/${s.id}/access/${bob.id}`, { token: alice.token });
      assert.equal((await say(bob, s, 'granted')).status, 201);
      assert.equal((await srv.req('GET', `/api/streams/${s.id}/chat`, { token: bob.token })).json.length, 1);
    });
  });
}

describe('chat REST API with profanity-mode reject', () => {
  const srv = new Server({ backend: 'sqlite' });
  let bob, alice;
  before(async () => {
    await srv.start(['--profanity-mode', 'reject', '--profanity-word', 'darn', '--chat-rate', '10']);
    alice = srv.createUser('alice', 'broadcaster');
    bob = srv.createUser('bob', 'viewer');
  });
  after(async () => {
    const r = await srv.stop();
    srv.cleanup();
    assert.equal(r.code, 0, `graceful exit; stderr:\n${srv.stderr.slice(-3000)}`);
  });

  it('refuses a listed word through substitutions and repeats, and lets the rest through', async () => {
    const s = (await srv.req('POST', '/api/streams', { token: alice.token, body: { channelId: uuid(), title: 't' } })).json;
    for (const content of ['darn', 'D4RN it', 'daaarn!', 'sh1t']) {
      const r = await srv.req('POST', `/api/streams/${s.id}/chat`, { token: bob.token, body: { content } });
      assert.equal(r.status, 400, content);
      assert.equal(r.json.error.code, 'profanity');
      assert.equal(r.json.error.field, 'content');
    }
    const ok = await srv.req('POST', `/api/streams/${s.id}/chat`, { token: bob.token, body: { content: 'darnel grows here' } });
    assert.equal(ok.status, 201, ok.text);
    // Five at once: the configured rate (10/s) lets them through.
    const burst = await Promise.all([1, 2, 3, 4, 5].map((i) =>
      srv.req('POST', `/api/streams/${s.id}/chat`, { token: bob.token, body: { content: `m${i}` } })));
    assert.deepEqual(burst.map((r) => r.status), [201, 201, 201, 201, 201]);
  });
});
