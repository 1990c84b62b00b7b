// A viewer's guest name (POST /api/guest), kept in localStorage apart from a signed-in user's
// token (auth.ts): a guest token lives 24 hours, then the viewer picks a name again. A signed-in
// token always wins over it (App.tsx).
import type { Guest } from '@nchat-live/react';

const KEY = 'nchat-live.guest';

export interface GuestSession {
  token: string;
  /** ISO time after which the server answers 401. */
  expiresAt: string;
  userId: string;
  name: string;
}

export function fromGuest(g: Guest): GuestSession {
  return { token: g.token, expiresAt: g.expiresAt, userId: g.user.id, name: g.user.name };
}

/** Milliseconds the session has left (≤ 0: expired; NaN dates count as expired). */
export function guestTimeLeft(g: GuestSession, now = Date.now()): number {
  const t = Date.parse(g.expiresAt);
  return Number.isFinite(t) ? t - now : 0;
}

/** The kept guest session, or null (none, unreadable, or expired: then it is removed). */
export function loadGuest(): GuestSession | null {
  let g: Partial<GuestSession> | null;
  try {
    g = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<GuestSession> | null;
  } catch {
    g = null;
  }
  if (!g || typeof g.token !== 'string' || typeof g.expiresAt !== 'string') return null;
  const session = { token: g.token, expiresAt: g.expiresAt, userId: g.userId ?? '', name: g.name ?? '' };
  if (guestTimeLeft(session) <= 0) {
    saveGuest(null);
    return null;
  }
  return session;
}

export function saveGuest(g: GuestSession | null): void {
  try {
    if (g) localStorage.setItem(KEY, JSON.stringify(g));
    else localStorage.removeItem(KEY);
  } catch {
    // private mode: the name lives for this page only
  }
}
