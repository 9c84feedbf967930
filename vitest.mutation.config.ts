/**
 * The vitest configuration Stryker runs (`npm run mutation`): the fast projects of `vitest.config.ts` only.
 *
 * Why a second file: Stryker's vitest runner has no project filter, and the other projects cannot run once per
 * mutant on 2 cores (integration starts moto_server, browser starts Chromium, security packages the service).
 * The projects are taken from `vitest.config.ts` by name, so they never drift from what `npm test` runs.
 */
import { relative } from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.js';

/** The projects a mutant is tested with. */
export const MUTATION_PROJECTS: readonly string[] = ['unit', 'faults', 'input'];

/** A project's name, written either as a string or as `{ label, color }`. */
function nameOf(project: TestProjectInlineConfiguration): string | undefined {
  const name = project.test?.name;
  return typeof name === 'string' ? name : name?.label;
}

const projects = (base.test?.projects ?? []).filter(
  (project): project is TestProjectInlineConfiguration => typeof project === 'object' && 'test' in project && MUTATION_PROJECTS.includes(nameOf(project) ?? ''),
);
if (projects.length !== MUTATION_PROJECTS.length) {
  throw new Error(`vitest.config.ts must define the projects ${MUTATION_PROJECTS.join(', ')}; found ${projects.length} of them`);
}

/**
 * Projects whose files share one module graph per worker run (`isolate: false`): the three projects take 27 s
 * instead of 65 s here, the AWS SDK being evaluated once instead of once per file. Their tests pass either way
 * (every Stryker dry run checks it). `input` stays isolated: its handlers read the environment when they load.
 */
const SHARED_MODULES: readonly string[] = ['unit', 'faults'];

/**
 * Test files in the order that kills a mutant soonest: Stryker stops at the first failing test, and vitest's own
 * order (projects by name, the longest file first) would run the slow `faults` and `input` files before the unit
 * tests that usually notice. Here: `unit`, then `faults`, then `input`; within each, the quickest files first.
 */
class QuickestFirst extends BaseSequencer {
  public override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => MUTATION_PROJECTS.indexOf(file.project.name);
    const cost = (file: TestSpecification) => {
      const key = `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`;
      return this.ctx.cache.getFileTestResults(key)?.duration ?? this.ctx.cache.getFileStats(key)?.size ?? Number.MAX_SAFE_INTEGER;
    };
    return [...files].sort((a, b) => rank(a) - rank(b) || cost(a) - cost(b));
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: QuickestFirst },
    projects: projects.map((project) => (SHARED_MODULES.includes(nameOf(project) ?? '') ? { ...project, test: { ...project.test, isolate: false } } : project)),
  },
});
