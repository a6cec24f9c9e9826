/**
 * Chart cells: a declarative spec (JSON in the cell's `spec`, never code: a collaborator's chart
 * must not be able to run script in another person's browser) and the pure mapping to Observable
 * Plot options. The same mapping renders charts in the notebook and, later, published stories on
 * the server, so nothing here touches a DOM: the caller passes the `Plot` module (for the mark
 * constructors, which are plain JavaScript) and later calls `Plot.plot({...options, document})`.
 *
 * @example
 *   const parsed = parseChartSpec({ mark: 'barY', data: 'by_gu', x: '자치구', y: 'at_fault', sort: { x: '-y' } });
 *   if (parsed.ok) {
 *     const options = specToPlotOptions(parsed.spec, rows, { Plot, lang: 'ko' });
 *     const svg = Plot.plot({ ...options, document });
 *   }
 */
import { z } from 'zod';
import type * as PlotModule from '@observablehq/plot';
import { MadangError, type Bilingual } from './errors.ts';
import { describeCellNameProblem } from './schema/notebook.ts';
import { matchDistricts, type DistrictLayer, codeSystems, districtLayerNames, seoulGuAttribution } from './geo/seoulGu.ts';

// ---- problems (shared with inputSpec.ts) ------------------------------------------------------

/** One thing wrong with a spec: where (`y[1]`, `join.field`; '' = the whole spec) and why. */
export interface SpecProblem extends Bilingual {
  path: string;
}

/** `['y', 1, 'x']` -> `y[1].x`. */
export function formatSpecPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

const bilingualMarker = '\u0000bi:';

/** A zod `error` / refinement message that carries both languages (read by `problemsFromZod`). */
export function bilingualMessage(ko: string, en: string): string {
  return bilingualMarker + JSON.stringify({ ko, en });
}

/** Edit distance counting a swap of neighbours as one edit ("lable" -> "label"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest of `candidates` to `word` when it is close enough to be a likely typo. */
export function suggestName(word: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best !== null && bestScore <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

const typeWords: Record<string, Bilingual> = {
  string: { ko: '글자', en: 'a string' },
  number: { ko: '숫자', en: 'a number' },
  boolean: { ko: 'true 또는 false', en: 'true or false' },
  object: { ko: '객체({...})', en: 'an object ({...})' },
  array: { ko: '배열([...])', en: 'an array ([...])' },
  int: { ko: '정수', en: 'an integer' },
};

function keysOf(schema: z.ZodType | undefined): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** zod issues -> path-precise bilingual problems. `root` gives the known keys for typo hints. */
export function problemsFromZod(error: z.ZodError, root?: z.ZodType): SpecProblem[] {
  const out: SpecProblem[] = [];
  for (const issue of error.issues) {
    const path = formatSpecPath(issue.path);
    const at = (ko: string, en: string) => out.push({ path, ko: path ? `${path}: ${ko}` : ko, en: path ? `${path}: ${en}` : en });
    if (issue.message.startsWith(bilingualMarker)) {
      const m = JSON.parse(issue.message.slice(bilingualMarker.length)) as Bilingual;
      at(m.ko, m.en);
      continue;
    }
    switch (issue.code) {
      case 'invalid_type': {
        if (!('input' in issue) || issue.input === undefined) at('꼭 있어야 합니다', 'is required');
        else {
          const w = typeWords[issue.expected] ?? { ko: issue.expected, en: issue.expected };
          at(`${w.ko}여야 합니다`, `must be ${w.en}`);
        }
        break;
      }
      case 'invalid_value': {
        if (!('input' in issue) || issue.input === undefined) {
          at('꼭 있어야 합니다', 'is required');
          break;
        }
        const list = issue.values.map((v) => JSON.stringify(v)).join(', ');
        at(`다음 중 하나여야 합니다: ${list}`, `must be one of: ${list}`);
        break;
      }
      case 'too_small': {
        const n = String(issue.minimum);
        if (issue.origin === 'string') at(`${n}자 이상이어야 합니다`, `must have at least ${n} characters`);
        else if (issue.origin === 'array') at(`항목이 ${n}개 이상이어야 합니다`, `must have at least ${n} items`);
        else at(`${issue.inclusive ? `${n} 이상` : `${n}보다 커야`} 합니다`.replace('이상 합니다', '이상이어야 합니다'), `must be ${issue.inclusive ? 'at least' : 'greater than'} ${n}`);
        break;
      }
      case 'too_big': {
        const n = String(issue.maximum);
        if (issue.origin === 'string') at(`${n}자 이하여야 합니다`, `must have at most ${n} characters`);
        else if (issue.origin === 'array') at(`항목이 ${n}개 이하여야 합니다`, `must have at most ${n} items`);
        else at(`${issue.inclusive ? `${n} 이하여야` : `${n}보다 작아야`} 합니다`, `must be ${issue.inclusive ? 'at most' : 'less than'} ${n}`);
        break;
      }
      case 'unrecognized_keys': {
        // Resolve the object schema at this path for "did you mean" hints.
        let schema: z.ZodType | undefined = root;
        for (const part of issue.path) {
          const shape = (schema as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
          let next: z.ZodType | undefined = typeof part === 'string' ? shape?.[part] : undefined;
          while (next && 'unwrap' in next && typeof (next as { unwrap?: unknown }).unwrap === 'function') next = (next as unknown as { unwrap(): z.ZodType }).unwrap();
          schema = next;
        }
        const known = keysOf(schema);
        for (const key of issue.keys) {
          const p = formatSpecPath([...issue.path, key]);
          const hint = suggestName(key, known);
          out.push({
            path: p,
            ko: `${p}: 알 수 없는 항목입니다${hint ? ` ("${hint}"을(를) 쓰려고 했나요?)` : ''}`,
            en: `${p}: unknown setting${hint ? ` (did you mean "${hint}"?)` : ''}`,
          });
        }
        break;
      }
      default:
        at('값이 올바르지 않습니다', 'invalid value');
    }
  }
  return out;
}

/** Both languages joined, for places that show one line. */
export function problemText(p: Bilingual, lang: 'ko' | 'en' = 'ko'): string {
  return lang === 'en' ? p.en : p.ko;
}

// ---- the spec ---------------------------------------------------------------------------------

export const chartMarks = ['bar', 'barY', 'barX', 'line', 'area', 'dot', 'cell', 'heatmap', 'rule', 'text', 'geo'] as const;
export type ChartMark = (typeof chartMarks)[number];

/** Plot's colour schemes (https://observablehq.com/plot/features/scales#color-scales). */
export const colorSchemes = [
  // categorical
  'observable10', 'tableau10', 'category10', 'accent', 'dark2', 'paired', 'pastel1', 'pastel2', 'set1', 'set2', 'set3',
  // sequential
  'blues', 'greens', 'greys', 'oranges', 'purples', 'reds', 'bugn', 'bupu', 'gnbu', 'orrd', 'pubu', 'pubugn', 'purd',
  'rdpu', 'ylgn', 'ylgnbu', 'ylorbr', 'ylorrd', 'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo', 'warm', 'cool',
  'cubehelix',
  // diverging
  'brbg', 'prgn', 'piyg', 'puor', 'rdbu', 'rdgy', 'rdylbu', 'rdylgn', 'spectral', 'burd', 'buylrd',
] as const;

export const colorScaleTypes = ['linear', 'log', 'sqrt', 'quantile', 'quantize', 'ordinal', 'categorical', 'diverging'] as const;

const sortKeys = ['x', '-x', 'y', '-y', 'fill', '-fill', 'stroke', '-stroke', 'r', '-r', 'text', '-text'] as const;

/** Marks that have x and y channels from the data. */
const xyMarks = new Set<ChartMark>(['bar', 'barY', 'barX', 'line', 'area', 'dot', 'cell', 'heatmap', 'text']);
/** Marks where several y columns become one series each. */
const multiYMarks = new Set<ChartMark>(['bar', 'barY', 'line', 'area', 'dot']);

const field = z.string({ error: bilingualMessage('열 이름(글자)이어야 합니다', 'must be a column name (a string)') })
  .min(1, { error: bilingualMessage('열 이름이 비어 있습니다', 'column name is empty') })
  .max(200);

const cssColour = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/]+\))$/;
const constantColour = z.strictObject({
  value: z.string().regex(cssColour, { error: bilingualMessage('CSS 색이어야 합니다 (예: "#1f77b4", "steelblue")', 'must be a CSS colour (e.g. "#1f77b4", "steelblue")') }),
});
const colour = z.union([field, constantColour], {
  error: bilingualMessage('열 이름이나 {"value": "#1f77b4"} 같은 고정 색이어야 합니다', 'must be a column name or a constant colour such as {"value": "#1f77b4"}'),
});

const text = z.string().max(1000);
/** Text in both languages (either may be missing; the other is shown). */
export const bilingualTextSchema = z.strictObject({ ko: text.optional(), en: text.optional() });
export type BilingualText = z.infer<typeof bilingualTextSchema>;

const sortKey = z.enum(sortKeys);

export const chartSpecSchema = z.strictObject({
  mark: z.enum(chartMarks),
  /** Name of the SQL cell whose result is drawn. */
  data: z.string({ error: bilingualMessage('SQL 셀 이름이어야 합니다', 'must be the name of a SQL cell') }).superRefine((v, ctx) => {
    const problem = describeCellNameProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: bilingualMessage(problem.ko, problem.en) });
  }),
  x: field.optional(),
  y: z.union([field, z.array(field).min(1).max(12)], {
    error: bilingualMessage('열 이름 하나나 열 이름 배열이어야 합니다', 'must be a column name or an array of column names'),
  }).optional(),
  fill: colour.optional(),
  stroke: colour.optional(),
  /** Dot radius: a column (sized by value) or a constant in pixels. */
  r: z.union([field, z.number().positive().max(100)], {
    error: bilingualMessage('열 이름이나 1–100 사이 숫자여야 합니다', 'must be a column name or a number from 1 to 100'),
  }).optional(),
  text: field.optional(),
  fx: field.optional(),
  fy: field.optional(),
  sort: z.strictObject({
    x: sortKey.optional(),
    y: sortKey.optional(),
    fx: sortKey.optional(),
    fy: sortKey.optional(),
    color: sortKey.optional(),
    limit: z.number().int().positive().max(1000).optional(),
  }).optional(),
  /** Tooltip on hover (Plot's `tip`); on unless false. */
  tip: z.boolean().optional(),
  /** Geo only: which data column names the district and how. */
  join: z.strictObject({
    by: z.enum(['name', 'code']),
    field,
    codes: z.enum(codeSystems).optional(),
  }).optional(),
  layer: z.enum(districtLayerNames).optional(),
  /** Geo only: write each district's name on the map. */
  districtNames: z.boolean().optional(),
  labels: z.strictObject({
    x: bilingualTextSchema.optional(),
    y: bilingualTextSchema.optional(),
    color: bilingualTextSchema.optional(),
    fx: bilingualTextSchema.optional(),
    fy: bilingualTextSchema.optional(),
    r: bilingualTextSchema.optional(),
  }).optional(),
  color: z.strictObject({
    scheme: z.enum(colorSchemes).optional(),
    type: z.enum(colorScaleTypes).optional(),
    legend: z.boolean().optional(),
  }).optional(),
  title: bilingualTextSchema.optional(),
  subtitle: bilingualTextSchema.optional(),
  caption: bilingualTextSchema.optional(),
  /** Describes the chart for screen readers; required before a story is published. */
  alt: bilingualTextSchema.optional(),
  height: z.number().int().min(100).max(2000).optional(),
  grid: z.boolean().optional(),
}).superRefine((spec, ctx) => {
  const need = (key: 'x' | 'y' | 'text' | 'join', ko: string, en: string) => {
    if (spec[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: bilingualMessage(ko, en) });
  };
  const forbid = (key: keyof typeof spec, ko: string, en: string) => {
    if (spec[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: bilingualMessage(ko, en) });
  };
  const m = spec.mark;
  if (xyMarks.has(m)) {
    need('x', `${m} 차트에는 x 열이 필요합니다`, `a ${m} chart needs an x column`);
    need('y', `${m} 차트에는 y 열이 필요합니다`, `a ${m} chart needs a y column`);
  }
  if (m === 'text') need('text', 'text 차트에는 글자로 쓸 열(text)이 필요합니다', 'a text chart needs a text column');
  if (m === 'rule' && spec.x === undefined && spec.y === undefined) {
    ctx.addIssue({ code: 'custom', path: ['y'], message: bilingualMessage('rule 차트에는 x나 y 열이 필요합니다', 'a rule chart needs an x or a y column') });
  }
  if (m === 'geo') {
    need('join', 'geo 지도에는 join (자치구 이름이나 코드 열)이 필요합니다', 'a geo map needs join (the column with the district name or code)');
    forbid('x', 'geo 지도에는 x를 쓰지 않습니다', 'a geo map has no x');
    forbid('y', 'geo 지도에는 y를 쓰지 않습니다', 'a geo map has no y');
    forbid('fx', 'geo 지도는 fx로 나누지 않습니다', 'a geo map cannot be faceted by fx');
    forbid('fy', 'geo 지도는 fy로 나누지 않습니다', 'a geo map cannot be faceted by fy');
  } else {
    forbid('join', 'join은 geo 지도에서만 씁니다', 'join is only for geo maps');
    forbid('layer', 'layer는 geo 지도에서만 씁니다', 'layer is only for geo maps');
    forbid('districtNames', 'districtNames는 geo 지도에서만 씁니다', 'districtNames is only for geo maps');
  }
  if (Array.isArray(spec.y) && spec.y.length > 1) {
    if (!multiYMarks.has(m)) {
      ctx.addIssue({ code: 'custom', path: ['y'], message: bilingualMessage(`${m} 차트에는 y 열을 하나만 씁니다`, `a ${m} chart takes a single y column`) });
    }
    for (const key of ['fill', 'stroke'] as const) {
      if (typeof spec[key] === 'string') {
        ctx.addIssue({
          code: 'custom', path: [key],
          message: bilingualMessage('y 열이 여러 개이면 색은 열마다 정해집니다: 색 열을 함께 쓸 수 없습니다', 'with several y columns each column gets its own colour: a colour column cannot be used too'),
        });
      }
    }
  }
  if (m !== 'dot' && spec.r !== undefined) forbid('r', 'r(크기)는 dot 차트에서만 씁니다', 'r (size) is only for dot charts');
  if (m !== 'text' && spec.text !== undefined) forbid('text', 'text 열은 text 차트에서만 씁니다', 'a text column is only for text charts');
});

export type ChartSpec = z.infer<typeof chartSpecSchema>;

export type ParseResult<T> = { ok: true; spec: T } | { ok: false; problems: SpecProblem[] };

/** Validates a cell's `spec` (any JSON). */
export function parseChartSpec(value: unknown): ParseResult<ChartSpec> {
  if (value === null || value === undefined) {
    return { ok: false, problems: [{ path: '', ko: '차트 설정이 비어 있습니다', en: 'the chart has no settings yet' }] };
  }
  const r = chartSpecSchema.safeParse(value, { reportInput: true });
  return r.success ? { ok: true, spec: r.data } : { ok: false, problems: problemsFromZod(r.error, chartSpecSchema) };
}

/** An error carrying the problems (thrown by `specToPlotOptions`). */
export class ChartSpecError extends MadangError {
  readonly problems: SpecProblem[];
  constructor(problems: SpecProblem[]) {
    super('invalid_input', {
      ko: problems.map((p) => p.ko).join('\n'),
      en: problems.map((p) => p.en).join('\n'),
    });
    this.problems = problems;
  }
}

// ---- data -------------------------------------------------------------------------------------

export type ChartRow = Record<string, unknown>;

/** Charts refuse more rows than this: Plot would freeze the page; aggregate in SQL instead. */
export const maxChartRows = 50_000;

/** Every column name the spec reads, with its path. */
export function specFields(spec: ChartSpec): { path: string; field: string }[] {
  const out: { path: string; field: string }[] = [];
  const add = (path: string, v: unknown) => {
    if (typeof v === 'string') out.push({ path, field: v });
  };
  add('x', spec.x);
  if (Array.isArray(spec.y)) spec.y.forEach((f, i) => add(`y[${i}]`, f));
  else add('y', spec.y);
  add('fill', spec.fill);
  add('stroke', spec.stroke);
  add('r', spec.r);
  add('text', spec.text);
  add('fx', spec.fx);
  add('fy', spec.fy);
  add('join.field', spec.join?.field);
  return out;
}

/** Columns the spec names that the data does not have (with a "did you mean"). */
export function checkSpecColumns(spec: ChartSpec, columns: readonly string[]): SpecProblem[] {
  const have = new Set(columns);
  const list = columns.join(', ');
  return specFields(spec)
    .filter(({ field: f }) => !have.has(f))
    .map(({ path, field: f }) => {
      const hint = suggestName(f, columns);
      const colourHint = (path === 'fill' || path === 'stroke') && cssColour.test(f);
      return {
        path,
        ko: `${path}: ${spec.data}에 "${f}" 열이 없습니다${hint ? ` ("${hint}"?)` : ''}${colourHint ? `. 고정 색은 {"value": "${f}"}로 씁니다` : ''} (열: ${list})`,
        en: `${path}: ${spec.data} has no column "${f}"${hint ? ` (did you mean "${hint}"?)` : ''}${colourHint ? `. Write a constant colour as {"value": "${f}"}` : ''} (columns: ${list})`,
      };
    });
}

/** Plain JavaScript values Plot understands: bigint -> number (DuckDB's COUNT is BIGINT). */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export function normalizeRows(rows: readonly ChartRow[]): ChartRow[] {
  return rows.map((row) => {
    let copy: ChartRow | null = null;
    for (const key of Object.keys(row)) {
      if (typeof row[key] === 'bigint') {
        copy ??= { ...row };
        copy[key] = plainValue(row[key]);
      }
    }
    return copy ?? row;
  });
}

// ---- spec -> Plot options ---------------------------------------------------------------------

export type ChartLang = 'ko' | 'en';

export interface PlotContext {
  /** The `@observablehq/plot` module (only its mark constructors are used here). */
  Plot: typeof PlotModule;
  lang?: ChartLang;
  /** The district layer, required for `geo` (load it with `loadSeoulGu()`). */
  geo?: DistrictLayer;
  width?: number;
  /** Column names, when known from the result's schema (else the first row's keys). */
  columns?: readonly string[];
}

/** The text in `lang`, else the other language, else undefined. */
export function pickText(t: BilingualText | undefined, lang: ChartLang): string | undefined {
  if (!t) return undefined;
  const first = lang === 'en' ? t.en : t.ko;
  const second = lang === 'en' ? t.ko : t.en;
  return first?.trim() ? first : second?.trim() ? second : undefined;
}

/** Canonical Plot mark name for a spec mark. */
export function plotMarkName(spec: ChartSpec): string {
  switch (spec.mark) {
    case 'bar':
    case 'barY': return 'barY';
    case 'barX': return 'barX';
    case 'line': return 'lineY';
    case 'area': return 'areaY';
    case 'dot': return 'dot';
    case 'cell':
    case 'heatmap': return 'cell';
    case 'rule': return spec.x !== undefined ? 'ruleX' : 'ruleY';
    case 'text': return 'text';
    case 'geo': return 'geo';
  }
}

/** Tableau blue: the default colour of single-series marks (and of matched districts on maps). */
export const defaultMarkColour = '#4e79a7';

const seriesKey = '\u0000series';
const valueKey = '\u0000value';

/** Plot's shorthand for sorting an ordinal domain: `-y` = by y, descending. */
function plotSort(sort: ChartSpec['sort']): Record<string, unknown> | undefined {
  if (!sort) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of ['x', 'y', 'fx', 'fy', 'color'] as const) if (sort[k]) out[k] = sort[k];
  if (Object.keys(out).length === 0) return undefined;
  if (sort.limit !== undefined) out.limit = sort.limit;
  return out;
}

/** Years (integers 1000–2999) read better without a thousands separator ("2,023"). */
function looksLikeYears(rows: readonly ChartRow[], f: string | undefined): boolean {
  if (typeof f !== 'string' || rows.length === 0) return false;
  return rows.every((r) => {
    const v = r[f];
    return v === null || v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 1000 && v <= 2999);
  });
}

/** The problem for a result too large to chart (null when it fits). Checked before rows are read. */
export function tooManyRows(spec: Pick<ChartSpec, 'data'>, rowCount: number): SpecProblem | null {
  if (rowCount <= maxChartRows) return null;
  return {
    path: 'data',
    ko: `${spec.data}의 행이 너무 많아 차트로 그리지 않습니다 (${rowCount.toLocaleString('ko-KR')}행, 최대 ${maxChartRows.toLocaleString('ko-KR')}행). SQL에서 먼저 묶어 주세요 (GROUP BY).`,
    en: `${spec.data} has too many rows to chart (${rowCount.toLocaleString('en-US')}, at most ${maxChartRows.toLocaleString('en-US')}). Aggregate in SQL first (GROUP BY).`,
  };
}

/**
 * Checks everything that depends on the data (columns exist, row count). Empty = drawable.
 * The UI shows these in place of the chart.
 */
export function checkChartData(spec: ChartSpec, rows: readonly ChartRow[], ctx: Pick<PlotContext, 'columns' | 'geo'> = {}): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const tooMany = tooManyRows(spec, rows.length);
  if (tooMany) return [tooMany];
  const columns = ctx.columns ? [...ctx.columns] : rows.length > 0 ? Object.keys(rows[0]) : null;
  if (columns) problems.push(...checkSpecColumns(spec, columns));
  return problems;
}

/** Notes shown under a chart that still draws: missing alt text, districts that did not join. */
export function chartNotes(spec: ChartSpec, rows: readonly ChartRow[], ctx: Pick<PlotContext, 'geo'> = {}): SpecProblem[] {
  const notes: SpecProblem[] = [];
  if (!pickText(spec.alt, 'ko') && !pickText(spec.alt, 'en')) {
    notes.push({ path: 'alt', ko: '대체 텍스트(alt)가 없습니다. 화면 낭독기 사용자를 위해 차트가 보여 주는 것을 적어 주세요 (공개 전 필수).', en: 'No alt text: describe what the chart shows for screen reader users (required before publishing).' });
  } else if (!spec.alt?.ko?.trim() || !spec.alt?.en?.trim()) {
    notes.push({ path: 'alt', ko: '대체 텍스트(alt)가 한 언어로만 있습니다.', en: 'Alt text is written in one language only.' });
  }
  if (rows.length === 0) notes.push({ path: 'data', ko: `${spec.data}의 결과가 0행입니다.`, en: `${spec.data} returned 0 rows.` });
  if (spec.mark === 'geo' && spec.join && ctx.geo) {
    const m = matchDistricts(ctx.geo, rows, spec.join);
    if (m.unmatched.length > 0) {
      const list = m.unmatched.slice(0, 20).join(', ') + (m.unmatched.length > 20 ? ' …' : '');
      notes.push({ path: 'join.field', ko: `자치구와 맞지 않는 값 ${m.unmatched.length}개: ${list}`, en: `${m.unmatched.length} values matched no district: ${list}` });
    }
    if (m.duplicates.length > 0) {
      notes.push({ path: 'join.field', ko: `여러 행이 같은 자치구를 가리킵니다 (첫 행만 씀): ${m.duplicates.join(', ')}`, en: `several rows name the same district (the first is used): ${m.duplicates.join(', ')}` });
    }
    if (m.ambiguousCodes) {
      notes.push({ path: 'join.codes', ko: '코드가 행정표준코드와 통계청 코드 양쪽에 있어 행정표준코드로 맞췄습니다. 다르면 join.codes를 "kostat"으로 정하세요.', en: 'The codes exist in both the administrative and the KOSTAT system; matched as administrative codes. Set join.codes to "kostat" if that is wrong.' });
    }
  }
  return notes;
}

/**
 * The Plot options for a validated spec and its rows (plain objects; see `normalizeRows`).
 * Throws `ChartSpecError` when the data does not fit (missing columns, too many rows, no geo layer).
 */
export function specToPlotOptions(spec: ChartSpec, rows: readonly ChartRow[], ctx: PlotContext): PlotModule.PlotOptions {
  const { Plot } = ctx;
  const lang = ctx.lang ?? 'ko';
  const problems = checkChartData(spec, rows, { columns: ctx.columns });
  if (problems.length > 0) throw new ChartSpecError(problems);
  const data = normalizeRows(rows);
  const label = (key: keyof NonNullable<ChartSpec['labels']>) => pickText(spec.labels?.[key], lang);
  const tip = spec.tip !== false;
  const title = pickText(spec.title, lang);
  const alt = pickText(spec.alt, lang);

  const options: PlotModule.PlotOptions = {
    width: ctx.width ?? 640,
    style: { fontSize: '12px' },
    marks: [],
  };
  if (title) options.title = title;
  const subtitle = pickText(spec.subtitle, lang);
  if (subtitle) options.subtitle = subtitle;
  const caption = pickText(spec.caption, lang);
  if (caption) options.caption = caption;
  if (alt ?? title) options.ariaLabel = alt ?? title;
  if (alt) options.ariaDescription = alt;
  if (spec.height !== undefined) options.height = spec.height;
  if (spec.grid) options.grid = true;

  const colour: Record<string, unknown> = {};
  if (spec.color?.scheme) colour.scheme = spec.color.scheme;
  if (spec.color?.type) colour.type = spec.color.type;
  const colourIsField = typeof spec.fill === 'string' || typeof spec.stroke === 'string' || (Array.isArray(spec.y) && spec.y.length > 1);
  const legend = spec.color?.legend ?? colourIsField;
  if (legend) colour.legend = true;
  if (label('color')) colour.label = label('color');

  if (spec.mark === 'geo') return geoOptions(spec, data, ctx, options, colour, tip, lang);

  const markOptions: Record<string, unknown> = {};
  // Several y columns: one long row per (row, column), coloured by the column's name.
  let markData: ChartRow[] = data;
  const ys = Array.isArray(spec.y) ? spec.y : spec.y !== undefined ? [spec.y] : [];
  const multi = ys.length > 1;
  if (multi) {
    markData = [];
    for (const row of data) for (const y of ys) markData.push({ ...row, [seriesKey]: y, [valueKey]: row[y] });
  }
  if (spec.x !== undefined) markOptions.x = spec.x;
  // Accessor functions, not the helper keys, so tips and legends show the labels set below.
  const seriesOf = (d: ChartRow) => d[seriesKey];
  if (ys.length > 0) markOptions.y = multi ? (d: ChartRow) => d[valueKey] : ys[0];
  const isLine = spec.mark === 'line' || spec.mark === 'rule';
  if (multi) {
    if (isLine || spec.mark === 'dot') markOptions.stroke = seriesOf;
    else markOptions.fill = seriesOf;
    colour.domain = ys;
    colour.label ??= lang === 'en' ? 'series' : '계열';
  }
  for (const key of ['fill', 'stroke'] as const) {
    const v = spec[key];
    if (typeof v === 'string') markOptions[key] = v;
    else if (v) markOptions[key] = v.value;
  }
  // One calm default colour instead of Plot's black (currentColor) for single-series charts.
  if (!multi && markOptions.fill === undefined && markOptions.stroke === undefined) {
    if (['bar', 'barY', 'barX', 'area'].includes(spec.mark)) markOptions.fill = defaultMarkColour;
    else if (spec.mark === 'line' || spec.mark === 'dot') markOptions.stroke = defaultMarkColour;
  }
  if (spec.r !== undefined) markOptions.r = spec.r;
  if (spec.text !== undefined) markOptions.text = spec.text;
  if (spec.fx !== undefined) markOptions.fx = spec.fx;
  if (spec.fy !== undefined) markOptions.fy = spec.fy;
  const sort = plotSort(spec.sort);
  if (sort) markOptions.sort = sort;
  if (tip) markOptions.tip = true;
  if (spec.mark === 'text' && markOptions.fill === undefined) markOptions.fill = 'currentColor';

  const xLabel = label('x');
  const yLabel = label('y') ?? (multi ? ys.join(', ') : undefined);
  const x: Record<string, unknown> = {};
  const y: Record<string, unknown> = {};
  if (xLabel) x.label = xLabel;
  if (yLabel) y.label = yLabel;
  if (looksLikeYears(data, spec.x) && spec.mark !== 'barX') x.tickFormat = 'd';
  if (looksLikeYears(data, multi ? undefined : ys[0]) && spec.mark === 'barX') y.tickFormat = 'd';
  if (spec.mark === 'barX' || spec.mark === 'cell' || spec.mark === 'heatmap') {
    // Long Korean category names on the y axis need room.
    const longest = data.reduce((n, r) => Math.max(n, String(r[ys[0]] ?? '').length), 0);
    options.marginLeft = Math.min(200, Math.max(40, 12 * longest + 12));
  }
  if (Object.keys(x).length) options.x = x;
  if (Object.keys(y).length) options.y = y;
  if (label('fx')) options.fx = { label: label('fx') };
  if (label('fy')) options.fy = { label: label('fy') };
  if (label('r')) options.r = { label: label('r') };
  if (Object.keys(colour).length) options.color = colour;

  const name = plotMarkName(spec);
  const make = Plot[name as 'barY'] as unknown as (d: unknown, o: unknown) => PlotModule.Markish;
  const marks: PlotModule.Markish[] = [];
  marks.push(make(markData, markOptions));
  // A zero baseline makes bar and area lengths readable.
  if (name === 'barY' || name === 'areaY') marks.unshift(Plot.ruleY([0]));
  if (name === 'barX') marks.unshift(Plot.ruleX([0]));
  options.marks = marks;
  return options;
}

function geoOptions(
  spec: ChartSpec,
  data: ChartRow[],
  ctx: PlotContext,
  options: PlotModule.PlotOptions,
  colour: Record<string, unknown>,
  tip: boolean,
  lang: ChartLang,
): PlotModule.PlotOptions {
  const { Plot } = ctx;
  const layer = ctx.geo;
  if (!layer) throw new ChartSpecError([{ path: 'layer', ko: '자치구 경계 지도를 불러오지 못했습니다', en: 'the district boundary layer is not loaded' }]);
  const join = spec.join!;
  const match = matchDistricts(layer, data, join);
  const valueField = typeof spec.fill === 'string' ? spec.fill : null;
  const constantFill = spec.fill && typeof spec.fill !== 'string' ? spec.fill.value : null;
  const nameOf = (i: number) => (lang === 'en' ? layer.features[i].properties.nameEn : layer.features[i].properties.name);
  const joined = [...match.rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, row]) => ({ ...layer.features[i], properties: { ...layer.features[i].properties, row, label: nameOf(i) } }));
  type Joined = (typeof joined)[number];

  options.projection = { type: 'mercator', domain: layer as unknown as PlotModule.ProjectionOptions['domain'] };
  if (valueField && !colour.scheme) colour.scheme = 'blues';
  // Counts start at zero, so the smallest district is not drawn as if it had none.
  const values = joined.map((d) => plainValue(d.properties.row[valueField ?? '']));
  if (valueField && !spec.color?.type && values.length > 0 && values.every((v) => v === null || (typeof v === 'number' && v >= 0))) colour.zero = true;
  if (valueField && colour.legend) colour.label = colour.label ?? valueField;
  if (Object.keys(colour).length) options.color = colour;

  const stroke = typeof spec.stroke === 'object' ? spec.stroke.value : 'white';
  const channels: Record<string, unknown> = { [lang === 'en' ? 'District' : '자치구']: (d: Joined) => d.properties.label };
  if (valueField) channels[valueField] = (d: Joined) => plainValue(d.properties.row[valueField]);
  const marks: PlotModule.Markish[] = [
    // Every district, so the city's shape shows even where no row matched.
    Plot.geo(layer.features, { fill: '#e8e8e8', stroke, strokeWidth: 1 }),
    Plot.geo(joined, Plot.centroid({
      fill: valueField ? (d: Joined) => plainValue(d.properties.row[valueField]) : constantFill ?? defaultMarkColour,
      stroke,
      strokeWidth: 1,
      channels,
      tip: tip ? true : undefined,
    }) as PlotModule.GeoOptions),
  ];
  if (spec.districtNames) {
    marks.push(Plot.text(layer.features, Plot.centroid({
      text: (d: DistrictLayer['features'][number]) => (lang === 'en' ? d.properties.nameEn.replace(/-gu$/, '') : d.properties.name),
      fill: 'currentColor',
      stroke: 'white',
      strokeWidth: 3,
      fontSize: 10,
    }) as PlotModule.TextOptions));
  }
  options.marks = marks;
  if (!options.caption) options.caption = seoulGuAttribution[lang];
  return options;
}
