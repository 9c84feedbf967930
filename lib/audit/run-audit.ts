import { secretArn } from '../arn/arn.js';
import type { MetadataDirectory } from '../changes/types.js';
import type { Config } from '../config/config.js';
import { collectEcsInventory } from '../inventory/ecs-inventory.js';
import type { EcsServiceRecord, FoundReference } from '../inventory/types.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import type { Reference } from '../references/types.js';
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
  const lookups = new Map<string, Promise<Date | undefined | 'missing'>>();
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

type Judgement = { lastChanged?: Date; note?: string };

async function judged(reference: Reference, lastChanged: (reference: Reference) => Promise<Date | undefined | 'missing'>): Promise<Judgement> {
  if (reference.kind === 'secret' && reference.pin.type !== 'current') return { note: 'pinned: not judged' };
  if (reference.kind === 'parameter' && reference.selector !== undefined) return { note: 'SSM selector: not judged' };
  const date = await lastChanged(reference);
  if (date === 'missing') return { note: `${reference.kind} not found (deleted, or in another account)` };
  if (date === undefined) return { note: `${reference.kind} metadata could not be read` };
  return { lastChanged: date };
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
  const deployedAt = service.primaryDeployment?.createdAt;
  if (!deployedAt) return { ...base, status: 'unknown', reason: 'no PRIMARY deployment time' };
  const newer = references.filter((reference) => reference.lastChanged && Date.parse(reference.lastChanged) > Date.parse(deployedAt));
  if (newer.length > 0) {
    return {
      ...base,
      deployedAt,
      status: 'stale',
      reason: `deployed at ${deployedAt}, before ${newer.map((reference) => `${reference.valueFrom} changed at ${reference.lastChanged}`).join('; ')}`,
    };
  }
  if (!references.some((reference) => reference.lastChanged)) {
    return { ...base, deployedAt, status: 'unknown', reason: 'no referenced secret or parameter could be judged' };
  }
  return { ...base, deployedAt, status: 'fresh', reason: `deployed at ${deployedAt}, after every judged value last changed` };
}

function resourceKey(reference: Reference): string {
  return reference.kind === 'secret'
    ? `secret|${reference.partition}|${reference.region}|${reference.account}|${reference.secretId}`
    : `parameter|${reference.partition}|${reference.region}|${reference.account}|${reference.key}`;
}

async function lookUp(reference: Reference, directory: MetadataDirectory): Promise<Date | undefined | 'missing'> {
  if (reference.kind === 'secret') {
    const id = reference.form === 'arn' ? secretArn(reference.partition, reference.region, reference.account, reference.secretId) : reference.secretId;
    const secret = await directory.describeSecret(id, reference.region);
    return secret ? secret.lastChangedDate : 'missing';
  }
  const name = reference.raw.startsWith('arn:') || reference.raw.startsWith('/') ? `/${reference.key}` : reference.key;
  const parameter = await directory.describeParameter(name, reference.region);
  return parameter ? parameter.lastModifiedDate : 'missing';
}
