/**
 * Lean Monaco: the editor core and the SQL tokenizer only (no TypeScript/CSS/HTML/JSON language
 * services and their multi-megabyte workers). Imported only from `SqlEditor.tsx`, which the app
 * loads lazily, so pages without a SQL cell never download Monaco (checked by an e2e test).
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/sql/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

// Monaco asks for a worker (diffing, word ranges); the SQL language needs only the base worker.
(self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export { monaco };
