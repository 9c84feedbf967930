/**
 * The mutants of a Stryker run, read from its mutation.json report or from the `event-recorder` reporter's events
 * folder (one `onMutantTested` file per mutant, written while the run goes on): what survivors.ts and
 * recheck-survivors.ts read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Position {
  line: number;
  column: number;
}

export interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: Position; end: Position };
  /** The mutated file, absolute, in the project the run was made in. */
  fileName: string;
}

/** The project a run's report or events folder belongs to (the folder holding its `reports/`), else this one. */
export function runRootOf(path: string): string {
  const absolute = resolve(path);
  return absolute.includes('/reports/') ? (absolute.split('/reports/')[0] ?? process.cwd()) : process.cwd();
}

/** Every mutant of a mutation.json report or an events folder. */
export function readMutants(path: string): Mutant[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((entry) => entry.endsWith('-onMutantTested.json'))
      .sort()
      .map((entry) => JSON.parse(readFileSync(join(path, entry), 'utf8')) as Mutant);
  }
  const root = runRootOf(path);
  const report = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, { mutants: Omit<Mutant, 'fileName'>[] }> };
  return Object.entries(report.files).flatMap(([file, { mutants }]) => mutants.map((mutant) => ({ ...mutant, fileName: resolve(root, file) })));
}
