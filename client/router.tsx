/**
 * A tiny router over the history API: four routes do not need a library. `matchRoute` is pure
 * (tested directly); `useRoute` subscribes to location changes through useSyncExternalStore.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route =
  | { name: 'home' }
  | { name: 'notebook'; id: string }
  | { name: 'login'; next: string | null }
  | { name: 'invite'; token: string }
  | { name: 'admin' }
  | { name: 'data' }
  | { name: 'dataset'; id: string }
  | { name: 'notFound' };

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function matchRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'home' };
  if (path === '/admin') return { name: 'admin' };
  if (path === '/data') return { name: 'data' };
  const dataset = /^\/data\/([^/]+)$/.exec(path);
  if (dataset && idPattern.test(decodeURIComponent(dataset[1]))) return { name: 'dataset', id: decodeURIComponent(dataset[1]) };
  if (path === '/login') {
    const next = new URLSearchParams(search).get('next');
    // Only same-site paths: an open redirect after sign-in would be a phishing aid.
    return { name: 'login', next: next && next.startsWith('/') && !next.startsWith('//') ? next : null };
  }
  const notebook = /^\/n\/([^/]+)$/.exec(path);
  if (notebook && idPattern.test(decodeURIComponent(notebook[1]))) return { name: 'notebook', id: decodeURIComponent(notebook[1]) };
  const invite = /^\/invite\/([^/]+)$/.exec(path);
  if (invite) return { name: 'invite', token: decodeURIComponent(invite[1]) };
  return { name: 'notFound' };
}

const changeEvent = 'madang:navigate';

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(changeEvent));
}

export function currentPath(): string {
  return location.pathname + location.search;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(changeEvent, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(changeEvent, onChange);
  };
}

export function useLocation(): string {
  return useSyncExternalStore(subscribe, currentPath, () => '/');
}

export function useRoute(): Route {
  const here = useLocation();
  const url = new URL(here, 'http://x');
  return matchRoute(url.pathname, url.search);
}

/** An `<a>` that navigates without a page load (still a real link: new tab, copy link work). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
