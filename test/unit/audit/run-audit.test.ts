/**
 * The staleness audit's decisions (stale, fresh, unknown, and what is not judged), against an ECS account served
 * by aws-sdk-client-mock (ecs-doubles) and an in-memory metadata directory: no AWS.
 */
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { auditIncomplete, runAudit } from '../../../lib/audit/run-audit.js';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import type { SecretMetadata } from '../../../lib/changes/types.js';
import { loadConfig } from '../../../lib/config/config.js';
import { BEFORE_CHANGE, fakeClients, REGION, SECRET_ARN, serveEcsWorld, service, taskDefinition, taskDefinitionArn } from '../aws/ecs-doubles.js';
import { FakeMetadataDirectory } from '../changes/fake-metadata-directory.js';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());
beforeEach(() => ecs.reset());

const SECRET_CHANGED = new Date('2026-11-20T09:58:41.000Z');
const AFTER = new Date('2026-11-20T10:30:00.000Z');
const GONE_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/gone-Zz99Yy';
const BROKEN_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/broken-Yy88Xx';
const SECRET: SecretMetadata = { arn: SECRET_ARN, name: 'demo/orders/db-credentials', versionIdsToStages: {}, lastChangedDate: SECRET_CHANGED };

/** A directory whose DescribeSecret of {@link BROKEN_ARN} fails (throttled, say). */
class FlakyDirectory extends FakeMetadataDirectory {
  public override describeSecret(secretId: string, region: string): Promise<SecretMetadata | undefined> {
    if (secretId === BROKEN_ARN) return Promise.reject(new Error('Rate exceeded'));
    return super.describeSecret(secretId, region);
  }
}

async function audit(services: [name: string, valueFrom: string | undefined, deployedAt: Date | undefined][]) {
  const world = {
    regions: { [REGION]: { orders: [] as ReturnType<typeof service>[] } },
    taskDefinitions: {} as Record<string, ReturnType<typeof taskDefinition>>,
  };
  for (const [name, valueFrom, deployedAt] of services) {
    world.regions[REGION].orders.push(
      service('orders', name, { deployments: deployedAt ? [{ id: `ecs-svc/${name}`, status: 'PRIMARY', createdAt: deployedAt }] : [] }),
    );
    const definition = taskDefinition(taskDefinitionArn(name, 1), valueFrom ?? SECRET_ARN);
    world.taskDefinitions[taskDefinitionArn(name, 1)] = valueFrom === undefined ? { ...definition, containerDefinitions: [{ name: 'app' }] } : definition;
  }
  serveEcsWorld(ecs, world);
  const directory = new FlakyDirectory([SECRET], [{ name: '/demo/orders/api-key', version: 3, lastModifiedDate: SECRET_CHANGED }]);
  const report = await runAudit(loadConfig({ AWS_REGION: REGION }), { clients: fakeClients(), directory, taskDefinitions: new TaskDefinitionCache() }, AFTER);
  return { report, directory, byName: (name: string) => report.targets.find((target) => target.name === name) };
}

describe('runAudit', () => {
  it('calls a service deployed before its secret last changed stale, naming the reference and both times', async () => {
    const { byName } = await audit([['api', SECRET_ARN, BEFORE_CHANGE]]);
    expect(byName('api')).toMatchObject({
      status: 'stale',
      deployedAt: BEFORE_CHANGE.toISOString(),
      reason: `deployed at ${BEFORE_CHANGE.toISOString()}, before ${SECRET_ARN} changed at ${SECRET_CHANGED.toISOString()}`,
    });
  });

  it('calls a service deployed after every value it reads last changed fresh', async () => {
    const { byName } = await audit([['api', SECRET_ARN, AFTER]]);
    expect(byName('api')).toMatchObject({ status: 'fresh', reason: `deployed at ${AFTER.toISOString()}, after every judged value last changed` });
  });

  it('judges a parameter by its LastModifiedDate', async () => {
    const { byName } = await audit([['params', '/demo/orders/api-key', BEFORE_CHANGE]]);
    expect(byName('params')?.status).toBe('stale');
    expect(byName('params')?.references[0]).toMatchObject({ valueFrom: '/demo/orders/api-key', lastChanged: SECRET_CHANGED.toISOString() });
  });

  it.each([
    ['a pinned secret reference', `${SECRET_ARN}::AWSPREVIOUS:`, 'pinned: not judged'],
    ['an SSM selector', '/demo/orders/api-key:3', 'SSM selector: not judged'],
    ['a secret that does not exist', GONE_ARN, 'secret not found (deleted, or in another account)'],
    ['a secret whose metadata cannot be read', BROKEN_ARN, 'secret metadata could not be read'],
  ])('says unknown for a service with only %s, with the note on the reference', async (_what, valueFrom, note) => {
    const { byName } = await audit([['api', valueFrom, BEFORE_CHANGE]]);
    expect(byName('api')).toMatchObject({ status: 'unknown', reason: 'no referenced secret or parameter could be judged' });
    expect(byName('api')?.references[0]?.note).toBe(note);
  });

  it('says unknown for a service without a PRIMARY deployment time', async () => {
    const { byName } = await audit([['api', SECRET_ARN, undefined]]);
    expect(byName('api')).toMatchObject({ status: 'unknown', reason: 'no PRIMARY deployment time' });
    expect(byName('api')).not.toHaveProperty('deployedAt');
  });

  it('leaves out services that reference nothing, counts the rest and looks each secret up once', async () => {
    const { report, directory } = await audit([
      ['a', SECRET_ARN, BEFORE_CHANGE],
      ['b', SECRET_ARN, AFTER],
      ['c', GONE_ARN, AFTER],
      ['plain', undefined, AFTER],
    ]);
    expect(report.targets.map((target) => [target.name, target.status])).toEqual([
      ['a', 'stale'],
      ['b', 'fresh'],
      ['c', 'unknown'],
    ]);
    expect(report.summary).toEqual({ regions: [REGION], servicesScanned: 4, stale: 1, fresh: 1, unknown: 1, inventoryProblems: 0 });
    expect(report).toMatchObject({ audit: true, time: AFTER.toISOString(), warnings: [] });
    expect(auditIncomplete(report)).toBe(false);
    expect(directory.calls.filter((call) => call.id === SECRET_ARN)).toHaveLength(1);
  });
});

describe('runAudit: what could not be read makes it incomplete', () => {
  it('counts a failed metadata look-up as a problem, with a warning naming the call, and is incomplete', async () => {
    const { report, byName } = await audit([
      ['api', BROKEN_ARN, BEFORE_CHANGE],
      ['web', BROKEN_ARN, AFTER],
      ['ok', SECRET_ARN, AFTER],
    ]);
    expect(byName('api')?.status).toBe('unknown');
    // One look-up per secret, so one problem for the two readers.
    expect(report.warnings).toEqual([`inventory: us-east-1 DescribeSecret ${BROKEN_ARN}: Error: Rate exceeded`]);
    expect(report.summary).toMatchObject({ unknown: 2, fresh: 1, inventoryProblems: 1 });
    expect(auditIncomplete(report)).toBe(true);
  });

  it('is incomplete, not "all clear", when ListClusters fails: 0 services judged and the cause in the warnings', async () => {
    const denied = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    ecs.on(ListClustersCommand).rejects(denied);
    const report = await runAudit(
      loadConfig({ AWS_REGION: REGION }),
      { clients: fakeClients(), directory: new FakeMetadataDirectory(), taskDefinitions: new TaskDefinitionCache() },
      AFTER,
    );
    expect(report.summary).toEqual({ regions: [REGION], servicesScanned: 0, stale: 0, fresh: 0, unknown: 0, inventoryProblems: 1 });
    expect(report.warnings).toEqual(['inventory: us-east-1 ListClusters: CredentialsProviderError: Could not load credentials from any providers']);
    expect(auditIncomplete(report)).toBe(true);
  });
});
