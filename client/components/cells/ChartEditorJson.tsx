/**
 * The JSON view of a chart or input spec: a textarea that stays in sync with the doc. Text that
 * parses as JSON is written to the doc at once (collaborators see it live, the preview follows);
 * text that does not parse stays local with the line of the syntax error. When the spec changes
 * from elsewhere (the form, a collaborator), the text is replaced unless it already means the
 * same thing, so a person's own formatting is kept while it is current.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { SpecProblem } from '../../../shared/chartSpec.ts';
import { useChartText } from '../../charts/strings.ts';

export function formatSpec(spec: unknown): string {
  return spec === null || spec === undefined ? '' : JSON.stringify(spec, null, 2);
}

/** Line (1-based) of a JSON.parse error, from V8's "position N" or "(line N column M)". */
export function jsonErrorLine(text: string, err: unknown): number {
  const msg = err instanceof Error ? err.message : String(err);
  const line = /line (\d+)/.exec(msg);
  if (line) return Number(line[1]);
  const pos = /position (\d+)/.exec(msg);
  if (pos) return text.slice(0, Number(pos[1])).split('\n').length;
  return text.split('\n').length;
}

function sameJson(text: string, spec: unknown): boolean {
  try {
    return JSON.stringify(text.trim() === '' ? null : JSON.parse(text)) === JSON.stringify(spec ?? null);
  } catch {
    return false;
  }
}

export interface SpecJsonEditorProps {
  spec: unknown;
  label: string;
  readOnly?: boolean;
  problems: readonly SpecProblem[];
  onChange(spec: unknown): void;
  testId?: string;
}

export function SpecJsonEditor({ spec, label, readOnly, problems, onChange, testId = 'spec-json' }: SpecJsonEditorProps) {
  const { lang, t } = useChartText();
  const id = useId();
  const [text, setText] = useState(() => formatSpec(spec));
  const textRef = useRef(text);
  const [syntaxError, setSyntaxError] = useState<string | null>(null);

  useEffect(() => {
    // A change from the form or a collaborator replaces the text (even text with a syntax error).
    if (sameJson(textRef.current, spec)) return;
    textRef.current = formatSpec(spec);
    setText(textRef.current);
    setSyntaxError(null);
  }, [spec]);

  const onInput = (value: string) => {
    textRef.current = value;
    setText(value);
    if (value.trim() === '') {
      setSyntaxError(null);
      onChange(null);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      const line = jsonErrorLine(value, err);
      setSyntaxError(t('jsonInvalid', { line, error: err instanceof Error ? err.message : String(err) }));
      return;
    }
    setSyntaxError(null);
    if (JSON.stringify(parsed) !== JSON.stringify(spec ?? null)) onChange(parsed);
  };

  const describedBy = `${id}-status`;
  return (
    <div className="spec-json">
      <label htmlFor={id} className="spec-json-label">{label}</label>
      <textarea
        id={id}
        data-testid={testId}
        className="spec-json-text code-block"
        spellCheck={false}
        rows={Math.min(24, Math.max(6, text.split('\n').length + 1))}
        value={text}
        readOnly={readOnly}
        aria-invalid={syntaxError !== null || problems.length > 0}
        aria-describedby={describedBy}
        onChange={(e) => onInput(e.target.value)}
      />
      <div id={describedBy} className="spec-json-status" aria-live="polite">
        {syntaxError && <p className="chart-error" data-testid={`${testId}-syntax`}>{syntaxError}</p>}
        {!syntaxError && problems.length > 0 && (
          <ul className="spec-json-problems" data-testid={`${testId}-problems`}>
            {problems.map((p, i) => <li key={i} data-path={p.path}>{lang === 'en' ? p.en : p.ko}</li>)}
          </ul>
        )}
      </div>
    </div>
  );
}
