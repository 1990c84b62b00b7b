import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { toNchatError, type NchatError } from '../sdk/errors.js';

export interface GuestNameFormProps {
  /** Takes the name (the host calls `createGuest` and signs the connection in); resolves once the
   * viewer can chat, rejects with the server's error. */
  onSubmit: (displayName: string) => Promise<unknown>;
  /** A way in for people with an account, e.g. a sign-in link. */
  signInAction?: ReactNode;
}

/** The server's own limit (docs/api.md, Guests): 1 to 32 characters after trimming. */
export const GUEST_NAME_MAX = 32;

/** Where a refusal is shown: under the input (the name itself), or for the whole form. */
function refusal(e: NchatError): { field: string | null; form: string | null; off: boolean } {
  if (e.code === 'validation_failed' && (e.field === 'displayName' || e.field === undefined))
    return { field: `A name needs 1 to ${GUEST_NAME_MAX} characters, not only spaces, on one line.`, form: null, off: false };
  if (e.code === 'guests_disabled') return { field: null, form: 'Guests are turned off on this server — sign in to chat.', off: true };
  if (e.code === 'rate_limited')
    return { field: null, form: `Too many names from your network, try again in ${e.retryAfter ?? 60} s.`, off: false };
  return { field: null, form: `Could not take that name: ${e.message}`, off: false };
}

/** "Pick a name to chat": what a viewer with no account sees where the chat's composer would be. */
export function GuestNameForm({ onSubmit, signInAction }: GuestNameFormProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof refusal> | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(name);
    } catch (err) {
      setError(refusal(toNchatError(err)));
    } finally {
      setBusy(false);
    }
  };

  if (error?.off) {
    return (
      <div className="ncl-guest">
        <p className="ncl-error" role="alert">
          {error.form}
        </p>
        {signInAction ? <p className="ncl-guest__signin">{signInAction}</p> : null}
      </div>
    );
  }
  return (
    <form className="ncl-guest" onSubmit={submit} noValidate>
      <label htmlFor={id} className="ncl-guest__label">
        Pick a name to chat
      </label>
      <div className="ncl-guest__row">
        <input
          id={id}
          value={name}
          maxLength={GUEST_NAME_MAX}
          autoComplete="nickname"
          enterKeyHint="go"
          aria-invalid={error?.field ? true : undefined}
          aria-describedby={error?.field ? errorId : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="ncl-button ncl-button--primary" aria-disabled={busy || undefined}>
          {busy ? 'Joining…' : 'Join chat'}
        </button>
      </div>
      {error?.field ? (
        <p id={errorId} className="ncl-error ncl-guest__error" role="alert">
          {error.field}
        </p>
      ) : null}
      {error?.form ? (
        <p className="ncl-error ncl-guest__error" role="alert">
          {error.form}
        </p>
      ) : null}
      {signInAction ? <p className="ncl-guest__signin">Broadcaster or moderator? {signInAction}</p> : null}
    </form>
  );
}
