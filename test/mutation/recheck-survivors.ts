/**
 * Reruns the survivors of a Stryker run against the tests as they are now, without a new Stryker run: each
 * surviving (or uncovered) mutant is applied to its source file in turn, the given test files run (vitest, stop at
 * the first failure), and the file is put back. Prints each mutant as `killed` or `SURVIVED`, then the counts.
 *
 *   npx tsx test/mutation/recheck-survivors.ts reports/mutation/changes/events test/unit/changes
 *   npx tsx test/mutation/recheck-survivors.ts reports/mutation/changes/mutation.json test/unit/changes test/faults
 *
 * It edits lib/ files while it runs: run it in a worktree nobody edits (`git worktree add --detach ../check main`),
 * never under a running Stryker or `npm test`. The file is restored after each mutant, and when the tool is
 * interrupted (SIGINT, SIGTERM) or crashes. A mutant whose file changed since the run is skipped (its position would be wrong).
 * A score is still quoted from a Stryker run; this only says which survivors the new tests answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type Mutant, type Position, readMutants, runRootOf } from './mutants.js';

/** The surviving and uncovered mutants of a report or events folder. */
function survivors(path: string): Mutant[] {
  return readMutants(path).filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage');
}

/** Offset of a 1-based line and column in `source`. */
function offsetOf(source: string, { line, column }: Position): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) offset = source.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

const [path, ...tests] = process.argv.slice(2);
if (path === undefined || tests.length === 0) {
  console.error('usage: npx tsx test/mutation/recheck-survivors.ts <report folder>/events | <report folder>/mutation.json <test file or folder>...');
  process.exit(2);
}

let restore: (() => void) | undefined;
let running: ChildProcess | undefined;

/** Whether the tests pass against the file as it is now (async, so an interruption restores the file at once). */
function testsPass(files: readonly string[]): Promise<boolean> {
  return new Promise((done) => {
    running = spawn('npx', ['vitest', 'run', '--bail', '1', ...files], { stdio: 'ignore', env: { ...process.env, FORCE_COLOR: '0' } });
    running.on('exit', (code) => {
      running = undefined;
      done(code === 0);
    });
  });
}
// However the process ends (an interruption, or a crash such as EPIPE when its output is cut), the file is put back.
process.on('exit', () => {
  restore?.();
  running?.kill();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

// The run may have been made in another worktree: its files are found here by their path in that project, and a
// mutant is only applied to a file that is still the same as the one that run mutated.
const runRoot = runRootOf(path);
const counts = { killed: 0, survived: 0, skipped: 0 };
for (const found of survivors(path).sort((a, b) => a.fileName.localeCompare(b.fileName) || a.location.start.line - b.location.start.line)) {
  const mutant = { ...found, fileName: resolve(relative(runRoot, found.fileName)) };
  const original = readFileSync(mutant.fileName, 'utf8');
  if (original !== readFileSync(found.fileName, 'utf8')) {
    counts.skipped += 1;
    console.log(`skipped  ${relative(process.cwd(), mutant.fileName)} id=${mutant.id}: the file differs from the one the run mutated`);
    continue;
  }
  const start = offsetOf(original, mutant.location.start);
  const end = offsetOf(original, mutant.location.end);
  restore = () => writeFileSync(mutant.fileName, original);
  writeFileSync(mutant.fileName, original.slice(0, start) + (mutant.replacement ?? '') + original.slice(end));
  try {
    const killed = (await testsPass(tests)) === false;
    counts[killed ? 'killed' : 'survived'] += 1;
    const where = `${mutant.fileName.replace(`${process.cwd()}/`, '')}:${mutant.location.start.line}:${mutant.location.start.column}`;
    const change = `${original.slice(start, end).replace(/\s+/g, ' ').slice(0, 80)} → ${(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`;
    console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${where} ${mutant.mutatorName} id=${mutant.id}: ${change}`);
  } finally {
    restore();
    restore = undefined;
  }
}
console.log(`${counts.killed} killed, ${counts.survived} still alive${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}`);
