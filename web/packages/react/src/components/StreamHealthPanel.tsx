import type { StreamHealth } from '../sdk/types.js';

export interface StreamHealthPanelProps {
  health: StreamHealth | null;
  error?: string | null;
}

/** The server's view of the stream's media (GET /api/streams/{id}/health), with its advice to
 * the broadcaster in words. */
export function StreamHealthPanel({ health, error }: StreamHealthPanelProps) {
  const t = health?.transcode ?? null;
  const advice = t?.advice ?? [];
  return (
    <section className="ncl-health" aria-labelledby="ncl-health-title">
      <h3 id="ncl-health-title">Stream health</h3>
      {error ? <p className="ncl-error">{error}</p> : null}
      {!health ? (
        <p className="ncl-muted">No health data yet.</p>
      ) : (
        <>
          <p>
            <strong>{health.publishing ? 'Receiving video' : 'No video coming in'}</strong>
            {health.renditions.length ? ` · renditions: ${health.renditions.join(', ')}` : ''}
          </p>
          {advice.length ? (
            <ul className="ncl-advice" aria-label="Advice">
              {advice.map((a) => (
                <li key={a.code} className="ncl-advice__item" data-code={a.code}>
                  <span aria-hidden="true">⚠️ </span>
                  {a.message}
                </li>
              ))}
            </ul>
          ) : null}
          {t ? (
            <dl className="ncl-health__grid">
              {t.sourceKeyframeIntervalMs ? (
                <>
                  <dt>Keyframe interval</dt>
                  <dd>{(t.sourceKeyframeIntervalMs / 1000).toFixed(1)} s</dd>
                </>
              ) : null}
              {t.speed !== undefined ? (
                <>
                  <dt>Transcode speed</dt>
                  <dd>{t.speed.toFixed(2)}×</dd>
                </>
              ) : null}
              {t.lagMs !== undefined ? (
                <>
                  <dt>Transcode lag</dt>
                  <dd>{t.lagMs} ms</dd>
                </>
              ) : null}
              {t.error ? (
                <>
                  <dt>Error</dt>
                  <dd className="ncl-error">{t.error}</dd>
                </>
              ) : null}
            </dl>
          ) : null}
          {t?.renditions?.length ? (
            <table className="ncl-table">
              <caption className="ncl-visually-hidden">Renditions</caption>
              <thead>
                <tr>
                  <th scope="col">Rendition</th>
                  <th scope="col">Size</th>
                  <th scope="col">Video</th>
                  <th scope="col">FPS</th>
                </tr>
              </thead>
              <tbody>
                {t.renditions.map((r) => (
                  <tr key={r.name}>
                    <td>{r.name}</td>
                    <td>
                      {r.width}×{r.height}
                    </td>
                    <td>{r.passthrough ? 'source' : `${r.videoKbps} kb/s`}</td>
                    <td>{Math.round(r.fps)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      )}
    </section>
  );
}
