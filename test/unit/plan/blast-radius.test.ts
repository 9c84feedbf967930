import { describe, expect, it } from 'vitest';
import { applyBlastRadiusCap, type CombinedPlan } from '../../../lib/plan/blast-radius.js';
import type { PlannedBatchJob, PlannedEcsService } from '../../../lib/plan/types.js';

const service = (name: string, decision: 'redeploy' | 'skip'): PlannedEcsService => ({
  type: 'ecs-service',
  arn: `arn:aws:ecs:us-east-1:111122223333:service/orders/${name}`,
  name,
  cluster: 'orders',
  clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/orders',
  region: 'us-east-1',
  decision,
  ...(decision === 'skip' ? { code: 'already-fresh' as const } : {}),
  reason: `${name} reads it`,
  references: [],
});
const job = (name: string, decision: 'resubmit' | 'skip', terminate = false): PlannedBatchJob =>
  ({
    type: 'batch-job',
    arn: `arn:aws:batch:us-east-1:111122223333:job/${name}`,
    jobId: name,
    name,
    jobQueue: 'q',
    region: 'us-east-1',
    policy: terminate ? 'resubmit-and-terminate' : 'resubmit',
    decision,
    terminate,
    reason: `${name} runs with it`,
    references: [],
  }) as unknown as PlannedBatchJob;

const plan = (services: PlannedEcsService[], jobs: PlannedBatchJob[]): CombinedPlan => ({
  ecs: { targets: services, warnings: ['w'] },
  batch: { jobDefinitions: [], jobs, warnings: [] },
});

describe('applyBlastRadiusCap', () => {
  it('returns the plan itself at or under the cap', () => {
    const input = plan([service('a', 'redeploy'), service('b', 'skip')], [job('j', 'resubmit')]);
    expect(applyBlastRadiusCap(input, 2, false, 'prod/db')).toBe(input);
  });

  it('refuses above the cap, counting ECS redeploys and Batch resubmits, and leaves skips as they were', () => {
    const capped = applyBlastRadiusCap(
      plan([service('a', 'redeploy'), service('b', 'skip')], [job('j', 'resubmit', true), job('k', 'skip')]),
      1,
      false,
      'prod/db',
    );
    expect(capped.refused).toBe(
      'blast-radius cap: 2 targets would be acted on, more than SECRET_REFRESH_MAX_TARGETS=1; nothing was done. Review with "secret-refresh refresh --ref prod/db --dry-run", then run it with --confirm-large',
    );
    expect(capped.ecs.targets.map((target) => [target.name, target.decision, target.code, target.reason])).toEqual([
      ['a', 'skip', 'blast-radius-cap', 'blast-radius cap: the run was refused (2 targets > SECRET_REFRESH_MAX_TARGETS=1); would redeploy: a reads it'],
      ['b', 'skip', 'already-fresh', 'b reads it'],
    ]);
    expect(capped.batch.jobs.map((target) => [target.name, target.decision, target.code, target.terminate, target.reason])).toEqual([
      [
        'j',
        'skip',
        'blast-radius-cap',
        false,
        'blast-radius cap: the run was refused (2 targets > SECRET_REFRESH_MAX_TARGETS=1); would resubmit: j runs with it',
      ],
      ['k', 'skip', undefined, false, 'k runs with it'],
    ]);
    expect(capped.ecs.warnings).toEqual(['w']);
  });

  it('lets a confirmed run through, however large', () => {
    const input = plan([service('a', 'redeploy'), service('b', 'redeploy')], [job('j', 'resubmit')]);
    expect(applyBlastRadiusCap(input, 1, true, 'prod/db')).toBe(input);
  });
});
