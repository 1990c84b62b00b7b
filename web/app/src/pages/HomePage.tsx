import {
  formatCount,
  formatDateTime,
  LiveBadge,
  StreamPreview,
  useHoverPreview,
  useNchat,
  type LiveStreamSummary,
  type Stream,
} from '@nchat-live/react';
import { useEffect, useState } from 'react';
import { Link } from '../router';

interface Lists {
  live: LiveStreamSummary[];
  scheduled: Stream[];
  recent: Stream[];
}

export function HomePage() {
  const { client } = useNchat();
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    const load = () =>
      Promise.all([
        client.liveStreams(ac.signal),
        client.listStreams({ status: 'scheduled', limit: 12 }, ac.signal),
        client.listStreams({ status: 'ended', limit: 12 }, ac.signal),
      ]).then(
        ([live, scheduled, recent]) => {
          setLists({ live, scheduled: [...scheduled].sort((a, b) => (a.scheduledAt ?? '').localeCompare(b.scheduledAt ?? '')), recent });
          setError(null);
        },
        (e: unknown) => {
          if (!ac.signal.aborted) setError((e as Error).message);
        },
      );
    void load();
    const t = setInterval(() => void load(), 15_000);
    return () => {
      ac.abort();
      clearInterval(t);
    };
  }, [client]);

  return (
    <div className="app-page">
      {error ? (
        <p className="ncl-error" role="alert">
          Cannot load streams: {error}
        </p>
      ) : null}
      {/* The three lists appear together: "Live now" filling in first would push the others down. */}
      {lists ? (
        <>
          <Section
            title="Live now"
            streams={lists.live}
            empty="Nobody is live right now."
            kind="live"
            // A private stream's media needs a playback token: its card shows no hover preview
            // rather than asking for one on every passing mouse.
            previewUrl={(s) => (s.isPrivate ? null : client.manifestUrl(s))}
          />
          <Section title="Scheduled" streams={lists.scheduled} empty="No streams scheduled." kind="scheduled" />
          <Section title="Recent" streams={lists.recent} empty="No past streams yet." kind="recent" />
        </>
      ) : error ? null : (
        <p className="ncl-muted">Loading…</p>
      )}
    </div>
  );
}

function Section({
  title,
  streams,
  empty,
  kind,
  previewUrl,
}: {
  title: string;
  streams: LiveStreamSummary[];
  empty: string;
  kind: 'live' | 'scheduled' | 'recent';
  /** The manifest a card plays, muted, while a mouse rests on it. */
  previewUrl?: (s: LiveStreamSummary) => string | null;
}) {
  const id = `home-${kind}`;
  return (
    <section aria-labelledby={id} className="app-section">
      <h2 id={id}>{title}</h2>
      {streams.length === 0 ? (
        <p className="ncl-muted">{empty}</p>
      ) : (
        <ul className="app-cards">
          {streams.map((s) => (
            <li key={s.id}>
              <Card stream={s} kind={kind} previewUrl={previewUrl?.(s) ?? null} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function hue(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function Card({
  stream,
  kind,
  previewUrl,
}: {
  stream: LiveStreamSummary;
  kind: 'live' | 'scheduled' | 'recent';
  previewUrl: string | null;
}) {
  const h = hue(stream.id);
  const preview = useHoverPreview(300);
  return (
    <Link href={`/watch/${stream.id}`} className="app-card" {...(previewUrl ? preview.handlers : {})}>
      <div
        className="app-card__thumb"
        style={
          stream.thumbnailUrl ? undefined : { background: `linear-gradient(135deg, hsl(${h} 55% 38%), hsl(${(h + 50) % 360} 60% 28%))` }
        }
      >
        {stream.thumbnailUrl ? (
          <img src={stream.thumbnailUrl} alt="" loading="lazy" />
        ) : (
          <span aria-hidden="true">{stream.title.slice(0, 1).toUpperCase()}</span>
        )}
        {previewUrl && preview.active ? <StreamPreview manifestUrl={previewUrl} /> : null}
        <span className="app-card__badges">
          {kind === 'live' ? <LiveBadge live /> : null}
          {kind === 'live' ? <span className="app-card__viewers">{formatCount(stream.currentViewers ?? 0)} watching</span> : null}
        </span>
      </div>
      <span className="app-card__title">{stream.title}</span>
      <span className="app-card__meta">
        {kind === 'scheduled' ? `Starts ${formatDateTime(stream.scheduledAt)}` : null}
        {kind === 'recent' ? `${formatDateTime(stream.endedAt ?? stream.startedAt)} · ${formatCount(stream.totalViewCount)} views` : null}
        {kind === 'live' && stream.tags.length ? stream.tags.slice(0, 3).join(' · ') : null}
      </span>
    </Link>
  );
}
