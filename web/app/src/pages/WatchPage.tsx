import { StreamViewer } from '@nchat-live/react';
import { Link } from '../router';

export function WatchPage({
  streamId,
  signInHref,
  onPickGuestName,
}: {
  streamId: string;
  signInHref: string;
  /** Offered to a viewer with no account (App.tsx); undefined when signed in. */
  onPickGuestName: ((displayName: string) => Promise<void>) | undefined;
}) {
  return (
    <div className="app-page app-page--wide">
      <StreamViewer
        streamId={streamId}
        signInAction={<Link href={signInHref}>Sign in</Link>}
        {...(onPickGuestName ? { onPickGuestName } : {})}
      />
    </div>
  );
}
