/**
 * The package as a user gets it: `npm pack` (which builds dist/), then the tarball installed into an empty project
 * offline, then the installed `secret-refresh` run from there. It must work with no dependency installed (the bundle
 * carries what it needs), run compiled JavaScript (no lib/ sources, no tsx), and on Node.js older than 22 print one
 * line of ours about the runtime instead of the AWS SDK's nine-line NodeVersionSupportWarning.
 * Its speed is measured in bench/cli-startup, not here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let directory: string;
let packedFiles: string[];
let command: string;

/** A clean environment: no AWS settings of the machine running the tests. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: directory, AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

/** Runs the installed command; resolves with its exit code and output whatever the code. */
async function installed(args: string[], env = environment()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { env, cwd: directory, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'secret-refresh-package-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', directory], { cwd: ROOT, timeout: 60_000 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packedFiles = (packed?.files ?? []).map((file) => file.path).sort();
  const app = join(directory, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(directory, packed?.filename ?? '')], { cwd: app, timeout: 60_000 });
  command = join(app, 'node_modules', '.bin', 'secret-refresh');
}, 90_000);

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the launcher, the bundle and the documents: no sources, no tests', () => {
    const top = [...new Set(packedFiles.map((path) => path.split('/')[0]))].sort();
    expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'SECURITY.md', 'bin', 'dist', 'package.json']);
    expect(packedFiles).toContain('dist/secret-refresh.mjs');
    expect(packedFiles).toContain('dist/THIRD-PARTY-LICENSES.txt');
    expect(packedFiles.filter((path) => path.endsWith('.ts'))).toEqual([]);
  });

  it('installs with no dependency at all', () => {
    expect(readdirSync(join(directory, 'app', 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['secret-refresh']);
  });

  it('prints its version', async () => {
    expect(await installed(['--version'])).toEqual({ code: 0, stdout: `secret-refresh ${version}\n`, stderr: '' });
  });

  it("prints the help, and a command's own help", async () => {
    const help = await installed(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('secret-refresh refresh --ref <arn-or-name>');
    expect(help.stdout).toContain('SECRET_REFRESH_MAX_TARGETS');
    const refresh = await installed(['refresh', '--help']);
    expect(refresh.stdout.startsWith('Usage: secret-refresh refresh --ref <arn-or-name>')).toBe(true);
  });

  it('runs a command from the bundle, with one line about an old Node.js and none of the SDK warning', async () => {
    const result = await installed(
      ['audit'],
      environment({
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
      }),
    );
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('INCOMPLETE');
    const lines = result.stderr.trimEnd().split('\n');
    const old = Number(process.versions.node.split('.')[0]) < 22;
    expect(lines).toEqual([
      ...(old ? [`secret-refresh: note: Node.js ${process.versions.node}; AWS SDK releases after early January 2027 need Node.js 22 or later`] : []),
      'secret-refresh: cannot reach AWS (ecs us-east-1 ListClusters): Error: connect ECONNREFUSED 127.0.0.1:9; check the network and AWS_ENDPOINT_URL (http://127.0.0.1:9)',
    ]);
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
  });
});
