/**
 * `npm run bench:cli`: how long `secret-refresh --help` and `--version` take as the package runs them (the bundle in
 * dist/, built first), against the floor (`node -e ""`, a process that does nothing) and the sources through tsx
 * (what a checkout runs). Medians of `BENCH_CLI_RUNS` (default 15) runs each; writes results/cli-startup.md.
 * Ratios, not absolute times, are what to compare across machines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

interface Case {
  readonly label: string;
  readonly args: readonly string[];
}

const CASES: readonly Case[] = [
  { label: 'floor: node -e ""', args: ['-e', ''] },
  { label: 'bundle: --version', args: ['dist/secret-refresh.mjs', '--version'] },
  { label: 'bundle: --help', args: ['dist/secret-refresh.mjs', '--help'] },
  { label: 'bundle: refresh --help', args: ['dist/secret-refresh.mjs', 'refresh', '--help'] },
  { label: 'sources via tsx: --help', args: ['--import', 'tsx', 'lib/cli/bin.ts', '--help'] },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function time(args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

execFileSync(process.execPath, [join(ROOT, 'build/build-cli.mjs')], { stdio: 'inherit' });
const medians = new Map<string, number>();
for (const benchCase of CASES) {
  time(benchCase.args); // warm the file system cache
  medians.set(benchCase.label, median(Array.from({ length: RUNS }, () => time(benchCase.args))));
}
const floor = medians.get('floor: node -e ""') ?? 1;
const bundleHelp = medians.get('bundle: --help') ?? 1;
const rows = CASES.map((benchCase) => {
  const ms = medians.get(benchCase.label) ?? 0;
  return `| ${benchCase.label} | ${ms.toFixed(0)} | ${(ms / floor).toFixed(2)}× | ${(ms / bundleHelp).toFixed(2)}× |`;
});
const table = [
  `#### CLI start-up (${RUNS} runs each, median; Node ${process.versions.node}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)})`,
  '',
  '| run | ms | / floor | / bundle --help |',
  '|---|---|---|---|',
  ...rows,
  '',
  `--help of the bundle takes ${(bundleHelp / floor).toFixed(2)}× the floor (a Node process that does nothing) and ${bundleHelp.toFixed(0)} ms here;` +
    ` the sources through tsx take ${((medians.get('sources via tsx: --help') ?? 0) / bundleHelp).toFixed(1)}× the bundle.`,
  '',
].join('\n');
process.stdout.write(`${table}\n`);
writeFileSync(join(ROOT, 'bench/results/cli-startup.md'), table);
