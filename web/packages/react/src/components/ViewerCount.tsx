import { formatCount } from './format.js';

export interface ViewerCountProps {
  count: number;
}

/** A polite live region: screen readers hear the count change without being interrupted. */
export function ViewerCount({ count }: ViewerCountProps) {
  return (
    <span className="ncl-viewers" role="status" aria-live="polite">
      <span aria-hidden="true">👁 </span>
      {formatCount(count)} {count === 1 ? 'viewer' : 'viewers'}
    </span>
  );
}
