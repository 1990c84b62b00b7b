import { useState } from 'react';

export interface IngestPanelProps {
  ingestUrl: string;
  /** Known only on the page that made it (create, regenerate): the server shows a key once. */
  streamKey: string | undefined;
  onRegenerate?: () => void;
}

function Copy({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="ncl-button"
      aria-label={`Copy ${label}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        });
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

/** For OBS users: the RTMP server URL and the stream key (hidden until revealed). The server
 * keeps only the key's hash: it is here once, after the stream was created or the key
 * regenerated, and the panel says so; later, regenerating is the way to a key. */
export function IngestPanel({ ingestUrl, streamKey, onRegenerate }: IngestPanelProps) {
  const [shown, setShown] = useState(false);
  const regenerate = onRegenerate ? (
    <button
      type="button"
      className="ncl-button"
      onClick={() => {
        if (window.confirm('A new key stops the old one at once. Continue?')) onRegenerate();
      }}
    >
      Regenerate
    </button>
  ) : null;
  return (
    <section className="ncl-ingest" aria-labelledby="ncl-ingest-title">
      <h3 id="ncl-ingest-title">Stream with OBS or ffmpeg</h3>
      <p className="ncl-muted">OBS: Settings → Stream → Service “Custom”. Keyframe interval 2 s for the lowest latency.</p>
      <dl>
        <dt>Server</dt>
        <dd>
          <code data-testid="ingest-url">{ingestUrl}</code> <Copy text={ingestUrl} label="server URL" />
        </dd>
        <dt>Stream key</dt>
        <dd>
          {streamKey ? (
            <>
              <code data-testid="stream-key">{shown ? streamKey : '•'.repeat(16)}</code>{' '}
              <button type="button" className="ncl-button" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
                {shown ? 'Hide' : 'Reveal'}
              </button>{' '}
              <Copy text={streamKey} label="stream key" /> {regenerate}
              <p className="ncl-muted" role="note">
                Copy it now: it will not be shown again once you leave this page.
              </p>
            </>
          ) : (
            <>
              <span className="ncl-muted">
                The key was shown once, when it was made. {onRegenerate ? 'Regenerate it to get a new one (the old one stops).' : ''}
              </span>{' '}
              {regenerate}
            </>
          )}
        </dd>
      </dl>
    </section>
  );
}
