/**
 * A streaming CSV reader for imports (RFC 4180 with the usual leniencies): text is pushed in
 * chunks, complete records come out with the line they started on. Malformed input (an unclosed
 * quote, a quote inside an unquoted field, text after a closing quote, a record with the wrong
 * number of fields, duplicate or empty column names) is an error naming the line.
 */
import { MadangError } from '../errors.ts';

export const delimiterCandidates = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof delimiterCandidates)[number];

/** Delimiter for messages ("tab", not an invisible character). */
export function delimiterName(d: CsvDelimiter): string {
  return d === '\t' ? 'tab' : d;
}

function countOutsideQuotes(line: string, d: string): number {
  let inQuotes = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === d) n++;
  }
  return n;
}

/**
 * The delimiter that splits the first lines most consistently: the candidate that appears in the
 * header and the same number of times on the most sample lines (more occurrences break ties, then
 * the order `, ; tab |`). A file with one column gives `,`.
 *
 * @example detectDelimiter('a;b;c\n1;2;3\n') // ';'
 */
export function detectDelimiter(sample: string): CsvDelimiter {
  const lines = sample.split(/\r\n|\n|\r/).slice(0, 30);
  // The last line of a sample may be cut off.
  if (lines.length > 2) lines.pop();
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  let best: CsvDelimiter = ',';
  let bestScore = -1;
  let bestCount = 0;
  for (const d of delimiterCandidates) {
    const header = countOutsideQuotes(nonEmpty[0] ?? '', d);
    if (header === 0) continue;
    const agreeing = nonEmpty.filter((l) => countOutsideQuotes(l, d) === header).length;
    if (agreeing > bestScore || (agreeing === bestScore && header > bestCount)) {
      best = d;
      bestScore = agreeing;
      bestCount = header;
    }
  }
  return best;
}

export function csvError(line: number, ko: string, en: string): MadangError {
  return new MadangError('invalid_input', { ko: `CSV ${line}번째 줄: ${ko}`, en: `CSV line ${line}: ${en}` });
}

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

/**
 * Push-style parser. `push(text)` returns the records completed by that text; `end()` the last
 * one. The first record is the header (checked for empty and duplicate names); every later
 * record must have as many fields. Blank lines are skipped.
 */
export class CsvReader {
  readonly delimiter: CsvDelimiter;
  header: string[] | null = null;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private fieldStarted = false;
  private quotePending = false;
  private pendingCR = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;

  /** The characters that end a run of ordinary text outside quotes. */
  private readonly special: RegExp;

  constructor(delimiter: CsvDelimiter) {
    this.delimiter = delimiter;
    this.special = new RegExp(`[${delimiter === '\t' ? '\\t' : `\\${delimiter}`}\\r\\n"]`, 'g');
  }

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const d = this.delimiter;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const ch = text[i];
      if (this.pendingCR) {
        this.pendingCR = false;
        if (ch === '\n') {
          i++;
          continue;
        }
      }
      if (this.quotePending) {
        // A quote inside quotes, decided by the character after it.
        this.quotePending = false;
        if (ch === '"') {
          this.field += '"';
          i++;
          continue;
        }
        this.inQuotes = false;
        this.afterQuote = true;
      }
      if (this.inQuotes) {
        // Copy up to the next quote in one slice (whole runs, not character by character).
        const q = text.indexOf('"', i);
        const stop = q < 0 ? n : q;
        const run = text.slice(i, stop);
        this.line += countLineBreaks(run);
        this.field += run;
        if (q >= 0) this.quotePending = true;
        i = stop + 1;
        continue;
      }
      if (ch === d) {
        this.endField();
        i++;
      } else if (ch === '\n' || ch === '\r') {
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        if (ch === '\r') this.pendingCR = true;
        i++;
      } else if (ch === '"') {
        if (this.fieldStarted) {
          throw csvError(this.line, '따옴표로 시작하지 않은 칸 안에 따옴표(")가 있습니다', 'a quote (") inside a field that does not start with a quote');
        }
        this.inQuotes = true;
        this.fieldStarted = true;
        this.quoteLine = this.line;
        i++;
      } else {
        if (this.afterQuote) throw csvError(this.line, '닫는 따옴표 뒤에 글자가 있습니다', 'text after a closing quote');
        this.special.lastIndex = i;
        const m = this.special.exec(text);
        const stop = m ? m.index : n;
        this.field += text.slice(i, stop);
        this.fieldStarted = true;
        i = stop;
      }
    }
    return out;
  }

  end(): CsvRecord[] {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
      this.afterQuote = true;
    }
    if (this.inQuotes) throw csvError(this.quoteLine, '여기서 연 따옴표가 파일 끝까지 닫히지 않았습니다', 'the quote opened here is never closed');
    const out: CsvRecord[] = [];
    if (this.fieldStarted || this.fields.length > 0) this.endRecord(out);
    if (!this.header) throw new MadangError('invalid_input', { ko: '비어 있는 파일입니다 (머리글 줄이 없습니다)', en: 'the file is empty (no header line)' });
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.afterQuote = false;
  }

  private endRecord(out: CsvRecord[]): void {
    const blank = this.fields.length === 0 && !this.fieldStarted;
    this.endField();
    const fields = this.fields;
    this.fields = [];
    if (blank) return;
    if (!this.header) {
      this.header = checkHeader(fields.map((f) => f.trim()), this.recordLine);
      return;
    }
    if (fields.length !== this.header.length) {
      throw csvError(this.recordLine, `칸이 ${fields.length}개입니다 (머리글은 ${this.header.length}개)`, `${fields.length} fields, but the header has ${this.header.length}`);
    }
    out.push({ fields, line: this.recordLine });
  }
}

/** Line breaks in a run of quoted text: LF, CRLF or a lone CR each count once. */
function countLineBreaks(run: string): number {
  let lines = 0;
  for (let i = run.indexOf('\n'); i >= 0; i = run.indexOf('\n', i + 1)) lines++;
  for (let i = run.indexOf('\r'); i >= 0; i = run.indexOf('\r', i + 1)) if (run[i + 1] !== '\n') lines++;
  return lines;
}

/** Header names must be non-empty and unique (SQL columns and policy keys are named by them). */
export function checkHeader(names: string[], line = 1): string[] {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw csvError(line, `머리글의 ${i + 1}번째 열 이름이 비어 있습니다`, `column ${i + 1} of the header has no name`);
    if (seen.has(name)) throw csvError(line, `열 이름 "${name}"이(가) 머리글에 두 번 나옵니다`, `duplicate column name "${name}" in the header`);
    seen.add(name);
  });
  return names;
}

/** One record as a `,`-separated line, quoting only where needed. */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) || f !== f.trim() ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
