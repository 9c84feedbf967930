/**
 * The run with the service index, end to end on the ECS simulator (bench/aws-sim: real SDK clients over HTTP, ECS's
 * paging and 10-per-call DescribeServices; moto has no way to count UpdateService per service): the first run of a
 * Region falls back to the scan and says so, and fills the index; the next run deploys the indexed services first
 * and the backstop scan deploys nothing twice; a service the index lost is deployed by the backstop, once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from '../../../bench/aws-sim/server.js';
import { ACCOUNT, CHANGED_SECRET, changedSecretDirectory, generateAccount, REGION } from '../../../bench/aws-sim/synthetic-account.js';
import { createAwsClients } from '../../../lib/aws/clients.js';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import { loadConfig } from '../../../lib/config/config.js';
import { type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import type { RolloutPlan } from '../../../lib/rollout/types.js';

let simulator: AwsSimulator;
const store = new InMemoryServiceIndexStore();
const directory = changedSecretDirectory();

beforeAll(async () => {
  simulator = await startAwsSimulator({
    account: generateAccount({ seed: 16, services: 300, clusters: 6, revisions: 120, jobDefinitions: 5 }),
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

const config = () =>
  loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: ACCOUNT, SECRET_REFRESH_MAX_TARGETS: '10000', SECRET_REFRESH_ECS_QUOTA_SHARE: '0' });
const dependencies = (): PipelineDependencies => ({
  clients: createAwsClients({ ecsQuotaShare: 0, maxAttempts: 1 }),
  directory,
  taskDefinitions: new TaskDefinitionCache(),
  serviceIndex: store,
});
const refresh = () => runRefresh({ type: 'manual', ref: CHANGED_SECRET.arn, kind: 'secret', confirmLarge: true }, config(), dependencies());
const updates = async () => (await (await fetch(`${simulator.url}/__sim/updates`, { method: 'POST' })).json()) as Record<string, { count: number }>;
const deployed = (report: Awaited<ReturnType<typeof refresh>>) =>
  report.targets.filter((target) => target.type === 'ecs-service' && target.status === 'done').map((target) => target.arn);
/** The next run must start in a later second than the last deployments (the already-fresh rule compares seconds). */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('a run with the service index', { timeout: 30_000 }, () => {
  let matched: string[] = [];

  it('falls back to the scan in a Region the index does not cover yet, says so, and fills the index', async () => {
    const report = await refresh();
    matched = deployed(report).sort();
    expect(matched.length).toBeGreaterThan(5);
    expect(report.serviceIndex).toMatchObject({ coveredRegions: [], scannedOnlyRegions: [REGION], candidates: 0, fastPathTargets: 0, missedByIndex: [] });
    expect(report.serviceIndex?.indexedRegions).toEqual([REGION]);
    expect(report.serviceIndex?.servicesWritten).toBe(300);
    expect(report.warnings).toContain(
      `service index: ${REGION} is not covered yet (first run, a restored table or a new Region): its services were found by the full scan alone`,
    );
    expect(Object.values(await updates()).every((update) => update.count === 1)).toBe(true);
  });

  it('then deploys the indexed services first, and the backstop scan deploys none of them again', async () => {
    await nextSecond();
    const before = await updates();
    const report = await refresh();
    expect(deployed(report).sort()).toEqual(matched);
    expect(report.serviceIndex).toMatchObject({ coveredRegions: [REGION], scannedOnlyRegions: [], fastPathTargets: matched.length, missedByIndex: [] });
    expect(report.serviceIndex?.candidates).toBeGreaterThanOrEqual(matched.length);
    expect(report.warnings.some((warning) => warning.startsWith('service index:'))).toBe(false);
    const after = await updates();
    for (const arn of matched) expect(after[arn]?.count, arn).toBe((before[arn]?.count ?? 0) + 1);
    // Nothing the index did not name was deployed, and every target is reported once.
    expect(Object.keys(after).sort()).toEqual(matched);
    expect(new Set(report.targets.map((target) => target.arn)).size).toBe(report.targets.length);
    // The second run wrote nothing new: the scan found what the index held.
    expect(report.serviceIndex?.servicesWritten).toBe(0);
  });

  it('leaves a service the index lost to the backstop, which deploys it once, and indexes it again', async () => {
    await nextSecond();
    const lost = matched[0] as string;
    const stored = await store.service(lost);
    // A lost hint: the index believes the service gone (a tombstone newer than the last scan).
    await store.putService({ ...(stored as NonNullable<typeof stored>), present: false, readAt: Date.now() - 500 }, stored?.keys ?? []);
    const before = await updates();
    const report = await refresh();
    expect(deployed(report).sort()).toEqual(matched);
    expect(report.serviceIndex).toMatchObject({ fastPathTargets: matched.length - 1, missedByIndex: [lost] });
    const after = await updates();
    for (const arn of matched) expect(after[arn]?.count, arn).toBe((before[arn]?.count ?? 0) + 1);
    expect((await store.service(lost))?.present).toBe(true);
  });

  it('leaves redeploys that make a rollout to the scan: one rollout, named after the change, holds every reader', async () => {
    await nextSecond();
    const lost = matched[1] as string;
    const stored = await store.service(lost);
    await store.putService({ ...(stored as NonNullable<typeof stored>), present: false, readAt: Date.now() - 500 }, stored?.keys ?? []);
    const started: RolloutPlan[] = [];
    const rollouts = {
      async start(plan: RolloutPlan) {
        started.push(plan);
        return { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:rollout:${plan.name}`, existed: false };
      },
    };
    const before = await updates();
    // SECRET_REFRESH_WAIT_FOR_STEADY: even one wave is a rollout (it waits for its deployments).
    const steady = loadConfig({
      AWS_REGION: REGION,
      SECRET_REFRESH_ACCOUNT_ID: ACCOUNT,
      SECRET_REFRESH_MAX_TARGETS: '10000',
      SECRET_REFRESH_ECS_QUOTA_SHARE: '0',
      SECRET_REFRESH_WAIT_FOR_STEADY: 'true',
    });
    const report = await runRefresh({ type: 'manual', ref: CHANGED_SECRET.arn, kind: 'secret', confirmLarge: true }, steady, { ...dependencies(), rollouts });
    // One execution, with every reader — the one the index lost included — and nothing deployed by the run itself.
    expect(started).toHaveLength(1);
    expect(
      started[0]?.waves
        .flat()
        .map((target) => target.arn)
        .sort(),
    ).toEqual(matched);
    expect(report.rollout).toMatchObject({ status: 'started', services: matched.length });
    expect(report.serviceIndex).toMatchObject({ fastPathTargets: 0, missedByIndex: [] });
    expect(report.warnings).toContain(
      'service index: the redeploys make a rollout (waits until the deployments COMPLETED (SECRET_REFRESH_WAIT_FOR_STEADY)): the fast path left its candidates to the scan, which starts one rollout for all',
    );
    expect(await updates()).toEqual(before);
  });
});
