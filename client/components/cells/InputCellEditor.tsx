/**
 * Settings of an input cell for editors: type, labels, the list or its source, range bounds, and
 * the JSON view of the same spec. Every change writes the whole spec to the doc.
 */
import { useId, useState, type ReactNode } from 'react';
import { inputTypes, parseInputSpec } from '../../../shared/inputSpec.ts';
import { useChartText, type ChartStringKey } from '../../charts/strings.ts';
import { setPath } from './ChartEditor.tsx';
import { SpecJsonEditor } from './ChartEditorJson.tsx';

type Draft = Record<string, unknown>;

function Row({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="chart-form-row">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** One option per line; lines that are numbers become numbers. */
export function parseOptionLines(text: string): (string | number)[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => (/^-?\d+(\.\d+)?$/.test(l) ? Number(l) : l));
}

export function InputCellEditor({ spec, onChange }: { spec: unknown; onChange(spec: unknown): void }) {
  const { t } = useChartText();
  const draft: Draft = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? (spec as Draft) : {};
  const parsed = parseInputSpec(spec);
  const type = typeof draft.type === 'string' ? draft.type : '';
  const update = (path: readonly string[], value: unknown) => onChange(setPath(draft, path, value));
  const typeNames = t('typeNames').split(',');
  const staticOptions = Array.isArray(draft.options) ? draft.options : null;
  const [optionsText, setOptionsText] = useState<string | null>(null);

  const changeType = (next: string) => {
    let d = setPath(draft, ['type'], next || undefined);
    // Drop what the new type cannot take (and a default of the wrong shape).
    if (next !== 'select' && next !== 'multiselect') d = setPath(setPath(d, ['options'], undefined), ['optionsFrom'], undefined);
    if (next !== 'range' && next !== 'date') d = setPath(setPath(d, ['min'], undefined), ['max'], undefined);
    if (next !== 'range') d = setPath(d, ['step'], undefined);
    if (next !== 'text') d = setPath(d, ['placeholder'], undefined);
    if (next === 'range') {
      if (typeof d.min !== 'number') d = setPath(d, ['min'], 0);
      if (typeof d.max !== 'number') d = setPath(d, ['max'], 100);
    }
    if ((next === 'select' || next === 'multiselect') && d.options === undefined && d.optionsFrom === undefined) d = setPath(d, ['options'], []);
    d = setPath(d, ['default'], undefined);
    onChange(d);
  };

  const numberField = (key: 'min' | 'max' | 'step') => (
    <Row label={t(key)}>
      {(id) => (
        <input
          id={id}
          type="number"
          data-testid={`input-field-${key}`}
          value={typeof draft[key] === 'number' ? (draft[key] as number) : ''}
          onChange={(e) => update([key], e.target.value === '' ? undefined : Number(e.target.value))}
        />
      )}
    </Row>
  );

  return (
    <div className="chart-editor input-editor" data-testid="input-editor">
      <form className="chart-form" onSubmit={(e) => e.preventDefault()}>
        <Row label={t('type')}>
          {(id) => (
            <select id={id} data-testid="input-field-type" value={type} onChange={(e) => changeType(e.target.value)}>
              {!type && <option value="">{t('none')}</option>}
              {inputTypes.map((k, i) => <option key={k} value={k}>{`${typeNames[i] ?? k} (${k})`}</option>)}
            </select>
          )}
        </Row>
        {(['ko', 'en'] as const).map((lng) => (
          <Row key={lng} label={t((lng === 'ko' ? 'labelKo' : 'labelEn') as ChartStringKey)}>
            {(id) => (
              <input
                id={id}
                type="text"
                lang={lng}
                data-testid={`input-field-label-${lng}`}
                value={String((draft.label as Draft | undefined)?.[lng] ?? '')}
                onChange={(e) => update(['label', lng], e.target.value || undefined)}
              />
            )}
          </Row>
        ))}
        {(type === 'select' || type === 'multiselect') && (
          <>
            <Row label={t('optionsList')}>
              {(id) => (
                <textarea
                  id={id}
                  rows={4}
                  data-testid="input-field-options"
                  disabled={draft.optionsFrom !== undefined}
                  value={optionsText ?? (staticOptions ?? []).map((o) => (typeof o === 'object' && o !== null ? String((o as Draft).value) : String(o))).join('\n')}
                  onChange={(e) => setOptionsText(e.target.value)}
                  onBlur={() => {
                    if (optionsText === null) return;
                    const next = parseOptionLines(optionsText);
                    setOptionsText(null);
                    // Keep labelled options whose value is still listed.
                    const byValue = new Map((staticOptions ?? []).filter((o) => typeof o === 'object' && o !== null).map((o) => [(o as Draft).value, o]));
                    update(['options'], next.map((v) => byValue.get(v) ?? v));
                  }}
                />
              )}
            </Row>
            <Row label={t('optionsFrom')}>
              {(id) => (
                <input
                  id={id}
                  type="text"
                  data-testid="input-field-optionsFrom"
                  value={typeof draft.optionsFrom === 'string' ? draft.optionsFrom : ''}
                  onChange={(e) => {
                    const v = e.target.value;
                    let d = setPath(draft, ['optionsFrom'], v || undefined);
                    d = v ? setPath(d, ['options'], undefined) : d.options === undefined ? setPath(d, ['options'], []) : d;
                    onChange(d);
                  }}
                />
              )}
            </Row>
          </>
        )}
        {type === 'range' && (
          <>
            {numberField('min')}
            {numberField('max')}
            {numberField('step')}
          </>
        )}
      </form>
      <SpecJsonEditor spec={spec} label={t('inputJsonLabel')} problems={parsed.ok ? [] : parsed.problems} onChange={onChange} testId="input-json" />
    </div>
  );
}
