import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { MediaTimeBuffer, type FetchMediaSpan, type MediaTimeSnapshot, type MediaTimed } from '../sdk/media-time-buffer.js';

const EMPTY: MediaTimeSnapshot<never> = { items: [], fromMs: 0, toMs: 0, fetching: false, error: null };

/** A `MediaTimeBuffer` over `fetchSpan` (none while it is null) told where the playhead is at
 * each change of `currentTimeMs`; its snapshot. A new `fetchSpan` starts a new buffer: keep it
 * stable (useMemo). */
export function useMediaTimeItems<T extends MediaTimed>(fetchSpan: FetchMediaSpan<T> | null, currentTimeMs: number): MediaTimeSnapshot<T> {
  const buffer = useMemo(() => (fetchSpan ? new MediaTimeBuffer<T>({ fetchSpan }) : null), [fetchSpan]);
  const subscribe = useCallback((onChange: () => void) => (buffer ? buffer.on('change', onChange) : () => undefined), [buffer]);
  const getSnapshot = useCallback((): MediaTimeSnapshot<T> => buffer?.snapshot() ?? EMPTY, [buffer]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  // Stopped (its request aborted) when it goes; the next seek of the same buffer goes on, which
  // is what React's development double effects need.
  useEffect(() => (buffer ? () => buffer.stop() : undefined), [buffer]);
  useEffect(() => buffer?.seek(currentTimeMs), [buffer, currentTimeMs]);
  return snapshot;
}
