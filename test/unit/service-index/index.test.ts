/**
 * The service index's write rules on the in-memory store (lib/service-index): a newer reading always wins, whatever
 * order the writes land in. Each case is a history the property test (test/input/service-index-properties.test.ts)
 * found or could find, kept here as a fixed example.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import type { EcsServiceRecord } from '../../../lib/inventory/index.js';
import { taskDefinitionReferences } from '../../../lib/inventory/task-definition-references.js';
import type { ChangedResource } from '../../../lib/references/types.js';
import { indexedCandidates, reconcileRegion, reindexServices } from '../../../lib/service-index/index.js';

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/a`;
const DB_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-AbCdEf`;
const DB: ChangedResource = { kind: 'secret', partition: 'aws', region: REGION, account: ACCOUNT, name: 'db', suffix: 'AbCdEf' };
const svc = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/a/${name}`;

function record(arn: string, reads: readonly string[]): EcsServiceRecord {
  const taskDefinition = { containerDefinitions: [{ name: 'app', secrets: reads.map((valueFrom, index) => ({ name: `V${index}`, valueFrom })) }] };
  return {
    arn,
    name: arn,
    clusterArn: CLUSTER,
    clusterName: 'a',
    partition: 'aws',
    region: REGION,
    account: ACCOUNT,
    status: 'ACTIVE',
    desiredCount: 1,
    deploymentController: 'ECS',
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:1`,
    tags: {},
    references: taskDefinitionReferences(taskDefinition, { partition: 'aws', region: REGION, account: ACCOUNT }),
  };
}
const known = (arn: string) => ({ arn, clusterArn: CLUSTER, region: REGION });
const vanished = (arn: string) => ({ arn, name: arn, clusterArn: CLUSTER, clusterName: 'a', region: REGION, reason: 'MISSING' });

async function candidatesOfDb(store: InMemoryServiceIndexStore): Promise<string[]> {
  return (await indexedCandidates(store, [DB], [REGION], 100)).candidates.map((candidate) => candidate.arn);
}

describe('service index write order', () => {
  it('a service created and deleted before the index held it stays gone when the older reading lands last', async () => {
    // The counterexample fast-check found (CI, seed -1416503151): svc-5 is created, its hint is slow; it is deleted,
    // and the deletion's hint is read and written first. Without a tombstone the slow reading brought svc-5 back.
    const store = new InMemoryServiceIndexStore();
    await reconcileRegion(store, REGION, [record(svc('svc-0'), [DB_ARN])], 1);
    const slowReading = { services: [record(svc('svc-5'), [DB_ARN])] }; // read at 2, while svc-5 existed

    const deletion = await reindexServices(store, [known(svc('svc-5'))], { services: [], vanished: [vanished(svc('svc-5'))] }, 3);
    expect(deletion).toEqual({ written: 0, removed: 0, stale: 0 }); // a tombstone, but nothing the index held was removed
    expect(await reindexServices(store, [known(svc('svc-5'))], slowReading, 2)).toEqual({ written: 0, removed: 0, stale: 1 });

    expect(await candidatesOfDb(store)).toEqual([svc('svc-0')]);
    expect(await store.service(svc('svc-5'))).toMatchObject({ present: false, readAt: 3 });
  });

  it('a deletion of an indexed service counts as removed; a second, older one is stale and an equal one writes nothing', async () => {
    const store = new InMemoryServiceIndexStore();
    await reconcileRegion(store, REGION, [record(svc('svc-0'), [DB_ARN])], 1);
    const gone = { services: [], vanished: [vanished(svc('svc-0'))] };
    expect(await reindexServices(store, [known(svc('svc-0'))], gone, 5)).toEqual({ written: 0, removed: 1, stale: 0 });
    const writes = store.calls.writes;
    expect(await reindexServices(store, [known(svc('svc-0'))], gone, 5)).toEqual({ written: 0, removed: 0, stale: 0 });
    expect(store.calls.writes).toBe(writes);
    expect(await reindexServices(store, [known(svc('svc-0'))], gone, 4)).toEqual({ written: 0, removed: 0, stale: 0 });
    expect(await reindexServices(store, [known(svc('svc-0'))], gone, 6)).toEqual({ written: 0, removed: 0, stale: 0 });
    expect(await store.service(svc('svc-0'))).toMatchObject({ present: false, readAt: 6 });
    expect(await candidatesOfDb(store)).toEqual([]);
  });

  it('a scan that finds a service reading nothing writes it, so an older reading that still saw a secret loses', async () => {
    const store = new InMemoryServiceIndexStore();
    const older = { services: [record(svc('svc-1'), [DB_ARN])] }; // read at 2, before the service moved to a revision without secrets
    expect(await reconcileRegion(store, REGION, [record(svc('svc-1'), [])], 3)).toEqual({ written: 1, removed: 0, stale: 0 });
    expect(await reindexServices(store, [known(svc('svc-1'))], older, 2)).toEqual({ written: 0, removed: 0, stale: 1 });
    expect(await candidatesOfDb(store)).toEqual([]);
    // Unchanged, it is not written again by the next scan.
    expect(await reconcileRegion(store, REGION, [record(svc('svc-1'), [])], 4)).toEqual({ written: 0, removed: 0, stale: 0 });
  });
});
