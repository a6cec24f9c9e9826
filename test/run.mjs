#!/usr/bin/env node
// `npm test`: the whole gate in one command. Type check, lint, production build, then every
// vitest project (node, dom, e2e). Ends with the plain line `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const steps = [
  ['type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['lint', 'npx', ['eslint', '--max-warnings=0', 'client', 'server', 'shared', 'test', 'bench']],
  ['build', 'npx', ['vite', 'build', '--logLevel', 'warn']],
];
let failedSteps = 0;
for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) { console.log(`=== ${name} FAILED`); failedSteps++; }
}
const report = '.vitest.json';
rmSync(report, { force: true });
console.log('\n=== vitest (node, dom, e2e)');
const v = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`], {
  stdio: 'inherit', env: { ...process.env, TZ: 'Asia/Seoul' },
});
let passed = 0, failed, skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests; failed = r.numFailedTests; skipped = r.numPendingTests + r.numTodoTests;
  if (r.numFailedTestSuites > 0 && failed === 0) failed = r.numFailedTestSuites;
} catch {
  failed = 1;
}
if (v.status !== 0 && failed === 0) failed = 1;
failed += failedSteps;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
