/**
 * `npm run bench:cold-start`: what a function costs to load, as deployed before issue 16 and as deployed now, in one
 * run on one machine (ratios are what to compare).
 *
 * - **before**: the sources of `BENCH_BASE_REF` (default `main`, extracted with `git archive`, this checkout's
 *   node_modules linked in), bundled as serverless.yml bundled them then (no minification, a linked source map in
 *   the zip) and loaded with `NODE_OPTIONS=--enable-source-maps`; the same bundle without the flag, to show the
 *   flag's own cost.
 * - **now**: this checkout, bundled with serverless.yml's `custom.esbuild` options (read from the file) and loaded
 *   with the `NODE_OPTIONS` serverless.yml sets.
 *
 * For every function of serverless.yml: bundle size, source map size, the zip as Lambda receives it (the bundle,
 * plus the map when the zip holds one), zod's share of the bundle (esbuild metafile), and the import
 * time (median of `BENCH_COLD_RUNS`, default 15, fresh `node` processes, measured inside the process around the
 * dynamic `import()` of the handler module). Writes the `cold-start` section of results/latest.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { writeResultsSection } from '../results-file.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const BASE_REF = process.env.BENCH_BASE_REF ?? 'main';
const BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

interface Variant {
  readonly label: string;
  readonly root: string;
  readonly minify: boolean;
  readonly keepNames: boolean;
  /** esbuild's `sourcemap`: `true` (linked: a .map in the zip and a comment), `'external'` (a .map, no comment), `false`. */
  readonly sourcemap: boolean | 'external';
  /** Whether the .map is in the zip Lambda receives. */
  readonly mapInZip: boolean;
  readonly nodeOptions: readonly string[];
}

interface Built {
  readonly bundle: number;
  readonly map: number;
  readonly zip: number;
  readonly zod: number;
  readonly file: string;
}

/** `custom.esbuild` flags and the provider's `NODE_OPTIONS` of serverless.yml (a few scalar lines, read as text). */
function deployedOptions(): Pick<Variant, 'minify' | 'keepNames' | 'sourcemap' | 'mapInZip' | 'nodeOptions'> {
  const text = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
  const esbuild = /\n {2}esbuild:\n((?: {4}.*\n)+)/.exec(text)?.[1] ?? '';
  const scalar = (name: string) => new RegExp(`^ {4}${name}: *([^#\\n]+)`, 'm').exec(esbuild)?.[1]?.trim();
  const sourcemap = scalar('sourcemap');
  const nodeOptions = /^ {4}NODE_OPTIONS: *(.+)$/m.exec(text)?.[1]?.trim();
  const mapsExcluded = /'!\*\*\/\*\.map'/.test(text);
  return {
    minify: scalar('minify') === 'true',
    keepNames: scalar('keepNames') === 'true',
    sourcemap: sourcemap === 'external' ? 'external' : sourcemap === 'true',
    mapInZip: sourcemap !== undefined && sourcemap !== 'false' && !mapsExcluded,
    nodeOptions: nodeOptions ? nodeOptions.split(/\s+/) : [],
  };
}

/** The handlers of serverless.yml's functions: `name → functions/<file>`. */
function handlers(): Map<string, string> {
  const text = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
  const found = new Map<string, string>();
  for (const match of text.matchAll(/^ {2}(\w+):\n {4}handler: (functions\/[\w-]+)\.handler$/gm)) found.set(match[1] as string, match[2] as string);
  return found;
}

function baseTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cold-start-base-'));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${BASE_REF}" | tar -x -C "${dir}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function bundle(variant: Variant, handler: string, out: string): Promise<Built> {
  const file = join(out, `${handler.replace(/\//g, '_')}.mjs`);
  const result = await build({
    absWorkingDir: variant.root,
    entryPoints: [join(variant.root, `${handler}.ts`)],
    outfile: file,
    bundle: true,
    minify: variant.minify,
    keepNames: variant.keepNames,
    sourcemap: variant.sourcemap,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'error',
  });
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  const map = variant.sourcemap === false ? 0 : size(`${file}.map`);
  const zipFile = `${file}.zip`;
  execFileSync('zip', ['-q', '-9', '-j', zipFile, file, ...(variant.mapInZip && map > 0 ? [`${file}.map`] : [])]);
  return { bundle: size(file), map, zip: size(zipFile), zod: zodBytes(result.metafile), file };
}

/**
 * Bytes of the bundle that come from zod (classic API, core and locales: importing the classic API brings all of
 * them; zod/mini brings the checks used and the one locale we load).
 */
function zodBytes(metafile: Metafile): number {
  let bytes = 0;
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, part] of Object.entries(output.inputs)) {
      if (/node_modules\/zod\//.test(input)) bytes += part.bytesInOutput;
    }
  }
  return bytes;
}

/** Milliseconds the dynamic import of `file` takes in a fresh process with `nodeOptions`. */
function importTime(file: string, nodeOptions: readonly string[]): number {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t));`;
  const result = spawnSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_SERVICE_NAME: 'secret-refresh', POWERTOOLS_METRICS_NAMESPACE: 'SecretRefresh' },
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(0);

const base = baseTree();
const baseCommit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', BASE_REF], { encoding: 'utf8' }).trim();
const headCommit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const before = { root: base, minify: false, keepNames: false, sourcemap: true, mapInZip: true } as const;
const variants: readonly Variant[] = [
  { label: `before (${baseCommit}), as deployed: --enable-source-maps`, ...before, nodeOptions: ['--enable-source-maps'] },
  { label: `before (${baseCommit}), without --enable-source-maps`, ...before, nodeOptions: [] },
  { label: `now (${headCommit}), as deployed`, root: ROOT, ...deployedOptions() },
];
const functions = handlers();
const out = mkdtempSync(join(tmpdir(), 'cold-start-out-'));
const rows: string[] = [];
const totals = new Map<string, { import: number; zip: number; bundle: number }>();
try {
  const built = new Map<string, Built>();
  for (const [index, variant] of variants.entries()) {
    const dir = join(out, String(index));
    mkdirSync(dir);
    for (const [name, handler] of functions) {
      if (existsSync(join(variant.root, `${handler}.ts`))) built.set(`${index}|${name}`, await bundle(variant, handler, dir));
    }
  }
  for (const [name] of functions) {
    // A function the base does not have yet (e.g. indexServices) is measured now only, and left out of the totals.
    const present = variants.map((_, index) => built.has(`${index}|${name}`));
    if (!present.every(Boolean)) {
      const index = variants.length - 1;
      const result = built.get(`${index}|${name}`) as Built;
      const ms = median(Array.from({ length: RUNS }, () => importTime(result.file, (variants[index] as Variant).nodeOptions)));
      rows.push(
        `| ${name} | ${(variants[index] as Variant).label} (new: not in the base) | ${kb(result.bundle)} | ${kb(result.map)} (not in zip) | ${kb(result.zip)} | ${((100 * result.zod) / result.bundle).toFixed(0)}% | ${ms.toFixed(0)} | |`,
      );
      continue;
    }
    const times = new Map<number, number[]>(variants.map((_, index) => [index, []]));
    for (const [index, variant] of variants.entries()) importTime((built.get(`${index}|${name}`) as Built).file, variant.nodeOptions); // warm the file cache
    // Interleaved, so that a busy moment of the machine hits every variant alike.
    for (let run = 0; run < RUNS; run++) {
      for (const [index, variant] of variants.entries()) times.get(index)?.push(importTime((built.get(`${index}|${name}`) as Built).file, variant.nodeOptions));
    }
    const reference = median(times.get(0) ?? []);
    for (const [index, variant] of variants.entries()) {
      const result = built.get(`${index}|${name}`) as Built;
      const ms = median(times.get(index) ?? []);
      const total = totals.get(variant.label) ?? { import: 0, zip: 0, bundle: 0 };
      totals.set(variant.label, { import: total.import + ms, zip: total.zip + result.zip, bundle: total.bundle + result.bundle });
      rows.push(
        `| ${name} | ${variant.label} | ${kb(result.bundle)} | ${kb(result.map)}${variant.mapInZip || result.map === 0 ? '' : ' (not in zip)'} | ${kb(result.zip)} | ${((100 * result.zod) / result.bundle).toFixed(0)}% | ${ms.toFixed(0)} | ${(ms / reference).toFixed(2)}× |`,
      );
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
  rmSync(base, { recursive: true, force: true });
}
const [asDeployed, withoutFlag, now] = variants.map((variant) => totals.get(variant.label) ?? { import: 1, zip: 1, bundle: 1 });
const markdown = [
  '# Cold start (bench/cold-start/run-bench.ts)',
  '',
  `Command: \`npm run bench:cold-start\` (BENCH_BASE_REF=${BASE_REF}). Machine: ${cpus().length} cores, Node ${process.versions.node} (Lambda runs 22), ${new Date().toISOString()}. Import time: median of ${RUNS} fresh processes per row, runs interleaved, measured around the handler's dynamic \`import()\`. KB are KiB; the zip is \`zip -9\` of what the function's zip holds.`,
  '',
  '| function | build | bundle KB | map KB | zip KB | zod | import ms | import / before as deployed |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `All functions the base has too: import ${(now?.import ?? 0).toFixed(0)} ms now against ${(asDeployed?.import ?? 0).toFixed(0)} ms before as deployed (${((now?.import ?? 0) / (asDeployed?.import ?? 1)).toFixed(2)}×) and ${(withoutFlag?.import ?? 0).toFixed(0)} ms before without the flag (${((withoutFlag?.import ?? 0) / (asDeployed?.import ?? 1)).toFixed(2)}×: the cost of --enable-source-maps alone); zips ${((now?.zip ?? 0) / (asDeployed?.zip ?? 1)).toFixed(2)}× and bundles ${((now?.bundle ?? 0) / (asDeployed?.bundle ?? 1)).toFixed(2)}× the size before.`,
  '',
].join('\n');
process.stdout.write(`${markdown}\n`);
writeResultsSection('cold-start', markdown);
