// Records the server answers the SDK tests replay (recorded.json) from a real nchat-live:
//   NCHAT_LIVE_BIN=build/nchat-live node packages/react/test/sdk/record.mjs   (from web/)
import { writeFileSync, readFileSync } from 'node:fs';

const { Server, uuid } = await import('../../../../../tests/integration/lib/harness.mjs');
// An answer as the SDK's tests replay it: status, the headers they read, JSON body.
const answer = (r) => ({
  status: r.status,
  headers: Object.fromEntries(['content-type', 'retry-after'].filter((h) => r.headers.has(h)).map((h) => [h, r.headers.get(h)])),
  body: r.json,
});

const srv = new Server({ backend: 'sqlite' });
const noGuests = new Server({ backend: 'sqlite' });
await srv.start();
await noGuests.start(['--guests=false']);
try {
  const bob = srv.createUser('alice', 'broadcaster');
  const stream = (await srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'Hello' } })).json;
  const chatMessage = (await srv.req('POST', `/api/streams/${stream.id}/chat`, { token: bob.token, body: { content: 'hello' } })).json;
  const reaction = (
    await srv.req('POST', `/api/streams/${stream.id}/reactions`, { token: bob.token, body: { emoji: '❤️', positionX: 50, positionY: 0 } })
  ).json;
  // Guests (docs/api.md): a name, a name that is only spaces, guests turned off, and the 11th
  // name from one address within a minute.
  const guest = (s, displayName) => s.req('POST', '/api/guest', { body: { displayName } });
  const guestCreated = answer(await guest(srv, 'Zoë'));
  const guestInvalid = answer(await guest(srv, '   '));
  const guestDisabled = answer(await guest(noGuests, 'Zoë'));
  let r;
  for (let i = 0; i < 11 && (!r || r.status === 201); i++) r = await guest(srv, `guest ${i}`);
  const guestRateLimited = answer(r);
  const out = new URL('./recorded.json', import.meta.url);
  const old = JSON.parse(readFileSync(out, 'utf8'));
  // The hello is the WebSocket's first message (docs/realtime.md); kept from the last recording.
  writeFileSync(
    out,
    JSON.stringify(
      {
        stream,
        chatMessage,
        reaction,
        hello: old.hello,
        guest: { created: guestCreated, invalid: guestInvalid, disabled: guestDisabled, rateLimited: guestRateLimited },
      },
      null,
      2,
    ) + '\n',
  );
  console.log('wrote', out.pathname);
} finally {
  for (const s of [srv, noGuests]) {
    await s.stop();
    s.cleanup();
  }
}
