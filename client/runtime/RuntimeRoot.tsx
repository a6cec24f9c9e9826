/**
 * The notebook page's hook-up to the runtime, kept here so the page needs three lines:
 *
 *   const runtime = useNotebookRuntime(session.doc);
 *   <RuntimeProvider runtime={runtime}><RuntimePanel /> ...</RuntimeProvider>
 *   renderSqlEditor = (p) => <SqlCellBody runtime={runtime} editor={...} {...p} />
 *
 * The runtime is created in an effect (StrictMode-safe) and destroyed with the doc.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type * as Y from 'yjs';
import { createNotebookRuntime, type NotebookRuntime } from './notebookRuntime.ts';
import { ensureSqlCompletion, releaseSqlCompletion } from './monacoBridge.ts';
import { CellOutput } from '../components/outputs/CellOutput.tsx';

export function useNotebookRuntime(doc: Y.Doc): NotebookRuntime | null {
  const [runtime, setRuntime] = useState<NotebookRuntime | null>(null);
  useEffect(() => {
    const r = createNotebookRuntime(doc);
    setRuntime(r);
    return () => {
      releaseSqlCompletion(r);
      r.destroy();
      setRuntime(null);
    };
  }, [doc]);
  return runtime;
}

/** A SQL cell's body: the editor (given by the page) with Run wired, then the cell's output. */
export function SqlCellBody({ runtime, cellId, cellName, renderEditor }: {
  runtime: NotebookRuntime | null;
  cellId: string;
  cellName: string;
  renderEditor(onRunRequest: () => void): ReactNode;
}) {
  // Completion needs Monaco, which this cell's editor loads anyway.
  useEffect(() => {
    if (runtime) ensureSqlCompletion(runtime);
  }, [runtime]);
  return (
    <>
      {renderEditor(() => runtime?.runCell(cellId))}
      <CellOutput cellId={cellId} cellName={cellName} />
    </>
  );
}
