import { useEffect, useState } from 'react';

const EVENTS = ['timeupdate', 'seeking', 'seeked', 'loadedmetadata', 'emptied'] as const;

/** A media element's `currentTime` in whole milliseconds, following playback (`timeupdate`, four
 * times a second in Chromium) and seeks (`seeking`: the new time at once, before it plays). 0
 * without an element. */
export function useMediaTime(media: HTMLMediaElement | null): number {
  const [ms, setMs] = useState(0);
  useEffect(() => {
    if (!media) return;
    const sync = () => setMs(Math.floor(media.currentTime * 1000));
    sync();
    for (const type of EVENTS) media.addEventListener(type, sync);
    return () => {
      for (const type of EVENTS) media.removeEventListener(type, sync);
    };
  }, [media]);
  return media ? ms : 0;
}
