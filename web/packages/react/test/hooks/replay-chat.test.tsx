// The chat of a replay in step with its video (ReplayChat, useReplayChat, StreamViewer's replay):
// what a viewer sees as the video's time moves on and back. hls.js is a stand-in;
// tests/pages/replay.test.mjs plays a real recording through the real server.
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplayChat } from '../../src/components/ReplayChat';
import { ReplayReactions } from '../../src/components/ReplayReactions';
import { StreamViewer } from '../../src/components/StreamViewer';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import type { StreamChatMessage } from '../../src/sdk/types';
import { FakeWebSocket, fakeFetch, type FakeRoute } from '../fakes';
import { chatMessage, reaction, stream } from '../sdk/recorded';

vi.mock('hls.js/light', () => {
  class FakeHls {
    static isSupported = () => true;
    static Events = { MANIFEST_PARSED: 'm', LEVEL_SWITCHED: 'l', FRAG_LOADED: 'f', ERROR: 'e' };
    static ErrorTypes = { NETWORK_ERROR: 'networkError', MEDIA_ERROR: 'mediaError' };
    levels = [];
    currentLevel = -1;
    on() {}
    loadSource() {}
    attachMedia() {}
    destroy() {}
  }
  return { default: FakeHls };
});

const said = (content: string, mediaMs: number): StreamChatMessage => ({ ...chatMessage, id: `m-${mediaMs}`, content, mediaMs });
const CHAT = [said('first words', 2000), said('halfway there', 5000), said('almost done', 9000)];

function setup(routes: FakeRoute[]) {
  const f = fakeFetch(routes);
  const nchat = createNchat({ baseUrl: 'http://srv', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
  const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
  return { f, wrapper };
}

/** Moves a video element's clock as a player would, with the event it sends. */
function playTo(video: HTMLVideoElement, seconds: number, event: 'timeupdate' | 'seeking' = 'timeupdate') {
  Object.defineProperty(video, 'currentTime', { value: seconds, configurable: true });
  act(() => {
    video.dispatchEvent(new Event(event));
  });
}

const shown = (region: HTMLElement) =>
  within(region)
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('.ncl-chat__content')?.textContent)
    .filter(Boolean);

describe('ReplayChat', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('shows a message once the video reaches it, fewer after a seek back, with no composer', async () => {
    const { f, wrapper } = setup([{ method: 'GET', path: /chat$/, body: CHAT }]);
    const video = document.createElement('video');
    render(<ReplayChat streamId={stream.id} media={video} />, { wrapper });
    const region = screen.getByRole('region', { name: 'Chat replay' });
    expect(within(region).getByRole('heading', { name: 'Chat replay' })).toBeTruthy();
    await within(region).findByText('No messages at this point of the stream.');
    expect(within(region).queryByRole('textbox')).toBeNull();
    expect(within(region).getByText(/Messages appear when the video reaches the moment they were sent/)).toBeTruthy();
    expect(f.calls.map((c) => c.url)).toEqual([`http://srv/api/streams/${stream.id}/chat?fromMs=0&toMs=120000&limit=500`]);

    playTo(video, 1.999);
    expect(shown(region)).toEqual([]);
    playTo(video, 2.0);
    expect(shown(region)).toEqual(['first words']);
    playTo(video, 6.2);
    expect(shown(region)).toEqual(['first words', 'halfway there']);
    // Each message is timed by its place in the recording.
    expect(within(region).getByText('0:05').getAttribute('datetime')).toBe('PT5S');
    playTo(video, 30, 'seeking');
    expect(shown(region)).toEqual(['first words', 'halfway there', 'almost done']);
    playTo(video, 1, 'seeking');
    expect(shown(region)).toEqual([]);
    expect(within(region).getByText('No messages at this point of the stream.')).toBeTruthy();
    // All of it was in the first window: no further request.
    expect(f.calls).toHaveLength(1);
  });

  it('says when the chat cannot be loaded', async () => {
    const { wrapper } = setup([
      { method: 'GET', path: /chat$/, status: 404, body: { error: { code: 'not_found', message: 'stream has no recording' } } },
    ]);
    render(<ReplayChat streamId={stream.id} media={document.createElement('video')} />, { wrapper });
    expect((await screen.findByRole('alert')).textContent).toBe('Cannot load the chat of the replay: stream has no recording');
  });
});

describe('ReplayReactions', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('floats the reactions of the last 3 s of the video, again after a seek back', async () => {
    const sent = [
      { ...reaction, id: 'r1', emoji: '🔥', mediaMs: 4000 },
      { ...reaction, id: 'r2', emoji: '👏', mediaMs: 5000 },
    ];
    const { f, wrapper } = setup([{ method: 'GET', path: /reactions$/, body: sent }]);
    const video = document.createElement('video');
    const { container } = render(<ReplayReactions streamId={stream.id} media={video} />, { wrapper });
    const floating = () => [...container.querySelectorAll('.ncl-floating__item')].map((e) => e.textContent);
    await waitFor(() => expect(f.calls).toHaveLength(1));
    expect(f.calls[0]?.url).toBe(`http://srv/api/streams/${stream.id}/reactions?fromMs=0&toMs=120000&limit=500`);
    await act(async () => {}); // the answer in
    expect(floating()).toEqual([]);
    playTo(video, 4.5);
    expect(floating()).toEqual(['🔥']);
    playTo(video, 6.9);
    expect(floating()).toEqual(['🔥', '👏']);
    playTo(video, 7.5);
    expect(floating()).toEqual(['👏']);
    playTo(video, 4.2, 'seeking');
    expect(floating()).toEqual(['🔥']);
  });
});

describe('StreamViewer of a stream that had ended', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  const ended = { ...stream, status: 'ended', hlsManifestUrl: `http://srv/hls/${stream.id}/master.m3u8` };

  it('replays its recording with the chat in step, read-only', async () => {
    const { wrapper, f } = setup([
      { method: 'GET', path: `/api/streams/${stream.id}`, body: ended },
      { method: 'GET', path: /recording$/, body: { streamId: stream.id, state: 'complete', durationMs: 10_000 } },
      { method: 'GET', path: /chat$/, body: CHAT },
    ]);
    const { container } = render(<StreamViewer streamId={stream.id} />, { wrapper });
    const region = await screen.findByRole('region', { name: 'Chat replay' });
    expect(screen.getByText('REPLAY')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Live chat' })).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
    const video = container.querySelector('video');
    if (!video) throw new Error('no video');
    await waitFor(() => expect(f.calls.some((c) => c.url.includes('fromMs=0'))).toBe(true));
    playTo(video, 5.5);
    await waitFor(() => expect(shown(region)).toEqual(['first words', 'halfway there']));
  });

  it('without a recording lists the chat as it ended, closed', async () => {
    const { wrapper } = setup([
      { method: 'GET', path: `/api/streams/${stream.id}`, body: ended },
      { method: 'GET', path: /recording$/, status: 404, body: { error: { code: 'not_found', message: 'no recording' } } },
      { method: 'GET', path: /chat$/, body: CHAT },
    ]);
    render(<StreamViewer streamId={stream.id} />, { wrapper });
    const region = await screen.findByRole('region', { name: 'Live chat' });
    await within(region).findByText('almost done');
    expect(screen.getByText('The stream has ended.')).toBeTruthy();
    expect(within(region).getByText(/chat is closed/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Chat replay' })).toBeNull();
  });
});
