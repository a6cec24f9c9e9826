/**
 * Issue 5, "bad input: a clear message each, nothing half-written", through the real server and
 * CLI. `datasetRoutes.test.ts` checks the messages of the common cases; this file checks what is
 * left on disk and in the database after each refusal: no staged upload, no raw version folder,
 * no dataset / version / policy / build row, no extract version, no build folder. It adds the
 * failures that happen part-way through a file (a ragged row after the first read chunk, a
 * CP949 file forced as UTF-8), a damaged Parquet file, a web policy whose hierarchy misses values
 * in the data, and the CLI import.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.ts';
import { startTestServer, type TestClient, type TestServer } from '../harness/testServer.ts';
import { tripsCsv, tripsPolicy } from './fixtures.ts';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'datasets');

let t: TestServer;
let steward: TestClient;
let cso1: TestClient;
let cso2: TestClient;

function upload(name: string, filename: string, body: string | Uint8Array, encoding?: string) {
  const q = new URLSearchParams({ name, filename, ...(encoding ? { encoding } : {}) });
  return steward.request(`/api/datasets/import?${q}`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
}

const db = () => t.server.db as unknown as Kysely<any>;

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Everything an import, a policy draft or an extract build can write. */
async function state() {
  const raw = path.join(t.dataDir, 'raw');
  const count = async (table: string) => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const versionDirs: string[] = [];
  for (const d of (await list(raw)).filter((n) => !n.startsWith('.'))) versionDirs.push(...(await list(path.join(raw, d))).map((v) => `${d}/${v}`));
  return {
    staged: await list(path.join(raw, '.incoming')),
    builds: await list(path.join(raw, '.builds')),
    versionDirs,
    datasets: await count('datasets'),
    versions: await count('dataset_versions'),
    policies: await count('policy_versions'),
    extractBuilds: await count('extract_builds'),
    extracts: await count('extracts'),
  };
}

beforeAll(async () => {
  t = await startTestServer();
  steward = await t.clientFor(await t.createUser({ role: 'steward', org: '서울특별시 데이터전략과', orgKind: 'city' }));
  cso1 = await t.clientFor(await t.createUser({ role: 'analyst', org: '서울환경연합', orgKind: 'cso' }));
  cso2 = await t.clientFor(await t.createUser({ role: 'analyst', org: '서울환경연합', orgKind: 'cso' }));
}, 30_000);

afterAll(async () => {
  await t?.close();
});

describe('a refused import writes nothing', () => {
  it('malformed CSV, duplicate names, unknown or wrong encodings, damaged Parquet', async () => {
    const before = await state();
    expect(before.versions).toBe(0);
    // A ragged row far past the first 256 KiB read: normalized.csv is half-written by then.
    const deep = tripsCsv(20_000);
    expect(deep.length).toBeGreaterThan(512 * 1024);
    const cp949 = await readFile(path.join(fixtures, 'air_quality_2018_cp949.csv'));
    const cases: [string, string, string | Uint8Array, RegExp, string?][] = [
      ['ragged', 'r.csv', 'a,b,c\n1,2,3\n4,5\n', /CSV line 3: 2 fields, but the header has 3/],
      ['ragged_deep', 'r.csv', `${deep}RAWSECRET-x,1980\n`, /CSV line 20002: 2 fields, but the header has 6/],
      ['unclosed_quote', 'q.csv', 'a,b\n1,"x\n2,3\n', /CSV line 2: the quote opened here is never closed/],
      ['stray_quote', 'q.csv', 'a,b\n1,x"y\n', /CSV line 2: a quote/],
      ['dupes', 'd.csv', 'id,name,id\n1,2,3\n', /duplicate column name "id"/],
      ['binary', 'b.csv', new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xfe, 0xff, 0x0a]), /unknown text encoding/],
      ['cp949_as_utf8', 'air.csv', cp949, /utf-8 was given/, 'utf-8'],
      ['parquet', 'p.parquet', new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 0x50, 0x41, 0x52, 0x31]), /cannot read the Parquet file/],
    ];
    for (const [name, filename, body, message, encoding] of cases) {
      const res = await upload(`bad_${name}`, filename, body, encoding);
      expect(res.status, name).toBe(400);
      expect(res.json().error.en, name).toMatch(message);
      expect(res.json().error.ko, name).not.toBe('');
      expect(await state(), name).toEqual(before);
    }
  });

  it('the CLI import of a malformed file: exit 1, the line named, nothing kept', async () => {
    const before = await state();
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (s: string) => err.push(s), env: {} };
    const file = path.join(t.dataDir, 'ragged.csv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, `${tripsCsv(20_000)}RAWSECRET-x,1980\n`);
    const code = await main(['node', 'madang', 'dataset', 'import', file, '--name', 'ragged', '--data', t.dataDir], io);
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/CSV line 20002: 2 fields, but the header has 6/);
    expect(await state()).toEqual(before);
  });
});

describe('a refused policy or build writes nothing', () => {
  let datasetId = '';

  it('imports the dataset the policies are about', async () => {
    const res = await upload('trips', 'trips.csv', tripsCsv());
    expect(res.status).toBe(201);
    datasetId = res.json().version.datasetId;
  });

  it('a type correction that values do not fit: no new version', async () => {
    const before = await state();
    const res = await steward.post(`/api/datasets/${datasetId}/versions/1/types`, { types: { gu: 'integer' } });
    expect(res.status).toBe(400);
    expect(res.json().error.en).toBe('column "gu": 300 values cannot be read as integer; pick another type (e.g. text)');
    expect(await state()).toEqual(before);
  });

  it('a hierarchy missing values present in the data: the values are named, no policy version', async () => {
    const before = await state();
    const gu = { map: { 강남구: ['동남권'], 서초구: ['동남권'], 송파구: ['동남권'], 마포구: ['서북권'] } };
    const policy = { ...tripsPolicy, columns: { ...tripsPolicy.columns, gu: { role: 'quasi', hierarchy: gu } } };
    for (const url of [`/api/datasets/${datasetId}/policies/preview`, `/api/datasets/${datasetId}/policies`]) {
      const res = await steward.post(url, { policy });
      expect(res.status, url).toBe(400);
      expect(res.json().error.en, url).toBe('column "gu": the value map lacks values present in the data: "중구", "종로구" (2)');
      expect(res.json().error.ko, url).toContain('중구');
    }
    expect(await state()).toEqual(before);
  });

  it('an approved policy with no solution: 409 naming the constraint, no build, no extract, no folder', async () => {
    const strict = { ...tripsPolicy, k: 1000, suppressionLimit: 0 };
    const drafted = await steward.post(`/api/datasets/${datasetId}/policies`, { policy: strict, note: 'too strict' });
    expect(drafted.status).toBe(201);
    const version = drafted.json().version;
    expect(version.preview).toMatchObject({ status: 'no-solution' });
    await cso1.post(`/api/policies/${version.id}/reviews`, { decision: 'approve' });
    const approved = await cso2.post(`/api/policies/${version.id}/reviews`, { decision: 'approve' });
    expect(approved.json().version.state.status).toBe('approved');
    const before = await state();
    const res = await steward.post(`/api/datasets/${datasetId}/extracts`, { policyVersionId: version.id });
    expect(res.status).toBe(409);
    expect(res.json().error.en).toBe('no extract can be made with this policy: k=1000 is larger than the number of rows (300)');
    expect(await state()).toEqual(before);
  });

  it('a column renamed between dataset versions: named, no policy version', async () => {
    const v2 = await upload('trips', 'trips_v2.csv', tripsCsv(50, 9, 'rental_id,birthyear,gender,gu,purpose,distance_m'));
    expect(v2.json().version.version).toBe(2);
    const before = await state();
    const res = await steward.post(`/api/datasets/${datasetId}/policies`, { policy: tripsPolicy });
    expect(res.status).toBe(400);
    expect(res.json().error.en).toMatch(/column "birth_year" of dataset version 1 is not in version 2: renamed or removed \(new columns: birthyear\)/);
    expect(res.json().error.ko).toContain('birth_year');
    expect(await state()).toEqual(before);
  });
});
