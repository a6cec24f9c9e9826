/**
 * Builds hierarchy rows (ARX's shape: `[original, level1, …, "*"]`) for the generated kinds of
 * `HierarchySpec`, from the distinct values found in the data. `file` hierarchies are read by the
 * server and arrive as rows too. Missing values (SQL NULL) arrive as "" and stay "" until the
 * final "*" level, so they are never mixed with real values.
 */
import { MadangError } from '../errors.ts';
import type { HierarchySpec, TimeUnit } from './policy.ts';

export const SUPPRESSED = '*';

function valuesError(column: string, what: { ko: string; en: string }, bad: string[]): MadangError {
  const shown = bad.slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
  const more = bad.length > 5 ? ` … (${bad.length})` : ` (${bad.length})`;
  return new MadangError('invalid_input', {
    ko: `열 "${column}": ${what.ko}: ${shown}${more}`,
    en: `column "${column}": ${what.en}: ${shown}${more}`,
  });
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12)));
}

/** Band label for `v` at width `w`: "20-29" for integer data and widths, "[2.5, 5)" otherwise. */
export function bandLabel(v: number, w: number, integral: boolean): string {
  const lo = Math.floor(v / w) * w;
  return integral ? `${formatNumber(lo)}-${formatNumber(lo + w - 1)}` : `[${formatNumber(lo)}, ${formatNumber(lo + w)})`;
}

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?/;

/** Timestamp text (DuckDB's VARCHAR form, ISO 8601) truncated to `unit`, or null if unparseable. */
export function truncateLabel(text: string, unit: TimeUnit): string | null {
  const m = timestampPattern.exec(text.trim());
  return m ? labelFromParts(m, unit) : null;
}

function labelFromParts(m: RegExpExecArray, unit: TimeUnit): string | null {
  const [, y, mo, d, h, mi] = m;
  switch (unit) {
    case 'minute': return h === undefined ? null : `${y}-${mo}-${d} ${h}:${mi}`;
    case 'hour': return h === undefined ? null : `${y}-${mo}-${d} ${h}:00`;
    case 'day': return `${y}-${mo}-${d}`;
    case 'month': return `${y}-${mo}`;
    case 'year': return y;
  }
}

/** Prefix masking: keep the first `keep` characters (code points), replace the rest with "*". */
export function maskLabel(text: string, keep: number): string {
  const chars = Array.from(text);
  if (chars.length <= keep) return text;
  return chars.slice(0, keep).join('') + SUPPRESSED.repeat(chars.length - keep);
}

function withTop(row: string[]): string[] {
  return row[row.length - 1] === SUPPRESSED && row.length > 1 ? row : [...row, SUPPRESSED];
}

/** Hierarchy rows for a generated kind; `values` are the column's distinct values in the data. */
export function generateHierarchyRows(column: string, spec: Exclude<HierarchySpec, { kind: 'file' }>, values: string[]): string[][] {
  switch (spec.kind) {
    case 'levels':
      return values.map((v) => [v, SUPPRESSED]);
    case 'bands': {
      const bad: string[] = [];
      const nums = values.map((v) => {
        if (v === '') return NaN;
        const x = Number(v.trim());
        if (!Number.isFinite(x)) bad.push(v);
        return x;
      });
      if (bad.length) throw valuesError(column, { ko: '숫자가 아닌 값이 있어 구간으로 묶을 수 없습니다', en: 'values that are not numbers cannot be banded' }, bad);
      const integral = spec.bands.every(Number.isInteger) && nums.every((x) => Number.isNaN(x) || Number.isInteger(x));
      return values.map((v, i) => withTop([v, ...spec.bands.map((w) => (v === '' ? '' : bandLabel(nums[i], w, integral)))]));
    }
    case 'truncate': {
      const bad: string[] = [];
      const rows = values.map((v) => {
        const parts = v === '' ? null : timestampPattern.exec(v.trim());
        const labels = spec.truncate.map((u) => (v === '' ? '' : parts ? labelFromParts(parts, u) : null));
        if (labels.some((l) => l === null)) bad.push(v);
        return withTop([v, ...labels.map((l) => l ?? '')]);
      });
      if (bad.length) throw valuesError(column, { ko: `날짜·시각으로 읽을 수 없는 값이 있습니다 (${spec.truncate.join(', ')} 단위)`, en: `values that cannot be read as timestamps (for ${spec.truncate.join(', ')})` }, bad);
      return rows;
    }
    case 'mask':
      return values.map((v) => withTop([v, ...spec.keep.map((n) => (v === '' ? '' : maskLabel(v, n)))]));
    case 'map': {
      const missing = values.filter((v) => !Object.prototype.hasOwnProperty.call(spec.map, v));
      if (missing.length) throw valuesError(column, { ko: '값 대응표(map)에 없는 값이 데이터에 있습니다', en: 'the value map lacks values present in the data' }, missing);
      return values.map((v) => withTop([v, ...spec.map[v]]));
    }
  }
}

/** Human name of each level (for reports and the policy editor): index 0 is the original. */
export function levelNames(spec: HierarchySpec, maxLevel: number): string[] {
  const names = ['original'];
  for (let level = 1; level <= maxLevel; level++) {
    if (level === maxLevel) names.push('*');
    else if (spec.kind === 'bands') names.push(`band ${spec.bands[level - 1]}`);
    else if (spec.kind === 'truncate') names.push(spec.truncate[level - 1]);
    else if (spec.kind === 'mask') names.push(`keep ${spec.keep[level - 1]}`);
    else names.push(`level ${level}`);
  }
  return names;
}
