/**
 * Equivalence classes over dictionary-encoded data, in tight loops over Int32Arrays.
 *
 * A `RowTable` holds distinct (quasi-identifier codes at some levels, sensitive codes) rows with
 * their record counts. The base table (all level 0) is built once from the data; the table of a
 * more general node is rolled up from any table at or below it, so later nodes group far fewer
 * rows than the data has (ARX's "roll-up" optimisation).
 */
import { isKAnonymous, isLDiverse } from './models.ts';
import type { LDiversity } from './policy.ts';

export interface RowTable {
  levels: number[];
  rows: number;
  qi: Int32Array[];
  sens: Int32Array[];
  count: Int32Array;
  /** Number of possible codes per column (quasi-identifiers, then sensitive columns). */
  domains: number[];
}

export interface Grouping {
  groupOf: Int32Array;
  groups: number;
  /** First row of each group. */
  rep: Int32Array;
}

/** Direct-addressed grouping when the key space is at most this many slots (16 MB). */
const DIRECT_LIMIT = 1 << 22;

/**
 * Groups rows by equal keys. With `domains` (codes per key column) the columns are packed into
 * one exact integer key (mixed radix) and grouped through a direct table when the key space is
 * small, else a hash on the packed key; without, open addressing over all key columns.
 * `maps[j]`, when given, translates column j's codes first (roll-up without copying columns).
 */
export function groupBy(keys: readonly Int32Array[], rows: number, domains?: readonly number[], maps?: readonly (Int32Array | null)[]): Grouping {
  if (domains && keys.length > 0) {
    let product = 1;
    for (const d of domains) product *= Math.max(d, 1);
    if (product <= 0x7fffffff) return groupPacked(packInt(keys, rows, domains, maps), rows, product);
    if (product <= Number.MAX_SAFE_INTEGER) return groupPacked(packFloat(keys, rows, domains, maps), rows, product);
  }
  const mapped = keys.map((col, j) => {
    const map = maps?.[j];
    if (!map) return col;
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = map[col[i]];
    return out;
  });
  return groupColumns(mapped, rows);
}

function packInt(keys: readonly Int32Array[], rows: number, domains: readonly number[], maps?: readonly (Int32Array | null)[]): Int32Array {
  const packed = new Int32Array(rows);
  for (let j = 0; j < keys.length; j++) {
    const col = keys[j];
    const d = Math.max(domains[j], 1);
    const map = maps?.[j];
    if (map) for (let i = 0; i < rows; i++) packed[i] = packed[i] * d + map[col[i]];
    else for (let i = 0; i < rows; i++) packed[i] = packed[i] * d + col[i];
  }
  return packed;
}

function packFloat(keys: readonly Int32Array[], rows: number, domains: readonly number[], maps?: readonly (Int32Array | null)[]): Float64Array {
  const packed = new Float64Array(rows);
  for (let j = 0; j < keys.length; j++) {
    const col = keys[j];
    const d = Math.max(domains[j], 1);
    const map = maps?.[j];
    if (map) for (let i = 0; i < rows; i++) packed[i] = packed[i] * d + map[col[i]];
    else for (let i = 0; i < rows; i++) packed[i] = packed[i] * d + col[i];
  }
  return packed;
}

function groupPacked(packed: Int32Array | Float64Array, rows: number, product: number): Grouping {
  const groupOf = new Int32Array(rows);
  const rep = new Int32Array(Math.max(rows, 1));
  let groups = 0;
  if (product <= DIRECT_LIMIT && product <= rows * 16 + 4096) {
    const slots = new Int32Array(product);
    for (let i = 0; i < rows; i++) {
      const key = packed[i];
      const g = slots[key];
      if (g === 0) {
        slots[key] = groups + 1;
        rep[groups] = i;
        groupOf[i] = groups++;
      } else groupOf[i] = g - 1;
    }
    return { groupOf, groups, rep: rep.slice(0, groups) };
  }
  let cap = 2;
  while (cap < rows * 2) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap);
  const isInt = packed instanceof Int32Array;
  for (let i = 0; i < rows; i++) {
    const key = packed[i];
    let h = isInt ? Math.imul(key, 0x9e3779b1) : Math.imul((key % 4294967296) | 0, 0x85ebca6b) ^ Math.imul(Math.floor(key / 4294967296) | 0, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2d);
    h ^= h >>> 13;
    let s = h & mask;
    for (;;) {
      const g = slots[s];
      if (g === 0) {
        slots[s] = groups + 1;
        rep[groups] = i;
        groupOf[i] = groups++;
        break;
      }
      if (packed[rep[g - 1]] === key) {
        groupOf[i] = g - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return { groupOf, groups, rep: rep.slice(0, groups) };
}

/** Open addressing on a multiplicative hash of all key columns (key spaces beyond 2^53). */
function groupColumns(keys: readonly Int32Array[], rows: number): Grouping {
  let cap = 2;
  while (cap < rows * 2) cap *= 2;
  const mask = cap - 1;
  const slots = new Int32Array(cap);
  const groupOf = new Int32Array(rows);
  const rep = new Int32Array(Math.max(rows, 1));
  const width = keys.length;
  let groups = 0;
  for (let i = 0; i < rows; i++) {
    let h = 0x9e3779b9 | 0;
    for (let j = 0; j < width; j++) {
      h = Math.imul(h ^ keys[j][i], 0x85ebca6b);
      h ^= h >>> 13;
    }
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
    h ^= h >>> 16;
    let s = h & mask;
    for (;;) {
      const g = slots[s];
      if (g === 0) {
        slots[s] = groups + 1;
        rep[groups] = i;
        groupOf[i] = groups++;
        break;
      }
      const r = rep[g - 1];
      let equal = true;
      for (let j = 0; j < width; j++) {
        if (keys[j][r] !== keys[j][i]) {
          equal = false;
          break;
        }
      }
      if (equal) {
        groupOf[i] = g - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return { groupOf, groups, rep: rep.slice(0, groups) };
}

/** Builds the base table from per-record codes (`count` null means one record per row). */
export function buildTable(qi: Int32Array[], sens: Int32Array[], records: number, count: Int32Array | null, domains: number[]): RowTable {
  const g = groupBy([...qi, ...sens], records, domains);
  const out = new Int32Array(g.groups);
  for (let i = 0; i < records; i++) out[g.groupOf[i]] += count ? count[i] : 1;
  return {
    levels: qi.map(() => 0),
    rows: g.groups,
    qi: qi.map((col) => pick(col, g.rep)),
    sens: sens.map((col) => pick(col, g.rep)),
    count: out,
    domains,
  };
}

function pick(col: Int32Array, rows: Int32Array, map: Int32Array | null = null): Int32Array {
  const out = new Int32Array(rows.length);
  if (map) for (let i = 0; i < rows.length; i++) out[i] = map[col[rows[i]]];
  else for (let i = 0; i < rows.length; i++) out[i] = col[rows[i]];
  return out;
}

/**
 * Rolls `table` up to `levels`, given per column the code map from the table's level (null:
 * unchanged) and the number of codes at the new levels.
 */
export function rollUp(table: RowTable, levels: number[], maps: (Int32Array | null)[], qiDomains: number[]): RowTable {
  const n = table.rows;
  const domains = [...qiDomains, ...table.domains.slice(table.qi.length)];
  const g = groupBy([...table.qi, ...table.sens], n, domains, [...maps, ...table.sens.map(() => null)]);
  const count = new Int32Array(g.groups);
  for (let i = 0; i < n; i++) count[g.groupOf[i]] += table.count[i];
  return { levels, rows: g.groups, qi: table.qi.map((c, j) => pick(c, g.rep, maps[j])), sens: table.sens.map((c) => pick(c, g.rep, null)), count, domains };
}

export interface ClassResult {
  classes: number;
  /** Records per class. */
  size: Int32Array;
  /** A table row of each class (its quasi-identifier codes are the class's codes). */
  rep: Int32Array;
  /** 1 when the class passes every model, 0 when its records are suppressed. */
  ok: Uint8Array;
  suppressed: number;
  /**
   * Records in classes failing k or having fewer than l distinct sensitive values: necessary
   * failures, monotonic under generalisation even with suppression (used to prune the lattice).
   */
  necessarilySuppressed: number;
  records: number;
}

/** One l-diversity model on the sensitive column at `sensIndex` of the table. */
export interface SensitiveModel {
  sensIndex: number;
  model: LDiversity;
}

/** Forms the equivalence classes of `table` and marks those failing k or any l-diversity model. */
export function evaluateClasses(table: RowTable, k: number, models: readonly SensitiveModel[]): ClassResult {
  // Without sensitive columns the rows are already distinct on the quasi-identifiers: one class each.
  const cls = table.sens.length === 0
    ? { groupOf: identity(table.rows), groups: table.rows, rep: identity(table.rows) }
    : groupBy(table.qi, table.rows, table.domains.slice(0, table.qi.length));
  const size = new Int32Array(cls.groups);
  let records = 0;
  for (let i = 0; i < table.rows; i++) {
    size[cls.groupOf[i]] += table.count[i];
    records += table.count[i];
  }
  const ok = new Uint8Array(cls.groups);
  for (let c = 0; c < cls.groups; c++) ok[c] = isKAnonymous(size[c], k) ? 1 : 0;
  const necessary = ok.slice();
  for (const { sensIndex, model } of models) markLDiversity(table, cls, model, sensIndex, ok, necessary);
  let suppressed = 0;
  let necessarilySuppressed = 0;
  for (let c = 0; c < cls.groups; c++) {
    if (!ok[c]) suppressed += size[c];
    if (!necessary[c]) necessarilySuppressed += size[c];
  }
  return { classes: cls.groups, size, rep: cls.rep, ok, suppressed, necessarilySuppressed, records };
}

function markLDiversity(table: RowTable, cls: Grouping, model: LDiversity, sensIndex: number, ok: Uint8Array, necessary: Uint8Array): void {
  // (class, sensitive value) pairs: the table rows themselves when this is the only sensitive
  // column (rows are distinct on quasi-identifiers + sensitive values), else grouped.
  const sens = table.sens[sensIndex];
  let pairOf: Int32Array;
  let pairs: number;
  let pairRep: Int32Array;
  if (table.sens.length === 1) {
    pairs = table.rows;
    pairOf = identity(table.rows);
    pairRep = pairOf;
  } else {
    const g = groupBy([cls.groupOf, sens], table.rows, [cls.groups, table.domains[table.qi.length + sensIndex]]);
    pairs = g.groups;
    pairOf = g.groupOf;
    pairRep = g.rep;
  }
  const freq = new Int32Array(pairs);
  for (let i = 0; i < table.rows; i++) freq[pairOf[i]] += table.count[i];
  const distinct = new Int32Array(cls.groups);
  for (let p = 0; p < pairs; p++) distinct[cls.groupOf[pairRep[p]]]++;
  for (let c = 0; c < cls.groups; c++) {
    if (distinct[c] < model.l) {
      ok[c] = 0;
      necessary[c] = 0;
    }
  }
  if (model.variant === 'distinct') return;
  // Frequencies laid out contiguously per class.
  const offsets = new Int32Array(cls.groups + 1);
  for (let c = 0; c < cls.groups; c++) offsets[c + 1] = offsets[c] + distinct[c];
  const fill = offsets.slice(0, cls.groups);
  const laid = new Int32Array(pairs);
  for (let p = 0; p < pairs; p++) laid[fill[cls.groupOf[pairRep[p]]]++] = freq[p];
  for (let c = 0; c < cls.groups; c++) {
    if (ok[c] && !isLDiverse(laid.subarray(offsets[c], offsets[c + 1]), model)) ok[c] = 0;
  }
}

let identityCache = new Int32Array(0);
function identity(n: number): Int32Array {
  if (identityCache.length < n) {
    identityCache = new Int32Array(Math.max(n, identityCache.length * 2));
    for (let i = 0; i < identityCache.length; i++) identityCache[i] = i;
  }
  return identityCache.subarray(0, n);
}
