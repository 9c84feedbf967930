/**
 * runRefresh's behaviours that no other fast test noticed when mutated (npm run mutation -- lib/pipeline): the
 * service index failing either way never costs a refresh, and says so in the report; how long the account lease is
 * held, how a run waits for it and when it gives up; a change tagged secret-refresh:ignore in a batch; a label moved
 * again for a version already recorded; a batch with a change already handled; a run that could not read every
 * reader; a continued scan's deferred change delivered again, and deferred services without an intake queue; opt-in
 * mode; the blast-radius cap and its confirmation; a rollout recorded as the newest of its change; a parameter's
 * account from the caller's credentials; the maintenance windows and `refresh --now`. ECS (and STS) are
 * aws-sdk-client-mock, ECS serving the world of scan-harness.ts (`serveOrders`: three services of cluster `orders`
 * read the changed secret, as in run-refresh.test.ts); the index is the in-memory store, with one operation made to
 * fail.
 */
import { BatchClient, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { ECSClient, ListClustersCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import type { IntakeMessage } from '../../../lib/aws/sqs.js';
import type { ChangeRecord } from '../../../lib/aws/state-table.js';
import type { IdentifiedChange } from '../../../lib/changes/types.js';
import { loadConfig } from '../../../lib/config/config.js';
import { CLI_LEASE_MS, type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import { parseContinuation } from '../../../lib/pipeline/scan-checkpoint.js';
import type { RolloutRecords } from '../../../lib/rollout/rollout-records.js';
import type { RolloutEngine } from '../../../lib/rollout/start-rollout.js';
import type { ServiceIndexStore } from '../../../lib/service-index/index.js';
import { MemoryStateTable } from '../../support/memory-state-table.js';
import { ecsError, fakeClients, REGION, serviceArn } from '../aws/ecs-doubles.js';
import {
  DB_SECRET_ARN,
  DB_SECRET_NAME,
  dbSecret,
  FakeMetadataDirectory,
  PREVIOUS_VERSION,
  PUT_VERSION,
  rotationChange,
  sampleEvent,
} from '../changes/fake-metadata-directory.js';
import { NAMES, serveOrders, serveOrdersInEachTest } from './scan-harness.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
serveOrdersInEachTest(ecs, batch);

const storeError = () => Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException' });

/** The in-memory index with `failing` throwing a store error. */
function failingIndex(failing: keyof ServiceIndexStore): ServiceIndexStore {
  const store = new InMemoryServiceIndexStore();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === failing) return async () => Promise.reject(storeError());
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function dependencies(serviceIndex?: ServiceIndexStore, state?: MemoryStateTable): PipelineDependencies {
  const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
  return {
    clients: fakeClients(),
    directory,
    taskDefinitions: new TaskDefinitionCache(),
    ...(serviceIndex ? { serviceIndex } : {}),
    ...(state ? { state } : {}),
  };
}

const event = () => ({ type: 'event' as const, event: sampleEvent('secretsmanager-putsecretvalue-awscurrent.json') });
const updated = () => ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.service);

describe('runRefresh with a service index that fails', () => {
  it('leaves the run to the scan when the index cannot be read: every reader deployed once, and a warning says why', async () => {
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(failingIndex('coverage')));
    expect(updated().sort()).toEqual(NAMES.map((name) => serviceArn('orders', name)));
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.warnings).toEqual([
      'service index: could not be read, the scan alone decides: ThrottlingException: Rate of requests exceeds the allowed throughput',
      `service index: ${REGION} is not covered yet (first run, a restored table or a new Region): its services were found by the full scan alone`,
    ]);
    expect(report.targets.map((target) => target.name).sort()).toEqual(NAMES);
    expect(report.serviceIndex).toMatchObject({ coveredRegions: [], scannedOnlyRegions: [REGION], candidates: 0, fastPathTargets: 0 });
  });

  it('keeps the deployments and warns when the scan cannot rewrite the index of a Region (the next scan does)', async () => {
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(failingIndex('servicesOf')));
    expect(updated()).toHaveLength(3);
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.warnings).toContain(
      `service index: could not update the index of ${REGION} (the next scan does): ThrottlingException: Rate of requests exceeds the allowed throughput`,
    );
    expect(report.serviceIndex).toMatchObject({ indexedRegions: [REGION], servicesWritten: 0, servicesRemoved: 0 });
  });
});

/** A state table that remembers the expiry each lease was asked for. */
class ExpiryRecordingTable extends MemoryStateTable {
  public readonly expiries: number[] = [];
  public override async tryLease(key: string, owner: string, expiresAt: Date, now: Date): Promise<boolean> {
    this.expiries.push(expiresAt.getTime());
    return super.tryLease(key, owner, expiresAt, now);
  }
}

describe('runRefresh: how long the account lease is held', () => {
  it('holds it until the Lambda deadline when only a deadline is given, and acts before it', async () => {
    const state = new ExpiryRecordingTable();
    const deadline = new Date(Date.now() + 120_000);
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { deadline });
    expect(state.expiries).toEqual([deadline.getTime()]);
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
  });

  it('holds it until leaseUntil when both are given (the invocation timeout outlasts the action deadline)', async () => {
    const state = new ExpiryRecordingTable();
    const deadline = new Date(Date.now() + 120_000);
    const leaseUntil = new Date(Date.now() + 180_000);
    await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { deadline, leaseUntil });
    expect(state.expiries).toEqual([leaseUntil.getTime()]);
  });

  it('holds it 15 minutes without a deadline (the CLI)', async () => {
    const state = new ExpiryRecordingTable();
    const before = Date.now();
    await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state));
    const [expiry] = state.expiries;
    expect(expiry).toBeGreaterThanOrEqual(before + CLI_LEASE_MS);
    expect(expiry).toBeLessThanOrEqual(Date.now() + CLI_LEASE_MS);
    expect(CLI_LEASE_MS).toBe(15 * 60_000);
  });
});

describe('runRefresh: waiting for the account lease', () => {
  it('waits with the given sleep while another run holds the lease, then acts', async () => {
    const state = new MemoryStateTable();
    state.items.leases.set('lease#111122223333', { owner: 'another-run', expiresAt: Date.now() + 600_000 });
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      state.items.leases.delete('lease#111122223333');
    };
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION }), { ...dependencies(undefined, state), sleep }, { leaseWaitMs: 2000 });
    expect(sleeps).toEqual([1000]);
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
  });
});

/** The changed secret as the first invocation of a scan detected it (a continuation message carries it). */
const CHANGED = {
  id: 'c1',
  ...rotationChange({ name: DB_SECRET_NAME, versionId: PUT_VERSION, origin: { channel: 'cloudtrail-api-call', eventName: 'PutSecretValue' } }),
};
const IGNORED = {
  ...CHANGED,
  id: 'c2',
  name: 'demo/payments/api-key',
  arn: `arn:aws:secretsmanager:${REGION}:111122223333:secret:demo/payments/api-key-Zz99Yy`,
  tags: { 'secret-refresh:ignore': 'true' },
};
const continuation = (changes: IdentifiedChange[]) => ({
  message: { secretRefresh: 'scan-continuation' as const, version: 1 as const, checkpoint: 'scan#batch-1', step: 1, changes },
  source: 'm-1',
});

/** A record saying the change of `arn` at `versionId` was handled by a run still acting (it covers any moment). */
const coveringRecord = (arn: string, versionId: string): ChangeRecord => ({
  key: `change#${arn}#${versionId}`,
  arn,
  versionId,
  since: '2026-11-20T09:58:00Z',
  handledAt: new Date(Date.now() + 60_000).toISOString(),
  labels: ['AWSCURRENT'],
  outcome: 'handled',
  counts: { targets: 3, done: 3, skipped: 0 },
});

describe('runRefresh: a batch with a change tagged secret-refresh:ignore', () => {
  it.each([
    ['after', [CHANGED, IGNORED]],
    ['before', [IGNORED, CHANGED]],
  ])('reports the tagged change (%s the other) as nothing to do and acts on the other', async (_order, changes) => {
    const report = await runRefresh([], loadConfig({ AWS_REGION: REGION }), dependencies(), { continuation: continuation(changes) });
    expect(updated()).toHaveLength(3);
    expect(report.changes.map((entry) => [entry.id, entry.decision, entry.decisionReason])).toEqual(
      changes.map((change) =>
        change.id === 'c2' ? ['c2', 'nothing-to-do', 'the secret is tagged secret-refresh:ignore=true: it triggers nothing'] : ['c1', 'act', CHANGED.reason],
      ),
    );
    // Each entry names the continuation message it came from.
    expect(report.changes.map((entry) => entry.source)).toEqual(['m-1', 'm-1']);
  });
});

describe('runRefresh: a continued scan whose change has deferred services', () => {
  it('delivers the change again as a message that starts a new scan of it (a continuation has no event to send back)', async () => {
    const state = new MemoryStateTable();
    state.items.deployed.set(serviceArn('orders', 'orders-api'), new Date(Date.now() - 60_000).toISOString());
    const delivered: IntakeMessage[] = [];
    const intake = { deliver: async (messages: readonly IntakeMessage[]) => void delivered.push(...messages) };
    const report = await runRefresh(
      [],
      loadConfig({ AWS_REGION: REGION }),
      { ...dependencies(undefined, state), intake },
      { continuation: continuation([CHANGED]) },
    );
    expect(report.targets.map((target) => [target.name, target.status])).toEqual([
      ['orders-api', 'deferred'],
      ['orders-cron', 'done'],
      ['orders-worker', 'done'],
    ]);
    expect(delivered).toHaveLength(1);
    const message = parseContinuation(JSON.parse(delivered[0]?.body ?? '{}'));
    expect(message).toEqual({
      secretRefresh: 'scan-continuation',
      version: 1,
      checkpoint: expect.stringMatching(/^scan#[0-9a-f-]{36}$/),
      step: 1,
      changes: [CHANGED],
    });
    expect(message.checkpoint).not.toBe('scan#batch-1');
  });
});

describe('runRefresh: a label moved again for a version whose record holds other labels', () => {
  it('acts on the new label only, as a moved label: its readers are deployed, the current value’s readers are not', async () => {
    serveOrders(ecs, batch, { extra: { 'orders-blue': { valueFrom: `${DB_SECRET_ARN}::blue:` }, 'orders-green': { valueFrom: `${DB_SECRET_ARN}::green:` } } });
    const state = new MemoryStateTable();
    const moved = { ...CHANGED, effect: 'label-moved' as const, labels: ['blue', 'green'], reason: 'labels blue and green moved' };
    await state.putChangeRecord({
      ...coveringRecord(DB_SECRET_ARN, PUT_VERSION),
      since: moved.currentSince ?? moved.time,
      handledAt: new Date(Date.now() - 60_000).toISOString(),
      labels: ['blue'],
      counts: { targets: 1, done: 1, skipped: 0 },
    });
    const report = await runRefresh([], loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { continuation: continuation([moved]) });
    expect(updated()).toEqual([serviceArn('orders', 'orders-green')]);
    expect(report.summary).toMatchObject({ done: 1, failed: 0 });
    expect(state.items.records.get(`change#${DB_SECRET_ARN}#${PUT_VERSION}`)?.labels).toEqual(['blue', 'green']);
  });
});

describe('runRefresh: a manual refresh and the change records', () => {
  it('acts even when a record covers the current version: the records stop repeated events, never a person', async () => {
    const state = new MemoryStateTable();
    await state.putChangeRecord(coveringRecord(DB_SECRET_ARN, PUT_VERSION));
    const report = await runRefresh({ type: 'manual', ref: DB_SECRET_ARN, kind: 'secret' }, loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state));
    expect(report.changes.map((entry) => entry.decision)).toEqual(['act']);
    expect(updated()).toHaveLength(3);
    expect(state.count('changeRecords')).toBe(0);
  });
});

describe('runRefresh: a batch of only changes tagged secret-refresh:ignore', () => {
  it('reads nothing and says why', async () => {
    const report = await runRefresh([], loadConfig({ AWS_REGION: REGION }), dependencies(), { continuation: continuation([IGNORED]) });
    expect(ecs.calls()).toHaveLength(0);
    expect(report.skipped).toBe('the secret is tagged secret-refresh:ignore=true: it triggers nothing');
    expect(report.targets).toEqual([]);
  });
});

describe('runRefresh: the maintenance windows', () => {
  // A Sunday: outside Mon-Fri 08:00-18:00.
  const SUNDAY = new Date('2026-11-22T12:00:00.000Z');
  const windows = () => loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_WINDOWS: 'Mon-Fri 08:00-18:00 Europe/Berlin' });

  it('deploys nothing outside SECRET_REFRESH_WINDOWS, and everything with ignoreWindows (refresh --now)', async () => {
    const closed = await runRefresh(event(), windows(), { ...dependencies(), now: () => SUNDAY });
    expect(updated()).toEqual([]);
    expect(closed.summary.done).toBe(0);
    expect(closed.targets.map((target) => [target.name, target.status, 'error' in target ? target.error : undefined])).toEqual(
      NAMES.map((name) => [
        name,
        'failed',
        'not deployed: the plan needs a rollout (outside the maintenance window "Mon-Fri 08:00-18:00 Europe/Berlin": waits until 2026-11-23T07:00:00.000Z) but SECRET_REFRESH_STATE_MACHINE_ARN is not set; run it where the rollout state machine is deployed',
      ]),
    );
    const now = await runRefresh(event(), windows(), { ...dependencies(), now: () => SUNDAY }, { ignoreWindows: true });
    expect(updated()).toHaveLength(3);
    expect(now.summary).toMatchObject({ done: 3, failed: 0 });
  });
});

describe('runRefresh: a batch with a change already handled', () => {
  it('marks that change already handled and acts on the other', async () => {
    const state = new MemoryStateTable();
    await state.putChangeRecord(coveringRecord(IGNORED.arn, PUT_VERSION));
    const other = { ...IGNORED, tags: {} };
    const report = await runRefresh([], loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { continuation: continuation([CHANGED, other]) });
    expect(report.changes.map((entry) => [entry.id, entry.decision])).toEqual([
      ['c1', 'act'],
      ['c2', 'already-handled'],
    ]);
    expect(updated()).toHaveLength(3);
  });

  it('says why a batch does nothing by the duplicate, not by an invalid input before it', async () => {
    const state = new MemoryStateTable();
    const record = coveringRecord(DB_SECRET_ARN, PUT_VERSION);
    await state.putChangeRecord(record);
    const report = await runRefresh(
      [
        { type: 'event', event: 7, source: 'm-1' },
        { ...event(), source: 'm-2' },
      ],
      loadConfig({ AWS_REGION: REGION }),
      dependencies(undefined, state),
    );
    expect(report.changes.map((entry) => entry.decision)).toEqual(['invalid', 'already-handled']);
    expect(report.skipped).toMatch(/^duplicate: this change \(same secret and version, current since .+\) was handled by a run at /);
    expect(report.skipped).toContain(record.handledAt);
    expect(updated()).toEqual([]);
  });
});

describe('runRefresh: a run that could not read every reader', () => {
  it('records no change when both ECS and Batch had an inventory problem', async () => {
    ecs.on(ListClustersCommand).rejects(ecsError('ServerException', 'simulated: ListClusters failed'));
    batch.on(DescribeJobQueuesCommand).rejects(Object.assign(new Error('simulated: DescribeJobQueues failed'), { name: 'ServerException' }));
    const state = new MemoryStateTable();
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_REGIONS: REGION }), dependencies(undefined, state));
    expect(report.summary.inventoryProblems).toBe(2);
    expect(state.items.records.size).toBe(0);
  });
});

describe('runRefresh: SECRET_REFRESH_MODE=opt-in', () => {
  it('redeploys only the services tagged secret-refresh:enabled=true and says why it skips the others', async () => {
    serveOrders(ecs, batch, { extra: { 'orders-opted': { tags: [{ key: 'secret-refresh:enabled', value: 'true' }] } } });
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_MODE: 'opt-in' }), dependencies());
    expect(updated()).toEqual([serviceArn('orders', 'orders-opted')]);
    expect(report.targets.filter((target) => target.status === 'skipped').map((target) => [target.name, 'code' in target ? target.code : undefined])).toEqual(
      NAMES.map((name) => [name, 'not-opted-in']),
    );
  });
});

describe('runRefresh: the blast-radius cap and --confirm-large', () => {
  const capped = () => loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_MAX_TARGETS: '2' });
  const manual = (confirmLarge?: boolean) => ({
    type: 'manual' as const,
    ref: DB_SECRET_ARN,
    kind: 'secret' as const,
    ...(confirmLarge ? { confirmLarge } : {}),
  });

  it('refuses a manual refresh above the cap unless it confirms, and then deploys every reader', async () => {
    const refused = await runRefresh(manual(), capped(), dependencies());
    expect(refused.refusedBy).toBe('blast-radius-cap');
    expect(updated()).toEqual([]);
    const confirmed = await runRefresh(manual(true), capped(), dependencies());
    expect(confirmed.refusedBy).toBeUndefined();
    expect(updated()).toHaveLength(3);
  });

  it('never lets an event confirm: an automatic run above the cap is refused', async () => {
    const report = await runRefresh(event(), capped(), dependencies());
    expect(report.refusedBy).toBe('blast-radius-cap');
    expect(updated()).toEqual([]);
  });
});

describe('runRefresh: an account lease that stays held', () => {
  it('gives up after leaseWaitMs, says who holds it until when, and does nothing', async () => {
    const state = new MemoryStateTable();
    const heldUntil = Date.now() + 600_000;
    state.items.leases.set('lease#111122223333', { owner: 'another-run', expiresAt: heldUntil });
    const started = Date.now();
    await expect(runRefresh(event(), loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state), { leaseWaitMs: 300 })).rejects.toThrow(
      `another secret-refresh run is acting on account 111122223333 (its lease expires at ${new Date(heldUntil).toISOString()} at the latest): nothing was done; the changes are delivered again`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(updated()).toEqual([]);
  });
});

describe('runRefresh: deferred services without an intake queue', () => {
  it('retries the change instead, and says when to run it again', async () => {
    const state = new MemoryStateTable();
    const deployedAt = new Date(Date.now() - 60_000);
    state.items.deployed.set(serviceArn('orders', 'orders-api'), deployedAt.toISOString());
    const report = await runRefresh({ ...event(), source: 'm-1' }, loadConfig({ AWS_REGION: REGION }), dependencies(undefined, state));
    expect(report.targets.find((target) => target.name === 'orders-api')?.status).toBe('deferred');
    const [entry] = report.changes;
    expect(entry).toMatchObject({ id: 'c1', retry: true });
    expect(entry).not.toHaveProperty('redelivery');
    expect(report.warnings).toContainEqual(
      expect.stringMatching(
        /^c1 \(demo\/orders\/db\) has deferred targets but no intake queue to deliver it again \(SECRET_REFRESH_INTAKE_QUEUE_URL\): run it again after \d{4}-\d\d-\d\dT/,
      ),
    );
  });
});

describe('runRefresh: a rollout and the newest-rollout records', () => {
  it('records the rollout it starts as the newest of its change, so an older rollout of the secret stops', async () => {
    const claims: [string | undefined, string][] = [];
    const unused = async (): Promise<never> => {
      throw new Error('not used when a rollout starts');
    };
    const rolloutRecords: RolloutRecords = {
      claimNewest: async (change, rollout) => {
        claims.push([change.arn, rollout]);
        return true;
      },
      newest: unused,
      requestApproval: unused,
      approval: unused,
      answerApproval: unused,
      putStatus: unused,
      status: unused,
    };
    const rollouts: RolloutEngine = {
      start: async (plan) => ({ executionArn: `arn:aws:states:${REGION}:111122223333:execution:rollout:${plan.name}`, existed: false }),
    };
    const report = await runRefresh(event(), loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_WAIT_FOR_STEADY: 'true' }), {
      ...dependencies(),
      rollouts,
      rolloutRecords,
    });
    expect(report.rollout?.status).toBe('started');
    expect(claims).toEqual([[DB_SECRET_ARN, report.rollout?.name]]);
    expect(report.warnings).toEqual([]);
  });
});

describe('runRefresh: a manual refresh of a parameter DescribeParameters gives no ARN for', () => {
  it('takes the account of the credentials in use (GetCallerIdentity) when none is configured', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    try {
      const directory = new FakeMetadataDirectory([], [{ name: '/app/flags', version: 3 }]);
      const clients = { ...fakeClients(), sts: () => new STSClient({ region: REGION }) };
      const report = await runRefresh({ type: 'manual', ref: '/app/flags', kind: 'parameter' }, loadConfig({ AWS_REGION: REGION }), {
        clients,
        directory,
        taskDefinitions: new TaskDefinitionCache(),
      });
      expect(report.change).toMatchObject({ kind: 'parameter', account: '444455556666', arn: `arn:aws:ssm:${REGION}:444455556666:parameter/app/flags` });
      expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    } finally {
      sts.restore();
    }
  });
});
