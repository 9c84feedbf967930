/**
 * The parts of a scan in steps (lib/pipeline/run-refresh.ts: `stepwiseScan`, `resumeScan`, `scanStep`) that the
 * chains of scan-continuation.test.ts and the failures of scan-step-failures.test.ts leave unchecked: which runs
 * scan in steps at all (a dry run and a manual refresh scan in one go, whatever their deadline), the reserves
 * taken from the deadline (when an invocation stops starting pages, and when it is too late to act after a finished
 * scan, so it leaves acting to the next), a resumed finished scan (it reads no page again and acts whatever the
 * time), a copy of a continuation already taken, and the last step's inventory (the earlier matches read again, a
 * service deleted in between, a cluster count, the records of a retried step read twice counted once). Each case
 * says what the user reads: the report's `scan` part, its targets and summary, the ECS calls made, what was deployed
 * and what the checkpoint store holds.
 *
 * ECS is aws-sdk-client-mock, the world of scan-harness.ts (`serveOrders`: three services of cluster `orders` read
 * the changed secret) with ListServices pages of one service, as in scan-step-failures.test.ts, and the scan is the
 * harness's `Scan` too (each invocation's deadline and scan stop given here; no deadline: a scan in one go). Time is a
 * fake clock (Date only): an ECS call moves it on, so an invocation's reserves are crossed at a chosen point, exactly.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { DescribeServicesCommand, ECSClient, ListClustersCommand, ListServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import type { RefreshReport } from '../../../lib/report/types.js';
import { clusterArn, ecsError, REGION, type SentRequest, service, serviceArn } from '../aws/ecs-doubles.js';
import { DB_SECRET_ARN } from '../changes/fake-metadata-directory.js';
import { ARNS, checkpointOf, putEvent, Scan, serveOrders } from './scan-harness.js';

const ecs = mockClient(ECSClient);
const batch = mockClient(BatchClient);
afterAll(() => {
  ecs.restore();
  batch.restore();
});

const T0 = new Date('2025-03-01T12:00:00.000Z').getTime();
let sent: SentRequest[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: T0 });
  sent = serveOrders(ecs, batch, { pageSize: 1 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The ECS reads made since the last call, by command (DescribeServices and DescribeTaskDefinition included). */
const reads = (): string[] => sent.splice(0).map((request) => request.command);
/** The services UpdateService was called for, in order. */
const deployed = (): string[] => ecs.commandCalls(UpdateServiceCommand).map((call) => String(call.args[0].input.service));
/** The fake clock moves on by `ms` when ListClusters is called (the scan's first read). */
const clockMovesOnListClusters = (ms: number) => {
  ecs.on(ListClustersCommand).callsFake(async (input: Record<string, unknown>) => {
    vi.setSystemTime(Date.now() + ms);
    sent.push({ region: REGION, command: 'ListClusters', input });
    return { clusterArns: [clusterArn('orders')] };
  });
};

const targetsOf = (report: RefreshReport) => report.targets.map((target) => [target.type === 'ecs-service' ? target.arn : target.type, target.status]);
const LAMBDA = 270_000;
/** The clusters the last step's inventory counts: its own scan's and those of the earlier matches read again. */
const CLUSTERS = 2;

describe('the runs that scan in one go, whatever their deadline', () => {
  /** A one-go scan: every page read at once, no `scan` part, no checkpoint, no continuation. */
  const expectOneGo = async (scan: Scan, report: RefreshReport) => {
    expect(report.scan).toBeUndefined();
    expect(report.summary.servicesScanned).toBe(3);
    expect(reads().filter((command) => command === 'ListServices')).toHaveLength(3);
    expect(scan.checkpoints.writes()).toEqual([]);
    expect(scan.queue).toEqual([]);
  };

  it('a dry run with a deadline and an early scan stop', async () => {
    const scan = new Scan();
    const report = await scan.start(putEvent(), { deadlineMs: LAMBDA, scanMs: -1000, dryRun: true });
    await expectOneGo(scan, report);
    expect(targetsOf(report)).toEqual(ARNS.map((arn) => [arn, 'planned']));
    expect(deployed()).toEqual([]);
  });

  it('a manual refresh with a deadline and an early scan stop', async () => {
    const scan = new Scan();
    const report = await scan.start({ type: 'manual', ref: DB_SECRET_ARN, kind: 'secret' }, { deadlineMs: LAMBDA, scanMs: -1000 });
    await expectOneGo(scan, report);
    expect(deployed().sort()).toEqual(ARNS);
  });
});

describe('the reserves an automatic run keeps before its deadline', () => {
  it('scans and acts in one invocation when the deadline is far and no scan stop is given', async () => {
    const scan = new Scan();
    const report = await scan.start(putEvent(), { deadlineMs: LAMBDA });
    expect(report.scan).toEqual({ invocations: 1, complete: true, servicesScanned: 3, matches: 3 });
    expect(deployed().sort()).toEqual(ARNS);
    expect(scan.checkpoints.writes()).toEqual([]);
    expect(scan.queue).toEqual([]);
  });

  it('stops starting pages a quarter of the time left before the deadline (under 45 s left): only ListClusters is read', async () => {
    const scan = new Scan();
    // 60 s left: the scan stops starting pages at 45 s; ListClusters takes 50 s.
    clockMovesOnListClusters(50_000);
    const report = await scan.start(putEvent(), { deadlineMs: 60_000 });
    const id = checkpointOf(report);
    expect(report.scan).toEqual({ invocations: 1, complete: false, continued: true, servicesScanned: 0, matches: 0, checkpoint: id });
    expect(reads()).toEqual(['ListClusters']);
    expect(deployed()).toEqual([]);
    expect((await scan.checkpoints.stored(id))?.checkpoint?.cursor).toBeDefined();
  });

  it('leaves acting to the next invocation when its scan finished after the act reserve (a quarter of the time left): a checkpoint without cursor', async () => {
    const scan = new Scan();
    // 60 s left: too late to act from 45 s on; the scan (stopped only at 1 h) is there after ListClusters at 50 s.
    clockMovesOnListClusters(50_000);
    const report = await scan.start(putEvent(), { deadlineMs: 60_000, scanMs: 3_600_000 });
    const id = checkpointOf(report);
    expect(report.scan).toEqual({ invocations: 1, complete: false, continued: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(report.warnings).toContain(
      `scan: not finished in this invocation (3 services read so far, 3 matched): it continues in the next one (checkpoint ${id}, step 1)`,
    );
    expect(deployed()).toEqual([]);
    const stored = (await scan.checkpoints.stored(id))?.checkpoint;
    expect(stored).toMatchObject({ step: 1, complete: false, invocations: 1, servicesScanned: 3 });
    expect(stored?.cursor).toBeUndefined();
    expect(scan.queue).toHaveLength(1);
  });

  it('is too late to act at the act reserve exactly', async () => {
    const scan = new Scan();
    // 40 s left: the act reserve is 10 s (a quarter); ListClusters takes exactly 30 s.
    clockMovesOnListClusters(30_000);
    const report = await scan.start(putEvent(), { deadlineMs: 40_000, scanMs: 3_600_000 });
    expect(report.scan).toMatchObject({ invocations: 1, complete: false, continued: true, servicesScanned: 3 });
    expect(deployed()).toEqual([]);
  });

  it('acts when its scan finished just before the act reserve', async () => {
    const scan = new Scan();
    clockMovesOnListClusters(29_999);
    const report = await scan.start(putEvent(), { deadlineMs: 40_000, scanMs: 3_600_000 });
    expect(report.scan).toEqual({ invocations: 1, complete: true, servicesScanned: 3, matches: 3 });
    expect(deployed().sort()).toEqual(ARNS);
  });
});

describe('a scan that finished too late to act, resumed', () => {
  /** A first invocation whose scan finished too late to act: its checkpoint has no cursor. */
  async function finishedTooLate(): Promise<{ scan: Scan; id: string; body: string }> {
    const scan = new Scan();
    clockMovesOnListClusters(50_000);
    const id = checkpointOf(await scan.start(putEvent(), { deadlineMs: 60_000, scanMs: 3_600_000 }));
    reads();
    return { scan, id, body: scan.queue[0]?.body ?? '' };
  }

  it('reads no page again: it reads the matches again and acts, and marks the checkpoint complete', async () => {
    const { scan, id } = await finishedTooLate();
    const report = await scan.continue({ deadlineMs: LAMBDA, scanMs: -1000 });
    expect(report.scan).toEqual({ invocations: 2, complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(reads().filter((command) => command === 'ListClusters' || command === 'ListServices')).toEqual([]);
    expect(deployed().sort()).toEqual(ARNS);
    expect(report.summary).toMatchObject({ done: 3, failed: 0, servicesScanned: 3 });
    expect(await scan.checkpoints.stored(id)).toMatchObject({ step: 2, checkpoint: { complete: true } });
    expect(scan.queue).toEqual([]);
  });

  it('acts whatever the time: past its own act reserve too', async () => {
    const { scan, id } = await finishedTooLate();
    // 40 s left, and reading the matches again takes 30 s: the act reserve (10 s) is reached.
    ecs.on(DescribeServicesCommand).callsFake(async (input: { services: string[] }) => {
      vi.setSystemTime(Date.now() + 30_000);
      return { services: input.services.map((arn) => service('orders', arn.split('/').pop() ?? arn)), failures: [] };
    });
    const report = await scan.continue({ deadlineMs: 40_000, scanMs: 3_600_000 });
    expect(report.scan).toEqual({ invocations: 2, complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(deployed().sort()).toEqual(ARNS);
    expect(scan.queue).toEqual([]);
  });
});

describe('a copy of a continuation already taken', () => {
  it('does nothing and reports the scan as its checkpoint has it', async () => {
    const scan = new Scan();
    const id = checkpointOf(await scan.start(putEvent(), { deadlineMs: LAMBDA, scanMs: -1000 }));
    const first = scan.queue[0]?.body ?? '';
    await scan.continue({ deadlineMs: LAMBDA, scanMs: -1000 });
    reads();
    const copy = await scan.continueWith(first, 'q-1-copy', { deadlineMs: LAMBDA, scanMs: 200_000 });
    expect(copy.scan).toEqual({ invocations: 2, complete: false, servicesScanned: 1, matches: 1, checkpoint: id });
    expect(copy.skipped).toBe(`scan continuation ${id} step 1: already taken (the checkpoint is at step 2): nothing to do`);
    expect(reads()).toEqual([]);
    expect(deployed()).toEqual([]);
    expect((await scan.checkpoints.stored(id))?.step).toBe(2);
  });
});

describe('the last step of a scan of several invocations', () => {
  /** Three invocations: ListClusters, the first page (orders-api matched), then the rest (`before` runs before it). */
  async function chain(before: () => void = () => undefined): Promise<{ scan: Scan; id: string; last: RefreshReport }> {
    const scan = new Scan();
    const id = checkpointOf(await scan.start(putEvent(), { deadlineMs: LAMBDA, scanMs: -1000 }));
    const second = await scan.continue({ deadlineMs: LAMBDA, scanMs: -1000 });
    expect(second.scan).toMatchObject({ invocations: 2, servicesScanned: 1, matches: 1 });
    before();
    reads();
    const last = await scan.continue({ deadlineMs: LAMBDA, scanMs: 200_000 });
    return { scan, id, last };
  }

  it('plans the earlier matches read again with its own records: each service once, the clusters of both counted', async () => {
    const { id, last } = await chain();
    expect(last.scan).toEqual({ invocations: 3, complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    expect(targetsOf(last).sort()).toEqual(ARNS.map((arn) => [arn, 'done']));
    expect(deployed().sort()).toEqual(ARNS);
    expect(reads().filter((command) => command === 'DescribeServices')).toHaveLength(3);
    expect(last.summary).toMatchObject({ clusters: CLUSTERS, servicesScanned: 3, targets: 3, done: 3, failed: 0 });
  });

  it('reports a matched service deleted since an earlier invocation as not found, and deploys the others', async () => {
    const { id, last } = await chain(() => {
      ecs
        .on(DescribeServicesCommand, { services: [serviceArn('orders', 'orders-api')] })
        .resolves({ services: [], failures: [{ arn: ARNS[0], reason: 'MISSING' }] });
    });
    expect(last.scan).toEqual({ invocations: 3, complete: true, servicesScanned: 3, matches: 3, checkpoint: id });
    const gone = last.targets.find((target) => target.type === 'ecs-service' && target.arn === ARNS[0]);
    expect(gone).toMatchObject({ status: 'skipped', code: 'not-found' });
    expect(deployed().sort()).toEqual(ARNS.slice(1));
    expect(last.summary).toMatchObject({ targets: 3, done: 2, skipped: 1, failed: 0 });
  });
});

describe('the retry of a last step whose cluster could not be read whole', () => {
  it('counts the services it read again and scanned again once, and deploys only what was left', async () => {
    const scan = new Scan();
    const id = checkpointOf(await scan.start(putEvent(), { deadlineMs: LAMBDA, scanMs: -1000 }));
    const message = scan.queue[0]?.body ?? '';
    // The last page of cluster `orders` fails once: orders-api and orders-cron are read and deployed, orders-worker is not.
    let failing = true;
    ecs.on(ListServicesCommand, { nextToken: '2' }).callsFake(async () => {
      if (failing) throw ecsError('AccessDeniedException', 'simulated: ListServices refused');
      return { serviceArns: [ARNS[2]] };
    });
    const last = await scan.continue({ deadlineMs: LAMBDA, scanMs: 200_000 });
    expect(last.scan).toMatchObject({ invocations: 2, complete: false, checkpoint: id });
    expect(last.changes.map((entry) => entry.retry)).toEqual([true]);
    expect(deployed().sort()).toEqual(ARNS.slice(0, 2));
    // The retry reads the two matches again and the whole cluster again (its first page on).
    failing = false;
    ecs.resetHistory();
    const retry = await scan.continueWith(message, 'q-1-again', { deadlineMs: LAMBDA, scanMs: 200_000 });
    expect(retry.scan).toMatchObject({ complete: true, checkpoint: id });
    expect(retry.summary).toMatchObject({ servicesScanned: 3, done: 1, failed: 0 });
    expect(deployed()).toEqual([ARNS[2]]);
  });
});

describe('the index part of a scan in steps that acts in one invocation', () => {
  it('reports the scan with the index it rewrote', async () => {
    const scan = new Scan();
    scan.serviceIndex = new InMemoryServiceIndexStore();
    const report = await scan.start(putEvent(), { deadlineMs: LAMBDA });
    expect(report.scan).toEqual({ invocations: 1, complete: true, servicesScanned: 3, matches: 3 });
    expect(report.serviceIndex?.indexedRegions).toEqual([REGION]);
    expect(deployed().sort()).toEqual(ARNS);
  });
});
