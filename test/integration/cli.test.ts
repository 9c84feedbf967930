import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { parameterStoreChangeEvent, rotationInput, secretLabelUpdatedEvent, updateSecretVersionStageEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { main } from '../../lib/cli/main.js';
import type { SecretsMap } from '../../lib/map/types.js';
import type { RefreshReport } from '../../lib/report/types.js';
import { capturedCliIo } from '../support/cli-io.js';
import { nextSecond, resetMoto } from '../support/moto.js';

const run = promisify(execFile);

async function deploymentIds(account: DemoAccount): Promise<string[]> {
  const ids: string[] = [];
  for (const service of account.services) {
    const described = await new ECSClient({ region: service.region }).send(new DescribeServicesCommand({ cluster: service.cluster, services: [service.name] }));
    ids.push(described.services?.[0]?.deployments?.map((deployment) => deployment.id).join(',') ?? '');
  }
  return ids;
}

describe('secret-refresh CLI against moto', () => {
  let account: DemoAccount;
  let dir: string;
  const env = () => ({ ...process.env, SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2' });

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
    dir = await mkdtemp(join(tmpdir(), 'secret-refresh-cli-'));
  });

  it('exits 2 with a one-line message and changes nothing for a malformed event', async () => {
    const before = await deploymentIds(account);
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ source: 'aws.secretsmanager', 'detail-type': 'Secret Label Updated', detail: {} }));
    const { io: cliIo, out } = capturedCliIo(env());

    const code = await main(['event', file], cliIo);

    expect(code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^secret-refresh: .*malformed/);
    expect(await deploymentIds(account)).toEqual(before);
  });

  it('handles a rotation event with --json: only the report on stdout, exit 0', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v3"}');
    const file = join(dir, 'label.json');
    await writeFile(file, JSON.stringify(secretLabelUpdatedEvent(rotationInput(account, rotation))));
    const { io: cliIo, out } = capturedCliIo(env());

    const code = await main(['event', file, '--json'], cliIo);

    expect(code).toBe(0);
    const report = JSON.parse(out.stdout) as { summary: { done: number }; targets: { status: string }[] };
    expect(report.summary.done).toBe(5);
  });

  it('refuses a bare name that is both a secret and a parameter, asking for --kind (exit 2)', async () => {
    await new SecretsManagerClient({ region: 'us-east-1' }).send(new CreateSecretCommand({ Name: 'shared-name', SecretString: 'x' }));
    await new SSMClient({ region: 'us-east-1' }).send(new PutParameterCommand({ Name: 'shared-name', Value: 'y', Type: 'String' }));
    const { io: cliIo, out } = capturedCliIo(env());

    const code = await main(['refresh', '--ref', 'shared-name'], cliIo);

    expect(code).toBe(2);
    expect(out.stderr).toMatch(/--kind/);
    const resolved = capturedCliIo(env());
    const code2 = await main(['refresh', '--ref', 'shared-name', '--kind', 'parameter', '--dry-run'], resolved.io);
    expect(resolved.out.stderr).toBe('');
    expect(code2).toBe(0);
    expect(resolved.out.stdout).toMatch(/\[dry run\] parameter/);
  });

  it('names the Regions scanned and warns about what is out of sight when only another Region is scanned', async () => {
    const { io: cliIo, out } = capturedCliIo({ ...process.env, SECRET_REFRESH_REGIONS: 'us-west-2' });

    const code = await main(['refresh', '--ref', account.secretArn, '--dry-run'], cliIo);

    expect(code).toBe(0);
    expect(out.stdout).toContain('Regions scanned: us-west-2)');
    // The rotated secret is in us-east-1, and us-west-2's services read it and the RDS secret there.
    expect(out.stdout).toContain(
      '  warning: the secret demo/orders/db is in us-east-1, which is not scanned (Regions scanned: us-west-2): services and jobs in us-east-1 that read it are not seen; add us-east-1 to SECRET_REFRESH_REGIONS\n',
    );
    expect(out.stdout).toContain(
      '  warning: 2 secrets or parameters read here are in a Region this deployment does not watch (us-east-1; it scans us-west-2): ',
    );
    expect(out.stdout).toMatch(/\n {2}PLANNED {2}us-west-2 {2}ecs-service demo-west\/west-cross-region {2,}dry run: would redeploy: /);
  });

  it('a blast-radius refusal says in the normal output how to proceed: the exact command, which then acts (issue 13, point 4)', async () => {
    const capped = { ...env(), SECRET_REFRESH_MAX_TARGETS: '2' };
    const { io: cliIo, out } = capturedCliIo(capped);

    const code = await main(['refresh', '--ref', account.secretName], cliIo);

    expect(code).toBe(0);
    expect(out.stdout).toMatch(/\n {2}refused {2}blast-radius cap: 5 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=2; nothing was done\./);
    expect(out.stdout).toContain('\n  skipped  10: 5 blast-radius-cap, ');
    const next = /\n {2}next: the blast-radius cap refused the run \(SECRET_REFRESH_MAX_TARGETS\): [^\n]+\n {6}(secret-refresh [^\n]+)\n/.exec(out.stdout);
    expect(next?.[1]).toBe(`secret-refresh refresh --ref ${account.secretName} --confirm-large`);
    // The command it names, run as written, goes past the cap.
    const proceed = capturedCliIo(capped);
    const words = (next?.[1] ?? '').split(' ').slice(1);
    expect(await main(words, proceed.io)).toBe(0);
    expect(proceed.out.stdout).toContain('\n  done     5: 5 ECS services redeployed\n');
    expect(proceed.out.stdout).not.toContain('refused');
  });

  it('colours the output on a terminal, never in a pipe, and not with NO_COLOR; same text once the codes are stripped', async () => {
    const args = ['refresh', '--ref', account.secretArn, '--dry-run'];
    // Whatever the runner's own colour settings are: a terminal that allows colour.
    const tty = capturedCliIo({ ...env(), NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color' });
    expect(await main(args, { ...tty.io, stdoutIsTTY: true })).toBe(0);
    const pipe = capturedCliIo(env());
    expect(await main(args, { ...pipe.io, stdoutIsTTY: false })).toBe(0);
    const noColor = capturedCliIo({ ...env(), NO_COLOR: '1' });
    expect(await main(args, { ...noColor.io, stdoutIsTTY: true })).toBe(0);

    expect(tty.out.stdout).toContain('\n  \u001b[36mPLANNED\u001b[39m  us-east-1  ');
    expect(tty.out.stdout).toContain('\u001b[1mnext:\u001b[22m dry run: nothing was done');
    expect(pipe.out.stdout).not.toContain('\u001b');
    expect(noColor.out.stdout).not.toContain('\u001b');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is stripped
    expect(tty.out.stdout.replace(/\u001b\[\d+m/g, '')).toBe(pipe.out.stdout);
    expect(pipe.out.stdout).toBe(noColor.out.stdout);
  });

  it('draws the progress line on stderr only when stderr is a terminal, erased before the report', async () => {
    const args = ['refresh', '--ref', account.secretArn, '--dry-run'];
    const timing = { delayMs: 0, intervalMs: 0 };
    const terminal = capturedCliIo(env());
    expect(await main(args, { ...terminal.io, stderrIsTTY: true, columns: 200, progressTiming: timing })).toBe(0);
    const piped = capturedCliIo(env());
    expect(await main(args, { ...piped.io, stderrIsTTY: false, progressTiming: timing })).toBe(0);

    // Each draw erases the line first (carriage return, erase line); the last write erases it for good.
    const draws = terminal.out.stderr.split('\r\u001b[2K');
    expect(draws[0]).toBe('');
    expect(draws[1]).toBe('secret-refresh: scanning… 1 AWS calls in us-east-1 · secretsmanager DescribeSecret · 0s');
    expect(draws.some((line) => /^secret-refresh: scanning… \d+ AWS calls in us-east-1, us-west-2 · ecs \w+ · \d+s$/.test(line))).toBe(true);
    expect(draws.at(-1)).toBe('');
    expect(piped.out.stderr).toBe('');
    expect(terminal.out.stdout).toBe(piped.out.stdout);
    // --quiet draws none either.
    const quiet = capturedCliIo(env());
    expect(await main([...args, '--quiet'], { ...quiet.io, stderrIsTTY: true, progressTiming: timing })).toBe(0);
    expect(quiet.out.stderr).toBe('');
  });

  it('--quiet prints nothing when all went well, and only the refusal or the failures otherwise; the exit code says the rest', async () => {
    const fine = capturedCliIo(env());
    expect(await main(['refresh', '--ref', account.secretArn, '--dry-run', '--quiet'], { ...fine.io, notice: 'secret-refresh: note: x' })).toBe(0);
    expect(fine.out).toEqual({ stdout: '', stderr: '' });

    const capped = capturedCliIo({ ...env(), SECRET_REFRESH_MAX_TARGETS: '2' });
    expect(await main(['refresh', '--ref', account.secretArn, '-q'], capped.io)).toBe(0);
    expect(capped.out.stdout).toMatch(
      /^refused: blast-radius cap: 5 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=2; nothing was done\. [^\n]+\n$/,
    );

    const audit = capturedCliIo(env());
    expect(await main(['audit', '--quiet'], audit.io)).toBe(0);
    expect(audit.out.stderr).toBe('');
    expect(audit.out.stdout).not.toContain('FRESH');
    expect(audit.out.stdout).not.toContain('summary');
  });

  it('audit --json prints the staleness audit and exits 0', async () => {
    const { io: cliIo, out } = capturedCliIo(env());
    const code = await main(['audit', '--json'], cliIo);
    expect(code).toBe(0);
    const audit = JSON.parse(out.stdout) as { audit: boolean; summary: { servicesScanned: number }; targets: { status: string }[] };
    expect(audit.audit).toBe(true);
    expect(audit.summary.servicesScanned).toBe(19);
    expect(audit.targets.every((target) => ['stale', 'fresh', 'unknown'].includes(target.status))).toBe(true);
  });

  it('handles several files as one batch: one rotation’s signals in two files, a JSON-lines file with a parameter update and an invalid line', async () => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"v3"}');
    await nextSecond();
    const input = rotationInput(account, rotation);
    await new SSMClient({ region: 'us-east-1' }).send(
      new PutParameterCommand({ Name: account.parameterName, Value: 'k2', Type: 'SecureString', Overwrite: true }),
    );
    const update = parameterStoreChangeEvent({
      account: account.account,
      region: 'us-east-1',
      name: account.parameterName,
      operation: 'Update',
      time: new Date().toISOString(),
    });
    await writeFile(join(dir, 'stage.json'), JSON.stringify(updateSecretVersionStageEvent({ ...input, previousVersionId: rotation.previousVersionId })));
    await writeFile(join(dir, 'label.json'), JSON.stringify(secretLabelUpdatedEvent(input)));
    await writeFile(join(dir, 'more.jsonl'), `${JSON.stringify(update)}\n42\n`);
    const { io: cliIo, out } = capturedCliIo(env());

    const code = await main(['event', join(dir, 'stage.json'), join(dir, 'label.json'), join(dir, 'more.jsonl'), '--json'], cliIo);

    // One input could not be read: the others were handled, and the exit code says something needs a look.
    expect(code).toBe(1);
    const report = JSON.parse(out.stdout) as RefreshReport;
    expect(report).not.toHaveProperty('change');
    expect(report.changes.map((entry) => [entry.id, entry.source?.split('/').pop(), entry.decision])).toEqual([
      ['c1', 'stage.json', 'act'],
      ['c2', 'label.json', 'merged'],
      ['c3', 'more.jsonl:1', 'act'],
      ['c4', 'more.jsonl:2', 'invalid'],
    ]);
    // payments-api reads the secret and the parameter: deployed once, answering both.
    const both = report.targets.find((target) => target.name === 'payments-api');
    expect(both).toMatchObject({ status: 'done', changes: ['c1', 'c3'] });
    expect(report.summary).toMatchObject({ done: 6, failed: 0, invalid: 1, inputs: 4 });
  });

  it('map prints the secrets map of both Regions as text, read-only, and exits 0', async () => {
    const before = await deploymentIds(account);
    const { io: cliIo, out } = capturedCliIo(env());

    const code = await main(['map'], cliIo);

    expect({ code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^secrets map · \\d{4}-\\d\\d-\\d\\dT[^ ]+ · account ${account.account} · Regions us-east-1, us-west-2$`));
    expect(lines[2]).toMatch(/^ {2}readers {5}19 task definitions, 2 job definitions → 19 services, 0 running jobs$/);
    expect(out.stdout).toMatch(/^ {2}secret demo\/orders\/db +us-east-1 +exists +changed /m);
    expect(out.stdout).toMatch(
      /^ {4}orders-api:1 +app +secrets SECRET_0 +AWSCURRENT\n {6}(STALE|FRESH|UNKNOWN) demo-orders\/orders-api +us-east-1 +in-scope +wave last$/m,
    );
    expect(out.stdout).toMatch(/^ {2}WARNING {2}mutable-image-tag +image public\.ecr\.aws\/docker\/library\/busybox:latest /m);
    expect(out.stdout).not.toContain('INCOMPLETE');
    expect(await deploymentIds(account)).toEqual(before);
  });

  it('map --json prints only the document, the same the page embeds, and --html writes that self-contained page', async () => {
    const page = join(dir, 'secrets-map.html');
    const { io: cliIo, out } = capturedCliIo(env());

    const code = await main(['map', '--json', '--html', page], cliIo);

    expect(code).toBe(0);
    expect(out.stderr).toBe(`secret-refresh: map page written to ${page}\n`);
    const map = JSON.parse(out.stdout) as SecretsMap;
    expect(map.format).toBe('secret-refresh/map@1');
    expect(map.summary).toMatchObject({ services: 19, taskDefinitions: 19, jobDefinitions: 2, inventoryProblems: 0 });
    expect(map.resources.find((resource) => resource.arn === account.secretArn)?.targets.length).toBeGreaterThanOrEqual(8);
    const html = await readFile(page, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Self-contained: nothing to fetch (no src, href, link, import or url()), and the document it embeds is the same.
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base)\b|\s(src|href)=|url\(|@import/i);
    const embedded = /<script type="application\/json" id="secrets-map">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(embedded)).toEqual(map);
  });

  it('map --html to a directory that does not exist: exit 2, nothing printed', async () => {
    const { io: cliIo, out } = capturedCliIo(env());
    const code = await main(['map', '--html', join(dir, 'no-such-directory', 'map.html')], cliIo);
    expect(code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^secret-refresh: cannot write the map page to .*no-such-directory\/map\.html: ENOENT/);
  });

  it('runs as the npx bin in a checkout (the sources through tsx), printing usage', async () => {
    const { stdout } = await run(process.execPath, ['bin/secret-refresh.mjs', '--help'], { cwd: process.cwd() });
    expect(stdout).toMatch(/secret-refresh refresh --ref/);
  });
});
