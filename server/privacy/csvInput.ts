/**
 * Reading the sanitiser's input into DuckDB (`@duckdb/node-api`, Parquet built in) as the temp
 * table `src`.
 *
 * CSV: UTF-8 (a BOM is fine), header row, `,` or `;` detected from the header line, fields quoted
 * with `"` ("" inside quotes is a quote). Before DuckDB reads it, one streaming pass checks the
 * structure so a bad file gets a message with the line: ragged rows, unclosed or stray quotes,
 * duplicate or empty column names, bytes that are not UTF-8. Columns the policy generalises or
 * tests for l-diversity are read as text (exactly as written, so "007" stays "007" and matches
 * hierarchy files); the others keep DuckDB's detected types.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { MadangError } from '../../shared/errors.ts';

export type Delimiter = ',' | ';';

export interface InputColumn {
  name: string;
  type: string;
}

function badInput(file: string, ko: string, en: string): MadangError {
  const name = path.basename(file);
  return new MadangError('invalid_input', { ko: `${name}: ${ko}`, en: `${name}: ${en}` });
}

/** `;` or `,`: whichever occurs more often outside quotes in the header line (`,` on a tie). */
export function detectDelimiter(headerLine: string): Delimiter {
  let inQuotes = false;
  let semicolons = 0;
  let commas = 0;
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ';') semicolons++;
    else if (!inQuotes && ch === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

export interface CsvShape {
  delimiter: Delimiter;
  header: string[];
  records: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Streams the file once and checks its CSV structure; errors name the line. Only the header's
 * fields are kept as text: for records the pass counts fields and watches quotes, char codes
 * only, so a million-row file costs a fraction of a second. `chunkBytes` (tests) sets the
 * read size, to exercise records and quotes split across chunks.
 */
export async function checkCsv(file: string, chunkBytes?: number): Promise<CsvShape> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let delimiter: Delimiter | null = null;
  let delimiterCode = 0;
  let header: string[] | null = null;
  let line = 1;
  let recordLine = 1;
  // The header record's fields as text; for later records only their number and whether the
  // record holds any text at all (a blank line is skipped).
  let field = '';
  let fields: string[] = [];
  let fieldCount = 0;
  let hasText = false;
  let inQuotes = false;
  let afterQuote = false;
  let fieldStart = true;
  let records = 0;
  let firstLine = '';
  let pendingCR = false;
  let quoteLine = 0;

  const endField = () => {
    if (!header) fields.push(field);
    field = '';
    fieldCount++;
    fieldStart = true;
    afterQuote = false;
  };

  const endRecord = () => {
    endField();
    if (!header) {
      header = fields.map((f) => f.trim());
      const seen = new Set<string>();
      header.forEach((name, i) => {
        if (name === '') throw badInput(file, `머리글의 ${i + 1}번째 열 이름이 비어 있습니다`, `column ${i + 1} of the header has no name`);
        if (seen.has(name)) throw badInput(file, `열 이름 "${name}"이(가) 두 번 나옵니다 (머리글)`, `duplicate column name "${name}" in the header`);
        seen.add(name);
      });
    } else if (!(fieldCount === 1 && !hasText)) {
      if (fieldCount !== header.length) {
        throw badInput(file, `${recordLine}번째 줄의 칸 수가 ${fieldCount}개입니다 (머리글은 ${header.length}개)`, `line ${recordLine} has ${fieldCount} fields, the header has ${header.length}`);
      }
      records++;
    }
    fields = [];
    fieldCount = 0;
    hasText = false;
  };

  const consume = (input: string) => {
    let text = input;
    if (delimiter === null) {
      // Hold text back until the header line is complete, then detect the delimiter from it.
      firstLine += text;
      const end = firstLine.search(/[\r\n]/);
      if (end < 0) return;
      delimiter = detectDelimiter(firstLine.slice(0, end));
      delimiterCode = delimiter.charCodeAt(0);
      text = firstLine;
    }
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const ch = text.charCodeAt(i);
      if (pendingCR) {
        pendingCR = false;
        if (ch === LF) continue;
      }
      if (inQuotes) {
        if (ch === QUOTE) {
          if (i + 1 === n) {
            // A quote at the end of a chunk: decide with the next chunk.
            carry = '"';
            return;
          }
          if (text.charCodeAt(i + 1) === QUOTE) {
            if (!header) field += '"';
            hasText = true;
            i++;
          } else {
            inQuotes = false;
            afterQuote = true;
          }
        } else {
          if (ch === LF) line++;
          if (!header) field += text[i];
          hasText = true;
        }
        continue;
      }
      if (ch === delimiterCode) {
        endField();
      } else if (ch === LF || ch === CR) {
        endRecord();
        line++;
        recordLine = line;
        if (ch === CR) pendingCR = true;
      } else if (ch === QUOTE) {
        if (!fieldStart) throw badInput(file, `${line}번째 줄: 따옴표로 시작하지 않은 칸 안에 따옴표가 있습니다`, `line ${line}: a quote inside a field that does not start with a quote`);
        inQuotes = true;
        quoteLine = line;
        fieldStart = false;
      } else {
        if (afterQuote) throw badInput(file, `${line}번째 줄: 닫는 따옴표 뒤에 글자가 있습니다`, `line ${line}: text after a closing quote`);
        if (!header) field += text[i];
        hasText = true;
        fieldStart = false;
      }
    }
  };

  let carry = '';
  const stream = createReadStream(file, chunkBytes ? { highWaterMark: chunkBytes } : undefined);
  let first = true;
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        throw badInput(file, `${line}번째 줄 근처에 UTF-8이 아닌 바이트가 있습니다 (CP949/EUC-KR 파일은 UTF-8로 바꾸거나 madang dataset import를 쓰세요)`, `bytes that are not UTF-8 near line ${line} (convert CP949/EUC-KR files to UTF-8, or use madang dataset import)`);
      }
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      const prefix = carry;
      carry = '';
      consume(prefix + text);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw badInput(file, '파일이 없습니다', 'no such file');
    if (code === 'EISDIR') throw badInput(file, '파일이 아니라 폴더입니다', 'is a directory, not a file');
    throw err;
  }
  if (carry) {
    inQuotes = false;
    afterQuote = true;
  }
  if (delimiter === null) {
    delimiter = detectDelimiter(firstLine);
    delimiterCode = delimiter.charCodeAt(0);
    const rest = firstLine;
    firstLine = '';
    consume(rest);
  }
  if (inQuotes) throw badInput(file, `${quoteLine}번째 줄에서 연 따옴표가 닫히지 않았습니다`, `the quote opened on line ${quoteLine} is never closed`);
  if (field !== '' || hasText || fieldCount > 0 || !header) endRecord();
  if (!header) throw badInput(file, '비어 있는 파일입니다', 'the file is empty');
  return { delimiter, header, records };
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Loads `file` (CSV or Parquet, by extension) into the temp table `src`; `textColumns` are read
 * as VARCHAR. Returns the columns in file order.
 */
export async function loadInput(conn: DuckDBConnection, file: string, textColumns: ReadonlySet<string>): Promise<InputColumn[]> {
  if (/\.parquet$/i.test(file)) {
    try {
      await conn.run(`CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM read_parquet(${sqlString(file)})`);
    } catch (err) {
      const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw badInput(file, `Parquet 파일을 읽을 수 없습니다 (${msg})`, `cannot read the Parquet file (${msg})`);
    }
  } else {
    const shape = await checkCsv(file);
    const types = shape.header.filter((h) => textColumns.has(h)).map((h) => `${sqlString(h)}: 'VARCHAR'`);
    const typeOption = types.length ? `, types={${types.join(', ')}}` : '';
    const allText = shape.records === 0 ? ', all_varchar=true' : '';
    try {
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM read_csv(${sqlString(file)}, delim=${sqlString(shape.delimiter)}, quote='"', escape='"', header=true, strict_mode=true${typeOption}${allText})`,
      );
    } catch (err) {
      const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw badInput(file, `CSV를 읽을 수 없습니다 (${msg})`, `cannot read the CSV (${msg})`);
    }
  }
  const described = await conn.runAndReadAll('DESCRIBE src');
  return described.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}
