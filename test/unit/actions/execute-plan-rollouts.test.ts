/**
 * executePlan's rollout paths, one plan at a time: a plan of several waves (or one that waits for a window or an
 * approval) becomes one rollout; without a state machine it is deployed wave after wave, or not at all when it must
 * wait; the newest-rollout records make a replayed batch find its rollout instead of deploying again. The rollout
 * engine and the records are in-memory doubles (what Step Functions and the state table answer is tested in
 * test/integration/rollouts.test.ts); ECS is aws-sdk-client-mock (UpdateService answers a new PRIMARY deployment).
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExecuteOptions, executePlan, type RolloutOptions } from '../../../lib/actions/index.js';
import type { AnsweredChange, Plan, PlannedEcsService } from '../../../lib/plan/types.js';
import type { RolloutSettings } from '../../../lib/rollout/plan-rollout.js';
import type { NewestRollout, RolloutRecords } from '../../../lib/rollout/rollout-records.js';
import type { RolloutEngine } from '../../../lib/rollout/start-rollout.js';
import type { RolloutChange, RolloutPlan } from '../../../lib/rollout/types.js';
import { parseSchedule } from '../../../lib/rollout/windows.js';
import { ACCOUNT, fakeClients, REGION, SECRET_ARN, SECRET_NAME } from '../batch/batch-doubles.js';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());
beforeEach(() => {
  ecs.reset();
  ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => ({
    service: { deployments: [{ id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' }] },
  }));
});

const NOW = new Date('2026-11-20T10:00:00.000Z');
const CHANGE: AnsweredChange = {
  id: 'c1',
  kind: 'secret',
  arn: SECRET_ARN,
  name: SECRET_NAME,
  versionId: 'v2',
  time: '2026-11-20T09:58:41Z',
  currentSince: '2026-11-20T09:58:40Z',
};
const PARAMETER: AnsweredChange = {
  id: 'c2',
  kind: 'parameter',
  arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/orders/url`,
  name: '/orders/url',
  versionId: '3',
  time: '2026-11-20T09:59:00Z',
};

function service(name: string, fields: Partial<PlannedEcsService> = {}): PlannedEcsService {
  return {
    type: 'ecs-service',
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/${name}`,
    name,
    cluster: 'orders',
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orders`,
    region: REGION,
    decision: 'redeploy',
    reason: `container app of ${name} reads the current value of secret ${SECRET_NAME}, which changed`,
    references: [],
    ...fields,
  };
}

const ignored = service('cron', { decision: 'skip', code: 'ignored', reason: 'service is tagged secret-refresh:ignore=true' });

function plan(targets: readonly PlannedEcsService[], changes: readonly AnsweredChange[] = [CHANGE]): Plan {
  return { changes: [...changes], targets: targets.map((target) => ({ ...target, changes: [...changes] })), warnings: [] };
}

const SETTINGS: RolloutSettings = { waitForSteady: false, approval: 'none', waveTimeoutMinutes: 60, approvalTimeoutMinutes: 1440 };

function options(rollout: Partial<RolloutOptions> = {}, extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    clients: fakeClients({ withEcs: true }),
    dryRun: false,
    concurrency: 2,
    rollout: { settings: SETTINGS, mode: 'event', now: NOW, ...rollout },
    ...extra,
  };
}

/** An engine that records what it is asked to start; `existed` says whether it finds the execution started already. */
function recordingEngine(answer: { existed?: boolean; failure?: Error } = {}): { engine: RolloutEngine; started: RolloutPlan[] } {
  const started: RolloutPlan[] = [];
  return {
    started,
    engine: {
      async start(rollout) {
        if (answer.failure) throw answer.failure;
        started.push(rollout);
        return { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:rollout:${rollout.name}`, existed: answer.existed ?? false };
      },
    },
  };
}

/** Newest-rollout records in memory; `fail` makes a call throw (a store error). */
function memoryRecords(fail: { claim?: Error; read?: Error } = {}) {
  const newest = new Map<string, NewestRollout>();
  const claims: { change: RolloutChange; rollout: string; now: string }[] = [];
  const records: RolloutRecords = {
    async claimNewest(change, rollout, now) {
      if (fail.claim) throw fail.claim;
      claims.push({ change: { kind: change.kind, arn: change.arn, name: change.name, since: change.since }, rollout, now: now.toISOString() });
      newest.set(change.arn, { rollout, since: change.since });
      return true;
    },
    async newest(change) {
      if (fail.read) throw fail.read;
      return newest.get(change.arn);
    },
  } as RolloutRecords;
  return { records, newest, claims };
}

const updated = () => ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.service?.split('/').pop());
const storeError = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });

describe('executePlan: two waves without a rollout state machine', () => {
  it('deploys the waves one after another, lowest first, says so in a warning and reports the rollout "direct"', async () => {
    const execution = await executePlan(plan([service('worker', { wave: 2 }), service('api', { wave: 1 }), ignored]), options());
    expect(updated()).toEqual(['api', 'worker']);
    expect(execution.results.map(({ report }) => [report.name, report.status])).toEqual([
      ['worker', 'done'],
      ['api', 'done'],
      ['cron', 'skipped'],
    ]);
    expect(execution.rollout).toEqual({
      name: expect.stringMatching(/^demo-orders-db-credentials-[0-9a-f]{40}$/),
      status: 'direct',
      waves: 2,
      services: 2,
      approval: false,
      reasons: ['2 waves, each after the previous one COMPLETED'],
    });
    expect(execution.warnings).toEqual([
      'no rollout state machine (SECRET_REFRESH_STATE_MACHINE_ARN): the 2 wave(s) were deployed one after another without waiting for their deployments to complete',
    ]);
  });

  it('deploys nothing when the plan waits for an approval, fails the redeploys with the whole message and keeps the skips', async () => {
    const settings = { ...SETTINGS, approval: 'all' as const };
    const execution = await executePlan(plan([service('api'), ignored]), options({ settings }));
    expect(updated()).toEqual([]);
    const error =
      'not deployed: the plan needs a rollout (needs an approval (SECRET_REFRESH_APPROVAL=all)) but SECRET_REFRESH_STATE_MACHINE_ARN is not set; run it where the rollout state machine is deployed';
    expect(execution.results.map(({ report }) => [report.name, report.status, 'error' in report ? report.error : report.reason])).toEqual([
      ['api', 'failed', error],
      ['cron', 'skipped', 'service is tagged secret-refresh:ignore=true'],
    ]);
    expect(execution.rollout).toMatchObject({ status: 'not-started', waves: 1, services: 1, approval: true, error });
    expect(execution.warnings).toEqual([]);
  });

  it('deploys nothing when two waves also wait for an approval: one reason that waits is enough', async () => {
    const settings = { ...SETTINGS, approval: 'all' as const };
    const execution = await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })]), options({ settings }));
    expect(updated()).toEqual([]);
    expect(execution.results.map(({ report }) => report.status)).toEqual(['failed', 'failed']);
    expect(execution.rollout).toMatchObject({
      status: 'not-started',
      reasons: ['2 waves, each after the previous one COMPLETED', 'needs an approval (SECRET_REFRESH_APPROVAL=all)'],
    });
  });

  it('deploys nothing inside a freeze and names when the rollout would wait until', async () => {
    const settings = { ...SETTINGS, freeze: parseSchedule('2026-11-01..2026-11-30', 'SECRET_REFRESH_FREEZE') };
    const execution = await executePlan(plan([service('api')]), options({ settings }));
    expect(updated()).toEqual([]);
    expect(execution.results[0]?.report).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^not deployed: the plan needs a rollout \(inside the freeze/),
    });
    expect(execution.rollout?.waitingUntil).toBe('2026-12-01T00:00:00.000Z');
  });

  it('deploys past the freeze with ignoreWindows (refresh --now): one wave, directly', async () => {
    const settings = { ...SETTINGS, freeze: parseSchedule('2026-11-01..2026-11-30', 'SECRET_REFRESH_FREEZE'), ignoreWindows: true };
    const execution = await executePlan(plan([service('api')]), options({ settings }));
    expect(updated()).toEqual(['api']);
    expect(execution.rollout).toBeUndefined();
  });
});

describe('executePlan: a rollout engine', () => {
  it('starts one rollout: every redeploy waits, named with its wave and why, skips reported as they are, nothing deployed here', async () => {
    const { engine, started } = recordingEngine();
    const { records, claims } = memoryRecords();
    const execution = await executePlan(plan([service('api', { wave: 1 }), ignored, service('worker', { wave: 2 })]), options({ engine, records }));
    expect(updated()).toEqual([]);
    expect(started).toHaveLength(1);
    const name = started[0]?.name as string;
    expect(started[0]?.waves.map((wave) => wave.map((target) => target.name))).toEqual([['api'], ['worker']]);
    expect(execution.results.map(({ report }) => [report.name, report.status, report.reason])).toEqual([
      ['api', 'waiting', `rollout ${name}, wave 1 of 2 (2 waves, each after the previous one COMPLETED): ${service('api').reason}`],
      ['cron', 'skipped', 'service is tagged secret-refresh:ignore=true'],
      ['worker', 'waiting', `rollout ${name}, wave 2 of 2 (2 waves, each after the previous one COMPLETED): ${service('worker').reason}`],
    ]);
    expect(execution.rollout).toEqual({
      name,
      status: 'started',
      executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:rollout:${name}`,
      waves: 2,
      services: 2,
      approval: false,
      reasons: ['2 waves, each after the previous one COMPLETED'],
    });
    // The rollout is recorded as the newest of its change (since: when the value became current), so older rollouts stop.
    expect(claims).toEqual([
      { change: { kind: 'secret', arn: SECRET_ARN, name: SECRET_NAME, since: '2026-11-20T09:58:40Z' }, rollout: name, now: NOW.toISOString() },
    ]);
    expect(execution.warnings).toEqual([]);
  });

  it('says the rollout exists already when the engine finds it started (a replayed batch)', async () => {
    const { engine } = recordingEngine({ existed: true });
    const execution = await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })]), options({ engine }));
    const name = execution.rollout?.name;
    expect(execution.rollout?.status).toBe('exists');
    expect(execution.results[0]?.report.reason).toBe(
      `rollout ${name} exists already (this batch was replayed or retried): rollout ${name}, wave 1 of 2 (2 waves, each after the previous one COMPLETED): ${service('api').reason}`,
    );
  });

  it('still starts the rollout when the newest-rollout record cannot be written, and warns that older rollouts go on', async () => {
    const { engine, started } = recordingEngine();
    const { records } = memoryRecords({ claim: storeError() });
    const execution = await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })]), options({ engine, records }));
    expect(started).toHaveLength(1);
    expect(execution.rollout?.status).toBe('started');
    expect(execution.warnings).toEqual([
      'could not record the newest rollout of the changes (older rollouts are not superseded): ThrottlingException: Rate of requests exceeds the allowed throughput',
    ]);
  });

  it('records every change of the batch, a parameter from its change time', async () => {
    const { engine } = recordingEngine();
    const { records, claims } = memoryRecords();
    await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })], [CHANGE, PARAMETER]), options({ engine, records }));
    expect(claims.map(({ change }) => [change.arn, change.since])).toEqual([
      [SECRET_ARN, '2026-11-20T09:58:40Z'],
      [PARAMETER.arn, '2026-11-20T09:59:00Z'],
    ]);
  });

  it('fails every redeploy with the engine error (the change is retried), the skips untouched', async () => {
    const { engine } = recordingEngine({ failure: storeError() });
    const execution = await executePlan(plan([service('api', { wave: 1 }), ignored, service('worker', { wave: 2 })]), options({ engine }));
    const name = execution.rollout?.name;
    const error = `could not start the rollout ${name}: ThrottlingException: Rate of requests exceeds the allowed throughput`;
    expect(execution.results.map(({ report }) => [report.name, report.status, 'error' in report ? report.error : undefined])).toEqual([
      ['api', 'failed', error],
      ['cron', 'skipped', undefined],
      ['worker', 'failed', error],
    ]);
    expect(execution.rollout).toMatchObject({ status: 'not-started', error });
  });

  it('in a dry run starts nothing, records nothing and says where each redeploy would go', async () => {
    const { engine, started } = recordingEngine();
    const { records, claims } = memoryRecords();
    const execution = await executePlan(
      plan([service('api', { wave: 1 }), ignored, service('worker', { wave: 2 })]),
      options({ engine, records }, { dryRun: true }),
    );
    const name = execution.rollout?.name;
    expect(started).toEqual([]);
    expect(claims).toEqual([]);
    expect(updated()).toEqual([]);
    expect(execution.results.map(({ report }) => [report.status, report.reason])).toEqual([
      ['planned', `dry run: would redeploy in rollout ${name}, wave 1 of 2 (2 waves, each after the previous one COMPLETED): ${service('api').reason}`],
      ['skipped', 'service is tagged secret-refresh:ignore=true'],
      ['planned', `dry run: would redeploy in rollout ${name}, wave 2 of 2 (2 waves, each after the previous one COMPLETED): ${service('worker').reason}`],
    ]);
    expect(execution.rollout).toMatchObject({ status: 'dry-run', waves: 2, services: 2 });
  });

  it('names a manual rollout after the moment of the request, an automatic one after the changes alone', async () => {
    const names = async (mode: 'event' | 'manual', now: Date) => {
      const { engine } = recordingEngine();
      return (await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })]), options({ engine, mode, now }))).rollout?.name;
    };
    const later = new Date(NOW.getTime() + 60_000);
    expect(await names('event', NOW)).toBe(await names('event', later));
    expect(await names('manual', NOW)).not.toBe(await names('manual', later));
    expect(await names('manual', NOW)).not.toBe(await names('event', NOW));
  });
});

describe('executePlan: one immediate wave with the newest-rollout records', () => {
  it('deploys directly and records the direct deployment as the newest of the change', async () => {
    const { records, claims } = memoryRecords();
    const execution = await executePlan(plan([service('api'), ignored]), options({ records }));
    expect(updated()).toEqual(['api']);
    expect(claims).toEqual([
      expect.objectContaining({ rollout: expect.stringMatching(/^direct-demo-orders-db-credentials-[0-9a-f]{40}$/), now: NOW.toISOString() }),
    ]);
    expect(execution.rollout).toBeUndefined();
    expect(execution.warnings).toEqual([]);
  });

  it('names a manual direct deployment after the moment of the request, an automatic one after the changes alone', async () => {
    const claimed = async (mode: 'event' | 'manual', now: Date) => {
      const { records, claims } = memoryRecords();
      await executePlan(plan([service('api')]), options({ records, mode, now }));
      return claims.map(({ rollout }) => rollout);
    };
    const later = new Date(NOW.getTime() + 60_000);
    expect(await claimed('event', NOW)).toEqual(await claimed('event', later));
    expect(await claimed('manual', NOW)).not.toEqual(await claimed('manual', later));
    expect(await claimed('manual', NOW)).not.toEqual(await claimed('event', NOW));
  });

  it('never takes a plan that answers no change for a replay of a rollout', async () => {
    const { records } = memoryRecords();
    const execution = await executePlan(plan([service('api')], []), options({ records }));
    expect(updated()).toEqual(['api']);
    expect(execution.results[0]?.report.status).toBe('done');
    expect(execution.rollout).toBeUndefined();
  });

  it('deploys nothing when a rollout of exactly these changes exists already (a replay): the redeploys wait for it', async () => {
    const { records, newest } = memoryRecords();
    const { engine } = recordingEngine();
    // The batch first ran as a rollout (two waves); now one wave is left to deploy, so it would go directly.
    const first = await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })]), options({ engine, records }));
    const name = first.rollout?.name as string;
    expect(newest.get(SECRET_ARN)?.rollout).toBe(name);
    const execution = await executePlan(plan([service('api'), ignored]), options({ records }));
    expect(updated()).toEqual([]);
    const reason = `rollout ${name} of these changes exists already (this batch was replayed or retried): it deploys them`;
    expect(execution.results.map(({ report }) => [report.name, report.status, report.reason])).toEqual([
      ['api', 'waiting', `${reason}: ${service('api').reason}`],
      ['cron', 'skipped', 'service is tagged secret-refresh:ignore=true'],
    ]);
    expect(execution.rollout).toEqual({ name, status: 'exists', waves: 1, services: 1, approval: false, reasons: [reason] });
    // The skipped service is reported exactly as a run without any rollout reports it.
    const alone = await executePlan(plan([ignored]), options());
    expect(execution.results[1]?.report).toEqual(alone.results[0]?.report);
  });

  it('deploys when the newest rollout of one of the changes is another one', async () => {
    const { records, newest } = memoryRecords();
    const { engine } = recordingEngine();
    const first = await executePlan(plan([service('api', { wave: 1 }), service('worker', { wave: 2 })], [CHANGE, PARAMETER]), options({ engine, records }));
    newest.set(PARAMETER.arn, { rollout: 'a-newer-rollout', since: '2026-11-20T09:59:30Z' });
    const execution = await executePlan(plan([service('api')], [CHANGE, PARAMETER]), options({ records }));
    expect(first.rollout?.status).toBe('started');
    expect(updated()).toEqual(['api']);
    expect(execution.results[0]?.report.status).toBe('done');
  });

  it('deploys when the records cannot be read (a read error never stops a refresh)', async () => {
    const { records } = memoryRecords({ read: storeError() });
    const execution = await executePlan(plan([service('api')]), options({ records }));
    expect(updated()).toEqual(['api']);
    expect(execution.results[0]?.report.status).toBe('done');
  });

  it('neither reads nor writes the records in a dry run, or when nothing is redeployed', async () => {
    const read = storeError();
    const { records, claims } = memoryRecords({ read });
    const dry = await executePlan(plan([service('api')]), options({ records }, { dryRun: true }));
    expect(dry.results[0]?.report.status).toBe('planned');
    const none = await executePlan(plan([ignored]), options({ records }));
    expect(none.results[0]?.report.status).toBe('skipped');
    expect(claims).toEqual([]);
    expect([...dry.warnings, ...none.warnings]).toEqual([]);
  });
});
