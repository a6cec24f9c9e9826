/**
 * The steward and CSO flow against the real server: import (HTTP stream and CLI), profiles by
 * role, bad files, policy versions and approvals, no extract before approval, the extract build
 * and its download as Arrow, audit entries, and the raw store never reaching any response.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.ts';
import { startTestServer, type TestClient, type TestServer } from '../harness/testServer.ts';
import { rawMarker, tripsCsv, tripsPolicy } from './fixtures.ts';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'datasets');

let t: TestServer;
let steward: TestClient;
let steward2: TestClient;
let steward3: TestClient;
let cso1: TestClient;
let cso2: TestClient;
let analyst: TestClient;
let datasetId = '';

function upload(client: TestClient, name: string, filename: string, body: string | Uint8Array, encoding?: string) {
  const q = new URLSearchParams({ name, filename, ...(encoding ? { encoding } : {}) });
  return client.request(`/api/datasets/import?${q}`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
}

async function auditActions(): Promise<string[]> {
  const rows = await t.server.db.selectFrom('audit_log').select(['action']).orderBy('seq').execute();
  return rows.map((r) => r.action);
}

beforeAll(async () => {
  t = await startTestServer();
  const mk = async (role: 'steward' | 'analyst', org: string, orgKind: 'city' | 'cso') => t.clientFor(await t.createUser({ role, org, orgKind }));
  steward = await mk('steward', '서울특별시 데이터전략과', 'city');
  steward2 = await mk('steward', '서울특별시 데이터전략과', 'city');
  steward3 = await mk('analyst', '서울특별시 데이터전략과', 'city');
  cso1 = await mk('analyst', '서울환경연합', 'cso');
  cso2 = await mk('analyst', '서울환경연합', 'cso');
  analyst = await mk('analyst', '도시데이터연구소', 'cso');
}, 30_000);

afterAll(async () => {
  await t?.close();
});

describe('import', () => {
  it('refuses analysts (403) and anonymous people (401)', async () => {
    expect((await upload(analyst, 'trips', 'trips.csv', tripsCsv(10))).status).toBe(403);
    expect((await upload(t.anonymous(), 'trips', 'trips.csv', tripsCsv(10))).status).toBe(401);
  });

  it('streams a steward\'s upload into the raw store and profiles it', async () => {
    const res = await upload(steward, 'trips', 'trips.csv', tripsCsv());
    expect(res.status).toBe(201);
    const { version } = res.json();
    datasetId = version.datasetId;
    expect(version).toMatchObject({ name: 'trips', version: 1, rowCount: 300, encoding: 'utf-8', delimiter: ',', profile: 'full' });
    const byName = Object.fromEntries(version.columns.map((c: { name: string }) => [c.name, c]));
    expect(byName.rental_id).toMatchObject({ type: 'text', distinct: 300, nulls: 0, min: null, max: null, top: [] });
    expect(byName.birth_year.type).toBe('integer');
    expect(byName.distance_m.type).toBe('integer');
    expect(byName.gender.top.map((v: { value: string }) => v.value).sort()).toEqual(['F', 'M']);
  });

  it('takes uploads larger than the app\'s JSON body limit (the body is streamed, not parsed)', async () => {
    const body = tripsCsv(40_000);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await upload(steward, 'trips_large', 'trips_large.csv', body);
    expect(res.status).toBe(201);
    expect(res.json().version).toMatchObject({ rowCount: 40_000, byteSize: Buffer.byteLength(body) });
  });

  it('imports the real CP949 air-quality slice', async () => {
    const res = await upload(steward, 'air_quality_2018', 'air.csv', await readFile(path.join(fixtures, 'air_quality_2018_cp949.csv')));
    expect(res.status).toBe(201);
    const { version } = res.json();
    expect(version.encoding).toBe('cp949');
    expect(version.columns.map((c: { name: string }) => c.name)).toContain('미세먼지농도(㎍/㎥)');
    expect(version.columns.find((c: { name: string }) => c.name === '측정소명').type).toBe('text');
  });

  it('lets a steward correct a type (a new version) and says when values do not fit', async () => {
    const list = (await steward.get('/api/datasets')).json().datasets;
    const air = list.find((d: { name: string }) => d.name === 'air_quality_2018');
    const ok = await steward.post(`/api/datasets/${air.id}/versions/1/types`, { types: { 측정일시: 'text' } });
    expect(ok.status).toBe(201);
    expect(ok.json().version).toMatchObject({ version: 2 });
    expect(ok.json().version.columns.find((c: { name: string }) => c.name === '측정일시')).toMatchObject({ type: 'text', inferredType: 'integer' });
    const bad = await steward.post(`/api/datasets/${air.id}/versions/1/types`, { types: { 측정소명: 'integer' } });
    expect(bad.status).toBe(400);
    expect(bad.json().error.en).toMatch(/column "측정소명": 24 values cannot be read as integer/);
    expect((await analyst.post(`/api/datasets/${air.id}/versions/1/types`, { types: { 측정일시: 'text' } })).status).toBe(403);
  });

  it('explains malformed files: ragged rows, bad quotes, duplicate names, unknown encodings', async () => {
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['ragged', 'a,b,c\n1,2,3\n4,5\n', /CSV line 3: 2 fields, but the header has 3/],
      ['quotes', 'a,b\n1,"x\n2,3\n', /CSV line 2: the quote opened here is never closed/],
      ['stray', 'a,b\n1,x"y\n', /CSV line 2: a quote/],
      ['dupes', 'id,name,id\n1,2,3\n', /duplicate column name "id"/],
      ['binary', new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xfe, 0xff, 0x0a]), /unknown text encoding/],
      ['empty', '', /empty/],
    ];
    for (const [name, body, message] of cases) {
      const res = await upload(steward, `bad_${name}`, `${name}.csv`, body);
      expect(res.status, name).toBe(400);
      expect(res.json().error.en, name).toMatch(message);
      expect(res.json().error.ko, name).not.toBe('');
    }
    const wrongExt = await upload(steward, 'bad_ext', 'data.xlsx', 'x');
    expect(wrongExt.json().error.en).toMatch(/only CSV/);
    const badName = await upload(steward, '1 bad name', 'x.csv', 'a\n1\n');
    expect(badName.json().error.en).toMatch(/dataset name/);
    // Nothing half-written: none of these became a dataset.
    const names = (await steward.get('/api/datasets')).json().datasets.map((d: { name: string }) => d.name);
    expect(names.filter((n: string) => n.startsWith('bad_'))).toEqual([]);
  });

  it('imports from the command line into the same data dir', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), env: {} };
    const code = await main(['node', 'madang', 'dataset', 'import', path.join(fixtures, 'ttareungi_stations_cp949.csv'), '--name', 'stations', '--data', t.dataDir], io);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^stations v1\t29 rows\tcp949/);
    const bad = await main(['node', 'madang', 'dataset', 'import', path.join(fixtures, 'air_quality_2018_cp949.csv'), '--name', 'x', '--encoding', 'utf-8', '--data', t.dataDir], io);
    expect(bad).toBe(1);
    expect(err.join('')).toMatch(/utf-8 was given/);
    const names = (await steward.get('/api/datasets')).json().datasets.map((d: { name: string }) => d.name);
    expect(names).toContain('stations');
  });

  it('imports a Parquet file (types from its schema)', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const file = path.join(t.dataDir, 'upload-src.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`COPY (SELECT i::INTEGER AS n, 'v' || (i % 3) AS label, DATE '2024-01-01' + i::INTEGER AS day FROM range(10) t(i)) TO '${file}' (FORMAT parquet)`);
    conn.closeSync();
    instance.closeSync();
    const res = await upload(steward, 'from_parquet', 'src.parquet', await readFile(file));
    expect(res.status).toBe(201);
    const { version } = res.json();
    expect(version).toMatchObject({ format: 'parquet', rowCount: 10, encoding: null });
    expect(version.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['n:integer', 'label:text', 'day:date']);
  });

  it('shows other members the profile summary only (no values)', async () => {
    const res = await analyst.get(`/api/datasets/${datasetId}`);
    expect(res.status).toBe(200);
    const v = res.json().versions[0];
    expect(v.profile).toBe('summary');
    expect(Object.keys(v.columns[0]).sort()).toEqual(['distinct', 'name', 'nulls', 'type']);
    expect(res.json().canManage).toBe(false);
  });
});

describe('policies, approvals and extracts', () => {
  let policyId = '';

  it('builds no extract without a policy', async () => {
    const res = await steward.post(`/api/datasets/${datasetId}/extracts`, {});
    expect(res.status).toBe(409);
    expect(res.json().error.en).toMatch(/no approved policy/);
  });

  it('previews and drafts a policy version (stewards only)', async () => {
    expect((await analyst.post(`/api/datasets/${datasetId}/policies`, { policy: tripsPolicy })).status).toBe(403);
    const preview = await steward.post(`/api/datasets/${datasetId}/policies/preview`, { policy: tripsPolicy });
    expect(preview.status).toBe(200);
    expect(preview.json().report).toMatchObject({ status: 'ok', k: 5, inputRows: 300, droppedColumns: ['rental_id'] });
    const res = await steward.post(`/api/datasets/${datasetId}/policies`, { policy: tripsPolicy, note: '첫 정책' });
    expect(res.status).toBe(201);
    const { version } = res.json();
    policyId = version.id;
    expect(version).toMatchObject({ version: 1, datasetVersion: 1, note: '첫 정책', state: { status: 'pending' } });
    expect(version.preview.minClassSize).toBeGreaterThanOrEqual(5);
    expect(version.preview.levels).toEqual(preview.json().report.levels);
  });

  it('validates the policy JSON and its columns', async () => {
    const bad = await steward.post(`/api/datasets/${datasetId}/policies`, { policy: { ...tripsPolicy, k: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json().error.en).toMatch(/^invalid policy — k:/);
    const unknown = await steward.post(`/api/datasets/${datasetId}/policies/preview`, { policy: { ...tripsPolicy, columns: { ...tripsPolicy.columns, nope: { role: 'other' } } } });
    expect(unknown.json().error.en).toMatch(/policy column "nope" is not in the dataset/);
    const file = await steward.post(`/api/datasets/${datasetId}/policies/preview`, { policy: { ...tripsPolicy, columns: { gu: { role: 'quasi', hierarchy: { file: '/etc/passwd' } } } } });
    expect(file.json().error.en).toMatch(/hierarchy files cannot be used on the web/);
  });

  it('needs two approvals including another organisation; same-org approvals and own approvals do not count', async () => {
    const own = await steward.post(`/api/policies/${policyId}/reviews`, { decision: 'approve' });
    expect(own.status).toBe(403);
    await steward2.post(`/api/policies/${policyId}/reviews`, { decision: 'approve', comment: '좋습니다' });
    const same = await steward3.post(`/api/policies/${policyId}/reviews`, { decision: 'approve' });
    expect(same.status).toBe(201);
    expect(same.json().version.state).toMatchObject({ status: 'pending', missing: { approvals: 0, otherOrg: true } });
    expect((await steward.post(`/api/datasets/${datasetId}/extracts`, {})).status).toBe(409);

    const changes = await cso1.post(`/api/policies/${policyId}/reviews`, { decision: 'request_changes', comment: 'k를 올려 주세요' });
    expect(changes.json().version.state.status).toBe('changes_requested');
    const noWhy = await cso2.post(`/api/policies/${policyId}/reviews`, { decision: 'request_changes', comment: '' });
    expect(noWhy.status).toBe(400);
    const comment = await analyst.post(`/api/policies/${policyId}/reviews`, { decision: 'comment', comment: '미리보기를 봤습니다' });
    expect(comment.status).toBe(201);

    const approved = await cso1.post(`/api/policies/${policyId}/reviews`, { decision: 'approve', comment: '반영 확인' });
    expect(approved.json().version.state.status).toBe('approved');
    // History is visible to every member, with names and organisations.
    const history = (await analyst.get(`/api/datasets/${datasetId}/policies`)).json();
    expect(history.requiredApprovals).toBe(2);
    expect(history.versions[0].reviews.map((r: { decision: string; orgName: string }) => `${r.decision}@${r.orgName}`)).toEqual([
      'approve@서울특별시 데이터전략과', 'approve@서울특별시 데이터전략과', 'request_changes@서울환경연합', 'comment@도시데이터연구소', 'approve@서울환경연합',
    ]);
  });

  it('builds a sanitised extract that analysts download as Arrow, with the report stored', async () => {
    expect((await analyst.post(`/api/datasets/${datasetId}/extracts`, {})).status).toBe(403);
    const res = await steward.post(`/api/datasets/${datasetId}/extracts`, {});
    expect(res.status).toBe(201);
    const { build, extract } = res.json();
    expect(extract).toMatchObject({ name: 'trips', version: 1, kind: 'sanitised', datasetId, policyVersionId: policyId });
    expect(build.report).toMatchObject({ status: 'ok', k: 5, inputRows: 300 });
    expect(extract.rowCount).toBe(build.report.outputRows);

    const builds = (await analyst.get(`/api/datasets/${datasetId}/extracts`)).json().builds;
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({ extractName: 'trips', extractVersion: 1, policyVersion: 1 });

    const catalog = (await analyst.get('/api/extracts')).json().extracts.map((e: { name: string }) => e.name);
    expect(catalog).toContain('trips');
    const arrow = await fetch(`${t.url}/api/extracts/trips/1/arrow`, { headers: { cookie: analyst.cookie! } });
    expect(arrow.status).toBe(200);
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.numRows).toBe(build.report.outputRows);
    const names = table.schema.fields.map((f) => f.name);
    expect(names).not.toContain('rental_id');
    expect(names).toEqual(expect.arrayContaining(['birth_year', 'gender', 'gu', 'purpose', 'distance_m']));
    // Every published class has at least k rows.
    const counts = new Map<string, number>();
    for (const row of table.toArray()) {
      const key = `${row.birth_year}|${row.gender}|${row.gu}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(5);
  });

  it('refuses a build whose approved policy has no solution, leaving the catalog untouched', async () => {
    const strict = { ...tripsPolicy, k: 1000, suppressionLimit: 0 };
    const drafted = (await steward.post(`/api/datasets/${datasetId}/policies`, { policy: strict, note: 'too strict' })).json().version;
    expect(drafted.preview.status).toBe('no-solution');
    await cso1.post(`/api/policies/${drafted.id}/reviews`, { decision: 'approve' });
    await cso2.post(`/api/policies/${drafted.id}/reviews`, { decision: 'approve' });
    const before = (await analyst.get('/api/extracts/trips')).json().versions.length;
    const res = await steward.post(`/api/datasets/${datasetId}/extracts`, { policyVersionId: drafted.id });
    expect(res.status).toBe(409);
    expect(res.json().error.en).toMatch(/^no extract can be made with this policy: /);
    expect((await analyst.get('/api/extracts/trips')).json().versions.length).toBe(before);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(path.join(t.dataDir, 'raw', '.builds'))).toEqual([]);
  });

  it('records every step in the audit log', async () => {
    const actions = await auditActions();
    for (const a of ['dataset.import', 'dataset.retype', 'policy.draft', 'policy.approve', 'policy.request_changes', 'policy.comment', 'extract.build', 'extract.download']) {
      expect(actions, a).toContain(a);
    }
  });

  it('names a column renamed between dataset versions', async () => {
    const v2 = await upload(steward, 'trips', 'trips_v2.csv', tripsCsv(50, 9, 'rental_id,birthyear,gender,gu,purpose,distance_m'));
    expect(v2.json().version.version).toBe(2);
    const res = await steward.post(`/api/datasets/${datasetId}/policies`, { policy: tripsPolicy });
    expect(res.status).toBe(400);
    expect(res.json().error.en).toMatch(/column "birth_year" of dataset version 1 is not in version 2: renamed or removed \(new columns: birthyear\)/);
    // The approved policy still builds from the dataset version it was approved for.
    const again = await steward.post(`/api/datasets/${datasetId}/extracts`, { policyVersionId: policyId });
    expect(again.status).toBe(201);
    expect(again.json().build.report.inputRows).toBe(300);
  });
});

describe('the raw store is never served', () => {
  /** Full paths from Fastify's route tree (`printRoutes`: 4 columns of indent per level). */
  function routesOf(text: string): string[] {
    const stack: string[] = [];
    const out = new Set<string>();
    for (const line of text.split('\n')) {
      const m = /^(.*?)[├└]── (\S+)/.exec(line);
      if (!m) continue;
      const depth = Math.round([...m[1]].length / 4);
      stack.length = depth;
      stack.push(m[2]);
      out.add(stack.join(''));
    }
    return [...out];
  }

  it('no GET route, static path or traversal returns raw rows or files', async () => {
    const routes = routesOf(t.server.app.printRoutes({ commonPrefix: false }));
    expect(routes).toContain('/api/datasets/:id');
    const [rawDir] = (await t.server.db.selectFrom('dataset_versions' as never).select('raw_dir' as never).execute() as { raw_dir: string }[]).map((r) => r.raw_dir);
    // The marker is really in the raw store (so finding it nowhere below means something).
    expect(await readFile(path.join(t.dataDir, 'raw', rawDir, 'original.csv'), 'utf8')).toContain(`${rawMarker}-00000`);
    const policies = (await steward.get(`/api/datasets/${datasetId}/policies`)).json().versions;
    const values: Record<string, string[]> = {
      id: [datasetId, rawDir.split('/')[0]], name: ['trips'], version: ['1', '2'], versionId: [policies[0].id],
      '*': ['raw', `raw/${rawDir}/original.csv`, '../raw', '..%2fraw%2f' + encodeURIComponent(`${rawDir}/original.csv`)],
    };
    const probes = new Set<string>();
    for (const route of routes) {
      let paths = [route];
      for (const [param, options] of Object.entries(values)) {
        const token = param === '*' ? '*' : `:${param}`;
        paths = paths.flatMap((p) => (p.includes(token) ? options.map((o) => p.replace(token, o)) : [p]));
      }
      for (const p of paths) probes.add(p.replace(/:[A-Za-z]+/g, 'x'));
    }
    for (const p of ['/raw', `/raw/${rawDir}/original.csv`, `/${rawDir}/original.csv`, '/../raw/', `/assets/../raw/${rawDir}/data.parquet`, `/%2e%2e/raw/${rawDir}/original.csv`, '/.incoming', '/madang.db']) probes.add(p);
    expect(probes.size).toBeGreaterThan(20);
    for (const client of [steward, cso1, analyst, t.anonymous()]) {
      for (const p of probes) {
        const res = await fetch(`${t.url}${p}`, { headers: client.cookie ? { cookie: client.cookie } : {} });
        const body = Buffer.from(await res.arrayBuffer());
        expect(body.includes(rawMarker), `${p} leaked raw values`).toBe(false);
        expect(body.includes('PAR1'), `${p} served a Parquet file`).toBe(false);
      }
    }
  });
});

describe('upload size limit', () => {
  it('answers 413 with a clear message and keeps nothing', async () => {
    const before = process.env.MADANG_DATASET_MAX_BYTES;
    process.env.MADANG_DATASET_MAX_BYTES = '1000';
    const small = await startTestServer();
    try {
      const s = await small.clientFor(await small.createUser({ role: 'steward' }));
      const big = tripsCsv(200);
      const res = await upload(s, 'big', 'big.csv', big);
      expect(res.status).toBe(413);
      expect(res.json().error.en).toMatch(/the file is too large: at most 1000 B can be uploaded/);
      // Without a Content-Length the stream is cut off at the limit.
      const chunked = await fetch(`${small.url}/api/datasets/import?name=big&filename=big.csv`, {
        method: 'POST',
        headers: { cookie: s.cookie!, 'x-requested-with': 'madang', 'content-type': 'application/octet-stream' },
        body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect((await s.get('/api/datasets')).json().datasets).toEqual([]);
      const ok = await upload(s, 'small', 'small.csv', tripsCsv(5));
      expect(ok.status).toBe(201);
    } finally {
      await small.close();
      if (before === undefined) delete process.env.MADANG_DATASET_MAX_BYTES;
      else process.env.MADANG_DATASET_MAX_BYTES = before;
    }
  });
});
