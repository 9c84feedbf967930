/**
 * The vitest configuration Stryker runs (`npm run mutation`): the fast projects of `vitest.config.ts` only.
 *
 * Why a second file: Stryker's vitest runner has no project filter, and the other projects cannot run once per
 * mutant on 2 cores (integration starts moto_server, browser starts Chromium, security packages the service).
 * The projects are taken from `vitest.config.ts` by name, so they never drift from what `npm test` runs.
 */
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
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
 * Projects whose files share one module graph per worker run (`isolate: false`): about 5 times faster, which
 * decides whether a campaign fits in an afternoon. Their tests pass either way (checked by every Stryker dry run).
 * `input` stays isolated: its handlers read the environment when their module loads.
 */
const SHARED_MODULES: readonly string[] = ['unit', 'faults'];

export default defineConfig({
  test: {
    projects: projects.map((project) => (SHARED_MODULES.includes(nameOf(project) ?? '') ? { ...project, test: { ...project.test, isolate: false } } : project)),
  },
});
