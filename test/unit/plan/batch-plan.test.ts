/**
 * planRefresh over a batch of changes, and limitPlan (the loop and burst limits): each target once with every
 * change that reaches it and every reason, a deletion wins, the cap counts the whole batch, the minimum interval
 * defers, the hourly budget refuses. Pure: no AWS.
 */
import { describe, expect, it } from 'vitest';
import type { IdentifiedChange } from '../../../lib/changes/types.js';
import type { EcsServiceRecord, Inventory } from '../../../lib/inventory/types.js';
import { type DeploymentLimits, limitPlan, type PlanSettings, planRefresh } from '../../../lib/plan/index.js';
import { ACCOUNT, BEFORE_CHANGE, CHANGE_TIME, definitionRecord, jobRecord, REGION, SECRET_ARN, secretChange, secretReference } from '../batch/batch-doubles.js';

const PARAMETER_A = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/a`;
const PARAMETER_B = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/b`;
const SETTINGS: PlanSettings = {
  mode: 'event',
  redeployOnPreviousChange: false,
  batchPolicy: 'resubmit',
  scope: { include: [], exclude: [], optIn: false },
  maxTargets: 50,
  confirmLarge: false,
};

function parameterChange(id: string, name: '/app/a' | '/app/b', overrides: Partial<IdentifiedChange> = {}): IdentifiedChange {
  return {
    ...secretChange(),
    id,
    kind: 'parameter',
    name,
    arn: name === '/app/a' ? PARAMETER_A : PARAMETER_B,
    versionId: '4',
    labels: [],
    reason: `Update made version 4 of parameter ${name} the latest`,
    origin: { channel: 'ssm-native', eventName: 'Update' },
    ...overrides,
  } as IdentifiedChange;
}

function service(name: string, valueFroms: readonly string[], overrides: Partial<EcsServiceRecord> = {}): EcsServiceRecord {
  return {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/${name}`,
    name,
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orders`,
    clusterName: 'orders',
    partition: 'aws',
    region: REGION,
    account: ACCOUNT,
    status: 'ACTIVE',
    desiredCount: 2,
    deploymentController: 'ECS',
    primaryDeployment: { id: `ecs-svc/${name}`, createdAt: new Date(BEFORE_CHANGE).toISOString() },
    tags: {},
    references: valueFroms.map((valueFrom, index) => secretReference(valueFrom, `VAR_${index}`)),
    ...overrides,
  };
}

function inventory(services: readonly EcsServiceRecord[], extra: Partial<Inventory['batch']> = {}): Inventory {
  return {
    ecs: { regions: [REGION], clusters: 1, services, problems: [] },
    batch: { regions: [REGION], queues: 1, jobDefinitions: [], jobs: [], problems: [], ...extra },
  };
}

const A = parameterChange('c1', '/app/a');
const B = parameterChange('c2', '/app/b');

describe('planRefresh over a batch', () => {
  it('lists a service reading two changed values once, redeployed, with both changes and both reasons', () => {
    const plan = planRefresh([A, B], inventory([service('both', [PARAMETER_A, PARAMETER_B]), service('only-a', [PARAMETER_A])]), SETTINGS);
    expect(plan.targets.map((target) => [target.name, target.decision, target.changes.map((change) => change.id)])).toEqual([
      ['both', 'redeploy', ['c1', 'c2']],
      ['only-a', 'redeploy', ['c1']],
    ]);
    const both = plan.targets[0];
    expect(both?.reason).toBe(
      'c1: container (secrets VAR_0) read the current value of parameter /app/a, which changed; c2: container (secrets VAR_1) read the current value of parameter /app/b, which changed',
    );
    expect(both?.references.map((reference) => reference.valueFrom)).toEqual([PARAMETER_A, PARAMETER_B]);
    expect(plan.targets[1]?.reason).toBe('container (secrets VAR_0) read the current value of parameter /app/a, which changed');
    expect(plan.changes.map((change) => change.id)).toEqual(['c1', 'c2']);
  });

  it('redeploys a service that is fresh for one change but not for the other', () => {
    const later = parameterChange('c2', '/app/b', { time: '2026-11-20T11:00:00.000Z', currentSince: '2026-11-20T11:00:00.000Z' });
    const deployedBetween = service('both', [PARAMETER_A, PARAMETER_B], { primaryDeployment: { id: 'ecs-svc/x', createdAt: '2026-11-20T10:30:00.000Z' } });
    const plan = planRefresh([A, later], inventory([deployedBetween]), SETTINGS);
    expect(plan.targets[0]).toMatchObject({
      decision: 'redeploy',
      reason: 'c2: container (secrets VAR_1) read the current value of parameter /app/b, which changed',
    });
  });

  it('skips a service fresh for every change with the already-fresh code and every change’s reason', () => {
    const fresh = service('both', [PARAMETER_A, PARAMETER_B], { primaryDeployment: { id: 'ecs-svc/x', createdAt: '2026-11-20T10:30:00.000Z' } });
    const [target] = planRefresh([A, B], inventory([fresh]), SETTINGS).targets;
    expect(target).toMatchObject({ decision: 'skip', code: 'already-fresh' });
    expect(target?.reason).toBe(
      `c1: already fresh: PRIMARY deployment ecs-svc/x was created at 2026-11-20T10:30:00.000Z, after the value became current at ${CHANGE_TIME}; ` +
        `c2: already fresh: PRIMARY deployment ecs-svc/x was created at 2026-11-20T10:30:00.000Z, after the value became current at ${CHANGE_TIME}`,
    );
  });

  it('never redeploys a service when one of its changes deleted something it reads (new tasks would fail to start)', () => {
    const { versionId: _versionId, ...deleted } = parameterChange('c2', '/app/b', { effect: 'deleted', reason: 'parameter /app/b was deleted' });
    const [target] = planRefresh([A, deleted as IdentifiedChange], inventory([service('both', [PARAMETER_A, PARAMETER_B])]), SETTINGS).targets;
    expect(target).toMatchObject({ decision: 'skip', code: 'deleted' });
    expect(target?.reason).toMatch(
      /^c2: parameter \/app\/b was deleted or is scheduled for deletion: .* \(not acted on for c1 either: new tasks or jobs would fail to start\)$/,
    );
  });

  it('applies the blast-radius cap to the whole batch, and names every changed resource in the hint', () => {
    const services = Array.from({ length: 3 }, (_, index) => service(`s${index}`, [index === 0 ? PARAMETER_A : PARAMETER_B]));
    const plan = planRefresh([A, B], inventory(services), { ...SETTINGS, maxTargets: 2 });
    expect(plan.refusedBy).toBe('blast-radius-cap');
    expect(plan.refused).toBe(
      'blast-radius cap: 3 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=2; nothing was done. Review each of /app/a, /app/b with "secret-refresh refresh --ref <name> --dry-run", then run it with --confirm-large',
    );
    expect(plan.targets.every((target) => target.code === 'blast-radius-cap')).toBe(true);
  });

  it('lists a job definition and a running job read by two changes once each, the job resubmitted once', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(SECRET_ARN), secretReference(PARAMETER_A, 'API_KEY')] });
    const plan = planRefresh(
      [
        { ...secretChange(), id: 'c1' },
        { ...A, id: 'c2' },
      ],
      inventory([], { jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)] }),
      SETTINGS,
    );
    expect(plan.targets.map((target) => [target.type, target.decision, target.changes.map((change) => change.id)])).toEqual([
      ['batch-job-definition', 'skip', ['c1', 'c2']],
      ['batch-job', 'resubmit', ['c1', 'c2']],
    ]);
  });

  it('leaves out changes that trigger nothing, and says why when none is left', () => {
    const none = { ...A, effect: 'none', reason: 'label change on parameter /app/a' } as unknown as IdentifiedChange;
    const plan = planRefresh([none], inventory([service('a', [PARAMETER_A])]), SETTINGS);
    expect(plan).toEqual({ changes: [], targets: [], warnings: [], skipped: 'label change on parameter /app/a' });
  });
});

describe('limitPlan', () => {
  const NOW = new Date('2026-11-20T10:10:00.000Z');
  const limits = (overrides: Partial<DeploymentLimits> = {}): DeploymentLimits => ({
    mode: 'event',
    now: NOW,
    minRedeployIntervalSeconds: 300,
    lastDeployed: new Map(),
    maxDeploymentsPerHour: 500,
    budgetLeft: 500,
    ...overrides,
  });
  const plan = () => planRefresh([A], inventory([service('recent', [PARAMETER_A]), service('old', [PARAMETER_A])]), SETTINGS);
  const recentArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/recent`;

  it('defers a service secret-refresh deployed less than the interval ago, due when the interval has passed', () => {
    const limited = limitPlan(plan(), limits({ lastDeployed: new Map([[recentArn, '2026-11-20T10:08:00.000Z']]) }));
    const recent = limited.targets.find((target) => target.name === 'recent');
    expect(recent).toMatchObject({ decision: 'defer', due: '2026-11-20T10:13:00.000Z' });
    expect(recent?.reason).toBe(
      'deferred until 2026-11-20T10:13:00.000Z: secret-refresh deployed it at 2026-11-20T10:08:00.000Z, less than SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS=300 ago; ' +
        'the change is delivered again then and one deployment covers every change since (would redeploy: container (secrets VAR_0) read the current value of parameter /app/a, which changed)',
    );
    expect(limited.targets.find((target) => target.name === 'old')?.decision).toBe('redeploy');
  });

  it('redeploys a service deployed exactly the interval ago, and never defers in a manual run or with the interval off', () => {
    const due = new Map([[recentArn, '2026-11-20T10:05:00.000Z']]);
    expect(limitPlan(plan(), limits({ lastDeployed: due })).targets.map((target) => target.decision)).toEqual(['redeploy', 'redeploy']);
    const recent = new Map([[recentArn, '2026-11-20T10:09:59.000Z']]);
    expect(limitPlan(plan(), limits({ lastDeployed: recent, mode: 'manual' })).targets.map((target) => target.decision)).toEqual(['redeploy', 'redeploy']);
    expect(limitPlan(plan(), limits({ lastDeployed: recent, minRedeployIntervalSeconds: 0 })).targets.map((target) => target.decision)).toEqual([
      'redeploy',
      'redeploy',
    ]);
  });

  it('refuses the whole run like the cap (code rate-limit) when its actions exceed what is left of the hour’s budget', () => {
    const limited = limitPlan(plan(), limits({ budgetLeft: 1, maxDeploymentsPerHour: 10 }));
    expect(limited.refusedBy).toBe('rate-limit');
    expect(limited.refused).toBe(
      'rate limit: 2 deployments would exceed SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=10 (1 left this hour); nothing was done. Look for what changes so often, then refresh by hand with "secret-refresh refresh --ref <name>"',
    );
    expect(limited.targets.map((target) => [target.name, target.decision, target.code])).toEqual([
      ['old', 'skip', 'rate-limit'],
      ['recent', 'skip', 'rate-limit'],
    ]);
    expect(limited.targets[0]?.reason).toMatch(
      /^rate limit: the run was refused \(2 deployments, 1 left this hour of SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=10\); would redeploy: /,
    );
  });

  it('counts deferred services out of the budget, and leaves a plan the cap refused as it is', () => {
    const deferred = limitPlan(plan(), limits({ budgetLeft: 1, lastDeployed: new Map([[recentArn, '2026-11-20T10:09:00.000Z']]) }));
    expect(deferred.refused).toBeUndefined();
    expect(deferred.targets.map((target) => target.decision)).toEqual(['redeploy', 'defer']);
    const capped = planRefresh([A], inventory([service('recent', [PARAMETER_A]), service('old', [PARAMETER_A])]), { ...SETTINGS, maxTargets: 1 });
    expect(limitPlan(capped, limits({ budgetLeft: 0 }))).toBe(capped);
  });
});

describe('planRefresh over a batch: one code when the changes disagree about a target', () => {
  // c1 reads a pinned version of /app/a (value-unchanged for c1); c2's reason is the one that must win.
  const PINNED_A = `${PARAMETER_A}:3`;
  const disagreeing = (overrides: Partial<EcsServiceRecord>) => service('both', [PINNED_A, PARAMETER_B], overrides);
  const AFTER_BOTH = { id: 'ecs-svc/x', createdAt: '2026-11-20T10:30:00.000Z' };

  it.each([
    ['not-active', { status: 'DRAINING' }],
    ['ignored', { tags: { 'secret-refresh:ignore': 'true' } }],
    ['not-opted-in', {}],
    ['deployment-controller', { deploymentController: 'CODE_DEPLOY' }],
    ['nothing-running', { desiredCount: 0 }],
    ['already-fresh', { primaryDeployment: AFTER_BOTH }],
  ] as const)('says %s, not the first change’s value-unchanged, for a service that one change leaves unchanged', (code, overrides) => {
    const settings = code === 'not-opted-in' ? { ...SETTINGS, scope: { include: [], exclude: [], optIn: true } } : SETTINGS;
    const [target] = planRefresh([A, B], inventory([disagreeing(overrides as Partial<EcsServiceRecord>)]), settings).targets;
    expect(target).toMatchObject({ decision: 'skip', code });
    expect(target?.changes.map((change) => change.id)).toEqual(['c1', 'c2']);
    expect(target?.reason).toMatch(/^c1: no reference reads a changed value: .*; c2: /);
  });

  it('says out-of-scope for a service whose cluster SECRET_REFRESH_CLUSTERS_INCLUDE leaves out, naming the setting', () => {
    const settings = { ...SETTINGS, scope: { include: ['prod-*'], exclude: [], optIn: false } };
    const [target] = planRefresh([A, B], inventory([disagreeing({})]), settings).targets;
    expect(target).toMatchObject({ decision: 'skip', code: 'out-of-scope' });
    expect(target?.reason).toMatch(/; c2: cluster orders is not in SECRET_REFRESH_CLUSTERS_INCLUDE \(prod-\*\)$/);
  });

  it('keeps the code of the only change that reaches a target, and the most telling code of Batch jobs and job definitions', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(PINNED_A), secretReference(PARAMETER_B, 'API_KEY')] });
    const jobs = [
      jobRecord('reported', definition.arn),
      jobRecord('fresh', definition.arn, { startedAt: '2026-11-20T10:30:00.000Z' }),
      jobRecord('cloned', definition.arn, { tags: { 'secret-refresh:superseded-by': 'j9' } }),
    ];
    const plan = planRefresh([A, B], inventory([], { jobDefinitions: [definition], jobs }), { ...SETTINGS, batchPolicy: 'report' });
    expect(plan.targets.map((target) => [target.type, target.name, target.decision, target.code])).toEqual([
      ['batch-job-definition', 'nightly:1', 'skip', 'nothing-to-do'],
      ['batch-job', 'job-cloned', 'skip', 'superseded'],
      ['batch-job', 'job-fresh', 'skip', 'already-fresh'],
      ['batch-job', 'job-reported', 'skip', 'policy-report'],
    ]);
  });

  it('resubmits a job once for the batch and terminates it when one change’s policy says so, with each acting change’s reason', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(PINNED_A), secretReference(PARAMETER_B, 'API_KEY')] });
    const plan = planRefresh([A, B], inventory([], { jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)] }), {
      ...SETTINGS,
      batchPolicy: 'resubmit-and-terminate',
    });
    const job = plan.targets.find((target) => target.type === 'batch-job');
    expect(job).toMatchObject({ decision: 'resubmit', terminate: true });
    expect(job?.reason).toBe(
      'c2: container (secrets API_KEY) read parameter /app/b, which changed; the job keeps the old value until it ends. Policy "resubmit-and-terminate": submit a clone, then terminate this job',
    );
    expect(job?.references.map((reference) => reference.valueFrom)).toEqual([PINNED_A, PARAMETER_B]);
  });

  it('sorts the merged targets whatever change reached them first: services by Region, cluster and name; Batch by Region, ARN or queue and name', () => {
    const services = [service('zeta', [PARAMETER_A]), service('alpha', [PARAMETER_B]), { ...service('beta', [PARAMETER_B]), region: 'eu-west-1' }];
    const readsA = definitionRecord('z-def', { references: [secretReference(PARAMETER_A)] });
    const readsB = definitionRecord('a-def', { references: [secretReference(PARAMETER_B)] });
    const jobs = [jobRecord('j-z', readsA.arn, { jobName: 'zeta' }), jobRecord('j-a', readsB.arn, { jobName: 'alpha' })];
    const plan = planRefresh([A, B], inventory(services, { jobDefinitions: [readsA, readsB], jobs }), SETTINGS);
    expect(plan.targets.map((target) => target.name)).toEqual(['beta', 'alpha', 'zeta', 'a-def:1', 'z-def:1', 'alpha', 'zeta']);
  });

  it('sorts Batch jobs of one Region by queue before name', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(PARAMETER_A)] });
    const queue = (name: string) => `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/${name}`;
    const jobs = [
      jobRecord('j1', definition.arn, { jobName: 'alpha', jobQueue: queue('z-queue') }),
      jobRecord('j2', definition.arn, { jobName: 'zeta', jobQueue: queue('a-queue') }),
    ];
    const plan = planRefresh([A, B], inventory([], { jobDefinitions: [definition], jobs }), SETTINGS);
    expect(plan.targets.filter((target) => target.type === 'batch-job').map((target) => target.name)).toEqual(['zeta', 'alpha']);
  });

  it('says only the deletions when every change of the batch deleted what a job reads (no "not acted on" clause)', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(PARAMETER_A), secretReference(PARAMETER_B, 'API_KEY')] });
    const { versionId: _a, ...deletedA } = parameterChange('c1', '/app/a', { effect: 'deleted', reason: 'parameter /app/a was deleted' });
    const { versionId: _b, ...deletedB } = parameterChange('c2', '/app/b', { effect: 'deleted', reason: 'parameter /app/b was deleted' });
    const plan = planRefresh(
      [deletedA as IdentifiedChange, deletedB as IdentifiedChange],
      inventory([], { jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)] }),
      { ...SETTINGS, batchPolicy: 'resubmit-and-terminate' },
    );
    const job = plan.targets.find((target) => target.type === 'batch-job');
    expect(job).toMatchObject({ decision: 'skip', code: 'deleted', terminate: false });
    expect(job?.reason).toBe(
      'c1: parameter /app/a was deleted or is scheduled for deletion: a resubmitted job would fail to start; c2: parameter /app/b was deleted or is scheduled for deletion: a resubmitted job would fail to start',
    );
  });

  it('never terminates a job one change would resubmit-and-terminate when another change deleted what it reads', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(PARAMETER_A), secretReference(PARAMETER_B, 'API_KEY')] });
    const { versionId: _versionId, ...deleted } = parameterChange('c2', '/app/b', { effect: 'deleted', reason: 'parameter /app/b was deleted' });
    const plan = planRefresh([A, deleted as IdentifiedChange], inventory([], { jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)] }), {
      ...SETTINGS,
      batchPolicy: 'resubmit-and-terminate',
    });
    const job = plan.targets.find((target) => target.type === 'batch-job');
    expect(job).toMatchObject({ decision: 'skip', code: 'deleted', terminate: false });
    expect(job?.reason).toBe(
      'c2: parameter /app/b was deleted or is scheduled for deletion: a resubmitted job would fail to start (not acted on for c1 either: new tasks or jobs would fail to start)',
    );
  });

  it('gives a warning both changes raise (an unparseable reference of a service both reach) once', () => {
    const broken = { container: 'sidecar', location: 'secrets', name: 'TOKEN', valueFrom: 'arn:aws:nope', parsed: { error: 'not an ARN' } } as const;
    const both = service('both', [PARAMETER_A, PARAMETER_B]);
    const plan = planRefresh([A, B], inventory([{ ...both, references: [...both.references, broken] }]), SETTINGS);
    expect(plan.warnings).toEqual([`${both.arn}: sidecar has an unparseable secrets reference "arn:aws:nope": not an ARN`]);
    expect(plan.targets[0]?.references.map((reference) => reference.name)).toEqual(['VAR_0', 'VAR_1']);
  });
});

describe('limitPlan: Batch resubmits and the budget', () => {
  const NOW = new Date('2026-11-20T10:10:00.000Z');
  const definition = definitionRecord('nightly');
  const withJob = () =>
    planRefresh(
      [{ ...secretChange(), id: 'c1' }],
      inventory([service('api', [SECRET_ARN])], { jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)] }),
      { ...SETTINGS, batchPolicy: 'resubmit-and-terminate' },
    );
  const limits = (overrides: Partial<DeploymentLimits>): DeploymentLimits => ({
    mode: 'event',
    now: NOW,
    minRedeployIntervalSeconds: 300,
    lastDeployed: new Map(),
    maxDeploymentsPerHour: 10,
    ...overrides,
  });

  it('counts a Batch resubmit in the budget and refuses it with code rate-limit, never terminating the running job', () => {
    const limited = limitPlan(withJob(), limits({ budgetLeft: 1 }));
    expect(limited.refused).toMatch(
      /^rate limit: 2 deployments would exceed SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=10 \(1 left this hour\); nothing was done\./,
    );
    const job = limited.targets.find((target) => target.type === 'batch-job');
    expect(job).toMatchObject({ decision: 'skip', code: 'rate-limit', terminate: false });
    expect(job?.reason).toMatch(
      /^rate limit: the run was refused \(2 deployments, 1 left this hour of SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR=10\); would resubmit: container \(secrets DB_PASSWORD\) read secret /,
    );
    const definitionTarget = limited.targets.find((target) => target.type === 'batch-job-definition');
    expect(definitionTarget).toMatchObject({ decision: 'skip', code: 'nothing-to-do' });
    expect(definitionTarget).not.toHaveProperty('terminate');
    expect(limited.targets.find((target) => target.type === 'ecs-service')).not.toHaveProperty('terminate');
  });

  it('defers ECS redeploys only: a Batch resubmit, a skipped job definition and a skipped service deployed a minute ago keep their decisions', () => {
    const planned = planRefresh(
      [{ ...secretChange(), id: 'c1' }],
      inventory([service('api', [SECRET_ARN]), service('pinned', [`${SECRET_ARN}::AWSPREVIOUS:`])], {
        jobDefinitions: [definition],
        jobs: [jobRecord('j1', definition.arn)],
      }),
      { ...SETTINGS, batchPolicy: 'resubmit-and-terminate' },
    );
    const decisions = (plan: typeof planned) => plan.targets.map((target) => `${target.type} ${target.name}: ${target.decision}`);
    expect(decisions(planned)).toEqual([
      'ecs-service api: redeploy',
      'ecs-service pinned: skip',
      'batch-job-definition nightly:1: skip',
      'batch-job job-j1: resubmit',
    ]);
    const aMinuteAgo = new Map(planned.targets.map((target) => [target.arn, '2026-11-20T10:09:00.000Z'] as const));
    expect(decisions(limitPlan(planned, limits({ lastDeployed: aMinuteAgo, budgetLeft: 10 })))).toEqual([
      'ecs-service api: defer',
      'ecs-service pinned: skip',
      'batch-job-definition nightly:1: skip',
      'batch-job job-j1: resubmit',
    ]);
  });

  it('with the interval off (0) never defers, even a deployment recorded ahead of this run’s clock', () => {
    const ahead = new Map([[`arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/api`, '2026-11-20T10:11:00.000Z']]);
    const limited = limitPlan(withJob(), limits({ lastDeployed: ahead, minRedeployIntervalSeconds: 0, budgetLeft: 10 }));
    expect(limited.targets.find((target) => target.type === 'ecs-service')?.decision).toBe('redeploy');
    // With the interval on, the same record defers the service (until the record's time plus the interval).
    const on = limitPlan(withJob(), limits({ lastDeployed: ahead, budgetLeft: 10 }));
    expect(on.targets.find((target) => target.type === 'ecs-service')).toMatchObject({ decision: 'defer', due: '2026-11-20T10:16:00.000Z' });
  });

  it('counts only actions in the budget: a job left alone (batch policy report) is not a deployment', () => {
    const reported = planRefresh(
      [{ ...secretChange(), id: 'c1' }],
      inventory([service('api', [SECRET_ARN])], { jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)] }),
      { ...SETTINGS, batchPolicy: 'report' },
    );
    expect(reported.targets.find((target) => target.type === 'batch-job')?.decision).toBe('skip');
    const limited = limitPlan(reported, limits({ budgetLeft: 1 }));
    expect(limited.refused).toBeUndefined();
    expect(limited.targets.map((target) => target.decision)).toEqual(reported.targets.map((target) => target.decision));
  });

  it('acts when the actions fit exactly in what is left, and says 0 left (never a negative count) when the budget is overdrawn', () => {
    expect(limitPlan(withJob(), limits({ budgetLeft: 2 })).refused).toBeUndefined();
    expect(limitPlan(withJob(), limits({ budgetLeft: -3 })).refused).toContain('(0 left this hour)');
  });

  it('counts nothing without a budget (no state table): the interval still defers', () => {
    const recent = new Map([[`arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/api`, '2026-11-20T10:09:00.000Z']]);
    const limited = limitPlan(withJob(), limits({ lastDeployed: recent }));
    expect(limited.refused).toBeUndefined();
    expect(limited.targets.map((target) => [target.type, target.decision])).toEqual([
      ['ecs-service', 'defer'],
      ['batch-job-definition', 'skip'],
      ['batch-job', 'resubmit'],
    ]);
  });
});
