import { createNchat, NchatProvider, useAuthState } from '@nchat-live/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { loadToken, saveToken } from './auth';
import { ControlRoomPage } from './pages/ControlRoomPage';
import { HomePage } from './pages/HomePage';
import { SignInPage } from './pages/SignInPage';
import { StudioPage } from './pages/StudioPage';
import { WatchPage } from './pages/WatchPage';
import { Link, matchRoute, navigate, usePath } from './router';

const env = import.meta.env;

export function App() {
  const [token, setToken] = useState<string | null>(loadToken);
  // One set of clients per token: the realtime connection authenticates once, when it opens.
  const nchat = useMemo(
    () =>
      createNchat({
        token,
        ...(env.VITE_API_BASE_URL ? { baseUrl: env.VITE_API_BASE_URL } : {}),
        ...(env.VITE_STREAM_INGEST_URL ? { ingestUrl: env.VITE_STREAM_INGEST_URL } : {}),
        ...(env.VITE_HLS_BASE_URL ? { hlsBaseUrl: env.VITE_HLS_BASE_URL } : {}),
      }),
    [token],
  );
  const signIn = useCallback((t: string | null) => {
    saveToken(t);
    setToken(t);
  }, []);
  return (
    <NchatProvider value={nchat}>
      <Shell signedIn={!!token} onSignIn={signIn} />
    </NchatProvider>
  );
}

function Shell({ signedIn, onSignIn }: { signedIn: boolean; onSignIn: (t: string | null) => void }) {
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
      page = <WatchPage streamId={route.streamId} signInHref={`/signin?next=${next}`} />;
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
