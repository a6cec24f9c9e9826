/**
 * The notebook document: the one shape of a notebook's Y.Doc, declared once (Yjs best practice:
 * define every root type right after creating the doc, in one place).
 *
 *   meta      Y.Map    title: string, lang: 'ko'|'en', problemId: string|null,
 *                      extracts: string[] (plain JSON, replaced whole; refs `name` or `name@version`,
 *                      see shared/extracts.ts), schemaVersion: number
 *   cells     Y.Map    cell id -> Y.Map {
 *                        kind:   'markdown' | 'sql' | 'chart' | 'input'
 *                        name:   string ('' = unnamed; sql/input names are what later cells use)
 *                        order:  fractional index key, see ./order.ts (visible order = by order, then id)
 *                        source: Y.Text (markdown text or SQL; unused by chart/input)
 *                        spec:   plain JSON or null (chart/input settings)
 *                      }
 *   comments  Y.Map    cell id -> Y.Array of threads (shape owned by the comments feature)
 *
 * Outputs never live here (they are large, per-person and conflict-prone; Jupyter's shared store
 * shows why). Every multi-field edit runs in one `doc.transact(fn, origin)` so peers receive one
 * update and undo treats it as one step.
 *
 * @example
 *   const doc = new Y.Doc();
 *   initNotebook(doc, { title: '자전거 사고' });
 *   const id = insertCell(doc, { kind: 'sql', name: 'by_gu', source: 'SELECT 1' });
 *   listCells(doc)[0].name // 'by_gu'
 */
import * as Y from 'yjs';
import { MadangError } from '../errors.ts';
import { parseExtractRef } from '../extracts.ts';
import { isValidCellId, newId } from '../ids.ts';
import { compareOrdered, planPlacement, type Ordered } from './order.ts';

/** Bump together with a new entry in `./migrations.ts`. */
export const SCHEMA_VERSION = 1;

export const cellKinds = ['markdown', 'sql', 'chart', 'input'] as const;
export type CellKind = (typeof cellKinds)[number];

export const notebookLangs = ['ko', 'en'] as const;
export type NotebookLang = (typeof notebookLangs)[number];

/** A plain copy of one cell, for rendering lists and for export. */
export interface CellSnapshot {
  id: string;
  kind: CellKind;
  name: string;
  order: string;
  source: string;
  spec: unknown | null;
}

export interface NotebookMeta {
  title: string;
  lang: NotebookLang;
  problemId: string | null;
  extracts: string[];
  /** 0 for a doc written before versioning (see migrations.ts). */
  schemaVersion: number;
}

export interface NotebookRoots {
  meta: Y.Map<unknown>;
  cells: Y.Map<Y.Map<unknown>>;
  comments: Y.Map<Y.Array<unknown>>;
}

export function getNotebookRoots(doc: Y.Doc): NotebookRoots {
  return {
    meta: doc.getMap<unknown>('meta'),
    cells: doc.getMap<Y.Map<unknown>>('cells'),
    comments: doc.getMap<Y.Array<unknown>>('comments'),
  };
}

export function isCellKind(value: unknown): value is CellKind {
  return typeof value === 'string' && (cellKinds as readonly string[]).includes(value);
}

function invalid(ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko, en });
}

// ---- meta -------------------------------------------------------------------------------------

/** Sets every meta field (given or default) and the current schema version. */
export function initNotebook(
  doc: Y.Doc,
  meta: Partial<NotebookMeta> & { title: string },
  origin?: unknown,
): void {
  const lang = meta.lang ?? 'ko';
  if (!(notebookLangs as readonly string[]).includes(lang)) throw invalid(`알 수 없는 언어: ${lang}`, `unknown language: ${lang}`);
  const extracts = [...(meta.extracts ?? [])];
  requireExtractRefs(extracts);
  const { meta: m } = getNotebookRoots(doc);
  doc.transact(() => {
    m.set('title', String(meta.title));
    m.set('lang', lang);
    m.set('problemId', meta.problemId ?? null);
    m.set('extracts', extracts);
    m.set('schemaVersion', SCHEMA_VERSION);
  }, origin);
}

/** Meta with defaults for missing or malformed fields (a peer may run an older client). */
export function readMeta(doc: Y.Doc): NotebookMeta {
  const { meta } = getNotebookRoots(doc);
  const title = meta.get('title');
  const lang = meta.get('lang');
  const problemId = meta.get('problemId');
  const extracts = meta.get('extracts');
  const version = meta.get('schemaVersion');
  return {
    title: typeof title === 'string' ? title : '',
    lang: lang === 'en' ? 'en' : 'ko',
    problemId: typeof problemId === 'string' ? problemId : null,
    extracts: Array.isArray(extracts) ? extracts.filter((e): e is string => typeof e === 'string') : [],
    schemaVersion: typeof version === 'number' && Number.isInteger(version) ? version : 0,
  };
}

export function setTitle(doc: Y.Doc, title: string, origin?: unknown): void {
  if (typeof title !== 'string') throw invalid('제목은 문자열이어야 합니다', 'title must be a string');
  doc.transact(() => getNotebookRoots(doc).meta.set('title', title), origin);
}

export function setLang(doc: Y.Doc, lang: NotebookLang, origin?: unknown): void {
  if (!(notebookLangs as readonly string[]).includes(lang)) throw invalid(`알 수 없는 언어: ${lang}`, `unknown language: ${lang}`);
  doc.transact(() => getNotebookRoots(doc).meta.set('lang', lang), origin);
}

export function setProblemId(doc: Y.Doc, problemId: string | null, origin?: unknown): void {
  doc.transact(() => getNotebookRoots(doc).meta.set('problemId', problemId), origin);
}

/**
 * Why a list of extract refs cannot be a notebook's `meta.extracts`, in both languages; null when
 * it can. Each entry is `name` (follows the newest live version) or `name@version` (pinned); one
 * name appears once (two versions of one extract would register the same table twice). Names
 * compare case-insensitively, as DuckDB's identifiers do.
 */
export function describeExtractRefsProblem(refs: readonly string[]): { ko: string; en: string } | null {
  const seen = new Map<string, string>();
  for (const ref of refs) {
    const parsed = typeof ref === 'string' ? parseExtractRef(ref) : null;
    if (!parsed) {
      return {
        ko: `추출본 이름: 이름은 영문자나 _로 시작하고 영문자, 숫자, _만 쓸 수 있으며 뒤에 @버전을 붙일 수 있습니다 (예: bike_accidents_by_gu@2): ${String(ref)}`,
        en: `extract name: name must start with a letter or _ and contain only ASCII letters, digits and _, optionally followed by @version (e.g. bike_accidents_by_gu@2): ${String(ref)}`,
      };
    }
    const key = parsed.name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return earlier === ref
        ? { ko: `추출본이 두 번 나옵니다: ${ref}`, en: `extract listed twice: ${ref}` }
        : { ko: `한 추출본의 두 버전을 함께 쓸 수 없습니다: ${earlier}, ${ref}`, en: `two versions of one extract cannot be used together: ${earlier}, ${ref}` };
    }
    seen.set(key, ref);
  }
  return null;
}

function requireExtractRefs(refs: readonly string[]): void {
  const problem = describeExtractRefsProblem(refs);
  if (problem) throw new MadangError('invalid_input', problem);
}

/**
 * Replaces the list of extracts the notebook uses (refs, see `describeExtractRefsProblem`). The
 * same ref given twice is kept once; two different refs to one extract are an error.
 */
export function setExtracts(doc: Y.Doc, extracts: readonly string[], origin?: unknown): void {
  const unique = [...new Set(extracts)];
  requireExtractRefs(unique);
  doc.transact(() => getNotebookRoots(doc).meta.set('extracts', unique), origin);
}

/**
 * Pins the notebook's extract `name` to `version` (null = follow the newest) in one transaction, so
 * moving a pin is one undo step and every collaborator loads the new version. Returns false when
 * the notebook does not use that extract (nothing written) or it already has that pin.
 */
export function setExtractPin(doc: Y.Doc, name: string, version: number | null, origin?: unknown): boolean {
  if (version !== null && !(Number.isInteger(version) && version > 0)) {
    throw invalid(`추출본 버전은 1 이상의 정수여야 합니다: ${String(version)}`, `an extract version is a positive integer: ${String(version)}`);
  }
  const refs = readMeta(doc).extracts;
  const i = refs.findIndex((r) => parseExtractRef(r)?.name.toLowerCase() === name.toLowerCase());
  if (i < 0) return false;
  const current = parseExtractRef(refs[i]!)!;
  const next = version === null ? current.name : `${current.name}@${version}`;
  if (refs[i] === next) return false;
  const updated = refs.map((r, j) => (j === i ? next : r));
  requireExtractRefs(updated);
  doc.transact(() => getNotebookRoots(doc).meta.set('extracts', updated), origin);
  return true;
}

/**
 * Adds extract `name` pinned to `version` (the newest live one, chosen by the caller), so the new
 * extract computes on fixed rows from the start. Returns false (nothing written) when the notebook
 * already uses that extract, at any version.
 */
export function addExtract(doc: Y.Doc, name: string, version: number, origin?: unknown): boolean {
  const refs = readMeta(doc).extracts;
  if (refs.some((r) => parseExtractRef(r)?.name.toLowerCase() === name.toLowerCase())) return false;
  const updated = [...refs, `${name}@${version}`];
  requireExtractRefs(updated);
  doc.transact(() => getNotebookRoots(doc).meta.set('extracts', updated), origin);
  return true;
}

// ---- cells: reading ---------------------------------------------------------------------------

function snapshotCell(id: string, cell: Y.Map<unknown>): CellSnapshot {
  const kind = cell.get('kind');
  const name = cell.get('name');
  const order = cell.get('order');
  const source = cell.get('source');
  const spec = cell.get('spec');
  return {
    id,
    // An unknown kind (from a newer client) shows as markdown rather than disappearing.
    kind: isCellKind(kind) ? kind : 'markdown',
    name: typeof name === 'string' ? name : '',
    order: typeof order === 'string' ? order : '',
    source: source instanceof Y.Text ? source.toString() : typeof source === 'string' ? source : '',
    spec: spec === undefined ? null : (spec as unknown),
  };
}

function orderedEntries(doc: Y.Doc): Ordered[] {
  const out: Ordered[] = [];
  getNotebookRoots(doc).cells.forEach((cell, id) => {
    if (!(cell instanceof Y.Map)) return;
    const order = cell.get('order');
    out.push({ id, order: typeof order === 'string' ? order : '' });
  });
  return out.sort(compareOrdered);
}

/** Every cell, in visible order (order key, ties by id): the same on every peer. */
export function listCells(doc: Y.Doc): CellSnapshot[] {
  const { cells } = getNotebookRoots(doc);
  return orderedEntries(doc).map(({ id }) => snapshotCell(id, cells.get(id) as Y.Map<unknown>));
}

export function orderedCellIds(doc: Y.Doc): string[] {
  return orderedEntries(doc).map((e) => e.id);
}

export function getCell(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const cell = getNotebookRoots(doc).cells.get(id);
  return cell instanceof Y.Map ? cell : undefined;
}

/** The cell's shared text (bind it to Monaco with y-monaco). */
export function getCellSource(doc: Y.Doc, id: string): Y.Text | undefined {
  const source = getCell(doc, id)?.get('source');
  return source instanceof Y.Text ? source : undefined;
}

export function getCellSnapshot(doc: Y.Doc, id: string): CellSnapshot | undefined {
  const cell = getCell(doc, id);
  return cell ? snapshotCell(id, cell) : undefined;
}

// ---- cells: editing ---------------------------------------------------------------------------

function requireCell(doc: Y.Doc, id: string): Y.Map<unknown> {
  const cell = getCell(doc, id);
  if (!cell) throw new MadangError('not_found', { ko: `셀을 찾을 수 없습니다: ${id}`, en: `cell not found: ${id}` });
  return cell;
}

function requireKind(kind: unknown): CellKind {
  if (!isCellKind(kind)) throw invalid(`알 수 없는 셀 종류: ${String(kind)}`, `unknown cell kind: ${String(kind)}`);
  return kind;
}

/** '' clears the name; anything else must pass `validateCellName`. */
function requireName(name: string): string {
  if (typeof name !== 'string') throw invalid('셀 이름은 문자열이어야 합니다', 'cell name must be a string');
  if (name === '') return name;
  const problem = describeCellNameProblem(name);
  if (problem) throw new MadangError('invalid_input', problem);
  return name;
}

/** Specs are stored as plain JSON: copy, so later mutation of the caller's object changes nothing. */
function toJsonValue(spec: unknown): unknown {
  if (spec === undefined || spec === null) return null;
  try {
    return JSON.parse(JSON.stringify(spec)) as unknown;
  } catch (err) {
    throw new MadangError('invalid_input', { ko: '셀 설정은 JSON이어야 합니다', en: 'cell spec must be JSON' }, { cause: err });
  }
}

/** Index in `sorted` right after `afterId` (null = first, undefined = last). */
function targetIndex(doc: Y.Doc, sorted: Ordered[], afterId: string | null | undefined): number {
  if (afterId === undefined) return sorted.length;
  if (afterId === null) return 0;
  const i = sorted.findIndex((e) => e.id === afterId);
  if (i < 0) {
    requireCell(doc, afterId); // throws not_found
    return sorted.length;
  }
  return i + 1;
}

function applyPlacement(doc: Y.Doc, id: string, afterId: string | null | undefined): string {
  const sorted = orderedEntries(doc).filter((e) => e.id !== id);
  const plan = planPlacement(sorted, targetIndex(doc, sorted, afterId));
  const { cells } = getNotebookRoots(doc);
  for (const [otherId, key] of plan.rekeyed) cells.get(otherId)?.set('order', key);
  return plan.key;
}

export interface InsertCellOptions {
  kind: CellKind;
  source?: string;
  name?: string;
  spec?: unknown;
  /** null = first, undefined = last, else after that cell. */
  afterId?: string | null;
  /** Normally omitted (a fresh random id); tests and imports may choose one. */
  id?: string;
}

/** Inserts a cell and returns its id. */
export function insertCell(doc: Y.Doc, opts: InsertCellOptions, origin?: unknown): string {
  const kind = requireKind(opts.kind);
  const name = requireName(opts.name ?? '');
  const spec = toJsonValue(opts.spec);
  const id = opts.id ?? newId();
  if (!isValidCellId(id)) throw invalid(`셀 id가 올바르지 않습니다: ${id}`, `invalid cell id: ${id}`);
  const { cells } = getNotebookRoots(doc);
  if (cells.has(id)) throw new MadangError('conflict', { ko: `이미 있는 셀 id입니다: ${id}`, en: `cell id already exists: ${id}` });
  if (typeof opts.afterId === 'string') requireCell(doc, opts.afterId);
  doc.transact(() => {
    const order = applyPlacement(doc, id, opts.afterId);
    const cell = new Y.Map<unknown>();
    cells.set(id, cell);
    cell.set('kind', kind);
    cell.set('name', name);
    cell.set('order', order);
    cell.set('source', new Y.Text(opts.source ?? ''));
    cell.set('spec', spec);
  }, origin);
  return id;
}

/**
 * Moves a cell after `afterId` (null = first). Only the moved cell's `order` changes, except in
 * the rare tie described in ./order.ts. A move to where the cell already is writes nothing.
 */
export function moveCell(doc: Y.Doc, id: string, afterId: string | null, origin?: unknown): void {
  const cell = requireCell(doc, id);
  if (afterId === id) return;
  if (afterId !== null) requireCell(doc, afterId);
  const ids = orderedCellIds(doc);
  const current = ids.indexOf(id);
  const alreadyThere = afterId === null ? current === 0 : ids[current - 1] === afterId;
  if (alreadyThere) return;
  doc.transact(() => {
    cell.set('order', applyPlacement(doc, id, afterId));
  }, origin);
}

/** Deletes a cell and its comment threads. */
export function deleteCell(doc: Y.Doc, id: string, origin?: unknown): void {
  requireCell(doc, id);
  const { cells, comments } = getNotebookRoots(doc);
  doc.transact(() => {
    cells.delete(id);
    if (comments.has(id)) comments.delete(id);
  }, origin);
}

export function setCellKind(doc: Y.Doc, id: string, kind: CellKind, origin?: unknown): void {
  const cell = requireCell(doc, id);
  const k = requireKind(kind);
  if (cell.get('kind') === k) return;
  doc.transact(() => cell.set('kind', k), origin);
}

export function setCellName(doc: Y.Doc, id: string, name: string, origin?: unknown): void {
  const cell = requireCell(doc, id);
  const n = requireName(name);
  if (cell.get('name') === n) return;
  doc.transact(() => cell.set('name', n), origin);
}

export function setCellSpec(doc: Y.Doc, id: string, spec: unknown, origin?: unknown): void {
  const cell = requireCell(doc, id);
  const value = toJsonValue(spec);
  doc.transact(() => cell.set('spec', value), origin);
}

// ---- names ------------------------------------------------------------------------------------

/** Longest cell or extract name. */
export const maxCellNameLength = 64;

// A name becomes a table name in DuckDB, so it must be a plain (unquoted) identifier that is not a
// reserved word. Hangul (syllables and jamo) is allowed: DuckDB accepts non-ASCII letters unquoted.
const namePattern = /^[A-Za-z_\p{Script=Hangul}][A-Za-z0-9_\p{Script=Hangul}]*$/u;

// DuckDB's reserved keywords (`SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category = 'reserved'`).
const reservedWords = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast',
  'check', 'collate', 'column', 'constraint', 'create', 'default', 'deferrable', 'desc', 'describe',
  'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group',
  'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'not', 'null', 'offset',
  'on', 'only', 'or', 'order', 'pivot', 'pivot_longer', 'pivot_wider', 'placing', 'primary', 'qualify',
  'references', 'returning', 'select', 'show', 'some', 'summarize', 'symmetric', 'table', 'then', 'to',
  'trailing', 'true', 'union', 'unique', 'unpivot', 'using', 'variadic', 'when', 'where', 'window', 'with',
]);

/** Why `name` cannot name a cell or extract, in both languages; null when it can. */
export function describeCellNameProblem(name: string): { ko: string; en: string } | null {
  if (typeof name !== 'string' || name === '') return { ko: '이름이 비어 있습니다', en: 'name is empty' };
  if ([...name].length > maxCellNameLength) {
    return { ko: `이름이 너무 깁니다 (최대 ${maxCellNameLength}자): ${name}`, en: `name is too long (max ${maxCellNameLength} characters): ${name}` };
  }
  if (!namePattern.test(name)) {
    return {
      ko: `이름은 글자나 _로 시작하고 글자, 숫자, _만 쓸 수 있습니다: ${name}`,
      en: `name must start with a letter or _ and contain only letters, digits and _: ${name}`,
    };
  }
  if (reservedWords.has(name.toLowerCase())) {
    return { ko: `SQL 예약어는 이름으로 쓸 수 없습니다: ${name}`, en: `name is a reserved SQL word: ${name}` };
  }
  return null;
}

/** null if `name` is a valid cell name, else the reason (`'한국어 / English'`). */
export function validateCellName(name: string): string | null {
  const problem = describeCellNameProblem(name);
  return problem ? `${problem.ko} / ${problem.en}` : null;
}
