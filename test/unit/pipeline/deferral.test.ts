/**
 * Deferral (lib/pipeline/deferral.ts), pure: the hour's budget key, what the budget counts (ECS redeploys and Batch
 * resubmits, nothing else), targets the time budget left unstarted becoming `deferred` (and nothing else), and when
 * each change is delivered again.
 */
import { describe, expect, it } from 'vitest';
import { type Execution, NOT_STARTED, type TargetResult } from '../../../lib/actions/index.js';
import type { IdentifiedChange } from '../../../lib/changes/types.js';
import { budgetKey, continueLater, countActions, redeliveries } from '../../../lib/pipeline/deferral.js';
import type { Plan, PlanTarget } from '../../../lib/plan/index.js';
import type { EcsServiceTargetReport, TargetReport } from '../../../lib/report/types.js';

const ACCOUNT = '111122223333';
const NOW = new Date('2026-11-20T10:59:59.999Z');

function ecsTarget(name: string, decision: 'redeploy' | 'skip' | 'defer'): PlanTarget {
  return {
    type: 'ecs-service',
    arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/orders/${name}`,
    name,
    cluster: 'orders',
    clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/orders`,
    region: 'us-east-1',
    decision,
    reason: `${name}: why`,
    ...(decision === 'skip' ? { code: 'already-fresh' } : {}),
    references: [],
    changes: [],
  } as PlanTarget;
}

function jobTarget(name: string, decision: 'resubmit' | 'skip'): PlanTarget {
  return {
    type: 'batch-job',
    arn: `arn:aws:batch:us-east-1:${ACCOUNT}:job/${name}`,
    jobId: name,
    name,
    jobQueue: `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/orders`,
    region: 'us-east-1',
    policy: 'resubmit',
    decision,
    terminate: false,
    reason: `${name}: why`,
    ...(decision === 'skip' ? { code: 'policy-report' } : {}),
    references: [],
    changes: [],
  } as unknown as PlanTarget;
}

const plan = (targets: PlanTarget[]): Plan => ({ changes: [], targets, warnings: [] });

function report(name: string, status: EcsServiceTargetReport['status'], extra: Partial<EcsServiceTargetReport> = {}): EcsServiceTargetReport {
  return {
    type: 'ecs-service',
    arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/orders/${name}`,
    name,
    cluster: 'orders',
    region: 'us-east-1',
    status,
    reason: `${name} read the current value of parameter /app/a, which changed`,
    changes: ['c1'],
    references: [],
    ...extra,
  };
}

const execution = (reports: TargetReport[]): Execution => ({
  results: reports.map((entry): TargetResult => ({ target: ecsTarget(entry.name, 'redeploy'), report: entry })),
  warnings: ['a warning of the actions'],
});

describe('budgetKey', () => {
  it('is one item per account and UTC clock hour', () => {
    expect(budgetKey(ACCOUNT, NOW)).toBe('budget#111122223333#2026-11-20T10');
    expect(budgetKey(ACCOUNT, new Date('2026-11-20T11:00:00.000Z'))).toBe('budget#111122223333#2026-11-20T11');
  });
});

describe('countActions', () => {
  it('counts ECS redeploys and Batch resubmits, never skips or deferred services', () => {
    const targets = [ecsTarget('a', 'redeploy'), ecsTarget('b', 'skip'), ecsTarget('c', 'defer'), jobTarget('j1', 'resubmit'), jobTarget('j2', 'skip')];
    expect(countActions(plan(targets))).toBe(2);
    expect(countActions(plan([jobTarget('j1', 'resubmit'), jobTarget('j3', 'resubmit')]))).toBe(2);
    expect(countActions(plan([ecsTarget('b', 'skip'), jobTarget('j2', 'skip')]))).toBe(0);
  });
});

describe('continueLater', () => {
  it('turns only the targets the time budget left unstarted into deferred ones, due now, with a reason saying so', () => {
    const unstarted = report('late', 'failed', { error: NOT_STARTED });
    const failed = report('broken', 'failed', { error: 'ThrottlingException: Rate exceeded' });
    const done = report('done', 'done', { deploymentId: 'ecs-svc/1' });
    const before = execution([unstarted, failed, done]);
    const continued = continueLater(before, NOW);
    expect(continued.warnings).toEqual(['a warning of the actions']);
    const [late, broken, ok] = continued.results.map((result) => result.report);
    expect(late).toEqual({
      ...report('late', 'deferred'),
      due: '2026-11-20T10:59:59.999Z',
      reason:
        'not started: the time budget ran out before this action; the change is delivered again at once to finish (late read the current value of parameter /app/a, which changed)',
    });
    expect(late).not.toHaveProperty('error');
    expect(broken).toBe(failed);
    expect(ok).toBe(done);
    expect(continued.results.map((result) => result.target)).toEqual(before.results.map((result) => result.target));
  });
});

describe('redeliveries', () => {
  const change = (id: string) => ({ id, name: `/app/${id}` }) as unknown as IdentifiedChange;

  it('is due at the earliest deferred target of each change; changes without one are not delivered again', () => {
    const targets = [
      report('a', 'deferred', { due: '2026-11-20T10:05:30.000Z', changes: ['c1'] }),
      report('b', 'deferred', { due: '2026-11-20T10:02:00.000Z', changes: ['c1', 'c2'] }),
      report('c', 'deferred', { due: '2026-11-20T10:09:00.000Z', changes: ['c2'] }),
      report('d', 'done', { due: '2026-11-20T10:00:00.000Z', changes: ['c3'] }),
      report('e', 'deferred', { changes: ['c3'] }),
    ];
    const due = redeliveries([change('c1'), change('c2'), change('c3'), change('c4')], targets);
    expect([...due]).toEqual([
      ['c1', '2026-11-20T10:02:00.000Z'],
      ['c2', '2026-11-20T10:02:00.000Z'],
    ]);
  });
});
