/**
 * The policy editor's form state and its translation to and from the policy JSON of
 * docs/interfaces.md (pure; tested directly). The form keeps text fields as typed, so half-typed
 * numbers do not jump around; `toPolicyJson` is what is previewed and drafted.
 */
import type { ColumnType } from '../../../shared/datasets/types.ts';

export type Role = 'identifier' | 'quasi' | 'sensitive' | 'other' | 'drop';
export type HierarchyKind = 'bands' | 'truncate' | 'levels' | 'mask' | 'map';
export type LVariant = 'none' | 'distinct' | 'entropy' | 'recursive';

export interface ColumnDraft {
  role: Role;
  hierarchy: HierarchyKind;
  /** "10, 20, 40" */
  bands: string;
  /** "day, month, year" */
  truncate: string;
  /** "5, 3" */
  mask: string;
  /** one line per value: "강남구 = 동남권 > 서울" */
  map: string;
  lVariant: LVariant;
  l: string;
  c: string;
}

export interface PolicyDraft {
  k: string;
  suppressionLimit: string;
  metric: 'entropy' | 'loss' | 'discernibility';
  columns: Record<string, ColumnDraft>;
}

const list = (text: string) => text.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** Reasonable starting point per column type (the steward decides; nothing is assumed safe). */
export function defaultColumnDraft(type: ColumnType): ColumnDraft {
  return {
    role: 'other',
    hierarchy: type === 'integer' || type === 'double' ? 'bands' : type === 'date' || type === 'timestamp' ? 'truncate' : 'levels',
    bands: '10, 20, 40',
    truncate: type === 'timestamp' ? 'hour, day, month' : 'month, year',
    mask: '3, 1',
    map: '',
    lVariant: 'none',
    l: '2',
    c: '3',
  };
}

export function defaultDraft(columns: { name: string; type: ColumnType }[]): PolicyDraft {
  return { k: '5', suppressionLimit: '0.05', metric: 'entropy', columns: Object.fromEntries(columns.map((c) => [c.name, defaultColumnDraft(c.type)])) };
}

function numberOr(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function parseMap(text: string): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const [from, to] = line.split('=');
    if (!from || to === undefined || from.trim() === '') continue;
    map[from.trim()] = to.split('>').map((s) => s.trim()).filter((s) => s !== '');
  }
  return map;
}

/** The policy JSON (invalid numbers are passed through as text so the server names them). */
export function toPolicyJson(draft: PolicyDraft): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const [name, c] of Object.entries(draft.columns)) {
    if (c.role === 'drop') continue;
    if (c.role === 'identifier' || c.role === 'other') columns[name] = { role: c.role };
    else if (c.role === 'sensitive') {
      columns[name] = c.lVariant === 'none'
        ? { role: 'sensitive' }
        : { role: 'sensitive', lDiversity: c.lVariant === 'recursive' ? { variant: 'recursive', l: numberOr(c.l), c: numberOr(c.c) } : { variant: c.lVariant, l: numberOr(c.l) } };
    } else {
      const hierarchy = c.hierarchy === 'bands' ? { bands: list(c.bands).map(numberOr) }
        : c.hierarchy === 'truncate' ? { truncate: list(c.truncate) }
          : c.hierarchy === 'mask' ? { mask: { keep: list(c.mask).map(numberOr) } }
            : c.hierarchy === 'map' ? { map: parseMap(c.map) }
              : { levels: 1 };
      columns[name] = { role: 'quasi', hierarchy };
    }
  }
  return { k: numberOr(draft.k), suppressionLimit: numberOr(draft.suppressionLimit), metric: draft.metric, columns };
}

/** Loads a stored policy into the form (columns the policy does not list are "drop"). */
export function fromPolicyJson(policy: unknown, columns: { name: string; type: ColumnType }[]): PolicyDraft {
  const p = (policy ?? {}) as { k?: number; suppressionLimit?: number; metric?: string; columns?: Record<string, Record<string, unknown>> };
  const draft = defaultDraft(columns);
  if (p.k !== undefined) draft.k = String(p.k);
  if (p.suppressionLimit !== undefined) draft.suppressionLimit = String(p.suppressionLimit);
  if (p.metric === 'loss' || p.metric === 'discernibility' || p.metric === 'entropy') draft.metric = p.metric;
  for (const col of columns) {
    const c = draft.columns[col.name];
    const spec = p.columns?.[col.name];
    if (!spec) {
      c.role = 'drop';
      continue;
    }
    c.role = spec.role as Role;
    const h = spec.hierarchy as Record<string, unknown> | undefined;
    if (h) {
      if (Array.isArray(h.bands)) Object.assign(c, { hierarchy: 'bands', bands: h.bands.join(', ') });
      else if (Array.isArray(h.truncate)) Object.assign(c, { hierarchy: 'truncate', truncate: h.truncate.join(', ') });
      else if (h.mask && typeof h.mask === 'object') Object.assign(c, { hierarchy: 'mask', mask: ((h.mask as { keep: number[] }).keep ?? []).join(', ') });
      else if (h.map && typeof h.map === 'object') {
        const lines = Object.entries(h.map as Record<string, string | string[]>).map(([k, v]) => `${k} = ${(Array.isArray(v) ? v : [v]).join(' > ')}`);
        Object.assign(c, { hierarchy: 'map', map: lines.join('\n') });
      } else c.hierarchy = 'levels';
    }
    const l = spec.lDiversity as { variant: LVariant; l: number; c?: number } | undefined;
    if (l) Object.assign(c, { lVariant: l.variant, l: String(l.l), c: String(l.c ?? 3) });
  }
  return draft;
}
