/**
 * Fixtures for story tests, e2e and the story benchmark: a seeded synthetic trips extract
 * (`trips`: district, age band, hour, distance; 2,400 rows) registered in the server's real
 * extract catalog, and a notebook that uses it (Markdown with hostile HTML, a passing table, an
 * input-driven query, charts with alt text, and a too-fine query that the checks flag).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as Y from 'yjs';
import { createExtractCatalog, type ExtractCatalog } from '../../server/extracts/catalog.ts';
import { loadDocFromStore } from '../../server/notebooks/service.ts';
import type { RunningServer } from '../../server/index.ts';
import { listCells, type CellSnapshot } from '../../shared/schema/notebook.ts';
import { mulberry32 } from '../harness/seededRandom.ts';

export const tripsDistricts = ['강남구', '마포구', '송파구', '종로구', '관악구', '노원구'];


export function tripsCsv(rows = 2400, seed = 7): string {
  const rand = mulberry32(seed);
  const bands = ['20-29', '30-39', '40-49', '50-59'];
  const lines = ['gu,age_band,hour,distance_m'];
  for (let i = 0; i < rows; i++) {
    const gu = tripsDistricts[Math.floor(rand() * tripsDistricts.length)]!;
    lines.push(`${gu},${bands[Math.floor(rand() * bands.length)]},${Math.floor(rand() * 24)},${200 + Math.floor(rand() * 5000)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Registers the `trips` extract (a new version each call) in the running server's catalog. */
export async function addTripsExtract(server: RunningServer, dataDir: string, opts: { rows?: number; seed?: number } = {}): Promise<{ catalog: ExtractCatalog; version: number }> {
  const file = path.join(dataDir, `trips-${opts.seed ?? 7}-${opts.rows ?? 2400}.csv`);
  await writeFile(file, tripsCsv(opts.rows, opts.seed));
  const catalog = await createExtractCatalog({ db: server.db, dataDir });
  const v = await catalog.add({
    name: 'trips', kind: 'sanitised', sourceFile: file, policyVersionId: 'policy-trips-v3',
    attribution: { ko: '합성 따릉이 이용 자료 (시험용)', en: 'Synthetic bike trips (test data)', source: 'test/stories/fixtures.ts', licence: 'CC0' },
    transformSql: 'SELECT CAST(gu AS VARCHAR) AS gu, CAST(age_band AS VARCHAR) AS age_band, CAST(hour AS INTEGER) AS hour, CAST(distance_m AS INTEGER) AS distance_m FROM src',
  });
  return { catalog, version: v.version };
}

export const storyNotebookMd = `---
title: 자치구별 따릉이 이용 <b>시험</b>
lang: ko
extracts:
  - trips
---

# 따릉이는 어디서 많이 탈까?

자치구마다 이용 건수를 셉니다. <script>alert('x')</script><img src=x onerror="alert(1)"> **굵게**

\`\`\`input min_hour
{
  "type": "range",
  "label": {
    "ko": "시작 시각",
    "en": "From hour"
  },
  "min": 0,
  "max": 23,
  "step": 1,
  "default": 6
}
\`\`\`

\`\`\`sql by_gu
SELECT gu, count(*) AS trips, avg(distance_m) AS mean_distance
FROM trips
WHERE hour >= $min_hour
GROUP BY gu
ORDER BY gu
\`\`\`

\`\`\`chart
{
  "mark": "barY",
  "data": "by_gu",
  "x": "gu",
  "y": "trips",
  "title": {
    "ko": "자치구별 이용 건수",
    "en": "Trips by district"
  },
  "alt": {
    "ko": "여섯 자치구의 따릉이 이용 건수 막대 그래프",
    "en": "Bars: bike trips in six districts"
  }
}
\`\`\`

\`\`\`sql by_band
SELECT age_band, count(*) AS trips FROM trips GROUP BY age_band ORDER BY age_band
\`\`\`

\`\`\`chart
{
  "mark": "barX",
  "data": "by_band",
  "x": "trips",
  "y": "age_band"
}
\`\`\`

\`\`\`sql busy
SELECT gu, trips FROM by_gu WHERE trips > 100
\`\`\`

\`\`\`sql too_fine
SELECT gu, age_band, hour, count(*) AS trips FROM trips GROUP BY gu, age_band, hour ORDER BY gu, age_band, hour
\`\`\`

\`\`\`sql all_rows
SELECT gu, hour FROM trips
\`\`\`

\`\`\`sql broken
SELECT no_such_column FROM trips
\`\`\`

\`\`\`sql local_file
SELECT count(*) AS n FROM my_local_csv
\`\`\`
`;

/** The notebook's cells (ids, kinds, names) as stored. */
export async function cellsOf(server: RunningServer, notebookId: string): Promise<CellSnapshot[]> {
  const doc: Y.Doc = await loadDocFromStore(server.store, notebookId);
  try {
    return listCells(doc);
  } finally {
    doc.destroy();
  }
}

export function cellId(cells: readonly CellSnapshot[], pick: (c: CellSnapshot, i: number) => boolean): string {
  const i = cells.findIndex(pick);
  if (i < 0) throw new Error('no such cell');
  return cells[i]!.id;
}
