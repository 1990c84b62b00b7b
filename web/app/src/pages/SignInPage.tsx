import { useNchat } from '@nchat-live/react';
import { useId, useState, type FormEvent } from 'react';
import { verifyToken } from '../auth';
import { navigate } from '../router';

export function SignInPage({ onSignIn }: { onSignIn: (token: string) => void }) {
  const { client } = useNchat();
  const id = useId();
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await verifyToken(client.baseUrl, token.trim());
      onSignIn(token.trim());
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/studio');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="app-page app-narrow">
      <h1>Sign in</h1>
      <p>
        Paste your API token (from <code>nchat-live user create</code>) or a token of the chat application. Watching needs no sign-in;
        chatting, reacting and broadcasting do.
      </p>
      <form className="ncl-form" onSubmit={submit}>
        <div className="ncl-field">
          <label htmlFor={id}>Token</label>
          <input
            id={id}
            type="password"
            autoComplete="current-password"
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </div>
        {error ? (
          <p className="ncl-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="ncl-button ncl-button--primary" disabled={busy || !token.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
