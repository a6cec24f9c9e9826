/**
 * Input cells: a named control (select, multi-select, range, text, date) whose value is the bound
 * parameter `$name` in SQL (a prepared-statement parameter, never spliced into the text).
 *
 * As in Observable, the notebook stores only the default (`spec.default`); a viewer's own choice
 * stays in their browser (the runtime's `setInputValue`), and an editor changes the default
 * explicitly. This module is the pure part: the zod schema, the default, and checking a value a
 * person picked against the spec.
 *
 * @example
 *   const r = parseInputSpec({ type: 'range', label: { ko: '연도' }, min: 2005, max: 2023, step: 1, default: 2023 });
 *   if (r.ok) defaultInputValue(r.spec) // 2023
 */
import { z } from 'zod';
import {
  bilingualMessage, bilingualTextSchema, pickText, problemsFromZod, type ChartLang, type ParseResult, type SpecProblem,
} from './chartSpec.ts';
import { describeCellNameProblem } from './schema/notebook.ts';

export const inputTypes = ['select', 'multiselect', 'range', 'text', 'date'] as const;
export type InputType = (typeof inputTypes)[number];

export type Scalar = string | number;
/** What a parameter holds: multi-select gives a list (bind as a DuckDB LIST), the others one value. */
export type InputValue = Scalar | Scalar[] | null;

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
function validIsoDate(s: string): boolean {
  if (!isoDate.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
const dateString = z.string().refine(validIsoDate, {
  error: bilingualMessage('YYYY-MM-DD 형식의 날짜여야 합니다 (예: "2023-05-01")', 'must be a date as YYYY-MM-DD (e.g. "2023-05-01")'),
});

const scalar = z.union([z.string().max(500), z.number()], {
  error: bilingualMessage('글자나 숫자여야 합니다', 'must be a string or a number'),
});
const option = z.union([
  scalar,
  z.strictObject({ value: scalar, label: bilingualTextSchema.optional() }),
], { error: bilingualMessage('글자, 숫자, 또는 {"value": ..., "label": {"ko": ..., "en": ...}}이어야 합니다', 'must be a string, a number, or {"value": ..., "label": {"ko": ..., "en": ...}}') });

/** `"cell.column"`: the options are the distinct values of a SQL cell's column. */
const optionsFrom = z.string().refine((s) => parseOptionsFrom(s) !== null, {
  error: bilingualMessage('"셀이름.열이름" 형식이어야 합니다 (예: "stations.측정소명")', 'must be "cell.column" (e.g. "stations.측정소명")'),
});

export const inputSpecSchema = z.strictObject({
  type: z.enum(inputTypes),
  label: bilingualTextSchema.optional(),
  /** Help text under the control. */
  description: bilingualTextSchema.optional(),
  options: z.array(option).max(1000).optional(),
  optionsFrom: optionsFrom.optional(),
  min: z.union([z.number(), dateString]).optional(),
  max: z.union([z.number(), dateString]).optional(),
  step: z.number().positive().optional(),
  placeholder: bilingualTextSchema.optional(),
  default: z.union([scalar, z.array(scalar).max(1000), z.null()]).optional(),
}).superRefine((spec, ctx) => {
  const issue = (path: string, ko: string, en: string) => ctx.addIssue({ code: 'custom', path: [path], message: bilingualMessage(ko, en) });
  const choice = spec.type === 'select' || spec.type === 'multiselect';
  if (choice) {
    if (spec.options === undefined && spec.optionsFrom === undefined) {
      issue('options', '선택 입력에는 options(목록)나 optionsFrom("셀.열")이 필요합니다', 'a select needs options (a list) or optionsFrom ("cell.column")');
    }
    if (spec.options !== undefined && spec.optionsFrom !== undefined) {
      issue('optionsFrom', 'options와 optionsFrom 중 하나만 씁니다', 'use either options or optionsFrom, not both');
    }
  } else {
    if (spec.options !== undefined) issue('options', `${spec.type} 입력에는 options를 쓰지 않습니다`, `a ${spec.type} input has no options`);
    if (spec.optionsFrom !== undefined) issue('optionsFrom', `${spec.type} 입력에는 optionsFrom을 쓰지 않습니다`, `a ${spec.type} input has no optionsFrom`);
  }
  if (spec.type === 'range') {
    if (typeof spec.min !== 'number') issue('min', 'range 입력에는 숫자 min이 필요합니다', 'a range needs a numeric min');
    if (typeof spec.max !== 'number') issue('max', 'range 입력에는 숫자 max가 필요합니다', 'a range needs a numeric max');
    if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min >= spec.max) {
      issue('max', 'max는 min보다 커야 합니다', 'max must be greater than min');
    }
  } else if (spec.type === 'date') {
    for (const k of ['min', 'max'] as const) {
      if (spec[k] !== undefined && typeof spec[k] !== 'string') issue(k, `${k}는 YYYY-MM-DD 날짜여야 합니다`, `${k} must be a YYYY-MM-DD date`);
    }
    if (typeof spec.min === 'string' && typeof spec.max === 'string' && spec.min > spec.max) issue('max', 'max가 min보다 앞선 날짜입니다', 'max is before min');
    if (spec.step !== undefined) issue('step', 'date 입력에는 step을 쓰지 않습니다', 'a date input has no step');
  } else {
    for (const k of ['min', 'max', 'step'] as const) {
      if (spec[k] !== undefined) issue(k, `${spec.type} 입력에는 ${k}를 쓰지 않습니다`, `a ${spec.type} input has no ${k}`);
    }
  }
  if (spec.placeholder !== undefined && spec.type !== 'text') issue('placeholder', 'placeholder는 text 입력에서만 씁니다', 'placeholder is only for text inputs');
  if (spec.default !== undefined && spec.default !== null) {
    const problem = checkValue(spec as InputSpec, spec.default, staticOptionValues(spec as InputSpec));
    if (problem) ctx.addIssue({ code: 'custom', path: ['default'], message: bilingualMessage(problem.ko, problem.en) });
  }
});

export type InputSpec = z.infer<typeof inputSpecSchema>;
export type InputOption = { value: Scalar; label?: { ko?: string; en?: string } };

export function parseInputSpec(value: unknown): ParseResult<InputSpec> {
  if (value === null || value === undefined) {
    return { ok: false, problems: [{ path: '', ko: '입력 설정이 비어 있습니다', en: 'the input has no settings yet' }] };
  }
  const r = inputSpecSchema.safeParse(value, { reportInput: true });
  return r.success ? { ok: true, spec: r.data } : { ok: false, problems: problemsFromZod(r.error, inputSpecSchema) };
}

/** `"stations.측정소명"` -> `{cell: 'stations', column: '측정소명'}`; null if malformed. */
export function parseOptionsFrom(s: string): { cell: string; column: string } | null {
  const dot = s.indexOf('.');
  if (dot <= 0 || dot === s.length - 1) return null;
  const cell = s.slice(0, dot);
  const column = s.slice(dot + 1);
  if (describeCellNameProblem(cell) !== null) return null;
  return { cell, column };
}

/** The cell an input reads its options from (a dependency for the runtime), if any. */
export function inputSourceCell(spec: InputSpec): string | null {
  return spec.optionsFrom ? parseOptionsFrom(spec.optionsFrom)?.cell ?? null : null;
}

export function normalizeOption(o: InputSpec['options'] extends (infer T)[] | undefined ? T : never): InputOption {
  return typeof o === 'object' && o !== null ? o : { value: o };
}

function staticOptionValues(spec: InputSpec): Scalar[] | null {
  return spec.options ? spec.options.map((o) => normalizeOption(o).value) : null;
}

/** Options from a column of the source cell's rows: distinct, non-null, in first-seen order. */
export function optionsFromRows(rows: readonly Record<string, unknown>[], column: string, limit = 1000): InputOption[] {
  const seen = new Set<Scalar>();
  const out: InputOption[] = [];
  for (const row of rows) {
    let v = row[column];
    if (typeof v === 'bigint') v = Number(v);
    if (v instanceof Date) v = v.toISOString().slice(0, 10);
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    if (seen.has(v)) continue;
    seen.add(v);
    out.push({ value: v });
    if (out.length >= limit) break;
  }
  return out;
}

/** The list to show: static options, or those read from the source rows (empty until they arrive). */
export function inputOptions(spec: InputSpec, sourceRows?: readonly Record<string, unknown>[] | null): InputOption[] {
  if (spec.options) return spec.options.map(normalizeOption);
  const from = spec.optionsFrom ? parseOptionsFrom(spec.optionsFrom) : null;
  return from && sourceRows ? optionsFromRows(sourceRows, from.column) : [];
}

export function optionLabel(o: InputOption, lang: ChartLang): string {
  return pickText(o.label, lang) ?? String(o.value);
}

export function inputLabel(spec: InputSpec, name: string, lang: ChartLang): string {
  return pickText(spec.label, lang) ?? name;
}

/** Why `value` is not allowed by the spec (null = fine). `options` null = not known yet. */
function checkValue(spec: InputSpec, value: unknown, options: readonly Scalar[] | null): { ko: string; en: string } | null {
  const shown = JSON.stringify(value);
  switch (spec.type) {
    case 'select':
      if (typeof value !== 'string' && typeof value !== 'number') return { ko: '값이 글자나 숫자여야 합니다', en: 'the value must be a string or a number' };
      if (options && !options.includes(value)) return { ko: `${shown}은(는) 목록에 없습니다`, en: `${shown} is not one of the options` };
      return null;
    case 'multiselect': {
      if (!Array.isArray(value)) return { ko: '값이 배열이어야 합니다', en: 'the value must be an array' };
      const bad = options ? value.filter((v) => !options.includes(v as Scalar)) : [];
      if (bad.length) return { ko: `목록에 없는 값: ${JSON.stringify(bad)}`, en: `not among the options: ${JSON.stringify(bad)}` };
      return null;
    }
    case 'range': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { ko: '값이 숫자여야 합니다', en: 'the value must be a number' };
      const min = spec.min as number;
      const max = spec.max as number;
      if (value < min || value > max) return { ko: `${value}은(는) ${min}–${max} 범위 밖입니다`, en: `${value} is outside ${min}–${max}` };
      return null;
    }
    case 'text':
      return typeof value === 'string' ? null : { ko: '값이 글자여야 합니다', en: 'the value must be a string' };
    case 'date':
      if (typeof value !== 'string' || !validIsoDate(value)) return { ko: 'YYYY-MM-DD 형식의 날짜여야 합니다 (예: "2023-05-01")', en: 'must be a date as YYYY-MM-DD (e.g. "2023-05-01")' };
      if (typeof spec.min === 'string' && value < spec.min) return { ko: `${value}은(는) ${spec.min}보다 앞섭니다`, en: `${value} is before ${spec.min}` };
      if (typeof spec.max === 'string' && value > spec.max) return { ko: `${value}은(는) ${spec.max}보다 뒤입니다`, en: `${value} is after ${spec.max}` };
      return null;
  }
}

/** The value a fresh page starts with: the stored default, else a sensible first value. */
export function defaultInputValue(spec: InputSpec, options: readonly InputOption[] = inputOptions(spec)): InputValue {
  if (spec.default !== undefined && spec.default !== null) return spec.default;
  switch (spec.type) {
    case 'select': return options[0]?.value ?? null;
    case 'multiselect': return [];
    case 'range': return spec.min as number;
    case 'text': return '';
    case 'date': return null;
  }
}

/** Snaps a range value to `min + k * step` and into [min, max] (sliders and typed numbers). */
export function snapRange(spec: InputSpec, value: number): number {
  const min = spec.min as number;
  const max = spec.max as number;
  const step = spec.step ?? 1;
  const k = Math.round((value - min) / step);
  // Round away float noise from min + k*step (0.1 steps).
  const snapped = Number((min + k * step).toPrecision(12));
  return Math.min(max, Math.max(min, snapped));
}

/**
 * Checks a value a person chose (or one restored from their browser) against the spec and, for
 * choices, the current options. `{ok:false}` carries the bilingual reason.
 */
export function checkInputValue(
  spec: InputSpec,
  value: unknown,
  options?: readonly InputOption[],
): { ok: true; value: InputValue } | { ok: false; problem: SpecProblem } {
  if (value === null && (spec.type === 'date' || spec.type === 'select')) return { ok: true, value: null };
  const values = options ? options.map((o) => o.value) : staticOptionValues(spec);
  const problem = checkValue(spec, value, values);
  return problem ? { ok: false, problem: { path: 'value', ...problem } } : { ok: true, value: value as InputValue };
}
