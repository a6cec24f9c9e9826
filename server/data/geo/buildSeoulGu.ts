/**
 * Builds `shared/geo/seoulGu.json`, the built-in layer of Seoul's 25 districts (gu), from the
 * copies in `/work/shared/data/seoul_boundaries_gu_dong_2013_2015/` (southkorea/seoul-maps,
 * Apache-2.0; see `shared/geo/SOURCE.md`). Run once by hand when the source changes:
 *
 *   npx tsx server/data/geo/buildSeoulGu.ts [SOURCE_DIR]
 *
 * Geometry: KOSTAT 2013 simplified polygons. Each feature carries both code systems: `kostat`
 * (statistical, e.g. 종로구 11010) from the KOSTAT file and `admin` (행정표준코드 SIG_CD, e.g.
 * 종로구 11110) from the JUSO 2015 file, matched by Korean name. Coordinates are rounded to 5
 * decimals (about 1 m), which is far below what a city-wide map can show.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceDir = process.argv[2] ?? '/work/shared/data/seoul_boundaries_gu_dong_2013_2015';
const outFile = fileURLToPath(new URL('../../../shared/geo/seoulGu.json', import.meta.url));

interface Feature { type: 'Feature'; properties: Record<string, string>; geometry: { type: string; coordinates: unknown } }
interface Collection { type: 'FeatureCollection'; features: Feature[] }

const read = (rel: string): Collection => JSON.parse(readFileSync(path.join(sourceDir, rel), 'utf8')) as Collection;
const kostat = read('kostat/2013/json/seoul_municipalities_geo_simple.json');
const juso = read('juso/2015/json/seoul_municipalities_geo_simple.json');

const adminByName = new Map(juso.features.map((f) => [f.properties.SIG_KOR_NM, f.properties.SIG_CD]));

function round(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e5) / 1e5;
  if (Array.isArray(value)) return value.map(round);
  return value;
}

const features = kostat.features
  .map((f) => {
    const admin = adminByName.get(f.properties.name);
    if (!admin) throw new Error(`no JUSO code for ${f.properties.name}`);
    return {
      type: 'Feature' as const,
      properties: { name: f.properties.name, nameEn: f.properties.name_eng, kostat: f.properties.code, admin },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
    };
  })
  .sort((a, b) => a.properties.admin.localeCompare(b.properties.admin));

if (features.length !== 25) throw new Error(`expected 25 districts, got ${features.length}`);
writeFileSync(outFile, JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
console.log(`wrote ${outFile}: ${features.length} districts`);
