/**
 * The encoded generalisation hierarchy of one quasi-identifier: every data value (a "leaf")
 * gets an integer code per level, so generalising a column is one array lookup per value.
 *
 * Rows follow ARX's format: `[original, level 1, …, level max]`. Rows for values absent from the
 * data are allowed (ARX's Adult hierarchies list ages 1–100); they count for the Loss metric's
 * domain shares, exactly as ARX counts them, and nowhere else.
 */
import { MadangError } from '../errors.ts';

export interface EncodedHierarchy {
  column: string;
  /** Highest level (level 0 is the original value). */
  maxLevel: number;
  /** Leaf code -> original value, in the order the data listed them. */
  values: string[];
  /** codes[level][leaf] -> code of the leaf's label at that level. */
  codes: Int32Array[];
  /** labels[level][code] -> label text. */
  labels: string[][];
  /** shares[level][code] -> share of the hierarchy's rows that carry this label at this level (ARX's domain share). */
  shares: Float64Array[];
  /** Number of hierarchy rows (ARX's domain size). */
  domainSize: number;
}

function hierarchyError(column: string, ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko: `열 "${column}"의 일반화 계층: ${ko}`, en: `hierarchy of column "${column}": ${en}` });
}

/**
 * Encodes hierarchy `rows` for the data's distinct `values` (in first-appearance order).
 * Errors: ragged rows, a value listed twice, data values missing from the hierarchy (named, first
 * few + count), and a hierarchy that is not a tree over the data (one label generalising to two).
 */
export function encodeHierarchy(column: string, rows: string[][], values: string[]): EncodedHierarchy {
  if (rows.length === 0) throw hierarchyError(column, '행이 없습니다', 'has no rows');
  const width = rows[0].length;
  if (width < 2) throw hierarchyError(column, '원래 값 다음에 일반화 단계가 하나 이상 있어야 합니다', 'needs at least one generalisation level after the original value');
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw hierarchyError(column, `${i + 1}번째 행의 칸 수가 ${row.length}개입니다 (첫 행은 ${width}개)`, `row ${i + 1} has ${row.length} fields, the first row has ${width}`);
    }
  });
  // Generated hierarchies list exactly the data values, in order: no lookup needed.
  const aligned = rows.length === values.length && rows.every((row, i) => row[0] === values[i]);
  const leafRows: string[][] = aligned ? rows : alignRows(column, rows, values);

  const maxLevel = width - 1;
  const codes: Int32Array[] = [];
  const labels: string[][] = [];
  const shares: Float64Array[] = [];
  for (let level = 0; level <= maxLevel; level++) {
    const levelCodes = new Int32Array(values.length);
    let levelLabels: string[];
    if (level === 0) {
      // Data values are distinct: the leaf is its own code.
      for (let leaf = 0; leaf < values.length; leaf++) levelCodes[leaf] = leaf;
      levelLabels = values.slice();
    } else {
      const index = new Map<string, number>();
      for (let leaf = 0; leaf < values.length; leaf++) {
        const label = leafRows[leaf][level];
        let code = index.get(label);
        if (code === undefined) {
          code = index.size;
          index.set(label, code);
        }
        levelCodes[leaf] = code;
      }
      levelLabels = [...index.keys()];
    }
    codes.push(levelCodes);
    labels.push(levelLabels);
    // Domain share counts every hierarchy row, data or not (ARX DomainShareMaterialized).
    const levelShares = new Float64Array(levelLabels.length);
    if (aligned) {
      for (let leaf = 0; leaf < values.length; leaf++) levelShares[levelCodes[leaf]]++;
    } else {
      const code = new Map(levelLabels.map((label, c) => [label, c]));
      for (const row of rows) {
        const c = code.get(row[level]);
        if (c !== undefined) levelShares[c]++;
      }
    }
    for (let c = 0; c < levelShares.length; c++) levelShares[c] /= rows.length;
    shares.push(levelShares);
  }

  // Full-domain generalisation needs a tree: each label determines its label one level up.
  for (let level = 1; level < maxLevel; level++) {
    const parent = new Int32Array(labels[level].length).fill(-1);
    for (let leaf = 0; leaf < values.length; leaf++) {
      const c = codes[level][leaf];
      const up = codes[level + 1][leaf];
      if (parent[c] === -1) parent[c] = up;
      else if (parent[c] !== up) {
        const label = labels[level][c];
        throw hierarchyError(
          column,
          `단계 ${level}의 "${label}"이(가) 단계 ${level + 1}에서 "${labels[level + 1][parent[c]]}"와 "${labels[level + 1][up]}" 둘로 나뉩니다 (트리가 아닙니다)`,
          `"${label}" at level ${level} generalises to both "${labels[level + 1][parent[c]]}" and "${labels[level + 1][up]}" at level ${level + 1} (not a tree)`,
        );
      }
    }
  }
  return { column, maxLevel, values, codes, labels, shares, domainSize: rows.length };
}

const levelMaps = new WeakMap<EncodedHierarchy, Map<number, Int32Array>>();

/** The hierarchy row of each data value; errors for values listed twice differently or missing. */
function alignRows(column: string, rows: string[][], values: string[]): string[][] {
  const byValue = new Map<string, string[]>();
  for (const row of rows) {
    const prior = byValue.get(row[0]);
    if (prior && prior.join('\u0000') !== row.join('\u0000')) {
      throw hierarchyError(column, `값 "${row[0]}"이(가) 두 번 다르게 나옵니다`, `value "${row[0]}" is listed twice with different generalisations`);
    }
    byValue.set(row[0], row);
  }
  const missing = values.filter((v) => !byValue.has(v));
  if (missing.length) {
    const shown = missing.slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
    const more = missing.length > 5 ? ` … (${missing.length})` : ` (${missing.length})`;
    throw hierarchyError(column, `데이터에 있는 값이 계층에 없습니다: ${shown}${more}`, `values present in the data are missing from the hierarchy: ${shown}${more}`);
  }
  return values.map((v) => byValue.get(v)!);
}

/** Map from codes at level `from` to codes at level `to` (to >= from); cached per hierarchy. */
export function levelMap(h: EncodedHierarchy, from: number, to: number): Int32Array {
  let maps = levelMaps.get(h);
  if (!maps) levelMaps.set(h, (maps = new Map()));
  const key = from * 1024 + to;
  const cached = maps.get(key);
  if (cached) return cached;
  const map = new Int32Array(h.labels[from].length);
  const a = h.codes[from];
  const b = h.codes[to];
  for (let leaf = 0; leaf < a.length; leaf++) map[a[leaf]] = b[leaf];
  maps.set(key, map);
  return map;
}
