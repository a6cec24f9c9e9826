/**
 * The run path of a SQL cell against real DuckDB-WASM (async API, in-process worker): what a run
 * costs in worker messages (each one a round trip the page waits for), what it hands the grid,
 * that row-id windows over a result table are exactly the LIMIT/OFFSET windows, that a
 * parameterised run commits its table, and that a long run is cancelled.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineApi, readOnlyStatement, windowRows, windowSql, type EngineApi } from '../../client/runtime/engineApi.ts';
import { openInProcessEngine, type InProcessEngine } from './asyncWasmDuck.ts';

let duck: InProcessEngine;
let api: EngineApi;

beforeAll(async () => {
  duck = await openInProcessEngine();
  api = engineApi(duck.engine);
}, 60_000);

afterEach(() => {
  duck.posted.length = 0;
});

const rows = async (sql: string) => (await duck.engine.side.query(sql)).toArray().map((r) => r.toJSON() as Record<string, unknown>);

describe('a run', () => {
  it('is three worker messages: the materialising query, then view, types, count and first window posted together', async () => {
    duck.posted.length = 0;
    await api.materialise('__r_chain', `SELECT range AS i, range % 7 AS g, 'row ' || range AS label, DATE '2024-01-01' + (range % 30)::INTEGER AS day FROM range(1000)`, []);
    const shown = await api.present('__r_chain', 'chain');
    expect(duck.posted).toEqual(['START_PENDING_QUERY', 'RUN_QUERY', 'RUN_QUERY']);
    expect(shown.rowCount).toBe(1000);
    expect(shown.columns).toEqual([
      { name: 'i', type: 'BIGINT' }, { name: 'g', type: 'BIGINT' }, { name: 'label', type: 'VARCHAR' }, { name: 'day', type: 'DATE' },
    ]);
    expect(shown.firstRows.numRows).toBe(windowRows);
    expect(shown.firstRows.toArray().map((r) => (r.toJSON() as { i: number }).i)).toEqual(Array.from({ length: windowRows }, (_, k) => k));
    // The view is the cell's name for later cells.
    expect(await rows('SELECT count(*) AS n, max(label) AS top FROM chain')).toEqual([{ n: 1000, top: 'row 999' }]);
  });

  it('as one call posts its reads right behind the statement: one wait, the same answers', async () => {
    duck.posted.length = 0;
    const shown = await api.run('__r_quick', `SELECT range AS i, 'row ' || range AS label FROM range(500)`, [], 'quick');
    expect(duck.posted).toEqual(['START_PENDING_QUERY', 'RUN_QUERY', 'RUN_QUERY']);
    expect(shown.rowCount).toBe(500);
    expect(shown.columns).toEqual([{ name: 'i', type: 'BIGINT' }, { name: 'label', type: 'VARCHAR' }]);
    expect(shown.firstRows.toArray().map((r) => (r.toJSON() as { i: number }).i)).toEqual(Array.from({ length: windowRows }, (_, k) => k));
    expect(await rows('SELECT count(*) AS n FROM quick')).toEqual([{ n: 500 }]);
  });

  it('that needs more than one slice drops the early reads (they saw the old table) and reads again', async () => {
    // A previous result under the same name, as when a cell is run again: reads posted behind an
    // unfinished statement see this table, and must not be shown.
    // (Same column types: a table name is a result key, which fixes the types.)
    // Made by free SQL, so nothing about it is remembered and the run takes the general path.
    await api.query('CREATE TABLE __r_reused AS SELECT 1::BIGINT AS n, 0::HUGEINT AS total', []);
    await api.setView('reused', '__r_reused');
    duck.posted.length = 0;
    const shown = await api.run('__r_reused', 'SELECT count(*) AS n, sum(hash(range) % 7) AS total FROM range(60000000)', [], 'reused');
    expect(duck.posted).toContain('POLL_PENDING_QUERY');
    expect(shown.rowCount).toBe(1);
    expect((shown.firstRows.toArray()[0]!.toJSON() as { n: number }).n).toBe(60_000_000);
    expect(shown.columns.map((c) => c.name)).toEqual(['n', 'total']);
    expect(await rows('SELECT n FROM reused')).toEqual([{ n: 60_000_000 }]);
  }, 60_000);

  it('made again under the same key reads only its rows and count: its types and view cannot have changed', async () => {
    await api.run('__r_again', 'SELECT range AS i, range::VARCHAR AS s FROM range(5)', [], 'again');
    duck.posted.length = 0;
    // Same table name (same key) but other rows, as `random()` or `USING SAMPLE` would give. It
    // was short last time: statement and first window go in one message.
    let shown = await api.run('__r_again', 'SELECT range AS i, range::VARCHAR AS s FROM range(3)', [], 'again');
    expect(duck.posted).toEqual(['RUN_QUERY']);
    expect(shown.rowCount).toBe(3);
    expect(shown.columns).toEqual([{ name: 'i', type: 'BIGINT' }, { name: 's', type: 'VARCHAR' }]);
    // A full first window needs the count: 250 rows, then 230 under the same key.
    await api.run('__r_again', 'SELECT range AS i, range::VARCHAR AS s FROM range(250)', [], 'again');
    duck.posted.length = 0;
    shown = await api.run('__r_again', 'SELECT range AS i, range::VARCHAR AS s FROM range(230)', [], 'again');
    expect(duck.posted).toEqual(['RUN_QUERY', 'RUN_QUERY']);
    expect(shown.rowCount).toBe(230);
    expect(shown.firstRows.numRows).toBe(windowRows);
    expect(await rows('SELECT count(*) AS n FROM again')).toEqual([{ n: 230 }]);
    // SQL ending in a line comment does not swallow the window read.
    shown = await api.run('__r_again', 'SELECT range AS i, range::VARCHAR AS s FROM range(4) -- four;', [], 'again');
    expect(shown.rowCount).toBe(4);
  });

  it('made again after a slow run keeps the interruptible path, and can be cancelled', async () => {
    const slow = 'SELECT count(*) AS n FROM range(40000000) WHERE hash(range) % 3 = 0';
    await api.run('__r_slow_again', slow, [], null);
    duck.posted.length = 0;
    const again = api.run('__r_slow_again', slow, [], null);
    await api.cancel();
    await expect(again).rejects.toThrow(/query was canceled/i);
    expect(duck.posted[0]).toBe('START_PENDING_QUERY');
  }, 60_000);

  it('defines its view again when the view was dropped, by the runtime or by free SQL', async () => {
    await api.run('__r_viewed', 'SELECT 1 AS one', [], 'viewed');
    await api.dropView('viewed');
    await api.run('__r_viewed', 'SELECT 1 AS one', [], 'viewed');
    expect(await rows('SELECT one FROM viewed')).toEqual([{ one: 1 }]);
    await api.query('DROP VIEW viewed', []);
    await api.run('__r_viewed', 'SELECT 1 AS one', [], 'viewed');
    expect(await rows('SELECT one FROM viewed')).toEqual([{ one: 1 }]);
    // A view moved to another result by `setView`, then back by a run.
    await api.run('__r_other', 'SELECT 2 AS one', [], null);
    await api.setView('viewed', '__r_other');
    await api.run('__r_viewed', 'SELECT 1 AS one', [], 'viewed');
    expect(await rows('SELECT one FROM viewed')).toEqual([{ one: 1 }]);
  });

  it('knows which free SQL cannot have touched views (one reading statement)', () => {
    for (const sql of ['SELECT 1', '  -- note\n/* block */ with t AS (SELECT 1) SELECT * FROM t;', 'FROM trips', 'DESCRIBE trips', 'summarize trips']) expect(readOnlyStatement(sql)).toBe(true);
    for (const sql of ['DROP VIEW q1', 'CREATE OR REPLACE VIEW q1 AS SELECT 2', 'SELECT 1; DROP VIEW q1', '/* SELECT */ drop view q1', 'selection()', 'ALTER VIEW q1 RENAME TO q2']) expect(readOnlyStatement(sql)).toBe(false);
  });

  it('shows nested wide numbers as numbers (DuckDB-WASM garbles them inside lists and structs)', async () => {
    const sql = `SELECT list(range) AS agg, {'x': 5::BIGINT, 'y': 'a'} AS s, [1.5::DECIMAL(4,1), NULL] AS d, [7::HUGEINT] AS h, 3::BIGINT AS top FROM range(3)`;
    const expected = { agg: [0, 1, 2], s: { x: 5, y: 'a' }, d: [1.5, null], h: [7], top: 3 };
    const plain = (t: { toArray(): Array<{ toJSON(): Record<string, unknown> }> }) => JSON.parse(JSON.stringify(t.toArray()[0]!.toJSON())) as unknown;
    // The raw engine, for the record: integer bits read as doubles.
    expect((plain(await duck.engine.side.query(sql)) as { agg: number[] }).agg).toEqual([0, 5e-324, 1e-323]);
    duck.posted.length = 0;
    const shown = await api.run('__r_nested', sql, [], 'nested');
    expect(plain(shown.firstRows)).toEqual(expected);
    expect(duck.posted).toEqual(['START_PENDING_QUERY', 'RUN_QUERY', 'RUN_QUERY', 'RUN_QUERY']); // the first window once more, with casts
    expect(shown.columns.map((c) => c.type)).toEqual(['BIGINT[]', 'STRUCT(x BIGINT, y VARCHAR)', 'DECIMAL(4,1)[]', 'HUGEINT[]', 'BIGINT']);
    expect(plain(await api.window('__r_nested', { offset: 0, limit: 10 }))).toEqual(expected);
    expect(plain(await api.window('__r_nested', { offset: 0, limit: 10, orderBy: { column: 'agg', descending: true } }))).toEqual(expected);
    // Run again under the same key: types known, the casts go with the one read.
    duck.posted.length = 0;
    expect(plain((await api.run('__r_nested', sql, [], 'nested')).firstRows)).toEqual(expected);
    expect(duck.posted).toEqual(['RUN_QUERY']);
    // The view keeps DuckDB's own types for later cells.
    expect(await rows('SELECT list_sum(agg)::INTEGER AS n, typeof(agg) AS t FROM nested')).toEqual([{ n: 3, t: 'BIGINT[]' }]);
  });

  it('of an empty result still has its columns', async () => {
    await api.materialise('__r_empty', 'SELECT range AS i, range::VARCHAR AS s FROM range(10) WHERE false', []);
    const shown = await api.present('__r_empty', null);
    expect(shown.rowCount).toBe(0);
    expect(shown.columns.map((c) => c.name)).toEqual(['i', 's']);
    expect(shown.firstRows.numRows).toBe(0);
  });

  it('with parameters commits its table (prepared statement, closed without a wait)', async () => {
    duck.posted.length = 0;
    await api.materialise('__r_params', 'SELECT range AS i FROM range(100) WHERE range < ? AND range % 2 = ?', [10, 1]);
    const shown = await api.present('__r_params', null);
    expect(duck.posted).toEqual(['CREATE_PREPARED', 'RUN_PREPARED', 'CLOSE_PREPARED', 'RUN_QUERY', 'RUN_QUERY']);
    expect(shown.rowCount).toBe(5);
    expect(await rows(`SELECT string_agg(i::VARCHAR, ',' ORDER BY i) AS v FROM __r_params`)).toEqual([{ v: '1,3,5,7,9' }]);
  });

  it('of a missing table rejects (a cached result that is gone runs again)', async () => {
    await expect(api.present('__r_never_made', 'nope')).rejects.toThrow(/does not exist/);
  });

  it('that runs long through `run` is cancelled too, and the next run shows its own result', async () => {
    const running = api.run('__r_slow2', 'SELECT sum(hash(range)) AS s FROM range(200000000000)', [], 'slow2');
    await api.cancel();
    await expect(running).rejects.toThrow(/query was canceled/i);
    expect((await api.run('__r_after2', 'SELECT 7 AS answer', [], null)).firstRows.toArray()[0]!.toJSON()).toEqual({ answer: 7 });
  }, 30_000);

  it('that runs long is cancelled, and the connection keeps working', async () => {
    const running = api.materialise('__r_slow', 'SELECT sum(hash(range)) AS s FROM range(200000000000)', []);
    await api.cancel(); // posted behind the first slice of the pending query: the worker stops it there
    await expect(running).rejects.toThrow(/query was canceled/i);
    await api.materialise('__r_after', 'SELECT 42 AS answer', []);
    expect((await api.present('__r_after', null)).rowCount).toBe(1);
  }, 30_000);
});

describe('windows', () => {
  it('over a result table are row-id ranges that equal LIMIT/OFFSET, across row groups and at the end', async () => {
    // 1,000,000 rows in a scrambled order: several DuckDB row groups (122,880 rows each).
    await api.materialise('__r_big', 'SELECT range AS i, (range * 7919) % 1000003 AS k FROM range(1000000) ORDER BY k', []);
    for (const offset of [0, 200, 122_800, 500_000, 999_900, 999_990, 1_000_000]) {
      const req = { offset, limit: windowRows };
      expect(windowSql('__r_big', req)).toMatch(/WHERE rowid >= /);
      const byRowId = (await api.window('__r_big', req)).toArray().map((r) => r.toJSON());
      const byOffset = await rows(`SELECT * FROM __r_big LIMIT ${windowRows} OFFSET ${offset}`);
      expect(byRowId).toEqual(byOffset);
      expect(byRowId.length).toBe(Math.max(0, Math.min(windowRows, 1_000_000 - offset)));
    }
  }, 60_000);

  it('sorted, or over other tables, use ORDER BY / LIMIT / OFFSET', async () => {
    expect(windowSql('__r_big', { offset: 10, limit: 5, orderBy: { column: 'k', descending: true } })).toBe('SELECT * FROM "__r_big" ORDER BY "k" DESC NULLS LAST LIMIT 5 OFFSET 10');
    expect(windowSql('bike_trips', { offset: 10, limit: 5 })).toBe('SELECT * FROM "bike_trips" LIMIT 5 OFFSET 10');
    const top = (await api.window('__r_big', { offset: 0, limit: 3, orderBy: { column: 'i', descending: true } })).toArray().map((r) => (r.toJSON() as { i: number }).i);
    expect(top).toEqual([999_999, 999_998, 999_997]);
  }, 30_000);
});
