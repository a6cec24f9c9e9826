/**
 * The notebook file format (`notebooks/*.md`): plain Markdown that diffs well, like an
 * Observable Framework page. Parsing then serialising a canonical file gives back the same bytes,
 * and serialising then parsing any `NotebookFile` gives back an equal value.
 *
 * ```text
 * ---
 * title: 자치구별 자전거 사고
 * lang: ko
 * problem: p_bike_safety        (optional; omitted when null)
 * extracts:                     (optional; omitted when empty)
 *   - bike_accidents_by_gu@2    (an extract ref: `name@version` pins, a bare `name` follows the newest)
 * ---
 *
 * Markdown text: one markdown cell.
 *
 * ```sql by_gu                  a cell: the fence starts at column 0 with backticks, the info
 * SELECT 자치구 FROM bike…        string is the kind, then optionally the cell's name
 * ```
 *
 * ```chart                      chart and input cells: the body is the cell's JSON spec
 * { "mark": "barY" }
 * ```
 *
 * <!-- cell -->                 starts a new markdown cell right after another markdown cell
 * More text.
 * ```
 *
 * Rules (the serialiser writes exactly this; the parser also accepts small variations):
 * 1. Front matter: a first line `---`, YAML (keys `title`, `lang`, `problem`, `extracts`, written in
 *    that order; unknown keys are an error so nothing is silently dropped), a line `---`.
 *    A file WITHOUT front matter is accepted: lang `ko`, no problem, no extracts, and the title is
 *    the first `# heading` (or '' when there is none; the importer then falls back to the file name).
 * 2. The body is a sequence of chunks, each preceded by one blank line; the file ends with `\n`.
 * 3. Cells: a line of 3+ backticks at column 0 whose info string starts with `sql`, `chart`,
 *    `input` or `{markdown}`, then an optional name (a valid cell name) and nothing else, up to a
 *    closing line of at least as many backticks. The serialiser makes the fence one backtick
 *    longer than the longest backtick run in the body, so any source fits.
 *    - sql: the body is the SQL source.
 *    - chart / input: the body is `JSON.stringify(spec, null, 2)`; an empty body means spec null.
 *      These kinds keep their settings in `spec`; their `source` text is not written.
 * 4. Markdown cells are the text between cells. Other fenced blocks (```js, ~~~sql, an indented
 *    ``` sql) stay inside the Markdown; fences inside Markdown are tracked, so a ```sql line inside
 *    a ```text block is text, not a cell.
 *    - Exactly one blank line before and after the text is layout, not content.
 *    - A markdown cell that directly follows another markdown cell, or whose text is blank, starts
 *      with the marker line `<!-- cell -->` (the text follows on the next line, no blank line).
 *    - A markdown text that would not read back as itself (it contains a top-level cell fence or
 *      marker line, or an unclosed fence) is written as a fenced ```{markdown} cell instead.
 *    - Markdown cells have no name and no spec in the file.
 * 5. Line endings: CRLF and CR are read as LF; a UTF-8 BOM is ignored. Files are written with LF.
 *
 * Errors are `MadangError('invalid_input')` naming the line: bad front matter, unclosed fence,
 * bad chart/input JSON, invalid cell name.
 */
import * as Y from 'yjs';
import YAML from 'yaml';
import { z } from 'zod';
import { MadangError } from './errors.ts';
import {
  describeCellNameProblem,
  describeExtractRefsProblem,
  getNotebookRoots,
  initNotebook,
  insertCell,
  isCellKind,
  listCells,
  readMeta,
  type CellKind,
  type NotebookLang,
} from './schema/notebook.ts';

export interface NotebookFileCell {
  kind: CellKind;
  /** '' = unnamed (always '' for markdown cells). */
  name: string;
  /** Markdown text or SQL; always '' for chart and input cells. */
  source: string;
  /** JSON settings of chart and input cells; null for markdown and sql cells. */
  spec: unknown | null;
}

export interface NotebookFile {
  title: string;
  /** The problem-board item this notebook works on, if any. */
  problem: string | null;
  /** Extract names the notebook's SQL reads (registered in DuckDB under these names). */
  extracts: string[];
  lang: NotebookLang;
  cells: NotebookFileCell[];
}

// ---- errors -----------------------------------------------------------------------------------

function lineError(line: number, ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko: `${line}번째 줄: ${ko}`, en: `line ${line}: ${en}` });
}

// ---- line classification (shared by the parser and the serialiser's self-check) --------------

const markerLine = '<!-- cell -->';
const markerPattern = /^<!--\s*cell\s*-->[ \t]*$/;
const rawMarkdownInfo = '{markdown}';
const cellInfoWords = new Set<string>(['sql', 'chart', 'input', rawMarkdownInfo]);

interface FenceOpen {
  char: '`' | '~';
  length: number;
  indent: number;
  info: string;
}

/** A CommonMark fence opening (0–3 spaces, 3+ backticks or tildes, info without backticks). */
function readFenceOpen(line: string): FenceOpen | null {
  const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return null;
  const char = m[2][0] as '`' | '~';
  if (char === '`' && m[3].includes('`')) return null;
  return { char, length: m[2].length, indent: m[1].length, info: m[3].trim() };
}

function isFenceClose(line: string, open: { char: string; length: number }): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1][0] === open.char && m[1].length >= open.length;
}

/** A fence that opens a cell: column 0, backticks, info starting with a cell kind. */
function readCellOpen(line: string): (FenceOpen & { words: string[] }) | null {
  const open = readFenceOpen(line);
  if (!open || open.char !== '`' || open.indent !== 0) return null;
  const words = open.info.split(/[ \t]+/).filter((w) => w !== '');
  if (words.length === 0 || !cellInfoWords.has(words[0])) return null;
  return { ...open, words };
}

/**
 * True when `lines`, read as Markdown between cells, is plain text to the parser: no top-level
 * cell fence or marker line, and no fence left open at the end.
 */
function isPlainMarkdown(lines: readonly string[]): boolean {
  let fence: FenceOpen | null = null;
  for (const line of lines) {
    if (fence) {
      if (isFenceClose(line, fence)) fence = null;
      continue;
    }
    if (readCellOpen(line) || markerPattern.test(line)) return false;
    fence = readFenceOpen(line);
  }
  return fence === null;
}

// ---- parse ------------------------------------------------------------------------------------

const frontMatterSchema = z
  .object({
    title: z.string().optional(),
    lang: z.enum(['ko', 'en']).optional(),
    problem: z.string().min(1).nullable().optional(),
    extracts: z.array(z.string()).optional(),
  })
  .strict();

function toLines(text: string): string[] {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = normalized.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface ParsedFrontMatter {
  title: string | null;
  lang: NotebookLang;
  problem: string | null;
  extracts: string[];
}

function parseFrontMatter(lines: string[], closeIndex: number): ParsedFrontMatter {
  const yamlLines = lines.slice(1, closeIndex);
  const doc = YAML.parseDocument(yamlLines.join('\n'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = 1 + (err.linePos?.[0]?.line ?? 1);
    // With prettyErrors the message ends with " at line N, column M:" and a code excerpt; we name
    // the line ourselves (in file numbering), so keep only the reason.
    const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw lineError(line, `머리말(YAML)이 올바르지 않습니다: ${what}`, `invalid front matter (YAML): ${what}`);
  }
  const value: unknown = doc.toJS() ?? {};
  const keyLine = (key: string): number => {
    const i = yamlLines.findIndex((l) => l.startsWith(key) && /^\s*:/.test(l.slice(key.length)));
    return i < 0 ? 1 : i + 2;
  };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw lineError(2, '머리말은 "키: 값" 목록이어야 합니다', 'front matter must be a mapping of keys to values');
  }
  const parsed = frontMatterSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      throw lineError(
        keyLine(key),
        `머리말에 알 수 없는 키가 있습니다: ${key} (쓸 수 있는 키: title, lang, problem, extracts)`,
        `unknown front matter key: ${key} (allowed: title, lang, problem, extracts)`,
      );
    }
    const key = String(issue.path[0] ?? '');
    const expected: Record<string, { ko: string; en: string }> = {
      title: { ko: '글자', en: 'text' },
      lang: { ko: 'ko 또는 en', en: 'ko or en' },
      problem: { ko: '문제 id (글자)', en: 'a problem id (text)' },
      extracts: { ko: '추출본 목록 (이름 또는 이름@버전)', en: 'a list of extracts (name or name@version)' },
    };
    const e = expected[key] ?? { ko: issue.message, en: issue.message };
    throw lineError(keyLine(key), `머리말의 ${key} 값은 ${e.ko}이어야 합니다`, `front matter ${key} must be ${e.en}`);
  }
  const fm = parsed.data;
  const extracts = fm.extracts ?? [];
  const problem = describeExtractRefsProblem(extracts);
  if (problem) throw lineError(keyLine('extracts'), problem.ko, problem.en);
  return { title: fm.title ?? '', lang: fm.lang ?? 'ko', problem: fm.problem ?? null, extracts };
}

function parseCellBody(
  kind: CellKind,
  body: string[],
  openLine: number,
): { source: string; spec: unknown | null } {
  const text = body.join('\n');
  if (kind === 'markdown' || kind === 'sql') return { source: text, spec: null };
  if (text.trim() === '') return { source: '', spec: null };
  try {
    return { source: '', spec: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    const pos = /position (\d+)/.exec(message);
    const line = pos ? openLine + 1 + (text.slice(0, Number(pos[1])).match(/\n/g)?.length ?? 0) : openLine;
    const label = kind === 'chart' ? { ko: '차트', en: 'chart' } : { ko: '입력', en: 'input' };
    throw lineError(line, `${label.ko} 셀의 JSON이 올바르지 않습니다: ${message}`, `invalid ${label.en} cell JSON: ${message}`);
  }
}

function firstHeading(cells: NotebookFileCell[]): string {
  for (const cell of cells) {
    if (cell.kind !== 'markdown') continue;
    for (const line of cell.source.split('\n')) {
      const m = /^# +(.*?)(?: +#+)? *$/.exec(line);
      if (m && m[1] !== '') return m[1];
    }
  }
  return '';
}

/**
 * Reads a notebook file. Throws `MadangError('invalid_input')` whose message names the line.
 *
 * @example
 *   parseNotebookMarkdown('---\ntitle: 예시\n---\n\n```sql one\nSELECT 1\n```\n').cells
 *   // [{ kind: 'sql', name: 'one', source: 'SELECT 1', spec: null }]
 */
export function parseNotebookMarkdown(text: string): NotebookFile {
  if (typeof text !== 'string') throw new MadangError('invalid_input', { ko: '노트북 파일은 글이어야 합니다', en: 'notebook file must be text' });
  const lines = toLines(text);
  let start = 0;
  let front: ParsedFrontMatter | null = null;
  if (lines.length > 0 && /^---[ \t]*$/.test(lines[0])) {
    const close = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)[ \t]*$/.test(l));
    if (close < 0) throw lineError(1, '머리말이 닫히지 않았습니다 (--- 줄이 없습니다)', 'front matter is not closed (no closing --- line)');
    front = parseFrontMatter(lines, close);
    start = close + 1;
  }

  const cells: NotebookFileCell[] = [];
  let region: string[] = [];
  let regionMarked = false;
  /** Ends the Markdown gathered since the last chunk; `followed` = a chunk comes next. */
  const endRegion = (followed: boolean): void => {
    let l = region;
    if (followed && l.length > 0 && l[l.length - 1] === '') l = l.slice(0, -1);
    if (!regionMarked && l.length > 0 && l[0] === '') l = l.slice(1);
    if (regionMarked || l.some((x) => x.trim() !== '')) {
      cells.push({ kind: 'markdown', name: '', source: l.join('\n'), spec: null });
    }
    region = [];
    regionMarked = false;
  };

  let i = start;
  while (i < lines.length) {
    const line = lines[i];
    const cellOpen = readCellOpen(line);
    if (cellOpen) {
      const openLine = i + 1;
      const [word, name, ...extra] = cellOpen.words;
      const kind: CellKind = word === rawMarkdownInfo ? 'markdown' : (word as CellKind);
      if (extra.length > 0) {
        throw lineError(openLine, `셀 이름 뒤에 알 수 없는 글이 있습니다: ${extra.join(' ')}`, `unexpected text after the cell name: ${extra.join(' ')}`);
      }
      if (name !== undefined) {
        if (kind === 'markdown') throw lineError(openLine, 'markdown 셀에는 이름을 붙일 수 없습니다', 'markdown cells have no name');
        const problem = describeCellNameProblem(name);
        if (problem) throw lineError(openLine, `셀 이름: ${problem.ko}`, `cell name: ${problem.en}`);
      }
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !isFenceClose(lines[j], cellOpen)) body.push(lines[j++]);
      if (j >= lines.length) {
        throw lineError(openLine, `${word} 셀의 코드 블록이 닫히지 않았습니다 (${'`'.repeat(cellOpen.length)} 줄이 없습니다)`, `unclosed ${word} cell fence (no closing ${'`'.repeat(cellOpen.length)} line)`);
      }
      endRegion(true);
      cells.push({ kind, name: name ?? '', ...parseCellBody(kind, body, openLine) });
      i = j + 1;
      continue;
    }
    if (markerPattern.test(line)) {
      endRegion(true);
      regionMarked = true;
      i++;
      continue;
    }
    const fence = readFenceOpen(line);
    region.push(line);
    i++;
    if (fence) {
      const openLine = i;
      while (i < lines.length && !isFenceClose(lines[i], fence)) region.push(lines[i++]);
      if (i >= lines.length) {
        const close = fence.char.repeat(fence.length);
        throw lineError(openLine, `코드 블록이 닫히지 않았습니다 (${close} 줄이 없습니다)`, `unclosed code fence (no closing ${close} line)`);
      }
      region.push(lines[i++]);
    }
  }
  endRegion(false);

  return {
    title: front ? (front.title ?? '') : firstHeading(cells),
    problem: front?.problem ?? null,
    extracts: front?.extracts ?? [],
    lang: front?.lang ?? 'ko',
    cells,
  };
}

// ---- serialise --------------------------------------------------------------------------------

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}

function fenced(info: string, body: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return body === '' ? `${fence}${info}\n${fence}` : `${fence}${info}\n${body}\n${fence}`;
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function checkFile(file: NotebookFile): void {
  file.cells.forEach((cell, i) => {
    const where = { ko: `${i + 1}번째 셀`, en: `cell ${i + 1}` };
    if (!isCellKind(cell.kind)) {
      throw new MadangError('invalid_input', { ko: `${where.ko}: 알 수 없는 종류 ${String(cell.kind)}`, en: `${where.en}: unknown kind ${String(cell.kind)}` });
    }
    if (cell.kind !== 'markdown' && cell.name !== '') {
      const problem = describeCellNameProblem(cell.name);
      if (problem) throw new MadangError('invalid_input', { ko: `${where.ko}: ${problem.ko}`, en: `${where.en}: ${problem.en}` });
    }
  });
  const refsProblem = describeExtractRefsProblem(file.extracts);
  if (refsProblem) throw new MadangError('invalid_input', refsProblem);
}

/**
 * Writes a notebook file (canonical form: see the rules at the top of this module). Markdown
 * cells' names and markdown/sql specs are not part of the format and are left out.
 */
export function serializeNotebookMarkdown(file: NotebookFile): string {
  checkFile(file);
  const front: Record<string, unknown> = { title: file.title, lang: file.lang };
  if (file.problem !== null && file.problem !== undefined) front.problem = file.problem;
  if (file.extracts.length > 0) front.extracts = [...file.extracts];
  let out = `---\n${YAML.stringify(front, { lineWidth: 0 })}---\n`;

  let previousWasPlainMarkdown = false;
  for (const cell of file.cells) {
    let chunk: string;
    if (cell.kind === 'markdown') {
      const source = normalizeNewlines(cell.source);
      const lines = source.split('\n');
      if (!isPlainMarkdown(lines)) {
        chunk = fenced(rawMarkdownInfo, source);
        previousWasPlainMarkdown = false;
      } else {
        const needsMarker = previousWasPlainMarkdown || source.trim() === '';
        chunk = needsMarker ? `${markerLine}\n${source}` : source;
        previousWasPlainMarkdown = true;
      }
    } else {
      const info = cell.kind + (cell.name ? ` ${cell.name}` : '');
      const body =
        cell.kind === 'sql'
          ? normalizeNewlines(cell.source)
          : cell.spec === null || cell.spec === undefined
            ? ''
            : JSON.stringify(cell.spec, null, 2);
      chunk = fenced(info, body);
      previousWasPlainMarkdown = false;
    }
    out += `\n${chunk}\n`;
  }
  return out;
}

// ---- doc <-> file -----------------------------------------------------------------------------

/** The file view of a doc (what export writes). */
export function notebookFileFromDoc(doc: Y.Doc): NotebookFile {
  const meta = readMeta(doc);
  return {
    title: meta.title,
    problem: meta.problemId,
    extracts: [...meta.extracts],
    lang: meta.lang,
    cells: listCells(doc).map((c) => ({
      kind: c.kind,
      name: c.kind === 'markdown' ? '' : c.name,
      source: c.kind === 'markdown' || c.kind === 'sql' ? normalizeNewlines(c.source) : '',
      spec: c.kind === 'chart' || c.kind === 'input' ? (c.spec ?? null) : null,
    })),
  };
}

/**
 * Fills an EMPTY doc from a file: meta, then the cells in file order, in one transaction.
 * Throws `conflict` if the doc already has cells: re-creating content in an existing room as fresh
 * Yjs items would duplicate it for clients that still hold the old items (Jupyter's bug), so an
 * import always makes a new notebook.
 */
export function applyNotebookFileToDoc(doc: Y.Doc, file: NotebookFile, origin?: unknown): void {
  checkFile(file);
  if (getNotebookRoots(doc).cells.size > 0) {
    throw new MadangError('conflict', {
      ko: '이미 셀이 있는 노트북에는 파일을 불러올 수 없습니다. 새 노트북으로 가져오세요',
      en: 'cannot load a file into a notebook that already has cells; import it as a new notebook',
    });
  }
  doc.transact(() => {
    initNotebook(doc, { title: file.title, lang: file.lang, problemId: file.problem, extracts: file.extracts }, origin);
    for (const cell of file.cells) {
      insertCell(doc, {
        kind: cell.kind,
        name: cell.kind === 'markdown' ? '' : cell.name,
        source: cell.kind === 'markdown' || cell.kind === 'sql' ? cell.source : '',
        spec: cell.kind === 'chart' || cell.kind === 'input' ? cell.spec : null,
      }, origin);
    }
  }, origin);
}
