import { formatDateTime, LiveBadge, StreamBroadcaster, useNchat, type Identity, type Stream } from '@nchat-live/react';
import { useEffect, useState } from 'react';
import { Link, navigate } from '../router';

export function SignInFirst({ signedIn, me, what, refused }: { signedIn: boolean; me: Identity | null; what: string; refused: boolean }) {
  if (!signedIn || refused) {
    return (
      <section className="app-page app-narrow">
        <h1>Studio</h1>
        {refused ? <p className="ncl-error">The server no longer accepts your token.</p> : null}
        <p>
          <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> as a broadcaster to {what}.
        </p>
      </section>
    );
  }
  if (!me) return <p className="app-page">Signing in…</p>;
  return null;
}

export function StudioPage({ me, signedIn, refused }: { me: Identity | null; signedIn: boolean; refused: boolean }) {
  const { client } = useNchat();
  const [mine, setMine] = useState<Stream[] | null>(null);
  useEffect(() => {
    if (!me) return;
    const ac = new AbortController();
    client.listStreams({ limit: 50 }, ac.signal).then(
      (all) => setMine(all.filter((s) => s.broadcasterId === me.userId)),
      () => setMine([]),
    );
    return () => ac.abort();
  }, [client, me]);

  const gate = SignInFirst({ signedIn, me, refused, what: 'create a stream and go live' });
  if (gate) return gate;
  if (!me) return null;
  if (me.role !== 'broadcaster' && me.role !== 'admin') {
    return (
      <section className="app-page app-narrow">
        <h1>Studio</h1>
        <p>
          You are signed in as {me.name} ({me.role}). Going live needs the broadcaster role: ask an admin (
          <code>nchat-live user create --role broadcaster</code>).
        </p>
      </section>
    );
  }
  return (
    <div className="app-page">
      <h1>Create a stream</h1>
      {/* In the standalone app a broadcaster's channel is their own user id (docs/web.md). */}
      <StreamBroadcaster channelId={me.userId} onStreamCreated={(s) => navigate(`/studio/${s.id}`)} />
      <section aria-labelledby="studio-mine" className="app-section">
        <h2 id="studio-mine">Your streams</h2>
        {!mine ? (
          <p className="ncl-muted">Loading…</p>
        ) : mine.length === 0 ? (
          <p className="ncl-muted">None yet.</p>
        ) : (
          <ul className="app-list">
            {mine.map((s) => (
              <li key={s.id}>
                <LiveBadge live={s.status === 'live'} label={s.status.toUpperCase()} /> <Link href={`/studio/${s.id}`}>{s.title}</Link>{' '}
                <span className="ncl-muted">{formatDateTime(s.startedAt ?? s.scheduledAt ?? s.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
