import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListClustersCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { taskDefinitionReferences } from '../../lib/inventory/task-definition-references.js';
import { matchReference } from '../../lib/references/index.js';
import type { ChangeForMatching } from '../../lib/references/types.js';

/** What the naive loop found. */
export interface NaiveResult {
  /** ARNs of services with at least one reference related to the change (same rule as the pipeline's targets). */
  readonly matches: Set<string>;
  readonly servicesScanned: number;
  /** Calls that still failed after the SDK's default retries (the script would have crashed or missed them). */
  readonly failedCalls: number;
}

/**
 * The baseline the community scripts imply: for each cluster, ListServices with default paging (10 a page),
 * DescribeServices one service at a time, DescribeTaskDefinition for every service, all sequential, with the
 * SDK's default retries (standard mode, 3 attempts). It uses lib/references so its matches are comparable.
 * `maxServices` stops after the cluster that reaches it (the benchmark's cap for long runs).
 */
export async function naiveDiscovery(change: ChangeForMatching, options: { maxServices?: number } = {}): Promise<NaiveResult> {
  const client = new ECSClient({ region: 'us-east-1' });
  const matches = new Set<string>();
  let servicesScanned = 0;
  let failedCalls = 0;
  const clusters: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListClustersCommand({ ...(token ? { nextToken: token } : {}) }));
    clusters.push(...(page.clusterArns ?? []));
    token = page.nextToken;
  } while (token);
  for (const cluster of clusters) {
    if (options.maxServices !== undefined && servicesScanned >= options.maxServices) break;
    const serviceArns: string[] = [];
    let next: string | undefined;
    do {
      const page = await client.send(new ListServicesCommand({ cluster, ...(next ? { nextToken: next } : {}) }));
      serviceArns.push(...(page.serviceArns ?? []));
      next = page.nextToken;
    } while (next);
    const [, partition = 'aws', , , account = ''] = cluster.split(':');
    for (const serviceArn of serviceArns) {
      servicesScanned++;
      try {
        const described = await client.send(new DescribeServicesCommand({ cluster, services: [serviceArn], include: ['TAGS'] }));
        const service = described.services?.[0];
        if (!service?.taskDefinition) continue;
        const { taskDefinition } = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }));
        if (!taskDefinition) continue;
        const references = taskDefinitionReferences(taskDefinition, { partition, region: 'us-east-1', account });
        const related = references.some(
          (reference) => !('error' in reference.parsed) && matchReference(reference.parsed.reference, change).impact !== 'unrelated',
        );
        if (related) matches.add(serviceArn);
      } catch {
        failedCalls++;
      }
    }
  }
  client.destroy();
  return { matches, servicesScanned, failedCalls };
}
