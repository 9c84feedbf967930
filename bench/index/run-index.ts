/**
 * `npm run bench:index`: the moonshot of issue 16 on the simulated 5,000- and 20,000-service accounts (bench/aws-sim
 * in its own process: ECS's documented buckets, 40 ms median latency), in one run per size:
 *
 * - **scan**: the first run of a Region the index does not cover (the run before issue 16: the full scan decides);
 * - **fast path**: the next change with the index covering the Region and a warm function (clients and task
 *   definition cache kept): time from the start of the run to the last UpdateService of the indexed services, and
 *   the ECS calls made until then (simulator counters sampled every 25 ms);
 * - **backstop**: the same run's full scan after the fast path (its own calls and time, and what it deployed);
 * - **lost entries** (5,000 only): 10% of the matching services removed from the index first; the backstop deploys them;
 * - **churn**: an hour of account churn (500 service deployments, three ECS events each, gathered in 10-s windows
 *   as the hint queue's event source does) applied through `indexServices`' hint half; the ECS calls it made.
 *
 * Both runs use a revision index filled beforehand (as an earlier run would have: DescribeTaskDefinition is not what
 * is measured) and pace at 0.95 of the quotas (what one client alone can use; the default share is 0.5). Writes the
 * `index` section of results/latest.md. Environment: BENCH_INDEX_SIZES (5000,20000).
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { SimulatorStats } from '../aws-sim/server.js';
import { SimulatorProcess } from '../aws-sim/simulator-process.js';
import { ACCOUNT, CHANGED_SECRET, changedSecretDirectory, generateAccount, REGION, type SyntheticAccountOptions } from '../aws-sim/synthetic-account.js';
import { useBenchEnvironment } from '../bench-environment.js';
import { writeResultsSection } from '../results-file.js';

useBenchEnvironment(REGION);

const { createAwsClients } = await import('../../lib/aws/clients.js');
const { TaskDefinitionCache } = await import('../../lib/aws/ecs.js');
const { EcsPacing } = await import('../../lib/aws/ecs-pacing.js');
const { InMemoryRevisionIndex } = await import('../../lib/aws/revision-index.js');
const { InMemoryServiceIndexStore } = await import('../../lib/aws/service-index-table.js');
const { loadConfig } = await import('../../lib/config/config.js');
const { applyHintBatch } = await import('../../lib/lambda/run-index-in-lambda.js');
const { runRefresh } = await import('../../lib/pipeline/run-refresh.js');
const { seededRandom } = await import('../aws-sim/random.js');

type Report = Awaited<ReturnType<typeof runRefresh>>;
const SIZES = (process.env.BENCH_INDEX_SIZES ?? '5000,20000').split(',').map(Number);
const SEED = 20261201;
const ECS_ACTIONS = ['ListClusters', 'ListServices', 'DescribeServices', 'DescribeTaskDefinition', 'UpdateService'] as const;

const directory = changedSecretDirectory();

interface Row {
  readonly size: number;
  readonly label: string;
  readonly toLastUpdate?: number;
  readonly seconds: number;
  readonly calls: Record<string, number>;
  readonly deployed: number;
  readonly note: string;
}

const ecsCalls = (stats: SimulatorStats) => Object.fromEntries(ECS_ACTIONS.map((action) => [action, stats.calls[action] ?? 0]));
const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(ECS_ACTIONS.map((action) => [action, (a[action] ?? 0) - (b[action] ?? 0)]));
const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, value) => sum + value, 0);
const deployedOf = (report: Report) => report.targets.filter((target) => target.type === 'ecs-service' && target.status === 'done').map((target) => target.arn);

const rows: Row[] = [];
const notes: string[] = [];
const benchStarted = Date.now();
for (const size of SIZES) {
  const options: SyntheticAccountOptions = {
    seed: SEED,
    services: size,
    clusters: Math.round(size / 100),
    revisions: Math.round(size * 0.4),
    changedShare: 60 / size,
    jobDefinitions: 10,
  };
  const account = generateAccount(options);
  const sim = await SimulatorProcess.start({ ...options, latencyMedianMs: 40 });
  process.env.AWS_ENDPOINT_URL = sim.url;
  const revisionIndex = new InMemoryRevisionIndex();
  for (const [arn, definition] of account.taskDefinitions) await revisionIndex.put(arn, definition as unknown as TaskDefinition);
  const store = new InMemoryServiceIndexStore();
  const config = loadConfig({
    AWS_REGION: REGION,
    SECRET_REFRESH_ACCOUNT_ID: ACCOUNT,
    SECRET_REFRESH_MAX_TARGETS: '100000',
    SECRET_REFRESH_ECS_QUOTA_SHARE: '0.95',
  });
  const taskDefinitions = new TaskDefinitionCache(50_000, revisionIndex);
  const dependencies = () => ({
    clients: createAwsClients({ ecsQuotaShare: 0.95, ecsPacing: new EcsPacing() }),
    directory,
    taskDefinitions,
    serviceIndex: store,
  });
  const run = async (label: string) => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a later second than the last deployments
    await sim.control('reset');
    const samples: { at: number; calls: Record<string, number> }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: Date.now(), calls: ecsCalls(await sim.control<SimulatorStats>('stats')) });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const started = Date.now();
    const report = await runRefresh({ type: 'manual', ref: CHANGED_SECRET.arn, kind: 'secret', confirmLarge: true }, config, dependencies());
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;
    const updates = await sim.control<Record<string, { count: number; last: number }>>('updates');
    const stats = ecsCalls(await sim.control<SimulatorStats>('stats'));
    return { label, report, seconds, started, updates, stats, samples };
  };

  // 1. The scan alone: the Region is not covered yet (this run fills the index).
  const scan = await run('scan');
  const scanDeployed = deployedOf(scan.report);
  rows.push({
    size,
    label: 'scan (index not covering the Region: the run before issue 16)',
    toLastUpdate: (Math.max(...scanDeployed.map((arn) => scan.updates[arn]?.last ?? 0)) - scan.started) / 1000,
    seconds: scan.seconds,
    calls: scan.stats,
    deployed: scanDeployed.length,
    note: `index filled: ${scan.report.serviceIndex?.servicesWritten ?? 0} services`,
  });

  // 2. Fast path + backstop (warm: the same task definition cache).
  const fast = await run('fast path');
  const fastTargets = fast.report.serviceIndex?.fastPathTargets ?? 0;
  const fastDeployed = deployedOf(fast.report);
  const lastFast = Math.max(...fastDeployed.map((arn) => fast.updates[arn]?.last ?? 0));
  const atLast = fast.samples.find((sample) => (sample.calls.UpdateService ?? 0) >= fastTargets) ?? fast.samples.at(-1);
  const fastCalls = atLast?.calls ?? {};
  rows.push({
    size,
    label: 'fast path (index, warm function)',
    toLastUpdate: (lastFast - fast.started) / 1000,
    seconds: ((atLast?.at ?? lastFast) - fast.started) / 1000,
    calls: fastCalls,
    deployed: fastTargets,
    note: `${fast.report.serviceIndex?.candidates ?? 0} candidates, calls sampled at the last fast-path UpdateService (±25 ms)`,
  });
  rows.push({
    size,
    label: 'backstop (the same run: full scan after the fast path)',
    seconds: fast.seconds - ((atLast?.at ?? lastFast) - fast.started) / 1000,
    calls: minus(fast.stats, fastCalls),
    deployed: (fast.report.serviceIndex?.missedByIndex ?? []).length,
    note: `deployed again by the backstop: ${fastDeployed.filter((arn) => (fast.updates[arn]?.count ?? 0) > 1).length}`,
  });

  // 3. Lost entries (5,000 only): 10% of the matching services gone from the index.
  if (size <= 5000) {
    const lost = fastDeployed.slice(0, Math.max(1, Math.round(fastDeployed.length / 10)));
    for (const arn of lost) {
      const stored = await store.service(arn);
      if (stored) await store.putService({ ...stored, present: false, readAt: Date.now() }, stored.keys);
    }
    const lossy = await run('lost entries');
    const missed = lossy.report.serviceIndex?.missedByIndex ?? [];
    rows.push({
      size,
      label: `backstop with ${lost.length} entries lost`,
      toLastUpdate: (Math.max(...missed.map((arn) => lossy.updates[arn]?.last ?? 0)) - lossy.started) / 1000,
      seconds: lossy.seconds,
      calls: lossy.stats,
      deployed: missed.length,
      note: `missed by the index and deployed by the backstop: ${missed.length} of ${lost.length} lost; every service deployed once: ${Object.values(lossy.updates).every((update) => update.count === 1)}`,
    });
  }

  // 4. An hour of churn: 500 deployments, three events each (CloudTrail UpdateService, deployment started and completed).
  await sim.control('reset');
  const random = seededRandom(SEED + size);
  const services = [...account.servicesByCluster.values()].flat();
  const windows = new Map<number, { messageId: string; body: string }[]>();
  for (let deployment = 0; deployment < 500; deployment++) {
    const service = services[Math.floor(random() * services.length)] as Record<string, unknown>;
    const window = Math.floor((random() * 3600) / 10);
    const arn = String(service.serviceArn);
    const events = [
      {
        source: 'aws.ecs',
        'detail-type': 'AWS API Call via CloudTrail',
        region: REGION,
        account: ACCOUNT,
        detail: {
          eventSource: 'ecs.amazonaws.com',
          eventName: 'UpdateService',
          awsRegion: REGION,
          responseElements: { service: { serviceArn: arn, clusterArn: service.clusterArn } },
        },
      },
      {
        source: 'aws.ecs',
        'detail-type': 'ECS Deployment State Change',
        region: REGION,
        account: ACCOUNT,
        resources: [arn],
        detail: { eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS' },
      },
      {
        source: 'aws.ecs',
        'detail-type': 'ECS Deployment State Change',
        region: REGION,
        account: ACCOUNT,
        resources: [arn],
        detail: { eventName: 'SERVICE_DEPLOYMENT_COMPLETED' },
      },
    ];
    const batch = windows.get(window) ?? [];
    for (const event of events) batch.push({ messageId: `${deployment}-${batch.length}`, body: JSON.stringify(event) });
    windows.set(window, batch);
  }
  const churnStarted = Date.now();
  const churnDependencies = dependencies();
  for (const batch of windows.values()) await applyHintBatch(batch, config, churnDependencies);
  const churnCalls = ecsCalls(await sim.control<SimulatorStats>('stats'));
  rows.push({
    size,
    label: 'churn: 1 h, 500 deployments, 1,500 events',
    seconds: (Date.now() - churnStarted) / 1000,
    calls: churnCalls,
    deployed: 0,
    note: `${windows.size} hint batches (10-s windows); index writes ${store.calls.writes} in all (in-memory store, whole bench of this size)`,
  });
  sim.stop();
}

const line = (row: Row) =>
  `| ${row.size} | ${row.label} | ${row.toLastUpdate === undefined ? '' : row.toLastUpdate.toFixed(2)} | ${row.seconds.toFixed(1)} | ${ECS_ACTIONS.map((action) => row.calls[action] ?? 0).join(' | ')} | ${total(row.calls)} | ${row.deployed} | ${row.note} |`;
const fastRows = rows.filter((row) => row.label.startsWith('fast path'));
notes.push(
  `Fast path, start of the run → last UpdateService: ${fastRows.map((row) => `${row.toLastUpdate?.toFixed(2)} s at ${row.size}`).join(', ')}; the scan took ${rows
    .filter((row) => row.label.startsWith('scan'))
    .map((row) => `${row.toLastUpdate?.toFixed(1)} s at ${row.size}`)
    .join(', ')}.`,
);
const markdown = [
  '# Service index: fast path, scan and backstop (bench/index/run-index.ts)',
  '',
  `Command: \`npm run bench:index\`. ${new Date().toISOString()}, Node ${process.versions.node}. Simulator in its own process: ECS's documented buckets, 40 ms median latency; pacing at 0.95 of the quotas; revision index filled beforehand; about 40 services read the changed secret so as to be redeployed. One run per size; the whole bench took ${((Date.now() - benchStarted) / 1000).toFixed(0)} s.`,
  '',
  `| services | run | start → last UpdateService, s | wall s | ${ECS_ACTIONS.join(' | ')} | ECS calls | deployed | note |`,
  `|---|---|---|---|${ECS_ACTIONS.map(() => '---|').join('')}---|---|---|`,
  ...rows.map(line),
  '',
  ...notes,
  '',
].join('\n');
process.stdout.write(`${markdown}\n`);
writeResultsSection('index', markdown);
