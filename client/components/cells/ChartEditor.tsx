/**
 * The chart cell's editor: a form (chart type, data cell, fields picked from the data's columns,
 * colours, titles, alt text, map settings) next to the JSON view. Both edit the same spec in the
 * doc: every form change writes the whole spec at once through `onChange` (`setCellSpec`), so the
 * JSON view, the live preview and collaborators follow.
 */
import { useId, type ReactNode } from 'react';
import {
  chartMarks, colorSchemes, parseChartSpec, type ChartMark, type SpecProblem,
} from '../../../shared/chartSpec.ts';
import { useChartText, type ChartStringKey } from '../../charts/strings.ts';
import { SpecJsonEditor } from './ChartEditorJson.tsx';

export interface ColumnOption {
  name: string;
  type?: string;
}

export interface ChartEditorProps {
  spec: unknown;
  columns: readonly ColumnOption[];
  sqlNames: readonly string[];
  onChange(spec: unknown): void;
}

type Draft = Record<string, unknown>;

const multiYMarks = new Set<string>(['bar', 'barY', 'line', 'area', 'dot']);
const geoOnly = ['join', 'layer', 'districtNames'];
const xyOnly = ['x', 'y', 'fx', 'fy', 'sort'];

const numericType = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL|INT|NUMERIC)/i;

/** x = the first non-numeric column (else the first), y = the first numeric column that is not x. */
export function suggestXY(columns: readonly ColumnOption[]): { x: string; y: string } | null {
  const numeric = (c: ColumnOption) => numericType.test(c.type ?? '');
  const x = columns.find((c) => !numeric(c)) ?? columns[0];
  const y = columns.find((c) => c !== x && numeric(c));
  return x && y ? { x: x.name, y: y.name } : null;
}

/** Drops undefined, empty strings and empty objects so the stored JSON stays minimal. */
export function pruneSpec(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'object' || value === null) return value;
  const out: Draft = {};
  for (const [k, v] of Object.entries(value)) {
    const p = pruneSpec(v);
    if (p === undefined || p === '') continue;
    if (typeof p === 'object' && p !== null && !Array.isArray(p) && Object.keys(p).length === 0) continue;
    out[k] = p;
  }
  return out;
}

/** A copy of `draft` with `path` set (undefined deletes it). */
export function setPath(draft: Draft, path: readonly string[], value: unknown): Draft {
  const copy: Draft = JSON.parse(JSON.stringify(draft)) as Draft;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Draft;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return pruneSpec(copy) as Draft;
}

function get(draft: Draft, path: readonly string[]): unknown {
  let node: unknown = draft;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Draft)[key];
  }
  return node;
}

export function ChartEditor({ spec, columns, sqlNames, onChange }: ChartEditorProps) {
  const { t } = useChartText();
  const draft: Draft = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? (spec as Draft) : {};
  const parsed = parseChartSpec(spec);
  const problems: SpecProblem[] = parsed.ok ? [] : parsed.problems;
  const mark = typeof draft.mark === 'string' ? draft.mark : '';
  const isGeo = mark === 'geo';
  const update = (path: readonly string[], value: unknown) => onChange(setPath(draft, path, value));

  const changeMark = (next: string) => {
    let d = setPath(draft, ['mark'], next || undefined);
    // Settings the new mark cannot take would only show up as errors: drop them.
    if (next === 'geo') for (const k of xyOnly) d = setPath(d, [k], undefined);
    else for (const k of geoOnly) d = setPath(d, [k], undefined);
    if (!multiYMarks.has(next) && Array.isArray(d.y)) d = setPath(d, ['y'], (d.y as unknown[])[0]);
    if (next !== 'dot') d = setPath(d, ['r'], undefined);
    if (next !== 'text') d = setPath(d, ['text'], undefined);
    if (next === 'geo' && d.join === undefined) d = setPath(d, ['join'], { by: 'name', field: '' });
    // A first pick of a chart type over known columns starts from a sensible x and y.
    if (next !== 'geo' && next !== 'rule' && d.x === undefined && d.y === undefined) {
      const guess = suggestXY(columns);
      if (guess) d = setPath(setPath(d, ['x'], guess.x), ['y'], guess.y);
    }
    onChange(d);
  };

  // Same rule as specToPlotOptions: a legend when colour comes from the data.
  const legendByDefault = typeof draft.fill === 'string' || typeof draft.stroke === 'string' || (Array.isArray(draft.y) && draft.y.length > 1);
  const markLabels = t('markNames').split(',');
  const names = [...sqlNames];
  const data = typeof draft.data === 'string' ? draft.data : '';
  if (data && !names.includes(data)) names.push(data);

  return (
    <div className="chart-editor" data-testid="chart-editor">
      <form className="chart-form" data-testid="chart-form" onSubmit={(e) => e.preventDefault()}>
        <Row label={t('mark')}>
          {(id) => (
            <select id={id} data-testid="chart-field-mark" value={mark} onChange={(e) => changeMark(e.target.value)}>
              {!mark && <option value="">{t('none')}</option>}
              {chartMarks.map((m, i) => <option key={m} value={m}>{`${markLabels[i] ?? m} (${m})`}</option>)}
            </select>
          )}
        </Row>
        <Row label={t('data')}>
          {(id) => (
            <select id={id} data-testid="chart-field-data" value={data} onChange={(e) => update(['data'], e.target.value || undefined)}>
              <option value="">{t('none')}</option>
              {names.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          )}
        </Row>
        {!isGeo && (
          <>
            <ColumnSelect name="x" label={t('x')} value={draft.x} columns={columns} onChange={(v) => update(['x'], v)} />
            {multiYMarks.has(mark)
              ? <MultiColumnSelect label={t('ySeries')} value={draft.y} columns={columns} onChange={(v) => update(['y'], v)} />
              : <ColumnSelect name="y" label={t('y')} value={draft.y} columns={columns} onChange={(v) => update(['y'], v)} />}
          </>
        )}
        {isGeo && (
          <>
            <Row label={t('joinBy')}>
              {(id) => (
                <select id={id} data-testid="chart-field-join-by" value={String(get(draft, ['join', 'by']) ?? 'name')} onChange={(e) => update(['join', 'by'], e.target.value)}>
                  <option value="name">{t('joinByName')}</option>
                  <option value="code">{t('joinByCode')}</option>
                </select>
              )}
            </Row>
            <ColumnSelect name="join-field" label={t('joinField')} value={get(draft, ['join', 'field'])} columns={columns} onChange={(v) => update(['join', 'field'], v ?? '')} />
            {get(draft, ['join', 'by']) === 'code' && (
              <Row label={t('codes')}>
                {(id) => (
                  <select id={id} data-testid="chart-field-join-codes" value={String(get(draft, ['join', 'codes']) ?? 'auto')} onChange={(e) => update(['join', 'codes'], e.target.value === 'auto' ? undefined : e.target.value)}>
                    <option value="auto">{t('codesAuto')}</option>
                    <option value="admin">{t('codesAdmin')}</option>
                    <option value="kostat">{t('codesKostat')}</option>
                  </select>
                )}
              </Row>
            )}
            <Check name="districtNames" label={t('districtNames')} checked={draft.districtNames === true} onChange={(v) => update(['districtNames'], v || undefined)} />
          </>
        )}
        <ColourField name="fill" label={t('fill')} value={draft.fill} columns={columns} onChange={(v) => update(['fill'], v)} />
        {(mark === 'line' || mark === 'rule' || mark === 'dot' || isGeo) && (
          <ColourField name="stroke" label={t('stroke')} value={draft.stroke} columns={columns} onChange={(v) => update(['stroke'], v)} />
        )}
        {mark === 'dot' && <ColumnSelect name="r" label={t('r')} value={typeof draft.r === 'string' ? draft.r : undefined} columns={columns} onChange={(v) => update(['r'], v)} />}
        {mark === 'text' && <ColumnSelect name="text" label={t('text')} value={draft.text} columns={columns} onChange={(v) => update(['text'], v)} />}
        {!isGeo && (
          <>
            <ColumnSelect name="fx" label={t('fx')} value={draft.fx} columns={columns} onChange={(v) => update(['fx'], v)} />
            <ColumnSelect name="fy" label={t('fy')} value={draft.fy} columns={columns} onChange={(v) => update(['fy'], v)} />
            <Row label={t('sortX')}>
              {(id) => (
                <select id={id} data-testid="chart-field-sort-x" value={String(get(draft, ['sort', 'x']) ?? '')} onChange={(e) => update(['sort', 'x'], e.target.value || undefined)}>
                  <option value="">{t('sortDefault')}</option>
                  <option value="-y">{t('sortByYDesc')}</option>
                  <option value="y">{t('sortByYAsc')}</option>
                  <option value="x">{t('sortByX')}</option>
                </select>
              )}
            </Row>
          </>
        )}
        <Row label={t('scheme')}>
          {(id) => (
            <select id={id} data-testid="chart-field-scheme" value={String(get(draft, ['color', 'scheme']) ?? '')} onChange={(e) => update(['color', 'scheme'], e.target.value || undefined)}>
              <option value="">{t('sortDefault')}</option>
              {colorSchemes.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          )}
        </Row>
        <Check
          name="legend"
          label={t('legend')}
          checked={typeof get(draft, ['color', 'legend']) === 'boolean' ? get(draft, ['color', 'legend']) === true : legendByDefault}
          onChange={(v) => update(['color', 'legend'], v === legendByDefault ? undefined : v)}
        />
        <Check name="tip" label={t('tip')} checked={draft.tip !== false} onChange={(v) => update(['tip'], v ? undefined : false)} />
        <Row label={t('height')}>
          {(id) => (
            <input
              id={id}
              type="number"
              min={100}
              max={2000}
              step={10}
              data-testid="chart-field-height"
              value={typeof draft.height === 'number' ? draft.height : ''}
              onChange={(e) => update(['height'], e.target.value === '' ? undefined : Number(e.target.value))}
            />
          )}
        </Row>
        <TextPair base="title" keys={['titleKo', 'titleEn']} draft={draft} update={update} />
        <TextPair base="subtitle" keys={['subtitleKo', 'subtitleEn']} draft={draft} update={update} />
        <TextPair base="alt" keys={['altKo', 'altEn']} draft={draft} update={update} multiline help={t('altHelp')} />
      </form>
      <SpecJsonEditor spec={spec} label={t('jsonLabel')} problems={problems} onChange={onChange} testId="chart-json" />
    </div>
  );
}

function Row({ label, children, help }: { label: string; children: (id: string) => ReactNode; help?: string }) {
  const id = useId();
  return (
    <div className="chart-form-row">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {help && <p className="muted chart-form-help">{help}</p>}
    </div>
  );
}

function Check({ name, label, checked, onChange }: { name: string; label: string; checked: boolean; onChange(v: boolean): void }) {
  return (
    <div className="chart-form-row chart-form-check">
      <label>
        <input type="checkbox" data-testid={`chart-field-${name}`} checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
      </label>
    </div>
  );
}

function columnOptions(columns: readonly ColumnOption[], current: unknown, t: ReturnType<typeof useChartText>['t']) {
  const opts = columns.map((c) => <option key={c.name} value={c.name}>{c.type ? `${c.name} · ${c.type}` : c.name}</option>);
  if (typeof current === 'string' && current && !columns.some((c) => c.name === current)) {
    opts.push(<option key={`missing-${current}`} value={current}>{t('missingColumn', { name: current })}</option>);
  }
  return opts;
}

function ColumnSelect({ name, label, value, columns, onChange }: { name: string; label: string; value: unknown; columns: readonly ColumnOption[]; onChange(v: string | undefined): void }) {
  const { t } = useChartText();
  const current = typeof value === 'string' ? value : '';
  return (
    <Row label={label}>
      {(id) => (
        <select id={id} data-testid={`chart-field-${name}`} value={current} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{t('none')}</option>
          {columnOptions(columns, current, t)}
        </select>
      )}
    </Row>
  );
}

function MultiColumnSelect({ label, value, columns, onChange }: { label: string; value: unknown; columns: readonly ColumnOption[]; onChange(v: string | string[] | undefined): void }) {
  const { t } = useChartText();
  const selected = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
  const all = [...columns];
  for (const s of selected) if (!all.some((c) => c.name === s)) all.push({ name: s });
  return (
    <Row label={label}>
      {(id) => (
        <select
          id={id}
          multiple
          size={Math.min(6, Math.max(2, all.length))}
          data-testid="chart-field-y"
          value={selected}
          onChange={(e) => {
            const picked = [...e.target.selectedOptions].map((o) => o.value);
            onChange(picked.length === 0 ? undefined : picked.length === 1 ? picked[0] : picked);
          }}
        >
          {all.map((c) => (
            <option key={c.name} value={c.name}>
              {columns.some((k) => k.name === c.name) ? (c.type ? `${c.name} · ${c.type}` : c.name) : t('missingColumn', { name: c.name })}
            </option>
          ))}
        </select>
      )}
    </Row>
  );
}

const constantMarker = '\u0000constant';

function ColourField({ name, label, value, columns, onChange }: { name: string; label: string; value: unknown; columns: readonly ColumnOption[]; onChange(v: unknown): void }) {
  const { t } = useChartText();
  const constant = typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string' ? (value as { value: string }).value : null;
  const selectValue = constant !== null ? constantMarker : typeof value === 'string' ? value : '';
  const colourId = useId();
  return (
    <Row label={label}>
      {(id) => (
        <span className="chart-colour-field">
          <select
            id={id}
            data-testid={`chart-field-${name}`}
            value={selectValue}
            onChange={(e) => {
              const v = e.target.value;
              onChange(v === constantMarker ? { value: '#4e79a7' } : v || undefined);
            }}
          >
            <option value="">{t('none')}</option>
            {columnOptions(columns, typeof value === 'string' ? value : undefined, t)}
            <option value={constantMarker}>{t('constantColour')}</option>
          </select>
          {constant !== null && (
            <>
              <label htmlFor={colourId} className="visually-hidden">{`${label}: ${t('colourValue')}`}</label>
              <input
                id={colourId}
                type="color"
                data-testid={`chart-field-${name}-colour`}
                value={/^#[0-9a-fA-F]{6}$/.test(constant) ? constant : '#4e79a7'}
                onChange={(e) => onChange({ value: e.target.value })}
              />
            </>
          )}
        </span>
      )}
    </Row>
  );
}

function TextPair({ base, keys, draft, update, multiline, help }: {
  base: 'title' | 'subtitle' | 'alt';
  keys: [ChartStringKey, ChartStringKey];
  draft: Draft;
  update(path: readonly string[], value: unknown): void;
  multiline?: boolean;
  help?: string;
}) {
  const { t } = useChartText();
  return (
    <>
      {(['ko', 'en'] as const).map((lng, i) => (
        <Row key={lng} label={t(keys[i])} help={i === 1 ? help : undefined}>
          {(id) => {
            const value = String(get(draft, [base, lng]) ?? '');
            const props = {
              id,
              lang: lng,
              'data-testid': `chart-field-${base}-${lng}`,
              value,
              onChange: (e: { target: { value: string } }) => update([base, lng], e.target.value || undefined),
            };
            return multiline ? <textarea rows={2} {...props} /> : <input type="text" {...props} />;
          }}
        </Row>
      ))}
    </>
  );
}

export type { ChartMark };
