/**
 * "You can keep trying it after the demo" (issue 13): the demo's steps run on moto, then every CLI example of README's
 * "CLI" section runs, as written, against the account the demo left behind, with the environment
 * `npm run demo -- --keep` prints. The sample events in events/ name that account, its secrets and the versions the
 * demo made current, so no example may answer "nothing to do". And `--keep` itself leaves moto running.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DEMO_CHANGES_TABLE, type DemoOutcome, demoEnvironment, runDemoSteps, SAMPLE_VERSIONS } from '../../demo/demo-steps.js';
import { DEMO_ACCOUNT } from '../../demo/moto-server.js';
import { main } from '../../lib/cli/main.js';
import { loadConfig } from '../../lib/config/config.js';
import { resetMoto } from '../support/moto.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The `npx secret-refresh …` lines of README's "CLI" section, split into words as bash would, with `< file`. */
function readmeExamples(): { line: string; args: string[]; stdin?: string }[] {
  const section = README.slice(README.indexOf('\n## CLI\n'), README.indexOf('\n## Configuration\n'));
  const block = section.slice(section.indexOf('```bash\n') + 8, section.indexOf('\n```', section.indexOf('```bash\n')));
  return block
    .split('\n')
    .filter((line) => line.startsWith('npx secret-refresh '))
    .map((line) => {
      const words = [...line.replace(/\s+#.*$/, '').matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
      const redirect = words.indexOf('<');
      const stdin = redirect >= 0 ? words[redirect + 1] : undefined;
      const args = (redirect >= 0 ? words.slice(0, redirect) : words).slice(2);
      return { line, args, ...(stdin ? { stdin } : {}) };
    });
}

describe('the demo account after the demo', () => {
  let outcome: DemoOutcome;
  let environment: Record<string, string>;

  beforeAll(async () => {
    await resetMoto();
    environment = demoEnvironment(inject('motoUrl'));
    const config = loadConfig({ ...process.env, ...environment, SECRET_REFRESH_IDEMPOTENCY_TABLE: DEMO_CHANGES_TABLE });
    outcome = await runDemoSteps(config, () => undefined);
  }, 90_000);

  it('is the account of every sample event, and the samples name its secrets by their ARNs', async () => {
    expect(outcome.ok).toBe(true);
    expect(outcome.account.account).toBe(DEMO_ACCOUNT);
    const samples = readdirSync(join(ROOT, 'events')).filter((file) => file.endsWith('.json'));
    for (const file of samples) {
      const event = JSON.parse(await readFile(join(ROOT, 'events', file), 'utf8')) as { account: string };
      expect(event.account, file).toBe(DEMO_ACCOUNT);
    }
    const label = JSON.parse(await readFile(join(ROOT, 'events/secretsmanager-secret-label-updated-awscurrent.json'), 'utf8')) as {
      resources: string[];
      detail: { versionId: string };
    };
    expect(label.resources).toEqual([outcome.account.secretArn]);
    expect(label.detail.versionId).toBe(SAMPLE_VERSIONS.rotation);
    const rds = JSON.parse(await readFile(join(ROOT, 'events/secretsmanager-secret-label-updated-rds-managed.json'), 'utf8')) as {
      resources: string[];
      detail: { versionId: string };
    };
    expect(rds.resources).toEqual([outcome.account.rdsSecretArn]);
    expect(rds.detail.versionId).toBe(SAMPLE_VERSIONS.rdsRotation);
  });

  it("runs every CLI example of README's CLI section as written: exit 0, readers found, never nothing to do", async () => {
    const examples = readmeExamples();
    expect(examples.map((example) => example.args[0])).toEqual(['event', 'event', 'event', 'refresh', 'refresh', 'refresh', 'audit', 'map', 'map']);
    for (const example of examples) {
      const out: string[] = [];
      const err: string[] = [];
      const pages = new Map<string, string>();
      const code = await main(example.args, {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        env: environment,
        readText: (path) => readFile(join(ROOT, path === '-' ? (example.stdin ?? '') : path), 'utf8'),
        writeText: async (path, text) => void pages.set(path, text),
      });
      const output = out.join('');
      // `map --html <file>` says on stderr where it wrote the page.
      const page = example.args.includes('--html') ? example.args[example.args.indexOf('--html') + 1] : undefined;
      const said = page ? [`secret-refresh: map page written to ${page}\n`] : [];
      expect({ line: example.line, code, err }).toEqual({ line: example.line, code: 0, err: said });
      if (page) expect(pages.get(page)?.startsWith('<!DOCTYPE html>'), example.line).toBe(true);
      // A run with nothing to do says so in its summary's first row; no target may be skipped as superseded.
      expect(output, example.line).not.toMatch(/^ {2}nothing to do {2}|superseded/m);
      if (example.args.includes('--json')) {
        const report = JSON.parse(output) as { targets: unknown[] };
        expect(report.targets.length, example.line).toBeGreaterThan(0);
      } else if (example.args[0] === 'audit') {
        expect(output, example.line).toMatch(
          /^ {2}stale {4}\d+\n {2}fresh {4}\d+\n {2}unknown {2}\d+\n {2}scanned {2}19 services \(Regions scanned: us-east-1, us-west-2\)\n/m,
        );
        expect(output, example.line).not.toContain('INCOMPLETE');
      } else if (example.args[0] === 'map') {
        expect(output, example.line).toMatch(new RegExp(`^secrets map · \\S+ · account ${DEMO_ACCOUNT} · Regions us-east-1, us-west-2\n`));
        expect(output, example.line).toMatch(/^ {2}ERROR {4}missing +secret rds!cluster-/m);
        expect(output, example.line).not.toContain('INCOMPLETE');
      } else {
        // The summary first (done or planned, skipped by code, failed), then the table of targets.
        expect(output, example.line).toMatch(/\n\n {2}(done|planned) +\d+[^\n]*\n(?: {2}\w+ +[^\n]+\n)* {2}skipped +\d+[^\n]*\n {2}failed +0\n/);
        expect(output, example.line).toMatch(/^ {2}STATUS {3}REGION {5}TARGET +(CHANGES +)?REASON\n {2}(DONE|PLANNED|SKIPPED) /m);
      }
      if (example.args[0] === 'event') expect(output, example.line).toContain('already fresh');
    }
  }, 60_000);
});

describe('npm run demo -- --keep', () => {
  it('exits, leaving moto running with the demo account, and prints the environment to export and how to stop it', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/run-demo.ts', '--keep'], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });
    // The reports for reading, not a JSON dump: the burst's JSON report is in the file it names.
    expect(stdout).not.toContain('"dryRun"');
    expect(stdout).toMatch(/\nbatch of 4 inputs: 2 acted on, 1 merged, 1 nothing to do\n\n {2}done {5}6: 6 ECS services redeployed\n/);
    const reportFile = /its JSON report \(what --json prints\): (\/\S+\.json)\n/.exec(stdout)?.[1] ?? '';
    const burst = JSON.parse(await readFile(reportFile, 'utf8')) as { changes: unknown[]; summary: { done: number } };
    expect({ inputs: burst.changes.length, done: burst.summary.done }).toEqual({ inputs: 4, done: 6 });
    // It ends by writing the demo account's secrets map page, and says where.
    const page = /a page to open in a browser:\n(\/.+\/secret-refresh-map\.html)\n/.exec(stdout)?.[1] ?? '';
    expect(page).toBe(join(ROOT, 'secret-refresh-map.html'));
    const html = await readFile(page, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`account ${DEMO_ACCOUNT}`);
    const pid = Number(/^# stop it with: kill (\d+)$/m.exec(stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    onTestFinished(() => {
      process.kill(pid, 'SIGTERM');
    });
    const exported = Object.fromEntries([...stdout.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
    expect(Object.keys(exported).sort()).toEqual(
      ['AWS_ACCESS_KEY_ID', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'SECRET_REFRESH_REGIONS'].sort(),
    );
    expect(exported.AWS_ENDPOINT_URL).not.toBe(inject('motoUrl'));
    // The kept moto, reached only through the printed environment (a clean process, as a new shell would be).
    const { stdout: audit } = await run(process.execPath, ['bin/secret-refresh.mjs', 'audit', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...exported },
      timeout: 30_000,
    });
    // The demo account's 19 ECS services (README, "Try it").
    expect((JSON.parse(audit) as { summary: { servicesScanned: number } }).summary.servicesScanned).toBe(19);
  }, 90_000);
});
