// Records the server answers the SDK tests replay (recorded.json) from a real nchat-live:
//   NCHAT_LIVE_BIN=build/nchat-live node packages/react/test/sdk/record.mjs   (from web/)
import { writeFileSync, readFileSync } from 'node:fs';

const { Server, uuid } = await import('../../../../../tests/integration/lib/harness.mjs');
const srv = new Server({ backend: 'sqlite' });
await srv.start();
try {
  const bob = srv.createUser('alice', 'broadcaster');
  const stream = (await srv.req('POST', '/api/streams/create', { token: bob.token, body: { channelId: uuid(), title: 'Hello' } })).json;
  const chatMessage = (await srv.req('POST', `/api/streams/${stream.id}/chat`, { token: bob.token, body: { content: 'hello' } })).json;
  const reaction = (
    await srv.req('POST', `/api/streams/${stream.id}/reactions`, { token: bob.token, body: { emoji: '❤️', positionX: 50, positionY: 0 } })
  ).json;
  const out = new URL('./recorded.json', import.meta.url);
  const old = JSON.parse(readFileSync(out, 'utf8'));
  // The hello is the WebSocket's first message (docs/realtime.md); kept from the last recording.
  writeFileSync(out, JSON.stringify({ stream, chatMessage, reaction, hello: old.hello }, null, 1) + '\n');
  console.log('wrote', out.pathname);
} finally {
  await srv.stop();
  srv.cleanup();
}
