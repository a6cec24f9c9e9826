/**
 * `madang sanitize --input FILE --policy POLICY.json --out EXTRACT.parquet [--report REPORT.json]`
 * (docs/interfaces.md). Standalone: no server, no data dir.
 *
 * Exit codes: 0 the extract and report were written; 2 the policy has no solution (the report is
 * written and says which constraint cannot be met; no extract); 1 bad input (the message says
 * what and where, in Korean and English).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { MadangError } from '../../shared/errors.ts';
import { parsePolicy, type Policy } from '../../shared/privacy/policy.ts';
import { CliError } from '../cli.ts';
import { sanitizeFile } from '../privacy/sanitize.ts';

export interface SanitizeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: SanitizeIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Reads and validates POLICY.json; errors name the file and the JSON path. */
export async function readPolicyFile(file: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MadangError('invalid_input', {
      ko: `정책 파일 ${file}을(를) 읽을 수 없습니다 (${code === 'ENOENT' ? '파일 없음' : code ?? String(err)})`,
      en: `cannot read the policy file ${file} (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new MadangError('invalid_input', { ko: `${path.basename(file)}은(는) 올바른 JSON이 아닙니다 (${msg})`, en: `${path.basename(file)} is not valid JSON (${msg})` });
  }
  return parsePolicy(json, path.basename(file));
}

export async function runSanitize(opts: { input: string; policy: string; out: string; report?: string }, io: SanitizeIo): Promise<void> {
  if (!/\.parquet$/i.test(opts.out)) {
    throw new MadangError('invalid_input', { ko: `--out은 .parquet 파일이어야 합니다 (${opts.out})`, en: `--out must be a .parquet file (${opts.out})` });
  }
  const policy = await readPolicyFile(opts.policy);
  const report = await sanitizeFile({
    input: path.resolve(opts.input),
    policy,
    policyDir: path.dirname(path.resolve(opts.policy)),
    out: path.resolve(opts.out),
    report: opts.report ? path.resolve(opts.report) : undefined,
  });
  if (report.status === 'no-solution') {
    const reason = report.reason ?? { ko: '해가 없습니다', en: 'no solution' };
    throw new CliError(`no transformation meets the policy: ${reason.en}`, `정책을 만족하는 변환이 없습니다: ${reason.ko}`, 2);
  }
  const levels = Object.entries(report.levels).map(([c, l]) => `${c}=${l} (${report.levelNames[c]})`).join(', ');
  io.stdout(
    `wrote ${opts.out}: ${report.outputRows} of ${report.inputRows} rows, ${report.suppressed} suppressed, k=${report.k}, smallest class ${report.minClassSize}\n` +
      `levels: ${levels || '(no quasi-identifiers)'}\n` +
      `${report.metric} loss ${report.loss}; ${report.nodesEvaluated} of ${report.latticeSize} transformations evaluated in ${report.elapsedMs} ms\n` +
      `${opts.out}에 ${report.inputRows}행 중 ${report.outputRows}행을 썼습니다 (삭제 ${report.suppressed}행)\n`,
  );
  for (const w of report.warnings) io.stderr(`madang: warning: ${w}\n`);
}

/** Adds `sanitize` to the `madang` program. */
export function registerSanitizeCommand(program: Command, io: SanitizeIo = processIo): void {
  program
    .command('sanitize')
    .description('build a k-anonymous extract (Parquet) from a CSV/Parquet file under a policy / 정책에 따라 k-익명 추출본 만들기')
    .requiredOption('--input <file>', 'input data: CSV (`,` or `;`, header row, UTF-8) or Parquet')
    .requiredOption('--policy <file>', 'POLICY.json (hierarchy files resolve against its folder)')
    .requiredOption('--out <file>', 'the extract to write (.parquet)')
    .option('--report <file>', 'where to write REPORT.json')
    .action((opts: { input: string; policy: string; out: string; report?: string }) => runSanitize(opts, io));
}
