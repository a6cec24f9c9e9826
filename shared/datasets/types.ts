/**
 * Column types for imported data, inferred from every value of a column (not a sample: a 2 GB file
 * with "N/A" on its last line must not fail half-way through conversion), and correctable by the
 * steward. Empty strings are missing values (NULL) and do not vote.
 *
 * Codes with leading zeros ("007", "01012") stay text, because as numbers they would lose the
 * zeros and no longer match hierarchy files or other tables.
 */
export const columnTypes = ['integer', 'double', 'boolean', 'date', 'timestamp', 'text'] as const;
export type ColumnType = (typeof columnTypes)[number];

/** The DuckDB type each column type is stored as in the Parquet file. */
export const duckdbTypeOf: Record<ColumnType, string> = {
  integer: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  text: 'VARCHAR',
};

const integerRe = /^[+-]?(0|[1-9]\d{0,17})$/;
const doubleRe = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const booleanRe = /^(true|false)$/i;
const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const timestampRe = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?$/;

function isValidDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day <= days;
}

/** Whether `value` (non-empty, as written) can be stored as `type`. */
export function fitsType(value: string, type: ColumnType): boolean {
  switch (type) {
    case 'integer':
      return integerRe.test(value);
    case 'double':
      return doubleRe.test(value) && !/^[+-]?0\d/.test(value);
    case 'boolean':
      return booleanRe.test(value);
    case 'date': {
      const m = dateRe.exec(value);
      return m !== null && isValidDate(m[1], m[2], m[3]);
    }
    case 'timestamp': {
      const m = timestampRe.exec(value);
      return m !== null && isValidDate(m[1], m[2], m[3]) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[7] ?? 0) < 60;
    }
    case 'text':
      return true;
  }
}

/** Candidates, most specific first; a column gets the first one every value fits. */
const order: ColumnType[] = ['boolean', 'integer', 'double', 'date', 'timestamp'];

/**
 * Tracks one column while values stream past.
 *
 * @example const t = new TypeTracker(); ['1', '', '2.5'].forEach((v) => t.add(v)); t.type // 'double'
 */
export class TypeTracker {
  private possible = new Set<ColumnType>(order);
  nonEmpty = 0;

  add(value: string): void {
    if (value === '') return;
    this.nonEmpty++;
    if (this.possible.size === 0) return;
    // Deleting the current element while iterating a Set is safe (no copy per value).
    for (const t of this.possible) if (!fitsType(value, t)) this.possible.delete(t);
  }

  /** The inferred type; an all-empty column is text. */
  get type(): ColumnType {
    if (this.nonEmpty === 0) return 'text';
    return order.find((t) => this.possible.has(t)) ?? 'text';
  }
}
