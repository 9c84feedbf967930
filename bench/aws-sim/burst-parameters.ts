import type { JsonObject } from './synthetic-account.js';

/** The SSM parameters of the burst benchmark: `/bench/burst/p000` … */
export function burstParameterName(index: number): string {
  return `/bench/burst/p${String(index).padStart(3, '0')}`;
}

/** Options of {@link addBurstParameters}. */
export interface BurstParameterOptions {
  /** How many parameters (the burst: 100). */
  readonly parameters: number;
  /** Readers per parameter, drawn uniformly (services, not revisions): the 10–50. */
  readonly minReaders: number;
  readonly maxReaders: number;
  /** Revisions that read 5 parameters each ("some services read 5 of them"). */
  readonly hotRevisions: number;
}

/**
 * Adds SSM parameter references to the account's task definition revisions so that each of `parameters` parameters
 * is read by `minReaders`–`maxReaders` services, and the services of `hotRevisions` revisions read 5 of them.
 * References go into the first container's `secrets` by name (`/bench/burst/p042`), the most common form.
 * Mutates the task definitions; returns parameter name → the ARNs of the services that read it.
 */
export function addBurstParameters(
  taskDefinitions: Map<string, JsonObject>,
  servicesByCluster: Map<string, JsonObject[]>,
  random: () => number,
  options: BurstParameterOptions,
): Map<string, string[]> {
  const servicesOf = new Map<string, string[]>();
  for (const services of servicesByCluster.values()) {
    for (const service of services) {
      const revision = String(service.taskDefinition);
      servicesOf.set(revision, [...(servicesOf.get(revision) ?? []), String(service.serviceArn)]);
    }
  }
  const revisions = [...servicesOf.keys()];
  const readsOf = new Map<string, Set<number>>();
  const readers = new Map<number, Set<string>>(Array.from({ length: options.parameters }, (_, index) => [index, new Set<string>()]));
  const read = (revision: string, parameter: number) => {
    const reads = readsOf.get(revision) ?? new Set<number>();
    if (reads.has(parameter)) return;
    reads.add(parameter);
    readsOf.set(revision, reads);
    for (const arn of servicesOf.get(revision) ?? []) readers.get(parameter)?.add(arn);
  };
  const shuffled = [...revisions].sort(() => random() - 0.5);
  const hot = shuffled.slice(0, options.hotRevisions);
  for (const revision of hot) {
    const chosen = new Set<number>();
    while (chosen.size < 5) chosen.add(Math.floor(random() * options.parameters));
    for (const parameter of chosen) read(revision, parameter);
  }
  const cold = shuffled.slice(options.hotRevisions);
  let next = 0;
  for (let parameter = 0; parameter < options.parameters; parameter++) {
    const target = options.minReaders + Math.floor(random() * (options.maxReaders - options.minReaders + 1));
    while ((readers.get(parameter)?.size ?? 0) < target && next < cold.length) read(cold[next++] as string, parameter);
  }
  for (const [revision, reads] of readsOf) {
    const definition = taskDefinitions.get(revision);
    const [container] = (definition?.containerDefinitions as JsonObject[] | undefined) ?? [];
    if (!container) continue;
    const secrets = [...((container.secrets as JsonObject[] | undefined) ?? [])];
    for (const parameter of reads) secrets.push({ name: `BURST_${parameter}`, valueFrom: burstParameterName(parameter) });
    container.secrets = secrets;
  }
  return new Map([...readers].map(([parameter, arns]) => [burstParameterName(parameter), [...arns].sort()]));
}
