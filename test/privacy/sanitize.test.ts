/**
 * sanitizeFile / previewSanitize on real files: CSV with `,` and `;`, Parquet, the extract read
 * back with DuckDB, bad input with messages that say what and where, and atomic writes.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MadangError } from '../../shared/errors.ts';
import { parsePolicy } from '../../shared/privacy/policy.ts';
import { checkCsv, detectDelimiter } from '../../server/privacy/csvInput.ts';
import { previewSanitize, sanitizeFile } from '../../server/privacy/sanitize.ts';
import { mulberry32 as seededRandom } from '../harness/seededRandom.ts';

let dir: string;
let db: DuckDBInstance;

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** 300 synthetic trips: id, birth year, gender, station, purpose, distance, an unlisted phone column. */
function tripsCsv(delimiter: string): string {
  const rnd = seededRandom(7);
  const stations = ['ST-101', 'ST-102', 'ST-201', 'ST-202', 'ST-301'];
  const lines = [['rental_id', 'birth_year', 'gender', 'station', 'purpose', 'distance_m', 'phone'].join(delimiter)];
  for (let i = 0; i < 300; i++) {
    lines.push([`R${i}`, 1950 + Math.floor(rnd() * 50), rnd() < 0.5 ? 'F' : 'M', stations[Math.floor(rnd() * 5)], ['commute', 'leisure', 'errand'][Math.floor(rnd() * 3)], Math.floor(rnd() * 5000), `010-${1000 + i}`].join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}

const stationHierarchy = 'ST-101;강남구;서울\nST-102;강남구;서울\nST-201;마포구;서울\nST-202;마포구;서울\nST-301;중구;서울\n';

const tripsPolicy = (extra: Record<string, unknown> = {}) => parsePolicy({
  k: 5, suppressionLimit: 0.02, metric: 'entropy',
  columns: {
    rental_id: { role: 'identifier' },
    birth_year: { role: 'quasi', hierarchy: { bands: [5, 10, 20] } },
    gender: { role: 'quasi', hierarchy: { levels: 1 } },
    station: { role: 'quasi', hierarchy: { file: 'stations.csv' } },
    purpose: { role: 'sensitive', lDiversity: { variant: 'distinct', l: 2 } },
    distance_m: { role: 'other' },
    ...extra,
  },
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'madang-sanitize-'));
  db = await DuckDBInstance.create(':memory:');
  write('stations.csv', stationHierarchy);
});

afterAll(() => db.closeSync());

describe('sanitizeFile', () => {
  it('writes a Parquet extract: no identifier or unlisted column, generalised quasi-identifiers, every class ≥ k and 2-diverse', async () => {
    const input = write('trips.csv', tripsCsv(','));
    const out = path.join(dir, 'trips.parquet');
    const reportFile = path.join(dir, 'trips.report.json');
    const report = await sanitizeFile({ input, policy: tripsPolicy(), policyDir: dir, out, report: reportFile });
    expect(report.status).toBe('ok');
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toMatchObject({ inputRows: 300, outputRows: report.outputRows, k: 5, metric: 'entropy' });
    expect(report.droppedColumns).toEqual(['rental_id', 'phone']);
    expect(report.warnings.join(' ')).toContain('phone');
    const columns = (await query(`DESCRIBE SELECT * FROM read_parquet('${out}')`)).map((r) => r.column_name);
    expect(columns).toEqual(['birth_year', 'gender', 'station', 'purpose', 'distance_m']);
    const classes = await query(`SELECT birth_year, gender, station, count(*)::INTEGER AS n, count(DISTINCT purpose)::INTEGER AS d FROM read_parquet('${out}') GROUP BY ALL`);
    expect(classes.reduce((s, c) => s + Number(c.n), 0)).toBe(report.outputRows);
    for (const c of classes) {
      expect(Number(c.n)).toBeGreaterThanOrEqual(5);
      expect(Number(c.d)).toBeGreaterThanOrEqual(2);
    }
    expect(report.suppressed).toBeLessThanOrEqual(6);
    const types = await query(`SELECT typeof(distance_m) AS t FROM read_parquet('${out}') LIMIT 1`);
    expect(types[0].t).toBe('BIGINT'); // kept columns keep their types
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reads `;` CSV and Parquet input to the same result as `,` CSV', async () => {
    const comma = await previewSanitize({ input: write('c.csv', tripsCsv(',')), policy: tripsPolicy(), policyDir: dir });
    const semicolon = await previewSanitize({ input: write('s.csv', tripsCsv(';')), policy: tripsPolicy(), policyDir: dir });
    const parquet = path.join(dir, 'trips-in.parquet');
    await query(`COPY (SELECT * FROM read_csv('${path.join(dir, 'c.csv')}')) TO '${parquet}' (FORMAT parquet)`);
    const fromParquet = await previewSanitize({ input: parquet, policy: tripsPolicy(), policyDir: dir });
    for (const r of [semicolon, fromParquet]) {
      expect(r.levels).toEqual(comma.levels);
      expect(r.loss).toBe(comma.loss);
      expect(r.suppressed).toBe(comma.suppressed);
    }
  });

  it('truncates Parquet timestamps', async () => {
    const parquet = path.join(dir, 'times.parquet');
    await query(`COPY (SELECT TIMESTAMP '2024-03-01 08:00:00' + INTERVAL (i * 37) MINUTE AS rented_at, i % 2 AS g FROM range(200) t(i)) TO '${parquet}' (FORMAT parquet)`);
    const policy = parsePolicy({ k: 10, columns: { rented_at: { role: 'quasi', hierarchy: { truncate: ['hour', 'day', 'month'] } }, g: { role: 'other' } } });
    const out = path.join(dir, 'times-out.parquet');
    const report = await sanitizeFile({ input: parquet, policy, policyDir: dir, out });
    // One rental every 37 minutes: an hour holds 1–2, a day about 39, so days are the finest k=10 level.
    expect(report.levelNames.rented_at).toBe('day');
    const values = await query(`SELECT DISTINCT rented_at FROM read_parquet('${out}') ORDER BY 1`);
    expect(values.map((v) => v.rented_at)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05', '2024-03-06']);
  });

  it('no solution: the report says which constraint fails, no extract is written, an older extract stays', async () => {
    const input = write('few.csv', 'id,age,purpose\n1,30,a\n2,31,a\n3,45,b\n');
    const out = path.join(dir, 'few.parquet');
    writeFileSync(out, 'previous extract');
    const reportFile = path.join(dir, 'few.json');
    const report = await sanitizeFile({ input, out, report: reportFile, policyDir: dir, policy: parsePolicy({ k: 5, columns: { id: { role: 'identifier' }, age: { role: 'quasi', hierarchy: { bands: [10] } } } }) });
    expect(report.status).toBe('no-solution');
    expect(report.reason?.en).toBe('k=5 is larger than the number of rows (3)');
    expect(JSON.parse(readFileSync(reportFile, 'utf8')).status).toBe('no-solution');
    expect(readFileSync(out, 'utf8')).toBe('previous extract');
    const l3 = await previewSanitize({ input, policyDir: dir, policy: parsePolicy({ k: 1, columns: { age: { role: 'quasi', hierarchy: { bands: [10] } }, purpose: { role: 'sensitive', lDiversity: { variant: 'distinct', l: 3 } } } }) });
    expect(l3.reason?.en).toBe('sensitive column "purpose" has only 2 distinct values, so l=3 cannot be met');
  });
});

async function inputError(csv: string, policy = tripsPolicy()): Promise<MadangError> {
  const input = write(`bad-${Math.random().toString(36).slice(2)}.csv`, csv);
  try {
    await sanitizeFile({ input, policy, policyDir: dir, out: path.join(dir, 'never.parquet') });
  } catch (err) {
    expect(existsSync(path.join(dir, 'never.parquet'))).toBe(false);
    if (err instanceof MadangError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('bad input: what and where', () => {
  const header = 'rental_id,birth_year,gender,station,purpose,distance_m\n';
  it('ragged rows name the line', async () => {
    const err = await inputError(`${header}R1,1980,F,ST-101,commute,100\nR2,1981,M,ST-101\n`);
    expect(err.detail.en).toMatch(/line 3 has 4 fields, the header has 6$/);
    expect(err.detail.ko).toContain('3번째 줄');
  });
  it('bad and unclosed quotes name the line', async () => {
    expect((await inputError(`${header}R1,19"80,F,ST-101,commute,100\n`)).detail.en).toContain('line 2: a quote inside a field');
    expect((await inputError(`${header}R1,1980,F,ST-101,"commute,100\nR2,1981,M,ST-101,x,1\n`)).detail.en).toContain('the quote opened on line 2 is never closed');
    expect((await inputError(`${header}R1,"1980"x,F,ST-101,commute,100\n`)).detail.en).toContain('line 2: text after a closing quote');
  });
  it('duplicate column names', async () => {
    expect((await inputError('a,b,a\n1,2,3\n')).detail.en).toContain('duplicate column name "a"');
  });
  it('policy columns the input lacks', async () => {
    const err = await inputError(`${header}R1,1980,F,ST-101,commute,100\n`, tripsPolicy({ district: { role: 'other' } }));
    expect(err.detail.en).toContain('the policy names columns the input does not have: district');
  });
  it('hierarchy missing values present in the data', async () => {
    const err = await inputError(`${header}R1,1980,F,ST-101,commute,100\nR2,1980,F,ST-999,commute,100\nR3,1980,F,ST-998,commute,1\n`);
    expect(err.detail.en).toBe('hierarchy of column "station": values present in the data are missing from the hierarchy: "ST-999", "ST-998" (2)');
  });
  it('an output folder that does not exist', async () => {
    const input = write('ok.csv', `${header}R1,1980,F,ST-101,commute,100\n`);
    await expect(sanitizeFile({ input, policy: tripsPolicy(), policyDir: dir, out: path.join(dir, 'missing', 'x.parquet') })).rejects.toThrow(/the folder for the extract, .*missing, does not exist/);
  });
  it('bytes that are not UTF-8', async () => {
    const input = path.join(dir, 'cp949.csv');
    writeFileSync(input, Buffer.concat([Buffer.from('gu,n\n'), Buffer.from([0xb0, 0xad, 0xb3, 0xb2]), Buffer.from(',1\n')]));
    await expect(previewSanitize({ input, policyDir: dir, policy: parsePolicy({ k: 1, columns: { gu: { role: 'other' } } }) })).rejects.toThrow(/not UTF-8/);
  });
});

describe('CSV shape', () => {
  it('detects `;` vs `,` from the header line, ignoring quoted text', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('"x;y",b')).toBe(',');
  });
  it('counts records without keeping their text: blank lines and a lone "" are skipped, "" inside quotes is a quote', async () => {
    const file = write('shape.csv', 'a,b\n1,2\n\n"",\n""\n"x""y",3\r\n"multi\nline",4');
    expect(await checkCsv(file)).toEqual({ delimiter: ',', header: ['a', 'b'], records: 4 });
  });

  it('gives the same answer however the file is split into chunks (seeded random CSV-like text)', async () => {
    const rnd = seededRandom(11);
    const pieces = ['a', '강', ',', ';', '"', '""', '\n', '\r\n', '\r', ' ', '1,2,3\n', '"q,1",2,"x""y"\n'];
    const outcome = (p: Promise<unknown>) => p.then((r) => JSON.stringify(r), (e: unknown) => (e instanceof MadangError ? e.detail.en : String(e)));
    for (let n = 0; n < 150; n++) {
      let text = n % 3 === 0 ? '\ufeffh1;h2\r\n' : 'h1,h2,h3\n';
      for (let i = 0; i < 30; i++) text += rnd() < 0.1 ? pieces[Math.floor(rnd() * pieces.length)] : pieces[10 + Math.floor(rnd() * 2)];
      const file = write('chunks.csv', text);
      const whole = await outcome(checkCsv(file));
      for (const bytes of [3, 4, 7]) expect(await outcome(checkCsv(file, bytes)), `${JSON.stringify(text)} in ${bytes}-byte chunks`).toBe(whole);
    }
  });

  it('handles CRLF, BOM, quoted delimiters and newlines', async () => {
    const file = write('crlf.csv', '\ufeffname;note\r\n"Kim; J";"line1\nline2"\r\n"Lee";x\r\n');
    expect(await checkCsv(file)).toEqual({ delimiter: ';', header: ['name', 'note'], records: 2 });
  });
});
