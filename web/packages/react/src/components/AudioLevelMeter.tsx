import { useEffect, useState } from 'react';

export interface AudioLevelMeterProps {
  stream: MediaStream | null;
}

/** The microphone's level (RMS, 0–100) from a Web Audio analyser. */
export function AudioLevelMeter({ stream }: AudioLevelMeterProps) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream?.getAudioTracks().length || typeof AudioContext === 'undefined') return;
    const ctx = new AudioContext();
    const src = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    src.connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let raf = 0;
    const tick = () => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      setLevel(Math.min(100, Math.round(Math.sqrt(sum / buf.length) * 300)));
      raf = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(raf);
      void ctx.close();
    };
  }, [stream]);
  return <meter className="ncl-meter" min={0} max={100} low={70} high={90} optimum={40} value={level} aria-label="Microphone level" />;
}
