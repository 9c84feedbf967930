/**
 * `npm run bench:pacing`: 40 UpdateService calls (40 services in 29 clusters of the 5,000-service simulated account,
 * ECS's documented buckets, 40 ms median latency) through our paced ECS client, with the pacing as it was before
 * issue 16 (each bucket starts at half the documented burst) and as it is now (the documented burst), in one run.
 * Time from the first call to the last answer; the share is 0.5 (the default) and the concurrency 5 (the default)
 * and 40. Writes the `pacing` section of results/latest.md.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { startAwsSimulator } from '../aws-sim/server.js';
import { generateAccount, REGION } from '../aws-sim/synthetic-account.js';
import { useBenchEnvironment } from '../bench-environment.js';
import { writeResultsSection } from '../results-file.js';

useBenchEnvironment(REGION);

const { createAwsClients } = await import('../../lib/aws/clients.js');
const { mapWithConcurrency } = await import('../../lib/aws/concurrency.js');
const { forceNewDeployment } = await import('../../lib/aws/ecs.js');
const { ECS_QUOTAS, EcsPacing, PacingBucket } = await import('../../lib/aws/ecs-pacing.js');

/** The pacing before issue 16: the same buckets, started at half the documented burst (its capacity too). */
class HalfBurstPacing extends EcsPacing {
  readonly #buckets = new Map<string, InstanceType<typeof PacingBucket>>();
  public override bucket(region: string, command: string, share: number) {
    const entry = Object.entries(ECS_QUOTAS).find(([, quota]) => quota.commands.includes(command));
    if (!entry) return undefined;
    const [category, quota] = entry;
    const key = `${region}|${category}|${share}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new PacingBucket({ burst: Math.max(1, Math.floor(quota.burst / 2)), sustained: quota.sustained * share });
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

const SHARE = 0.5;
const account = generateAccount({ seed: 20261124, services: 5000, clusters: 50, revisions: 2000 });
// 40 services in 29 clusters: one from each of 29 clusters, then 11 more from the first 11.
const clusters = account.clusterArns.slice(0, 29);
const targets = [
  ...clusters.map((cluster) => account.servicesByCluster.get(cluster)?.[0]),
  ...clusters.slice(0, 11).map((cluster) => account.servicesByCluster.get(cluster)?.[1]),
].map((service) => ({ cluster: String(service?.clusterArn), arn: String(service?.serviceArn) }));
const simulator = await startAwsSimulator({ account, latencyMedianMs: 40 });
process.env.AWS_ENDPOINT_URL = simulator.url;

const rows: string[] = [];
const results = new Map<string, number>();
try {
  for (const concurrency of [5, 40]) {
    for (const [label, pacing] of [
      ['before: half the burst', new HalfBurstPacing()],
      ['now: the documented burst', new EcsPacing()],
    ] as const) {
      simulator.reset();
      const clients = createAwsClients({ ecsQuotaShare: SHARE, ecsPacing: pacing });
      const ecs: ECSClient = clients.ecs(REGION);
      const started = performance.now();
      await mapWithConcurrency(targets, concurrency, (target) => forceNewDeployment(ecs, target.cluster, target.arn));
      const seconds = (performance.now() - started) / 1000;
      const stats = simulator.stats();
      results.set(`${concurrency}|${label}`, seconds);
      rows.push(`| ${concurrency} | ${label} | ${seconds.toFixed(2)} | ${stats.calls.UpdateService ?? 0} | ${stats.throttled.UpdateService ?? 0} |`);
      ecs.destroy();
    }
  }
} finally {
  await simulator.close();
}
const ratio = (concurrency: number) =>
  ((results.get(`${concurrency}|now: the documented burst`) ?? 0) / (results.get(`${concurrency}|before: half the burst`) ?? 1)).toFixed(2);
const markdown = [
  '# Pacing: 40 UpdateService calls (bench/pacing/run-pacing.ts)',
  '',
  `Command: \`npm run bench:pacing\`. ${new Date().toISOString()}, Node ${process.versions.node}. 40 services in 29 clusters of the 5,000-service simulated account, ECS's documented buckets (service modify: burst 50, 5 a second), 40 ms median latency, share ${SHARE}.`,
  '',
  '| concurrency | pacing | first call → last answer, s | UpdateService calls | throttled |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  `Now / before: ${ratio(5)}× at concurrency 5, ${ratio(40)}× at concurrency 40.`,
  '',
].join('\n');
process.stdout.write(`${markdown}\n`);
writeResultsSection('pacing', markdown);
