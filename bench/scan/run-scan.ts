/**
 * `npm run bench:scan` (issue 16, item 3): a batch's full scan of the 20,000-service / 8,000-revision account
 * (bench/aws-sim in its own process: ECS's documented buckets, 40 ms median latency) through the intake queue's
 * function body (`runIntakeBatch`) with the real Lambda timing: each invocation gets 300 s (the deadline
 * `runChangesInLambda` derives: 300 s − 30 s margin; the scan stops starting pages 45 s before it), and the
 * continuation messages it sends are run back to back in this process, as `onChanges` would receive them.
 *
 * Cold: an empty task definition cache and revision index (every revision described once). Warm: both filled (a
 * warm function, or a cold one with the revision index). Pacing at the default share (0.5); one execution
 * environment for the whole chain (its clients and pacing buckets are kept, as a warm Lambda keeps them).
 *
 * Reports per run: invocations, each one's time (none may reach 300 s), the total, the ECS calls by action against
 * the single-invocation scan's (bench/discovery/floor.ts: what one go reads; its time at the share is past the
 * deadline), and that every matching service was deployed exactly once. Writes the `scan` section of
 * results/latest.md. Environment: BENCH_SCAN_SERVICES (20000), BENCH_SCAN_REVISIONS (8000), BENCH_SCAN_RUNS (cold,warm).
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { SimulatorStats } from '../aws-sim/server.js';
import { SimulatorProcess } from '../aws-sim/simulator-process.js';
import { ACCOUNT, CHANGED_SECRET, changedSecretDirectory, generateAccount, REGION, type SyntheticAccountOptions } from '../aws-sim/synthetic-account.js';
import { useBenchEnvironment } from '../bench-environment.js';
import { discoveryFloor, quotaSeconds } from '../discovery/floor.js';
import { writeResultsSection } from '../results-file.js';

useBenchEnvironment(REGION);

const { createAwsClients } = await import('../../lib/aws/clients.js');
const { TaskDefinitionCache } = await import('../../lib/aws/ecs.js');
const { EcsPacing } = await import('../../lib/aws/ecs-pacing.js');
const { InMemoryRevisionIndex } = await import('../../lib/aws/revision-index.js');
const { InMemoryScanCheckpoints } = await import('../../lib/aws/scan-checkpoints.js');
const { loadConfig } = await import('../../lib/config/config.js');
const { logger } = await import('../../lib/lambda/logger.js');
const { runIntakeBatch } = await import('../../lib/lambda/run-changes-in-lambda.js');
const { DEADLINE_MARGIN_MS } = await import('../../lib/lambda/run-in-lambda.js');
const { MemoryStateTable } = await import('../../test/support/memory-state-table.js');

type Report = import('../../lib/report/types.js').RefreshReport;

const SERVICES = Number(process.env.BENCH_SCAN_SERVICES ?? 20_000);
const REVISIONS = Number(process.env.BENCH_SCAN_REVISIONS ?? 8_000);
const RUNS = (process.env.BENCH_SCAN_RUNS ?? 'cold,warm').split(',') as ('cold' | 'warm')[];
const TIMEOUT_MS = 300_000;
const SHARE = 0.5;
const LATENCY_MS = 40;
const ECS_ACTIONS = ['ListClusters', 'ListServices', 'DescribeServices', 'DescribeTaskDefinition', 'UpdateService'] as const;

const directory = changedSecretDirectory();

const options: SyntheticAccountOptions = {
  seed: 20261201,
  services: SERVICES,
  clusters: Math.round(SERVICES / 100),
  revisions: REVISIONS,
  changedShare: 60 / SERVICES,
  jobDefinitions: 10,
};
const account = generateAccount(options);
const clusterSizes = [...account.servicesByCluster.values()].map((services) => services.length);

// Capture every report the function body logs (logger is silent otherwise).
const reports: Report[] = [];
for (const level of ['info', 'warn', 'error'] as const) {
  (logger as unknown as Record<string, (message: string, context?: { report?: Report }) => void>)[level] = (_message, context) => {
    if (context?.report) reports.push(context.report);
  };
}

interface Row {
  readonly run: string;
  readonly invocations: number;
  readonly perInvocation: number[];
  readonly total: number;
  readonly calls: Record<string, number>;
  readonly oneGo: Record<string, number>;
  readonly oneGoSeconds: number;
  readonly deployed: number;
  readonly once: boolean;
  readonly matches: number;
  readonly throttled: number;
  readonly checkpointBytes: number;
}

const sim = await SimulatorProcess.start({ ...options, latencyMedianMs: LATENCY_MS });
process.env.AWS_ENDPOINT_URL = sim.url;
const rows: Row[] = [];
const started = Date.now();
const revisionIndex = new InMemoryRevisionIndex();
for (const run of RUNS) {
  if (run === 'warm') for (const [arn, definition] of account.taskDefinitions) await revisionIndex.put(arn, definition as unknown as TaskDefinition);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // a later second than the last deployments
  await sim.control('reset');
  const config = loadConfig({ AWS_REGION: REGION, SECRET_REFRESH_ACCOUNT_ID: ACCOUNT, SECRET_REFRESH_MAX_TARGETS: '100000' });
  const queue: { messageId: string; body: string }[] = [];
  const checkpoints = new InMemoryScanCheckpoints();
  let sent = 0;
  let checkpointBytes = 0;
  // One execution environment for the chain: clients, pacing buckets and the task definition cache are kept.
  const dependencies = {
    clients: createAwsClients({ ecsQuotaShare: SHARE, ecsPacing: new EcsPacing() }),
    directory,
    taskDefinitions: new TaskDefinitionCache(50_000, run === 'warm' ? revisionIndex : new InMemoryRevisionIndex()),
    state: new MemoryStateTable(),
    scanCheckpoints: checkpoints,
    expectedAccount: ACCOUNT,
    intake: {
      deliver: async (messages: readonly { body: string }[]) => {
        for (const message of messages) queue.push({ messageId: `q-${++sent}`, body: message.body });
      },
    },
  };
  const event = {
    version: '0',
    id: `bench-scan-${run}`,
    'detail-type': 'Secret Label Updated',
    source: 'aws.secretsmanager',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [CHANGED_SECRET.arn],
    detail: { name: CHANGED_SECRET.name, labelUpdated: 'AWSCURRENT', versionId: CHANGED_SECRET.currentVersion },
  };
  queue.push({ messageId: 'm-0', body: JSON.stringify(event) });
  const perInvocation: number[] = [];
  const first = reports.length;
  while (queue.length > 0 && perInvocation.length < 30) {
    const record = queue.shift() as { messageId: string; body: string };
    const now = Date.now();
    const timing = {
      deadline: new Date(now + TIMEOUT_MS - DEADLINE_MARGIN_MS),
      leaseUntil: new Date(now + TIMEOUT_MS),
      leaseWaitMs: Math.min(90_000, Math.floor(TIMEOUT_MS / 4)),
    };
    const response = await runIntakeBatch([record], { config, dependencies }, timing);
    const seconds = (Date.now() - now) / 1000;
    perInvocation.push(seconds);
    for (const size of checkpoints.sizes().values()) checkpointBytes = Math.max(checkpointBytes, size);
    const report = reports.at(-1);
    console.error(
      `${run}: invocation ${perInvocation.length}: ${seconds.toFixed(1)} s, scan ${JSON.stringify(report?.scan)}, failures ${response.batchItemFailures.length}`,
    );
    if (seconds * 1000 >= TIMEOUT_MS) throw new Error(`${run}: invocation ${perInvocation.length} took ${seconds} s: past the Lambda timeout`);
  }
  const last = reports.at(-1);
  if (reports.length === first || !last?.scan?.complete) throw new Error(`${run}: the scan did not complete`);
  const stats = await sim.control<SimulatorStats>('stats');
  const updates = await sim.control<Record<string, { count: number }>>('updates');
  const calls = Object.fromEntries(ECS_ACTIONS.map((action) => [action, stats.calls[action] ?? 0]));
  const floor = discoveryFloor(clusterSizes, run === 'cold' ? account.revisionsInUse : 0, LATENCY_MS);
  rows.push({
    run,
    invocations: perInvocation.length,
    perInvocation,
    total: perInvocation.reduce((sum, seconds) => sum + seconds, 0),
    calls,
    oneGo: floor.calls,
    oneGoSeconds: quotaSeconds(floor.calls, SHARE),
    deployed: Object.keys(updates).length,
    once: Object.values(updates).every((update) => update.count === 1),
    matches: last.scan.matches,
    throttled: Object.values(stats.throttled).reduce((sum, count) => sum + count, 0),
    checkpointBytes,
  });
}
sim.stop();

const cell = (row: Row, action: string) => {
  const ours = row.calls[action] ?? 0;
  const one = row.oneGo[action];
  return one === undefined ? String(ours) : `${ours} (${one})`;
};
const markdown = [
  '# Scans that finish at any size (bench/scan/run-scan.ts)',
  '',
  `Command: \`npm run bench:scan\`. ${new Date().toISOString()}, Node ${process.versions.node}. Simulator in its own process: ${SERVICES.toLocaleString('en')} services in ${clusterSizes.length} clusters, ${account.revisionsInUse.toLocaleString('en')} revisions in use, one Region, ECS's documented buckets, ${LATENCY_MS} ms median latency; pacing at the default share ${SHARE}; each invocation gets the real 300 s (deadline 270 s, the scan stops starting pages 45 s before it), continuations run back to back in-process through \`runIntakeBatch\`, one execution environment. Cold: empty task definition cache and revision index; warm: both filled. The whole bench took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  '',
  '| run | invocations | each, s | total, s | ListClusters | ListServices | DescribeServices | DescribeTaskDefinition | UpdateService | throttled | matches | deployed (each once) | one go at share 0.5, s | largest checkpoint, bytes |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.run} | ${row.invocations} | ${row.perInvocation.map((seconds) => seconds.toFixed(1)).join(', ')} | ${row.total.toFixed(1)} | ${cell(row, 'ListClusters')} | ${cell(row, 'ListServices')} | ${cell(row, 'DescribeServices')} | ${cell(row, 'DescribeTaskDefinition')} | ${row.calls.UpdateService} | ${row.throttled} | ${row.matches} | ${row.deployed} (${row.once}) | ${row.oneGoSeconds.toFixed(0)} | ${row.checkpointBytes} |`,
  ),
  '',
  'In parentheses: the single-invocation scan\'s calls (bench/discovery/floor.ts: what one go reads). ListClusters, ListServices and DescribeTaskDefinition equal them: no page and no revision read twice; DescribeServices exceeds them only by the re-read of the matches found in earlier invocations (10 a call, per cluster). "One go at share 0.5" is the least time the single invocation needs for those calls at the pacing share (each bucket\'s burst, then 0.5 × its sustained rate), scan only: past 270 s it cannot finish before its deadline.',
  ...rows.map(
    (row) =>
      `- ${row.run}: ${row.invocations} invocations, ${row.total.toFixed(0)} s in all (none reached 300 s); one go would need ≥ ${row.oneGoSeconds.toFixed(0)} s of scan alone${row.oneGoSeconds > 270 ? ': past the deadline, it times out and its retry starts over' : ' (it would fit one invocation; with the 45 s reserve the stepwise scan still checkpoints when it nears the deadline)'}; DescribeServices above one go: ${(row.calls.DescribeServices ?? 0) - (row.oneGo.DescribeServices ?? 0)} (the re-read of ${row.matches} matches).`,
  ),
].join('\n');
writeResultsSection('scan', markdown);
console.log(markdown);
