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
