/**
 * An input cell: a labelled control whose value is `$name` in SQL. As in Observable, the notebook
 * stores only the default; what a person picks goes to the runtime (`setInputValue`), stays in
 * their own browser and re-runs the cells that use it. Editors can make their current value the
 * default ("set as default"), which is the only write to the doc.
 *
 * `InputCell` connects to the runtime; `InputCellView` takes the value and callbacks as props.
 */
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import {
  checkInputValue, defaultInputValue, inputLabel, inputOptions, inputSourceCell, optionLabel, parseInputSpec, parseOptionsFrom,
  snapRange, type InputOption, type InputSpec, type InputValue, type Scalar,
} from '../../../shared/inputSpec.ts';
import type { ChartLang } from '../../../shared/chartSpec.ts';
import { ProblemList } from '../../charts/ChartView.tsx';
import { toPlainRows } from '../../charts/tableRows.ts';
import { useChartText } from '../../charts/strings.ts';
import { useCellResult, useRuntimeInstance, useRuntimeSnapshot, type NotebookRuntime } from '../../runtime/notebookRuntime.ts';
import { InputCellEditor } from './InputCellEditor.tsx';
import '../../charts/charts.css';

export interface InputCellViewProps {
  name: string;
  spec: unknown;
  /** Viewers cannot change the default; everyone can change their own value. */
  readOnly: boolean;
  /** The value this person has picked; undefined = the default. */
  value: InputValue | undefined;
  onValueChange(value: InputValue): void;
  /** Forget this person's value (back to the default). */
  onReset(): void;
  onSpecChange?(spec: unknown): void;
  /** Options read from a SQL cell (`optionsFrom`): null while it has no result. */
  sourceRows?: readonly Record<string, unknown>[] | null;
  sourceStatus?: string;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function formatValue(v: InputValue, lang: ChartLang): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return typeof v === 'number' ? v.toLocaleString(lang === 'en' ? 'en-US' : 'ko-KR', { useGrouping: false }) : v;
}

export function InputCellView(p: InputCellViewProps) {
  const { lang, t } = useChartText();
  // A new cell has no settings yet: open its editor straight away.
  const [editing, setEditing] = useState(() => p.spec === null || p.spec === undefined);
  const parsed = useMemo(() => parseInputSpec(p.spec), [p.spec]);
  const canEdit = !p.readOnly && p.onSpecChange !== undefined;

  const editor = canEdit && editing && <InputCellEditor spec={p.spec} onChange={p.onSpecChange!} />;
  const tools = canEdit && (
    <button type="button" className="input-cell-edit" data-testid="input-edit-toggle" aria-expanded={editing} onClick={() => setEditing((v) => !v)}>
      {editing ? t('closeEditor') : t('editInput')}
    </button>
  );

  if (!parsed.ok) {
    return (
      <div className="input-cell" data-testid="input-cell">
        <ProblemList title={t('inputProblems')} problems={parsed.problems} lang={lang} />
        {tools}
        {editor}
      </div>
    );
  }
  const spec = parsed.spec;
  const options = inputOptions(spec, p.sourceRows ?? null);
  const fallback = defaultInputValue(spec, options);
  const current = p.value !== undefined ? p.value : fallback;
  const isDefault = p.value === undefined || sameValue(p.value, fallback);
  const sourceName = inputSourceCell(spec);
  const loadingOptions = spec.optionsFrom !== undefined && !p.sourceRows;

  return (
    <div className="input-cell" data-testid="input-cell" data-input-name={p.name} data-default={isDefault ? 'true' : 'false'}>
      <Control
        spec={spec}
        name={p.name}
        value={current}
        options={options}
        lang={lang}
        onChange={(v) => {
          const checked = checkInputValue(spec, v, spec.optionsFrom ? options : undefined);
          if (checked.ok) p.onValueChange(checked.value);
        }}
      />
      {pickDescription(spec, lang) && <p className="muted input-cell-help">{pickDescription(spec, lang)}</p>}
      {loadingOptions && sourceName && <p className="muted" role="status">{t('optionsLoading', { name: sourceName })}</p>}
      {!loadingOptions && (spec.type === 'select' || spec.type === 'multiselect') && options.length === 0 && (
        <p className="muted">{t('noOptions')}</p>
      )}
      {!p.name && <p className="chart-error">{t('unnamedInput')}</p>}
      <div className="input-cell-actions">
        {!isDefault && (
          <>
            <span className="muted" data-testid="input-own-value">{t('yourValue', { value: formatValue(fallback, lang) })}</span>
            <button type="button" data-testid="input-reset" onClick={p.onReset}>{t('resetToDefault')}</button>
            {canEdit && (
              <button type="button" data-testid="input-set-default" onClick={() => p.onSpecChange!({ ...(p.spec as object), default: current })}>
                {t('setDefault')}
              </button>
            )}
          </>
        )}
        {tools}
      </div>
      {editor}
    </div>
  );
}

function pickDescription(spec: InputSpec, lang: ChartLang): string | undefined {
  const d = spec.description;
  if (!d) return undefined;
  return (lang === 'en' ? d.en || d.ko : d.ko || d.en) || undefined;
}

interface ControlProps {
  spec: InputSpec;
  name: string;
  value: InputValue;
  options: InputOption[];
  lang: ChartLang;
  onChange(v: InputValue): void;
}

function Control({ spec, name, value, options, lang, onChange }: ControlProps) {
  const id = useId();
  const { t } = useChartText();
  const label = inputLabel(spec, name, lang);
  const testId = `input-control-${spec.type}`;
  switch (spec.type) {
    case 'select': {
      const index = options.findIndex((o) => sameValue(o.value, value));
      return (
        <div className="input-row">
          <label htmlFor={id}>{label}</label>
          <select id={id} data-testid={testId} value={index >= 0 ? String(index) : ''} onChange={(e) => onChange(e.target.value === '' ? null : options[Number(e.target.value)].value)}>
            {index < 0 && <option value="">{value === null ? '—' : String(value)}</option>}
            {options.map((o, i) => <option key={i} value={String(i)}>{optionLabel(o, lang)}</option>)}
          </select>
        </div>
      );
    }
    case 'multiselect': {
      const selected = Array.isArray(value) ? value : [];
      const toggle = (v: Scalar, on: boolean) => {
        const next = on ? [...selected, v] : selected.filter((s) => !sameValue(s, v));
        // Keep the options' order, whatever order they were ticked in.
        onChange(options.map((o) => o.value).filter((o) => next.some((s) => sameValue(s, o))));
      };
      return (
        <fieldset className="input-row input-multi" data-testid={testId}>
          <legend>{label}</legend>
          {options.map((o, i) => (
            <label key={i} className="input-multi-option">
              <input type="checkbox" checked={selected.some((s) => sameValue(s, o.value))} onChange={(e) => toggle(o.value, e.target.checked)} />
              {' '}{optionLabel(o, lang)}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'range':
      return <RangeControl id={id} label={label} spec={spec} value={typeof value === 'number' ? value : (spec.min as number)} onChange={onChange} numberLabel={t('number')} />;
    case 'text':
      return <TextControl id={id} label={label} value={typeof value === 'string' ? value : ''} placeholder={spec.placeholder ? (lang === 'en' ? spec.placeholder.en ?? spec.placeholder.ko : spec.placeholder.ko ?? spec.placeholder.en) : undefined} onChange={onChange} />;
    case 'date':
      return (
        <div className="input-row">
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="date"
            data-testid={testId}
            value={typeof value === 'string' ? value : ''}
            min={typeof spec.min === 'string' ? spec.min : undefined}
            max={typeof spec.max === 'string' ? spec.max : undefined}
            onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
          />
        </div>
      );
  }
}

function RangeControl({ id, label, spec, value, onChange, numberLabel }: { id: string; label: string; spec: InputSpec; value: number; onChange(v: number): void; numberLabel: string }) {
  const [typed, setTyped] = useState<string | null>(null);
  const commit = () => {
    if (typed === null) return;
    const n = Number(typed);
    setTyped(null);
    if (typed.trim() !== '' && Number.isFinite(n)) onChange(snapRange(spec, n));
  };
  return (
    <div className="input-row input-range">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        data-testid="input-control-range"
        min={spec.min as number}
        max={spec.max as number}
        step={spec.step ?? 1}
        value={value}
        onChange={(e) => onChange(snapRange(spec, Number(e.target.value)))}
      />
      <input
        type="number"
        data-testid="input-control-range-number"
        aria-label={`${label} (${numberLabel})`}
        min={spec.min as number}
        max={spec.max as number}
        step={spec.step ?? 1}
        value={typed ?? String(value)}
        onChange={(e) => setTyped(e.target.value)}
        onBlur={commit}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </div>
  );
}

/** Text is committed on Enter or when leaving the field (each value re-runs queries). */
function TextControl({ id, label, value, placeholder, onChange }: { id: string; label: string; value: string; placeholder?: string; onChange(v: string): void }) {
  const [typed, setTyped] = useState<string | null>(null);
  const commit = () => {
    if (typed === null) return;
    setTyped(null);
    if (typed !== value) onChange(typed);
  };
  return (
    <div className="input-row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        data-testid="input-control-text"
        value={typed ?? value}
        placeholder={placeholder}
        onChange={(e) => setTyped(e.target.value)}
        onBlur={commit}
        onKeyDown={(e: KeyboardEvent) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </div>
  );
}

// ---- wired to the runtime ---------------------------------------------------------------------

/**
 * Names whose value this person picked, per runtime. Other names follow the doc's default: the
 * component pushes the default into the runtime (so a changed default re-runs dependants) until
 * the person picks something.
 */
const picked = new WeakMap<NotebookRuntime, Set<string>>();

function pickedSet(runtime: NotebookRuntime): Set<string> {
  let set = picked.get(runtime);
  if (!set) picked.set(runtime, (set = new Set()));
  return set;
}

export interface InputCellProps {
  name: string;
  spec: unknown;
  readOnly: boolean;
  onSpecChange?(spec: unknown): void;
}

export function InputCell({ name, spec, readOnly, onSpecChange }: InputCellProps) {
  const runtime = useRuntimeInstance();
  const key = name.toLowerCase();
  const own = useRuntimeSnapshot((s) => (key in s.inputs ? s.inputs[key] : undefined)) as InputValue | undefined;
  const parsed = useMemo(() => parseInputSpec(spec), [spec]);
  const from = parsed.ok && parsed.spec.optionsFrom ? parseOptionsFrom(parsed.spec.optionsFrom) : null;
  const source = useCellResult(from?.cell ?? '', { withTable: from !== null });
  const sourceRows = useMemo(() => (from && source.table ? toPlainRows(source.table).rows : null), [from, source.table]);
  const isPicked = runtime !== null && name !== '' && pickedSet(runtime).has(key);
  const fallback = parsed.ok ? defaultInputValue(parsed.spec, inputOptions(parsed.spec, sourceRows)) : null;

  // Keep the runtime on the doc's default until this person picks a value.
  useEffect(() => {
    if (!runtime || !name || !parsed.ok || isPicked) return;
    if (!sameValue(runtime.getInputValue(name), fallback)) runtime.setInputValue(name, fallback);
  }, [runtime, name, parsed.ok, isPicked, fallback]);

  return (
    <InputCellView
      name={name}
      spec={spec}
      readOnly={readOnly}
      value={isPicked ? own : undefined}
      sourceRows={sourceRows}
      sourceStatus={source.status}
      onSpecChange={onSpecChange}
      onValueChange={(v) => {
        if (!runtime || !name) return;
        pickedSet(runtime).add(key);
        runtime.setInputValue(name, v);
      }}
      onReset={() => {
        if (!runtime || !name) return;
        pickedSet(runtime).delete(key);
        runtime.setInputValue(name, fallback);
      }}
    />
  );
}
