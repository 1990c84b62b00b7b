export interface LiveBadgeProps {
  live: boolean;
  label?: string;
}

export function LiveBadge({ live, label }: LiveBadgeProps) {
  return <span className={`ncl-badge ${live ? 'ncl-badge--live' : ''}`}>{label ?? (live ? 'LIVE' : 'OFFLINE')}</span>;
}
