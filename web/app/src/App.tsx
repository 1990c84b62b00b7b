import { createNchat, NchatError, NchatProvider, useAuthState } from '@nchat-live/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadToken, saveToken } from './auth';
import { fromGuest, guestTimeLeft, loadGuest, saveGuest, type GuestSession } from './guest';
import { ControlRoomPage } from './pages/ControlRoomPage';
import { HomePage } from './pages/HomePage';
import { SignInPage } from './pages/SignInPage';
import { StudioPage } from './pages/StudioPage';
import { WatchPage } from './pages/WatchPage';
import { Link, matchRoute, navigate, usePath } from './router';

const env = import.meta.env;

export function App() {
  // The signed-in token; a new object (same token) when a guest token is dropped, so that the
  // clients made for it are made anew.
  const [session, setSession] = useState<{ token: string | null }>(() => ({ token: loadToken() }));
  const token = session.token;
  const [guest, setGuest] = useState<GuestSession | null>(loadGuest);
  // The guest token as the clients ask for it. Taking a name signs the open connection in
  // (realtime.authenticate), so the clients stay and the video plays on; dropping one needs new
  // clients, since a connection cannot sign out (docs/realtime.md).
  const guestToken = useRef<string | null>(guest?.token ?? null);
  const dropGuest = useCallback((t: string) => {
    if (guestToken.current !== t) return;
    guestToken.current = null;
    saveGuest(null);
    setGuest(null);
    setSession((s) => ({ ...s }));
  }, []);

  // One set of clients per signed-in token (a signed-in token always wins over a guest's), and a
  // new set when a guest token is dropped.
  const nchat = useMemo(
    () =>
      createNchat({
        token: () => session.token ?? guestToken.current,
        // Expired, or signed with a secret the server no longer has (a restart without
        // --guest-secret): the viewer picks a name again.
        onUnauthorized: (t) => dropGuest(t),
        ...(env.VITE_API_BASE_URL ? { baseUrl: env.VITE_API_BASE_URL } : {}),
        ...(env.VITE_STREAM_INGEST_URL ? { ingestUrl: env.VITE_STREAM_INGEST_URL } : {}),
        ...(env.VITE_HLS_BASE_URL ? { hlsBaseUrl: env.VITE_HLS_BASE_URL } : {}),
      }),
    [session, dropGuest],
  );

  // The realtime `auth` refused the guest token: the same as a 401.
  useEffect(
    () =>
      nchat.realtime.on('identity', (id) => {
        if (!id && !token && guestToken.current) dropGuest(guestToken.current);
      }),
    [nchat, token, dropGuest],
  );

  // The server stops taking the token at `expiresAt`; so does this page.
  useEffect(() => {
    if (!guest) return;
    const t = setTimeout(() => dropGuest(guest.token), Math.min(Math.max(0, guestTimeLeft(guest)), 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [guest, dropGuest]);

  const pickGuestName = useCallback(
    async (displayName: string) => {
      const g = fromGuest(await nchat.client.createGuest(displayName));
      guestToken.current = g.token;
      saveGuest(g);
      setGuest(g);
      if (!(await nchat.realtime.authenticate())) throw new NchatError('unauthorized', 'The server did not accept the new name.');
    },
    [nchat],
  );

  const signIn = useCallback((t: string | null) => {
    saveToken(t);
    setSession({ token: t });
  }, []);
  return (
    <NchatProvider value={nchat}>
      <Shell signedIn={!!token} onSignIn={signIn} onPickGuestName={token ? undefined : pickGuestName} />
    </NchatProvider>
  );
}

function Shell({
  signedIn,
  onSignIn,
  onPickGuestName,
}: {
  signedIn: boolean;
  onSignIn: (t: string | null) => void;
  onPickGuestName: ((displayName: string) => Promise<void>) | undefined;
}) {
  const path = usePath();
  const route = matchRoute(path);
  const auth = useAuthState();
  const me = auth.identity;
  useEffect(() => {
    const titles: Record<string, string> = {
      home: 'Live now',
      studio: 'Studio',
      signin: 'Sign in',
      control: 'Control room',
      watch: 'Watch',
      notfound: 'Not found',
    };
    document.title = `${titles[route.page] ?? ''} · nchat live`;
  }, [route.page]);
  const next = encodeURIComponent(path);

  let page;
  switch (route.page) {
    case 'home':
      page = <HomePage />;
      break;
    case 'watch':
      page = <WatchPage streamId={route.streamId} signInHref={`/signin?next=${next}`} onPickGuestName={onPickGuestName} />;
      break;
    case 'studio':
      page = <StudioPage me={me} signedIn={signedIn} refused={auth.state === 'refused'} />;
      break;
    case 'control':
      page = <ControlRoomPage streamId={route.streamId} me={me} signedIn={signedIn} refused={auth.state === 'refused'} />;
      break;
    case 'signin':
      page = <SignInPage onSignIn={onSignIn} />;
      break;
    default:
      page = (
        <section className="app-page">
          <h1>Page not found</h1>
          <p>
            <Link href="/">Back to the live streams</Link>
          </p>
        </section>
      );
  }

  return (
    <>
      <a className="app-skip" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="app-logo">
          <span aria-hidden="true" className="app-logo__dot" />
          nchat live
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={route.page === 'home' ? 'page' : undefined}>
            Home
          </Link>
          <Link href="/studio" aria-current={route.page === 'studio' || route.page === 'control' ? 'page' : undefined}>
            Studio
          </Link>
          {signedIn ? (
            <button
              type="button"
              className="app-nav-button"
              onClick={() => {
                onSignIn(null);
                navigate('/');
              }}
            >
              Sign out{me ? <span className="app-hide-narrow">{`\u00a0(${me.name})`}</span> : null}
            </button>
          ) : (
            <Link href={`/signin?next=${next}`} aria-current={route.page === 'signin' ? 'page' : undefined}>
              Sign in
            </Link>
          )}
        </nav>
      </header>
      <main id="main" className="app-main">
        {page}
      </main>
    </>
  );
}
