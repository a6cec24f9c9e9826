/**
 * `madang check-output --input FILE --sql "SQL" [--rules RULES.json] --out REPORT.json`
 *
 * Runs SQL on FILE (CSV with `,` or `;`, or Parquet; registered as table `data`) and checks every
 * output cell (server/outputCheck/). Works standalone: no server, no data dir.
 * Exit codes (docs/interfaces.md): 0 pass, 3 review or fail, 1 bad input (unreadable file, SQL
 * error, invalid rules), with the message in English and Korean.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { MadangError } from '../../shared/errors.ts';
import { outputCheckRuleNames, type OutputCheckReport } from '../../shared/outputCheck/report.ts';
import { safeParseOutputCheckRules, type OutputCheckRules } from '../../shared/outputCheck/rules.ts';
import { CliError } from '../cli.ts';
import { checkQueryOutput } from '../outputCheck/checkQueryOutput.ts';

export interface CheckOutputIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CheckOutputIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function badInput(en: string, ko: string): MadangError {
  return new MadangError('invalid_input', { en, ko });
}

/** Reads and validates a rules file; errors name the file and the bad key. */
export async function readRulesFile(file: string): Promise<OutputCheckRules> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw badInput(`cannot read rules file ${file}: ${why}`, `규칙 파일 ${file}을(를) 읽을 수 없음: ${why}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw badInput(`invalid rules file ${file}: not JSON (${msg})`, `규칙 파일 ${file}이(가) 올바른 JSON이 아님 (${msg})`);
  }
  const parsed = safeParseOutputCheckRules(raw);
  if (!parsed.ok) {
    const detail = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw badInput(`invalid rules file ${file}: ${detail}`, `규칙 파일 ${file}이(가) 잘못됨: ${detail}`);
  }
  return parsed.rules;
}

/** One line for people: the status and what was flagged. */
export function describeReport(report: OutputCheckReport): string {
  const counts = outputCheckRuleNames.filter((r) => report.summary[r] > 0).map((r) => `${r} ${report.summary[r]}`);
  const parts = [...counts, ...report.issues.map((i) => i.reason)];
  return `${report.status}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

export async function runCheckOutput(
  opts: { input: string; sql: string; rules?: string; out: string },
  io: CheckOutputIo = processIo,
): Promise<number> {
  const rules = opts.rules === undefined ? undefined : await readRulesFile(opts.rules);
  const report = await checkQueryOutput({ input: opts.input, sql: opts.sql, rules });
  try {
    await writeFile(opts.out, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw badInput(`cannot write report ${opts.out}: ${code}`, `보고서 ${opts.out}을(를) 쓸 수 없음: ${code}`);
  }
  io.stdout(`check-output: ${describeReport(report)}; ${report.cells.length} flagged cells listed in ${opts.out}\n`);
  return report.status === 'pass' ? 0 : 3;
}

export function registerCheckOutputCommand(program: Command, io: CheckOutputIo = processIo): void {
  program
    .command('check-output')
    .description('run SQL on a CSV/Parquet file (table `data`) and check every output cell for disclosure risk (exit 0 pass, 3 review/fail, 1 bad input)')
    .requiredOption('--input <file>', 'CSV (`,` or `;`) or Parquet file, queried as table `data`')
    .requiredOption('--sql <sql>', 'one SELECT query')
    .option('--rules <file>', 'rules JSON (default: threshold 10, dominance n=2 k=0.9, p-ratio 0.1, zeros disclosive)')
    .requiredOption('--out <file>', 'where to write the report JSON')
    .action(async (opts: { input: string; sql: string; rules?: string; out: string }) => {
      const code = await runCheckOutput(opts, io);
      // main() turns a CliError into its exit code; the summary line is already printed. The exit
      // code is set after construction so this stays right while CliError's arguments change.
      if (code !== 0) {
        throw Object.assign(new CliError('output check did not pass; see the report', '출력 검사를 통과하지 못했습니다. 보고서를 확인하세요'), { exitCode: code });
      }
    });
}
