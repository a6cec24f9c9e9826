/**
 * The sanitise policy (`POLICY.json`, see docs/interfaces.md): which columns are identifiers
 * (dropped), quasi-identifiers (generalised along a hierarchy), sensitive (kept, optionally
 * l-diverse) or other (kept), plus k, the suppression limit and the loss metric.
 *
 * Hierarchy kinds (exactly one per quasi-identifier):
 *   { "bands": [5, 10, 20] }                numbers -> "lo-hi" bands of each width, then "*"
 *   { "truncate": ["hour", "day", "month"] } timestamps truncated to each unit, then "*"
 *   { "levels": 1 }                          kept or "*"
 *   { "file": "station_hierarchy.csv" }     ARX hierarchy CSV (relative to the policy file)
 *   { "mask": { "keep": [5, 3, 2] } }        codes: keep the first n characters, mask the rest with "*"
 *   { "map": { "강남구": ["동남권", "서울"] } } inline value map: original -> label per level, then "*"
 *
 * Extensions beyond the contract (all optional): metric variants `entropy-nonmonotonic` and
 * `discernibility-monotonic` (ARX's other variants, used to replay ARX's test suite) and
 * `aggregate` (how per-column losses combine; ARX's defaults: sum for entropy, geometric mean for loss).
 */
import { z } from 'zod';
import { MadangError } from '../errors.ts';

export const timeUnits = ['minute', 'hour', 'day', 'month', 'year'] as const;
export type TimeUnit = (typeof timeUnits)[number];

export const metrics = ['entropy', 'entropy-nonmonotonic', 'loss', 'discernibility', 'discernibility-monotonic'] as const;
export type MetricName = (typeof metrics)[number];

export const aggregates = ['sum', 'arithmetic-mean', 'geometric-mean', 'rank'] as const;
export type AggregateName = (typeof aggregates)[number];

export type HierarchySpec =
  | { kind: 'bands'; bands: number[] }
  | { kind: 'truncate'; truncate: TimeUnit[] }
  | { kind: 'levels'; levels: 1 }
  | { kind: 'file'; file: string }
  | { kind: 'mask'; keep: number[] }
  | { kind: 'map'; map: Record<string, string[]> };

export type LDiversity =
  | { variant: 'distinct'; l: number }
  | { variant: 'entropy'; l: number }
  | { variant: 'recursive'; l: number; c: number };

export type ColumnPolicy =
  | { role: 'identifier' }
  | { role: 'quasi'; hierarchy: HierarchySpec }
  | { role: 'sensitive'; lDiversity?: LDiversity }
  | { role: 'other' };

export interface Policy {
  k: number;
  suppressionLimit: number;
  metric: MetricName;
  aggregate?: AggregateName;
  columns: Record<string, ColumnPolicy>;
}

const positiveInt = z.number().int().min(1);

const hierarchyInput = z
  .object({
    bands: z.array(z.number().positive()).min(1).optional(),
    truncate: z.array(z.enum(timeUnits)).min(1).optional(),
    levels: z.literal(1).optional(),
    file: z.string().min(1).optional(),
    mask: z.object({ keep: z.array(z.number().int().min(0)).min(1) }).strict().optional(),
    map: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
  })
  .strict()
  .superRefine((h, ctx) => {
    const kinds = (['bands', 'truncate', 'levels', 'file', 'mask', 'map'] as const).filter((key) => h[key] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `expected exactly one of bands, truncate, levels, file, mask, map (got ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
      return;
    }
    if (h.bands) {
      for (let i = 1; i < h.bands.length; i++) {
        const ratio = h.bands[i] / h.bands[i - 1];
        if (!(ratio > 1) || Math.abs(ratio - Math.round(ratio)) > 1e-9) {
          ctx.addIssue({ code: 'custom', path: ['bands', i], message: `band ${h.bands[i]} must be a whole multiple (>1) of the previous band ${h.bands[i - 1]}, so bands nest` });
        }
      }
    }
    if (h.truncate) {
      for (let i = 1; i < h.truncate.length; i++) {
        if (timeUnits.indexOf(h.truncate[i]) <= timeUnits.indexOf(h.truncate[i - 1])) {
          ctx.addIssue({ code: 'custom', path: ['truncate', i], message: `units must get coarser (${timeUnits.join(' < ')}); "${h.truncate[i]}" after "${h.truncate[i - 1]}"` });
        }
      }
    }
    if (h.mask) {
      for (let i = 1; i < h.mask.keep.length; i++) {
        if (h.mask.keep[i] >= h.mask.keep[i - 1]) {
          ctx.addIssue({ code: 'custom', path: ['mask', 'keep', i], message: 'kept prefix lengths must decrease from level to level' });
        }
      }
    }
    if (h.map) {
      const entries = Object.entries(h.map);
      if (entries.length === 0) ctx.addIssue({ code: 'custom', path: ['map'], message: 'map is empty' });
      const width = entries.length ? (Array.isArray(entries[0][1]) ? entries[0][1].length : 1) : 0;
      for (const [key, value] of entries) {
        const n = Array.isArray(value) ? value.length : 1;
        if (n !== width) ctx.addIssue({ code: 'custom', path: ['map', key], message: `every value needs the same number of levels (${width}), this one has ${n}` });
      }
    }
  });

function toHierarchySpec(h: z.infer<typeof hierarchyInput>): HierarchySpec {
  if (h.bands) return { kind: 'bands', bands: h.bands };
  if (h.truncate) return { kind: 'truncate', truncate: h.truncate };
  if (h.levels) return { kind: 'levels', levels: 1 };
  if (h.file) return { kind: 'file', file: h.file };
  if (h.mask) return { kind: 'mask', keep: h.mask.keep };
  const map: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(h.map ?? {})) map[key] = Array.isArray(value) ? value : [value];
  return { kind: 'map', map };
}

const lDiversityInput = z.discriminatedUnion('variant', [
  z.object({ variant: z.literal('distinct'), l: positiveInt }).strict(),
  z.object({ variant: z.literal('entropy'), l: positiveInt }).strict(),
  z.object({ variant: z.literal('recursive'), l: positiveInt, c: z.number().positive() }).strict(),
]);

const columnInput = z.discriminatedUnion('role', [
  z.object({ role: z.literal('identifier') }).strict(),
  z.object({ role: z.literal('quasi'), hierarchy: hierarchyInput }).strict(),
  z.object({ role: z.literal('sensitive'), lDiversity: lDiversityInput.optional() }).strict(),
  z.object({ role: z.literal('other') }).strict(),
]);

const policyInput = z
  .object({
    k: positiveInt,
    suppressionLimit: z.number().min(0).max(1).default(0),
    metric: z.enum(metrics).default('entropy'),
    aggregate: z.enum(aggregates).optional(),
    columns: z.record(z.string().min(1), columnInput),
  })
  .strict();

/** The zod schema of a policy (input form; `parsePolicy` returns the normalised `Policy`). */
export const policySchema: z.ZodType<Policy, unknown> = policyInput.transform((p): Policy => {
  const columns: Record<string, ColumnPolicy> = {};
  for (const [name, col] of Object.entries(p.columns)) {
    columns[name] = col.role === 'quasi' ? { role: 'quasi', hierarchy: toHierarchySpec(col.hierarchy) } : col;
  }
  const policy: Policy = { k: p.k, suppressionLimit: p.suppressionLimit, metric: p.metric, columns };
  if (p.aggregate) policy.aggregate = p.aggregate;
  return policy;
});

const koIssue: Record<string, string> = {
  invalid_type: '형식이 맞지 않습니다',
  too_small: '값이 너무 작거나 비어 있습니다',
  too_big: '값이 너무 큽니다',
  invalid_value: '허용되지 않는 값입니다',
  unrecognized_keys: '알 수 없는 항목이 있습니다',
  invalid_union: '형식이 맞지 않습니다',
  custom: '규칙에 맞지 않습니다',
};

function pathText(path: readonly PropertyKey[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
}

/** Validates and normalises a parsed POLICY.json; errors name the exact path, in Korean and English. */
export function parsePolicy(json: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5);
  const en = issues.map((i) => `${pathText(i.path)}: ${i.message}`).join('; ');
  const ko = issues.map((i) => `${pathText(i.path)}: ${koIssue[i.code] ?? '올바르지 않습니다'} (${i.message})`).join('; ');
  throw new MadangError('invalid_input', { ko: `${source} 정책이 올바르지 않습니다 — ${ko}`, en: `invalid ${source} — ${en}` });
}

/** Quasi-identifier and sensitive column names, in the order given. */
export function columnsByRole(policy: Policy, role: ColumnPolicy['role']): string[] {
  return Object.entries(policy.columns).filter(([, c]) => c.role === role).map(([name]) => name);
}

/** ARX's default aggregate per metric (sum for entropy, geometric mean for Loss). */
export function effectiveAggregate(policy: Pick<Policy, 'metric' | 'aggregate'>): AggregateName {
  return policy.aggregate ?? (policy.metric === 'loss' ? 'geometric-mean' : 'sum');
}
