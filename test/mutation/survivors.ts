/**
 * Lists the mutants a Stryker run left alive, with the code each one changes, and the score per file.
 *
 *   npx tsx test/mutation/survivors.ts reports/mutation/changes/mutation.json   # a finished run's report
 *   npx tsx test/mutation/survivors.ts reports/mutation/changes/events          # a run still going on
 *   … --summary                                                                 # the per-file table only
 *
 * The events folder is the `event-recorder` reporter's (stryker.config.mjs): one `onMutantTested` file per mutant,
 * written as soon as the mutant is tested, so survivors can be answered while a long run goes on.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type Mutant, readMutants } from './mutants.js';

/** Mutants per file (relative to this project), with the file's source. */
function mutantsByFile(path: string): Map<string, { source: string; mutants: Mutant[] }> {
  const files = new Map<string, { source: string; mutants: Mutant[] }>();
  for (const mutant of readMutants(path)) {
    const file = relative(process.cwd(), mutant.fileName);
    const entry = files.get(file) ?? { source: readFileSync(mutant.fileName, 'utf8'), mutants: [] };
    entry.mutants.push(mutant);
    files.set(file, entry);
  }
  return files;
}

/** The source text a mutant replaces (its first line when it spans several). */
function original(lines: string[], { start, end }: Mutant['location']): string {
  const first = lines[start.line - 1] ?? '';
  return start.line === end.line ? first.slice(start.column - 1, end.column - 1) : `${first.slice(start.column - 1)} …`;
}

const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage'] as const;
type Counts = Record<(typeof STATUSES)[number] | 'other', number>;
const empty = (): Counts => ({ Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 });
const score = (counts: Counts) =>
  (((counts.Killed + counts.Timeout) / (counts.Killed + counts.Timeout + counts.Survived + counts.NoCoverage)) * 100).toFixed(2);

const [path] = process.argv.slice(2).filter((argument) => !argument.startsWith('--'));
if (path === undefined) {
  console.error('usage: npx tsx test/mutation/survivors.ts <report folder>/mutation.json | <report folder>/events [--summary]');
  process.exit(2);
}
const summary = process.argv.includes('--summary');
const total = empty();
const rows: string[] = [];
for (const [file, { source, mutants }] of [...mutantsByFile(path)].sort(([a], [b]) => a.localeCompare(b))) {
  const lines = source.split('\n');
  const counts = empty();
  for (const mutant of mutants.sort((a, b) => a.location.start.line - b.location.start.line)) {
    const status = (STATUSES as readonly string[]).includes(mutant.status) ? (mutant.status as keyof Counts) : 'other';
    counts[status] += 1;
    total[status] += 1;
    if (!summary && (mutant.status === 'Survived' || mutant.status === 'NoCoverage')) {
      const { line, column } = mutant.location.start;
      console.log(`${file}:${line}:${column} ${mutant.status} ${mutant.mutatorName} id=${mutant.id}`);
      console.log(`    - ${original(lines, mutant.location).trim().slice(0, 200)}`);
      console.log(`    + ${(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 200)}`);
    }
  }
  rows.push(`${file}: ${mutants.length} mutants, ${JSON.stringify(counts)} ${score(counts)}%`);
}
console.log([...rows, `TOTAL: ${JSON.stringify(total)} ${score(total)}%`].join('\n'));
