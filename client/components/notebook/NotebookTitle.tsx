/**
 * The notebook's title, edited in place. It is `meta.title` in the Y.Doc (so everyone sees a
 * rename at once); the server copies it to the notebook row. Checked with the same rule as the
 * server before it is written.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type * as Y from 'yjs';
import { setTitle } from '../../../shared/schema/notebook.ts';
import { describeTitleProblem } from '../../api/notebooks.ts';
import { useNotebookTitle } from './useCells.ts';

export function NotebookTitle({ doc, readOnly, localOrigin }: { doc: Y.Doc; readOnly: boolean; localOrigin: object }) {
  const { t } = useTranslation('notebook');
  const title = useNotebookTitle(doc);
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  if (readOnly) {
    return <h1 className="notebook-title" data-testid="notebook-title">{title || t('untitled')}</h1>;
  }
  const commit = () => {
    if (draft === null) return;
    const next = draft.trim();
    const reason = describeTitleProblem(next);
    if (reason) {
      setProblem(reason);
      return;
    }
    setProblem(null);
    setDraft(null);
    if (next !== title) setTitle(doc, next, localOrigin);
  };
  return (
    <div className="notebook-title-field">
      <input
        className={`notebook-title-input${problem ? ' has-error' : ''}`}
        data-testid="notebook-title"
        aria-label={t('titleEdit')}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'notebook-title-error' : undefined}
        placeholder={t('untitled')}
        value={draft ?? title}
        maxLength={400}
        onChange={(e) => {
          setDraft(e.target.value);
          if (problem) setProblem(describeTitleProblem(e.target.value));
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
            (e.target as HTMLInputElement).blur();
          } else if (e.key === 'Escape') {
            setDraft(null);
            setProblem(null);
          }
        }}
      />
      {problem && <span id="notebook-title-error" className="field-error" role="alert">{t(problem)}</span>}
    </div>
  );
}
