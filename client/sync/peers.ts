/**
 * Presence as pure functions: awareness states (untrusted, from other browsers) -> the peer list
 * the avatars and cell markers show, and avatar initials. Kept free of Yjs and the DOM so node
 * tests call it directly.
 */

/** One other person in the notebook, as the presence views show them. */
export interface Peer {
  clientId: number;
  name: string;
  color: string;
  org: string;
  /** The cell they are in, or null when none. */
  cellId: string | null;
}

/** The local awareness state this app publishes: `{ user: {name,color,org}, cellId }`. */
export interface PresenceState {
  user: { name: string; color: string; org: string };
  cellId: string | null;
}

const colorPattern = /^#[0-9a-fA-F]{3,8}$/;

/** A colour from another browser that is safe to put into CSS, else grey. */
export function maybeColor(value: unknown): string {
  return typeof value === 'string' && colorPattern.test(value) ? value : '#888888';
}

/**
 * Awareness states (client id -> untrusted state) to a peer list sorted by name, without our own
 * entry. States without a usable user (e.g. a stock y-websocket client) are skipped.
 */
export function peersFromAwareness(states: Map<number, unknown>, selfClientId: number): Peer[] {
  const peers: Peer[] = [];
  for (const [clientId, raw] of states) {
    if (clientId === selfClientId || typeof raw !== 'object' || raw === null) continue;
    const state = raw as { user?: unknown; cellId?: unknown };
    const user = state.user as { name?: unknown; color?: unknown; org?: unknown } | undefined;
    if (typeof user !== 'object' || user === null || typeof user.name !== 'string' || user.name.trim() === '') continue;
    peers.push({
      clientId,
      name: user.name.trim().slice(0, 80),
      color: maybeColor(user.color),
      org: typeof user.org === 'string' ? user.org.slice(0, 80) : '',
      cellId: typeof state.cellId === 'string' ? state.cellId : null,
    });
  }
  return peers.sort((a, b) => a.name.localeCompare(b.name, 'ko') || a.clientId - b.clientId);
}

/** The peers whose cursor is in `cellId`. */
export function peersInCell(peers: readonly Peer[], cellId: string): Peer[] {
  return peers.filter((p) => p.cellId === cellId);
}

/** Up to two initials for an avatar: first letters of the first two words ("김민지" -> "김"). */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = (w: string) => Array.from(w)[0].toUpperCase();
  return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[1]);
}

/**
 * CSS for y-monaco's remote selection decorations: y-monaco puts `yRemoteSelection-<clientId>`
 * on the selected range and `yRemoteSelectionHead-<clientId>` on the caret; we colour them and
 * hang the person's name on the caret. Names are untrusted, so they go through CSS string
 * escaping (every non-alphanumeric character as a hex escape) and colours through `maybeColor`.
 */
export function remoteSelectionCss(peers: readonly Peer[]): string {
  return peers
    .map((p) => {
      const id = Math.trunc(p.clientId);
      const color = maybeColor(p.color);
      const label = cssString(p.org ? `${p.name} · ${p.org}` : p.name);
      return (
        `.yRemoteSelection-${id}{background-color:${color}33;}` +
        `.yRemoteSelectionHead-${id}{position:absolute;border-left:2px solid ${color};height:100%;box-sizing:border-box;}` +
        `.yRemoteSelectionHead-${id}::after{content:${label};position:absolute;left:-2px;top:-1.3em;` +
        `background:${color};color:#fff;font:11px/1.3 system-ui,sans-serif;padding:0 4px;border-radius:3px 3px 3px 0;` +
        `white-space:nowrap;pointer-events:none;z-index:10;}`
      );
    })
    .join('\n');
}

/** A CSS string literal with everything but ASCII letters, digits and spaces hex-escaped. */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of text) {
    out += /[A-Za-z0-9 ]/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `;
  }
  return out + '"';
}

/** Same people in the same cells (lets views keep the old array and skip a render). */
export function isSamePeerList(a: readonly Peer[], b: readonly Peer[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i];
    return p.clientId === q.clientId && p.name === q.name && p.color === q.color && p.org === q.org && p.cellId === q.cellId;
  });
}
