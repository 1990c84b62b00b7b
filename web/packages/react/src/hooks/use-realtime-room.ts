import { useEffect, useRef, useState } from 'react';
import type { ConnectionState, RoomEvent } from '../sdk/realtime-client.js';
import { useNchat } from './context.js';

/** Joins a stream's room for as long as the component is mounted and hands its events to
 * `onEvent` (the latest function is always called; it need not be stable). */
export function useRealtimeRoom(streamId: string | null | undefined, onEvent: (e: RoomEvent) => void): ConnectionState {
  const { realtime } = useNchat();
  const handler = useRef(onEvent);
  const [state, setState] = useState<ConnectionState>(realtime.state);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    if (!streamId) return;
    const offEvent = realtime.on('event', (e) => {
      if (e.streamId === streamId) handler.current(e);
    });
    const offState = realtime.on('state', setState);
    const leave = realtime.subscribe(streamId);
    setState(realtime.state);
    // Another hook may have joined the room first and received its viewer count already: the
    // server sends it once per subscription, so hand the one we have to this hook too.
    const known = realtime.viewerCount(streamId);
    if (known !== null) handler.current({ type: 'viewers', streamId, data: { count: known } });
    return () => {
      offEvent();
      offState();
      leave();
    };
  }, [realtime, streamId]);
  return state;
}
