/**
 * The browser engine's pure parts in Node: CSV decoding (UTF-8, else CP949), local table names,
 * the download reader (a body that ends early is an error, never a short table), ETA, and the
 * grid's row mapping for results taller than a browser can scroll natively.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, localTableName } from '../../client/duckdb/localFiles.ts';
import { etaSeconds, readWithProgress } from '../../client/duckdb/extractLoader.ts';
import { loadingBytes } from '../../shared/downloadProgress.ts';
import { firstRowAt, formatCell, rowHeight } from '../../client/components/outputs/ResultGrid.tsx';

describe('local files', () => {
  it('decodes UTF-8, and falls back to CP949 for Korean public data saved that way', () => {
    const cp949 = new Uint8Array(readFileSync(path.resolve('test/fixtures/cp949/air_2018_head.csv')));
    const decoded = decodeCsvBytes(cp949);
    expect(decoded.encoding).toBe('euc-kr');
    expect(decoded.text.split('\n')[0]).toBe('측정일시,측정소명,이산화질소농도(ppm),오존농도(ppm),일산화탄소농도(ppm),아황산가스농도(ppm),미세먼지농도(㎍/㎥),초미세먼지농도(㎍/㎥)');
    expect(decodeCsvBytes(new TextEncoder().encode('자치구,n\n중구,1\n'))).toEqual({ text: '자치구,n\n중구,1\n', encoding: 'utf-8' });
  });

  it('names the table after the file, as a plain identifier', () => {
    expect(localTableName('Seoul Trips (2020).csv')).toBe('local_seoul_trips_2020');
    expect(localTableName('따릉이 대여.parquet')).toBe('local_따릉이_대여');
    expect(localTableName('---.csv')).toBe('local_file');
  });
});

describe('extract downloads', () => {
  const stream = (chunks: Uint8Array[]) => new Response(new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  }));

  it('reads the whole body with progress', async () => {
    const seen: number[] = [];
    const bytes = await readWithProgress(stream([new Uint8Array([1, 2]), new Uint8Array([3])]), 3, (n) => seen.push(n));
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(seen).toEqual([2, 3]);
  });

  it('a body that ends before the announced length is an error', async () => {
    await expect(readWithProgress(stream([new Uint8Array([1, 2])]), 10, () => undefined)).rejects.toThrow(/short body/);
  });

  it('estimates the time left from the rate so far', () => {
    expect(etaSeconds({ loadedBytes: 250, totalBytes: 1000, startedAt: 0 }, 1000)).toBe(3);
    expect(etaSeconds({ loadedBytes: 0, totalBytes: 1000, startedAt: 0 }, 1000)).toBeNull();
  });
});

describe('result grid', () => {
  it('maps scroll position to rows one to one while the grid fits, proportionally beyond', () => {
    expect(firstRowAt(rowHeight * 10, 1000, 300)).toEqual({ first: 10, spacer: 1000 * rowHeight });
    const huge = 10_000_000;
    const top = firstRowAt(0, huge, 300);
    const end = firstRowAt(top.spacer - 300, huge, 300);
    expect(top.first).toBe(0);
    expect(end.first).toBe(huge - Math.ceil(300 / rowHeight));
    expect(top.spacer).toBeLessThan(huge * rowHeight);
  });

  it('formats values by DuckDB type; NULL is visible', () => {
    expect(formatCell(null, 'INTEGER')).toBe('NULL');
    expect(formatCell(Date.UTC(2021, 4, 8), 'DATE')).toBe('2021-05-08');
    expect(formatCell(0.1 + 0.2, 'DOUBLE')).toBe('0.3');
    expect(formatCell(2230, 'INTEGER')).toBe('2230');
    expect(formatCell('종로구', 'VARCHAR')).toBe('종로구');
  });
});

describe('engine loading progress over a compressed download', () => {
  it('uses the uncompressed total when the server said it', () => {
    expect(loadingBytes(20_000_000, 6_800_000, 34_000_000)).toEqual({ loadedBytes: 20_000_000, totalBytes: 34_000_000 });
    expect(loadingBytes(34_000_001, 6_800_000, 34_000_000)).toEqual({ loadedBytes: 34_000_000, totalBytes: 34_000_000 });
  });
  it('keeps the reported total until decoded bytes outrun it, then shows bytes only', () => {
    expect(loadingBytes(1_000, 6_800_000, null)).toEqual({ loadedBytes: 1_000, totalBytes: 6_800_000 });
    expect(loadingBytes(7_000_000, 6_800_000, null)).toEqual({ loadedBytes: 7_000_000, totalBytes: 0 });
  });
});
