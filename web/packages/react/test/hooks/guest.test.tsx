import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GuestNameForm } from '../../src/components/GuestNameForm';
import { StreamViewer } from '../../src/components/StreamViewer';
import { createNchat, NchatProvider } from '../../src/hooks/context';
import { NchatError } from '../../src/sdk/errors';
import { FakeWebSocket, fakeFetch } from '../fakes';
import { guest, stream } from '../sdk/recorded';

const signIn = <a href="/signin">Sign in</a>;

describe('GuestNameForm', () => {
  afterEach(() => cleanup());

  it('asks for a name (at most 32 characters) and hands it over', async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    render(<GuestNameForm onSubmit={onSubmit} signInAction={signIn} />);
    const input = screen.getByRole('textbox', { name: 'Pick a name to chat' });
    expect(input.getAttribute('maxLength')).toBe('32');
    await userEvent.type(input, 'Zoë{Enter}');
    expect(onSubmit).toHaveBeenCalledWith('Zoë');
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy();
  });

  it("shows a refused name under the input, tied to it, and the server's other refusals for the form", async () => {
    const refusals = [
      new NchatError('validation_failed', 'displayName must not be empty', { status: 400, field: 'displayName' }),
      new NchatError('rate_limited', 'too many guest names', { status: 429, retryAfter: 6 }),
    ];
    const onSubmit = vi.fn(() => Promise.reject(refusals.shift()));
    render(<GuestNameForm onSubmit={onSubmit} />);
    const input = screen.getByRole('textbox', { name: 'Pick a name to chat' });
    await userEvent.type(input, '   {Enter}');
    const fieldError = await screen.findByRole('alert');
    expect(fieldError.textContent).toMatch(/1 to 32 characters/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(fieldError.id);
    await userEvent.click(screen.getByRole('button', { name: 'Join chat' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many names from your network, try again in 6 s.');
    expect(input.getAttribute('aria-invalid')).toBeNull();
  });

  it('says when guests are turned off and leaves only the way to sign in', async () => {
    const onSubmit = vi.fn(() => Promise.reject(new NchatError('guests_disabled', 'guests are turned off', { status: 403 })));
    render(<GuestNameForm onSubmit={onSubmit} signInAction={signIn} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Pick a name to chat' }), 'Zoë{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('Guests are turned off on this server — sign in to chat.');
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('StreamViewer with guest names', () => {
  beforeEach(() => FakeWebSocket.reset());
  afterEach(() => cleanup());

  it('lets an anonymous viewer pick a name and chat at once, on the same connection', async () => {
    let token: string | null = null;
    const f = fakeFetch([
      { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stream },
      { method: 'GET', path: /chat$/, body: [] },
      { method: 'POST', path: '/api/guest', ...guest.created },
    ]);
    const nchat = createNchat({ baseUrl: 'http://srv', token: () => token, fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
    const pick = async (name: string) => {
      token = (await nchat.client.createGuest(name)).token;
      await nchat.realtime.authenticate();
    };
    const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
    render(<StreamViewer streamId={stream.id} onPickGuestName={pick} signInAction={signIn} />, { wrapper });
    const ws = FakeWebSocket.last();
    act(() => ws.accept(false));
    const input = await screen.findByRole('textbox', { name: 'Pick a name to chat' });
    expect(screen.getByText('Pick a name in the chat to react.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy();
    await userEvent.type(input, 'Zoë{Enter}');
    await waitFor(() => expect(ws.sentOfType('auth')).toHaveLength(1));
    expect(ws.sentOfType('auth')[0]).toMatchObject({ token: guest.created.body.token });
    const auth = ws.sentOfType('auth')[0];
    act(() =>
      ws.deliver({ type: 'ack', id: auth?.id, for: 'auth', data: { userId: guest.created.body.user.id, name: 'Zoë', role: 'viewer' } }),
    );
    const composer = await screen.findByRole('textbox', { name: 'Chat message' });
    expect(document.activeElement).toBe(composer);
    expect(screen.queryByRole('textbox', { name: 'Pick a name to chat' })).toBeNull();
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(f.calls.find((c) => c.url.endsWith('/api/guest'))?.body).toBe(JSON.stringify({ displayName: 'Zoë' }));
  });

  it('asks to sign in to react too once the server says guests are off', async () => {
    const f = fakeFetch([
      { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stream },
      { method: 'GET', path: /chat$/, body: [] },
    ]);
    const nchat = createNchat({ baseUrl: 'http://srv', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
    const refuse = () => Promise.reject(new NchatError('guests_disabled', 'guests are turned off', { status: 403 }));
    const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
    render(<StreamViewer streamId={stream.id} onPickGuestName={refuse} signInAction={signIn} />, { wrapper });
    await userEvent.type(await screen.findByRole('textbox', { name: 'Pick a name to chat' }), 'Zoë{Enter}');
    await screen.findByText('Guests are turned off on this server — sign in to chat.');
    expect(screen.getByText('Sign in to react.')).toBeTruthy();
    expect(screen.queryByText('Pick a name in the chat to react.')).toBeNull();
  });

  it('offers no guest name without onPickGuestName (a host whose users are all signed in)', async () => {
    const f = fakeFetch([
      { method: 'GET', path: /^\/api\/streams\/[^/]+$/, body: stream },
      { method: 'GET', path: /chat$/, body: [] },
    ]);
    const nchat = createNchat({ baseUrl: 'http://srv', fetch: f.fetch }, FakeWebSocket as unknown as typeof WebSocket);
    const wrapper = ({ children }: { children: ReactNode }) => <NchatProvider value={nchat}>{children}</NchatProvider>;
    render(<StreamViewer streamId={stream.id} signInAction={signIn} />, { wrapper });
    await screen.findByText('Sign in to chat.');
    expect(screen.queryByRole('textbox', { name: 'Pick a name to chat' })).toBeNull();
  });
});
