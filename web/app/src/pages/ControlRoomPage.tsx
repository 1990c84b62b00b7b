import {
  ChatPanel,
  chatPanelProps,
  StreamBroadcaster,
  StreamHealthPanel,
  useNchat,
  useStreamChat,
  type Ban,
  type Identity,
  type ModerationLogEntry,
  type StreamHealth,
} from '@nchat-live/react';
import { useCallback, useEffect, useId, useState } from 'react';
import { SignInFirst } from './StudioPage';

export function ControlRoomPage({
  streamId,
  me,
  signedIn,
  refused,
}: {
  streamId: string;
  me: Identity | null;
  signedIn: boolean;
  refused: boolean;
}) {
  const gate = SignInFirst({ signedIn, me, refused, what: 'run this stream' });
  if (gate) return gate;
  return (
    <div className="app-page">
      <h1>Control room</h1>
      <StreamBroadcaster channelId={me?.userId ?? ''} streamId={streamId} />
      <div className="app-control-grid">
        <div className="app-control-col">
          <Health streamId={streamId} />
          <Moderation streamId={streamId} />
        </div>
        <StudioChat streamId={streamId} me={me} />
      </div>
    </div>
  );
}

function Health({ streamId }: { streamId: string }) {
  const { client } = useNchat();
  const [health, setHealth] = useState<StreamHealth | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () =>
      client.getHealth(streamId).then(
        (h) => {
          if (!stop) {
            setHealth(h);
            setError(null);
          }
        },
        (e: unknown) => {
          if (!stop) setError((e as Error).message);
        },
      );
    void load();
    const t = setInterval(() => void load(), 3000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [client, streamId]);
  return <StreamHealthPanel health={health} error={error} />;
}

function StudioChat({ streamId, me }: { streamId: string; me: Identity | null }) {
  const chat = useStreamChat({ streamId });
  const { realtime } = useNchat();
  return <ChatPanel {...chatPanelProps(chat, realtime, streamId)} canModerate currentUserId={me?.userId ?? null} />;
}

function Moderation({ streamId }: { streamId: string }) {
  const { client } = useNchat();
  const id = useId();
  const [slow, setSlow] = useState(0);
  const [bans, setBans] = useState<Ban[]>([]);
  const [log, setLog] = useState<ModerationLogEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const [s, b, l] = await Promise.all([
        client.getSlowMode(streamId),
        client.getBans(streamId),
        client.getModerationLog(streamId, { limit: 20 }),
      ]);
      setSlow(s);
      setBans(b);
      setLog(l);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [client, streamId]);
  useEffect(() => {
    void reload();
    const t = setInterval(() => void reload(), 10_000);
    return () => clearInterval(t);
  }, [reload]);

  return (
    <section className="ncl-health" aria-labelledby={`${id}-t`}>
      <h3 id={`${id}-t`}>Moderation</h3>
      {error ? <p className="ncl-error">{error}</p> : null}
      <div className="ncl-field">
        <label htmlFor={`${id}-slow`}>Slow mode</label>
        <select
          id={`${id}-slow`}
          value={slow}
          onChange={(e) => {
            void client.setSlowMode(streamId, Number(e.target.value)).then(setSlow, (err: unknown) => setError((err as Error).message));
          }}
        >
          {[0, 5, 10, 30, 60, 120].map((s) => (
            <option key={s} value={s}>
              {s ? `One message per ${s} s` : 'Off'}
            </option>
          ))}
        </select>
      </div>
      <h4>Bans and timeouts in force</h4>
      {bans.length === 0 ? (
        <p className="ncl-muted">None.</p>
      ) : (
        <ul className="app-list">
          {bans.map((b) => (
            <li key={b.userId}>
              <code>{b.userId.slice(0, 8)}</code> {b.expiresAt ? `until ${new Date(b.expiresAt).toLocaleTimeString()}` : 'banned'}{' '}
              <button type="button" className="ncl-link-button" onClick={() => void client.unbanUser(streamId, b.userId).then(reload)}>
                Lift
              </button>
            </li>
          ))}
        </ul>
      )}
      <h4>Moderation log</h4>
      {log.length === 0 ? (
        <p className="ncl-muted">Nothing yet.</p>
      ) : (
        <ul className="app-list">
          {log.map((l) => (
            <li key={l.id}>
              {new Date(l.createdAt).toLocaleTimeString()} · {l.actorName}: {l.action.replace(/_/g, ' ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
