// Builds the `secret-refresh` command into dist/: one ES module bundle of lib/cli/bin.ts and everything it imports
// (the AWS SDK, zod…), so the installed package needs no dependency and no TypeScript at run time. The pipeline is a
// separate chunk loaded only when a command runs (main.ts imports it dynamically), which keeps `--help` and
// `--version` fast. The licences of the bundled packages go to dist/THIRD-PARTY-LICENSES.txt.
//
// Run by `npm run build`, and by npm itself on `npm ci` / `npm pack` (the `prepare` script).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { 'secret-refresh': 'lib/cli/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // Class names are part of what users read (`ThrottlingException: …`, our named errors): keep them.
  keepNames: true,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __secretRefreshRequire } from 'node:module'; const require = __secretRefreshRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});

writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicences(result.metafile));

/** The licence of every package bundled into dist/, grouped by identical licence text. */
function thirdPartyLicences(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!match) continue;
    const directory = join(root, input.slice(0, match.index + match[0].length));
    if (packages.has(directory)) continue;
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    packages.set(directory, { name: `${manifest.name}@${manifest.version}`, license: manifest.license ?? 'see the package', text: licenceText(directory) });
  }
  const byText = new Map();
  for (const item of [...packages.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = `${item.license}\n${item.text}`;
    byText.set(key, [...(byText.get(key) ?? []), item]);
  }
  const sections = [...byText.values()].map((items) => `${items.map((item) => `${item.name} (${item.license})`).join('\n')}\n\n${items[0].text}`);
  return `secret-refresh bundles the following packages in dist/. Their licences follow.\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

function licenceText(directory) {
  for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'LICENSE-MIT']) {
    try {
      return readFileSync(join(directory, name), 'utf8').trim();
    } catch {
      // try the next name
    }
  }
  return '(no licence file in the package)';
}
