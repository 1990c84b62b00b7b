// A small history-API router: the server answers every path without a dot with index.html,
// so /watch/{id} and /studio/{id} are real, shareable URLs.
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return path;
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}

export type Route =
  | { page: 'home' }
  | { page: 'watch'; streamId: string }
  | { page: 'studio' }
  | { page: 'control'; streamId: string }
  | { page: 'signin' }
  | { page: 'notfound' };

export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/') return { page: 'home' };
  if (p === '/studio') return { page: 'studio' };
  if (p === '/signin') return { page: 'signin' };
  let m = /^\/watch\/([^/]+)$/.exec(p);
  if (m?.[1]) return { page: 'watch', streamId: decodeURIComponent(m[1]) };
  m = /^\/studio\/([^/]+)$/.exec(p);
  if (m?.[1]) return { page: 'control', streamId: decodeURIComponent(m[1]) };
  return { page: 'notfound' };
}
