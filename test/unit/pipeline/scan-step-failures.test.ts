/**
 * The failure paths of a scan in steps (lib/pipeline/run-refresh.ts: `continueScan`, `continuedReport`,
 * `resumeScan` and the last step's checkpoint write), which the end-to-end chains of scan-continuation.test.ts never
 * take: a checkpoint too large to keep, a checkpoint write that throws or finds another writer first, a
 * continuation that cannot be sent (the checkpoint is then put back to the step the retried message carries), a
 * last step whose checkpoint cannot be marked complete or kept for the retry, a checkpoint gone or unreadable, the
 * fast path's deployments that cannot be recorded, and the checkpoint a last step that left a change unfinished
 * keeps for its retry (what is read again, what is handled already). Each case says what the user reads: the
 * warning, the `scan` part of the report, the changes left to retry, what the checkpoint store holds and whether a
 * continuation was queued.
 *
 * ECS is aws-sdk-client-mock, the world of scan-harness.ts (`serveOrders`: three services of cluster `orders` read
 * the changed secret) with ListServices pages of one service, so an early `scanUntil` stops the scan after one unit:
 * the first invocation reads ListClusters only, a continuation one page. The scan is the harness's `Scan`, its
 * checkpoint store the in-memory one wrapped to log each call and fail on demand (`RecordingCheckpoints`); the
 * state table is the in-memory one.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { DescribeTaskDefinitionCommand, ECSClient, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import { loadConfig } from '../../../lib/config/config.js';
import { runRefresh } from '../../../lib/pipeline/run-refresh.js';
import { encodeCheckpoint, matchedServices, type ScanCheckpoint } from '../../../lib/pipeline/scan-checkpoint.js';
import type { RefreshReport } from '../../../lib/report/types.js';
import { dynamoDbThrottled } from '../../support/memory-state-table.js';
import { clusterArn, ecsError, REGION, serviceArn } from '../aws/ecs-doubles.js';
import { ARNS, checkpointOf, putEvent, Scan, serveOrdersInEachTest } from './scan-harness.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
serveOrdersInEachTest(ecs, batch, { pageSize: 1 });

/** A Lambda invocation's deadline, its scan stopped before the first ListServices page: each reads one unit. */
const ONE_UNIT = { deadlineMs: 270_000, scanMs: -1000 };

const THROTTLED = 'ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded';
const SQS_DOWN = 'Error: simulated: the intake queue refused SendMessageBatch';

/** The continuation message `body` (a queued one) renamed to checkpoint `id` at `step`. */
const renamed = (body: string, id: string, step: number): string => JSON.stringify({ ...JSON.parse(body), checkpoint: id, step });

const scanWarnings = (report: RefreshReport) =>
  report.warnings.filter((warning) => warning.startsWith('scan checkpoint ') || warning.startsWith('scan continuation '));
const notFinished = (report: RefreshReport, read: number, matched: number, step: number) =>
  `scan: not finished in this invocation (${read} services read so far, ${matched} matched): it continues in the next one (checkpoint ${checkpointOf(report)}, step ${step})`;

describe('a scan in steps that goes well, for comparison', () => {
  it('says only that it continues while it continues, and nothing of a service index it does not have when it ends', async () => {
    const scan = new Scan(ONE_UNIT);
    const first = await scan.start();
    expect(first.warnings).toEqual([notFinished(first, 0, 0, 1)]);
    const last = await scan.continue({ scanMs: 200_000 });
    expect(last.scan).toMatchObject({ invocations: 2, complete: true });
    expect(last.summary).toMatchObject({ done: 3, failed: 0 });
    expect(last.warnings).toEqual([]);
  });
});

describe('the first invocation of a scan that cannot keep its place', () => {
  it('retries the batch when the checkpoint cannot be written: no continuation is sent', async () => {
    const scan = new Scan(ONE_UNIT);
    scan.checkpoints.writeFault = () => 'throw';
    const report = await scan.start();
    const id = checkpointOf(report);
    expect(report.warnings).toEqual([`scan checkpoint ${id}: could not be written (${THROTTLED}): the batch is retried`, notFinished(report, 0, 0, 1)]);
    // Not continued: the next invocation does not have the batch, its own message is delivered again.
    expect(report.scan).toEqual({ invocations: 1, complete: false, servicesScanned: 0, matches: 0, checkpoint: id });
    expect(report.changes.map((entry) => [entry.id, entry.decision, entry.retry])).toEqual([['c1', 'act', true]]);
    expect(report.summary.failed).toBe(1);
    expect(scan.queue).toEqual([]);
    expect(await scan.checkpoints.stored(id)).toBeUndefined();
  });

  it('leaves the scan to the invocation that wrote the checkpoint first: no continuation, nothing retried', async () => {
    const scan = new Scan(ONE_UNIT);
    scan.checkpoints.writeFault = () => 'moved';
    const report = await scan.start();
    const id = checkpointOf(report);
    expect(report.warnings).toEqual([`scan checkpoint ${id}: another invocation moved it first: this one leaves the scan to it`, notFinished(report, 0, 0, 1)]);
    // The other invocation has the batch: this one's message is done (not retried), and it sends nothing.
    expect(report.scan).toEqual({ invocations: 1, complete: false, continued: true, servicesScanned: 0, matches: 0, checkpoint: id });
    expect(report.changes.map((entry) => entry.retry)).toEqual([undefined]);
    expect(report.summary.failed).toBe(0);
    expect(scan.queue).toEqual([]);
    expect(scan.checkpoints.calls).toEqual([`write ${id} step 1 if new`]);
  });

  it('retries the batch when the continuation cannot be sent, and leaves its new checkpoint alone (the retry starts a new scan)', async () => {
    const scan = new Scan(ONE_UNIT);
    scan.failSend = true;
    const report = await scan.start();
    const id = checkpointOf(report);
    expect(scanWarnings(report)).toEqual([`scan continuation of ${id} could not be sent through the intake queue (${SQS_DOWN}): the batch is retried`]);
    expect(report.scan).toEqual({ invocations: 1, complete: false, servicesScanned: 0, matches: 0, checkpoint: id });
    expect(report.changes.map((entry) => entry.retry)).toEqual([true]);
    expect(report.summary.failed).toBe(1);
    // No step to go back to: the checkpoint is neither read again nor rewritten.
    expect(scan.checkpoints.calls).toEqual([`write ${id} step 1 if new`]);
    expect((await scan.checkpoints.stored(id))?.step).toBe(1);
  });

  it('retries only the inputs that act when the continuation cannot be sent: a merged copy and an invalid input are not counted again', async () => {
    const scan = new Scan(ONE_UNIT);
    scan.failSend = true;
    const report = await scan.start([putEvent('m-1'), putEvent('m-2'), { type: 'event', event: 7, source: 'm-3' }]);
    expect(report.changes.map((entry) => [entry.source, entry.decision, entry.retry])).toEqual([
      ['m-1', 'act', true],
      ['m-2', 'merged', true],
      ['m-3', 'invalid', undefined],
    ]);
    // One unfinished change: one failure (its merged copy is retried with it; the invalid input is reported, not retried).
    expect(report.summary).toMatchObject({ failed: 1, invalid: 1, inputs: 3 });
  });
});

describe('a continuation that cannot hand the batch on', () => {
  it('puts the checkpoint back to the step of the retried message when the next continuation cannot be sent', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    const retried = scan.queue[0]?.body ?? '';
    scan.failSend = true;
    scan.checkpoints.calls.length = 0;
    const report = await scan.continue();
    expect(scanWarnings(report)).toEqual([`scan continuation of ${id} could not be sent through the intake queue (${SQS_DOWN}): the batch is retried`]);
    expect(report.scan).toEqual({ invocations: 2, complete: false, servicesScanned: 1, matches: 1, checkpoint: id });
    expect(report.changes.map((entry) => [entry.source, entry.retry])).toEqual([['q-1', true]]);
    expect(report.summary.failed).toBe(1);
    expect(scan.queue).toEqual([]);
    // Moved to step 2, then back to step 1 (the step the retried message carries), with this invocation's place.
    expect(scan.checkpoints.calls).toEqual([`read ${id}`, `write ${id} step 2 if 1`, `read ${id}`, `write ${id} step 1 if 2`]);
    const stored = await scan.checkpoints.stored(id);
    expect(stored?.step).toBe(1);
    expect(stored?.checkpoint).toMatchObject({ id, step: 1, complete: false, invocations: 2, servicesScanned: 1 });
    expect(stored?.checkpoint?.cursor).toBeDefined();

    // SQS delivers the message again: it continues from the checkpoint put back, and the scan finishes.
    scan.failSend = false;
    const again = await scan.continueWith(retried, 'q-1-again', { scanMs: 200_000 });
    expect(again.scan).toMatchObject({ complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(again.summary).toMatchObject({ done: 3, failed: 0 });
  });

  it('leaves the checkpoint at its new step when it cannot be read back after a failed send', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    scan.checkpoints.calls.length = 0;
    scan.failSend = true;
    scan.checkpoints.writeFault = (step) => {
      if (step === 2) scan.checkpoints.failReads = true; // the table fails right after the write
      return undefined;
    };
    const report = await scan.continue();
    expect(scanWarnings(report)).toEqual([`scan continuation of ${id} could not be sent through the intake queue (${SQS_DOWN}): the batch is retried`]);
    expect(report.changes.map((entry) => entry.retry)).toEqual([true]);
    expect(scan.checkpoints.writes()).toEqual([`write ${id} step 2 if 1`]);
    expect((await scan.checkpoints.stored(id))?.step).toBe(2);
  });

  it('still reports the failed send when putting the checkpoint back fails too', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    scan.failSend = true;
    scan.checkpoints.writeFault = (step) => (step === 1 ? 'throw' : undefined);
    const report = await scan.continue();
    expect(scanWarnings(report)).toEqual([`scan continuation of ${id} could not be sent through the intake queue (${SQS_DOWN}): the batch is retried`]);
    expect(report.summary.failed).toBe(1);
    expect((await scan.checkpoints.stored(id))?.step).toBe(2);
  });

  it('retries the batch when the checkpoint has grown too large to keep: nothing is written or sent', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    // Matches of 5,000 services found so far (a very large account): the next checkpoint outgrows a DynamoDB item.
    const stored = (await scan.checkpoints.stored(id))?.checkpoint as ScanCheckpoint;
    const services = Array.from({ length: 5000 }, (_, index) => serviceArn('orders', `matched-service-${String(index).padStart(5, '0')}`));
    const large = { ...stored, matches: [{ region: REGION, cluster: clusterArn('orders'), services }] };
    await scan.checkpoints.inner.write(id, { step: 1, body: encodeCheckpoint(large) }, 1);
    scan.checkpoints.calls.length = 0;
    const report = await scan.continue();
    const [warning] = scanWarnings(report);
    const sizes =
      /^scan checkpoint (\S+): too large to keep \((\d+) bytes of checkpoint, (\d+) of message; at most 350000 and 250000\): the batch is retried$/.exec(
        warning ?? '',
      );
    expect(sizes?.[1]).toBe(id);
    expect(Number(sizes?.[2])).toBeGreaterThan(350_000);
    expect(Number(sizes?.[3])).toBeGreaterThan(0);
    expect(Number(sizes?.[3])).toBeLessThan(250_000);
    expect(report.scan).toEqual({ invocations: 2, complete: false, servicesScanned: 1, matches: 5001, checkpoint: id });
    expect(report.changes.map((entry) => entry.retry)).toEqual([true]);
    expect(scan.checkpoints.calls).toEqual([`read ${id}`]);
    expect((await scan.checkpoints.stored(id))?.step).toBe(1);
    expect(scan.queue).toEqual([]);
  });
});

describe('the last step of a scan whose checkpoint cannot be moved on', () => {
  it('acts and says so when the checkpoint cannot be marked complete: the change records stop a copy of the continuation', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    scan.checkpoints.writeFault = (step) => (step === 2 ? 'throw' : undefined);
    const report = await scan.continue({ scanMs: 200_000 });
    expect(scanWarnings(report)).toEqual([
      `scan checkpoint ${id}: could not be marked complete (${THROTTLED}); a copy of its continuation is stopped by the change records`,
    ]);
    expect(report.scan).toEqual({ invocations: 2, complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.changes.map((entry) => entry.retry)).toEqual([undefined]);
    expect(scan.state.items.records.size).toBe(1);
    expect((await scan.checkpoints.stored(id))?.checkpoint?.complete).toBe(false);
    expect(scan.queue).toEqual([]);
  });

  it('says the checkpoint could not be kept for the retry when a last step left a change unfinished', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    ecs.on(UpdateServiceCommand, { service: ARNS[0] }).rejects(ecsError('ServerException', 'simulated: UpdateService failed'));
    scan.checkpoints.writeFault = (step, expected) => (step === 1 && expected === 1 ? 'throw' : undefined);
    const report = await scan.continue({ scanMs: 200_000 });
    expect(scanWarnings(report)).toEqual([
      `scan checkpoint ${id}: its last step left changes unfinished; the continuation is delivered again and reads again what could not be read`,
      `scan checkpoint ${id}: could not be kept for the retry (${THROTTLED}); a copy of its continuation is stopped by the change records`,
    ]);
    expect(report.scan).toMatchObject({ invocations: 2, complete: false, checkpoint: id });
    expect(report.changes.map((entry) => entry.retry)).toEqual([true]);
    expect(scan.checkpoints.writes()).toEqual([`write ${id} step 1 if new`, `write ${id} step 1 if 1`]);
  });

  it('warns when another invocation moved the checkpoint while this one acted', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    scan.checkpoints.writeFault = (step) => (step === 2 ? 'moved' : undefined);
    const report = await scan.continue({ scanMs: 200_000 });
    expect(scanWarnings(report)).toEqual([`scan checkpoint ${id}: another invocation moved it while this one acted`]);
    expect(report.scan).toEqual({ invocations: 2, complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect((await scan.checkpoints.stored(id))?.step).toBe(1);
  });
});

describe('a continuation whose checkpoint is not there', () => {
  it('starts the scan a step-1 message names when nothing was written yet (a redelivered deferred change): no warning', async () => {
    const scan = new Scan(ONE_UNIT);
    await scan.start();
    const id = 'scan#00000000-0000-4000-8000-00000000d1f7';
    const deferred = renamed(scan.queue.shift()?.body ?? '', id, 1);
    scan.checkpoints.calls.length = 0;
    const report = await scan.continueWith(deferred, 'q-deferred');
    expect(scanWarnings(report)).toEqual([]);
    expect(report.warnings.some((warning) => warning.includes('is gone'))).toBe(false);
    expect(report.scan).toEqual({ invocations: 1, complete: false, continued: true, servicesScanned: 0, matches: 0, checkpoint: id });
    expect(scan.checkpoints.calls).toEqual([`read ${id}`, `write ${id} step 1 if new`]);
  });

  it('starts the scan over, under a new checkpoint, when the checkpoint of a step-1 message is unreadable', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    await scan.checkpoints.inner.write(id, { step: 1, body: '{"truncated":' }, 1);
    const report = await scan.continue();
    expect(report.warnings).toContain(`scan checkpoint ${id} is gone (expired, lost or unreadable): the scan of its batch starts over`);
    expect(report.scan).toMatchObject({ invocations: 1, complete: false, continued: true, servicesScanned: 0 });
    expect(checkpointOf(report)).not.toBe(id);
    expect(JSON.parse(scan.queue[0]?.body ?? '{}')).toMatchObject({ checkpoint: checkpointOf(report), step: 1 });
  });

  it('starts the scan over, under a new checkpoint, when the checkpoint of a later step is gone', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    await scan.continue();
    scan.checkpoints.inner.lose(id);
    const report = await scan.continue();
    expect(report.warnings).toContain(`scan checkpoint ${id} is gone (expired, lost or unreadable): the scan of its batch starts over`);
    expect(report.scan).toMatchObject({ invocations: 1, complete: false, continued: true, servicesScanned: 0 });
    expect(checkpointOf(report)).not.toBe(id);
  });
});

describe('the first invocation with the service index (the fast path acts before the scan continues)', () => {
  /** An index that knows the three readers: a run in one go (no deadline: no steps) fills it. */
  async function indexedScan(): Promise<Scan> {
    const scan = new Scan(ONE_UNIT);
    scan.serviceIndex = new InMemoryServiceIndexStore();
    const { state: _state, scanCheckpoints: _checkpoints, intake: _intake, ...oneGo } = scan.dependencies();
    const filled = await runRefresh(putEvent(), loadConfig({ AWS_REGION: REGION }), oneGo);
    expect(filled.serviceIndex?.indexedRegions).toEqual([REGION]);
    ecs.resetHistory();
    return scan;
  }

  it('records when the fast path deployed the services, for the minimum redeploy interval', async () => {
    const scan = await indexedScan();
    const putDeployed = vi.spyOn(scan.state, 'putDeployed');
    const report = await scan.start();
    expect(report.scan).toMatchObject({ invocations: 1, complete: false, continued: true });
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect([...scan.state.items.deployed.keys()].sort()).toEqual(ARNS);
    // Kept an hour past the minimum interval (300 s by default), so the interval always sees them.
    // (The in-memory table ignores the time to live; the state table interface takes it third.)
    const calls = putDeployed.mock.calls as unknown as [readonly string[], Date, number][];
    expect(calls.map(([arns, , ttl]) => [[...arns].sort(), ttl])).toEqual([[ARNS, 300 + 3600]]);
    expect(report.warnings.some((warning) => warning.startsWith('could not record'))).toBe(false);
  });

  it('records only the services the fast path deployed, and nothing when it deployed none', async () => {
    const scan = await indexedScan();
    ecs.on(UpdateServiceCommand, { service: ARNS[0] }).rejects(ecsError('ServerException', 'simulated: UpdateService failed'));
    const putDeployed = vi.spyOn(scan.state, 'putDeployed');
    await scan.start();
    expect(putDeployed.mock.calls.map(([arns]) => [...arns].sort())).toEqual([ARNS.slice(1)]);

    const failing = await indexedScan();
    ecs.on(UpdateServiceCommand).rejects(ecsError('ServerException', 'simulated: UpdateService failed'));
    const none = vi.spyOn(failing.state, 'putDeployed');
    const report = await failing.start();
    expect(report.summary).toMatchObject({ done: 0, failed: 3 });
    expect(none).not.toHaveBeenCalled();
  });

  it('reports the index as it stands when the scan continues: a Region not covered yet, nothing written yet', async () => {
    const scan = new Scan(ONE_UNIT);
    scan.serviceIndex = new InMemoryServiceIndexStore();
    const report = await scan.start();
    expect(report.scan).toMatchObject({ invocations: 1, complete: false, continued: true });
    expect(report.serviceIndex).toEqual({
      coveredRegions: [],
      scannedOnlyRegions: [REGION],
      candidates: 0,
      fastPathTargets: 0,
      missedByIndex: [],
      indexedRegions: [],
      servicesWritten: 0,
      servicesRemoved: 0,
    });
    expect(report.warnings).toContain(
      `service index: ${REGION} is not covered yet (first run, a restored table or a new Region): its services were found by the full scan alone`,
    );
  });

  it('keeps the deployments and warns when it cannot record them', async () => {
    const scan = await indexedScan();
    scan.state.fault = (operation) => (operation === 'putDeployed' ? { error: dynamoDbThrottled(), when: 'before' } : undefined);
    const report = await scan.start();
    expect(report.warnings).toContain(`could not record when the services were deployed (the minimum redeploy interval will not see them): ${THROTTLED}`);
    expect(report.summary).toMatchObject({ done: 3, failed: 0 });
    expect(report.scan).toMatchObject({ invocations: 1, complete: false, continued: true });
    expect(scan.state.items.deployed.size).toBe(0);
    expect(scan.queue).toHaveLength(1);
  });

  it('notes that the index is left to the reconcile only when the scan took several invocations', async () => {
    const scan = await indexedScan();
    const id = checkpointOf(await scan.start());
    const last = await scan.continue({ scanMs: 200_000 });
    expect(last.scan).toMatchObject({ invocations: 2, complete: true, checkpoint: id });
    expect(last.warnings).toEqual(['service index: the scan took 2 invocations; the index of its Regions is rewritten by the reconcile, not by this run']);

    // A checkpoint that counts no earlier invocation (written without the count: the table holds what it is given)
    // makes a scan of one invocation: no such note.
    const other = await indexedScan();
    const otherId = checkpointOf(await other.start());
    const stored = (await other.checkpoints.stored(otherId))?.checkpoint as ScanCheckpoint;
    const { invocations: _count, ...uncounted } = stored;
    await other.checkpoints.inner.write(otherId, { step: 1, body: JSON.stringify(uncounted) }, 1);
    const report = await other.continue({ scanMs: 200_000 });
    expect(report.scan).toMatchObject({ invocations: 1, complete: true, checkpoint: otherId });
    expect(report.warnings).toEqual([]);
  });
});

describe('the checkpoint a last step that left a change unfinished keeps for its retry', () => {
  it('after a failed deployment: the same step, no cursor (nothing to read again), the finished services handled, the matches kept', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    const [failing, deferred, done] = ARNS as [string, string, string];
    ecs.on(UpdateServiceCommand, { service: failing }).rejects(ecsError('ServerException', 'simulated: UpdateService failed'));
    // Deployed a minute ago: deferred by the minimum redeploy interval.
    scan.state.items.deployed.set(deferred, new Date(Date.now() - 60_000).toISOString());
    const message = scan.queue[0]?.body ?? '';
    const report = await scan.continue({ scanMs: 200_000 });
    expect(report.targets.map((target) => [target.arn, target.status])).toEqual([
      [failing, 'failed'],
      [deferred, 'deferred'],
      [done, 'done'],
    ]);
    const stored = await scan.checkpoints.stored(id);
    expect(stored?.step).toBe(1);
    expect(stored?.checkpoint).toMatchObject({ id, step: 1, complete: false, invocations: 2, servicesScanned: 3, handled: [done], problems: [] });
    expect(stored?.checkpoint).not.toHaveProperty('cursor');
    expect(
      matchedServices(stored?.checkpoint?.matches ?? [])
        .map((match) => match.arn)
        .sort(),
    ).toEqual(ARNS);

    // The retry reads the matches again and deploys the failed service only (the deferred one waits for its time).
    ecs.on(UpdateServiceCommand, { service: failing }).resolves({ service: { deployments: [{ id: 'ecs-svc/retry', status: 'PRIMARY' }] } });
    ecs.resetHistory();
    // SQS delivers the same continuation again.
    const retry = await scan.continueWith(message, 'q-1', { scanMs: 200_000 });
    expect(ecs.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.service)).toEqual([failing]);
    expect(retry.scan).toMatchObject({ complete: true, checkpoint: id });
  });

  it('after a task definition that could not be read: a cursor back over its whole Region', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    ecs.on(DescribeTaskDefinitionCommand).rejects(ecsError('ServerException', 'simulated: DescribeTaskDefinition failed'));
    const report = await scan.continue({ scanMs: 200_000 });
    expect(report.summary.inventoryProblems).toBeGreaterThan(0);
    const stored = await scan.checkpoints.stored(id);
    expect(stored?.step).toBe(1);
    expect(stored?.checkpoint?.cursor).toEqual({ regions: [{ region: REGION }] });
  });

  it('after a cluster whose services could not be listed: a cursor back over that cluster from its first page', async () => {
    const scan = new Scan(ONE_UNIT);
    const id = checkpointOf(await scan.start());
    ecs.on(ListServicesCommand).rejects(ecsError('ServerException', 'simulated: ListServices failed'));
    await scan.continue({ scanMs: 200_000 });
    const stored = await scan.checkpoints.stored(id);
    expect(stored?.step).toBe(1);
    expect(stored?.checkpoint?.cursor).toEqual({ regions: [{ region: REGION, clusters: [{ cluster: clusterArn('orders') }] }] });
  });
});

describe('how long a checkpoint is kept', () => {
  it('is a day from each write (the item’s time to live)', async () => {
    const scan = new Scan(ONE_UNIT);
    const write = vi.spyOn(scan.checkpoints, 'write');
    await scan.start();
    await scan.continue({ scanMs: 200_000 });
    // (The in-memory store ignores the time to live; the store interface takes it fourth.)
    const ttls = (write.mock.calls as unknown as [string, unknown, unknown, number][]).map((call) => call[3]);
    expect(ttls).toEqual([86_400, 86_400]);
  });
});
