/**
 * Golden files for story pages: `test/golden/stories/<case>/input.md` (a notebook file; SQL cells'
 * results come from `data.json` beside it, keyed by cell name, so no database is involved) ->
 * `expected.html`. Ids and times are normalised. On a mismatch the test writes
 * `actual-changed.html` next to it and fails. `UPDATE_GOLDEN=1` rewrites `expected.html`, locally
 * only: with `CI` set it refuses.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseChartSpec } from '../../shared/chartSpec.ts';
import { parseNotebookMarkdown } from '../../shared/notebookFile.ts';
import type { JsonValue } from '../../shared/outputCheck/report.ts';
import type { Figure, StoryBlock, StoryContent } from '../../shared/stories/model.ts';
import { renderChartSvg, renderStoryMarkdown } from '../../server/stories/renderChart.ts';
import { renderStoryPage } from '../../server/stories/renderPage.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'golden', 'stories');
const update = process.env.UPDATE_GOLDEN === '1';

/** Plot's generated class names and our timestamps vary: fixed placeholders instead. */
export function normaliseStoryHtml(s: string): string {
  return s
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<TIME>')
    .replace(/plot-[0-9a-f]{6}/g, 'plot-ID')
    .replace(/\b[A-Za-z0-9_-]{21}\b(?=["<])/g, '<ID>');
}

async function build(dir: string): Promise<string> {
  const file = parseNotebookMarkdown(readFileSync(path.join(dir, 'input.md'), 'utf8'));
  const dataPath = path.join(dir, 'data.json');
  const data = existsSync(dataPath) ? (JSON.parse(readFileSync(dataPath, 'utf8')) as Record<string, { columns: string[]; rows: JsonValue[][] }>) : {};
  const blocks: StoryBlock[] = [];
  let index = 0;
  const figure = (name: string): Figure => {
    const d = data[name];
    if (!d) throw new Error(`data.json has no ${name}`);
    const sql = file.cells.find((c) => c.kind === 'sql' && c.name === name)?.source ?? '';
    return {
      index: ++index, cellId: `cell-${name}`, cellName: name, sql, checkedSql: sql, params: {},
      extracts: [{ name: 'golden_extract', version: 1, contentHash: 'a'.repeat(64), kind: 'sanitised', policyVersionId: 'policy-golden-1' }],
      columns: d.columns, rows: d.rows, totalRows: d.rows.length, truncated: false,
      check: { status: 'pass', summary: {}, cells: [], issues: [], rules: {}, engine: 'duckdb v1' },
    };
  };
  for (const c of file.cells) {
    if (c.kind === 'markdown') blocks.push({ kind: 'text', cellId: 'md', html: renderStoryMarkdown(c.source) });
    else if (c.kind === 'sql' && data[c.name]) blocks.push({ kind: 'table', cellId: c.name, caption: { ko: `${c.name} 표`, en: `${c.name} table` }, figure: figure(c.name) });
    else if (c.kind === 'chart') {
      const parsed = parseChartSpec(c.spec);
      if (!parsed.ok) throw new Error('bad chart in golden input');
      const fig = figure(parsed.spec.data);
      const alt = { ko: parsed.spec.alt?.ko ?? '', en: parsed.spec.alt?.en ?? '' };
      blocks.push({
        kind: 'chart', cellId: 'chart', spec: parsed.spec, alt, caption: { ko: '', en: '' },
        title: { ko: parsed.spec.title?.ko ?? '', en: parsed.spec.title?.en ?? '' },
        svg: { ko: await renderChartSvg(parsed.spec, fig.columns, fig.rows, 'ko', alt.ko), en: await renderChartSvg(parsed.spec, fig.columns, fig.rows, 'en', alt.en) },
        figure: fig,
      });
    }
  }
  const content: StoryContent = {
    schemaVersion: 1, notebookId: 'notebook-golden', title: { ko: file.title, en: file.title }, summary: { ko: '요약 <i>텍스트</i>', en: 'Summary' },
    problem: file.problem, districts: ['마포구'], blocks, extracts: [], builtAt: '2026-01-01T00:00:00.000Z',
  };
  return normaliseStoryHtml(renderStoryPage({
    lang: 'ko', origin: 'https://madang.example', slug: 'golden-story', version: 1, latest: 1, publishedAt: '2026-01-02T03:04:05.000Z',
    content, approved: false, feedback: [{ name: '<b>시민</b>', body: '<script>alert(1)</script>', createdAt: '2026-01-03T00:00:00.000Z', reply: null }],
  }));
}

describe('story page golden files', () => {
  for (const name of readdirSync(root).sort()) {
    it(name, async () => {
      const dir = path.join(root, name);
      const actual = await build(dir);
      const expectedPath = path.join(dir, 'expected.html');
      const changedPath = path.join(dir, 'actual-changed.html');
      if (update) {
        if (process.env.CI) throw new Error('UPDATE_GOLDEN is refused in CI: regenerate golden files locally and review the diff');
        writeFileSync(expectedPath, actual);
      }
      const expected = existsSync(expectedPath) ? readFileSync(expectedPath, 'utf8') : null;
      if (expected !== actual) {
        writeFileSync(changedPath, actual);
        expect.fail(`${name}: story HTML differs from expected.html; see ${path.relative(process.cwd(), changedPath)} (UPDATE_GOLDEN=1 locally to accept)`);
      }
      rmSync(changedPath, { force: true });
      expect(actual).not.toMatch(/<script/i);
    });
  }
});
