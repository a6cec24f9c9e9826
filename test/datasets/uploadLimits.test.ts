/**
 * Issue 5, "a 2 GB upload": the import route's byte limit through the real HTTP server, with the
 * limit set small. Over the limit with an honest Content-Length the answer comes before any body
 * byte is sent; without one (chunked, a body that never ends) it comes when the limit is crossed.
 * Either way: 413 naming the limit and both ways forward, the connection closed (so the rest of a
 * 2 GB body is not received), and nothing kept: no staged file, no dataset or version row.
 * The measured 2 GB run is `npm run bench:upload` (bench/upload.ts).
 */
import net from 'node:net';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../harness/testServer.ts';
import { tripsCsv } from './fixtures.ts';

const limit = 64 * 1024;

let t: TestServer;
let steward: TestClient;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request over a plain socket, so the test controls exactly which bytes are sent
 * (fetch always sends the body it is given). Resolves when the server closes the connection.
 */
function rawRequest(server: TestServer, head: Record<string, string>, pathname: string, body = ''): Promise<RawAnswer> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [headText, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = headText.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
      socket.destroy();
    });
    const lines = [`POST ${pathname} HTTP/1.1`, `Host: ${hostname}:${port}`, ...Object.entries(head).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
}

const importPath = (name = 'big', filename = 'big.csv') => `/api/datasets/import?${new URLSearchParams({ name, filename })}`;

function stewardHeaders(client: TestClient): Record<string, string> {
  return { cookie: client.cookie!, 'x-requested-with': 'madang', 'content-type': 'application/octet-stream' };
}

/** What an import may leave behind: staged uploads, raw version folders, rows. */
async function leftovers(server: TestServer) {
  const list = async (dir: string) => {
    try {
      return await readdir(dir);
    } catch {
      return [];
    }
  };
  const raw = path.join(server.dataDir, 'raw');
  const db = server.server.db as unknown as Kysely<any>;
  const count = async (table: string) => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return {
    staged: await list(path.join(raw, '.incoming')),
    rawDatasets: (await list(raw)).filter((n) => !n.startsWith('.')),
    datasets: await count('datasets'),
    versions: await count('dataset_versions'),
  };
}

const nothingKept = { staged: [], rawDatasets: [], datasets: 0, versions: 0 };

function expectTooLarge(en: string, ko: string): void {
  expect(en).toBe(
    'the file is too large: at most 64.0 KiB (65,536 bytes) can be uploaded. Import larger files on the server with `madang dataset import FILE --name NAME`, '
      + 'or ask the server\'s administrator to raise MADANG_DATASET_MAX_BYTES (bytes) and upload again',
  );
  expect(ko).toContain('최대 64.0 KiB (65,536바이트)');
  expect(ko).toContain('madang dataset import');
  expect(ko).toContain('MADANG_DATASET_MAX_BYTES');
}

/** A valid CSV of exactly `bytes` bytes. */
function csvOfSize(bytes: number): string {
  let text = 'id,note\n';
  let i = 0;
  while (Buffer.byteLength(text) + 40 < bytes) text += `${i++},row${String(i).padStart(10, '0')}\n`;
  const pad = bytes - Buffer.byteLength(text) - `${i},\n`.length;
  return `${text}${i},${'x'.repeat(pad)}\n`;
}

beforeAll(async () => {
  const before = process.env.MADANG_DATASET_MAX_BYTES;
  process.env.MADANG_DATASET_MAX_BYTES = String(limit);
  try {
    t = await startTestServer();
  } finally {
    if (before === undefined) delete process.env.MADANG_DATASET_MAX_BYTES;
    else process.env.MADANG_DATASET_MAX_BYTES = before;
  }
  steward = await t.clientFor(await t.createUser({ role: 'steward' }));
}, 30_000);

afterAll(async () => {
  await t?.close();
});

describe('upload over the limit', () => {
  it('tells the browser the limit and the message before it sends anything', async () => {
    const res = await steward.get('/api/datasets');
    expect(res.status).toBe(200);
    const { upload } = res.json();
    expect(upload.maxBytes).toBe(limit);
    expectTooLarge(upload.tooLarge.en, upload.tooLarge.ko);
  });

  it('honest Content-Length over the limit: 413 before any body byte is sent, connection closed', async () => {
    // 5 GB announced, not one byte sent: an answer at all proves the server did not wait for it.
    const answer = await rawRequest(t, { ...stewardHeaders(steward), 'content-length': String(5 * 1024 ** 3) }, importPath());
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    const { error } = JSON.parse(answer.body);
    expect(error.code).toBe('payload_too_large');
    expectTooLarge(error.en, error.ko);
    expect(await leftovers(t)).toEqual(nothingKept);
  });

  it('one byte over is refused, exactly the limit is accepted', async () => {
    const exact = csvOfSize(limit);
    expect(Buffer.byteLength(exact)).toBe(limit);
    const over = await steward.request(importPath('over', 'over.csv'), { method: 'POST', body: `${exact}\n`, headers: { 'content-type': 'application/octet-stream' } });
    expect(over.status).toBe(413);
    expect(await leftovers(t)).toEqual(nothingKept);
    const ok = await steward.request(importPath('exact', 'exact.csv'), { method: 'POST', body: exact, headers: { 'content-type': 'application/octet-stream' } });
    expect(ok.status).toBe(201);
    expect(ok.json().version).toMatchObject({ name: 'exact', byteSize: limit });
    // Clean up for the tests below, which expect nothing kept.
    const db = t.server.db as unknown as Kysely<any>;
    await db.deleteFrom('dataset_versions').execute();
    await db.deleteFrom('datasets').execute();
    const { rm } = await import('node:fs/promises');
    for (const d of (await leftovers(t)).rawDatasets) await rm(path.join(t.dataDir, 'raw', d), { recursive: true });
  });

  it('chunked without a length, a body that never ends: 413 when the limit is crossed', async () => {
    const chunk = new TextEncoder().encode(tripsCsv(2000).slice(0, 16 * 1024));
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += chunk.length;
        c.enqueue(chunk);
      },
    });
    const res = await fetch(`${t.url}${importPath()}`, { method: 'POST', headers: stewardHeaders(steward), body: endless, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    const { error } = await res.json();
    expectTooLarge(error.en, error.ko);
    expect(pulled).toBeGreaterThan(limit);
    expect(await leftovers(t)).toEqual(nothingKept);
  });

  it('a bad name or file type is refused before the body is read (no 2 GB sent to learn it)', async () => {
    const headers = { ...stewardHeaders(steward), 'content-length': String(limit) };
    const name = await rawRequest(t, headers, importPath('1 bad', 'x.csv'));
    expect(name.status).toBe(400);
    expect(JSON.parse(name.body).error.en).toMatch(/a dataset name starts with a letter/);
    const type = await rawRequest(t, headers, importPath('fine', 'x.xlsx'));
    expect(type.status).toBe(400);
    expect(JSON.parse(type.body).error.en).toMatch(/only CSV \(\.csv, \.tsv, \.txt\) or Parquet/);
    const analyst = await t.clientFor(await t.createUser({ role: 'analyst' }));
    const role = await rawRequest(t, { ...stewardHeaders(analyst), 'content-length': String(limit) }, importPath());
    expect(role.status).toBe(403);
    expect(await leftovers(t)).toEqual(nothingKept);
  });

  it('an upload cut off by the browser (tab closed) leaves nothing', async () => {
    const { hostname, port } = new URL(t.url);
    const socket = net.connect(Number(port), hostname);
    await new Promise((r) => socket.once('connect', r));
    const head = Object.entries({ ...stewardHeaders(steward), 'content-length': String(limit) }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`POST ${importPath('cut', 'cut.csv')} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${head.join('\r\n')}\r\n\r\n${tripsCsv(100).slice(0, 4000)}`);
    // Wait until the server is really writing the upload to its staging folder, then hang up.
    await until(async () => (await leftovers(t)).staged.length === 1);
    socket.destroy();
    await until(async () => (await leftovers(t)).staged.length === 0);
    expect(await leftovers(t)).toEqual(nothingKept);
  });
});

/** Waits for a condition that the server reaches on its own (bounded: fails after 10 s). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}
