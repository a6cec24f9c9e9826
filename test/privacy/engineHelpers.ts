/** Builds the engine's input from small in-memory tables, for hand-checkable tests. */
import type { EncodedInput } from '../../shared/privacy/engine.ts';
import { encodeHierarchy } from '../../shared/privacy/hierarchy.ts';
import { generateHierarchyRows } from '../../shared/privacy/hierarchyKinds.ts';
import type { Policy } from '../../shared/privacy/policy.ts';

/** `records`: one object per record; `rows`: explicit hierarchy rows per column (else generated from the policy). */
export function encodeRecords(policy: Policy, header: string[], records: Record<string, string>[], rows: Record<string, string[][]> = {}): EncodedInput {
  const qiColumns = header.filter((c) => policy.columns[c]?.role === 'quasi');
  const sensColumns = header.filter((c) => {
    const col = policy.columns[c];
    return col?.role === 'sensitive' && col.lDiversity !== undefined;
  });
  const dictionary = (column: string) => {
    const values: string[] = [];
    const index = new Map<string, number>();
    const codes = Int32Array.from(records.map((r) => {
      let code = index.get(r[column]);
      if (code === undefined) {
        code = values.length;
        index.set(r[column], code);
        values.push(r[column]);
      }
      return code;
    }));
    return { values, codes };
  };
  const qi = qiColumns.map(dictionary);
  const sens = sensColumns.map(dictionary);
  const hierarchies = qiColumns.map((c, j) => {
    const col = policy.columns[c];
    if (col.role !== 'quasi') throw new Error('unreachable');
    const hrows = rows[c] ?? (col.hierarchy.kind === 'file' ? [] : generateHierarchyRows(c, col.hierarchy, qi[j].values));
    return encodeHierarchy(c, hrows, qi[j].values);
  });
  const dropped = header.filter((c) => !policy.columns[c] || policy.columns[c].role === 'identifier');
  return {
    inputRows: records.length,
    qiColumns,
    specs: qiColumns.map((c) => {
      const col = policy.columns[c];
      return col.role === 'quasi' ? col.hierarchy : { kind: 'levels', levels: 1 };
    }),
    hierarchies,
    qi: qi.map((d) => d.codes),
    sens: sens.map((d) => d.codes),
    count: new Int32Array(records.length).fill(1),
    sensColumns,
    sensDistinct: sens.map((d) => d.values.length),
    droppedColumns: dropped,
    outputColumns: header.filter((c) => !dropped.includes(c)),
    warnings: [],
  };
}
