/**
 * Turns a quasi-identifier's `HierarchySpec` into an encoded hierarchy for the values found in the
 * data. `file` hierarchies are ARX CSV files (`;` or `,`, optional `"` quoting, no header; column 0
 * the original value, column i its label at level i), resolved against the policy file's folder,
 * so hierarchies made for ARX work unchanged.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MadangError } from '../../shared/errors.ts';
import { encodeHierarchy, type EncodedHierarchy } from '../../shared/privacy/hierarchy.ts';
import { generateHierarchyRows } from '../../shared/privacy/hierarchyKinds.ts';
import type { HierarchySpec } from '../../shared/privacy/policy.ts';
import { detectDelimiter } from './csvInput.ts';

/** Splits small CSV text into rows (quotes allowed, `""` is a quote); blank lines are skipped. */
export function parseCsvText(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  const end = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else field += ch;
    } else if (ch === '"' && field === '') inQuotes = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n') end();
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length) end();
  return rows;
}

/** Reads an ARX hierarchy file. */
export async function readHierarchyFile(file: string, column: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MadangError('invalid_input', {
      ko: `열 "${column}"의 계층 파일 ${file}을(를) 읽을 수 없습니다 (${code === 'ENOENT' ? '파일 없음' : code ?? String(err)})`,
      en: `cannot read the hierarchy file ${file} of column "${column}" (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`,
    });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return parseCsvText(text, detectDelimiter(firstLine));
}

/** The encoded hierarchy of `column` for its distinct `values` (first-appearance order). */
export async function resolveHierarchy(column: string, spec: HierarchySpec, values: string[], policyDir: string): Promise<EncodedHierarchy> {
  const rows = spec.kind === 'file'
    ? await readHierarchyFile(path.resolve(policyDir, spec.file), column)
    : generateHierarchyRows(column, spec, values);
  return encodeHierarchy(column, rows, values);
}
