/**
 * A cell's Arrow result -> plain rows for charts and input options. Arrow gives DATE and
 * TIMESTAMP as epoch milliseconds, so those become `Date`s (Plot then uses a time scale);
 * BIGINT becomes a number (the engine already casts it, this guards other sources).
 */
import type { Table } from 'apache-arrow';
import { normalizeRows, type ChartRow } from '../../shared/chartSpec.ts';

const arrowDecimal = 7;
const arrowDate = 8;
const arrowTimestamp = 10;

export interface PlainRows {
  rows: ChartRow[];
  columns: string[];
}

/** Accepts an Arrow table or rows already plain (tests, the server). */
export function toPlainRows(data: Table | readonly ChartRow[] | null | undefined, limit = Infinity): PlainRows {
  if (!data) return { rows: [], columns: [] };
  if (Array.isArray(data)) {
    const rows = normalizeRows(data.slice(0, limit));
    return { rows, columns: rows.length > 0 ? Object.keys(rows[0]) : [] };
  }
  const table = data as Table;
  const fields = table.schema.fields;
  const columns = fields.map((f) => f.name);
  const converters = fields.map((f) => {
    // Arrow's type ids (enum Type), read without importing Arrow's runtime: the notebook page
    // loads Arrow only with the engine.
    const typeId = (f.type as { typeId: number }).typeId;
    if (typeId === arrowDate || typeId === arrowTimestamp) return (v: unknown) => (typeof v === 'number' ? new Date(v) : v);
    // DECIMAL arrives as a double (the engine casts it); a raw Arrow decimal is unscaled, so scale it.
    if (typeId === arrowDecimal) {
      const scale = (f.type as unknown as { scale: number }).scale;
      return (v: unknown) => (typeof v === 'number' || v === null || v === undefined ? v : Number(String(v)) / 10 ** scale);
    }
    return (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
  });
  const n = Math.min(table.numRows, limit);
  const vectors = columns.map((c) => table.getChild(c));
  const rows: ChartRow[] = new Array<ChartRow>(n);
  for (let i = 0; i < n; i++) {
    const row: ChartRow = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]] = converters[j](vectors[j]?.get(i));
    rows[i] = row;
  }
  return { rows, columns };
}
