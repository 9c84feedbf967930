/**
 * The `indexServices` reconcile as a scan in steps (lib/lambda/run-index-in-lambda.ts `reconcileIndexInSteps`), on
 * the ECS simulator (bench/aws-sim: ECS's paging, calls counted; moto does not page ListServices): with a deadline
 * that leaves each step one unit, the reconcile continues through the intake queue (handed to it by `onChanges`'
 * `runIntakeBatch`), writes the index as it goes, and ends with the index a one-go reconcile makes: every service
 * with the same keys, a service that no longer exists removed, the Region covered; no ListServices page read twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from '../../../bench/aws-sim/server.js';
import { ACCOUNT, generateAccount, REGION } from '../../../bench/aws-sim/synthetic-account.js';
import { createAwsClients } from '../../../lib/aws/clients.js';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { InMemoryScanCheckpoints } from '../../../lib/aws/scan-checkpoints.js';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import { loadConfig } from '../../../lib/config/config.js';
import { logger } from '../../../lib/lambda/logger.js';
import { runIntakeBatch } from '../../../lib/lambda/run-changes-in-lambda.js';
import { type IndexReconcileReport, reconcileIndex, reconcileIndexInSteps } from '../../../lib/lambda/run-index-in-lambda.js';
import type { PipelineDependencies } from '../../../lib/pipeline/run-refresh.js';
import { SCAN_RESERVE_MS } from '../../../lib/pipeline/scan-checkpoint.js';

const account = generateAccount({ seed: 1616, services: 600, clusters: 3, revisions: 150, jobDefinitions: 1 });
let simulator: AwsSimulator;
beforeAll(async () => {
  simulator = await startAwsSimulator({ account, latencyMedianMs: 0, throttling: false });
  vi.stubEnv('AWS_ENDPOINT_URL', simulator.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await simulator.close();
});
let reports: IndexReconcileReport[] = [];
beforeEach(() => {
  reports = [];
  vi.spyOn(logger, 'info').mockImplementation(((_message: string, context?: { report?: IndexReconcileReport }) => {
    if (context?.report) reports.push(context.report);
  }) as never);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  return () => vi.restoreAllMocks();
});

const config = () =>
  loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: ACCOUNT, SECRET_REFRESH_ECS_QUOTA_SHARE: '0', SECRET_REFRESH_CONCURRENCY: '1' });
const GONE = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/cluster-000/deleted-long-ago`;

describe('the reconcile in steps', { timeout: 20_000 }, () => {
  it('continues through the intake queue and ends with the index a one-go reconcile makes', async () => {
    const oneGo = new InMemoryServiceIndexStore();
    const dependencies = (
      store: InMemoryServiceIndexStore,
      queue: { messageId: string; body: string }[],
      checkpoints: InMemoryScanCheckpoints,
    ): PipelineDependencies => ({
      clients: createAwsClients({ ecsQuotaShare: 0, maxAttempts: 1 }),
      directory: { describeSecret: async () => undefined, describeParameter: async () => undefined },
      taskDefinitions: new TaskDefinitionCache(),
      serviceIndex: store,
      scanCheckpoints: checkpoints,
      intake: {
        deliver: async (messages) => {
          for (const message of messages) queue.push({ messageId: `q-${queue.length + 1}`, body: message.body });
        },
      },
    });
    simulator.reset();
    await reconcileIndex(config(), dependencies(oneGo, [], new InMemoryScanCheckpoints()));
    const oneGoPages = simulator.stats().calls.ListServices ?? 0;

    const store = new InMemoryServiceIndexStore();
    // A service the index still holds but ECS no longer has: the reconcile removes it.
    await store.putService(
      {
        arn: GONE,
        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/cluster-000`,
        region: REGION,
        keys: ['k'],
        present: true,
        readAt: Date.now() - 3600_000,
      },
      [],
    );
    const queue: { messageId: string; body: string }[] = [];
    const checkpoints = new InMemoryScanCheckpoints();
    simulator.reset();
    const short = () => new Date(Date.now() + SCAN_RESERVE_MS - 1000);
    const first = await reconcileIndexInSteps(config(), dependencies(store, queue, checkpoints), short());
    expect(first.scan).toMatchObject({ invocations: 1, complete: false });
    expect(JSON.parse(queue[0]?.body ?? '{}')).toMatchObject({ secretRefresh: 'index-reconcile', version: 1, step: 1 });
    const copy = queue[0] as { messageId: string; body: string };
    let steps = 1;
    while (queue.length > 0 && steps < 20) {
      const record = queue.shift() as { messageId: string; body: string };
      const response = await runIntakeBatch([record], { config: config(), dependencies: dependencies(store, queue, checkpoints) }, { deadline: short() });
      expect(response.batchItemFailures).toEqual([]);
      steps++;
    }
    const last = reports.at(-1);
    expect(last?.scan).toMatchObject({ invocations: steps, complete: true });
    expect(steps).toBeGreaterThanOrEqual(3);
    expect(last).toMatchObject({ indexedRegions: [REGION], services: 600, removed: 1 });
    expect(simulator.stats().calls.ListServices).toBe(oneGoPages);

    // The index of the steps is the one-go index: every service with its keys, the gone one removed, covered.
    const services = [...account.servicesByCluster.values()].flat().map((service) => String(service.serviceArn));
    for (const arn of services) {
      const [stepped, direct] = [await store.service(arn), await oneGo.service(arn)];
      expect({ present: stepped?.present, keys: stepped?.keys }, arn).toEqual({ present: direct?.present, keys: direct?.keys });
    }
    expect((await store.service(GONE))?.present).toBe(false);
    expect((await store.coverage([REGION])).get(REGION)).toBeGreaterThan(0);

    // A copy of a continuation already taken does nothing (no ECS call).
    const before = simulator.stats().calls.ListServices;
    await runIntakeBatch([copy], { config: config(), dependencies: dependencies(store, queue, checkpoints) }, { deadline: short() });
    expect(simulator.stats().calls.ListServices).toBe(before);
    expect(queue).toEqual([]);
  });
});
