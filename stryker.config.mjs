// @ts-check
/**
 * Stryker (mutation testing) for `npm run mutation`. Run it through that script: `test/mutation/run-mutation.ts`
 * checks the folders given (`npm run mutation -- lib/references`), passes them here in `MUTATION_TARGETS`, and
 * passes every other flag on to Stryker (`--concurrency 1`, `--incremental`, …).
 *
 * Not in CI: a campaign runs the fast vitest projects once per mutant, far too long for 2 cores.
 */

/** What `npm run mutation` mutates when no folder is given: the steps whose tests the campaign measures. */
export const DEFAULT_TARGETS = ['lib/references', 'lib/changes', 'lib/plan', 'lib/actions', 'lib/pipeline'];

const targets = (process.env.MUTATION_TARGETS ?? '').split(',').filter((target) => target !== '');
const chosen = targets.length === 0 ? DEFAULT_TARGETS : targets;

/** `lib/references` → `lib/references/**\/*.ts`; a file (or `file:line-line` range) is mutated as given. */
const mutate = chosen.map((target) => (/\.ts(:|$)/.test(target) ? target : `${target.replace(/\/+$/, '')}/**/*.ts`));

/** One report folder per target set, so a folder-by-folder campaign keeps each folder's report and increments. */
const reportName = targets.length === 0 ? 'all' : targets.map((target) => target.replace(/^lib\//, '').replace(/[/:]+/g, '-').replace(/-+$/, '')).join('+');
const reportDir = `reports/mutation/${reportName}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // The fast projects only (unit, faults, input); see vitest.mutation.config.ts.
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // Static mutants (code that runs while a module loads: the regex and table constants, and code a test file calls
  // while it is collected) are tested with every test and every module reloaded, because a constant is fixed once its
  // module has loaded: with `ignoreStatic` they would be run against tests that cannot see them and "survive".
  // Thanks to the test order in vitest.mutation.config.ts most die within seconds.
  ignoreStatic: false,
  // The TypeScript checker is off by default (vitest strips types, so a mutant that only breaks a type still runs
  // and the tests judge it): `--checkers typescript` leaves out the mutants that would not compile, at a cost.
  checkers: [],
  tsconfigFile: 'tsconfig.json',
  // Shared 2-core machines: two workers at most; `--concurrency 1` when others are busy.
  concurrency: 2,
  mutate,
  ignorePatterns: ['/dist', '/.serverless', '/.esbuild', '/coverage', '/test-results', '/bench/results'],
  // `event-recorder` writes each tested mutant to `<report folder>/events/` as soon as it is tested, so survivors can
  // be read (`npx tsx test/mutation/survivors.ts <report folder>/events`) and answered while a long run goes on.
  reporters: ['clear-text', 'progress', 'html', 'json', 'event-recorder'],
  eventReporter: { baseDir: `${reportDir}/events` },
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  incrementalFile: `${reportDir}/incremental.json`,
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
