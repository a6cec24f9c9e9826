/**
 * One `<style>` element per session with the colours and name labels of other people's cursors
 * and selections in every Monaco editor (y-monaco marks them with per-client class names). Editors
 * share it by reference count; it follows the peer list.
 */
import type { NotebookSession } from '../sync/notebookSession.ts';
import { remoteSelectionCss } from '../sync/peers.ts';
import { peerStoreOf } from '../sync/peerStore.ts';

interface Entry { users: number; release: () => void }
const entries = new WeakMap<NotebookSession, Entry>();

/** Starts (or joins) the remote-cursor stylesheet of `session`; call the result to leave. */
export function joinRemoteCursorStyles(session: NotebookSession): () => void {
  let entry = entries.get(session);
  if (!entry) {
    const style = document.createElement('style');
    style.dataset.madang = 'remote-cursors';
    document.head.appendChild(style);
    const peers = peerStoreOf(session.awareness);
    const render = () => {
      const css = remoteSelectionCss(peers.getPeers());
      if (style.textContent !== css) style.textContent = css;
    };
    const unsubscribe = peers.subscribe(render);
    render();
    const created: Entry = {
      users: 0,
      release: () => {
        unsubscribe();
        style.remove();
        entries.delete(session);
      },
    };
    entries.set(session, created);
    entry = created;
  }
  const joined = entry;
  joined.users++;
  let left = false;
  return () => {
    if (left) return;
    left = true;
    if (--joined.users === 0) joined.release();
  };
}
