/**
 * `npm run package:stackset [-- --stage <stage>] [--region <home>] [--param "<name>=<value>"]... [--packaged <dir>] [--out <dir>]`
 *
 * Writes what a delegated administrator needs to roll secret-refresh out to an Organization with service-managed
 * StackSets (README, "Deploy", "An Organization"): `<out>/secret-refresh.template.json` (one self-contained template:
 * the service in `HomeRegion`, a forwarder in every other Region, every setting a parameter), the code artifacts under
 * `<out>/artifacts/` laid out as their S3 keys (`aws s3 cp --recursive <out>/artifacts s3://<bucket>/`), and
 * `<out>/forwarder.template.json` (the per-Region forwarder `npm run deploy` deploys; written so cfn-lint checks it).
 * It runs `osls package` offline, or reads an existing package directory (`--packaged .serverless`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { forwarderTemplate, type Template } from './forwarder.js';
import { stackSetTemplate } from './stackset-template.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** Options of {@link packageStackSet}. */
export interface PackageStackSetOptions {
  /** An `osls package` output directory to read; unset: package now. */
  readonly packaged?: string;
  /** Where to write (default `stackset/`). */
  readonly out: string;
  /** Passed to `osls package` (`--stage`, `--region`, `--param`). */
  readonly oslsArguments: readonly string[];
}

/** What {@link packageStackSet} wrote. */
export interface PackagedStackSet {
  readonly templateFile: string;
  readonly forwarderFile: string;
  /** S3 key → file under `<out>/artifacts/`. */
  readonly artifacts: ReadonlyMap<string, string>;
  readonly homeRegion: string;
}

/** Packages the service (unless `packaged` is given) and writes the StackSet template, the forwarder and the artifacts. */
export function packageStackSet(options: PackageStackSetOptions): PackagedStackSet {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  let directory = options.packaged;
  let scratch: string | undefined;
  if (directory === undefined) {
    scratch = mkdtempSync(join(tmpdir(), 'secret-refresh-stackset-'));
    directory = scratch;
    execFileSync(join(ROOT, 'node_modules', '.bin', 'osls'), ['package', ...options.oslsArguments, '--package', directory], {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  try {
    const packaged = JSON.parse(readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
    const state = JSON.parse(readFileSync(join(directory, 'serverless-state.json'), 'utf8')) as { service: { provider: { region: string } } };
    const zips = readdirSync(directory)
      .filter((file) => file.endsWith('.zip'))
      .map((file) => ({ file, bytes: readFileSync(join(directory, file)) }));
    const homeRegion = state.service.provider.region;
    const { template, artifacts } = stackSetTemplate(packaged, zips, { version, homeRegion });
    rmSync(options.out, { recursive: true, force: true });
    mkdirSync(options.out, { recursive: true });
    const written = new Map<string, string>();
    for (const [key, artifact] of artifacts) {
      const file = join(options.out, 'artifacts', key);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, artifact.bytes);
      written.set(key, file);
    }
    const templateFile = join(options.out, 'secret-refresh.template.json');
    const forwarderFile = join(options.out, 'forwarder.template.json');
    // Compact: it stays under the 51,200 bytes of `--template-body` (pretty-printed it would not).
    writeFileSync(templateFile, `${JSON.stringify(template)}\n`);
    writeFileSync(forwarderFile, `${JSON.stringify(forwarderTemplate(version), null, 2)}\n`);
    return { templateFile, forwarderFile, artifacts: written, homeRegion };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** The command line: `--packaged <dir>` and `--out <dir>` are ours, the rest goes to `osls package`. */
function main(args: readonly string[]): void {
  const oslsArguments: string[] = [];
  let packaged: string | undefined;
  let out = join(ROOT, 'stackset');
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const value = args[index + 1];
    if ((arg === '--packaged' || arg === '--out') && value === undefined) throw new Error(`${arg} needs a directory`);
    if (arg === '--packaged') packaged = value;
    else if (arg === '--out') out = value ?? out;
    else {
      oslsArguments.push(arg);
      continue;
    }
    index += 1;
  }
  if (!oslsArguments.includes('--stage')) oslsArguments.push('--stage', 'dev');
  const result = packageStackSet({ ...(packaged === undefined ? {} : { packaged }), out, oslsArguments });
  process.stdout.write(
    [
      `StackSet template: ${result.templateFile}`,
      `Forwarder template: ${result.forwarderFile}`,
      `Artifacts (${result.artifacts.size}): upload with  aws s3 cp --recursive ${join(out, 'artifacts')} s3://<bucket>/`,
      `HomeRegion defaults to ${result.homeRegion}; the bucket must be in the home Region (Lambda reads code from its own Region).`,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`package:stackset: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
