/**
 * The SQL editor behind a dynamic import, so Monaco (about 700 kB gzipped) is fetched only when a
 * SQL cell is on screen. Until it arrives, the cell's text shows read-only in the same font.
 */
import { lazy, Suspense, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import type { SqlEditorProps } from './SqlEditor.tsx';
import { codeFontFamily } from './codeFont.ts';

const SqlEditor = lazy(() => import('./SqlEditor.tsx'));

function useText(ytext: Y.Text): string {
  return useSyncExternalStore(
    (onChange) => {
      ytext.observe(onChange);
      return () => ytext.unobserve(onChange);
    },
    () => ytext.toString(),
  );
}

function Placeholder({ ytext }: { ytext: Y.Text }) {
  const text = useText(ytext);
  return (
    <pre className="sql-editor-placeholder" aria-busy="true" style={{ margin: 0, padding: '14px 8px 6px 42px', font: `14px/19px ${codeFontFamily}`, whiteSpace: 'pre-wrap', minHeight: 38 }}>
      {text}
    </pre>
  );
}

export function LazySqlEditor(props: SqlEditorProps) {
  return (
    <Suspense fallback={<Placeholder ytext={props.ytext} />}>
      <SqlEditor {...props} />
    </Suspense>
  );
}

export type { SqlEditorProps };
