/**
 * Extract routes against the real server: the public datasets are registered on start, the Arrow
 * stream is ingested by DuckDB-WASM (blocking bundle) and the sample notebooks' SQL runs on it;
 * ETag / 304, the audit entry, 401 for anonymous requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../server/audit/auditLog.ts';
import { extractListSchema, extractVersionsSchema } from '../../shared/extracts.ts';
import { startTestServer, type TestClient, type TestServer } from '../harness/testServer.ts';
import { openBlockingDuckDB, type BlockingConnection } from './wasmDuck.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNotebookMarkdown } from '../../shared/notebookFile.ts';
import { toPositionalParams } from '../../shared/reactivity/params.ts';
import { defaultInputValue, parseInputSpec } from '../../shared/inputSpec.ts';
import type * as duckdb from '@duckdb/duckdb-wasm/blocking';

let t: TestServer;
let alice: TestClient;
let conn: BlockingConnection;
let wasmDb: duckdb.DuckDBBindings;

beforeAll(async () => {
  const [server, duck] = await Promise.all([startTestServer(), openBlockingDuckDB()]);
  t = server;
  conn = duck.conn;
  wasmDb = duck.db;
  alice = await t.signUpAndIn({ role: 'analyst' });
}, 30_000);
afterAll(async () => {
  await t?.close();
}, 30_000);

async function download(path: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, { headers: { cookie: alice.cookie!, ...headers } });
}

describe('extract routes', () => {
  it('lists the registered public datasets with attribution', async () => {
    const res = await alice.get('/api/extracts');
    expect(res.status).toBe(200);
    const body = extractListSchema.parse(res.json());
    const names = body.extracts.map((e) => e.name).sort();
    expect(names).toEqual(['air_quality_daily', 'bike_accidents_by_gu']);
    const bike = body.extracts.find((e) => e.name === 'bike_accidents_by_gu')!.latest;
    expect(bike.rowCount).toBe(494);
    expect(bike.kind).toBe('public');
    expect(bike.attribution.source).toContain('RiskMap-Project');
    expect(bike.columns.map((c) => c.name)).toContain('가해_발생건수');
    const versions = extractVersionsSchema.parse((await alice.get('/api/extracts/bike_accidents_by_gu')).json());
    expect(versions.versions.map((v) => v.version)).toEqual([1]);
  });

  it('refuses anonymous requests and unknown extracts', async () => {
    expect((await t.anonymous().get('/api/extracts')).status).toBe(401);
    expect((await t.anonymous().get('/api/extracts/bike_accidents_by_gu/1/arrow')).status).toBe(401);
    expect((await alice.get('/api/extracts/nope')).status).toBe(404);
    expect((await alice.get('/api/extracts/bike_accidents_by_gu/9/arrow')).status).toBe(404);
  });

  it('sends an Arrow stream that DuckDB-WASM ingests; the sample SQL computes the documented figures', async () => {
    const res = await download('/api/extracts/bike_accidents_by_gu/1/arrow');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(Number(res.headers.get('x-uncompressed-length')));
    conn.insertArrowFromIPCStream(bytes, { name: 'bike_accidents_by_gu' });
    const rows = conn.query(`SELECT 연도, 가해_발생건수 AS at_fault FROM bike_accidents_by_gu WHERE 자치구 = '소계' AND 연도 IN (2005, 2015) ORDER BY 연도`).toArray().map((r) => r.toJSON());
    expect(rows).toEqual([{ 연도: 2005, at_fault: 210 }, { 연도: 2015, at_fault: 2230 }]);

    const air = await download('/api/extracts/air_quality_daily/1/arrow');
    conn.insertArrowFromIPCStream(new Uint8Array(await air.arrayBuffer()), { name: 'air_quality_daily' });
    const peak = conn.query(`SELECT 측정소명, "미세먼지농도(㎍/㎥)" AS pm10 FROM air_quality_daily WHERE 측정일시 = 20210508 ORDER BY pm10 DESC LIMIT 1`).toArray()[0]!.toJSON();
    expect(peak).toEqual({ 측정소명: '화랑로', pm10: 517 });
    const missing = conn.query(`SELECT count(*) AS n FROM air_quality_daily WHERE "초미세먼지농도(㎍/㎥)" IS NULL AND 측정일시 BETWEEN 20220101 AND 20221231`).toArray()[0]!.toJSON();
    expect(missing).toEqual({ n: 128 });
  });

  it('answers If-None-Match with 304 and records each download in the audit log', async () => {
    const first = await download('/api/extracts/bike_accidents_by_gu/1/arrow');
    const etag = first.headers.get('etag')!;
    await first.arrayBuffer();
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await download('/api/extracts/bike_accidents_by_gu/1/arrow', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const plain = await download('/api/extracts/bike_accidents_by_gu/1/arrow', { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Number(plain.headers.get('content-length'))).toBe((await plain.arrayBuffer()).byteLength);
    const entries = await listAudit(t.server.db, { action: 'extract.download' });
    const mine = entries.filter((e) => e.actorId === alice.user?.viewer.userId || e.target === 'bike_accidents_by_gu@1');
    expect(mine.some((e) => e.target === 'air_quality_daily@1')).toBe(true);
    // 200s: the first test's download, `first`, `plain` (the 304 is not a download).
    expect(mine.filter((e) => e.target === 'bike_accidents_by_gu@1')).toHaveLength(3);
  });
});

/** Runs a sample notebook's SQL cells in order as views, binding inputs to their defaults. */
function runSample(file: string): Map<string, Record<string, unknown>[]> {
  const nb = parseNotebookMarkdown(readFileSync(path.resolve('notebooks', file), 'utf8'));
  const inputs = new Map<string, unknown>();
  const out = new Map<string, Record<string, unknown>[]>();
  for (const cell of nb.cells) {
    if (cell.kind === 'input') {
      const parsed = parseInputSpec(cell.spec);
      if (!parsed.ok) throw new Error(`input ${cell.name}: ${JSON.stringify(parsed.problems)}`);
      inputs.set(cell.name, defaultInputValue(parsed.spec));
    }
    if (cell.kind !== 'sql') continue;
    const { sql, names } = toPositionalParams(cell.source, wasmDb.tokenize(cell.source));
    const stmt = conn.prepare(`CREATE OR REPLACE TABLE "${cell.name}" AS\n${sql}`);
    stmt.query(...names.map((n) => inputs.get(n)));
    stmt.close();
    out.set(cell.name, conn.query(`SELECT * FROM "${cell.name}"`).toArray().map((r) => r.toJSON()));
  }
  return out;
}

describe('the sample notebooks compute on the shipped extracts', () => {
  it('bike accidents: the trend and the district table for the default year', () => {
    const r = runSample('bike-accidents-by-gu.md');
    const trend = r.get('seoul_trend')!;
    expect(trend).toHaveLength(19);
    expect(trend[0]).toMatchObject({ 연도: 2005, at_fault: 210 });
    const byGu = r.get('by_gu')!;
    expect(byGu).toHaveLength(25);
    expect(byGu.every((row) => typeof row.at_fault === 'number')).toBe(true);
  });

  it('fine dust: roadside vs urban NO2 in 2022 as the notebook says, and one district by day', () => {
    const r = runSample('fine-dust-and-traffic.md');
    const y2022 = r.get('yearly')!.filter((row) => row.year === '2022');
    const roadside = y2022.find((row) => row.station_type === 'roadside')!;
    const urban = y2022.find((row) => row.station_type === 'urban')!;
    expect(Number(roadside.no2_ppm)).toBeCloseTo(0.030, 3);
    expect(Number(urban.no2_ppm)).toBeCloseTo(0.021, 3);
    expect(Number(roadside.pm25)).toBeCloseTo(19.2, 1);
    expect(Number(urban.pm25)).toBeCloseTo(18.3, 1);
    expect(r.get('district_daily')!.length).toBeGreaterThan(1800);
  });
});
