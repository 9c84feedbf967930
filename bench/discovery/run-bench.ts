/**
 * `npm run bench`: account-wide discovery at 500, 2,000 and 5,000 ECS services against bench/aws-sim
 * (ECS's documented throttling, 40 ms median latency), for
 *   (a) our pipeline (runRefresh, dry run, manual ref of the changed secret), cold then warm, and
 *   (b) the naive loop (naive-discovery.ts),
 * with the floor (minimum calls / minimum time under the quotas). Writes bench/results/latest.md.
 *
 * The simulator runs in a child process so RSS and CPU are the client's own.
 * Environment: BENCH_SIZES=500,2000 (subset), BENCH_NAIVE_CAP (services the naive loop runs against the
 * realistic simulator before its time is extrapolated; default 1000), BENCH_LATENCY_MS (default 40).
 */
import { availableParallelism } from 'node:os';
import { createAwsClients } from '../../lib/aws/clients.js';
import { TaskDefinitionCache } from '../../lib/aws/ecs.js';
import { resetEcsPacing } from '../../lib/aws/ecs-pacing.js';
import { InMemoryRevisionIndex } from '../../lib/aws/revision-index.js';
import { resolveManualChange } from '../../lib/changes/manual-refresh-change.js';
import { loadConfig } from '../../lib/config/config.js';
import { type PipelineDependencies, runRefresh } from '../../lib/pipeline/run-refresh.js';
import { changeForMatching } from '../../lib/plan/change-for-matching.js';
import type { ActionableChange } from '../../lib/plan/types.js';
import type { SimulatorStats } from '../aws-sim/server.js';
import { SimulatorProcess } from '../aws-sim/simulator-process.js';
import { ACCOUNT, CHANGED_SECRET, changedSecretDirectory, REGION } from '../aws-sim/synthetic-account.js';
import { writeResultsSection } from '../results-file.js';
import { type DiscoveryFloor, discoveryFloor } from './floor.js';
import { naiveDiscovery } from './naive-discovery.js';

interface Size {
  readonly services: number;
  readonly clusters: number;
  readonly revisions: number;
  readonly jobDefinitions: number;
}
const ALL_SIZES: readonly Size[] = [
  { services: 500, clusters: 5, revisions: 250, jobDefinitions: 50 },
  { services: 2000, clusters: 20, revisions: 800, jobDefinitions: 200 },
  { services: 5000, clusters: 50, revisions: 2000, jobDefinitions: 500 },
];
const ECS_ACTIONS = ['ListClusters', 'ListServices', 'DescribeServices', 'DescribeTaskDefinition'] as const;
const wanted = (process.env.BENCH_SIZES ?? '').split(',').filter(Boolean).map(Number);
const sizes = wanted.length ? ALL_SIZES.filter((size) => wanted.includes(size.services)) : ALL_SIZES;
const naiveCap = Number(process.env.BENCH_NAIVE_CAP ?? 1000);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 40);
const SEED = 20261124;
/** The discovery bench measures against the quota floor at the share it was built with (0.95; the default is now 0.5). */
const DISCOVERY_SHARE = 0.95;

/** One measured run. */
interface Measured {
  readonly label: string;
  readonly seconds: number;
  readonly calls: Record<string, number>;
  readonly throttled: number;
  readonly matches: Set<string>;
  readonly batchCalls: number;
  readonly problems: number;
  readonly peakRssMb?: number;
  readonly note?: string;
}

function ecsCalls(stats: SimulatorStats): Record<string, number> {
  return Object.fromEntries(ECS_ACTIONS.map((action) => [action, stats.calls[action] ?? 0]));
}
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const sumWhere = (record: Record<string, number>, test: (key: string) => boolean) =>
  Object.entries(record).reduce((a, [key, value]) => (test(key) ? a + value : a), 0);

/** Samples this process's RSS while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const directory = changedSecretDirectory();

async function runOurs(sim: SimulatorProcess, label: string, dependencies: PipelineDependencies): Promise<Measured> {
  const config = loadConfig({
    AWS_REGION: REGION,
    SECRET_REFRESH_DRY_RUN: 'true',
    SECRET_REFRESH_ACCOUNT_ID: ACCOUNT,
    SECRET_REFRESH_ECS_QUOTA_SHARE: String(DISCOVERY_SHARE),
  });
  await sim.control('reset');
  resetEcsPacing(); // the simulator's buckets were refilled: so are ours (runs are minutes apart in real life)
  const started = performance.now();
  const { result: report, peakRssMb } = await withPeakRss(() =>
    runRefresh({ type: 'manual', ref: CHANGED_SECRET.arn, kind: 'secret', confirmLarge: true }, config, dependencies, { dryRun: true }),
  );
  const seconds = (performance.now() - started) / 1000;
  const stats = await sim.control<SimulatorStats>('stats');
  const matches = new Set(report.targets.filter((target) => target.type === 'ecs-service').map((target) => target.arn));
  return {
    label,
    seconds,
    calls: ecsCalls(stats),
    throttled: sum(stats.throttled),
    matches,
    batchCalls: sumWhere(stats.calls, (key) => key.startsWith('batch:')),
    problems: report.summary.inventoryProblems,
    peakRssMb,
  };
}

async function runNaive(sim: SimulatorProcess, services: number): Promise<Measured> {
  const change = changeForMatching((await resolveManualChange({ ref: CHANGED_SECRET.arn, kind: 'secret' }, REGION, new Date(), directory)) as ActionableChange);
  await sim.control('reset');
  const capped = services > naiveCap;
  const started = performance.now();
  const timed = await naiveDiscovery(change, capped ? { maxServices: naiveCap } : {});
  const timedSeconds = (performance.now() - started) / 1000;
  const timedStats = await sim.control<SimulatorStats>('stats');
  if (!capped) {
    return {
      label: 'naive',
      seconds: timedSeconds,
      calls: ecsCalls(timedStats),
      throttled: sum(timedStats.throttled),
      matches: timed.matches,
      batchCalls: 0,
      problems: timed.failedCalls,
    };
  }
  // Capped: the timed part ran against the realistic simulator; calls and matches come from a full pass
  // with latency and throttling off (the naive loop is sequential and per service, so its time scales linearly).
  const scale = services / timed.servicesScanned;
  await sim.control('configure', { latencyMedianMs: 0, throttling: false });
  await sim.control('reset');
  const full = await naiveDiscovery(change);
  const fullStats = await sim.control<SimulatorStats>('stats');
  await sim.control('configure', { latencyMedianMs: latencyMs, throttling: true });
  return {
    label: 'naive (extrapolated)',
    seconds: timedSeconds * scale,
    calls: ecsCalls(fullStats),
    throttled: Math.round(sum(timedStats.throttled) * scale),
    matches: full.matches,
    batchCalls: 0,
    problems: timed.failedCalls + full.failedCalls,
    note: `timed over the first ${timed.servicesScanned} services (${timedSeconds.toFixed(1)} s, ${sum(timedStats.throttled)} throttled, ${timed.failedCalls} failed after retries), ×${scale.toFixed(2)}; calls and matches from a full pass with latency and throttling off`,
  };
}

function row(run: Measured, floor: DiscoveryFloor, naive?: Measured): string {
  const total = sum(run.calls);
  const cells = [
    run.label,
    run.seconds.toFixed(1),
    ...ECS_ACTIONS.map((action) => String(run.calls[action] ?? 0)),
    String(total),
    String(run.throttled),
    String(run.matches.size),
    String(run.problems),
    `${(run.seconds / floor.seconds).toFixed(2)}×`,
    `${(total / floor.totalCalls).toFixed(3)}×`,
    naive ? `${(run.seconds / naive.seconds).toFixed(3)}` : '',
    naive ? `${(total / sum(naive.calls)).toFixed(3)}` : '',
    run.peakRssMb !== undefined ? run.peakRssMb.toFixed(0) : '',
  ];
  return `| ${cells.join(' | ')} |`;
}

const header =
  '| run | wall s | ListClusters | ListServices | DescribeServices | DescribeTaskDefinition | ECS calls | throttled | matches | problems | time / floor | calls / floor | time ours/naive | calls ours/naive | peak RSS MB |\n' +
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';

process.env.AWS_REGION = REGION;
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
delete process.env.AWS_PROFILE;

const lines: string[] = [];
const out = (text = '') => {
  lines.push(text);
  console.log(text);
};
const benchStarted = performance.now();
let mismatch = false;
out('# Discovery benchmark (bench/discovery/run-bench.ts)');
out();
out(
  `Machine: ${availableParallelism()} cores (nproc), Node ${process.version}, ${process.platform}/${process.arch}; date ${new Date().toISOString()}. ` +
    'Simulator: ECS throttling per the documented table (service read 100/20, task definition read 50/20, cluster read 50/20 burst/sustained per s), ' +
    `lognormal latency median ${latencyMs} ms (σ 0.5), seed ${SEED}, 10% of revisions reference the changed secret. ` +
    'Ours: runRefresh dry run, manual ref, SECRET_REFRESH_CONCURRENCY default; cold = new clients and TaskDefinitionCache, warm = second run with both kept, cold + index = new clients and cache with the persisted revision index filled by the cold run. Our client paces ECS calls at 0.95 of the documented quotas (SECRET_REFRESH_ECS_QUOTA_SHARE). ' +
    'Token buckets are refilled between runs (runs are minutes apart in real life).',
);
for (const size of sizes) {
  const sim = await SimulatorProcess.start({ seed: SEED, ...size, changedShare: 0.1, latencyMedianMs: latencyMs });
  try {
    process.env.AWS_ENDPOINT_URL = sim.url;
    const account = await sim.control<{ clusterSizes: number[]; revisionsInUse: number; jobDefinitions: number }>('account');
    const floor = discoveryFloor(account.clusterSizes, account.revisionsInUse, latencyMs);
    // The persisted revision index (DynamoDB in production), filled by the cold run.
    const index = new InMemoryRevisionIndex();
    const dependencies: PipelineDependencies = {
      clients: createAwsClients({ ecsQuotaShare: DISCOVERY_SHARE }),
      directory,
      taskDefinitions: new TaskDefinitionCache(10_000, index),
      expectedAccount: ACCOUNT,
    };
    const cold = await runOurs(sim, 'ours cold', dependencies);
    const warm = await runOurs(sim, 'ours warm', dependencies);
    const indexed = await runOurs(sim, 'ours cold + index', {
      ...dependencies,
      clients: createAwsClients({ ecsQuotaShare: DISCOVERY_SHARE }),
      taskDefinitions: new TaskDefinitionCache(10_000, index),
    });
    const naive = await runNaive(sim, size.services);
    out();
    out(
      `## ${size.services} services, ${account.clusterSizes.length} clusters (largest ${Math.max(...account.clusterSizes)}), ${account.revisionsInUse} revisions in use, ${account.jobDefinitions} Batch job definitions`,
    );
    out();
    out(header);
    out(`| floor | ${floor.seconds.toFixed(1)} | ${ECS_ACTIONS.map((a) => floor.calls[a]).join(' | ')} | ${floor.totalCalls} | 0 | | | 1.00× | 1.000× | | | |`);
    for (const run of [cold, warm, indexed]) out(row(run, floor, naive));
    out(row(naive, floor));
    out();
    out(
      `Batch calls (ours, not in the ECS columns): cold ${cold.batchCalls}, warm ${warm.batchCalls}. ` +
        `Speed-up ours cold vs naive: ${(naive.seconds / cold.seconds).toFixed(1)}×; warm: ${(naive.seconds / warm.seconds).toFixed(1)}×; ` +
        `cold with the revision index: ${(naive.seconds / indexed.seconds).toFixed(1)}×.`,
    );
    if (naive.note) out(`Naive: ${naive.note}.`);
    for (const run of [cold, warm, indexed]) {
      const same = run.matches.size === naive.matches.size && [...run.matches].every((arn) => naive.matches.has(arn));
      if (!same) {
        mismatch = true;
        const missing = [...naive.matches].filter((arn) => !run.matches.has(arn)).length;
        const extra = [...run.matches].filter((arn) => !naive.matches.has(arn)).length;
        out(`**MISMATCH (${run.label}): ${missing} naive matches missing, ${extra} extra. Inventory problems: ${run.problems}.**`);
      }
    }
    if (!mismatch) out('Matches identical (same service ARNs) for ours cold, ours warm, ours cold + index and naive.');
  } finally {
    sim.stop();
  }
}
out();
out(`Whole benchmark: ${((performance.now() - benchStarted) / 1000).toFixed(0)} s.`);
writeResultsSection('discovery', lines.join('\n'));
if (mismatch) {
  console.error('benchmark FAILED: matches differ between our pipeline and the naive baseline');
  process.exit(1);
}
process.exit(0);
