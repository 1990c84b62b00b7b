import { useId } from 'react';
import type { QualityLevel } from '../sdk/hls-player.js';

export interface QualityMenuProps {
  value: string;
  levels: QualityLevel[];
  /** The level auto mode is playing, shown as "Auto (720p)". */
  playing?: QualityLevel | null;
  onChange: (quality: string) => void;
}

export function QualityMenu({ value, levels, playing, onChange }: QualityMenuProps) {
  const id = useId();
  const names = [...new Set([...levels].sort((a, b) => b.height - a.height).map((l) => l.name))];
  return (
    <span className="ncl-quality">
      <label htmlFor={id} className="ncl-visually-hidden">
        Quality
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="auto">{playing && value === 'auto' ? `Auto (${playing.name})` : 'Auto'}</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </span>
  );
}
