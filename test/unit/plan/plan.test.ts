/**
 * The Plan step's face, planRefresh: ECS and Batch decisions in one plan, the changed resource's ignore tag,
 * scope and opt-in, and the blast-radius cap over ECS redeploys *and* Batch resubmits. Pure: no AWS.
 */
import { describe, expect, it } from 'vitest';
import type { BatchJobDefinitionRecord, BatchJobRecord, EcsServiceRecord, Inventory } from '../../../lib/inventory/types.js';
import { nothingToPlan, type Plan, type PlanSettings, planRefresh, type SkipCode } from '../../../lib/plan/index.js';
import {
  ACCOUNT,
  BEFORE_CHANGE,
  CHANGE_TIME,
  definitionRecord,
  jobDefinitionArn,
  jobRecord,
  REGION,
  SECRET_ARN,
  secretChange,
  secretReference,
} from '../batch/batch-doubles.js';

const AFTER_CHANGE = '2026-11-20T10:30:00.000Z';
const SETTINGS: PlanSettings = {
  mode: 'event',
  redeployOnPreviousChange: false,
  batchPolicy: 'report',
  scope: { include: [], exclude: [], optIn: false },
  maxTargets: 50,
  confirmLarge: false,
};

/** An ACTIVE ECS-controlled service in cluster `orders` reading the demo secret, deployed before the change. */
function ecsService(name: string, overrides: Partial<EcsServiceRecord> = {}): EcsServiceRecord {
  const clusterName = overrides.clusterName ?? 'orders';
  return {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterName}/${name}`,
    name,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterName}`,
    clusterName,
    partition: 'aws',
    region: REGION,
    account: ACCOUNT,
    status: 'ACTIVE',
    desiredCount: 2,
    deploymentController: 'ECS',
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:1`,
    primaryDeployment: { id: `ecs-svc/${name}-1`, createdAt: new Date(BEFORE_CHANGE).toISOString() },
    tags: {},
    references: [secretReference(SECRET_ARN)],
    ...overrides,
  };
}

function inventory(
  services: readonly EcsServiceRecord[],
  definitions: readonly BatchJobDefinitionRecord[] = [],
  jobs: readonly BatchJobRecord[] = [],
): Inventory {
  return {
    ecs: { regions: [REGION], clusters: 1, services, problems: [] },
    batch: { regions: [REGION], queues: 1, jobDefinitions: definitions, jobs, problems: [] },
  };
}

const decisions = (plan: Plan) => plan.targets.map((target) => [target.name, target.decision, target.code]);
const reasonOf = (plan: Plan, name: string) => plan.targets.find((target) => target.name === name)?.reason;

describe('planRefresh: one plan for ECS and Batch', () => {
  it('lists ECS services, then job definitions, then jobs, each carrying the change it answers', () => {
    const definition = definitionRecord('nightly');
    const plan = planRefresh(secretChange(), inventory([ecsService('api')], [definition], [jobRecord('j1', definition.arn)]), {
      ...SETTINGS,
      batchPolicy: 'resubmit',
    });
    expect(plan.targets.map((target) => [target.type, target.decision])).toEqual([
      ['ecs-service', 'redeploy'],
      ['batch-job-definition', 'skip'],
      ['batch-job', 'resubmit'],
    ]);
    const answered = {
      id: 'c1',
      kind: 'secret',
      arn: SECRET_ARN,
      name: 'demo/orders/db-credentials',
      versionId: 'c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f',
      time: CHANGE_TIME,
    };
    expect(plan.changes).toEqual([answered]);
    for (const target of plan.targets) expect(target.changes).toEqual([answered]);
    expect(plan).not.toHaveProperty('refused');
    expect(plan).not.toHaveProperty('skipped');
  });

  it('gathers the ECS and the Batch warnings', () => {
    const badWave = ecsService('api', { tags: { 'secret-refresh:wave': 'first' } });
    const badPolicy = definitionRecord('nightly', { tags: { 'secret-refresh:batch-policy': 'sometimes' } });
    const plan = planRefresh(secretChange(), inventory([badWave], [badPolicy], [jobRecord('j1', badPolicy.arn)]), SETTINGS);
    expect(plan.warnings).toEqual([
      `${badWave.arn}: tag secret-refresh:wave="first" is not a whole number from 0 to 1000; the service goes in the last wave`,
      `${badPolicy.arn}: tag secret-refresh:batch-policy="sometimes" is not one of report, resubmit, resubmit-and-terminate; ignored`,
    ]);
  });
});

describe('planRefresh: what triggers nothing', () => {
  it('plans nothing for a change that makes no new value, with the change reason', () => {
    const change = { ...secretChange(), effect: 'none' as const, reason: 'PutSecretValue staged as AWSPENDING: not current yet' };
    expect(nothingToPlan(change)).toBe('PutSecretValue staged as AWSPENDING: not current yet');
    expect(planRefresh(change, inventory([ecsService('api')]), SETTINGS)).toEqual({
      changes: [],
      targets: [],
      warnings: [],
      skipped: 'PutSecretValue staged as AWSPENDING: not current yet',
    });
  });

  it.each(['true', 'TRUE', 'True'])('plans nothing for a secret tagged secret-refresh:ignore=%s, and says so', (value) => {
    const change = secretChange({ tags: { 'secret-refresh:ignore': value } });
    const plan = planRefresh(change, inventory([ecsService('api')]), SETTINGS);
    expect(plan.skipped).toBe('the secret is tagged secret-refresh:ignore=true: it triggers nothing');
    expect(plan.targets).toEqual([]);
  });

  it('plans as usual for a secret whose ignore tag is not true', () => {
    const change = secretChange({ tags: { 'secret-refresh:ignore': 'false' } });
    expect(nothingToPlan(change)).toBeUndefined();
    expect(decisions(planRefresh(change, inventory([ecsService('api')]), SETTINGS))).toEqual([['api', 'redeploy', undefined]]);
  });
});

describe('planRefresh: the changes it answers', () => {
  it('says "nothing to plan" for an empty batch', () => {
    expect(planRefresh([], inventory([ecsService('api')]), SETTINGS)).toEqual({ changes: [], targets: [], warnings: [], skipped: 'nothing to plan' });
  });

  it('leaves out a change without an ARN with its own reason, and answers with the moment the value became current', () => {
    const unnamed = { ...secretChange(), id: 'c1', arn: '', reason: 'no ARN in the event' };
    expect(planRefresh([unnamed], inventory([ecsService('api')]), SETTINGS).skipped).toBe('no ARN in the event');
    const { versionId: _versionId, ...unversioned } = secretChange({ currentSince: '2026-11-20T09:58:40Z' });
    const plan = planRefresh({ ...unversioned, effect: 'deleted' }, inventory([ecsService('api')]), SETTINGS);
    expect(plan.changes).toEqual([
      { id: 'c1', kind: 'secret', arn: SECRET_ARN, name: 'demo/orders/db-credentials', time: CHANGE_TIME, currentSince: '2026-11-20T09:58:40Z' },
    ]);
  });
});

describe('planRefresh: scope and opt-in', () => {
  const services = [
    ecsService('api', { clusterName: 'prod-eu' }),
    ecsService('batch', { clusterName: 'prod-us' }),
    ecsService('web', { clusterName: 'staging' }),
  ];

  it('acts only on clusters in SECRET_REFRESH_CLUSTERS_INCLUDE and reports the others out of scope', () => {
    const plan = planRefresh(secretChange(), inventory(services), { ...SETTINGS, scope: { include: ['prod-*'], exclude: [], optIn: false } });
    expect(decisions(plan)).toEqual([
      ['api', 'redeploy', undefined],
      ['batch', 'redeploy', undefined],
      ['web', 'skip', 'out-of-scope'],
    ]);
    expect(reasonOf(plan, 'web')).toBe('cluster staging is not in SECRET_REFRESH_CLUSTERS_INCLUDE (prod-*)');
  });

  it('lets SECRET_REFRESH_CLUSTERS_EXCLUDE win over the include list', () => {
    const plan = planRefresh(secretChange(), inventory(services), { ...SETTINGS, scope: { include: ['prod-*'], exclude: ['prod-us'], optIn: false } });
    expect(decisions(plan)).toEqual([
      ['api', 'redeploy', undefined],
      ['batch', 'skip', 'out-of-scope'],
      ['web', 'skip', 'out-of-scope'],
    ]);
    expect(reasonOf(plan, 'batch')).toBe('cluster prod-us is excluded by SECRET_REFRESH_CLUSTERS_EXCLUDE (prod-us)');
  });

  it('redeploys a service tagged secret-refresh:enabled=true in opt-in mode and skips the untagged ones', () => {
    const optedIn = ecsService('api', { tags: { 'secret-refresh:enabled': 'TRUE' } });
    const plan = planRefresh(secretChange(), inventory([optedIn, ecsService('worker'), ecsService('cron', { tags: { 'secret-refresh:enabled': 'no' } })]), {
      ...SETTINGS,
      scope: { include: [], exclude: [], optIn: true },
    });
    expect(decisions(plan)).toEqual([
      ['api', 'redeploy', undefined],
      ['cron', 'skip', 'not-opted-in'],
      ['worker', 'skip', 'not-opted-in'],
    ]);
    expect(reasonOf(plan, 'worker')).toBe('SECRET_REFRESH_MODE=opt-in and the service is not tagged secret-refresh:enabled=true');
  });
});

describe('planRefresh: the blast-radius cap', () => {
  const definition = definitionRecord('nightly');
  const twoAndTwo = inventory([ecsService('api'), ecsService('worker')], [definition], [jobRecord('j1', definition.arn), jobRecord('j2', definition.arn)]);
  const resubmit = { ...SETTINGS, batchPolicy: 'resubmit' as const };

  it('counts Batch resubmits with ECS redeploys: 2 + 2 > 3 refuses the whole run', () => {
    const plan = planRefresh(secretChange(), twoAndTwo, { ...resubmit, maxTargets: 3 });
    expect(plan.refused).toBe(
      'blast-radius cap: 4 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=3; nothing was done. ' +
        'Review with "secret-refresh refresh --ref demo/orders/db-credentials --dry-run", then run it with --confirm-large',
    );
    expect(decisions(plan)).toEqual([
      ['api', 'skip', 'blast-radius-cap'],
      ['worker', 'skip', 'blast-radius-cap'],
      ['nightly:1', 'skip', 'nothing-to-do'],
      ['job-j1', 'skip', 'blast-radius-cap'],
      ['job-j2', 'skip', 'blast-radius-cap'],
    ]);
    expect(reasonOf(plan, 'api')).toMatch(/^blast-radius cap: the run was refused \(4 targets > SECRET_REFRESH_MAX_TARGETS=3\); would redeploy: /);
    expect(reasonOf(plan, 'job-j1')).toMatch(/^blast-radius cap: the run was refused \(4 targets > SECRET_REFRESH_MAX_TARGETS=3\); would resubmit: /);
    const job = plan.targets.find((target) => target.type === 'batch-job');
    expect(job?.type === 'batch-job' && job.terminate).toBe(false);
  });

  it('acts when the count equals the cap', () => {
    const plan = planRefresh(secretChange(), twoAndTwo, { ...resubmit, maxTargets: 4 });
    expect(plan).not.toHaveProperty('refused');
    expect(plan.targets.filter((target) => target.decision !== 'skip')).toHaveLength(4);
  });

  it('refuses on Batch resubmits alone', () => {
    const batchOnly = inventory([], [definition], [jobRecord('j1', definition.arn), jobRecord('j2', definition.arn)]);
    expect(planRefresh(secretChange(), batchOnly, { ...resubmit, maxTargets: 1 }).refused).toMatch(/^blast-radius cap: 2 targets would be acted on/);
  });

  it('does not count skips or reported jobs (policy report)', () => {
    const plan = planRefresh(secretChange(), twoAndTwo, { ...SETTINGS, maxTargets: 2 });
    expect(plan).not.toHaveProperty('refused');
    expect(decisions(plan).map(([, decision]) => decision)).toEqual(['redeploy', 'redeploy', 'skip', 'skip', 'skip']);
  });

  it('goes past the cap for a manual refresh with --confirm-large', () => {
    const plan = planRefresh(secretChange(), twoAndTwo, { ...resubmit, mode: 'manual', maxTargets: 1, confirmLarge: true });
    expect(plan).not.toHaveProperty('refused');
    expect(plan.targets.filter((target) => target.decision !== 'skip')).toHaveLength(4);
  });
});

describe('planRefresh: every skip code', () => {
  const definition = definitionRecord('nightly');
  const cases: [SkipCode, () => Plan, string, RegExp | string][] = [
    [
      'deleted',
      () => planRefresh(secretChange({ effect: 'deleted' }), inventory([ecsService('api')]), SETTINGS),
      'api',
      'secret demo/orders/db-credentials was deleted or is scheduled for deletion: new tasks would fail to start, so the service is not redeployed; restore it or update the task definition',
    ],
    [
      'value-unchanged',
      () => planRefresh(secretChange(), inventory([ecsService('api', { references: [secretReference(`${SECRET_ARN}::AWSPREVIOUS:`)] })]), SETTINGS),
      'api',
      /\(set SECRET_REFRESH_REDEPLOY_AWSPREVIOUS=true to act on it\)$/,
    ],
    [
      'not-active',
      () => planRefresh(secretChange(), inventory([ecsService('api', { status: 'DRAINING' })]), SETTINGS),
      'api',
      'service is DRAINING, not ACTIVE',
    ],
    [
      'ignored',
      () => planRefresh(secretChange(), inventory([ecsService('api', { tags: { 'secret-refresh:ignore': 'true' } })]), SETTINGS),
      'api',
      'service is tagged secret-refresh:ignore=true',
    ],
    [
      'out-of-scope',
      () => planRefresh(secretChange(), inventory([ecsService('api')]), { ...SETTINGS, scope: { include: [], exclude: ['ord*'], optIn: false } }),
      'api',
      'cluster orders is excluded by SECRET_REFRESH_CLUSTERS_EXCLUDE (ord*)',
    ],
    [
      'not-opted-in',
      () => planRefresh(secretChange(), inventory([ecsService('api')]), { ...SETTINGS, scope: { include: [], exclude: [], optIn: true } }),
      'api',
      'SECRET_REFRESH_MODE=opt-in and the service is not tagged secret-refresh:enabled=true',
    ],
    [
      'deployment-controller',
      () => planRefresh(secretChange(), inventory([ecsService('api', { deploymentController: 'CODE_DEPLOY' })]), SETTINGS),
      'api',
      'deployment controller is CODE_DEPLOY: forceNewDeployment does not apply; start a CodeDeploy deployment (CreateDeployment) with the same task definition',
    ],
    [
      'nothing-running',
      () => planRefresh(secretChange(), inventory([ecsService('api', { desiredCount: 0 })]), SETTINGS),
      'api',
      'desiredCount is 0: no task is running; new tasks will read the new value',
    ],
    [
      'already-fresh',
      () => planRefresh(secretChange(), inventory([ecsService('api', { primaryDeployment: { id: 'ecs-svc/new', createdAt: AFTER_CHANGE } })]), SETTINGS),
      'api',
      `already fresh: PRIMARY deployment ecs-svc/new was created at ${AFTER_CHANGE}, after the value became current at ${CHANGE_TIME}`,
    ],
    [
      'nothing-to-do',
      () => planRefresh(secretChange(), inventory([], [definition]), SETTINGS),
      'nightly:1',
      'future jobs read the new value of secret demo/orders/db-credentials when they start: nothing to do',
    ],
    [
      'policy-report',
      () => planRefresh(secretChange(), inventory([], [definition], [jobRecord('j1', definition.arn)]), SETTINGS),
      'job-j1',
      /Policy "report": not resubmitted \(tag secret-refresh:batch-policy=resubmit or SECRET_REFRESH_BATCH_POLICY to change\)$/,
    ],
    [
      'superseded',
      () =>
        planRefresh(secretChange(), inventory([], [definition], [jobRecord('j1', definition.arn, { tags: { 'secret-refresh:superseded-by': 'j9' } })]), {
          ...SETTINGS,
          batchPolicy: 'resubmit',
        }),
      'job-j1',
      'already resubmitted as job j9 (tag secret-refresh:superseded-by)',
    ],
    [
      'blast-radius-cap',
      () => planRefresh(secretChange(), inventory([ecsService('api'), ecsService('web')]), { ...SETTINGS, maxTargets: 1 }),
      'api',
      /^blast-radius cap: the run was refused \(2 targets > SECRET_REFRESH_MAX_TARGETS=1\); would redeploy: /,
    ],
  ];

  it.each(cases)('gives code %s with the reason users read', (code, plan, name, reason) => {
    const target = plan().targets.find((candidate) => candidate.name === name);
    expect(target?.decision).toBe('skip');
    expect(target?.code).toBe(code);
    if (typeof reason === 'string') expect(target?.reason).toBe(reason);
    else expect(target?.reason).toMatch(reason);
  });

  it('covers every skip code', () => {
    const all: readonly SkipCode[] = [
      'deleted',
      'value-unchanged',
      'not-active',
      'ignored',
      'out-of-scope',
      'not-opted-in',
      'deployment-controller',
      'nothing-running',
      'already-fresh',
      'policy-report',
      'superseded',
      'nothing-to-do',
      'blast-radius-cap',
    ];
    expect(new Set(cases.map(([code]) => code))).toEqual(new Set(all));
  });

  it('skips a job definition of a deleted secret with code deleted, and its running job too', () => {
    const plan = planRefresh(secretChange({ effect: 'deleted' }), inventory([], [definition], [jobRecord('j1', definition.arn)]), SETTINGS);
    expect(decisions(plan)).toEqual([
      ['nightly:1', 'skip', 'deleted'],
      ['job-j1', 'skip', 'deleted'],
    ]);
    expect(reasonOf(plan, 'job-j1')).toBe('secret demo/orders/db-credentials was deleted or is scheduled for deletion: a resubmitted job would fail to start');
  });

  it('skips a job started after the change as already fresh, and a job tagged ignore', () => {
    const plan = planRefresh(
      secretChange(),
      inventory(
        [],
        [definition],
        [jobRecord('fresh', definition.arn, { startedAt: AFTER_CHANGE }), jobRecord('quiet', definition.arn, { tags: { 'secret-refresh:ignore': 'true' } })],
      ),
      { ...SETTINGS, batchPolicy: 'resubmit' },
    );
    expect(decisions(plan)).toEqual([
      ['nightly:1', 'skip', 'nothing-to-do'],
      ['job-fresh', 'skip', 'already-fresh'],
      ['job-quiet', 'skip', 'ignored'],
    ]);
    expect(reasonOf(plan, 'job-fresh')).toBe(`already fresh: the job started at ${AFTER_CHANGE}, after the value became current at ${CHANGE_TIME}`);
    expect(reasonOf(plan, 'job-quiet')).toBe('job or job definition is tagged secret-refresh:ignore=true');
    expect(jobDefinitionArn('nightly')).toBe(definition.arn);
  });
});

describe('planRefresh: vanished services and modern deployment types', () => {
  it('reports a service DescribeServices found MISSING as skipped with code not-found, after the matching services, never as an action', () => {
    const vanished = {
      arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/ghost`,
      name: 'ghost',
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orders`,
      clusterName: 'orders',
      region: REGION,
      reason: 'MISSING',
    };
    const base = inventory([ecsService('api')]);
    const plan = planRefresh(secretChange(), { ...base, ecs: { ...base.ecs, vanished: [vanished] } }, { ...SETTINGS, maxTargets: 1 });
    expect(decisions(plan)).toEqual([
      ['api', 'redeploy', undefined],
      ['ghost', 'skip', 'not-found'],
    ]);
    expect(plan.targets[1]).toMatchObject({ type: 'ecs-service', cluster: 'orders', references: [] });
    expect(reasonOf(plan, 'ghost')).toBe(
      'ListServices named the service but DescribeServices reports it MISSING: it was deleted in between; nothing of it runs, so nothing reads an old value',
    );
    // Not counted by the blast-radius cap: one redeploy under a cap of one.
    expect(plan.refused).toBeUndefined();
  });

  it.each([
    [
      { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 15 },
      'strategy BLUE_GREEN (bake time 15 min): the refresh may take many minutes and briefly runs both revisions (double the tasks)',
    ],
    [
      { strategy: 'LINEAR', bakeTimeInMinutes: 5, linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 6 } },
      'strategy LINEAR (10% a step, step bake time 6 min, bake time 5 min): the refresh may take many minutes and briefly runs both revisions (double the tasks)',
    ],
    [
      { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 } },
      'strategy CANARY (canary 5%, canary bake time 10 min): the refresh may take many minutes and briefly runs both revisions (double the tasks)',
    ],
    [
      { strategy: 'CANARY', expressMode: true as const },
      'Express Mode service, strategy CANARY: the refresh may take many minutes and briefly runs both revisions (double the tasks)',
    ],
    [{ strategy: 'ROLLING', expressMode: true as const }, 'Express Mode service, strategy ROLLING: ECS manages the rollout'],
  ])('redeploys a service rolled out with %o like any other, naming how in the reason and the target', (deployment, rollout) => {
    const plan = planRefresh(secretChange(), inventory([ecsService('api', { deployment })]), SETTINGS);
    expect(plan.targets[0]).toMatchObject({ decision: 'redeploy', deployment });
    expect(plan.targets[0]?.reason).toMatch(new RegExp(`, which changed; ${rollout.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('names no rollout for a skipped service, and carries what the image drift guard reads to redeploy targets only when known', () => {
    const containers = [{ name: 'app', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/api:latest` }];
    const deploymentArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/orders/api/d1`;
    const plan = planRefresh(
      secretChange(),
      inventory([
        ecsService('api', { containers, currentServiceDeployment: deploymentArn, currentServiceRevisions: ['r1'] }),
        ecsService('idle', { desiredCount: 0, deployment: { strategy: 'BLUE_GREEN' } }),
        ecsService('unread'),
      ]),
      SETTINGS,
    );
    expect(plan.targets.find((target) => target.name === 'api')).toMatchObject({
      images: { containers, currentServiceDeployment: deploymentArn, currentServiceRevisions: ['r1'] },
    });
    expect(reasonOf(plan, 'idle')).toBe('desiredCount is 0: no task is running; new tasks will read the new value');
    expect(plan.targets.find((target) => target.name === 'unread')).not.toHaveProperty('images');
  });
});
