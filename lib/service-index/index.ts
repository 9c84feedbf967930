/**
 * The service index's face (issue 16): secret or parameter → the services whose task definition revision reads it,
 * so that a change deploys the services it knows of about a second after the event, before the full scan.
 *
 * The index is a cache of what the full scan would find, never the authority:
 * - a change looks up its keys (lib/references/index-keys.ts: equal exactly when matching's identity check passes)
 *   in the Regions the index covers, and the candidates are read again (DescribeServices, 10 a call) and planned
 *   with the Plan's own rules, so a stale entry can cost a DescribeServices but never deploys a service that does
 *   not read the change;
 * - the full scan follows every change as a backstop: what the index missed is deployed then, and what the fast
 *   path handled is not planned again; its results rewrite the index (reconcile) and mark the Region covered;
 * - ECS events (deployments, service actions, CloudTrail's CreateService / UpdateService / DeleteService /
 *   RegisterTaskDefinition) are *hints* only: each makes the hinted services be read again (ECS is the truth), so a
 *   hint delivered twice, late or out of order changes nothing, and a lost one is repaired by the next scan;
 * - a Region the index does not cover (first deploy, a restored or emptied table, a new Region, no scan for
 *   {@link COVERAGE_MAX_AGE_MS}) is left to the scan alone, and the report says so.
 */
import { mapWithConcurrency } from '../aws/concurrency.js';
import type { ServiceIndexStore, StoredService } from '../aws/service-index-table.js';
import type { EcsServiceRecord, KnownEcsService, VanishedEcsService } from '../inventory/index.js';
import { type ChangedResource, changeIndexKeys, indexKeyRegion, referenceIndexKey } from '../references/index.js';

export type { IndexedMember, ServiceIndexStore, StoredService } from '../aws/service-index-table.js';

/** A Region whose last full scan is older than this is not covered (the reconciler runs every 6 hours). */
export const COVERAGE_MAX_AGE_MS = 24 * 3600_000;

/** Services written at once (each is a few items). */
const PARALLEL_SERVICES = 8;

/** A service item older than this is rewritten by a reconcile even when nothing changed (its TTL is 30 days). */
const REFRESH_AFTER_MS = 7 * 24 * 3600_000;

/** The reference keys `record`'s task definition reads (unparseable references have none). */
export function serviceKeys(record: EcsServiceRecord): string[] {
  const keys = new Set<string>();
  for (const reference of record.references) if (!('error' in reference.parsed)) keys.add(referenceIndexKey(reference.parsed.reference));
  return [...keys].sort();
}

/** What {@link indexedCandidates} found. */
export interface IndexLookup {
  /** The indexed services under the changes' keys, in covered Regions. */
  readonly candidates: readonly KnownEcsService[];
  /** Configured Regions the index covers. */
  readonly covered: readonly string[];
  /** Configured Regions it does not cover yet: found by the scan only. */
  readonly uncovered: readonly string[];
  /** DynamoDB reads the look-up made (coverage items, Query calls, service items). */
  readonly reads: number;
}

/**
 * The services the index holds for `resources` (the changed secrets and parameters) in the covered Regions among
 * `regions`. A resource's keys in a Region that is not configured are not looked up (nothing there is scanned).
 */
export async function indexedCandidates(
  store: ServiceIndexStore,
  resources: readonly ChangedResource[],
  regions: readonly string[],
  now: number,
): Promise<IndexLookup> {
  const coverage = await store.coverage(regions);
  const covered = regions.filter((region) => {
    const at = coverage.get(region);
    return at !== undefined && now - at <= COVERAGE_MAX_AGE_MS;
  });
  const coveredSet = new Set(covered);
  const keys = [...new Set(resources.flatMap((resource) => changeIndexKeys(resource)))].filter((key) => coveredSet.has(indexKeyRegion(key)));
  const found = await Promise.all(keys.map(async (key) => (await store.members(key)).map((member) => ({ key, member }))));
  // A reference item is trusted only while the service's own item (written after its reference items) still lists
  // the key: a slow reading that lost the race against a newer one may have added an item for a key the newer
  // reading does not have, and a run killed between the two writes leaves the service item older. Either way the
  // service item is the one that says what the service reads.
  const arns = [...new Set(found.flat().map(({ member }) => member.arn))];
  const services = new Map(
    (await mapWithConcurrency(arns, PARALLEL_SERVICES, (arn) => store.service(arn))).flatMap((service) => (service ? [[service.arn, service]] : [])),
  );
  const candidates = new Map<string, KnownEcsService>();
  for (const { key, member } of found.flat()) {
    const service = services.get(member.arn);
    if (!service?.present || !service.keys.includes(key) || !coveredSet.has(service.region)) continue;
    candidates.set(service.arn, { arn: service.arn, clusterArn: service.clusterArn, region: service.region });
  }
  return {
    candidates: [...candidates.values()],
    covered,
    uncovered: regions.filter((region) => !coveredSet.has(region)),
    reads: regions.length + keys.length + arns.length,
  };
}

/** What a reconcile or a re-read wrote. */
export interface IndexWrites {
  /** Services written (new, or changed since the index last read them). */
  readonly written: number;
  /** Services removed (tombstones: deleted, or no longer ACTIVE). */
  readonly removed: number;
  /** Writes refused because a newer reading was already stored. */
  readonly stale: number;
}

/**
 * Makes the index of `region` what a full scan of it found: `records` are every ACTIVE service of the Region as the
 * scan that started at `readAt` read them. Writes only what differs (and items due for a refresh), removes services
 * the scan did not find, and marks the Region covered. Call it only for a Region the scan read without problems: a
 * cluster that could not be listed would otherwise remove its services.
 */
export async function reconcileRegion(store: ServiceIndexStore, region: string, records: readonly EcsServiceRecord[], readAt: number): Promise<IndexWrites> {
  const stored = new Map((await store.servicesOf(region)).map((service) => [service.arn, service]));
  let written = 0;
  let removed = 0;
  let stale = 0;
  const seen = new Set<string>();
  const writes: (() => Promise<void>)[] = [];
  const write = (service: StoredService, previous: readonly string[], kind: 'written' | 'removed') =>
    writes.push(async () => {
      const accepted = await store.putService(service, previous);
      if (!accepted) stale++;
      else if (kind === 'written') written++;
      else removed++;
    });
  for (const record of records) {
    if (record.region !== region) continue;
    seen.add(record.arn);
    const service = storedOf(record, readAt);
    const previous = stored.get(record.arn);
    // A service that reads nothing is written too (once, then refreshed weekly): an older reading of it, when its
    // revision still read something, may land after this scan and must find a newer item.
    if (previous && !differs(previous, service) && readAt - previous.readAt < REFRESH_AFTER_MS) continue;
    write(service, previous?.keys ?? [], 'written');
  }
  for (const previous of stored.values()) {
    if (previous.present && !seen.has(previous.arn)) write({ ...previous, present: false, readAt }, previous.keys, 'removed');
  }
  await mapWithConcurrency(writes, PARALLEL_SERVICES, (run) => run());
  await store.putCoverage(region, readAt);
  return { written, removed, stale };
}

/**
 * Re-reads of hinted services: each `requested` service is written as `found` says it is now (read at `readAt`),
 * or removed when ECS says it is gone (MISSING) or no longer ACTIVE. Services whose read failed are left as they
 * are (the next hint or scan repairs them).
 */
export async function reindexServices(
  store: ServiceIndexStore,
  requested: readonly KnownEcsService[],
  found: { readonly services: readonly EcsServiceRecord[]; readonly vanished?: readonly VanishedEcsService[] },
  readAt: number,
): Promise<IndexWrites> {
  const records = new Map(found.services.map((record) => [record.arn, record]));
  const gone = new Set((found.vanished ?? []).map((service) => service.arn));
  let written = 0;
  let removed = 0;
  let stale = 0;
  await mapWithConcurrency(requested, PARALLEL_SERVICES, async (service) => {
    const record = records.get(service.arn);
    if (!record && !gone.has(service.arn)) return;
    const previous = await store.service(service.arn);
    const next: StoredService =
      record && record.status === 'ACTIVE'
        ? storedOf(record, readAt)
        : { arn: service.arn, clusterArn: service.clusterArn, region: service.region, keys: [], present: false, readAt };
    // A service gone before the index ever held it still gets its tombstone: a slower, older reading of it (a hint
    // delivered late, when the service still existed) must find a newer item and lose, not bring the service back.
    if (!next.present && previous && !previous.present && previous.readAt >= readAt) return;
    const accepted = await store.putService(next, previous?.keys ?? []);
    if (!accepted) stale++;
    else if (next.present) written++;
    else if (previous?.present) removed++;
  });
  return { written, removed, stale };
}

/**
 * The end of a full scan made in steps (the reconcile across invocations, which wrote every service it read with
 * {@link reindexServices} as it went, each as read at its step's start): the services of `region` that no step of the
 * scan started at `since` wrote (their reading is older) are removed, and the Region is marked covered from `since`.
 * A service a hint wrote meanwhile has a newer reading and stays. Call it only for a Region read without problems.
 */
export async function finishSteppedScan(store: ServiceIndexStore, region: string, since: number): Promise<{ readonly removed: number }> {
  const unseen = (await store.servicesOf(region)).filter((service) => service.present && service.readAt < since);
  let removed = 0;
  await mapWithConcurrency(unseen, PARALLEL_SERVICES, async (service) => {
    if (await store.putService({ ...service, present: false, readAt: since }, service.keys)) removed++;
  });
  await store.putCoverage(region, since);
  return { removed };
}

function storedOf(record: EcsServiceRecord, readAt: number): StoredService {
  return {
    arn: record.arn,
    clusterArn: record.clusterArn,
    region: record.region,
    ...(record.taskDefinitionArn ? { revision: record.taskDefinitionArn } : {}),
    keys: serviceKeys(record),
    present: true,
    readAt,
  };
}

function differs(previous: StoredService, next: StoredService): boolean {
  return (
    !previous.present ||
    previous.clusterArn !== next.clusterArn ||
    previous.revision !== next.revision ||
    previous.keys.length !== next.keys.length ||
    previous.keys.some((key, index) => key !== next.keys[index])
  );
}

export { type IndexHint, indexHintOf, mergeHints } from './hints.js';
