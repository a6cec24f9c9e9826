/**
 * Command-mode shortcuts (a cell is selected, no editor has the keyboard), after Jupyter and
 * Observable: pure mapping from a key press to a notebook command, so tests call it directly.
 * `d d` is a two-key chord: the first `d` is remembered in `pending`, any other key forgets it.
 */
export type NotebookCommand =
  | 'selectPrevious'
  | 'selectNext'
  | 'edit'
  | 'insertAbove'
  | 'insertBelow'
  | 'delete'
  | 'toMarkdown'
  | 'toSql'
  | 'moveUp'
  | 'moveDown'
  | 'undo'
  | 'redo'
  | 'help';

export interface KeyPress {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

export type Pending = 'd' | null;

export interface KeyResult {
  command: NotebookCommand | null;
  pending: Pending;
}

const plain: Record<string, NotebookCommand> = {
  ArrowUp: 'selectPrevious',
  k: 'selectPrevious',
  ArrowDown: 'selectNext',
  j: 'selectNext',
  Enter: 'edit',
  a: 'insertAbove',
  b: 'insertBelow',
  m: 'toMarkdown',
  y: 'toSql',
};

export function readCommandKey(press: KeyPress, pending: Pending): KeyResult {
  const mod = press.ctrlKey || press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (mod && !press.altKey && key === 'z') return { command: press.shiftKey ? 'redo' : 'undo', pending: null };
  if (press.ctrlKey && !press.metaKey && !press.shiftKey && !press.altKey && key === 'y') return { command: 'redo', pending: null };
  if ((press.altKey && !mod) || (press.ctrlKey && press.shiftKey && !press.altKey)) {
    if (press.key === 'ArrowUp') return { command: 'moveUp', pending: null };
    if (press.key === 'ArrowDown') return { command: 'moveDown', pending: null };
    return { command: null, pending: null };
  }
  if (mod || press.altKey) return { command: null, pending: null };
  if (press.key === '?') return { command: 'help', pending: null };
  if (press.shiftKey && press.key !== 'Enter') return { command: null, pending: null };
  if (key === 'd') return pending === 'd' ? { command: 'delete', pending: null } : { command: null, pending: 'd' };
  return { command: plain[key] ?? null, pending: null };
}

/** Rows of the help dialog: keys as shown, and the i18n key of what they do. */
export const shortcutHelp: readonly { keys: string[]; label: string }[] = [
  { keys: ['↑', 'k', '↓', 'j'], label: 'sc_select' },
  { keys: ['Enter'], label: 'sc_edit' },
  { keys: ['Esc'], label: 'sc_leave' },
  { keys: ['Shift+Enter'], label: 'sc_render' },
  { keys: ['a'], label: 'sc_insertAbove' },
  { keys: ['b'], label: 'sc_insertBelow' },
  { keys: ['d d'], label: 'sc_delete' },
  { keys: ['m'], label: 'sc_markdown' },
  { keys: ['y'], label: 'sc_sql' },
  { keys: ['Alt+↑/↓', 'Ctrl+Shift+↑/↓'], label: 'sc_move' },
  { keys: ['Ctrl/⌘+Z'], label: 'sc_undo' },
  { keys: ['Ctrl/⌘+Shift+Z'], label: 'sc_redo' },
  { keys: ['?'], label: 'sc_help' },
];
