/**
 * Builds a story version from a notebook snapshot: the server re-runs every published query
 * itself with native DuckDB on the exact extract versions (Parquet loaded as tables under their
 * names, locked down), checks each table/chart's data with the output-check engine, caps published
 * tables, renders Markdown (sanitised) and charts (SVG), and returns the immutable content.
 * Nothing a browser computed is used.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseChartSpec, problemText, type ChartSpec } from '../../shared/chartSpec.ts';
import { MadangError } from '../../shared/errors.ts';
import { parseExtractRef } from '../../shared/extracts.ts';
import { defaultInputValue, parseInputSpec } from '../../shared/inputSpec.ts';
import type { JsonValue } from '../../shared/outputCheck/report.ts';
import type { OutputCheckRulesInput } from '../../shared/outputCheck/rules.ts';
import { describeExtractRefsProblem, type CellSnapshot, type NotebookMeta } from '../../shared/schema/notebook.ts';
import {
  maxPublishedRows, storySchemaVersion,
  type ExtractUse, type Figure, type PublishRequest, type StoryBlock, type StoryContent,
} from '../../shared/stories/model.ts';
import { quoteIdent, quoteLiteral } from '../extracts/arrowExport.ts';
import { checkQueryOutput } from '../outputCheck/checkQueryOutput.ts';
import { buildPublishedQuery, type NamedSql } from './publishedQuery.ts';
import { renderChartSvg, renderStoryMarkdown } from './renderChart.ts';

export interface ResolvedExtract {
  use: ExtractUse;
  /** Absolute path of the version's Parquet file. */
  file: string;
}

export interface BuildStoryInput {
  notebookId: string;
  meta: NotebookMeta;
  cells: readonly CellSnapshot[];
  request: PublishRequest;
  /**
   * The pinned version (`name@3` in the notebook), or the newest live one for an unpinned legacy
   * ref (`version` null); throws a bilingual error when withdrawn or gone.
   */
  resolveExtract(name: string, version: number | null): Promise<ResolvedExtract>;
  rules?: OutputCheckRulesInput;
  /** A query running longer is interrupted (default 30 s). */
  queryTimeoutMs?: number;
  now?: () => Date;
}

export interface BuildNotice {
  cellId: string;
  ko: string;
  en: string;
}

function bad(ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko, en });
}

function label(cell: CellSnapshot): string {
  return cell.name || cell.id;
}

async function withTimeout<T>(conn: DuckDBConnection, ms: number, run: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, ms);
  try {
    return await run();
  } catch (err) {
    if (timedOut) throw bad(`쿼리가 ${Math.round(ms / 1000)}초 안에 끝나지 않았습니다`, `the query did not finish within ${Math.round(ms / 1000)} s`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Server-side message for a published query that failed (local-only tables named as such). */
function failedQuery(cell: CellSnapshot, err: unknown): MadangError {
  const raw = err instanceof MadangError ? err.detail.en : err instanceof Error ? err.message : String(err);
  const missing = /Table with name ([^\s]+) does not exist/i.exec(raw);
  if (missing) {
    const t = missing[1]!.replace(/[!.,]$/, '');
    return bad(
      `셀 ${label(cell)}: 표 ${t}은(는) 서버에 없습니다. 내 컴퓨터에서만 연 파일(로컬 파일)은 공개할 수 없습니다. 추출본이나 앞 셀만 쓰세요.`,
      `cell ${label(cell)}: table ${t} does not exist on the server. Local-only files cannot be published; use extracts or earlier cells.`,
    );
  }
  const ko = err instanceof MadangError ? err.detail.ko : raw;
  return bad(`셀 ${label(cell)}의 쿼리가 서버에서 실패했습니다: ${ko}`, `cell ${label(cell)}: the query failed on the server: ${raw}`);
}

/**
 * Resolves the notebook's extract refs (`name` or `name@version`) to files, keyed by table name.
 * The refs come from the notebook document the server holds, so what is published is what every
 * collaborator computes on.
 */
export async function resolveNotebookExtracts(
  refs: readonly string[],
  resolve: BuildStoryInput['resolveExtract'],
): Promise<Map<string, ResolvedExtract>> {
  // The doc is whatever clients wrote: check the list as the schema would before trusting it.
  const problem = describeExtractRefsProblem(refs);
  if (problem) throw bad(`노트북의 추출본 목록: ${problem.ko}`, `the notebook's extracts: ${problem.en}`);
  const out = new Map<string, ResolvedExtract>();
  for (const ref of refs) {
    const parsed = parseExtractRef(ref);
    if (!parsed) throw bad(`노트북의 추출본 참조가 올바르지 않습니다: ${ref}`, `the notebook's extract reference is malformed: ${ref}`);
    out.set(parsed.name, await resolve(parsed.name, parsed.version));
  }
  return out;
}

/**
 * `extractVersions` in a publish request is only a consistency check: the versions the author's
 * browser computed on. When one differs from what the notebook now uses (a collaborator moved the
 * pin, or an unpinned extract got a new version), the author has not seen the numbers that would
 * be published, so we refuse and say so. Names the notebook no longer uses are ignored.
 */
export function checkBrowserVersions(extracts: ReadonlyMap<string, ResolvedExtract>, browser: Readonly<Record<string, number>>): void {
  const byLower = new Map([...extracts.values()].map((e) => [e.use.name.toLowerCase(), e.use]));
  for (const [name, version] of Object.entries(browser)) {
    const used = byLower.get(name.toLowerCase());
    if (!used || used.version === version) continue;
    throw new MadangError('conflict', {
      ko: `화면의 결과는 추출본 ${used.name} v${version}로 계산했지만 노트북은 지금 v${used.version}을(를) 씁니다. 노트북을 다시 실행해 v${used.version}의 결과를 확인한 뒤 공개하세요.`,
      en: `the results on your screen were computed on extract ${used.name} v${version}, but the notebook now uses v${used.version}. Re-run the notebook, check the v${used.version} results, then publish.`,
    });
  }
}

export async function buildStory(input: BuildStoryInput): Promise<{ content: StoryContent; notices: BuildNotice[] }> {
  const { request, cells } = input;
  const byId = new Map(cells.map((c) => [c.id, c]));
  const notices: BuildNotice[] = [];
  const seen = new Set<string>();
  for (const pc of request.cells) {
    const cell = byId.get(pc.cellId);
    if (!cell) throw bad(`노트북에 없는 셀입니다: ${pc.cellId}`, `no such cell in the notebook: ${pc.cellId}`);
    if (seen.has(pc.cellId)) throw bad(`같은 셀을 두 번 골랐습니다: ${label(cell)}`, `the same cell was picked twice: ${label(cell)}`);
    seen.add(pc.cellId);
    if (cell.kind === 'input') throw bad(`입력 셀(${label(cell)})은 공개할 수 없습니다. 이야기에는 기본값으로 계산한 결과가 실립니다.`, `input cells (${label(cell)}) cannot be published; the story shows results at the inputs' stored defaults`);
  }
  if (!request.title.ko && !request.title.en) throw bad('제목이 필요합니다', 'a title is required');

  // Extracts the notebook uses, at the exact versions its document names (never the browser's word).
  const extracts = await resolveNotebookExtracts(input.meta.extracts, input.resolveExtract);
  checkBrowserVersions(extracts, request.extractVersions);

  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB' });
  const conn = await instance.connect();
  try {
    for (const { use, file } of extracts.values()) {
      await conn.run(`CREATE TABLE ${quoteIdent(use.name)} AS SELECT * FROM read_parquet(${quoteLiteral(file)})`);
    }
    // From here on the published SQL can read these tables and nothing else.
    await conn.run("SET enable_external_access = false; SET lock_configuration = true;");

    // Inputs at their stored defaults.
    const inputs = new Map<string, JsonValue>();
    for (const c of cells) {
      if (c.kind !== 'input' || !c.name) continue;
      const parsed = parseInputSpec(c.spec);
      if (!parsed.ok) continue;
      inputs.set(c.name, defaultInputValue(parsed.spec) as JsonValue);
    }

    const named: NamedSql[] = [];
    const sqlByName = new Map<string, { cell: CellSnapshot; earlier: NamedSql[] }>();
    for (const c of cells) {
      if (c.kind !== 'sql' || !c.name) continue;
      sqlByName.set(c.name.toLowerCase(), { cell: c, earlier: [...named] });
      named.push({ name: c.name, sql: c.source });
    }

    const results = new Map<string, Omit<Figure, 'index'>>();
    const runCell = async (cell: CellSnapshot, earlier: readonly NamedSql[]): Promise<Omit<Figure, 'index'>> => {
      const cached = results.get(cell.id);
      if (cached) return cached;
      if (!cell.source.trim()) throw bad(`셀 ${label(cell)}의 SQL이 비어 있습니다`, `cell ${label(cell)} has no SQL`);
      let built;
      let report;
      try {
        built = await buildPublishedQuery(conn, { target: { name: label(cell), sql: cell.source }, earlier, extractNames: [...extracts.keys()], inputs });
        await conn.run('DROP VIEW IF EXISTS data');
        if (built.readsData) await conn.run(`CREATE VIEW data AS SELECT * FROM ${quoteIdent(built.extracts[0]!)}`);
        const sql = built.sql;
        report = await withTimeout(conn, input.queryTimeoutMs ?? 30_000, () => checkQueryOutput({ connection: conn, sql, rules: input.rules, includeTable: true }));
      } catch (err) {
        throw failedQuery(cell, err);
      }
      const table = report.table ?? { columns: [], rows: [] };
      const rows = table.rows.slice(0, maxPublishedRows);
      const fig: Omit<Figure, 'index'> = {
        cellId: cell.id,
        cellName: cell.name,
        sql: cell.source,
        checkedSql: built.sql,
        params: built.params,
        extracts: built.extracts.map((n) => extracts.get(n)!.use),
        columns: table.columns,
        rows,
        totalRows: report.rowCount,
        truncated: report.rowCount > rows.length,
        check: { status: report.status, summary: report.summary, cells: report.cells, issues: report.issues, rules: report.rules, engine: report.query?.engine ?? '' },
      };
      if (fig.truncated) {
        notices.push({
          cellId: cell.id,
          ko: `셀 ${label(cell)}: 결과 ${report.rowCount.toLocaleString('ko-KR')}행 중 처음 ${maxPublishedRows.toLocaleString('ko-KR')}행만 공개됩니다.`,
          en: `cell ${label(cell)}: only the first ${maxPublishedRows.toLocaleString('en')} of ${report.rowCount.toLocaleString('en')} rows are published.`,
        });
      }
      results.set(cell.id, fig);
      return fig;
    };

    const blocks: StoryBlock[] = [];
    let figureIndex = 0;
    for (const pc of request.cells) {
      const cell = byId.get(pc.cellId)!;
      const caption = { ko: pc.caption?.ko ?? '', en: pc.caption?.en ?? '' };
      if (cell.kind === 'markdown') {
        blocks.push({ kind: 'text', cellId: cell.id, html: renderStoryMarkdown(cell.source) });
      } else if (cell.kind === 'sql') {
        const entry = cell.name ? sqlByName.get(cell.name.toLowerCase()) : undefined;
        const fig = await runCell(cell, entry?.earlier ?? named.filter((n) => n.name !== cell.name));
        blocks.push({ kind: 'table', cellId: cell.id, caption, figure: { ...fig, index: ++figureIndex } });
      } else if (cell.kind === 'chart') {
        const parsed = parseChartSpec(cell.spec);
        if (!parsed.ok) {
          throw bad(`차트 셀 설정이 잘못됐습니다: ${parsed.problems.map((p) => problemText(p, 'ko')).join('; ')}`, `the chart cell's settings are invalid: ${parsed.problems.map((p) => problemText(p, 'en')).join('; ')}`);
        }
        const spec: ChartSpec = parsed.spec;
        const alt = { ko: pc.alt?.ko || spec.alt?.ko?.trim() || '', en: pc.alt?.en || spec.alt?.en?.trim() || '' };
        if (!alt.ko && !alt.en) {
          throw bad(`차트마다 대체 텍스트(alt)가 필요합니다: 차트가 보여 주는 것을 적어 주세요 (데이터 ${spec.data}).`, `every chart needs alt text: describe what the chart shows (data ${spec.data}).`);
        }
        const source = sqlByName.get(spec.data.toLowerCase());
        if (!source) throw bad(`차트의 데이터 셀 ${spec.data}이(가) 노트북에 없습니다`, `the chart's data cell ${spec.data} is not in the notebook`);
        const fig = await runCell(source.cell, source.earlier);
        const title = { ko: spec.title?.ko ?? '', en: spec.title?.en ?? '' };
        let svg;
        try {
          svg = {
            ko: await renderChartSvg(spec, fig.columns, fig.rows, 'ko', alt.ko || alt.en),
            en: await renderChartSvg(spec, fig.columns, fig.rows, 'en', alt.en || alt.ko),
          };
        } catch (err) {
          const m = err instanceof MadangError ? err.detail : { ko: String((err as Error).message), en: String((err as Error).message) };
          throw bad(`차트(${spec.data})를 그리지 못했습니다: ${m.ko}`, `the chart (${spec.data}) could not be drawn: ${m.en}`);
        }
        blocks.push({ kind: 'chart', cellId: cell.id, spec, alt, caption, title, svg, figure: { ...fig, index: ++figureIndex } });
      }
    }

    const used = new Map<string, ExtractUse>();
    for (const b of blocks) if (b.kind !== 'text') for (const e of b.figure.extracts) used.set(e.name, e);
    const content: StoryContent = {
      schemaVersion: storySchemaVersion,
      notebookId: input.notebookId,
      title: { ko: request.title.ko || request.title.en, en: request.title.en },
      summary: request.summary,
      problem: request.problem ? request.problem : null,
      districts: request.districts,
      blocks,
      extracts: [...used.values()],
      builtAt: (input.now ?? (() => new Date()))().toISOString(),
    };
    return { content, notices };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
