/** The streaming CSV conversion on files larger than one read chunk (256 KiB). */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeCsv } from '../../server/datasets/convert.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'madang-convert-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cp949(text: string): Uint8Array {
  // The real CP949 bytes of these syllables (from the Seoul air-quality file's header).
  const table: Record<string, number[]> = { 강: [0xb0, 0xad], 남: [0xb3, 0xb2], 구: [0xb1, 0xb8] };
  const out: number[] = [];
  for (const ch of text) out.push(...(table[ch] ?? [ch.charCodeAt(0)]));
  return new Uint8Array(out);
}

describe('normalizeCsv', () => {
  it('reads a CP949 file whose first 256 KiB are plain ASCII as CP949', async () => {
    const head = `code,name\n${Array.from({ length: 30000 }, (_, i) => `${i},x${i}`).join('\n')}\n`;
    expect(head.length).toBeGreaterThan(256 * 1024);
    const file = path.join(dir, 'late.csv');
    await writeFile(file, Buffer.concat([Buffer.from(head), Buffer.from(cp949('30000,강남구\n'))]));
    const out = path.join(dir, 'late.norm.csv');
    const r = await normalizeCsv(file, 'auto', out);
    expect(r).toMatchObject({ encoding: 'cp949', rows: 30001, header: ['code', 'name'], types: ['integer', 'text'] });
    expect((await readFile(out, 'utf8')).endsWith('30000,강남구\n')).toBe(true);
    // Forced UTF-8 says where it went wrong instead.
    await expect(normalizeCsv(file, 'utf-8', out)).rejects.toThrow(/bytes that are not UTF-8 near line \d+/);
  });

  it('keeps records split across chunks intact (quoted newlines, doubled quotes, CRLF)', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},"line one\r\nline ""two"" ${i}",${i % 7}`);
    const file = path.join(dir, 'multi.csv');
    await writeFile(file, `\uFEFFid,note,n\r\n${rows.join('\r\n')}\r\n`);
    const out = path.join(dir, 'multi.norm.csv');
    const r = await normalizeCsv(file, 'auto', out);
    expect(r).toMatchObject({ encoding: 'utf-8-bom', delimiter: ',', rows: 20000, types: ['integer', 'text', 'integer'] });
    const text = await readFile(out, 'utf8');
    expect(text.startsWith('id,note,n\n0,"line one\r\nline ""two"" 0",0\n')).toBe(true);
    expect(text.endsWith(`19999,"line one\r\nline ""two"" 19999",${19999 % 7}\n`)).toBe(true);
  });

  it('names the line of a ragged row deep in a large file', async () => {
    const rows = Array.from({ length: 40000 }, (_, i) => (i === 35000 ? `${i}` : `${i};${i * 2}`));
    const file = path.join(dir, 'ragged.csv');
    await writeFile(file, `a;b\n${rows.join('\n')}\n`);
    await expect(normalizeCsv(file, 'auto', path.join(dir, 'ragged.norm.csv'))).rejects.toThrow(/CSV line 35002: 1 fields, but the header has 2/);
  });
});
