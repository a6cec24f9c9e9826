/**
 * The name of a SQL cell (what later cells will query it by), edited in place. The name is
 * checked with the schema's rule before it is written; the reason shows under the field in the
 * current language.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeCellNameProblem } from '../../../shared/schema/notebook.ts';
import type { Bilingual } from '../../../shared/errors.ts';

export interface CellNameFieldProps {
  cellId: string;
  name: string;
  readOnly: boolean;
  onCommit(name: string): void;
}

export function CellNameField({ cellId, name, readOnly, onCommit }: CellNameFieldProps) {
  const { t, i18n } = useTranslation('notebook');
  // `draft` is what the person is typing; null means "show the doc's value" (remote renames show).
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<Bilingual | null>(null);
  const value = draft ?? name;
  const errorId = `cell-name-error-${cellId}`;

  if (readOnly) return name ? <code className="cell-name-readonly">{name}</code> : null;

  const commit = () => {
    if (draft === null) return;
    const next = draft.trim();
    const reason = next === '' ? null : describeCellNameProblem(next);
    if (reason) {
      setProblem(reason);
      return;
    }
    setProblem(null);
    setDraft(null);
    if (next !== name) onCommit(next);
  };

  return (
    <span className="cell-name-field">
      <input
        className={`cell-name-input${problem ? ' has-error' : ''}`}
        data-testid="cell-name"
        value={value}
        placeholder={t('cellNamePlaceholder')}
        aria-label={t('cellName')}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? errorId : undefined}
        spellCheck={false}
        onChange={(e) => {
          setDraft(e.target.value);
          // Once an error shows, re-check as they type so it disappears as soon as the name is fine.
          const v = e.target.value.trim();
          if (problem) setProblem(v === '' ? null : describeCellNameProblem(v));
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            setDraft(null);
            setProblem(null);
          }
        }}
      />
      {problem && (
        <span id={errorId} className="field-error" role="alert" data-testid="cell-name-error" title={i18n.language === 'en' ? problem.ko : problem.en}>
          {i18n.language === 'en' ? problem.en : problem.ko}
        </span>
      )}
    </span>
  );
}
