import type { MetadataDirectory } from '../changes/types.js';
import type { Config } from '../config/config.js';
import { collectEcsInventory } from '../inventory/ecs-inventory.js';
import type { EcsServiceRecord, FoundReference } from '../inventory/types.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import type { Reference } from '../references/types.js';
import { type Judgement, judgementOf, type LastChangedAnswer, metadataQuery, resourceKey, stalenessVerdict, unjudgedNote } from './staleness.js';
import type { AuditedReference, AuditReport, AuditTarget } from './types.js';

/**
 * The staleness audit, the safety net for missed events: for every ECS service that references a secret or
 * parameter, compare its PRIMARY deployment's creation time with when each referenced secret
 * (DescribeSecret `LastChangedDate`) or parameter (DescribeParameters `LastModifiedDate`) last changed.
 * A service deployed before a change of a value it reads is `stale`. Report-only: it never acts.
 *
 * `LastChangedDate` moves on any modification (also description or tags), so a stale verdict is a prompt to
 * look, not proof; pinned references (version id, stage other than AWSCURRENT, SSM selector) are not judged.
 */
export async function runAudit(config: Config, dependencies: PipelineDependencies, now: Date): Promise<AuditReport> {
  const inventory = await collectEcsInventory({
    clients: dependencies.clients,
    regions: config.regions,
    concurrency: config.concurrency,
    taskDefinitions: dependencies.taskDefinitions,
  });
  const lookups = new Map<string, Promise<LastChangedAnswer>>();
  const lastChanged = (reference: Reference) => {
    const key = resourceKey(reference);
    let pending = lookups.get(key);
    if (!pending) {
      pending = lookUp(reference, dependencies.directory).catch(() => undefined);
      lookups.set(key, pending);
    }
    return pending;
  };
  const targets: AuditTarget[] = [];
  for (const service of inventory.services) {
    const found = service.references.filter((reference): reference is FoundReference & { parsed: { reference: Reference } } => !('error' in reference.parsed));
    if (found.length === 0) continue;
    const references = await Promise.all(found.map(async (reference) => audited(reference, service, await judged(reference.parsed.reference, lastChanged))));
    targets.push(verdict(service, references));
  }
  targets.sort((a, b) => a.region.localeCompare(b.region) || a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name));
  const count = (status: AuditTarget['status']) => targets.filter((target) => target.status === status).length;
  return {
    audit: true,
    time: now.toISOString(),
    targets,
    warnings: inventory.problems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`),
    summary: { regions: config.regions, servicesScanned: inventory.services.length, stale: count('stale'), fresh: count('fresh'), unknown: count('unknown') },
  };
}

async function judged(reference: Reference, lastChanged: (reference: Reference) => Promise<LastChangedAnswer>): Promise<Judgement> {
  const note = unjudgedNote(reference);
  if (note) return { note };
  return judgementOf(reference, await lastChanged(reference));
}

function audited(reference: FoundReference, _service: EcsServiceRecord, judgement: Judgement): AuditedReference {
  return {
    container: reference.container,
    location: reference.location,
    ...(reference.name !== undefined ? { name: reference.name } : {}),
    valueFrom: reference.valueFrom,
    ...(judgement.lastChanged ? { lastChanged: judgement.lastChanged.toISOString() } : {}),
    ...(judgement.note ? { note: judgement.note } : {}),
  };
}

function verdict(service: EcsServiceRecord, references: readonly AuditedReference[]): AuditTarget {
  const base = { type: 'ecs-service' as const, arn: service.arn, name: service.name, cluster: service.clusterName, region: service.region, references };
  return { ...base, ...stalenessVerdict(service.primaryDeployment?.createdAt, references) };
}

async function lookUp(reference: Reference, directory: MetadataDirectory): Promise<LastChangedAnswer> {
  const query = metadataQuery(reference);
  if (query.kind === 'secret') {
    const secret = await directory.describeSecret(query.id, query.region);
    return secret ? secret.lastChangedDate : 'missing';
  }
  const parameter = await directory.describeParameter(query.id, query.region);
  return parameter ? parameter.lastModifiedDate : 'missing';
}
