/**
 * The story model: what an author asks to publish (`publishRequestSchema`, checked with zod at the
 * HTTP edge) and what a published version holds (`StoryContent`, stored whole and never changed).
 * Behind every figure sit the SQL, the extract versions, the policy versions, the output-check
 * verdict and exactly the numbers shown (so anyone can verify or download them).
 */
import { z } from 'zod';
import type { ChartSpec } from '../chartSpec.ts';
import type { FlaggedCell, JsonValue, OutputCheckStatus, QueryIssue } from '../outputCheck/report.ts';

export const storySchemaVersion = 1;

/** Published tables are capped: a story is for reading, the CSV carries the same rows. */
export const maxPublishedRows = 1000;
export const maxStoryCells = 60;

const plainText = (max: number) => z.string().max(max).transform((s) => s.trim());
const bilingual = (max: number) => z.strictObject({ ko: plainText(max), en: plainText(max).default('') });

export const publishCellSchema = z.strictObject({
  cellId: z.string().min(1).max(64),
  /** Charts: what the chart shows, for screen readers (required, both languages welcome). */
  alt: z.strictObject({ ko: plainText(1000).default(''), en: plainText(1000).default('') }).optional(),
  caption: z.strictObject({ ko: plainText(1000).default(''), en: plainText(1000).default('') }).optional(),
});
export type PublishCell = z.infer<typeof publishCellSchema>;

export const publishRequestSchema = z.strictObject({
  title: bilingual(200),
  summary: bilingual(2000),
  /** The problem on the problem board this story answers (free text id or label). */
  problem: plainText(200).optional(),
  /** Seoul districts the story is about (index filter). */
  districts: z.array(plainText(40)).max(25).default([]),
  /** The cells to publish, in the order they appear in the story. */
  cells: z.array(publishCellSchema).min(1).max(maxStoryCells),
  /**
   * Optional consistency check: the extract versions the author's browser computed on (name ->
   * version). The server always publishes on the versions the notebook document names; when one
   * of these differs, publishing is refused (the author has not seen those numbers).
   */
  extractVersions: z.record(z.string().max(64), z.number().int().positive()).default({}),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

export interface BilingualText {
  ko: string;
  en: string;
}

export interface ExtractUse {
  name: string;
  version: number;
  contentHash: string;
  kind: string;
  /** The privacy policy version the extract was built under (null: open public data). */
  policyVersionId: string | null;
}

export interface FigureCheck {
  status: OutputCheckStatus;
  summary: Record<string, number>;
  cells: FlaggedCell[];
  issues: QueryIssue[];
  rules: unknown;
  engine: string;
}

/** One published result: a table, or the data behind a chart. */
export interface Figure {
  /** 1-based position among the story's figures (the CSV address). */
  index: number;
  /** The SQL cell whose result this is. */
  cellId: string;
  cellName: string;
  /** The cell's SQL as written in the notebook. */
  sql: string;
  /** The SQL the server ran and checked (extract as `data`, upstream cells inlined, inputs fixed). */
  checkedSql: string;
  /** Input values the query ran with (the inputs' stored defaults). */
  params: Record<string, JsonValue>;
  extracts: ExtractUse[];
  columns: string[];
  rows: JsonValue[][];
  /** Rows the query returned (before the cap). */
  totalRows: number;
  truncated: boolean;
  check: FigureCheck;
}

export type StoryBlock =
  | { kind: 'text'; cellId: string; html: string }
  | { kind: 'table'; cellId: string; figure: Figure; caption: BilingualText }
  | {
    kind: 'chart'; cellId: string; figure: Figure; spec: ChartSpec;
    alt: BilingualText; caption: BilingualText; title: BilingualText;
    /** Server-rendered Observable Plot SVG per language (serialised with xmlns). */
    svg: BilingualText;
  };

export interface StoryContent {
  schemaVersion: number;
  notebookId: string;
  title: BilingualText;
  summary: BilingualText;
  problem: string | null;
  districts: string[];
  blocks: StoryBlock[];
  extracts: ExtractUse[];
  /** When the server built this version (re-ran the queries). */
  builtAt: string;
}

/** Flags of every figure, for the author's review screen. */
export interface FlaggedFigure {
  cellId: string;
  cellName: string;
  index: number;
  status: OutputCheckStatus;
  cells: FlaggedCell[];
  issues: QueryIssue[];
}

export function figuresOf(content: StoryContent): Figure[] {
  const out: Figure[] = [];
  for (const b of content.blocks) if (b.kind !== 'text') out.push(b.figure);
  return out;
}

export function flaggedFigures(content: StoryContent): FlaggedFigure[] {
  return figuresOf(content)
    .filter((f) => f.check.status !== 'pass')
    .map((f) => ({ cellId: f.cellId, cellName: f.cellName, index: f.index, status: f.check.status, cells: f.check.cells, issues: f.check.issues }));
}

/** Title in `lang`, else the other language. */
export function pick(text: BilingualText, lang: 'ko' | 'en'): string {
  const first = lang === 'en' ? text.en : text.ko;
  return first.trim() ? first : (lang === 'en' ? text.ko : text.en);
}

export const feedbackSchema = z.strictObject({
  name: plainText(60).default(''),
  body: plainText(2000).pipe(z.string().min(1)),
  /** Honeypot: people never see this field; a bot that fills it is dropped silently. */
  website: z.string().max(500).default(''),
  lang: z.enum(['ko', 'en']).default('ko'),
});
