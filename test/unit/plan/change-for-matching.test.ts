import { describe, expect, it } from 'vitest';
import type { EcsServiceRecord, FoundReference } from '../../../lib/inventory/types.js';
import { changeForMatching } from '../../../lib/plan/change-for-matching.js';
import { planEcsRefresh as planRefresh } from '../../../lib/plan/plan-ecs.js';
import type { ActionableChange } from '../../../lib/plan/types.js';
import { parseReference } from '../../../lib/references/index.js';
import type { ReferenceContext } from '../../../lib/references/types.js';

const ACCOUNT = '111122223333';
const NAME = 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab';
const ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${NAME}-Xy12Zw`;
const VERSION = 'b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e';
const OLD_VERSION = '9d4cb84b-ad69-40c0-a0ab-cead3e5a1b2c';

function change(overrides: Partial<ActionableChange> = {}): ActionableChange {
  return {
    kind: 'secret',
    effect: 'new-current-value',
    reason: 'AWSCURRENT moved',
    partition: 'aws',
    region: 'us-east-1',
    account: ACCOUNT,
    name: NAME,
    arn: ARN,
    versionId: VERSION,
    labels: ['AWSCURRENT'],
    time: '2025-03-10T10:00:00.000Z',
    origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated' },
    warnings: [],
    ...overrides,
  };
}

function service(name: string, region: string, valueFrom: string): EcsServiceRecord {
  const context: ReferenceContext = { partition: 'aws', region, account: ACCOUNT };
  const reference: FoundReference = {
    container: 'app',
    location: 'secrets',
    name: 'DB_PASSWORD',
    valueFrom,
    parsed: parseReference(valueFrom, 'secrets', context),
  };
  return {
    arn: `arn:aws:ecs:${region}:${ACCOUNT}:service/orders/${name}`,
    name,
    clusterArn: `arn:aws:ecs:${region}:${ACCOUNT}:cluster/orders`,
    clusterName: 'orders',
    partition: 'aws',
    region,
    account: ACCOUNT,
    status: 'ACTIVE',
    desiredCount: 1,
    deploymentController: 'ECS',
    primaryDeployment: { id: `ecs-svc/${name}`, createdAt: '2025-03-10T09:00:00.000Z' },
    tags: {},
    references: [reference],
  };
}

describe('changeForMatching', () => {
  it('takes the suffix of a managed secret from its full ARN, and carries the version id', () => {
    expect(changeForMatching(change())).toEqual({
      resource: { kind: 'secret', partition: 'aws', region: 'us-east-1', account: ACCOUNT, name: NAME, suffix: 'Xy12Zw' },
      effect: 'new-current-value',
      labels: ['AWSCURRENT'],
      versionId: VERSION,
    });
  });

  it('leaves the version id out when the change has none (a deletion), rather than carrying it as undefined', () => {
    const { versionId: _versionId, ...deleted } = change({ effect: 'deleted' });
    expect(Object.keys(changeForMatching(deleted as ActionableChange))).toEqual(['resource', 'effect', 'labels']);
  });

  it('gives no suffix when the ARN does not start with the name: the suffix is never guessed', () => {
    expect(changeForMatching(change({ name: 'rds!db-other' })).resource).not.toHaveProperty('suffix');
    expect(changeForMatching(change({ name: 'rds' })).resource).not.toHaveProperty('suffix');
  });

  it('keys a parameter by its name without the leading slashes, and leaves a name without one as it is', () => {
    const parameter = (name: string) =>
      changeForMatching({
        ...change(),
        kind: 'parameter',
        name,
        arn: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/${name.replace(/^\/+/, '')}`,
      } as ActionableChange).resource;
    expect(parameter('//app/db/password')).toMatchObject({ kind: 'parameter', key: 'app/db/password' });
    expect(parameter('app/db/password')).toMatchObject({ kind: 'parameter', key: 'app/db/password' });
  });

  it('carries the replica Regions, without the primary’s own', () => {
    expect(changeForMatching(change({ replicaRegions: ['eu-west-1', 'us-east-1'] })).resource).toMatchObject({ replicaRegions: ['eu-west-1'] });
  });
});

describe('planRefresh with the identity from changeForMatching', () => {
  it('redeploys a reader of the replica ARN when the primary changes, and not a same-named secret elsewhere', () => {
    const replicaReader = service('eu-api', 'eu-west-1', `${ARN.replace('us-east-1', 'eu-west-1')}:password::`);
    const elsewhere = service('ap-api', 'ap-south-1', `${ARN.replace('us-east-1', 'ap-south-1')}:password::`);
    const plan = planRefresh(change({ replicaRegions: ['eu-west-1'] }), [replicaReader, elsewhere], { mode: 'event', redeployOnPreviousChange: false });
    expect(plan.targets.map((target) => [target.name, target.decision])).toEqual([['eu-api', 'redeploy']]);
  });

  it('skips a stage-plus-version pin with code value-unchanged and the warning in the reason', () => {
    const pinned = service('pinned', 'us-east-1', `${ARN}::AWSCURRENT:${OLD_VERSION}`);
    const [target] = planRefresh(change(), [pinned], { mode: 'event', redeployOnPreviousChange: false }).targets;
    expect(target).toMatchObject({ decision: 'skip', code: 'value-unchanged' });
    expect(target?.reason).toContain(
      `moved AWSCURRENT to version ${VERSION}, off version ${OLD_VERSION}: GetSecretValue now fails for this reference and new tasks can no longer start`,
    );
  });
});
