/**
 * The CLI's rollout commands against moto: `refresh` starts the rollout (StartExecution of a state machine created in
 * moto from the deployed definition; moto does not run it: no Lambda without Docker), `rollouts` lists it, `approve` /
 * `reject` answer it, `refresh --wait` follows it, `refresh --now` goes past the windows. Where the test needs a step of
 * the execution to have run, it runs that step's code itself, as Step Functions would have.
 */
import { DescribeServicesCommand, ECSClient, TagResourceCommand } from '@aws-sdk/client-ecs';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable } from '../../demo/tables.js';
import { createAwsClients } from '../../lib/aws/clients.js';
import { main } from '../../lib/cli/main.js';
import type { RefreshReport } from '../../lib/report/types.js';
import { dynamoDbRolloutRecords, runRolloutStep } from '../../lib/rollout/index.js';
import type { RolloutStepInput } from '../../lib/rollout/types.js';
import { capturedCliIo } from '../support/cli-io.js';
import { DEFINITION_TEXT, ROLLOUT_STEP_ARN } from '../support/local-rollouts.js';
import { resetMoto } from '../support/moto.js';

const TABLE = 'secret-refresh-cli-changes';

describe('secret-refresh rollouts, approve, reject, refresh --wait and --now (moto)', () => {
  let account: DemoAccount;
  let stateMachineArn: string;
  const sfn = new SFNClient({ region: 'us-east-1' });
  const records = () => dynamoDbRolloutRecords(createAwsClients({ maxAttempts: 1 }).dynamodb('us-east-1'), TABLE);
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2',
    SECRET_REFRESH_IDEMPOTENCY_TABLE: TABLE,
    SECRET_REFRESH_STATE_MACHINE_ARN: stateMachineArn,
    ...extra,
  });

  beforeEach(async () => {
    await resetMoto();
    account = await seedDemoAccount();
    await createIdempotencyTable(TABLE, 'us-east-1');
    const ecs = new ECSClient({ region: 'us-east-1' });
    for (const [name, cluster, wave] of [
      ['orders-api', 'demo-orders', '1'],
      ['payments-api', 'demo-payments', '2'],
    ] as const) {
      await ecs.send(
        new TagResourceCommand({
          resourceArn: `arn:aws:ecs:us-east-1:${account.account}:service/${cluster}/${name}`,
          tags: [{ key: 'secret-refresh:wave', value: wave }],
        }),
      );
    }
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'secret-refresh-test-rollout',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's DefinitionSubstitutions syntax, not a JavaScript template
        definition: DEFINITION_TEXT.replaceAll('${RolloutStepFunctionArn}', ROLLOUT_STEP_ARN),
        roleArn: `arn:aws:iam::${account.account}:role/secret-refresh-test-rollout`,
      }),
    );
    stateMachineArn = created.stateMachineArn ?? '';
  });

  async function refresh(args: string[], extra: Record<string, string> = {}, sleep?: (ms: number) => Promise<void>) {
    const cli = capturedCliIo(env(extra), sleep);
    const code = await main(['refresh', '--ref', 'demo/orders/db', ...args], cli.io);
    return { code, ...cli.out };
  }

  /** The execution's input, as Step Functions hands it to the first Task. */
  async function firstStep(executionArn: string, action: RolloutStepInput['action']) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const input = { ...(JSON.parse(described.input ?? '{}') as RolloutStepInput), action };
    return runRolloutStep(input, {
      clients: createAwsClients({ maxAttempts: 1, ecsQuotaShare: 0 }),
      records: records(),
      homeRegion: 'us-east-1',
      concurrency: 2,
      imageDrift: 'allow',
      minRedeployIntervalSeconds: 0,
      ...(input.rollout.windows ? { freeze: (await import('../../lib/rollout/windows.js')).parseSchedule('2000-01-01..2099-12-31 UTC', 'F') } : {}),
    });
  }

  async function deploymentIds(): Promise<string[]> {
    const described = await new ECSClient({ region: 'us-east-1' }).send(
      new DescribeServicesCommand({ cluster: 'demo-orders', services: ['orders-api', 'orders-worker'] }),
    );
    return (described.services ?? []).map((service) => service.deployments?.[0]?.id ?? '');
  }

  it('refresh starts one rollout and deploys nothing itself; rollouts lists it with its state, wave and what it waits for', async () => {
    const before = await deploymentIds();
    const started = await refresh(['--json'], { SECRET_REFRESH_FREEZE: '2000-01-01..2099-12-31' });
    expect(started.code).toBe(0);
    const report = JSON.parse(started.stdout) as RefreshReport;
    expect(report.rollout).toMatchObject({
      status: 'started',
      waves: 3,
      executionArn: expect.stringContaining(':execution:secret-refresh-test-rollout:demo-orders-db-'),
    });
    expect(await deploymentIds()).toEqual(before);

    await firstStep(report.rollout?.executionArn ?? '', 'prepare-wave');
    const listed = capturedCliIo(env());
    expect(await main(['rollouts', '--json'], listed.io)).toBe(0);
    const document = JSON.parse(listed.out.stdout) as { format: string; rollouts: Record<string, unknown>[] };
    expect(document.format).toBe('secret-refresh/rollouts@1');
    expect(document.rollouts).toEqual([
      expect.objectContaining({
        name: report.rollout?.name,
        execution: 'RUNNING',
        status: 'waiting-window',
        wave: 1,
        waves: 3,
        waiting: { reason: expect.stringMatching(/^inside the freeze "2000-01-01\.\.2099-12-31 UTC"/), until: expect.any(String) },
      }),
    ]);
    const text = capturedCliIo(env());
    expect(await main(['rollouts'], text.io)).toBe(0);
    expect(text.out.stdout).toMatch(
      new RegExp(`^\\S+  ${report.rollout?.name} RUNNING waiting-window wave 1/3: inside the freeze "2000-01-01\\.\\.2099-12-31 UTC".* until \\S+\\n$`),
    );
  });

  it('refresh --now goes past the windows on purpose: the rollout does not wait for them', async () => {
    const started = await refresh(['--json', '--now'], { SECRET_REFRESH_FREEZE: '2000-01-01..2099-12-31' });
    const report = JSON.parse(started.stdout) as RefreshReport;
    expect(report.rollout?.reasons).toEqual(['3 waves, each after the previous one COMPLETED']);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: report.rollout?.executionArn }));
    expect(JSON.parse(described.input ?? '{}').rollout.windows).toBe(false);
  });

  it('approve answers a rollout waiting for an approval, once; reject refuses what waits for none', async () => {
    const started = await refresh(['--json'], { SECRET_REFRESH_APPROVAL: 'all' });
    const report = JSON.parse(started.stdout) as RefreshReport;
    const name = report.rollout?.name ?? '';
    expect(report.rollout?.approval).toBe(true);
    await firstStep(report.rollout?.executionArn ?? '', 'request-approval');

    const approve = capturedCliIo(env());
    expect(await main(['approve', name], approve.io)).toBe(0);
    expect(approve.out.stdout).toMatch(new RegExp(`^rollout ${name} approved by arn:aws:\\S+: it deploys at its next look \\(within 5 minutes\\)\\n$`));
    expect(await records().approval(name)).toMatchObject({ status: 'approved', answeredBy: expect.stringMatching(/^arn:aws:/) });

    const again = capturedCliIo(env());
    expect(await main(['reject', report.rollout?.executionArn ?? ''], again.io)).toBe(2);
    expect(again.out.stderr).toMatch(new RegExp(`^secret-refresh: rollout ${name} was approved already by arn:aws:\\S+ at \\S+\\n$`));
    const unknown = capturedCliIo(env());
    expect(await main(['reject', 'no-such-rollout'], unknown.io)).toBe(2);
    expect(unknown.out.stderr).toBe(
      'secret-refresh: rollout no-such-rollout does not wait for an approval (no approval was asked for it; see secret-refresh rollouts)\n',
    );
  });

  it('refresh --wait follows the rollout and exits 1 when it does not succeed', async () => {
    let looks = 0;
    const result = await refresh(['--wait'], {}, async () => {
      looks++;
      const { executions } = await import('@aws-sdk/client-sfn').then(async ({ ListExecutionsCommand }) =>
        sfn.send(new ListExecutionsCommand({ stateMachineArn })),
      );
      await sfn.send(new StopExecutionCommand({ executionArn: executions?.[0]?.executionArn, error: 'Stopped', cause: 'test' }));
    });
    expect(looks).toBe(1);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\nrollout demo-orders-db-[0-9a-f]+: started, 3 wave\(s\), 5 service\(s\)\n$/);
    expect(result.stderr).toMatch(/secret-refresh: demo-orders-db-[0-9a-f]+ RUNNING\n/);
    expect(result.stderr).toMatch(/secret-refresh: rollout demo-orders-db-[0-9a-f]+ ABORTED/);
  });

  it('refuses --wait without the state machine, before changing anything', async () => {
    const cli = capturedCliIo({ ...env(), SECRET_REFRESH_STATE_MACHINE_ARN: '' });
    expect(await main(['refresh', '--ref', 'demo/orders/db', '--wait'], cli.io)).toBe(2);
    expect(cli.out.stderr).toBe(
      'secret-refresh: refresh --wait follows the rollout in Step Functions: set SECRET_REFRESH_STATE_MACHINE_ARN (the stack output RolloutStateMachineArn)\n',
    );
  });
});
