/**
 * Rollouts end to end, executing the deployed definition (statemachine/rollout.asl.json) with aws-local-stepfunctions:
 * the intake's run (`runRefresh`) plans and starts the rollout, every Task runs the rolloutStep Lambda's code in-process
 * against moto_server (ECS, DynamoDB state table, EventBridge), Wait states are shortened and the steps' clock moves on
 * by what they would have waited. moto 5.2.1 never moves an ECS deployment's `rolloutState` (no tasks reach steady
 * state, no circuit breaker), so each test says which deployments COMPLETED or FAILED (`serveDeploymentStates`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient, TagResourceCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { rotationInput, secretLabelUpdatedEvent } from '../../demo/demo-events.js';
import { rotateSecret } from '../../demo/rotate-demo-secret.js';
import { type DemoAccount, seedDemoAccount } from '../../demo/seed-demo-account.js';
import { createIdempotencyTable } from '../../demo/tables.js';
import { TaskDefinitionCache } from '../../lib/aws/ecs.js';
import { createMetadataDirectory } from '../../lib/aws/metadata-directory.js';
import { loadConfig } from '../../lib/config/config.js';
import { runRefresh } from '../../lib/pipeline/run-refresh.js';
import type { EcsServiceTargetReport, RefreshReport } from '../../lib/report/types.js';
import { dynamoDbRolloutRecords, type RolloutEngine, type RolloutRecords, type RolloutStepDependencies } from '../../lib/rollout/index.js';
import type { RolloutPlan, RolloutStepInput } from '../../lib/rollout/types.js';
import { type DeploymentState, localRollouts, serveDeploymentStates, statesEntered, stateTransitions } from '../support/local-rollouts.js';
import { nextSecond, resetMoto } from '../support/moto.js';
import { type RecordedCall, recordingClients, updatedServices } from '../support/recording-clients.js';

const TABLE = 'secret-refresh-test-changes';
const WAVES: Record<string, string> = { 'orders-api': '1', 'orders-worker': '1', 'payments-api': '2', 'payments-logs': '2' };
const ENV = { AWS_REGION: 'us-east-1', SECRET_REFRESH_REGIONS: 'us-east-1,us-west-2', SECRET_REFRESH_EVENT_BUS: 'default' };

let account: DemoAccount;
let records: RolloutRecords;

beforeEach(async () => {
  await resetMoto();
  account = await seedDemoAccount();
  await createIdempotencyTable(TABLE, 'us-east-1');
  records = dynamoDbRolloutRecords(new DynamoDBClient({ region: 'us-east-1' }), TABLE);
  const ecs = new ECSClient({ region: 'us-east-1' });
  for (const [name, wave] of Object.entries(WAVES)) {
    await ecs.send(new TagResourceCommand({ resourceArn: serviceArn(name), tags: [{ key: 'secret-refresh:wave', value: wave }] }));
  }
});

function serviceArn(name: string): string {
  const cluster = name.startsWith('orders') ? 'demo-orders' : name.startsWith('payments') ? 'demo-payments' : 'demo-west';
  return `arn:aws:ecs:${name.startsWith('west') ? 'us-west-2' : 'us-east-1'}:${account.account}:service/${cluster}/${name}`;
}

/** A moto world for one test: recording clients, deployment states as `decide` says, the rollout engine running locally. */
function world(options: {
  readonly env?: Record<string, string>;
  readonly decide?: (serviceName: string, deploymentId: string, looks: number) => DeploymentState;
  readonly beforeStep?: (input: RolloutStepInput, state: string) => Promise<void> | void;
}) {
  const config = loadConfig({ ...ENV, ...options.env });
  const { clients, calls } = recordingClients();
  const looks = new Map<string, number>();
  const decide = options.decide ?? (() => 'COMPLETED');
  for (const region of ['us-east-1', 'us-west-2']) {
    serveDeploymentStates(clients.ecs(region), (name, id) => {
      const seen = (looks.get(id) ?? 0) + 1;
      looks.set(id, seen);
      return decide(name, id, seen);
    });
  }
  const stepDependencies: Omit<RolloutStepDependencies, 'now'> = {
    clients,
    records,
    homeRegion: 'us-east-1',
    concurrency: 2,
    imageDrift: config.imageDrift,
    eventBus: 'default',
    minRedeployIntervalSeconds: 300,
    ...(config.windows ? { windows: config.windows } : {}),
    ...(config.freeze ? { freeze: config.freeze } : {}),
  };
  const local = localRollouts(stepDependencies, options.beforeStep);
  const run = async (engine: RolloutEngine = local.engine, versionId?: string): Promise<RefreshReport> => {
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', `{"password":"${Math.random()}"}`, versionId);
    await nextSecond();
    return runRefresh({ type: 'event', event: secretLabelUpdatedEvent(rotationInput(account, rotation)) }, config, {
      clients,
      directory: createMetadataDirectory(clients),
      taskDefinitions: new TaskDefinitionCache(),
      rollouts: engine,
      rolloutRecords: records,
    });
  };
  return { config, clients, calls, local, run };
}

/** A rollout engine that only records what it was asked to start (the test runs it later, or never). */
function capturingEngine(): { engine: RolloutEngine; plans: RolloutPlan[] } {
  const plans: RolloutPlan[] = [];
  return {
    plans,
    engine: {
      async start(plan) {
        plans.push(plan);
        return { executionArn: `arn:aws:states:us-east-1:123456789012:execution:captured:${plan.name}`, existed: false };
      },
    },
  };
}

function onlyExecution(local: ReturnType<typeof localRollouts>) {
  expect(local.executions.size).toBe(1);
  return [...local.executions.values()][0] as NonNullable<ReturnType<typeof local.executions.get>>;
}

function names(arns: readonly string[]): string[] {
  return arns.map((arn) => arn.split('/').pop() ?? arn);
}

function published(calls: readonly RecordedCall[], detailType: string): Record<string, unknown>[] {
  return calls
    .filter((call) => call.command === 'PutEventsCommand')
    .flatMap((call) => call.input.Entries as { DetailType: string; Detail: string }[])
    .filter((entry) => entry.DetailType === detailType)
    .map((entry) => JSON.parse(entry.Detail) as Record<string, unknown>);
}

function entryNames(list: unknown): string[] {
  return (list as { name: string }[]).map((entry) => entry.name).sort();
}

function ecsTargets(report: RefreshReport): EcsServiceTargetReport[] {
  return report.targets.filter((target): target is EcsServiceTargetReport => target.type === 'ecs-service');
}

const REDEPLOYED = ['orders-api', 'orders-worker', 'payments-api', 'payments-logs', 'west-cross-region'];

describe('a rollout of three waves (aws-local-stepfunctions, moto)', () => {
  it('deploys wave after wave, each once the previous one COMPLETED, and ends Completed', async () => {
    // Each new deployment is IN_PROGRESS at its first look and COMPLETED at the next.
    const { calls, local, run } = world({ decide: (_name, _id, looks) => (looks >= 2 ? 'COMPLETED' : 'IN_PROGRESS') });
    const report = await run();

    expect(report.rollout).toMatchObject({ status: 'started', waves: 3, services: 5, approval: false });
    expect(
      ecsTargets(report)
        .filter((target) => target.status === 'waiting')
        .map((target) => target.name)
        .sort(),
    ).toEqual(REDEPLOYED);
    const execution = onlyExecution(local);
    const result = await execution.done;

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { status: 'completed', wave: 3 } });
    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker', 'payments-api', 'payments-logs', 'west-cross-region']);
    const order = calls.filter((call) => call.command === 'UpdateServiceCommand').map((call) => String(call.input.service).split('/').pop());
    expect(order.slice(0, 2).sort()).toEqual(['orders-api', 'orders-worker']);
    expect(order.slice(2, 4).sort()).toEqual(['payments-api', 'payments-logs']);
    expect(order[4]).toBe('west-cross-region');
    const entered = statesEntered(execution.events);
    expect(entered.filter((state) => state === 'DeployWave')).toHaveLength(3);
    expect(entered.filter((state) => state === 'WaitForWave')).toHaveLength(6);
    expect(entered.at(-1)).toBe('Completed');
    // The cost: 36 state transitions for this rollout (27 when every wave completes at its first look, 3 per extra look).
    expect(stateTransitions(execution.events)).toBe(36);
    expect(await records.status(execution.plan.name)).toMatchObject({ status: 'completed', wave: 3, waves: 3, services: 5 });
    expect(published(calls, 'Secret Refresh Deployment Failed')).toEqual([]);
  });

  it('stops at a FAILED deployment in wave 2 and publishes Secret Refresh Deployment Failed with the exact lists', async () => {
    const { calls, local, run } = world({
      decide: (name, _id, looks) => (name === 'payments-api' && looks >= 2 ? 'FAILED' : looks >= 2 ? 'COMPLETED' : 'IN_PROGRESS'),
    });
    await run();
    const result = await onlyExecution(local).done;

    expect(result).toEqual({ status: 'FAILED', error: 'RolloutFailed' });
    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker', 'payments-api', 'payments-logs']);
    const [failed] = published(calls, 'Secret Refresh Deployment Failed');
    expect(failed).toMatchObject({ wave: 2, waves: 3, counts: { deployed: 3, failed: 1, notDeployed: 1 } });
    expect(String(failed?.why)).toMatch(
      /^wave 2 of 3: the deployment ecs-svc\/\d+ of payments-api FAILED \(ECS deployment circuit breaker: tasks failed to start\.\)$/,
    );
    expect(entryNames(failed?.deployed)).toEqual(['orders-api', 'orders-worker', 'payments-logs']);
    expect(failed?.failed).toEqual([
      expect.objectContaining({
        name: 'payments-api',
        wave: 2,
        reason: expect.stringMatching(/^deployment FAILED \(ECS deployment circuit breaker.*\): some of its tasks may run the new value$/),
      }),
    ]);
    expect(failed?.notDeployed).toEqual([
      expect.objectContaining({
        name: 'west-cross-region',
        wave: 3,
        reason: expect.stringMatching(/^not started: the rollout stopped in wave 2 \(failed: wave 2 of 3: /),
      }),
    ]);
    expect(String(failed?.note)).toMatch(/cannot restore the old value/);
  });

  it('stops a wave that does not complete within SECRET_REFRESH_WAVE_TIMEOUT_MINUTES', async () => {
    const { calls, local, run } = world({
      env: { SECRET_REFRESH_WAVE_TIMEOUT_MINUTES: '1' },
      decide: (name, _id, looks) => (name === 'payments-api' || looks < 2 ? 'IN_PROGRESS' : 'COMPLETED'),
    });
    await run();
    const execution = onlyExecution(local);
    expect(await execution.done).toEqual({ status: 'FAILED', error: 'RolloutFailed' });
    const [failed] = published(calls, 'Secret Refresh Deployment Failed');
    expect(failed?.why).toBe('wave 2 of 3 did not complete within 1 minutes (SECRET_REFRESH_WAVE_TIMEOUT_MINUTES): payments-api still IN_PROGRESS');
    expect(entryNames(failed?.deployed)).toEqual(['orders-api', 'orders-worker', 'payments-logs']);
    expect(failed?.failed).toEqual([
      expect.objectContaining({ name: 'payments-api', reason: expect.stringMatching(/^deployment had not COMPLETED when the rollout stopped/) }),
    ]);
    expect(entryNames(failed?.notDeployed)).toEqual(['west-cross-region']);
    // 30 s polls: wave 2 is looked at twice (30 s, 60 s) before it times out.
    expect(statesEntered(execution.events).filter((state) => state === 'CheckWave')).toHaveLength(4);
  });

  it('skips a wave whose services were all redeployed meanwhile (already fresh), without waiting, and goes on', async () => {
    const { engine, plans } = capturingEngine();
    const { calls, local, run } = world({});
    await run(engine);
    // Someone redeploys wave 2 by hand after the change, before the rollout gets there.
    const ecs = new ECSClient({ region: 'us-east-1' });
    for (const name of ['payments-api', 'payments-logs'])
      await ecs.send(new UpdateServiceCommand({ cluster: 'demo-payments', service: name, forceNewDeployment: true }));
    const execution = local.run(plans[0] as RolloutPlan);
    const result = await execution.done;

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { status: 'completed' } });
    expect(names(updatedServices(calls))).toEqual(['orders-api', 'orders-worker', 'west-cross-region']);
    expect(result.output?.skipped).toEqual([
      expect.objectContaining({
        arn: serviceArn('payments-api'),
        wave: 1,
        code: 'already-fresh',
        reason: expect.stringMatching(/^already fresh: redeployed at /),
      }),
      expect.objectContaining({ arn: serviceArn('payments-logs'), wave: 1, code: 'already-fresh' }),
    ]);
    const entered = statesEntered(execution.events);
    const wave2 = entered.indexOf('DeployWave', entered.indexOf('DeployWave') + 1);
    expect(entered.slice(wave2, wave2 + 3)).toEqual(['DeployWave', 'WaveStarted', 'PrepareWave']);
  });

  it('starts one rollout for a batch delivered twice: the second run finds it by name', async () => {
    const { calls, local, run, config, clients } = world({});
    const rotation = await rotateSecret(account.secretArn, 'us-east-1', '{"password":"twice"}');
    await nextSecond();
    const event = secretLabelUpdatedEvent(rotationInput(account, rotation));
    const again = () =>
      runRefresh({ type: 'event', event }, config, {
        clients,
        directory: createMetadataDirectory(clients),
        taskDefinitions: new TaskDefinitionCache(),
        rollouts: local.engine,
        rolloutRecords: records,
      });
    const first = await again();
    const second = await again();
    await onlyExecution(local).done;
    const third = await again();

    expect(first.rollout?.status).toBe('started');
    expect(second.rollout).toMatchObject({ name: first.rollout?.name, status: 'exists' });
    // Once the rollout deployed everything, the same batch finds every service already fresh: nothing to start.
    expect(third.rollout).toBeUndefined();
    expect(
      ecsTargets(third)
        .filter((target) => target.code === 'already-fresh')
        .map((target) => target.name)
        .sort(),
    ).toEqual(REDEPLOYED);
    expect(names(updatedServices(calls)).sort()).toEqual(REDEPLOYED);
    expect(run).toBeDefined();
  });

  it('is superseded by a newer rotation of the same secret: it stops before its next wave and says so', async () => {
    const newer = capturingEngine();
    let rotatedAgain = false;
    const setup = world({
      beforeStep: async (input, state) => {
        if (state === 'PrepareWave' && input.progress.wave === 1 && !rotatedAgain) {
          rotatedAgain = true;
          await setup.run(newer.engine);
        }
      },
    });
    const first = await setup.run();
    const result = await onlyExecution(setup.local).done;

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { status: 'superseded' } });
    const newerName = newer.plans[0]?.name ?? '';
    expect(newerName).not.toBe(first.rollout?.name);
    expect(result.output?.why).toMatch(
      new RegExp(
        `^superseded: secret demo/orders/db has a newer value \\(current since .+\\), rolled out by ${newerName}; this rollout stops before its next wave$`,
      ),
    );
    expect(names(updatedServices(setup.calls))).toEqual(['orders-api', 'orders-worker']);
    const [stopped] = published(setup.calls, 'Secret Refresh Alert').filter((detail) => detail.alert === 'rollout-stopped');
    expect(stopped).toMatchObject({ rollout: first.rollout?.name, status: 'superseded' });
    expect(entryNames(stopped?.deployed)).toEqual(['orders-api', 'orders-worker']);
  });
});

describe('maintenance windows', () => {
  it('waits durably outside the window, says until when, and deploys when it opens', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][tomorrow.getUTCDay()];
    const opensAt = new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), 10, 0)).toISOString();
    const { calls, local, run } = world({ env: { SECRET_REFRESH_WINDOWS: `${day} 10:00-11:00 UTC` } });
    const report = await run();

    expect(report.rollout).toMatchObject({ status: 'started', waitingUntil: opensAt });
    expect(ecsTargets(report).find((target) => target.name === 'orders-api')?.reason).toMatch(
      new RegExp(
        `^rollout \\S+, wave 1 of 3 \\(3 waves, each after the previous one COMPLETED; outside the maintenance window "${day} 10:00-11:00 UTC": waits until ${opensAt}\\): `,
      ),
    );
    const execution = onlyExecution(local);
    const result = await execution.done;
    expect(result.status).toBe('SUCCEEDED');
    expect(names(updatedServices(calls)).sort()).toEqual(REDEPLOYED);
    const waiting = published(calls, 'Secret Refresh Rollout Waiting');
    expect(waiting).toEqual([expect.objectContaining({ wave: 1, waves: 3, opensAt, reason: `outside the maintenance window "${day} 10:00-11:00 UTC"` })]);
    expect(statesEntered(execution.events).filter((state) => state === 'WaitForWindow')).toHaveLength(1);
    expect(local.clock.now.getTime()).toBeGreaterThanOrEqual(Date.parse(opensAt));
  });
});

describe('approvals (SECRET_REFRESH_APPROVAL=all)', () => {
  const approvalWorld = (answer: (name: string) => Promise<void> | void, env: Record<string, string> = {}) => {
    let asked = false;
    return world({
      env: { SECRET_REFRESH_APPROVAL: 'all', ...env },
      beforeStep: async (input, state) => {
        if (state === 'CheckApproval' && !asked) {
          asked = true;
          await answer(input.rollout.name);
        }
      },
    });
  };

  it('publishes Secret Refresh Approval Needed with the plan and how to answer, waits, and deploys once approved', async () => {
    const { calls, local, run } = approvalWorld((name) => records.answerApproval(name, 'approved', 'alice', new Date()).then(() => undefined));
    const report = await run();
    expect(report.rollout).toMatchObject({ approval: true, reasons: expect.arrayContaining(['needs an approval (SECRET_REFRESH_APPROVAL=all)']) });
    const result = await onlyExecution(local).done;

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { status: 'completed', answeredBy: 'alice' } });
    const name = report.rollout?.name ?? '';
    const [needed] = published(calls, 'Secret Refresh Approval Needed');
    expect(needed).toMatchObject({ rollout: name, services: 5, approve: `secret-refresh approve ${name}`, reject: `secret-refresh reject ${name}` });
    expect(((needed?.waves ?? []) as { services: unknown[] }[]).map((wave) => entryNames(wave.services))).toEqual([
      ['orders-api', 'orders-worker'],
      ['payments-api', 'payments-logs'],
      ['west-cross-region'],
    ]);
    expect(names(updatedServices(calls)).sort()).toEqual(REDEPLOYED);
  });

  it('deploys nothing when rejected', async () => {
    const { calls, local, run } = approvalWorld((name) => records.answerApproval(name, 'rejected', 'bob', new Date()).then(() => undefined));
    await run();
    expect(await onlyExecution(local).done).toEqual({ status: 'FAILED', error: 'RolloutRejected' });
    expect(updatedServices(calls)).toEqual([]);
    const [stopped] = published(calls, 'Secret Refresh Alert').filter((detail) => detail.alert === 'rollout-stopped');
    expect(stopped).toMatchObject({ status: 'rejected', why: 'rejected by bob: nothing was deployed' });
    expect(entryNames(stopped?.notDeployed)).toEqual(REDEPLOYED);
  });

  it('deploys nothing when nobody answers within SECRET_REFRESH_APPROVAL_TIMEOUT_MINUTES', async () => {
    const { calls, local, run } = approvalWorld(() => undefined, { SECRET_REFRESH_APPROVAL_TIMEOUT_MINUTES: '10' });
    await run();
    const execution = onlyExecution(local);
    expect(await execution.done).toEqual({ status: 'FAILED', error: 'ApprovalTimedOut' });
    expect(updatedServices(calls)).toEqual([]);
    // 5-minute looks: pending at 5 minutes, timed out at 10.
    expect(statesEntered(execution.events).filter((state) => state === 'CheckApproval')).toHaveLength(2);
    expect(await records.status(execution.plan.name)).toMatchObject({ status: 'approval-timed-out' });
  });
});
