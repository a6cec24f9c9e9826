/**
 * A SQL cell's editor: Monaco bound to the cell's `Y.Text` with y-monaco, so every keystroke is a
 * Yjs edit that peers see live, with their cursors (coloured, named) in ours. The editor grows
 * with its content; undo/redo go to the session's per-user `Y.UndoManager` (Monaco's own undo
 * stack would also undo what other people typed).
 *
 * This module pulls in Monaco: import it lazily (`LazySqlEditor.tsx`), never from a page module.
 */
import { useEffect, useRef } from 'react';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { MonacoBinding } from 'y-monaco';
import { monaco } from './monaco.ts';
import type { NotebookSession } from '../sync/notebookSession.ts';
import { setActiveCell, useReadOnly } from '../sync/hooks.ts';
import { joinRemoteCursorStyles } from './remoteCursors.ts';
import { codeFontFamily } from './codeFont.ts';

export interface SqlEditorProps {
  session: NotebookSession;
  cellId: string;
  ytext: Y.Text;
  /** The viewer's own verdict (role); the server's read-only message also applies. */
  readOnly?: boolean;
  /** Shift+Enter or Ctrl/Cmd+Enter. */
  onRunRequest?: () => void;
  /** Accessible name of the editor, e.g. the cell's name. */
  ariaLabel?: string;
}

const minHeight = 38;
const maxHeight = 640;

/** Tests read editors from here; only filled in development or when a test asked for it. */
function editorRegistry(): Map<string, monaco.editor.IStandaloneCodeEditor> | null {
  const w = window as unknown as { __madangE2E?: boolean; __madangEditors?: Map<string, monaco.editor.IStandaloneCodeEditor> };
  const wanted = import.meta.env.MODE !== 'production' || w.__madangE2E === true || new URLSearchParams(location.search).has('e2e');
  if (!wanted) return null;
  w.__madangEditors ??= new Map();
  return w.__madangEditors;
}

/**
 * The awareness y-monaco gets: reads pass through, but it may publish our selection only while
 * this editor has focus. y-monaco publishes on every cursor change, and a remote edit moves the
 * cursors of unfocused editors too, so with one editor per cell our caret would jump to whichever
 * cell someone else is typing in.
 */
function focusedAwareness(awareness: Awareness, editor: monaco.editor.IStandaloneCodeEditor): Awareness {
  return new Proxy(awareness, {
    get(target, key, receiver) {
      if (key === 'setLocalStateField') {
        return (field: string, value: unknown) => {
          if (field !== 'selection' || editor.hasTextFocus()) target.setLocalStateField(field, value);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Publishes this editor's selection (y-monaco's format) when it gains focus without moving the caret. */
function publishSelection(awareness: Awareness, editor: monaco.editor.IStandaloneCodeEditor, ytext: Y.Text): void {
  const model = editor.getModel();
  const sel = editor.getSelection();
  if (!model || !sel) return;
  let anchor = model.getOffsetAt(sel.getStartPosition());
  let head = model.getOffsetAt(sel.getEndPosition());
  if (sel.getDirection() === monaco.SelectionDirection.RTL) [anchor, head] = [head, anchor];
  awareness.setLocalStateField('selection', {
    anchor: Y.createRelativePositionFromTypeIndex(ytext, anchor),
    head: Y.createRelativePositionFromTypeIndex(ytext, head),
  });
}

export default function SqlEditor({ session, cellId, ytext, readOnly = false, onRunRequest, ariaLabel }: SqlEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const runRef = useRef(onRunRequest);
  const server = useReadOnly(session);
  const isReadOnly = readOnly || server.readOnly;

  useEffect(() => {
    runRef.current = onRunRequest;
  }, [onRunRequest]);

  useEffect(() => {
    const host = hostRef.current!;
    const model = monaco.editor.createModel('', 'sql');
    const editor = monaco.editor.create(host, {
      model,
      readOnly: isReadOnly,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      wordWrap: 'on',
      lineNumbers: 'on',
      lineNumbersMinChars: 3,
      folding: false,
      glyphMargin: false,
      renderLineHighlight: 'none',
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      fontSize: 14,
      // Monaco sets its font inline, so the app's CSS cannot reach it: Hangul in SQL (string
      // literals, district names) falls through to the bundled Korean font, as in --font-mono.
      fontFamily: codeFontFamily,
      // No will-change/translate3d layer per editor part: with a dozen editors on a page every
      // frame paid for compositing them all (Layerize + Paint ~12 ms a frame, bench:query trace).
      disableLayerHinting: true,
      // Room above the first line for a remote caret's name label.
      padding: { top: 14, bottom: 6 },
      scrollbar: { vertical: 'hidden', alwaysConsumeMouseWheel: false, verticalScrollbarSize: 0 },
      automaticLayout: true,
      fixedOverflowWidgets: true,
      ariaLabel: ariaLabel ?? 'SQL',
      tabSize: 2,
    });
    editorRef.current = editor;
    const binding = new MonacoBinding(ytext, model, new Set([editor]), focusedAwareness(session.awareness, editor));
    // y-monaco applies our keystrokes with the binding as transaction origin: make them undoable.
    session.undoManager.addTrackedOrigin(binding);
    const leaveCursorStyles = joinRemoteCursorStyles(session);

    const fitHeight = () => {
      const height = Math.min(maxHeight, Math.max(minHeight, editor.getContentHeight()));
      if (host.style.height !== `${height}px`) {
        host.style.height = `${height}px`;
        editor.layout({ width: host.clientWidth, height });
      }
    };
    const sizeSub = editor.onDidContentSizeChange(fitHeight);
    fitHeight();
    const focusSub = editor.onDidFocusEditorText(() => {
      setActiveCell(session, cellId);
      publishSelection(session.awareness, editor, ytext);
    });

    const { KeyMod, KeyCode } = monaco;
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, () => { session.undoManager.undo(); });
    editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, () => { session.undoManager.redo(); });
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, () => { session.undoManager.redo(); });
    const run = () => runRef.current?.();
    editor.addCommand(KeyMod.Shift | KeyCode.Enter, run);
    editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, run);

    const registry = editorRegistry();
    registry?.set(cellId, editor);
    host.dataset.editorReady = 'true';
    return () => {
      if (registry?.get(cellId) === editor) registry.delete(cellId);
      sizeSub.dispose();
      focusSub.dispose();
      leaveCursorStyles();
      session.undoManager.removeTrackedOrigin(binding);
      binding.destroy();
      editor.dispose();
      model.dispose();
    };
    // The editor is made once per cell text; read-only and the label are updated below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, cellId, ytext]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly: isReadOnly, ariaLabel: ariaLabel ?? 'SQL' });
  }, [isReadOnly, ariaLabel]);

  return (
    <div
      ref={hostRef}
      className="sql-editor"
      data-testid="sql-editor"
      data-cell-id={cellId}
      data-read-only={isReadOnly ? 'true' : 'false'}
      style={{ minHeight, width: '100%' }}
    />
  );
}
