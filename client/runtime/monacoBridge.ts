/**
 * The runtime's link to Monaco, loaded only when a SQL editor is on the page (same chunk as the
 * editor): error markers on the failing line (`setModelMarkers`, from DuckDB's `LINE n:`) and one
 * completion provider for SQL with table names, their columns and DuckDB's function names; and
 * Shift/Ctrl+Enter running the cell they are typed in.
 * Editors are found through their DOM (`[data-cell-id]`), so the editor module needs no hook.
 */
import type { NotebookRuntime } from './scheduler.ts';

type Monaco = typeof import('../editor/monaco.ts')['monaco'];

let monacoPromise: Promise<Monaco> | null = null;
function loadMonaco(): Promise<Monaco> {
  monacoPromise ??= Promise.all([
    import('../editor/monaco.ts'),
    // The lean editor core (`editor.api`) has no suggest widget, so completion items had nowhere
    // to show. The contribution registers itself on import; it lands in the same Monaco chunk,
    // whose modules run when that chunk loads, so editors created afterwards all get it.
    // @ts-expect-error monaco-editor ships no type declarations for its contrib modules
    import('monaco-editor/editor/contrib/suggest/browser/suggestController'),
  ]).then(([m]) => m.monaco);
  return monacoPromise;
}

const owner = 'madang-sql';

function editorFor(monaco: Monaco, cellId: string) {
  return monaco.editor.getEditors().find((e) => e.getContainerDomNode().closest(`[data-cell-id="${CSS.escape(cellId)}"]`) !== null) ?? null;
}

/** Shows (or clears, with `error` null) the error marker of a cell's editor. */
export async function setCellErrorMarker(cellId: string, error: { message: string; line: number | null } | null): Promise<void> {
  const monaco = await loadMonaco();
  const model = editorFor(monaco, cellId)?.getModel();
  if (!model) return;
  if (!error) {
    monaco.editor.setModelMarkers(model, owner, []);
    return;
  }
  const line = error.line !== null && error.line <= model.getLineCount() ? error.line : 1;
  monaco.editor.setModelMarkers(model, owner, [{
    severity: monaco.MarkerSeverity.Error,
    message: error.message,
    startLineNumber: line,
    startColumn: model.getLineFirstNonWhitespaceColumn(line) || 1,
    endLineNumber: line,
    endColumn: model.getLineMaxColumn(line),
  }]);
}

let registered: { runtime: NotebookRuntime; dispose(): void } | null = null;
let pending: NotebookRuntime | null = null;

/**
 * The cell whose editor should run for a keydown, or null to leave the key to Monaco: Shift+Enter
 * or Ctrl/Cmd+Enter typed in a cell's editor, not while composing Hangul (Enter commits the
 * syllable) and not while the suggest list is open (Monaco's own Enter/Shift+Enter accept).
 */
export function runKeyTarget(e: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'isComposing' | 'target'>): string | null {
  if (e.key !== 'Enter' || e.altKey || e.isComposing || !(e.shiftKey || e.ctrlKey || e.metaKey)) return null;
  const target = e.target as Element | null;
  const editor = typeof target?.closest === 'function' ? target.closest('.monaco-editor') : null;
  if (!editor || editor.querySelector('.suggest-widget.visible')) return null;
  return editor.closest('[data-cell-id]')?.getAttribute('data-cell-id') ?? null;
}

/**
 * Shift+Enter / Ctrl+Enter run the cell being edited. SqlEditor also binds them with
 * `editor.addCommand`, but Monaco's standalone keybinding service is shared by every editor on the
 * page and those bindings carry no focus condition, so the last editor created answered for all:
 * Shift+Enter in the first cell ran the last one. A capture listener sees the key before Monaco
 * and knows which editor it was typed in.
 */
function listenForRunKeys(runtime: NotebookRuntime): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    const cellId = runKeyTarget(e);
    if (cellId === null) return;
    e.preventDefault();
    e.stopPropagation();
    runtime.runCell(cellId);
  };
  document.addEventListener('keydown', onKeyDown, true);
  return () => document.removeEventListener('keydown', onKeyDown, true);
}

let runKeys: { runtime: NotebookRuntime; dispose(): void } | null = null;

/** Registers completion and the run keys for this runtime once (called when a SQL cell mounts). */
export function ensureSqlCompletion(runtime: NotebookRuntime): void {
  if (runKeys?.runtime !== runtime) {
    runKeys?.dispose();
    runKeys = { runtime, dispose: listenForRunKeys(runtime) };
  }
  if (registered?.runtime === runtime || pending === runtime) return;
  pending = runtime;
  void registerSqlCompletion(runtime).finally(() => {
    if (pending === runtime) pending = null;
  });
}

/** Drops the completion provider and run keys of a runtime that is going away. */
export function releaseSqlCompletion(runtime: NotebookRuntime): void {
  if (runKeys?.runtime === runtime) {
    runKeys.dispose();
    runKeys = null;
  }
  if (registered?.runtime === runtime) {
    registered.dispose();
    registered = null;
  }
}

/** One completion provider per page, fed by the current runtime's engine (tables, columns, functions). */
export async function registerSqlCompletion(runtime: NotebookRuntime): Promise<() => void> {
  const monaco = await loadMonaco();
  registered?.dispose();
  let cache: { version: number; tables: Array<{ table: string; columns: string[] }>; functions: string[] } | null = null;
  const provider = monaco.languages.registerCompletionItemProvider('sql', {
    triggerCharacters: ['.', ' '],
    async provideCompletionItems(model, position) {
      const version = runtime.store.getState().catalogVersion;
      if (!cache || cache.version !== version) {
        const api = await runtime.engine();
        const [tables, functions] = await Promise.all([api.catalog(), cache ? Promise.resolve(cache.functions) : api.functionNames()]);
        cache = { version, tables, functions };
      }
      const word = model.getWordUntilPosition(position);
      const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn };
      const K = monaco.languages.CompletionItemKind;
      const quoted = (name: string) => (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) ? name : `"${name.replaceAll('"', '""')}"`);
      const seenColumns = new Set<string>();
      const suggestions = [
        ...cache.tables.map((t) => ({ label: t.table, kind: K.Struct, insertText: quoted(t.table), detail: `table · ${t.columns.length} columns`, range })),
        ...cache.tables.flatMap((t) => t.columns.filter((c) => !seenColumns.has(c) && seenColumns.add(c)).map((c) => ({ label: c, kind: K.Field, insertText: quoted(c), detail: `column of ${t.table}`, range }))),
        ...cache.functions.map((f) => ({ label: f, kind: K.Function, insertText: f, detail: 'DuckDB function', range })),
      ];
      return { suggestions };
    },
  });
  const current = { runtime, dispose: () => provider.dispose() };
  registered = current;
  return () => {
    if (registered === current) registered = null;
    provider.dispose();
  };
}
