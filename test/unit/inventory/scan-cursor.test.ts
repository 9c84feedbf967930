/**
 * The scan cursor (`scanEcsInventory`) on the ECS simulator (bench/aws-sim: ECS's paging with opaque `nextToken`,
 * calls counted per action; moto does not page ListServices): a scan stopped at every chance and resumed from its
 * cursor until it is done (one unit per call) reads every service exactly once, with exactly the ListServices and DescribeServices
 * calls of a scan in one go; a scan with time enough is the one-go inventory; every call moves on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from '../../../bench/aws-sim/server.js';
import { generateAccount } from '../../../bench/aws-sim/synthetic-account.js';
import { createAwsClients } from '../../../lib/aws/clients.js';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { collectEcsInventory, scanEcsInventory } from '../../../lib/inventory/ecs-inventory.js';
import type { EcsScanCursor } from '../../../lib/inventory/types.js';

let simulator: AwsSimulator;
const REGION = 'us-east-1';
const ACCOUNT = generateAccount({ seed: 77, services: 1000, clusters: 4, revisions: 200, jobDefinitions: 1 });
/** ListServices pages of the account (100 a page). */
const PAGES = [...ACCOUNT.servicesByCluster.values()].reduce((sum, services) => sum + Math.ceil(services.length / 100), 0);

beforeAll(async () => {
  // 4 clusters of about 250 services: 3 or more ListServices pages each.
  simulator = await startAwsSimulator({
    account: ACCOUNT,
    latencyMedianMs: 0,
    throttling: false,
  });
  vi.stubEnv('AWS_ENDPOINT_URL', simulator.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await simulator.close();
});

const options = (concurrency: number) => ({
  clients: createAwsClients({ ecsQuotaShare: 0, maxAttempts: 1 }),
  regions: [REGION],
  concurrency,
  taskDefinitions: new TaskDefinitionCache(),
});
const calls = () => ({ ...simulator.stats().calls });

describe('the scan cursor', { timeout: 15_000 }, () => {
  it('stopped at every chance and resumed until done, reads each service once with the calls of one go', async () => {
    simulator.reset();
    const oneGo = await collectEcsInventory(options(2));
    const oneGoCalls = calls();
    simulator.reset();

    const past = new Date(Date.now() - 1000);
    const seen: string[] = [];
    const cursors: EcsScanCursor[] = [];
    let cursor: EcsScanCursor | undefined;
    let steps = 0;
    // One cache for the chain, as the revision index is for invocations: revisions are read once.
    const taskDefinitions = new TaskDefinitionCache();
    do {
      const scanned = await scanEcsInventory({ ...options(2), taskDefinitions }, { stopAt: past, ...(cursor ? { resume: cursor } : {}) });
      seen.push(...scanned.services.map((record) => record.arn));
      expect(scanned.problems).toEqual([]);
      cursor = scanned.cursor;
      if (cursor) cursors.push(cursor);
      steps++;
    } while (cursor && steps < 50);

    // 1: ListClusters. Then few pages per call: the stop came before the first, but a call always finishes one unit;
    // one page at a time is described, and a lane that starts while the first page's task definitions are read
    // finishes its page too.
    expect(PAGES).toBeGreaterThanOrEqual(10);
    expect(steps).toBeGreaterThanOrEqual(1 + Math.ceil(PAGES / 4));
    expect(steps).toBeLessThanOrEqual(1 + PAGES);
    expect(cursors[0]).toEqual({ regions: [{ region: REGION, clusters: oneGo.services.length ? expect.any(Array) : [] }] });
    expect(cursors[0]?.regions[0]?.clusters?.every((entry) => entry.next === undefined)).toBe(true);
    expect(cursors[1]?.regions[0]?.clusters?.some((entry) => typeof entry.next === 'string')).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(oneGo.services.map((record) => record.arn).sort());
    const stepwise = calls();
    for (const action of ['ListClusters', 'ListServices', 'DescribeServices', 'DescribeTaskDefinition'])
      expect(stepwise[action], action).toBe(oneGoCalls[action]);
  });

  it('with time enough, is the one-go inventory and leaves no cursor', async () => {
    const oneGo = await collectEcsInventory(options(5));
    const scanned = await scanEcsInventory(options(5), { stopAt: new Date(Date.now() + 60_000) });
    expect(scanned.cursor).toBeUndefined();
    expect(scanned.clusters).toBe(oneGo.clusters);
    expect(scanned.services.map((record) => record.arn).sort()).toEqual(oneGo.services.map((record) => record.arn).sort());
  });

  it('reads nothing of a Region its cursor does not list (finished before) and keeps a cluster that failed as a problem', async () => {
    const done = await scanEcsInventory({ ...options(1), regions: [REGION, 'eu-west-1'] }, { stopAt: new Date(0), resume: { regions: [] } });
    expect(done).toMatchObject({ services: [], problems: [], clusters: 0 });
    expect(done.cursor).toBeUndefined();
    const missing = `arn:aws:ecs:${REGION}:111122223333:cluster/not-there`;
    const failed = await scanEcsInventory(options(1), {
      stopAt: new Date(Date.now() + 60_000),
      resume: { regions: [{ region: REGION, clusters: [{ cluster: missing }] }] },
    });
    expect(failed.cursor).toBeUndefined();
    expect(failed.problems.map((problem) => problem.subject)).toEqual([missing]);
  });
});
