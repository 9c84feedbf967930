import type { MetadataDirectory } from '../changes/types.js';
import type { Config } from '../config/config.js';
import { errorText } from '../errors.js';
import { collectEcsInventory } from '../inventory/ecs-inventory.js';
import type { EcsInventory, EcsServiceRecord, FoundReference, InventoryProblem } from '../inventory/types.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import type { Reference } from '../references/types.js';
import { outOfSightWarnings } from '../report/index.js';
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
 *
 * @param ecsInventory the ECS inventory when the caller already collected it (the daily function shares one inventory
 * between the audit and the secrets map), else collected here.
 */
export async function runAudit(config: Config, dependencies: PipelineDependencies, now: Date, ecsInventory?: EcsInventory): Promise<AuditReport> {
  const inventory =
    ecsInventory ??
    (await collectEcsInventory({
      clients: dependencies.clients,
      regions: config.regions,
      concurrency: config.concurrency,
      taskDefinitions: dependencies.taskDefinitions,
    }));
  const lookups = new Map<string, Promise<LastChangedAnswer>>();
  // A look-up that failed (denied, throttled beyond retries, unreachable) leaves its readers unjudged: a problem,
  // reported like the inventory's own, never a silent "unknown".
  const lookUpProblems: InventoryProblem[] = [];
  const lastChanged = (reference: Reference) => {
    const key = resourceKey(reference);
    let pending = lookups.get(key);
    if (!pending) {
      const query = metadataQuery(reference);
      pending = lookUp(reference, dependencies.directory).catch((error: unknown) => {
        const call = query.kind === 'secret' ? 'DescribeSecret' : 'DescribeParameters';
        lookUpProblems.push({ region: query.region, subject: `${call} ${query.id}`, message: errorText(error) });
        return undefined;
      });
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
  const problems = [...inventory.problems, ...lookUpProblems];
  return {
    audit: true,
    time: now.toISOString(),
    targets,
    warnings: [
      ...problems.map((problem) => `inventory: ${problem.region} ${problem.subject}: ${problem.message}`),
      ...outOfSightWarnings(config.regions, inventory.services),
    ],
    summary: {
      regions: config.regions,
      servicesScanned: inventory.services.length,
      stale: count('stale'),
      fresh: count('fresh'),
      unknown: count('unknown'),
      inventoryProblems: problems.length,
    },
  };
}

/**
 * True when something could not be read, so some services may not have been judged: the audit is then
 * incomplete and must fail (CLI exit 1, the daily function throws) instead of reporting "all clear" on what it
 * could not see.
 */
export function auditIncomplete(report: AuditReport): boolean {
  return report.summary.inventoryProblems > 0;
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
