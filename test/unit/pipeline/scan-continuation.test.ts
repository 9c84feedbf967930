/**
 * Scans that finish at any size (issue 16, item 3), end to end through the intake queue's function body
 * (`runIntakeBatch`) on the ECS simulator (bench/aws-sim: real SDK clients over HTTP, ECS's paging, calls counted
 * per action; moto cannot count calls or UpdateService per service): with a scan stop (`scanUntil`) so early that each
 * invocation reads only the units it must (one ListClusters, or one ListServices page), a batch's scan takes several
 * invocations chained by continuation messages, deploys exactly the services a one-go scan would, each once, and
 * repeats no ECS read; a duplicated continuation does nothing, and a lost checkpoint starts the scan over.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from '../../../bench/aws-sim/server.js';
import { ACCOUNT, CHANGED_SECRET, changedSecretDirectory, generateAccount, REGION } from '../../../bench/aws-sim/synthetic-account.js';
import { createAwsClients } from '../../../lib/aws/clients.js';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { InMemoryRevisionIndex } from '../../../lib/aws/revision-index.js';
import { InMemoryScanCheckpoints } from '../../../lib/aws/scan-checkpoints.js';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import { loadConfig } from '../../../lib/config/config.js';
import { logger } from '../../../lib/lambda/logger.js';
import { runIntakeBatch } from '../../../lib/lambda/run-changes-in-lambda.js';
import { type PipelineDependencies, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import type { RefreshReport } from '../../../lib/report/types.js';
import { MemoryStateTable } from '../../support/memory-state-table.js';

/** The changed secret's current version (a later test makes a second version current). */
let currentVersion: string = CHANGED_SECRET.currentVersion;
const directory = changedSecretDirectory(() => currentVersion);

const ECS_READS = ['ListClusters', 'ListServices', 'DescribeServices', 'DescribeTaskDefinition'] as const;

/** One simulated account and everything a run of `onChanges` keeps between invocations. */
class Account {
  public readonly queue: { messageId: string; body: string }[] = [];
  public readonly reports: RefreshReport[] = [];
  public readonly state = new MemoryStateTable();
  public readonly checkpoints = new InMemoryScanCheckpoints();
  public serviceIndex?: InMemoryServiceIndexStore;
  /** Settings on top of the defaults below. */
  public settings: Record<string, string> = {};
  readonly #revisions = new InMemoryRevisionIndex();
  #sent = 0;

  public constructor(public readonly simulator: AwsSimulator) {}

  public config() {
    return loadConfig({
      AWS_REGION: REGION,
      SECRET_REFRESH_ACCOUNT_ID: ACCOUNT,
      SECRET_REFRESH_MAX_TARGETS: '10000',
      SECRET_REFRESH_ECS_QUOTA_SHARE: '0',
      // One call in flight per quota category: two clusters are read at once (2 × concurrency).
      SECRET_REFRESH_CONCURRENCY: '1',
      ...this.settings,
    });
  }

  /** A fault below the pipeline: the ECS calls it names fail (AccessDeniedException) while it says so. */
  public fault?: (command: string, input: Record<string, unknown>) => boolean;

  /** A new execution environment for each invocation (cold caches); the revision index persists, as in DynamoDB. */
  public dependencies(): PipelineDependencies {
    const clients = createAwsClients({ ecsQuotaShare: 0, maxAttempts: 1 });
    clients.ecs(REGION).middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        if (this.fault?.(command, args.input as Record<string, unknown>)) {
          throw Object.assign(new Error(`simulated: not authorized to perform ecs:${command.replace(/Command$/, '')}`), { name: 'AccessDeniedException' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'simulatedFault' },
    );
    return {
      clients,
      directory,
      taskDefinitions: new TaskDefinitionCache(10_000, this.#revisions),
      state: this.state,
      scanCheckpoints: this.checkpoints,
      expectedAccount: ACCOUNT,
      ...(this.serviceIndex ? { serviceIndex: this.serviceIndex } : {}),
      intake: {
        deliver: async (messages) => {
          for (const message of messages) this.queue.push({ messageId: `q-${++this.#sent}`, body: message.body });
        },
      },
    };
  }

  /** One `onChanges` invocation on the next message, with a deadline that leaves the scan no time past its first units (or `ms` left). */
  public async invoke(scanMs = -1000): Promise<{ messageId: string; body: string; failures: number }> {
    const record = this.queue.shift();
    if (!record) throw new Error('the intake queue is empty');
    const now = Date.now();
    // A Lambda's 270 s deadline, and a scan that must stop `scanMs` from now (by default before its first page).
    const timing = { deadline: new Date(now + 270_000), leaseUntil: new Date(now + 300_000), leaseWaitMs: 1000, scanUntil: new Date(now + scanMs) };
    const response = await runIntakeBatch([record], { config: this.config(), dependencies: this.dependencies() }, timing);
    return { ...record, failures: response.batchItemFailures.length };
  }

  public reads(): Record<string, number> {
    const calls = this.simulator.stats().calls;
    return Object.fromEntries(ECS_READS.map((action) => [action, calls[action] ?? 0]));
  }

  public async updates(): Promise<Record<string, { count: number }>> {
    return (await (await fetch(`${this.simulator.url}/__sim/updates`, { method: 'POST' })).json()) as Record<string, { count: number }>;
  }

  /** What a scan in one go finds and reads: a dry run of the same change (no state, no queue). */
  public async oneGo(): Promise<{ targets: string[]; matches: number; reads: Record<string, number>; perCluster: Map<string, number> }> {
    const { state: _state, intake: _intake, scanCheckpoints: _checkpoints, ...rest } = this.dependencies();
    const report = await runRefresh(changeEvent(), this.config(), { ...rest, taskDefinitions: new TaskDefinitionCache() }, { dryRun: true });
    // Matches: every service the plan decides on (redeploys and skips such as CODE_DEPLOY or desiredCount 0).
    const matched = report.targets.filter((target) => target.type === 'ecs-service');
    const perCluster = new Map<string, number>();
    for (const target of matched) perCluster.set(target.cluster, (perCluster.get(target.cluster) ?? 0) + 1);
    const reads = this.reads();
    this.simulator.reset();
    const targets = matched.filter((target) => target.status === 'planned').map((target) => target.arn);
    return { targets: targets.sort(), matches: matched.length, reads, perCluster };
  }
}

function changeEvent(versionId: string = CHANGED_SECRET.currentVersion) {
  return {
    type: 'event' as const,
    source: 'm-0',
    event: {
      version: '0',
      id: '5c7e9a1b-3d4f-4c6d-8e8f-a0b2c4d6e891',
      'detail-type': 'Secret Label Updated',
      source: 'aws.secretsmanager',
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: REGION,
      resources: [CHANGED_SECRET.arn],
      detail: { name: CHANGED_SECRET.name, labelUpdated: 'AWSCURRENT', versionId },
    },
  };
}

const simulators: AwsSimulator[] = [];
async function account(seed: number): Promise<Account> {
  // 3 clusters of 200 services: 2 ListServices pages each.
  const simulator = await startAwsSimulator({
    account: generateAccount({ seed, services: 600, clusters: 3, revisions: 150, changedShare: 0.05, jobDefinitions: 3 }),
    latencyMedianMs: 0,
    throttling: false,
  });
  simulators.push(simulator);
  vi.stubEnv('AWS_ENDPOINT_URL', simulator.url);
  return new Account(simulator);
}

let reports: RefreshReport[] = [];
beforeAll(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
});
beforeEach(() => {
  reports = [];
  const keep = (_message: unknown, context?: unknown) => {
    const report = (context as { report?: RefreshReport } | undefined)?.report;
    if (report) reports.push(report);
  };
  vi.spyOn(logger, 'info').mockImplementation(keep as never);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(keep as never);
  return () => vi.restoreAllMocks();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all(simulators.map((simulator) => simulator.close()));
});

describe('a scan that cannot finish in one invocation', { timeout: 20_000 }, () => {
  it('continues where it stopped: every match deployed once, no ECS read repeated, a duplicated continuation does nothing', async () => {
    const sim = await account(1603);
    const expected = await sim.oneGo();
    expect(expected.targets.length).toBeGreaterThan(10);
    sim.queue.push({ messageId: 'm-0', body: JSON.stringify(changeEvent().event) });

    // 1st invocation: ListClusters only; the batch's message is done, a continuation carries it on.
    const first = await sim.invoke();
    expect(first.failures).toBe(0);
    expect(reports.at(-1)?.scan).toMatchObject({ invocations: 1, complete: false, continued: true, servicesScanned: 0 });
    expect(sim.state.items.records.size).toBe(0);
    const continuation = sim.queue[0]?.body ?? '';
    expect(JSON.parse(continuation)).toMatchObject({ secretRefresh: 'scan-continuation', version: 1, step: 1 });

    // 2nd: a page or two (an invocation always finishes one). Then a copy of the message it took arrives: the cursor
    // has moved.
    await sim.invoke();
    expect(reports.at(-1)?.scan).toMatchObject({ invocations: 2, complete: false, servicesScanned: expect.any(Number) });
    expect(reports.at(-1)?.scan?.servicesScanned).toBeGreaterThanOrEqual(100);
    expect(reports.at(-1)?.scan?.servicesScanned).toBeLessThan(600);
    const before = sim.reads();
    sim.queue.unshift({ messageId: 'dup-1', body: continuation });
    const duplicate = await sim.invoke();
    expect(duplicate.failures).toBe(0);
    expect(reports.at(-1)?.skipped).toMatch(/^scan continuation scan#[0-9a-f-]+ step 1: already taken \(the checkpoint is at step 2\): nothing to do$/);
    expect(sim.reads()).toEqual(before);
    expect(sim.queue).toHaveLength(1);

    let invocations = 2;
    while (sim.queue.length > 0 && invocations < 20) {
      await sim.invoke();
      invocations++;
    }
    const last = reports.at(-1);
    expect(last?.scan).toEqual({
      invocations,
      complete: true,
      servicesScanned: 600,
      matches: expected.matches,
      checkpoint: expect.stringMatching(/^scan#/),
    });
    // ListClusters, then the 6 pages, a few per invocation at most; the last acts.
    expect(invocations).toBeGreaterThanOrEqual(3);
    expect(last?.summary.failed).toBe(0);

    // Exactly the one-go scan's matches, each deployed once, and nothing else.
    const deployed = (last?.targets ?? []).filter((target) => target.type === 'ecs-service' && target.status === 'done').map((target) => target.arn);
    expect(deployed.sort()).toEqual(expected.targets);
    const updates = await sim.updates();
    expect(Object.keys(updates).sort()).toEqual(expected.targets);
    expect(Object.values(updates).every((update) => update.count === 1)).toBe(true);

    // No ECS read repeated: every list and task definition read exactly as the one-go scan made it; DescribeServices
    // as many as it made, plus at most the re-read of the matches of the earlier invocations (10 a call, per cluster).
    const reads = sim.reads();
    expect(reads.ListClusters).toBe(expected.reads.ListClusters);
    expect(reads.ListServices).toBe(expected.reads.ListServices);
    expect(reads.DescribeTaskDefinition).toBe(expected.reads.DescribeTaskDefinition);
    const reread = [...expected.perCluster.values()].reduce((sum, count) => sum + Math.ceil(count / 10), 0);
    expect(reads.DescribeServices).toBeGreaterThan(expected.reads.DescribeServices ?? 0);
    expect(reads.DescribeServices).toBeLessThanOrEqual((expected.reads.DescribeServices ?? 0) + reread);

    // The change record is written once the change is finished; a late copy of a continuation does nothing.
    expect(sim.state.items.records.size).toBe(1);
    const after = sim.reads();
    sim.queue.push({ messageId: 'dup-2', body: continuation });
    await sim.invoke();
    // The change record or the complete checkpoint stops it (whichever judges first; both mean nothing is done).
    expect(reports.at(-1)?.skipped).toMatch(
      /^(duplicate: this change \(same secret and version, .*\) was handled by a run at .*; nothing was done|scan continuation scan#[0-9a-f-]+ step 1: already taken \(the checkpoint is at step \d+, complete\): nothing to do)$/,
    );
    expect(sim.reads()).toEqual(after);
    expect(Object.values(await sim.updates()).every((update) => update.count === 1)).toBe(true);
  });

  it('a last step that could not read a cluster is retried (its continuation fails, the checkpoint stays), and the retry reads that cluster again', async () => {
    const sim = await account(1605);
    const expected = await sim.oneGo();
    // The cluster with the most matches cannot be listed until the fault is lifted.
    const [cluster] = [...expected.perCluster].sort((a, b) => b[1] - a[1])[0] ?? [''];
    let failing = true;
    sim.fault = (command, input) => failing && command === 'ListServicesCommand' && String(input.cluster).endsWith(`/${cluster.split('/').pop()}`);
    sim.queue.push({ messageId: 'm-0', body: JSON.stringify(changeEvent().event) });
    let failed: { messageId: string; body: string; failures: number } | undefined;
    for (let invocation = 0; invocation < 20 && sim.queue.length > 0 && !failed; invocation++) {
      const done = await sim.invoke();
      if (done.failures > 0) failed = done;
    }
    const report = reports.at(-1);
    expect(failed).toBeDefined();
    expect(report?.scan).toMatchObject({ complete: false });
    expect(report?.summary.inventoryProblems).toBe(1);
    expect(report?.warnings.some((warning) => /^inventory: us-east-1 \S+cluster\/\S+: .*not authorized to perform ecs:ListServices/.test(warning))).toBe(true);
    expect(report?.warnings).toContain(
      `scan checkpoint ${report?.scan?.checkpoint}: its last step left changes unfinished; the continuation is delivered again and reads again what could not be read`,
    );
    expect(sim.state.items.records.size).toBe(0);

    // SQS delivers the failed continuation again; the cluster can be read now.
    failing = false;
    sim.queue.push({ messageId: `${failed?.messageId}-again`, body: failed?.body ?? '' });
    for (let invocation = 0; invocation < 20 && sim.queue.length > 0; invocation++) await sim.invoke();
    const last = reports.at(-1);
    expect(last?.scan).toMatchObject({ complete: true, servicesScanned: 600, matches: expected.matches });
    expect(last?.summary.failed).toBe(0);
    const updates = await sim.updates();
    expect(Object.keys(updates).sort()).toEqual(expected.targets);
    expect(Object.values(updates).every((update) => update.count === 1)).toBe(true);
    expect(sim.state.items.records.size).toBe(1);
  });

  it('starts the scan over when its checkpoint is lost (never skips), and still deploys every match once', async () => {
    const sim = await account(1604);
    const expected = await sim.oneGo();
    sim.queue.push({ messageId: 'm-0', body: JSON.stringify(changeEvent().event) });
    await sim.invoke();
    await sim.invoke();
    const readBefore = reports.at(-1)?.scan?.servicesScanned ?? 0;
    const lost = reports.at(-1)?.scan?.checkpoint as string;
    expect(lost).toMatch(/^scan#/);
    sim.checkpoints.lose(lost);
    let invocations = 2;
    while (sim.queue.length > 0 && invocations < 20) {
      await sim.invoke();
      invocations++;
    }
    expect(
      reports.some((report) => report.warnings.includes(`scan checkpoint ${lost} is gone (expired, lost or unreadable): the scan of its batch starts over`)),
    ).toBe(true);
    const last = reports.at(-1);
    expect(last?.scan).toMatchObject({ complete: true, servicesScanned: 600, matches: expected.matches });
    expect(last?.scan?.checkpoint).not.toBe(lost);
    const updates = await sim.updates();
    expect(Object.keys(updates).sort()).toEqual(expected.targets);
    expect(Object.values(updates).every((update) => update.count === 1)).toBe(true);
    // The pages read before the loss are read again (that is what starting over costs), and nothing more.
    expect(readBefore).toBeGreaterThan(0);
    expect(sim.reads().ListServices).toBe((expected.reads.ListServices ?? 0) + readBefore / 100);
  });

  it('with the service index: the fast path deploys in the first invocation, the backstop over the others deploys none of them again', async () => {
    const sim = await account(1606);
    sim.serviceIndex = new InMemoryServiceIndexStore();
    // The second change comes a second after the first deployments: no minimum interval between them here.
    sim.settings = { SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS: '0' };
    const expected = await sim.oneGo();
    // A first change with time enough: one invocation, which fills the index (the Region was not covered).
    sim.queue.push({ messageId: 'm-0', body: JSON.stringify(changeEvent().event) });
    await sim.invoke(225_000);
    expect(reports.at(-1)?.serviceIndex?.indexedRegions).toEqual([REGION]);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a later second than those deployments
    // The next version, with the short deadline: the scan takes several invocations.
    currentVersion = '9d1c0a2b-0000-4000-8000-000000000002';
    sim.queue.push({ messageId: 'm-1', body: JSON.stringify(changeEvent(currentVersion).event) });
    const first = reports.length;
    let invocations = 0;
    while (sim.queue.length > 0 && invocations < 20) {
      await sim.invoke();
      invocations++;
    }
    currentVersion = CHANGED_SECRET.currentVersion;
    const chain = reports.slice(first);
    expect(chain[0]?.serviceIndex?.fastPathTargets).toBe(expected.targets.length);
    expect(chain[0]?.scan).toMatchObject({ invocations: 1, complete: false, continued: true });
    expect(chain.at(-1)?.scan).toMatchObject({ invocations, complete: true, servicesScanned: 600, matches: expected.matches });
    expect(invocations).toBeGreaterThanOrEqual(3);
    // The backstop planned none of the fast path's services again, and each was deployed once per change.
    expect(chain.at(-1)?.targets.filter((target) => target.type === 'ecs-service' && target.status === 'done')).toEqual([]);
    const updates = await sim.updates();
    expect(Object.keys(updates).sort()).toEqual(expected.targets);
    expect(Object.values(updates).every((update) => update.count === 2)).toBe(true);
    expect(chain.at(-1)?.warnings).toContain(
      `service index: the scan took ${invocations} invocations; the index of its Regions is rewritten by the reconcile, not by this run`,
    );
  });

  it('runs a continuation alone: the other messages of its batch go back to the queue at once; an invalid one is dropped', async () => {
    const sim = await account(1607);
    sim.queue.push({ messageId: 'm-0', body: JSON.stringify(changeEvent().event) });
    await sim.invoke();
    const continuation = sim.queue.shift() as { messageId: string; body: string };
    const other = { messageId: 'm-9', body: JSON.stringify(changeEvent().event) };
    const invalid = { messageId: 'm-bad', body: JSON.stringify({ ...JSON.parse(continuation.body), step: 0 }) };
    const now = Date.now();
    const timing = { deadline: new Date(now + 270_000), leaseUntil: new Date(now + 300_000), scanUntil: new Date(now - 1000) };
    const response = await runIntakeBatch([other, continuation, invalid], { config: sim.config(), dependencies: sim.dependencies() }, timing);
    expect(response.batchItemFailures).toEqual([]);
    expect(reports.at(-1)?.scan).toMatchObject({ invocations: 2, complete: false, continued: true });
    // Given back as they came (the new change is its own batch), then the next continuation.
    expect(sim.queue.map((message) => message.body)).toEqual([other.body, invalid.body, expect.stringContaining('"step":2')]);
    // The invalid continuation, in a batch of its own, is reported and dropped.
    const dropped = await runIntakeBatch([invalid], { config: sim.config(), dependencies: sim.dependencies() }, timing);
    expect(dropped.batchItemFailures).toEqual([]);
    expect(reports.at(-1)?.changes[0]).toMatchObject({
      decision: 'invalid',
      source: 'm-bad',
      error: expect.stringMatching(/^InvalidInputError: invalid scan continuation message \(step: Too small/),
    });
  });

  it('acts in one invocation when the scan finishes in time: the report says 1 invocation, no checkpoint is written', async () => {
    const sim = await account(1605);
    const expected = await sim.oneGo();
    sim.queue.push({ messageId: 'm-0', body: JSON.stringify(changeEvent().event) });
    const now = Date.now();
    const response = await runIntakeBatch(
      [sim.queue.shift() as { messageId: string; body: string }],
      { config: sim.config(), dependencies: sim.dependencies() },
      {
        deadline: new Date(now + 280_000),
        leaseUntil: new Date(now + 300_000),
      },
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(reports.at(-1)?.scan).toEqual({ invocations: 1, complete: true, servicesScanned: 600, matches: expected.matches });
    expect(sim.checkpoints.writes).toBe(0);
    expect(sim.queue).toEqual([]);
    expect(sim.reads()).toEqual(expected.reads);
  });
});
