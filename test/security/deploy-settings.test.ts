/**
 * Deploy-time settings come from the committed stage parameters (params.yml, osls `params`), never from the deploying
 * shell (issue 13: a redeploy from another shell silently reset opt-in mode, cluster scope or the cap). The service is
 * resolved offline with `osls print` in a copy of serverless.yml and params.yml (plus a stage section of the test's
 * own), with a hostile environment that sets every setting to something else.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../lib/config/settings.js';

const ROOT = new URL('../..', import.meta.url).pathname;
let directory: string;

/** Every deployed setting set to a value no default has, as a careless shell or CI job would. */
const HOSTILE_SHELL = {
  SECRET_REFRESH_DRY_RUN: 'true',
  SECRET_REFRESH_MODE: 'opt-in',
  SECRET_REFRESH_MAX_TARGETS: '1',
  SECRET_REFRESH_CLUSTERS_INCLUDE: 'nothing-*',
  SECRET_REFRESH_REGIONS: 'ap-south-1',
};

/** The functions' environment as osls resolves it for `args`, run in the copy with {@link HOSTILE_SHELL}. */
function deployedEnvironment(args: string[]): Record<string, string> {
  const output = execFileSync('npx', ['osls', 'print', '--format', 'json', ...args], {
    cwd: directory,
    env: { ...process.env, ...HOSTILE_SHELL, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    stdio: 'pipe',
    timeout: 60_000,
  }).toString('utf8');
  return (JSON.parse(output.slice(output.indexOf('{'))) as { provider: { environment: Record<string, string> } }).provider.environment;
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'secret-refresh-params-'));
  mkdirSync(join(directory, 'deploy'));
  for (const file of ['serverless.yml', 'package.json', 'deploy/change-rules.json']) copyFileSync(join(ROOT, file), join(directory, file));
  symlinkSync(join(ROOT, 'node_modules'), join(directory, 'node_modules'));
  // The committed params.yml plus a stage of this test's own.
  writeFileSync(join(directory, 'params.yml'), `${readFileSync(join(ROOT, 'params.yml'), 'utf8')}\nci:\n  mode: 'opt-in'\n  maxTargets: '20'\n`);
});

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('deploy-time settings', () => {
  it("deploy the defaults of params.yml whatever the deploying shell's environment says", () => {
    const environment = deployedEnvironment(['--stage', 'dev']);
    for (const row of SETTINGS) {
      if (row.deployment.from === 'param') expect(environment[row.env], row.env).toBe(row.deployment.fallback);
    }
    expect(environment).toMatchObject({ SECRET_REFRESH_DRY_RUN: 'false', SECRET_REFRESH_MODE: 'all', SECRET_REFRESH_MAX_TARGETS: '50' });
  }, 60_000);

  it("deploy a stage's own section over the defaults, and --param over both for one deploy", () => {
    const environment = deployedEnvironment(['--stage', 'ci', '--param', 'maxTargets=7']);
    expect(environment).toMatchObject({
      SECRET_REFRESH_MODE: 'opt-in',
      SECRET_REFRESH_MAX_TARGETS: '7',
      SECRET_REFRESH_DRY_RUN: 'false',
      SECRET_REFRESH_CLUSTERS_INCLUDE: '',
      SECRET_REFRESH_REGIONS: '',
      SECRET_REFRESH_IDEMPOTENCY_TABLE: 'secret-refresh-ci-changes',
    });
  }, 60_000);
});
