/**
 * runRefresh over a batch (ECS mocked with aws-sdk-client-mock, the state table in memory, the intake queue a
 * recording double): one scan and one deployment per service for a batch of changes; deferral by the minimum
 * interval, delivered again with the original event; the hourly budget; unstarted targets continued at once; a
 * manual refresh counted but never deferred.
 */
import { BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { ECSClient, ListClustersCommand, type TaskDefinition, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import type { IntakeMessage } from '../../../lib/aws/sqs.js';
import { loadConfig } from '../../../lib/config/config.js';
import { EventParseError } from '../../../lib/errors.js';
import { type PipelineDependencies, type RefreshRequest, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import type { EcsServiceTargetReport, RefreshReport } from '../../../lib/report/types.js';
import { MemoryStateTable } from '../../support/memory-state-table.js';
import { ACCOUNT, fakeClients, REGION, serveEcsWorld, service, serviceArn, taskDefinition, taskDefinitionArn } from '../aws/ecs-doubles.js';
import { FakeMetadataDirectory, sampleEvent } from '../changes/fake-metadata-directory.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
afterAll(() => {
  ecs.restore();
  batch.restore();
});

const PARAMETER = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/${name}`;

/** A Parameter Store Change Update of /app/<name> at `time`. */
function update(name: string, time = '2026-11-20T10:00:00Z'): Record<string, unknown> {
  const event = sampleEvent('ssm-parameter-store-change-update.json');
  return { ...event, time, resources: [PARAMETER(name)], detail: { ...(event.detail as object), name: `/app/${name}` } };
}

/** Services: `both` reads /app/a and /app/b, `a1`…`a3` read /app/a, `b1` reads /app/b, `other` reads nothing changed. */
beforeEach(() => {
  ecs.reset();
  batch.reset();
  const reads = (family: string, ...names: string[]) => {
    const definition = taskDefinition(taskDefinitionArn(family, 1), PARAMETER(names[0] ?? 'x'));
    const secrets = names.map((name, index) => ({ name: `VAR_${index}`, valueFrom: PARAMETER(name) }));
    const read: TaskDefinition = { ...definition, containerDefinitions: [{ name: 'app', image: 'i', secrets }] };
    return [taskDefinitionArn(family, 1), read] as const;
  };
  serveEcsWorld(ecs, {
    regions: { [REGION]: { orders: ['both', 'a1', 'a2', 'a3', 'b1', 'other'].map((name) => service('orders', name)) } },
    taskDefinitions: Object.fromEntries([reads('both', 'a', 'b'), reads('a1', 'a'), reads('a2', 'a'), reads('a3', 'a'), reads('b1', 'b'), reads('other', 'z')]),
  });
  ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => ({
    service: { deployments: [{ id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' }] },
  }));
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
});

const NOW = new Date('2026-11-20T10:01:00.000Z');
const LAST_MODIFIED = new Date('2026-11-20T10:00:00.000Z');

/** The recording intake queue double. */
class RecordingIntake {
  public readonly delivered: IntakeMessage[] = [];
  public async deliver(messages: readonly IntakeMessage[]): Promise<void> {
    this.delivered.push(...messages);
  }
}

function dependencies(extra: Partial<PipelineDependencies> = {}): PipelineDependencies {
  const directory = new FakeMetadataDirectory(
    [],
    ['a', 'b', 'z'].map((name) => ({ name: `/app/${name}`, version: 4, arn: PARAMETER(name), lastModifiedDate: LAST_MODIFIED })),
  );
  return { clients: fakeClients(), directory, taskDefinitions: new TaskDefinitionCache(), now: () => NOW, ...extra };
}

const config = (env: Record<string, string> = {}) => loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: ACCOUNT, ...env });
const requests = (...events: Record<string, unknown>[]): RefreshRequest[] => events.map((event, index) => ({ type: 'event', event, source: `m-${index + 1}` }));
const updated = () => ecs.commandCalls(UpdateServiceCommand).map((call) => String(call.args[0].input.service).split('/').pop());
const ecsTargets = (report: RefreshReport) => report.targets.filter((target): target is EcsServiceTargetReport => target.type === 'ecs-service');

describe('runRefresh over a batch', () => {
  it('scans once and deploys each service once for a burst of changes, each target answering its changes', async () => {
    const report = await runRefresh(
      requests(update('a'), update('b'), update('a', '2026-11-20T10:00:05Z')),
      config(),
      dependencies({ state: new MemoryStateTable() }),
    );
    expect(ecs.commandCalls(ListClustersCommand)).toHaveLength(1);
    expect(updated().sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'both']);
    expect(report.changes.map((entry) => [entry.id, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'act', undefined],
      ['c2', 'act', undefined],
      ['c3', 'merged', 'c1'],
    ]);
    expect(ecsTargets(report).map((target) => [target.name, target.status, target.changes])).toEqual([
      ['a1', 'done', ['c1']],
      ['a2', 'done', ['c1']],
      ['a3', 'done', ['c1']],
      ['b1', 'done', ['c2']],
      ['both', 'done', ['c1', 'c2']],
    ]);
    expect(report).not.toHaveProperty('change');
    expect(report.summary).toMatchObject({ inputs: 3, done: 5, failed: 0 });
  });

  it('records each change of a batch with the counts of its own targets', async () => {
    const state = new MemoryStateTable();
    await runRefresh(requests(update('a'), update('b')), config(), dependencies({ state }));
    expect([...state.items.records.values()].map((record) => [record.arn, record.counts])).toEqual([
      [PARAMETER('a'), { targets: 4, done: 4, skipped: 0 }],
      [PARAMETER('b'), { targets: 2, done: 2, skipped: 0 }],
    ]);
  });

  it('defers services it deployed less than the interval ago and delivers their change again, unchanged, when they are due', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'both'), '2026-11-20T10:00:30.000Z');
    const intake = new RecordingIntake();
    const event = update('a');
    const report = await runRefresh(requests(event), config(), dependencies({ state, intake }));
    expect(updated().sort()).toEqual(['a1', 'a2', 'a3']);
    const both = ecsTargets(report).find((target) => target.name === 'both');
    expect(both).toMatchObject({ status: 'deferred', due: '2026-11-20T10:05:30.000Z' });
    expect(intake.delivered).toEqual([{ body: JSON.stringify(event), delaySeconds: 270 }]);
    expect(report.changes[0]).toMatchObject({ decision: 'act', redelivery: '2026-11-20T10:05:30.000Z' });
    expect(report.changes[0]).not.toHaveProperty('retry');
    expect(report.summary).toMatchObject({ done: 3, deferred: 1, failed: 0 });
    // Not handled yet: no record, so its redelivery acts.
    expect(state.items.records.size).toBe(0);
  });

  it('deploys a deferred service once when its change comes back due, covering every change since', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'both'), '2026-11-20T09:55:00.000Z');
    const report = await runRefresh(requests(update('a'), update('b')), config(), dependencies({ state }));
    expect(updated().filter((name) => name === 'both')).toHaveLength(1);
    expect(ecsTargets(report).find((target) => target.name === 'both')?.changes).toEqual(['c1', 'c2']);
  });

  it('fails the change (retried) when a target is deferred but there is no intake queue to deliver it again', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'both'), '2026-11-20T10:00:30.000Z');
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(report.changes[0]).toMatchObject({ retry: true });
    expect(report.warnings).toContain(
      'c1 (/app/a) has deferred targets but no intake queue to deliver it again (SECRET_REFRESH_INTAKE_QUEUE_URL): run it again after 2026-11-20T10:05:30.000Z',
    );
    expect(report.summary.failed).toBe(1);
  });

  it('refuses a batch beyond the hour’s deployment budget (rate-limit), deploys nothing and records it refused', async () => {
    const state = new MemoryStateTable();
    state.items.budget.set(`budget#${ACCOUNT}#2026-11-20T10`, 498);
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(updated()).toEqual([]);
    expect(report.refusedBy).toBe('rate-limit');
    expect(report.refused).toMatch(/^rate limit: 4 deployments would exceed SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=500 \(2 left this hour\)/);
    expect(ecsTargets(report).every((target) => target.code === 'rate-limit')).toBe(true);
    expect([...state.items.records.values()].map((record) => record.outcome)).toEqual(['refused']);
    expect(state.items.budget.get(`budget#${ACCOUNT}#2026-11-20T10`)).toBe(498);
  });

  it('counts the deployments in the hour’s budget before acting', async () => {
    const state = new MemoryStateTable();
    await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(state.items.budget.get(`budget#${ACCOUNT}#2026-11-20T10`)).toBe(4);
    const order = state.operations.map((entry) => entry.operation);
    expect(order.indexOf('addToBudget')).toBeLessThan(order.indexOf('putDeployed'));
  });

  it('continues at once what the time budget left unstarted: deferred, due now, delivered again with no delay', async () => {
    const intake = new RecordingIntake();
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state: new MemoryStateTable(), intake }), {
      deadline: new Date(Date.now() - 1000),
    });
    expect(updated()).toEqual([]);
    expect(ecsTargets(report).map((target) => [target.status, target.due])).toEqual(Array.from({ length: 4 }, () => ['deferred', NOW.toISOString()]));
    expect(ecsTargets(report)[0]?.reason).toMatch(/^not started: the time budget ran out before this action; the change is delivered again at once to finish/);
    expect(intake.delivered.map((message) => message.delaySeconds)).toEqual([0]);
    expect(report.summary.failed).toBe(0);
  });

  it('never defers a manual refresh, and counts its deployments in the budget without a limit', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'both'), '2026-11-20T10:00:30.000Z');
    state.items.budget.set(`budget#${ACCOUNT}#2026-11-20T10`, 499);
    const report = await runRefresh({ type: 'manual', ref: PARAMETER('a') }, config(), dependencies({ state }));
    expect(updated().sort()).toEqual(['a1', 'a2', 'a3', 'both']);
    expect(report.summary.deferred).toBe(0);
    expect(state.items.budget.get(`budget#${ACCOUNT}#2026-11-20T10`)).toBe(503);
  });

  it('reports an invalid input of a batch as an entry, and refuses a single invalid request with its error', async () => {
    const report = await runRefresh([...requests(update('a')), { type: 'event', event: 7, source: 'm-2' }], config(), dependencies());
    expect(report.changes.map((entry) => [entry.source, entry.decision])).toEqual([
      ['m-1', 'act'],
      ['m-2', 'invalid'],
    ]);
    expect(report.summary).toMatchObject({ inputs: 2, invalid: 1, done: 4 });
    await expect(runRefresh({ type: 'event', event: 7 }, config(), dependencies())).rejects.toBeInstanceOf(EventParseError);
  });
});

/** The in-memory table, also recording what each write is told to keep and until when (the memory table ignores it). */
class ArgumentsRecordingTable extends MemoryStateTable {
  public readonly kept: Record<string, unknown[]> = {};
  public override async tryLease(key: string, owner: string, expiresAt: Date, now: Date) {
    this.kept.tryLease = [key, expiresAt.toISOString()];
    return super.tryLease(key, owner, expiresAt, now);
  }
  public override async putChangeRecord(record: Parameters<MemoryStateTable['putChangeRecord']>[0], ttlSeconds?: number) {
    this.kept.putChangeRecord = [ttlSeconds];
    return super.putChangeRecord(record);
  }
  public override async putDeployed(serviceArns: readonly string[], at: Date, ttlSeconds?: number) {
    this.kept.putDeployed = [at.toISOString(), ttlSeconds];
    return super.putDeployed(serviceArns, at);
  }
  public override async addToBudget(key: string, count: number, limit: number | undefined, ttlSeconds?: number, now?: Date) {
    this.kept.addToBudget = [...(this.kept.addToBudget ?? []), [key, count, limit, ttlSeconds, now?.toISOString()]];
    return super.addToBudget(key, count, limit);
  }
}

describe('runRefresh: what the state table is told to keep', () => {
  it('keeps the change record 24 h, the deployment time the minimum interval plus an hour, the budget two hours', async () => {
    const state = new ArgumentsRecordingTable();
    await runRefresh(requests(update('a')), config({ SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS: '600' }), dependencies({ state }));
    expect(state.kept.putChangeRecord).toEqual([86_400]);
    expect(state.kept.putDeployed).toEqual([NOW.toISOString(), 4200]);
    expect(state.kept.addToBudget).toEqual([[`budget#${ACCOUNT}#2026-11-20T10`, 4, 500, 7200, NOW.toISOString()]]);
  });

  it('holds the lease of the configured account until the Lambda’s deadline, or 15 minutes from now in the CLI', async () => {
    const lambda = new ArgumentsRecordingTable();
    const deadline = new Date(Date.now() + 120_000);
    await runRefresh(requests(update('a')), config(), dependencies({ state: lambda }), { deadline });
    expect(lambda.kept.tryLease).toEqual([`lease#${ACCOUNT}`, deadline.toISOString()]);
    const until = new Date(Date.now() + 300_000);
    await runRefresh(requests(update('b')), config(), dependencies({ state: lambda }), { deadline, leaseUntil: until });
    expect(lambda.kept.tryLease).toEqual([`lease#${ACCOUNT}`, until.toISOString()]);
    const cli = new ArgumentsRecordingTable();
    const before = Date.now();
    await runRefresh(requests(update('a')), config(), dependencies({ state: cli }));
    const expiry = Date.parse(String(cli.kept.tryLease?.[1]));
    expect(expiry).toBeGreaterThanOrEqual(before + 15 * 60_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
  });

  it('names the deployment’s own account in the lease before the configured one', async () => {
    const state = new ArgumentsRecordingTable();
    const configured = loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: '444455556666' });
    await runRefresh(requests(update('a')), configured, dependencies({ state, expectedAccount: ACCOUNT }));
    expect(state.kept.tryLease?.[0]).toBe(`lease#${ACCOUNT}`);
  });

  it('takes the account from the changes when neither the deployment nor the configuration names one', async () => {
    const state = new ArgumentsRecordingTable();
    await runRefresh(requests(update('a')), loadConfig({ AWS_REGION: REGION }), dependencies({ state }));
    expect(state.kept.tryLease?.[0]).toBe(`lease#${ACCOUNT}`);
    expect(state.kept.addToBudget?.[0]).toEqual([`budget#${ACCOUNT}#2026-11-20T10`, 4, 500, 7200, NOW.toISOString()]);
  });
});

describe('runRefresh: the hour’s budget moved while the run planned', () => {
  const key = `budget#${ACCOUNT}#2026-11-20T10`;

  it('reads the budget again once when another run added to it meanwhile, and refuses with what is really left', async () => {
    const state = new ArgumentsRecordingTable();
    state.items.budget.set(key, 490);
    // Another run adds 8 between this run's first read and its reservation.
    const read = state.budgetUsed.bind(state);
    let reads = 0;
    state.budgetUsed = async (budget: string) => {
      const used = await read(budget);
      reads += 1;
      if (reads === 1) state.items.budget.set(key, 498);
      return used;
    };
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(reads).toBe(2);
    expect(updated()).toEqual([]);
    expect(report.refusedBy).toBe('rate-limit');
    expect(report.refused).toMatch(
      /^rate limit: 4 deployments would exceed SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=500 \(2 left this hour\); nothing was done\./,
    );
    expect(state.items.budget.get(key)).toBe(498);
  });

  it('refuses the run (rate-limit, 0 left) rather than exceed the budget when the reservation fails after the second read too', async () => {
    const state = new ArgumentsRecordingTable();
    state.items.budget.set(key, 498);
    // Both reads see a budget that has moved on by the time the run reserves.
    let reads = 0;
    state.budgetUsed = async () => {
      reads += 1;
      return 490;
    };
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(reads).toBe(2);
    expect(updated()).toEqual([]);
    expect(report.refusedBy).toBe('rate-limit');
    expect(report.refused).toMatch(
      /^rate limit: 4 deployments would exceed SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=500 \(0 left this hour\); nothing was done\./,
    );
    expect(state.kept.addToBudget).toHaveLength(2);
    expect(state.items.budget.get(key)).toBe(498);
  });
});

describe('runRefresh: manual refreshes and the change records', () => {
  it('acts on a manual refresh of a change the records say was handled, and never reads the records for it', async () => {
    const state = new MemoryStateTable();
    await runRefresh(requests(update('a')), config(), dependencies({ state }));
    ecs.resetHistory();
    const report = await runRefresh({ type: 'manual', ref: PARAMETER('a') }, config(), dependencies({ state: state.sharing() }));
    expect(updated().sort()).toEqual(['a1', 'a2', 'a3', 'both']);
    expect(report).not.toHaveProperty('idempotency');
  });

  it('says nothing of idempotency for a batch whose changes were all handled (only a single request is "replayed")', async () => {
    const state = new MemoryStateTable();
    await runRefresh(requests(update('a')), config(), dependencies({ state }));
    ecs.resetHistory();
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(report.changes.map((entry) => entry.decision)).toEqual(['already-handled']);
    expect(report).not.toHaveProperty('idempotency');
    expect(report.skipped).toMatch(/^duplicate: this change \(same parameter and version, current since /);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('fails, never defers, what the time budget left unstarted in a manual refresh, even with an intake queue', async () => {
    const intake = new RecordingIntake();
    const report = await runRefresh({ type: 'manual', ref: PARAMETER('a') }, config(), dependencies({ state: new MemoryStateTable(), intake }), {
      deadline: new Date(Date.now() - 1000),
    });
    expect(ecsTargets(report).map((target) => target.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(intake.delivered).toEqual([]);
    expect(report.summary.failed).toBe(4);
  });
});

describe('runRefresh: writes after the actions that fail', () => {
  it('warns (and still records the change) when the deployment times cannot be written', async () => {
    const state = new MemoryStateTable();
    state.fault = (operation) => (operation === 'putDeployed' ? { when: 'before', error: new Error('denied') } : undefined);
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state }));
    expect(report.warnings).toEqual(['could not record when the services were deployed (the minimum redeploy interval will not see them): Error: denied']);
    expect(state.items.records.size).toBe(1);
    expect(report.summary.failed).toBe(0);
  });

  it('retries (instead of losing) the deferred changes when the intake queue refuses them', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'both'), '2026-11-20T10:00:30.000Z');
    const intake = { deliver: async () => Promise.reject(new Error('AccessDenied: sqs:SendMessage')) };
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state, intake }));
    expect(report.warnings).toEqual([
      'could not deliver the deferred changes again through the intake queue: Error: AccessDenied: sqs:SendMessage; they are retried instead',
    ]);
    expect(report.changes[0]).toMatchObject({ retry: true });
    expect(report.changes[0]).not.toHaveProperty('redelivery');
  });

  it('delivers nothing and writes nothing in a dry run, even with a deferred target', async () => {
    const state = new MemoryStateTable();
    const intake = new RecordingIntake();
    const report = await runRefresh(requests(update('a')), config(), dependencies({ state, intake }), { dryRun: true, deadline: new Date(Date.now() - 1000) });
    expect(state.operations).toEqual([]);
    expect(intake.delivered).toEqual([]);
    expect(report.dryRun).toBe(true);
  });
});

describe('runRefresh: a batch that leads to nothing', () => {
  it('says why an empty batch did nothing, as an automatic run, without touching the state table', async () => {
    const state = new MemoryStateTable();
    const report = await runRefresh([], config(), dependencies({ state }));
    expect(report).toMatchObject({ mode: 'event', skipped: 'nothing to do: the batch is empty', targets: [], changes: [] });
    expect(state.operations).toEqual([]);
  });

  it('gives the reason of the first input that leads to nothing, not of an invalid one before it', async () => {
    const pending = sampleEvent('secretsmanager-putsecretvalue-awspending.json');
    const report = await runRefresh([{ type: 'event', event: 7, source: 'm-1' }, ...requests(pending)], config(), dependencies());
    expect(report.changes.map((entry) => entry.decision)).toEqual(['invalid', 'nothing-to-do']);
    expect(report.skipped).toBe(report.changes[1]?.reason);
    expect(report.skipped).toContain('AWSPENDING');
  });

  it('is a manual run only when every request is manual', async () => {
    const manual = await runRefresh([{ type: 'manual', ref: PARAMETER('a') }], config(), dependencies({ state: new MemoryStateTable() }), { dryRun: true });
    expect(manual.mode).toBe('manual');
    const mixed = await runRefresh([{ type: 'manual', ref: PARAMETER('a') }, ...requests(update('b'))], config(), dependencies(), { dryRun: true });
    expect(mixed.mode).toBe('event');
  });
});

describe('runRefresh: what the limits read and reserve', () => {
  it('asks when services were last deployed only with an interval and a service to redeploy, and reserves nothing for no action', async () => {
    const off = new MemoryStateTable();
    await runRefresh(requests(update('a')), config({ SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS: '0' }), dependencies({ state: off }));
    expect(off.count('lastDeployed')).toBe(0);
    expect(off.count('addToBudget')).toBe(1);
    const nothing = new MemoryStateTable();
    await runRefresh(requests(update('z')), config({ SECRET_REFRESH_CLUSTERS_EXCLUDE: 'orders' }), dependencies({ state: nothing }));
    expect(nothing.count('lastDeployed')).toBe(0);
    expect(nothing.count('addToBudget')).toBe(0);
    expect(nothing.count('putDeployed')).toBe(0);
    expect(updated()).toEqual(['a1', 'a2', 'a3', 'both']);
  });

  it('never reads the hour’s budget for a manual refresh (it is not limited, only counted)', async () => {
    const state = new MemoryStateTable();
    await runRefresh({ type: 'manual', ref: PARAMETER('a') }, config(), dependencies({ state }));
    expect(state.count('budgetUsed')).toBe(0);
    expect(state.count('lastDeployed')).toBe(0);
    expect(state.count('addToBudget')).toBe(1);
  });
});
