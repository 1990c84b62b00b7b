// A live stream's picture, muted, at its lowest rendition: the preview on a live card. It fills
// its positioned parent and takes no room of its own (nothing moves as it comes and goes), shows
// itself once frames play, and frees the player, its MediaSource and its downloads on unmount.
import { useEffect, useRef, useState } from 'react';
import { HlsPlayer } from '../sdk/hls-player.js';

export interface StreamPreviewProps {
  manifestUrl: string;
  className?: string;
}

export function StreamPreview({ manifestUrl, className }: StreamPreviewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.muted = true;
    const player = new HlsPlayer({
      manifestUrl,
      videoElement: video,
      lowLatencyMode: true,
      maxBufferLength: 4,
      // Auto may only pick levels between 0 and 0 b/s: none is, so it keeps to the nearest,
      // the lowest rendition, whatever the bandwidth.
      abr: { minAutoBitrate: 0, maxAutoBitrate: 0 },
    });
    const off = player.on('playing', setPlaying);
    void player.load();
    return () => {
      off();
      player.destroy();
    };
  }, [manifestUrl]);
  return (
    <video
      ref={ref}
      className={['ncl-preview', className].filter(Boolean).join(' ')}
      data-playing={playing ? 'true' : undefined}
      muted
      playsInline
      aria-hidden="true"
      tabIndex={-1}
    />
  );
}
