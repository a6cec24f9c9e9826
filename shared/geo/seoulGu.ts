/**
 * The built-in geo layer of Seoul's 25 districts (자치구) and how data rows join to it.
 *
 * The boundaries (`seoulGu.json`, 32 KB, see `SOURCE.md`) are loaded with a dynamic import so only
 * a page that draws a map downloads them. Joins are pure:
 *
 * - by name: `종로구`, `종로`, `서울특별시 종로구`, `Jongno-gu`, `jongno` all mean the same
 *   district (see `districtNameKey`).
 * - by code: two code systems are in use and they overlap (`11110` is 종로구 in the
 *   administrative standard, 노원구 in KOSTAT's statistical codes), so a join picks the system
 *   explicitly or, on `auto`, the one that matches more rows (ties go to `admin`, the code used by
 *   most Seoul open data, and are reported). 10-digit legal-dong style codes (`1111000000`) and
 *   numbers are accepted.
 */

/** Geometry as GeoJSON (WGS84 lon/lat); Plot's `geo` mark draws it. */
export interface DistrictFeature {
  type: 'Feature';
  properties: {
    /** Korean name with the 구 suffix, e.g. 종로구. */
    name: string;
    nameEn: string;
    /** KOSTAT statistical code (통계청), e.g. 11010 for 종로구. */
    kostat: string;
    /** Administrative standard code (행정표준코드 SIG_CD), e.g. 11110 for 종로구. */
    admin: string;
  };
  geometry: { type: string; coordinates: unknown };
}

export interface DistrictLayer {
  type: 'FeatureCollection';
  features: DistrictFeature[];
}

export const districtLayerNames = ['seoul-gu'] as const;
export type DistrictLayerName = (typeof districtLayerNames)[number];

export const codeSystems = ['auto', 'admin', 'kostat'] as const;
export type CodeSystem = (typeof codeSystems)[number];

/** Credit line shown under every map. */
export const seoulGuAttribution = {
  ko: '경계: 통계청 센서스 경계 2013 (southkorea/seoul-maps, Apache-2.0)',
  en: 'Boundaries: KOSTAT 2013 via southkorea/seoul-maps (Apache-2.0)',
};

/** Loads the layer lazily (a separate chunk in the browser). */
export async function loadSeoulGu(): Promise<DistrictLayer> {
  const mod = (await import('./seoulGu.json')) as unknown as { default: DistrictLayer };
  return mod.default;
}

/**
 * A comparable key for a district name in Korean or English: no spaces, no `서울(특별)시`
 * prefix, no `구` / `-gu` suffix, lower case. `중구` becomes `중` on both sides, so it still matches
 * only itself.
 */
export function districtNameKey(name: string): string {
  let s = name.normalize('NFC').trim().toLowerCase().replace(/[\s·.]+/g, '');
  s = s.replace(/^(서울특별시|서울시|서울|seoul(-si)?,?)/, '');
  if (/[a-z]/.test(s)) return s.replace(/-?gu$/, '').replace(/-/g, '');
  return s.length > 1 && s.endsWith('구') ? s.slice(0, -1) : s;
}

/** A 5-digit district code from a string or number, or null (10-digit codes must end in 00000). */
export function districtCodeKey(code: unknown): string | null {
  const s = typeof code === 'number' && Number.isInteger(code) ? String(code)
    : typeof code === 'bigint' ? String(code)
      : typeof code === 'string' ? code.trim().replace(/[\s-]/g, '') : '';
  if (/^\d{5}$/.test(s)) return s;
  if (/^\d{10}$/.test(s) && s.endsWith('00000')) return s.slice(0, 5);
  return null;
}

export interface DistrictJoin {
  by: 'name' | 'code';
  /** The data column holding the name or code. */
  field: string;
  codes?: CodeSystem;
}

export interface DistrictMatch<Row> {
  /** Matched row for each feature index (a feature no row names is absent). */
  rows: Map<number, Row>;
  /** Distinct values that named no district, in first-seen order (e.g. `소계`, a typo). */
  unmatched: string[];
  /** Districts named by more than one row: the first row is used. */
  duplicates: string[];
  /** The code system used (code joins only). */
  codes?: 'admin' | 'kostat';
  /** Code join on `auto` where every code was valid in both systems. */
  ambiguousCodes: boolean;
}

/** Joins rows to the layer's features. Rows whose key is null or empty are skipped silently. */
export function matchDistricts<Row extends Record<string, unknown>>(
  layer: DistrictLayer,
  rows: readonly Row[],
  join: DistrictJoin,
): DistrictMatch<Row> {
  const out: DistrictMatch<Row> = { rows: new Map(), unmatched: [], duplicates: [], ambiguousCodes: false };
  const unmatched = new Set<string>();
  const duplicates = new Set<string>();
  let lookup: (value: unknown) => number | undefined;

  if (join.by === 'name') {
    const index = new Map<string, number>();
    layer.features.forEach((f, i) => {
      index.set(districtNameKey(f.properties.name), i);
      index.set(districtNameKey(f.properties.nameEn), i);
    });
    lookup = (v) => (typeof v === 'string' ? index.get(districtNameKey(v)) : undefined);
  } else {
    const admin = new Map(layer.features.map((f, i) => [f.properties.admin, i]));
    const kostat = new Map(layer.features.map((f, i) => [f.properties.kostat, i]));
    let system: 'admin' | 'kostat';
    if (join.codes === 'admin' || join.codes === 'kostat') system = join.codes;
    else {
      let a = 0;
      let k = 0;
      for (const row of rows) {
        const key = districtCodeKey(row[join.field]);
        if (key === null) continue;
        if (admin.has(key)) a++;
        if (kostat.has(key)) k++;
      }
      system = k > a ? 'kostat' : 'admin';
      out.ambiguousCodes = a === k && a > 0;
    }
    out.codes = system;
    const index = system === 'admin' ? admin : kostat;
    lookup = (v) => {
      const key = districtCodeKey(v);
      return key === null ? undefined : index.get(key);
    };
  }

  for (const row of rows) {
    const value = row[join.field];
    if (value === null || value === undefined || value === '') continue;
    const i = lookup(value);
    if (i === undefined) {
      unmatched.add(String(value));
      continue;
    }
    if (out.rows.has(i)) duplicates.add(layer.features[i].properties.name);
    else out.rows.set(i, row);
  }
  out.unmatched = [...unmatched];
  out.duplicates = [...duplicates];
  return out;
}
