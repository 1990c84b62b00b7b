// Answers recorded from a real nchat-live server (record.mjs writes recorded.json).
import type { Stream, StreamChatMessage, StreamReaction } from '../../src/sdk/types';
import recorded from './recorded.json';

export const stream = recorded.stream as Stream;
export const chatMessage = recorded.chatMessage as StreamChatMessage;
export const reaction = recorded.reaction as StreamReaction;
export const hello = recorded.hello;
/** `POST /api/guest`: created (201), a name of spaces (400), guests off (403), the 11th name in a
 * minute (429), each as `{ status, headers, body }`. */
export const guest = recorded.guest;
