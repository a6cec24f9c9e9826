/**
 * Performance marks on a page's way to its first result (`madang:<name>`: engine start/ready,
 * analysis, each extract's bytes and registration, first result). Each name is marked at most
 * once per page, so the browser's timeline stays bounded however long the page is used.
 * `npm run bench:query` reads them to show where a cold page's time goes.
 */
const seen = new Set<string>();

export function mark(name: string): void {
  if (seen.has(name) || typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  seen.add(name);
  performance.mark(`madang:${name}`);
}
