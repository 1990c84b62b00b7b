// Answers recorded from a real nchat-live server (record.mjs writes recorded.json).
import type { Stream, StreamChatMessage, StreamReaction } from '../../src/sdk/types';
import recorded from './recorded.json';

export const stream = recorded.stream as Stream;
export const chatMessage = recorded.chatMessage as StreamChatMessage;
export const reaction = recorded.reaction as StreamReaction;
export const hello = recorded.hello;
