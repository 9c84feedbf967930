/**
 * `npm run bench` (with the discovery benchmark), or `tsx bench/burst/run-burst.ts`: a burst of 200 parameter
 * changes within 60 s (100 parameters changed twice, each read by 10–50 services, the services of 60 revisions read
 * 5 of them) on the 5,000-service simulated account (bench/aws-sim: ECS's documented token buckets, 40 ms median
 * latency), handled two ways, one after the other against the same account:
 *
 * - **per event** (the model before the intake queue): every event invokes its own Lambda execution environment
 *   (its own clients and ECS pacing at 0.95 of the quotas, a cold task definition cache over the filled revision
 *   index), no lease, a change guard keyed (ARN, version) like Powertools Idempotency's, and Lambda's two retries,
 *   60 s and 120 s after a failed run;
 * - **batch** (now): the events go to the intake queue; its event source mapping gathers them for the settle window
 *   (20 s), up to 1,000 a batch, at most 2 invocations at a time; onChanges' body handles each batch as one run with
 *   the account lease, the change records, the minimum redeploy interval (deferred changes come back through the
 *   queue) and pacing at 0.5 of the quotas. The blast-radius cap and the hourly budget are raised to 10,000 (at
 *   their defaults the first batch would be refused — by design, with an alert).
 *
 * Measured per model: throttled responses, UpdateService calls per affected service, services left on an old value,
 * ECS calls and inventory scans, the time from the first event to the last UpdateService, peak RSS of this process
 * (the simulator runs in its own). Writes the "burst" section of bench/results/latest.md.
 *
 * Environment: BURST_SERVICES (5000), BURST_PARAMETERS (100), BURST_WINDOW_S (60), BURST_SETTLE_S (20,60: one
 * batch row per settle window), BURST_MODELS=per-event,batch (both).
 */
import { availableParallelism } from 'node:os';
import type { SimulatorStats } from '../aws-sim/server.js';
import { SimulatorProcess } from '../aws-sim/simulator-process.js';
import { ACCOUNT, REGION } from '../aws-sim/synthetic-account.js';
import { useBenchEnvironment } from '../bench-environment.js';
import { writeResultsSection } from '../results-file.js';

useBenchEnvironment(REGION);

const SERVICES = Number(process.env.BURST_SERVICES ?? 5000);
const PARAMETERS = Number(process.env.BURST_PARAMETERS ?? 100);
const WINDOW_MS = Number(process.env.BURST_WINDOW_S ?? 60) * 1000;
/** Settle windows to run the batch model with: the default (20 s), and one as long as the burst. */
const SETTLES_S = (process.env.BURST_SETTLE_S ?? '20,60').split(',').map(Number);
const MODELS = (process.env.BURST_MODELS ?? 'per-event,batch').split(',');
const SEED = 20261201;
const LATENCY_MS = 40;
/** Lambda's timeout for the functions (serverless.yml). */
const TIMEOUT_MS = 300_000;

const { createAwsClients } = await import('../../lib/aws/clients.js');
const { TaskDefinitionCache } = await import('../../lib/aws/ecs.js');
const { EcsPacing } = await import('../../lib/aws/ecs-pacing.js');
const { InMemoryRevisionIndex } = await import('../../lib/aws/revision-index.js');
const { loadConfig } = await import('../../lib/config/config.js');
const { runIntakeBatch } = await import('../../lib/lambda/run-changes-in-lambda.js');
const { runRefresh } = await import('../../lib/pipeline/run-refresh.js');
const { reportFailed } = await import('../../lib/report/build-report.js');
const { IntakeModel } = await import('../../test/support/intake-model.js');
const { MemoryStateTable } = await import('../../test/support/memory-state-table.js');
const { burstParameterName } = await import('../aws-sim/burst-parameters.js');
const { seededRandom } = await import('../aws-sim/random.js');

type MetadataDirectory = import('../../lib/changes/types.js').MetadataDirectory;
type PipelineDependencies = import('../../lib/pipeline/run-refresh.js').PipelineDependencies;
type Config = import('../../lib/config/config.js').Config;

/** One change of the burst: which parameter, when (ms after the burst started). */
interface BurstChange {
  readonly parameter: string;
  readonly at: number;
}

/** The burst: every parameter changed twice at random moments of the window, in time order. */
function burstSchedule(): BurstChange[] {
  const random = seededRandom(SEED + 1);
  const changes: BurstChange[] = [];
  for (let index = 0; index < PARAMETERS; index++) {
    for (let write = 0; write < 2; write++) changes.push({ parameter: burstParameterName(index), at: Math.floor(random() * WINDOW_MS) });
  }
  return changes.sort((a, b) => a.at - b.at);
}

/**
 * What DescribeParameters answers during the burst (metadata only, as in production): a parameter's version is one
 * more than its writes so far, its LastModifiedDate the latest write.
 */
function burstDirectory(schedule: readonly BurstChange[], started: () => number): MetadataDirectory {
  return {
    describeSecret: async () => undefined,
    describeParameter: async (name) => {
      const elapsed = Date.now() - started();
      const writes = schedule.filter((change) => change.parameter === name && change.at <= elapsed);
      const last = writes.at(-1);
      return {
        name,
        version: 1 + writes.length,
        arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`,
        ...(last ? { lastModifiedDate: new Date(started() + last.at) } : {}),
      };
    },
    resourceTags: async () => ({}),
  };
}

function changeEvent(change: BurstChange, started: number, index: number): Record<string, unknown> {
  return {
    version: '0',
    id: `burst-${index}`,
    'detail-type': 'Parameter Store Change',
    source: 'aws.ssm',
    account: ACCOUNT,
    time: new Date(started + change.at).toISOString(),
    region: REGION,
    resources: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${change.parameter}`],
    detail: { operation: 'Update', name: change.parameter, type: 'SecureString' },
  };
}

/** Samples this process's RSS while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  try {
    const result = await work();
    return { result, peakRssMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** What one model did. */
interface ModelResult {
  readonly label: string;
  readonly stats: SimulatorStats;
  readonly updates: Record<string, { count: number; last: number }>;
  readonly started: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  /** Lambda invocations (per event: first tries and retries; batch: onChanges invocations). */
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly notes: string[];
}

/** Per event: an environment per event, Lambda's retries, a Powertools-like guard. */
async function perEvent(sim: SimulatorProcess, index: InstanceType<typeof InMemoryRevisionIndex>, schedule: readonly BurstChange[]): Promise<ModelResult> {
  const config = loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: ACCOUNT, SECRET_REFRESH_ECS_QUOTA_SHARE: '0.95' });
  await sim.control('reset');
  const started = Date.now();
  const directory = burstDirectory(schedule, () => started);
  // Powertools Idempotency as the per-event functions used it: (ARN, version) in progress or done.
  const guard = new Map<string, 'in-progress' | 'done'>();
  let invocations = 0;
  let failed = 0;
  let duplicates = 0;
  const invoke = async (change: BurstChange, event: Record<string, unknown>, attempt: number): Promise<void> => {
    invocations++;
    const version = (await directory.describeParameter(change.parameter, REGION))?.version;
    const key = `${change.parameter}@${version}`;
    if (guard.has(key)) {
      duplicates++;
      return;
    }
    guard.set(key, 'in-progress');
    const dependencies: PipelineDependencies = {
      clients: createAwsClients({ ecsQuotaShare: 0.95, ecsPacing: new EcsPacing() }),
      directory,
      taskDefinitions: new TaskDefinitionCache(10_000, index),
      expectedAccount: ACCOUNT,
    };
    const invokedAt = Date.now();
    let ok = false;
    try {
      const report = await runRefresh({ type: 'event', event }, config, dependencies, { deadline: new Date(invokedAt + TIMEOUT_MS - 30_000) });
      ok = !reportFailed(report);
    } catch {
      ok = false;
    }
    if (ok) {
      guard.set(key, 'done');
      return;
    }
    failed++;
    guard.delete(key);
    if (attempt < 3) {
      await sleep(attempt === 1 ? 60_000 : 120_000);
      await invoke(change, event, attempt + 1);
    }
  };
  const { result, peakRssMb } = await withPeakRss(() =>
    Promise.all(
      schedule.map(async (change, index_) => {
        await sleep(Math.max(0, started + change.at - Date.now()));
        await invoke(change, changeEvent(change, started, index_), 1);
      }),
    ),
  );
  void result;
  return {
    label: 'per event (before)',
    stats: await sim.control<SimulatorStats>('stats'),
    updates: await sim.control('updates'),
    started,
    seconds: (Date.now() - started) / 1000,
    peakRssMb,
    invocations,
    failedInvocations: failed,
    notes: [`${duplicates} invocations found their (ARN, version) in the guard and did nothing`],
  };
}

/** Batch: the intake queue, its event source mapping (settle window, 1,000 a batch, 2 at a time), onChanges. */
async function batch(
  sim: SimulatorProcess,
  index: InstanceType<typeof InMemoryRevisionIndex>,
  schedule: readonly BurstChange[],
  settleSeconds: number,
): Promise<ModelResult> {
  const config: Config = loadConfig({
    AWS_REGION: REGION,
    SECRET_REFRESH_ACCOUNT_ID: ACCOUNT,
    SECRET_REFRESH_IDEMPOTENCY_TABLE: 'bench-state',
    SECRET_REFRESH_MAX_TARGETS: '10000',
    SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR: '10000',
    SECRET_REFRESH_SETTLE_SECONDS: String(settleSeconds),
  });
  await sim.control('reset');
  const started = Date.now();
  const directory = burstDirectory(schedule, () => started);
  const queue = new IntakeModel(6 * TIMEOUT_MS, 5);
  const state = new MemoryStateTable();
  // Two warm execution environments (MaximumConcurrency 2), each with its own clients, pacing and cache.
  const environments = Array.from({ length: 2 }, () => ({
    busy: false,
    run: {
      config,
      dependencies: {
        clients: createAwsClients({ ecsQuotaShare: config.ecsQuotaShare, ecsPacing: new EcsPacing() }),
        directory,
        taskDefinitions: new TaskDefinitionCache(10_000, index),
        expectedAccount: ACCOUNT,
        state,
        intake: queue,
      } satisfies PipelineDependencies,
    },
  }));
  let invocations = 0;
  let failedMessages = 0;
  let batches = 0;
  const sizes: number[] = [];
  const delivering = Promise.all(
    schedule.map(async (change, index_) => {
      await sleep(Math.max(0, started + change.at - Date.now()));
      await queue.deliver([{ body: JSON.stringify(changeEvent(change, started, index_)), delaySeconds: 0 }]);
    }),
  );
  let delivered = false;
  void delivering.then(() => {
    delivered = true;
  });
  const inFlight = new Set<Promise<void>>();
  let windowOpened: number | undefined;
  const { peakRssMb } = await withPeakRss(async () => {
    for (;;) {
      const visible = queue.visibleCount();
      const idle = environments.find((environment) => !environment.busy);
      if (visible > 0 && windowOpened === undefined) windowOpened = Date.now();
      const windowDone = windowOpened !== undefined && (Date.now() - windowOpened >= settleSeconds * 1000 || visible >= 1000);
      if (idle && windowDone) {
        windowOpened = undefined;
        const records = queue.receive(1000);
        if (records.length > 0) {
          idle.busy = true;
          invocations++;
          batches++;
          sizes.push(records.length);
          const invokedAt = Date.now();
          const timing = { deadline: new Date(invokedAt + TIMEOUT_MS - 30_000), leaseUntil: new Date(invokedAt + TIMEOUT_MS), leaseWaitMs: 90_000 };
          const invocation = runIntakeBatch(records, idle.run, timing)
            .then((response) => {
              const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
              failedMessages += failed.size;
              for (const record of records) if (!failed.has(record.messageId)) queue.delete(record);
            })
            .finally(() => {
              idle.busy = false;
              inFlight.delete(invocation);
            });
          inFlight.add(invocation);
        }
      }
      if (delivered && queue.size === 0 && inFlight.size === 0) break;
      await sleep(100);
    }
  });
  return {
    label: `batch (settle ${settleSeconds} s)`,
    stats: await sim.control<SimulatorStats>('stats'),
    updates: await sim.control('updates'),
    started,
    seconds: (Date.now() - started) / 1000,
    peakRssMb,
    invocations,
    failedInvocations: failedMessages,
    notes: [
      `${batches} batches of ${sizes.join(', ')} messages (deferrals and give-backs come back as messages)`,
      `${queue.deliveries.length - schedule.length} messages sent back to the queue (deferred changes, batches given back while the other invocation held the lease)`,
      `${failedMessages} messages reported as batch item failures; ${queue.failed.length} in the failed-events queue`,
    ],
  };
}

/** Services left on an old value: not deployed after the last change of a parameter they read. */
function staleServices(result: ModelResult, readers: Record<string, string[]>, schedule: readonly BurstChange[], undeployable: ReadonlySet<string>): number {
  const lastChange = new Map<string, number>();
  for (const change of schedule) lastChange.set(change.parameter, result.started + change.at);
  let stale = 0;
  const services = new Map<string, number>();
  for (const [parameter, arns] of Object.entries(readers)) {
    for (const arn of arns) if (!undeployable.has(arn)) services.set(arn, Math.max(services.get(arn) ?? 0, lastChange.get(parameter) ?? 0));
  }
  for (const [arn, changedAt] of services) {
    const last = result.updates[arn]?.last ?? 0;
    // The simulator records deployments at whole seconds: deployed in a second after the change.
    if (Math.floor(last / 1000) <= Math.floor(changedAt / 1000)) stale++;
  }
  return stale;
}

function row(result: ModelResult, readers: Record<string, string[]>, schedule: readonly BurstChange[], undeployable: ReadonlySet<string>): string {
  const affected = new Set(
    Object.values(readers)
      .flat()
      .filter((arn) => !undeployable.has(arn)),
  );
  const counts = [...affected].map((arn) => result.updates[arn]?.count ?? 0);
  const histogram = (test: (count: number) => boolean) => counts.filter(test).length;
  const ecsCalls = sum(
    Object.entries(result.stats.calls)
      .filter(([action]) => !action.startsWith('batch:'))
      .map(([, count]) => count),
  );
  const lastUpdate = Math.max(0, ...Object.values(result.updates).map((update) => update.last));
  const firstEvent = result.started + (schedule[0]?.at ?? 0);
  const cells = [
    result.label,
    String(sum(Object.values(result.stats.throttled))),
    String(affected.size),
    String(histogram((count) => count === 0)),
    String(histogram((count) => count === 1)),
    String(histogram((count) => count === 2)),
    String(histogram((count) => count >= 3)),
    (sum(counts) / Math.max(1, affected.size)).toFixed(2),
    String(staleServices(result, readers, schedule, undeployable)),
    String(result.stats.calls.UpdateService ?? 0),
    String(ecsCalls),
    String(result.stats.calls.ListClusters ?? 0),
    lastUpdate > 0 ? ((lastUpdate - firstEvent) / 1000).toFixed(0) : '—',
    String(result.invocations),
    result.peakRssMb.toFixed(0),
  ];
  return `| ${cells.join(' | ')} |`;
}

const HEADER =
  '| model | throttled | affected services | deployed 0× | 1× | 2× | 3+× | deployments / affected | left on an old value | UpdateService calls | ECS calls | inventory scans | first event → last UpdateService, s | invocations | peak RSS MB |\n' +
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

const lines: string[] = [];
const out = (text = '') => {
  lines.push(text);
  console.log(text);
};
const benchStarted = Date.now();
const schedule = burstSchedule();
const sim = await SimulatorProcess.start({
  seed: SEED,
  services: SERVICES,
  clusters: Math.max(1, Math.round(SERVICES / 100)),
  revisions: Math.round(SERVICES * 0.4),
  jobDefinitions: Math.round(SERVICES / 10),
  changedShare: 0.1,
  latencyMedianMs: LATENCY_MS,
  burst: { parameters: PARAMETERS, minReaders: 10, maxReaders: 50, hotRevisions: Math.round(PARAMETERS * 0.6) },
});
try {
  process.env.AWS_ENDPOINT_URL = sim.url;
  const account = await sim.control<{ clusterSizes: number[]; revisionsInUse: number; parameterReaders: Record<string, string[]>; undeployable: string[] }>(
    'account',
  );
  const undeployable = new Set(account.undeployable);
  // Steady state: the persisted revision index (DynamoDB in production) knows every revision in use, for both models.
  const index = new InMemoryRevisionIndex();
  await sim.control('configure', { latencyMedianMs: 0, throttling: false });
  await runRefresh(
    { type: 'manual', ref: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${burstParameterName(0)}`, confirmLarge: true },
    loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: ACCOUNT, SECRET_REFRESH_ECS_QUOTA_SHARE: '0' }),
    {
      clients: createAwsClients({ ecsQuotaShare: 0 }),
      directory: burstDirectory(schedule, () => Date.now()),
      taskDefinitions: new TaskDefinitionCache(10_000, index),
      expectedAccount: ACCOUNT,
    },
    { dryRun: true },
  );
  await sim.control('configure', { latencyMedianMs: LATENCY_MS, throttling: true });
  const results: ModelResult[] = [];
  if (MODELS.includes('per-event')) results.push(await perEvent(sim, index, schedule));
  if (MODELS.includes('batch')) {
    for (const settle of SETTLES_S) {
      await sleep(5000); // let the token buckets refill a little, as between two real bursts
      results.push(await batch(sim, index, schedule, settle));
    }
  }
  const readers = new Set(Object.values(account.parameterReaders).flat());
  const affected = [...readers].filter((arn) => !undeployable.has(arn));
  const readsFive = Object.values(account.parameterReaders)
    .flat()
    .reduce((map, arn) => map.set(arn, (map.get(arn) ?? 0) + 1), new Map<string, number>());
  out('# Burst benchmark (bench/burst/run-burst.ts)');
  out();
  out(
    `Command: \`${process.env.BURST_COMMAND ?? 'npm run bench'}\` (BURST_SERVICES=${SERVICES}, BURST_PARAMETERS=${PARAMETERS}, BURST_WINDOW_S=${WINDOW_MS / 1000}, BURST_SETTLE_S=${SETTLES_S.join(',')}).`,
  );
  out(
    `Machine: ${availableParallelism()} cores (nproc), Node ${process.version}, ${process.platform}/${process.arch}; date ${new Date().toISOString()}. ` +
      `Account: ${SERVICES} ECS services in ${account.clusterSizes.length} clusters, ${account.revisionsInUse} revisions in use (the revision index knows them all: steady state), ` +
      `ECS throttling per the documented table, lognormal latency median ${LATENCY_MS} ms, seed ${SEED}. ` +
      `Burst: ${schedule.length} Parameter Store Change events within ${WINDOW_MS / 1000} s (${PARAMETERS} parameters, each changed twice; each read by 10–50 services; ` +
      `${readers.size} services read at least one, ${[...readsFive.values()].filter((count) => count >= 5).length} read 5 or more; ` +
      `${readers.size - affected.length} of them are never deployed by design (CODE_DEPLOY, or desiredCount 0) and are left out of the counts: "affected services" are the ${affected.length} others).`,
  );
  out();
  out(HEADER);
  for (const result of results) out(row(result, account.parameterReaders, schedule, undeployable));
  out();
  for (const result of results) {
    out(
      `- ${result.label}: ${result.invocations} invocations, ${result.failedInvocations} ${result.label.startsWith('per event') ? 'failed runs (each retried by Lambda, twice at most)' : 'messages retried'}; ${result.notes.join('; ')}; wall ${result.seconds.toFixed(0)} s.`,
    );
  }
  out();
  out(`Whole benchmark: ${((Date.now() - benchStarted) / 1000).toFixed(0)} s.`);
  writeResultsSection('burst', lines.join('\n'));
} finally {
  sim.stop();
}
process.exit(0);
