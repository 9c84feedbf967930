import { describe, expect, it } from 'vitest';
import type { EcsServiceRecord, FoundReference } from '../../../lib/inventory/types.js';
import { planEcsRefresh } from '../../../lib/plan/plan-ecs.js';
import type { ActionableChange, PlanOptions } from '../../../lib/plan/types.js';
import { parseReference } from '../../../lib/references/index.js';
import type { ReferenceContext, ReferenceLocation } from '../../../lib/references/types.js';

const ACCOUNT = '111122223333';
const HOME: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: ACCOUNT };
const SECRET_NAME = 'demo/orders/db-credentials';
const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${SECRET_NAME}-Ab12Cd`;
const OTHER_SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:demo/other-Zz99Yy`;
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3e5a1b2c';
const CHANGE_TIME = '2025-03-10T10:00:00.000Z';

const EVENT: PlanOptions = { mode: 'event', redeployOnPreviousChange: false };
const MANUAL: PlanOptions = { mode: 'manual', redeployOnPreviousChange: false };

/** A new AWSCURRENT value of the demo secret at CHANGE_TIME. */
function secretChange(overrides: Partial<ActionableChange> = {}): ActionableChange {
  return {
    kind: 'secret',
    effect: 'new-current-value',
    reason: 'PutSecretValue moved AWSCURRENT',
    partition: 'aws',
    region: 'us-east-1',
    account: ACCOUNT,
    name: SECRET_NAME,
    arn: SECRET_ARN,
    versionId: VERSION_ID,
    labels: ['AWSCURRENT'],
    time: CHANGE_TIME,
    origin: { channel: 'cloudtrail-api-call', eventName: 'PutSecretValue' },
    warnings: [],
    ...overrides,
  };
}

/** A new value of an SSM parameter at CHANGE_TIME. */
function parameterChange(name: string, region = 'us-east-1'): ActionableChange {
  return {
    kind: 'parameter',
    effect: 'new-current-value',
    reason: 'Update',
    partition: 'aws',
    region,
    account: ACCOUNT,
    name,
    arn: `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${name.replace(/^\//, '')}`,
    versionId: '2',
    labels: [],
    time: CHANGE_TIME,
    origin: { channel: 'ssm-native', eventName: 'Update' },
    warnings: [],
  };
}

/** A `secrets` entry of container `app`, parsed as the inventory would. */
function found(
  valueFrom: string,
  options: { container?: string; name?: string; location?: ReferenceLocation; context?: ReferenceContext } = {},
): FoundReference {
  const location = options.location ?? 'secrets';
  return {
    container: options.container ?? 'app',
    location,
    name: options.name ?? 'DB_PASSWORD',
    valueFrom,
    parsed: parseReference(valueFrom, location, options.context ?? HOME),
  };
}

/** An ACTIVE ECS-controlled service with one running task, deployed an hour before the change. */
/** Overrides of the service record; `undefined` removes a field (e.g. `primaryDeployment`). */
type ServiceOverrides = { [K in keyof EcsServiceRecord]?: EcsServiceRecord[K] | undefined };

function service(name: string, references: readonly FoundReference[], overrides: ServiceOverrides = {}): EcsServiceRecord {
  const region = overrides.region ?? 'us-east-1';
  const clusterName = overrides.clusterName ?? 'orders';
  const clusterArn = `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${clusterName}`;
  return {
    arn: `arn:aws:ecs:${region}:${ACCOUNT}:service/${clusterName}/${name}`,
    name,
    clusterArn,
    clusterName,
    partition: 'aws',
    region,
    account: ACCOUNT,
    status: 'ACTIVE',
    desiredCount: 2,
    deploymentController: 'ECS',
    taskDefinitionArn: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${name}:7`,
    primaryDeployment: { id: `ecs-svc/${name}-1`, createdAt: '2025-03-10T09:00:00.000Z' },
    tags: {},
    references,
    ...overrides,
  } as EcsServiceRecord;
}

const READS_CURRENT = found(SECRET_ARN);

describe('planEcsRefresh: redeploy', () => {
  it('redeploys an ACTIVE service that reads AWSCURRENT of the changed secret and names the reader in the reason', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT])], EVENT);
    expect(plan.warnings).toEqual([]);
    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).toMatchObject({
      type: 'ecs-service',
      arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/orders/api`,
      name: 'api',
      cluster: 'orders',
      clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/orders`,
      region: 'us-east-1',
      decision: 'redeploy',
      reason: `app (secrets DB_PASSWORD) read the current value of secret ${SECRET_NAME}, which changed`,
    });
    expect(plan.targets[0]?.references).toEqual([
      expect.objectContaining({ container: 'app', location: 'secrets', name: 'DB_PASSWORD', valueFrom: SECRET_ARN, impact: 'affected' }),
    ]);
  });

  it('carries the rollout tags a service has (wave, window trimmed, approval in any casing) and none it lacks', () => {
    const services = [
      service('tagged', [READS_CURRENT], {
        tags: { 'secret-refresh:wave': '2', 'secret-refresh:window': '  Mon-Fri 08:00-18:00 Europe/Berlin  ', 'secret-refresh:approval': 'TRUE' },
      }),
      service('blank', [READS_CURRENT], { tags: { 'secret-refresh:window': '   ', 'secret-refresh:approval': 'false' } }),
      service('plain', [READS_CURRENT]),
    ];
    const byName = new Map(planEcsRefresh(secretChange(), services, EVENT).targets.map((target) => [target.name, target]));
    const [tagged, blank, plain] = ['tagged', 'blank', 'plain'].map((name) => byName.get(name));
    expect(tagged).toMatchObject({ name: 'tagged', wave: 2, window: 'Mon-Fri 08:00-18:00 Europe/Berlin', approval: true });
    for (const target of [blank, plain]) {
      expect(target).toBeDefined();
      expect(target).not.toHaveProperty('wave');
      expect(target).not.toHaveProperty('window');
      expect(target).not.toHaveProperty('approval');
    }
  });

  it('does not list services that do not reference the changed resource at all', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT]), service('billing', [found(OTHER_SECRET_ARN)]), service('empty', [])], EVENT);
    expect(plan.targets.map((target) => target.name)).toEqual(['api']);
    expect(plan.warnings).toEqual([]);
  });

  it('redeploys a service whose repositoryCredentials name the secret by its bare name', () => {
    const credentials: FoundReference = {
      container: 'app',
      location: 'repositoryCredentials',
      valueFrom: SECRET_NAME,
      parsed: parseReference(SECRET_NAME, 'repositoryCredentials', HOME),
    };
    const plan = planEcsRefresh(secretChange(), [service('api', [credentials])], EVENT);
    expect(plan.targets[0]).toMatchObject({
      decision: 'redeploy',
      reason: `app (repositoryCredentials) read the current value of secret ${SECRET_NAME}, which changed`,
    });
  });

  it('does not treat a bare name in secrets as a reader of the secret (ECS reads it as an SSM parameter)', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [found(SECRET_NAME)])], EVENT);
    expect(plan.targets).toEqual([]);
  });

  it('returns no targets and no warnings for an empty inventory', () => {
    expect(planEcsRefresh(secretChange(), [], EVENT)).toEqual({ targets: [], warnings: [] });
  });

  it('redeploys a service with one version-pinned and one AWSCURRENT reference to the changed secret', () => {
    const pinned = found(`${SECRET_ARN}:::${VERSION_ID}`, { container: 'worker', name: 'OLD_PASSWORD' });
    const plan = planEcsRefresh(secretChange(), [service('api', [pinned, READS_CURRENT])], EVENT);
    expect(plan.targets[0]?.decision).toBe('redeploy');
    expect(plan.targets[0]?.reason).toBe(`app (secrets DB_PASSWORD) read the current value of secret ${SECRET_NAME}, which changed`);
    expect(plan.targets[0]?.references.map((reference) => reference.impact)).toEqual(['unchanged', 'affected']);
  });

  it('sorts targets by Region, then cluster, then service name', () => {
    const eu = { partition: 'aws', region: 'eu-west-1', account: ACCOUNT };
    // A cross-Region reference: the ARN brings its own Region, so services in eu-west-1 match the us-east-1 secret.
    const reads = (context: ReferenceContext = HOME) => [found(SECRET_ARN, { context })];
    const plan = planEcsRefresh(
      secretChange(),
      [
        service('zeta', reads(), { clusterName: 'b' }),
        service('alpha', reads(), { clusterName: 'b' }),
        service('omega', reads(), { clusterName: 'a' }),
        service('beta', reads(eu), { region: 'eu-west-1', clusterName: 'z' }),
      ],
      EVENT,
    );
    expect(plan.targets.map((target) => `${target.region}/${target.cluster}/${target.name}`)).toEqual([
      'eu-west-1/z/beta',
      'us-east-1/a/omega',
      'us-east-1/b/alpha',
      'us-east-1/b/zeta',
    ]);
  });
});

describe('planEcsRefresh: deletion', () => {
  it('skips every reader of a deleted secret with the deletion reason and redeploys none', () => {
    const change = secretChange({ effect: 'deleted', labels: [], reason: 'DeleteSecret' });
    const services = [
      service('api', [READS_CURRENT]),
      service('pinned', [found(`${SECRET_ARN}:::${VERSION_ID}`)]),
      service('drained', [READS_CURRENT], { status: 'DRAINING' }),
    ];
    const plan = planEcsRefresh(change, services, EVENT);
    expect(plan.targets.map((target) => target.name)).toEqual(['api', 'drained', 'pinned']);
    for (const target of plan.targets) {
      expect(target.decision).toBe('skip');
      expect(target.reason).toBe(
        `secret ${SECRET_NAME} was deleted or is scheduled for deletion: new tasks would fail to start, so the service is not redeployed; restore it or update the task definition`,
      );
      expect(target.references.every((reference) => reference.impact === 'affected')).toBe(true);
    }
  });

  it('skips readers of a deleted parameter with a reason naming the parameter', () => {
    const change: ActionableChange = { ...parameterChange('/a/b'), effect: 'deleted' };
    const plan = planEcsRefresh(change, [service('api', [found('/a/b')])], MANUAL);
    expect(plan.targets[0]?.decision).toBe('skip');
    expect(plan.targets[0]?.reason).toMatch(/^parameter \/a\/b was deleted or is scheduled for deletion/);
  });
});

describe('planEcsRefresh: references that read no changed value', () => {
  it('skips a service whose only reference is pinned to a version id', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [found(`${SECRET_ARN}:::${VERSION_ID}`)])], EVENT);
    expect(plan.targets[0]?.decision).toBe('skip');
    expect(plan.targets[0]?.reason).toMatch(/^no reference reads a changed value: pinned to version id 9d4cb84b-/);
    expect(plan.targets[0]?.references[0]?.impact).toBe('unchanged');
  });

  it('skips a service pinned to AWSPREVIOUS by default and says how to opt in', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [found(`${SECRET_ARN}::AWSPREVIOUS:`)])], EVENT);
    expect(plan.targets[0]?.decision).toBe('skip');
    expect(plan.targets[0]?.reason).toContain('pinned to AWSPREVIOUS');
    expect(plan.targets[0]?.reason).toMatch(/\(set SECRET_REFRESH_REDEPLOY_AWSPREVIOUS=true to act on it\)$/);
    expect(plan.targets[0]?.references[0]?.impact).toBe('previous-changed');
  });

  it('redeploys a service pinned to AWSPREVIOUS when redeployOnPreviousChange is set', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [found(`${SECRET_ARN}::AWSPREVIOUS:`)])], {
      mode: 'event',
      redeployOnPreviousChange: true,
    });
    expect(plan.targets[0]?.decision).toBe('redeploy');
  });

  it('redeploys only the ::blue: reader when the custom label blue moved', () => {
    const change = secretChange({ effect: 'label-moved', labels: ['blue'] });
    const plan = planEcsRefresh(
      change,
      [service('blue-app', [found(`${SECRET_ARN}::blue:`)]), service('green-app', [found(`${SECRET_ARN}::green:`)]), service('current-app', [READS_CURRENT])],
      EVENT,
    );
    const decisions = Object.fromEntries(plan.targets.map((target) => [target.name, target.decision]));
    expect(decisions).toEqual({ 'blue-app': 'redeploy', 'current-app': 'skip', 'green-app': 'skip' });
    expect(plan.targets.find((target) => target.name === 'blue-app')?.reason).toBe(
      `app (secrets DB_PASSWORD) read label blue of secret ${SECRET_NAME}, which changed`,
    );
  });
});

describe('planEcsRefresh: service state', () => {
  it('skips a service that is not ACTIVE', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { status: 'DRAINING' })], EVENT);
    expect(plan.targets[0]).toMatchObject({ decision: 'skip', reason: 'service is DRAINING, not ACTIVE' });
  });

  it.each(['true', 'TRUE', 'True'])('skips a service tagged secret-refresh:ignore=%s', (value) => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { tags: { 'secret-refresh:ignore': value } })], MANUAL);
    expect(plan.targets[0]).toMatchObject({ decision: 'skip', reason: 'service is tagged secret-refresh:ignore=true' });
  });

  it('redeploys a service tagged secret-refresh:ignore=false', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { tags: { 'secret-refresh:ignore': 'false' } })], EVENT);
    expect(plan.targets[0]?.decision).toBe('redeploy');
  });

  it('skips a CODE_DEPLOY service and says to start a CodeDeploy deployment instead', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { deploymentController: 'CODE_DEPLOY' })], EVENT);
    expect(plan.targets[0]?.decision).toBe('skip');
    expect(plan.targets[0]?.reason).toMatch(/^deployment controller is CODE_DEPLOY: forceNewDeployment does not apply;/);
    expect(plan.targets[0]?.reason).toContain('CreateDeployment');
  });

  it('skips an EXTERNAL service and says to create a new task set instead', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { deploymentController: 'EXTERNAL' })], EVENT);
    expect(plan.targets[0]?.decision).toBe('skip');
    expect(plan.targets[0]?.reason).toMatch(/^deployment controller is EXTERNAL: forceNewDeployment does not apply;/);
    expect(plan.targets[0]?.reason).toContain('CreateTaskSet');
  });

  it('skips a service whose desiredCount is 0', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { desiredCount: 0 })], EVENT);
    expect(plan.targets[0]).toMatchObject({
      decision: 'skip',
      reason: 'desiredCount is 0: no task is running; new tasks will read the new value',
    });
  });
});

describe('planEcsRefresh: already fresh', () => {
  const deployedAt = (createdAt: string) => ({ primaryDeployment: { id: 'ecs-svc/123', createdAt } });

  it('skips a service whose PRIMARY deployment was created after the change as already fresh', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt('2025-03-10T10:05:00.000Z'))], EVENT);
    expect(plan.targets[0]).toMatchObject({
      decision: 'skip',
      reason: `already fresh: PRIMARY deployment ecs-svc/123 was created at 2025-03-10T10:05:00.000Z, after the value became current at ${CHANGE_TIME}`,
    });
  });

  it('redeploys a service whose PRIMARY deployment was created in the same whole second as the change (conservative)', () => {
    for (const createdAt of [CHANGE_TIME, '2025-03-10T10:00:00.999Z']) {
      const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt(createdAt))], EVENT);
      expect(plan.targets[0]?.decision, createdAt).toBe('redeploy');
    }
  });

  it('counts a PRIMARY deployment created in the next whole second as already fresh', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt('2025-03-10T10:00:01.000Z'))], EVENT);
    expect(plan.targets[0]?.decision).toBe('skip');
    expect(plan.targets[0]?.reason).toMatch(/^already fresh:/);
  });

  it('redeploys a service whose PRIMARY deployment was created in the same second as a whole-second event time', () => {
    // Event times have whole seconds: a change at 10:00:00Z happened somewhere in [10:00:00, 10:00:01).
    const change = secretChange({ time: '2025-03-10T10:00:00Z' });
    for (const createdAt of ['2025-03-10T10:00:00.000Z', '2025-03-10T10:00:00.400Z', '2025-03-10T10:00:00.999Z']) {
      const plan = planEcsRefresh(change, [service('api', [READS_CURRENT], deployedAt(createdAt))], EVENT);
      expect(plan.targets[0]?.decision, createdAt).toBe('redeploy');
    }
    const later = planEcsRefresh(change, [service('api', [READS_CURRENT], deployedAt('2025-03-10T10:00:01.000Z'))], EVENT);
    expect(later.targets[0]).toMatchObject({
      decision: 'skip',
      code: 'already-fresh',
      reason: 'already fresh: PRIMARY deployment ecs-svc/123 was created at 2025-03-10T10:00:01.000Z, after the value became current at 2025-03-10T10:00:00Z',
    });
  });

  it('judges freshness by the moment the value became current (currentSince), not by the event time', () => {
    // A late v2 event resolved to v3, current since 10:10: a deployment at 10:05 still runs v2.
    const late = { ...secretChange(), currentSince: '2025-03-10T10:10:00.000Z' };
    const plan = planEcsRefresh(late, [service('api', [READS_CURRENT], deployedAt('2025-03-10T10:05:00.000Z'))], EVENT);
    expect(plan.targets[0]?.decision).toBe('redeploy');
  });

  it('redeploys a service whose PRIMARY deployment was created 1 ms before the change', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt('2025-03-10T09:59:59.999Z'))], EVENT);
    expect(plan.targets[0]?.decision).toBe('redeploy');
  });

  it('compares instants, not strings, when the deployment time has another offset', () => {
    // 10:30+01:00 is 09:30Z, before the change, although its text sorts after "10:00".
    const before = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt('2025-03-10T10:30:00+01:00'))], EVENT);
    expect(before.targets[0]?.decision).toBe('redeploy');
    const after = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt('2025-03-10T11:00:01+01:00'))], EVENT);
    expect(after.targets[0]?.reason).toMatch(/^already fresh:/);
  });

  it('redeploys a service deployed after the change in manual mode', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], deployedAt('2025-03-10T10:05:00.000Z'))], MANUAL);
    expect(plan.targets[0]?.decision).toBe('redeploy');
  });

  it('redeploys a service without a PRIMARY deployment', () => {
    const plan = planEcsRefresh(secretChange(), [service('api', [READS_CURRENT], { primaryDeployment: undefined })], EVENT);
    expect(plan.targets[0]?.decision).toBe('redeploy');
  });
});

describe('planEcsRefresh: warnings', () => {
  it('turns an unparseable reference into a warning naming the service, container and value', () => {
    const broken: FoundReference = { container: 'sidecar', location: 'secrets', name: 'TOKEN', valueFrom: 'arn:aws:nope', parsed: { error: 'not an ARN' } };
    const plan = planEcsRefresh(secretChange(), [service('api', [broken, READS_CURRENT])], EVENT);
    expect(plan.warnings).toEqual([
      `arn:aws:ecs:us-east-1:${ACCOUNT}:service/orders/api: sidecar has an unparseable secrets reference "arn:aws:nope": not an ARN`,
    ]);
    expect(plan.targets[0]?.decision).toBe('redeploy');
    expect(plan.targets[0]?.references).toHaveLength(1);
  });

  it('warns about an unparseable reference of a service that is not a target', () => {
    const broken: FoundReference = { container: 'app', location: 'secrets', valueFrom: 'x', parsed: { error: 'bad' } };
    const plan = planEcsRefresh(secretChange(), [service('other', [broken])], EVENT);
    expect(plan.targets).toEqual([]);
    expect(plan.warnings).toHaveLength(1);
  });
});

describe('planEcsRefresh: parameters', () => {
  it('matches /a/b but not /a/b-old', () => {
    const plan = planEcsRefresh(
      parameterChange('/a/b'),
      [
        service('reads-b', [found('/a/b')]),
        service('reads-b-old', [found('/a/b-old')]),
        service('reads-b-arn', [found(`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/a/b`)]),
      ],
      EVENT,
    );
    expect(plan.targets.map((target) => [target.name, target.decision])).toEqual([
      ['reads-b', 'redeploy'],
      ['reads-b-arn', 'redeploy'],
    ]);
    expect(plan.targets[0]?.reason).toBe('app (secrets DB_PASSWORD) read the current value of parameter /a/b, which changed');
  });

  it('does not match a bare-name reference to a change in another Region', () => {
    const plan = planEcsRefresh(parameterChange('/a/b', 'eu-west-1'), [service('api', [found('/a/b')])], EVENT);
    expect(plan.targets).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it('matches a bare-name reference of a service in the Region of the change', () => {
    const eu = { partition: 'aws', region: 'eu-west-1', account: ACCOUNT };
    const plan = planEcsRefresh(parameterChange('/a/b', 'eu-west-1'), [service('api', [found('/a/b', { context: eu })], { region: 'eu-west-1' })], EVENT);
    expect(plan.targets.map((target) => target.decision)).toEqual(['redeploy']);
  });
});
