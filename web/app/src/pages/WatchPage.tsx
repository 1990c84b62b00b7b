import { StreamViewer } from '@nchat-live/react';
import { Link } from '../router';

export function WatchPage({ streamId, signInHref }: { streamId: string; signInHref: string }) {
  return (
    <div className="app-page app-page--wide">
      <StreamViewer streamId={streamId} signInAction={<Link href={signInHref}>Sign in</Link>} />
    </div>
  );
}
