/**
 * Binds a plain `<textarea>` to a Y.Text, both ways, for Markdown cells.
 *
 * Local typing: the new value is compared with the Y.Text and only the changed middle is applied
 * (common prefix and suffix kept), so concurrent edits elsewhere in the text merge instead of being
 * overwritten. Remote changes: the textarea value is replaced and the caret is carried through
 * the remote delta so it stays on the same character.
 */
import * as Y from 'yjs';

export interface TextChange {
  index: number;
  remove: number;
  insert: string;
}

/** The smallest single replacement turning `before` into `after` (no split surrogate pairs). */
export function diffText(before: string, after: string): TextChange | null {
  if (before === after) return null;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  // Do not cut between the halves of a surrogate pair (emoji, rare Hanja).
  if (start > 0 && isLowSurrogate(before.charCodeAt(start))) start--;
  if (endB < before.length && isLowSurrogate(before.charCodeAt(endB)) && endB > start) {
    endB++;
    endA++;
  }
  return { index: start, remove: endB - start, insert: after.slice(start, endA) };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Applies the textarea's new value to the Y.Text as one minimal edit with `origin`. */
export function applyValueToYText(ytext: Y.Text, value: string, origin: unknown): void {
  const change = diffText(ytext.toString(), value);
  if (!change) return;
  const doc = ytext.doc;
  const run = () => {
    if (change.remove > 0) ytext.delete(change.index, change.remove);
    if (change.insert) ytext.insert(change.index, change.insert);
  };
  if (doc) doc.transact(run, origin);
  else run();
}

/**
 * Where a caret at `pos` (in the old text) ends up after a Y.Text delta. Text inserted exactly at
 * the caret goes after it, so a collaborator typing at the same spot does not move our caret.
 */
export function transformPosition(pos: number, delta: Y.YTextEvent['delta']): number {
  let oldIndex = 0;
  let shift = 0;
  for (const op of delta) {
    if (oldIndex >= pos) break;
    if (op.retain !== undefined) {
      oldIndex += op.retain;
    } else if (op.insert !== undefined) {
      shift += typeof op.insert === 'string' ? op.insert.length : 1;
    } else if (op.delete !== undefined) {
      shift -= Math.min(oldIndex + op.delete, pos) - oldIndex;
      oldIndex += op.delete;
    }
  }
  return Math.max(0, pos + shift);
}

/**
 * Keeps `textarea` and `ytext` in step until the returned function is called. Local input is
 * written with `origin`; changes with any other origin are copied into the textarea.
 *
 * IME composition (Korean!) fires input events mid-syllable, and replacing the textarea's value
 * would break the syllable being composed. So while composing, nothing is written either way;
 * remote changes that arrive meanwhile are remembered, and at `compositionend` the local change
 * (made against the text as it was) is moved through them before it is applied.
 */
export function bindTextarea(textarea: HTMLTextAreaElement, ytext: Y.Text, origin: unknown): () => void {
  /** The Y.Text content the textarea last showed. */
  let base = ytext.toString();
  textarea.value = base;
  let composing = false;
  /** Remote deltas received during composition, in order. */
  let deferred: Y.YTextEvent['delta'][] = [];

  const showDoc = (caretStart: number, caretEnd: number) => {
    base = ytext.toString();
    textarea.value = base;
    if (textarea.ownerDocument.activeElement === textarea) textarea.setSelectionRange(caretStart, caretEnd);
  };

  const flushLocal = () => {
    const change = diffText(base, textarea.value);
    if (deferred.length === 0) {
      if (change) applyValueToYText(ytext, textarea.value, origin);
      base = ytext.toString();
      return;
    }
    const remote = deferred;
    deferred = [];
    if (!change) {
      showDoc(...mapSelection(textarea, remote));
      return;
    }
    let start = change.index;
    let end = change.index + change.remove;
    for (const delta of remote) {
      start = transformPosition(start, delta);
      end = Math.max(start, transformPosition(end, delta));
    }
    const run = () => {
      if (end > start) ytext.delete(start, end - start);
      if (change.insert) ytext.insert(start, change.insert);
    };
    if (ytext.doc) ytext.doc.transact(run, origin);
    else run();
    const caret = start + change.insert.length;
    showDoc(caret, caret);
  };

  const onInput = () => {
    if (!composing) flushLocal();
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    flushLocal();
  };
  const observer = (event: Y.YTextEvent, tr: Y.Transaction) => {
    if (tr.origin === origin && textarea.value === ytext.toString()) {
      base = textarea.value;
      return;
    }
    if (composing) {
      deferred.push(event.delta);
      return;
    }
    showDoc(...mapSelection(textarea, [event.delta]));
  };
  textarea.addEventListener('input', onInput);
  textarea.addEventListener('compositionstart', onCompositionStart);
  textarea.addEventListener('compositionend', onCompositionEnd);
  ytext.observe(observer);
  return () => {
    textarea.removeEventListener('input', onInput);
    textarea.removeEventListener('compositionstart', onCompositionStart);
    textarea.removeEventListener('compositionend', onCompositionEnd);
    ytext.unobserve(observer);
  };
}

function mapSelection(textarea: HTMLTextAreaElement, deltas: Y.YTextEvent['delta'][]): [number, number] {
  let { selectionStart: start, selectionEnd: end } = textarea;
  for (const delta of deltas) {
    start = transformPosition(start, delta);
    end = transformPosition(end, delta);
  }
  return [start, end];
}
