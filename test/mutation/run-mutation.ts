/**
 * `npm run mutation [-- <lib folder or file>… <Stryker flag>…]`: mutation testing with the fast vitest projects.
 *
 * Why a wrapper: Stryker reads a bare argument as its config file, so `npm run mutation -- lib/references` could not
 * name a folder otherwise. Arguments starting with `lib/` are what to mutate (checked to exist, so a typo is an error
 * instead of an empty run); everything else goes to Stryker unchanged. See CONTRIBUTING.md, "Mutation testing".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const targets = args.filter((arg) => arg.startsWith('lib/'));
const strykerFlags = args.filter((arg) => !arg.startsWith('lib/'));

const missing = targets.filter((target) => !existsSync(new URL(`../../${target.replace(/:[\d:-]+$/, '')}`, import.meta.url)));
if (missing.length > 0) {
  process.stderr.write(`npm run mutation: ${missing.join(', ')} not found; give folders or files under lib/, e.g. npm run mutation -- lib/references\n`);
  process.exit(2);
}

const stryker = fileURLToPath(new URL('../../node_modules/@stryker-mutator/core/bin/stryker.js', import.meta.url));
const result = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...strykerFlags], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MUTATION_TARGETS: targets.join(',') },
});
process.exit(result.status ?? 1);
