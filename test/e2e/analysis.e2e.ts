/**
 * Issue #3, the parts `engine.e2e.ts` and `charts.e2e.ts` do not drive: real server, production
 * build, headless Chromium, DuckDB-WASM.
 * - copy from the result grid (a range, as tab-separated text with its header) to the clipboard;
 * - download a result as CSV (text equals the result, UTF-8 with a BOM for spreadsheet apps) and as
 *   Parquet (read back with native DuckDB: same rows);
 * - autocomplete offers a table, a column of it and a DuckDB function;
 * - a query error marks the failing line in Monaco, and other cells keep their results;
 * - a 10,000,000-row result: the count is shown, the grid scrolls to the last row, the page answers;
 * - malformed chart specs say what is wrong in place while a good chart on the same data draws;
 * - a dropped Parquet file is decoded in the browser (parquet-wasm), marked local-only, queried;
 * - a file that is neither UTF-8 nor CP949 is refused with a message that says so;
 * - Shift/Ctrl+Enter run the cell they are typed in (several editors on the page), Run all re-runs all;
 * - a re-run under the same result key shows its own rows (random() draws again);
 * - an edit of numbers or comments reuses the cell's analysis; an edit of names asks the server;
 * - lists and structs of BIGINT/DECIMAL show their numbers, not the integer bits read as doubles;
 * - a long query shows its elapsed time, the page answers meanwhile, and an edit cancels it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtClientDir, launchBrowser, openPerson, signInThroughPage, type Person } from '../harness/browser.ts';
import { importNotebook, startTestServer, type TestServer, type TestUser } from '../harness/testServer.ts';
import { cellIdOf, gridRow, output, waitStatus } from '../harness/notebookPage.ts';

const bikeCsv = path.resolve('server/data/public/bike_accidents_by_gu/bike.csv');

const gu2020Sql = `SELECT 자치구, 가해_발생건수 AS at_fault, 가해_부상자수 / 3 AS third
FROM bike_accidents_by_gu
WHERE 연도 = 2020 AND 자치구 <> '소계'
ORDER BY 자치구`;

const notebook = `---
title: 분석 완결성 / Analysis completeness
lang: ko
extracts:
  - bike_accidents_by_gu
---

\`\`\`sql gu2020
${gu2020Sql}
\`\`\`

\`\`\`chart
{
  "mark": "pie",
  "data": "gu2020",
  "x": "자치구"
}
\`\`\`

\`\`\`chart
{
  "mark": "barY",
  "data": "gu2020",
  "x": "자치구",
  "y": "no_such_column"
}
\`\`\`

\`\`\`chart
{
  "mark": "barY",
  "data": "gu2020",
  "x": "자치구",
  "y": "at_fault",
  "alt": { "ko": "자치구별 가해 사고", "en": "At-fault accidents by district" }
}
\`\`\`

\`\`\`sql broken3
SELECT 자치구,
       at_fault,
       no_such_column
FROM gu2020
\`\`\`

\`\`\`sql syntax2
SELECT 자치구
FROM gu2020 ORDER BY BY 자치구
\`\`\`

\`\`\`sql ten_million
SELECT range AS i, range % 7 AS g FROM range(10000000)
\`\`\`

\`\`\`sql mid
SELECT range AS i, 'r' || range AS label FROM range(450000)
\`\`\`

\`\`\`sql scratch
SELECT 1 AS one
\`\`\`

\`\`\`sql nested
SELECT list(range) AS agg, {'x': 5::BIGINT, 'y': 'a'} AS s, [1.5::DECIMAL(4,1)] AS d FROM range(3)
\`\`\`

\`\`\`sql lucky
SELECT (random() * 1e9)::BIGINT AS draw, range AS i FROM range(3)
\`\`\`

\`\`\`sql dropped
SELECT 구, sum(건수) AS n, min(날짜) AS first_day FROM local_민원_2024 GROUP BY 구 ORDER BY 구
\`\`\`

\`\`\`sql exact
SELECT * FROM (VALUES
  (9007199254740993::BIGINT, 12345678901234.567::DECIMAL(18,3), 99999999999999999999999999999999999999::HUGEINT),
  ((-9007199254740993)::BIGINT, -0.001::DECIMAL(18,3), NULL)) AS t(big, dec, huge)
\`\`\`
`;

let server: TestServer;
let browser: Browser;
let minji: TestUser;
let a: Person;
let notebookPath = '';
let workDir = '';
const expectedConsole = [/status of 401/];

async function nativeRows(sql: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

/** gu2020 computed by native DuckDB on the same CSV: [자치구, at_fault, third]. */
function expectedGu2020(): Promise<unknown[][]> {
  return nativeRows(gu2020Sql.replace('bike_accidents_by_gu', `read_csv('${bikeCsv}')`));
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'madang-analysis-'));
  const clientDir = builtClientDir();
  server = await startTestServer({ clientDir });
  minji = await server.createUser({ name: '김민지', org: '마포 자전거 시민모임', orgKind: 'cso', role: 'analyst' });
  const owner = await server.clientFor(minji);
  notebookPath = `/n/${encodeURIComponent(await importNotebook(owner, notebook))}`;
  browser = await launchBrowser();
  a = await openPerson(browser, server.url);
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await signInThroughPage(a.page, minji.email, minji.password, notebookPath);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** The id of a cell's latest run (increases with every run the runtime starts). */
async function runIdOf(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => {
    const rt = (window as any).__madangRuntime;
    return Number(rt.store.getState().cells[rt.cellIdByName(n)]?.state?.runId ?? 0);
  }, name);
}

/** Replaces the whole text of a cell's editor by typing, as a person would. */
/** Clicks a cell's CSV or Parquet download and saves the file under the name the page gave it. */
async function downloadResult(cellId: string, kind: 'csv' | 'parquet', timeout = 30_000): Promise<string> {
  const [download] = await Promise.all([
    a.page.waitForEvent('download', { timeout }),
    output(a.page, cellId).getByTestId(`download-${kind}`).click(),
  ]);
  const file = path.join(workDir, download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

async function retype(page: Page, cellId: string, text: string): Promise<void> {
  await page.locator(`[data-testid="cell"][data-cell-id="${cellId}"] .monaco-editor .view-lines`).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(text);
}

/** Minimal RFC 4180 reader (quotes, doubled quotes, CRLF or LF), enough for DuckDB's writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** Numbers compared as numbers (the extract carries counts as DOUBLE), text as text. */
function sameValue(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number') return Math.abs(Number(actual) - expected) < 1e-9 * Math.max(1, Math.abs(expected));
  return String(actual) === String(expected);
}

function expectSameRows(actual: unknown[][], expected: unknown[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => {
    const ok = row.length === expected[r]!.length && row.every((v, c) => sameValue(v, expected[r]![c]));
    expect(ok, `row ${r}: ${JSON.stringify(row)} vs ${JSON.stringify(expected[r])}`).toBe(true);
  });
}

describe('issue 3: results, editor help and bad input', () => {
  it('copies a selected range of the result grid to the clipboard as tab-separated text', async () => {
    const id = await waitStatus(a.page, 'gu2020', 'done', 90_000);
    const expected = await expectedGu2020();
    expect(await gridRow(a.page, id, 0)).toEqual([String(expected[0]![0]), String(expected[0]![1]), expect.any(String)]);
    // one cell, then a 3x2 range (Shift+click): the range comes with its header line
    await output(a.page, id).locator('[data-testid="result-grid-row"][data-row="1"] [role="gridcell"]').nth(1).click();
    await a.page.keyboard.press('Control+c');
    await expect.poll(() => a.page.evaluate(() => navigator.clipboard.readText())).toBe(String(expected[1]![1]));
    await output(a.page, id).locator('[data-testid="result-grid-row"][data-row="0"] [role="gridcell"]').nth(0).click();
    await output(a.page, id).locator('[data-testid="result-grid-row"][data-row="2"] [role="gridcell"]').nth(1).click({ modifiers: ['Shift'] });
    await a.page.keyboard.press('Control+c');
    const want = ['자치구\tat_fault', ...expected.slice(0, 3).map((r) => `${String(r[0])}\t${String(r[1])}`)].join('\n');
    await expect.poll(() => a.page.evaluate(() => navigator.clipboard.readText())).toBe(want);
  });

  it('downloads the result as CSV (equal to the result) and as Parquet (same rows read back natively)', async () => {
    const id = await cellIdOf(a.page, 'gu2020');
    const expected = await expectedGu2020();
    const csvFile = await downloadResult(id, 'csv');
    expect(path.basename(csvFile)).toBe('gu2020.csv');
    const bytes = readFileSync(csvFile);
    // a UTF-8 BOM, so spreadsheet apps on Korean Windows read 자치구 instead of mojibake
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual(['자치구', 'at_fault', 'third']);
    expectSameRows(rows.slice(1), expected);

    const pqFile = await downloadResult(id, 'parquet');
    expect(path.basename(pqFile)).toBe('gu2020.parquet');
    expect(readFileSync(pqFile).subarray(0, 4).toString('latin1')).toBe('PAR1');
    const names = await nativeRows(`SELECT name FROM parquet_schema('${pqFile}') WHERE num_children IS NULL`);
    expect(names.map((r) => r[0])).toEqual(['자치구', 'at_fault', 'third']);
    expectSameRows(await nativeRows(`SELECT * FROM read_parquet('${pqFile}')`), expected);
  });

  it('a Parquet download keeps BIGINT past 2^53, DECIMAL(18,3) and HUGEINT exact (types and values read back natively)', async () => {
    const id = await waitStatus(a.page, 'exact', 'done', 90_000);
    const file = await downloadResult(id, 'parquet');
    expect(await nativeRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`))
      .toEqual([['big', 'BIGINT'], ['dec', 'DECIMAL(18,3)'], ['huge', 'DECIMAL(38,0)']]);
    // as text: the engine's doubles would have made these 9007199254740992 and 12345678901234.566
    expect(await nativeRows(`SELECT big::VARCHAR, dec::VARCHAR, huge::VARCHAR FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`))
      .toEqual([['9007199254740993', '12345678901234.567', '99999999999999999999999999999999999999'], ['-9007199254740993', '-0.001', null]]);
  });

  it('a 450,000-row result sorted in the grid downloads whole, in the grid order, as CSV and Parquet (written in slices)', async () => {
    const id = await waitStatus(a.page, 'mid', 'done', 90_000);
    const header = output(a.page, id).getByTestId('result-grid-th').first();
    await header.click();
    await header.click();
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    expect(await gridRow(a.page, id, 0)).toEqual(['449999', 'r449999']);
    const csvFile = await downloadResult(id, 'csv', 60_000);
    const lines = readFileSync(csvFile).subarray(3).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(450_001);
    expect(lines[0]).toBe('i,label');
    // one header only, and every row once in descending order (slices joined in order)
    expect(lines.slice(1).every((line, k) => line === `${449_999 - k},r${449_999 - k}`)).toBe(true);
    const pqFile = await downloadResult(id, 'parquet', 60_000);
    const [[count, distinct, ordered, first]] = await nativeRows(`SELECT count(*), count(DISTINCT i), bool_and(i = 449999 - file_row_number),
      min_by(label, file_row_number) FROM read_parquet('${pqFile}', file_row_number = true)`) as [[number, number, boolean, string]];
    expect([count, distinct, ordered, first]).toEqual([450_000, 450_000, true, 'r449999']);
    // column types as in the result (the engine hands BIGINT to JS as doubles; the file says BIGINT)
    expect(await nativeRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${pqFile}'))`)).toEqual([['i', 'BIGINT'], ['label', 'VARCHAR']]);
    expect(await output(a.page, id).getByTestId('download-progress').count()).toBe(0);
  });

  it('autocomplete offers tables, their columns and DuckDB functions', async () => {
    await waitStatus(a.page, 'scratch', 'done');
    const scratch = await cellIdOf(a.page, 'scratch');
    const editor = a.page.locator(`[data-testid="cell"][data-cell-id="${scratch}"] .monaco-editor`);
    await editor.locator('.view-lines').click();
    await a.page.keyboard.press('Control+End');
    const suggestions = a.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    const offers = async (typed: string, label: string) => {
      await a.page.keyboard.type(typed);
      await a.page.keyboard.press('Control+Space');
      await expect.poll(async () => (await suggestions.allTextContents()).join('\n'), { timeout: 20_000 }).toContain(label);
    };
    await a.page.keyboard.type(', ');
    await offers('string_ag', 'string_agg');
    await a.page.keyboard.press('Enter'); // accept: the function name is inserted
    await a.page.keyboard.type('(');
    await offers('가해_발', '가해_발생건수');
    await a.page.keyboard.press('Enter'); // accept: the column name is inserted
    await a.page.keyboard.type(') AS names FROM bike_acc');
    await a.page.keyboard.press('Control+Space');
    await expect.poll(async () => (await suggestions.allTextContents()).join('\n'), { timeout: 20_000 }).toContain('bike_accidents_by_gu');
    await a.page.keyboard.press('Enter');
    const text = await a.page.evaluate((id) => (window as any).__madangEditors.get(id).getValue() as string, scratch);
    expect(text).toBe('SELECT 1 AS one, string_agg(가해_발생건수) AS names FROM bike_accidents_by_gu');
  });

  /** Lines of a cell's editor that carry an error marker (Monaco draws markers as decorations). */
  const markedLines = (cell: string) => a.page.evaluate((c) => {
    const ed = (window as any).__madangEditors.get(c);
    const out: number[] = [];
    for (let n = 1; n <= ed.getModel().getLineCount(); n++) {
      if (ed.getLineDecorations(n).some((d: any) => String(d.options.className ?? '').includes('squiggly-error'))) out.push(n);
    }
    return out;
  }, cell);

  it('a query error marks its line in Monaco and leaves other cells alone', async () => {
    const id = await waitStatus(a.page, 'broken3', 'error');
    const message = await output(a.page, id).getByTestId('cell-error').textContent();
    expect(message).toContain('no_such_column');
    expect(message).toMatch(/3번째 줄/);
    // the marker is on line 3 of this cell's editor, and on no other line
    await expect.poll(() => markedLines(id), { timeout: 15_000 }).toEqual([3]);
    // a syntax error (DuckDB's parser) is marked on its line too
    const syntax = await waitStatus(a.page, 'syntax2', 'error');
    expect(await output(a.page, syntax).getByTestId('cell-error').textContent()).toMatch(/2번째 줄.*syntax error/i);
    await expect.poll(() => markedLines(syntax), { timeout: 15_000 }).toEqual([2]);
    await expect.poll(() => a.page.locator(`[data-testid="cell"][data-cell-id="${id}"] .monaco-editor .squiggly-error`).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // the cell it reads is still fine
    expect(await output(a.page, await cellIdOf(a.page, 'gu2020')).getAttribute('data-status')).toBe('done');
  });

  it('a 10,000,000-row result shows its count, scrolls to the last row, and the page keeps answering', async () => {
    const id = await waitStatus(a.page, 'ten_million', 'done', 90_000);
    expect(await output(a.page, id).getByTestId('cell-status').textContent()).toContain('10,000,000');
    const grid = output(a.page, id).getByTestId('result-grid');
    expect(await grid.getAttribute('data-row-count')).toBe('10000000');
    const body = output(a.page, id).getByTestId('result-grid-body');
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await expect.poll(() => output(a.page, id).getByTestId('result-grid-row').last().getAttribute('data-row'), { timeout: 20_000 }).toBe('9999999');
    expect(await gridRow(a.page, id, 9_999_999)).toEqual(['9999999', String(9_999_999 % 7)]);
    await body.evaluate((el) => { el.scrollTop = el.scrollHeight * 0.3; });
    const first = () => output(a.page, id).getByTestId('result-grid-row').first().getAttribute('data-row');
    await expect.poll(async () => Number(await first())).toBeLessThan(5_000_000);
    const shown = Number(await first());
    expect(shown).toBeGreaterThan(1_000_000);
    expect(await gridRow(a.page, id, shown)).toEqual([String(shown), String(shown % 7)]);
    expect(await output(a.page, id).getByTestId('result-grid-row').count()).toBeLessThan(40);
    // the main thread is free: the page answers, and another cell's grid still reads its rows
    expect(await a.page.evaluate(() => document.querySelectorAll('[data-testid="cell"]').length)).toBe(13);
    expect((await gridRow(a.page, await cellIdOf(a.page, 'gu2020'), 0)).length).toBe(3);
  });

  it('the 10,000,000-row result downloads whole as CSV (it used to hold the engine for ~2 minutes)', async () => {
    const id = await cellIdOf(a.page, 'ten_million');
    const file = await downloadResult(id, 'csv', 100_000);
    const bytes = readFileSync(file);
    let newlines = 0;
    for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) newlines++;
    expect(newlines).toBe(10_000_001);
    expect(bytes.subarray(3, 10).toString('utf8')).toBe('i,g\n0,0');
    expect(bytes.subarray(bytes.length - 11).toString('utf8')).toBe(`\n9999999,${9_999_999 % 7}\n`);
    rmSync(file);
  });

  it('malformed chart specs say what is wrong in place; a good chart on the same data draws', async () => {
    const charts = a.page.locator('[data-testid="cell"][data-kind="chart"]');
    await expect.poll(() => charts.nth(0).getByTestId('spec-problems').textContent(), { timeout: 30_000 }).toMatch(/mark:.*barY/);
    expect(await charts.nth(0).locator('[data-testid="spec-problems"] li').first().getAttribute('data-path')).toBe('mark');
    await expect.poll(() => charts.nth(1).getByTestId('spec-problems').textContent(), { timeout: 30_000 }).toContain('no_such_column');
    await expect.poll(() => charts.nth(2).locator('[data-testid="chart-host"] svg g[aria-label="bar"] rect').count(), { timeout: 30_000 }).toBe(25);
  });

  it('a dropped Parquet file is decoded in the browser, marked local-only and queried; nothing is uploaded', async () => {
    const file = path.join(workDir, 'minwon.parquet');
    await nativeRows(`COPY (SELECT * FROM (VALUES ('마포구', 3, DATE '2024-01-02'), ('중구', 5, DATE '2024-03-01'), ('마포구', 4, DATE '2024-02-01'))
      AS t(구, 건수, 날짜)) TO '${file}' (FORMAT parquet)`);
    const dropped = await waitStatus(a.page, 'dropped', 'blocked');
    expect(await output(a.page, dropped).getByTestId('cell-problem').textContent()).toContain('local_민원_2024');
    // Every request from here on, with its body: the file's values must be in none of them.
    const sent: Array<{ url: string; method: string; body: string }> = [];
    const record = (r: Request) => sent.push({ url: r.url(), method: r.method(), body: r.postDataBuffer()?.toString('latin1') ?? '' });
    a.page.on('request', record);
    const b64 = readFileSync(file).toString('base64');
    const transfer = await a.page.evaluateHandle((data) => {
      const dt = new DataTransfer();
      const bin = Uint8Array.from(atob(data), (ch) => ch.charCodeAt(0));
      dt.items.add(new File([bin], '민원 2024.parquet', { type: 'application/octet-stream' }));
      return dt;
    }, b64);
    await a.page.getByTestId('local-drop').dispatchEvent('dragover', { dataTransfer: transfer });
    await a.page.getByTestId('local-drop').dispatchEvent('drop', { dataTransfer: transfer });
    const local = a.page.locator('[data-testid="local-table"][data-name="local_민원_2024"]');
    await expect.poll(() => local.textContent(), { timeout: 30_000 }).toContain('게시할 수 없음');
    expect(await local.textContent()).toContain('민원 2024.parquet');
    await waitStatus(a.page, 'dropped', 'done');
    expect(await gridRow(a.page, dropped, 0)).toEqual(['마포구', '7', '2024-01-02']);
    expect(await gridRow(a.page, dropped, 1)).toEqual(['중구', '5', '2024-03-01']);
    a.page.off('request', record);
    // reading the file made no upload: only the app's own assets (parquet-wasm) and SQL analysis,
    // and no body carries a value from the file (in the file's bytes or as UTF-8 text)
    const fileBytes = readFileSync(file).toString('latin1');
    const valueBytes = Buffer.from('마포구', 'utf8').toString('latin1');
    for (const r of sent) {
      expect(r.url, r.method).toMatch(/\/assets\/|\/api\/sql\/analyse$|\/api\/extracts/);
      expect(r.body.includes(valueBytes) || (r.body.length > 0 && fileBytes.includes(r.body.slice(0, 64)))).toBe(false);
    }
  });

  it('a file that is neither UTF-8 nor CP949 is refused with a message that says so', async () => {
    const file = path.join(workDir, 'garbled.csv');
    // 0x80 and 0xFF are lead bytes no CP949 character uses, and invalid UTF-8
    writeFileSync(file, Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0x80, 0xff, 0x80]), Buffer.from('\n')]));
    await a.page.getByTestId('local-file-input').setInputFiles(file);
    const alert = a.page.locator('[data-testid="runtime-panel"] [role="alert"]');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toMatch(/UTF-8.*CP949/);
    expect(await alert.textContent()).toContain('2');
    expect(await a.page.locator('[data-testid="local-table"][data-name="local_garbled"]').count()).toBe(0);
    a.assertClean(expectedConsole);
  });

  it('Shift+Enter and Ctrl+Enter run the cell; Run all re-runs every SQL cell', async () => {
    const gu = await waitStatus(a.page, 'gu2020', 'done', 90_000);
    await waitStatus(a.page, 'mid', 'done', 90_000);
    // several editors are on the page: the key runs the cell it is typed in (the last editor
    // created used to answer for all of them)
    const before = { gu: await runIdOf(a.page, 'gu2020'), mid: await runIdOf(a.page, 'mid'), dropped: await runIdOf(a.page, 'dropped') };
    await a.page.locator(`[data-testid="cell"][data-cell-id="${gu}"] .monaco-editor .view-lines`).click();
    await a.page.keyboard.press('Shift+Enter');
    await expect.poll(() => runIdOf(a.page, 'gu2020'), { timeout: 20_000 }).toBeGreaterThan(before.gu);
    await waitStatus(a.page, 'gu2020', 'done');
    const afterShift = await runIdOf(a.page, 'gu2020');
    await a.page.keyboard.press('Control+Enter');
    await expect.poll(() => runIdOf(a.page, 'gu2020'), { timeout: 20_000 }).toBeGreaterThan(afterShift);
    await waitStatus(a.page, 'gu2020', 'done');
    // the text did not change: no newline was typed, and an unrelated cell did not run
    expect(await a.page.evaluate((id) => (window as any).__madangEditors.get(id).getValue() as string, gu)).toBe(gu2020Sql);
    expect(await runIdOf(a.page, 'mid')).toBe(before.mid);
    expect(await runIdOf(a.page, 'dropped')).toBe(before.dropped);
    await a.page.getByTestId('run-all').click();
    await expect.poll(() => runIdOf(a.page, 'mid'), { timeout: 30_000 }).toBeGreaterThan(before.mid);
    await waitStatus(a.page, 'mid', 'done', 90_000);
    await waitStatus(a.page, 'ten_million', 'done', 90_000);
    expect(await runIdOf(a.page, 'gu2020')).toBeGreaterThan(afterShift + 1);
  });

  it('lists and structs of BIGINT or DECIMAL show their numbers (the engine hands their integer bits over as doubles)', async () => {
    const id = await waitStatus(a.page, 'nested', 'done', 60_000);
    expect(await gridRow(a.page, id, 0)).toEqual(['[0,1,2]', '{"x":5,"y":"a"}', '[1.5]']);
  });

  it('running a cell again under the same result key shows the new rows (random() draws again)', async () => {
    const id = await waitStatus(a.page, 'lucky', 'done', 60_000);
    const first = (await gridRow(a.page, id, 0))[0];
    const before = await runIdOf(a.page, 'lucky');
    await a.page.evaluate((cell) => (window as any).__madangRuntime.runCell(cell), id);
    await expect.poll(() => runIdOf(a.page, 'lucky'), { timeout: 20_000 }).toBeGreaterThan(before);
    await waitStatus(a.page, 'lucky', 'done');
    // The grid used to keep the rows it had cached for the key: the old draw beside a new status.
    await expect.poll(async () => (await gridRow(a.page, id, 0))[0], { timeout: 10_000 }).not.toBe(first);
    expect((await gridRow(a.page, id, 2))[1]).toBe('2');
  });

  it('an edit of numbers or comments keeps the cell\'s analysis (nothing asked of the server); an edit of names asks again', async () => {
    const id = await waitStatus(a.page, 'lucky', 'done', 60_000);
    const analyses = () => a.requests.filter((u) => u.endsWith('/api/sql/analyse')).length;
    const rowsShown = async () => (await output(a.page, id).getByTestId('cell-status').textContent()) ?? '';
    const before = analyses();
    await retype(a.page, id, 'SELECT (random() * 1e9)::BIGINT AS draw, range AS i FROM range(5) -- five');
    await expect.poll(rowsShown, { timeout: 20_000 }).toMatch(/^5(행| rows)/);
    await waitStatus(a.page, 'lucky', 'done');
    expect(analyses()).toBe(before);
    // Another column name: the server's parser is asked again.
    await retype(a.page, id, 'SELECT (random() * 1e9)::BIGINT AS draw, range AS i, range AS j FROM range(3)');
    await expect.poll(rowsShown, { timeout: 20_000 }).toMatch(/^3(행| rows)/);
    await waitStatus(a.page, 'lucky', 'done');
    expect(analyses()).toBeGreaterThan(before);
  });

  it('a long query shows its elapsed time while the page keeps answering; editing it cancels the stale run', async () => {
    const scratch = await cellIdOf(a.page, 'scratch');
    await retype(a.page, scratch, 'SELECT sum(range % 7) AS s FROM range(100000000000)');
    const status = output(a.page, scratch).getByTestId('cell-status');
    await expect.poll(() => output(a.page, scratch).getAttribute('data-status'), { timeout: 30_000 }).toBe('running');
    await expect.poll(() => status.textContent()).toMatch(/실행 중 \d+\.\d초/);
    const shown = await status.textContent();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).not.toBe(shown);
    // the page answers while DuckDB works: a person can scroll and select in another grid
    const gu = await cellIdOf(a.page, 'gu2020');
    await output(a.page, gu).locator('[data-testid="result-grid-row"][data-row="0"] [role="gridcell"]').nth(0).click();
    await expect.poll(() => output(a.page, gu).locator('.is-selected').count()).toBe(1);
    expect(await output(a.page, scratch).getAttribute('data-status')).toBe('running');
    await retype(a.page, scratch, 'SELECT 42 AS answer');
    await waitStatus(a.page, 'scratch', 'done', 30_000);
    expect(await gridRow(a.page, scratch, 0)).toEqual(['42']);
    a.assertClean(expectedConsole);
  });
});
