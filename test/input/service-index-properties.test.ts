/**
 * The service index proven against the full scan (issue 16, item 5), with fast-check: random histories of a simulated
 * account (services created, moved to new revisions, deleted and created again; task definitions registered), the
 * ECS events they cause delivered as hints reordered, duplicated and dropped, each hint making the hinted service be
 * read again at its delivery (lib/service-index `reindexServices`, on the in-memory store with DynamoDB's
 * newer-reading-wins rule). Then, for every changed secret or parameter:
 * - with no event lost, the indexed candidates are exactly the full scan's matches;
 * - whatever was lost, the candidates the fast path verifies (read again, matched) are never a false positive, and
 *   the backstop (the scan's matches the fast path did not handle) is exactly what the index missed;
 * - after the backstop's reconcile, the index is the scan again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryServiceIndexStore } from '../../lib/aws/service-index-table.js';
import type { EcsServiceRecord, KnownEcsService, VanishedEcsService } from '../../lib/inventory/index.js';
import { taskDefinitionReferences } from '../../lib/inventory/task-definition-references.js';
import { changeIndexKeys } from '../../lib/references/index-keys.js';
import { matchReference } from '../../lib/references/match-reference.js';
import type { ChangedResource } from '../../lib/references/types.js';
import { indexedCandidates, reconcileRegion, reindexServices } from '../../lib/service-index/index.js';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const CLUSTERS = ['arn:aws:ecs:us-east-1:111122223333:cluster/a', 'arn:aws:ecs:us-east-1:111122223333:cluster/b'];
const SECRET = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
/** What revisions read: secrets (full ARN, name, JSON key), parameters (name, ARN); and what changes. */
const VALUE_FROMS = [
  SECRET('db'),
  'db',
  `${SECRET('db')}:password::`,
  SECRET('api'),
  `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:api`,
  '/app/token',
  `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/token`,
  '/app/other',
  'flat',
];
const RESOURCES: readonly ChangedResource[] = [
  { kind: 'secret', partition: 'aws', region: REGION, account: ACCOUNT, name: 'db', suffix: 'AbCdEf' },
  { kind: 'secret', partition: 'aws', region: REGION, account: ACCOUNT, name: 'api', suffix: 'AbCdEf' },
  { kind: 'parameter', partition: 'aws', region: REGION, account: ACCOUNT, key: 'app/token' },
  { kind: 'parameter', partition: 'aws', region: REGION, account: ACCOUNT, key: 'app/other' },
  { kind: 'parameter', partition: 'aws', region: REGION, account: ACCOUNT, key: 'flat' },
];

type Operation =
  | { readonly type: 'register'; readonly reads: readonly number[] }
  | { readonly type: 'create'; readonly service: number; readonly cluster: number; readonly revision: number }
  | { readonly type: 'update'; readonly service: number; readonly revision: number }
  | { readonly type: 'delete'; readonly service: number };

/** What an event hints at: a service to read again, or nothing to read (a task definition registration). */
interface Hint {
  readonly service?: KnownEcsService;
  /** The moment (operation index) that caused it: a hint is delivered after its cause. */
  readonly cause: number;
}

/** The account as ECS knows it: revisions (what they read) and ACTIVE services (cluster, revision). */
class Account {
  public readonly revisions: (readonly string[])[] = [[VALUE_FROMS[0] as string], [VALUE_FROMS[5] as string, VALUE_FROMS[3] as string]];
  public readonly services = new Map<string, { cluster: string; revision: number }>();

  /** Applies `operation`; returns the hints ECS and CloudTrail send for it. */
  public apply(operation: Operation, cause: number): Hint[] {
    switch (operation.type) {
      case 'register':
        this.revisions.push(operation.reads.map((index) => VALUE_FROMS[index % VALUE_FROMS.length] as string));
        return [{ cause }]; // RegisterTaskDefinition via CloudTrail: nothing to read again for the index
      case 'create': {
        const arn = arnOf(operation.service, operation.cluster);
        const existing = [...this.services.keys()].find((candidate) => candidate.endsWith(`/svc-${operation.service}`));
        if (existing) return [];
        this.services.set(arn, { cluster: CLUSTERS[operation.cluster % 2] as string, revision: operation.revision % this.revisions.length });
        return [{ service: known(arn, operation.cluster), cause }]; // CreateService + the first deployment
      }
      case 'update': {
        const arn = this.arnOfService(operation.service);
        const service = arn ? this.services.get(arn) : undefined;
        if (!arn || !service) return [];
        service.revision = operation.revision % this.revisions.length;
        const hint = { service: { arn, clusterArn: service.cluster, region: REGION }, cause };
        return [hint, hint]; // UpdateService via CloudTrail, and the deployment state change
      }
      case 'delete': {
        const arn = this.arnOfService(operation.service);
        const service = arn ? this.services.get(arn) : undefined;
        if (!arn || !service) return [];
        this.services.delete(arn);
        return [{ service: { arn, clusterArn: service.cluster, region: REGION }, cause }];
      }
    }
  }

  public arnOfService(service: number): string | undefined {
    return [...this.services.keys()].find((candidate) => candidate.endsWith(`/svc-${service}`));
  }

  /** DescribeServices (and the task definitions) of `requested` now. */
  public describe(requested: readonly KnownEcsService[]): { services: EcsServiceRecord[]; vanished: VanishedEcsService[] } {
    const services: EcsServiceRecord[] = [];
    const vanished: VanishedEcsService[] = [];
    for (const service of requested) {
      const found = this.services.get(service.arn);
      if (found && found.cluster === service.clusterArn) services.push(this.record(service.arn));
      else vanished.push({ arn: service.arn, name: service.arn, clusterArn: service.clusterArn, clusterName: '', region: REGION, reason: 'MISSING' });
    }
    return { services, vanished };
  }

  /** The full scan: every ACTIVE service. */
  public scan(): EcsServiceRecord[] {
    return [...this.services.keys()].map((arn) => this.record(arn));
  }

  public record(arn: string): EcsServiceRecord {
    const service = this.services.get(arn) as { cluster: string; revision: number };
    const reads = this.revisions[service.revision] ?? [];
    const taskDefinition = { containerDefinitions: [{ name: 'app', secrets: reads.map((valueFrom, index) => ({ name: `V${index}`, valueFrom })) }] };
    return {
      arn,
      name: arn,
      clusterArn: service.cluster,
      clusterName: service.cluster,
      partition: 'aws',
      region: REGION,
      account: ACCOUNT,
      status: 'ACTIVE',
      desiredCount: 1,
      deploymentController: 'ECS',
      taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:${service.revision + 1}`,
      tags: {},
      references: taskDefinitionReferences(taskDefinition, { partition: 'aws', region: REGION, account: ACCOUNT }),
    };
  }
}

function arnOf(service: number, cluster: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster % 2 === 0 ? 'a' : 'b'}/svc-${service}`;
}
function known(arn: string, cluster: number): KnownEcsService {
  return { arn, clusterArn: CLUSTERS[cluster % 2] as string, region: REGION };
}

/** The services whose current revision reads `resource`: what the full scan's matching finds. */
function scanMatches(records: readonly EcsServiceRecord[], resource: ChangedResource): Set<string> {
  return new Set(
    records
      .filter((record) =>
        record.references.some(
          (reference) =>
            !('error' in reference.parsed) &&
            matchReference(reference.parsed.reference, { resource, effect: 'new-current-value', labels: ['AWSCURRENT'] }).impact !== 'unrelated',
        ),
      )
      .map((record) => record.arn),
  );
}

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ type: fc.constant('register' as const), reads: fc.uniqueArray(fc.nat(VALUE_FROMS.length - 1), { maxLength: 4 }) }),
  fc.record({ type: fc.constant('create' as const), service: fc.nat(11), cluster: fc.nat(1), revision: fc.nat(20) }),
  fc.record({ type: fc.constant('update' as const), service: fc.nat(11), revision: fc.nat(20) }),
  fc.record({ type: fc.constant('delete' as const), service: fc.nat(11) }),
);

/** How hints reach the index: each delivered 0–3 times (0: lost, when `lossy`), at a random later moment. */
const delivery = (lossy: boolean) =>
  fc.array(fc.record({ copies: fc.integer({ min: lossy ? 0 : 1, max: 3 }), delays: fc.array(fc.nat(30), { minLength: 3, maxLength: 3 }) }), {
    minLength: 60,
    maxLength: 60,
  });

interface History {
  readonly account: Account;
  readonly store: InMemoryServiceIndexStore;
  readonly lost: number;
}

/**
 * Plays `operations` on an account that starts with a few services, indexed by a first full scan; every hint is
 * delivered its copies at `cause + delay` (several in one moment in random order), each delivery re-reading the
 * service at that moment. Returns when every delivery happened.
 */
async function play(operations: readonly Operation[], deliveries: readonly { copies: number; delays: readonly number[] }[]): Promise<History> {
  const account = new Account();
  for (const service of [0, 1, 2]) account.apply({ type: 'create', service, cluster: service, revision: service }, -1);
  const store = new InMemoryServiceIndexStore();
  let clock = 1;
  await reconcileRegion(store, REGION, account.scan(), clock++);
  const pending: { at: number; hint: Hint; order: number; writeDelay: number }[] = [];
  // A re-read is written some moments after it was read (a slow Lambda): a newer reading may land first, and the
  // store's newer-reading-wins rule must keep it.
  const writes: { at: number; run: () => Promise<unknown> }[] = [];
  let lost = 0;
  let sequence = 0;
  const deliverDue = async (now: number) => {
    const due = pending.filter((entry) => entry.at <= now).sort((a, b) => a.at - b.at || a.order - b.order);
    for (const entry of due) {
      pending.splice(pending.indexOf(entry), 1);
      if (!entry.hint.service) continue;
      const service = entry.hint.service;
      const readAt = clock++;
      const found = account.describe([service]);
      writes.push({ at: Math.min(now, entry.at) + entry.writeDelay, run: () => reindexServices(store, [service], found, readAt) });
    }
    for (const write of writes.filter((candidate) => candidate.at <= now).sort((a, b) => a.at - b.at)) {
      writes.splice(writes.indexOf(write), 1);
      await write.run();
    }
  };
  for (const [index, op] of operations.entries()) {
    await deliverDue(index);
    const hints = account.apply(op, index);
    for (const [number, hint] of hints.entries()) {
      const plan = deliveries[(index * 3 + number) % deliveries.length] as { copies: number; delays: readonly number[] };
      if (plan.copies === 0 && hint.service) lost++;
      for (let copy = 0; copy < plan.copies; copy++) {
        const delay = plan.delays[copy] ?? 0;
        sequence = (sequence * 7 + 13) % 97;
        pending.push({ at: index + 1 + delay, hint, order: sequence, writeDelay: (delay * 7) % 31 });
      }
    }
  }
  await deliverDue(Number.POSITIVE_INFINITY);
  return { account, store, lost };
}

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) } as const;

describe('service index: hints reordered, duplicated and dropped, against the full scan', () => {
  it('with no event lost, the indexed candidates of every change are exactly the full scan matches', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), delivery(false), async (operations, deliveries) => {
        const { account, store } = await play(operations, deliveries);
        const scan = account.scan();
        for (const resource of RESOURCES) {
          const lookup = await indexedCandidates(store, [resource], [REGION], 10);
          expect(new Set(lookup.candidates.map((candidate) => candidate.arn)), JSON.stringify(resource)).toEqual(scanMatches(scan, resource));
        }
      }),
      RUNS,
    );
  });

  it('whatever is lost: verified candidates are never a false positive, the backstop deploys exactly what the index missed, and the index is the scan again after it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), delivery(true), async (operations, deliveries) => {
        const { account, store } = await play(operations, deliveries);
        const scan = account.scan();
        for (const resource of RESOURCES) {
          const truth = scanMatches(scan, resource);
          const lookup = await indexedCandidates(store, [resource], [REGION], 10);
          // The fast path reads the candidates again and matches them with the Plan's rules.
          const verified = scanMatches(account.describe(lookup.candidates).services, resource);
          for (const arn of verified) expect(truth.has(arn), `false positive ${arn}`).toBe(true);
          // The backstop: the scan's matches, without what the fast path decided on.
          const backstop = new Set([...truth].filter((arn) => !verified.has(arn)));
          const missed = new Set([...truth].filter((arn) => !lookup.candidates.some((candidate) => candidate.arn === arn)));
          expect(backstop).toEqual(missed);
        }
        // The backstop's scan rewrites the index: it is the scan again.
        await reconcileRegion(store, REGION, scan, 1_000_000);
        for (const resource of RESOURCES) {
          const lookup = await indexedCandidates(store, [resource], [REGION], 1_000_000);
          expect(new Set(lookup.candidates.map((candidate) => candidate.arn))).toEqual(scanMatches(scan, resource));
        }
      }),
      RUNS,
    );
  });

  it('loses entries only when hints are lost (the generator does lose some, so the backstop is exercised)', async () => {
    let missedSomewhere = false;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 40 }), delivery(true), async (operations, deliveries) => {
        const { account, store, lost } = await play(operations, deliveries);
        for (const resource of RESOURCES) {
          const lookup = await indexedCandidates(store, [resource], [REGION], 10);
          const found = new Set(lookup.candidates.map((candidate) => candidate.arn));
          const missing = [...scanMatches(account.scan(), resource)].filter((arn) => !found.has(arn));
          if (missing.length > 0) {
            missedSomewhere = true;
            expect(lost).toBeGreaterThan(0);
          }
        }
      }),
      RUNS,
    );
    expect(missedSomewhere).toBe(true);
  });

  it('a Region without a full scan is not covered: the change falls back to the scan', async () => {
    const store = new InMemoryServiceIndexStore();
    const lookup = await indexedCandidates(store, [RESOURCES[0] as ChangedResource], [REGION, 'eu-west-1'], 10);
    expect(lookup).toMatchObject({ candidates: [], covered: [], uncovered: [REGION, 'eu-west-1'] });
    await reconcileRegion(store, REGION, new Account().scan(), 5);
    expect((await indexedCandidates(store, [RESOURCES[0] as ChangedResource], [REGION, 'eu-west-1'], 10)).covered).toEqual([REGION]);
    // A day without a scan: not covered any more.
    expect((await indexedCandidates(store, [RESOURCES[0] as ChangedResource], [REGION], 5 + 24 * 3600_000 + 1)).covered).toEqual([]);
    expect(changeIndexKeys(RESOURCES[0] as ChangedResource)).toContain(`secret|aws|${REGION}|${ACCOUNT}|db-AbCdEf`);
  });
});
