import { describe, expect, it } from 'vitest';
import type { BatchInventory, BatchJobDefinitionRecord, BatchJobRecord } from '../../../lib/inventory/types.js';
import { planBatchRefresh } from '../../../lib/plan/plan-batch.js';
import type { BatchPlanOptions, BatchPolicy } from '../../../lib/plan/types.js';
import {
  AFTER_CHANGE,
  definitionRecord,
  jobDefinitionArn,
  jobRecord,
  OTHER_SECRET_ARN,
  QUEUE_ARN,
  REGION,
  SECRET_ARN,
  secretChange,
  secretReference,
} from './batch-doubles.js';

const POLICY_TAG = 'secret-refresh:batch-policy';

function options(batchPolicy: BatchPolicy = 'report', overrides: Partial<BatchPlanOptions> = {}): BatchPlanOptions {
  return { mode: 'event', redeployOnPreviousChange: false, batchPolicy, ...overrides };
}

function batchInventory(jobDefinitions: readonly BatchJobDefinitionRecord[], jobs: readonly BatchJobRecord[] = []): BatchInventory {
  return { regions: [REGION], queues: 1, jobDefinitions, jobs, problems: [] };
}

/** One matching definition `nightly` with one running job `j1` started before the change. */
function oneJob(definition: Partial<BatchJobDefinitionRecord> = {}, job: Partial<BatchJobRecord> = {}): BatchInventory {
  const record = definitionRecord('nightly', definition);
  return batchInventory([record], [jobRecord('j1', record.arn, job)]);
}

describe('planBatchRefresh: policies', () => {
  it('reports a running job by default (policy report), naming the tag that changes it', () => {
    const plan = planBatchRefresh(secretChange(), oneJob(), options());
    expect(plan.jobs).toHaveLength(1);
    const [job] = plan.jobs;
    expect(job).toMatchObject({ type: 'batch-job', jobId: 'j1', policy: 'report', decision: 'skip', code: 'policy-report', terminate: false });
    expect(job?.reason).toContain('Policy "report": not resubmitted');
    expect(job?.reason).toContain(`tag ${POLICY_TAG}=resubmit`);
    expect(job?.reason).toContain('container (secrets DB_PASSWORD) read secret demo/orders/db-credentials');
  });

  it('resubmits under policy resubmit without terminating the original', () => {
    const [job] = planBatchRefresh(secretChange(), oneJob(), options('resubmit')).jobs;
    expect(job).toMatchObject({ policy: 'resubmit', decision: 'resubmit', terminate: false, jobQueue: QUEUE_ARN, region: REGION });
    expect(job?.code).toBeUndefined();
    expect(job?.reason).toMatch(/Policy "resubmit": submit a clone$/);
    expect(job?.references).toEqual([
      expect.objectContaining({ container: 'container', location: 'secrets', name: 'DB_PASSWORD', valueFrom: SECRET_ARN, impact: 'affected' }),
    ]);
  });

  it('resubmits and sets terminate under policy resubmit-and-terminate', () => {
    const [job] = planBatchRefresh(secretChange(), oneJob(), options('resubmit-and-terminate')).jobs;
    expect(job).toMatchObject({ policy: 'resubmit-and-terminate', decision: 'resubmit', terminate: true });
    expect(job?.reason).toContain('submit a clone, then terminate this job');
  });

  it('takes the policy from the job definition tag over the queue tag over the configuration', () => {
    const tagged = definitionRecord('tagged', { tags: { [POLICY_TAG]: 'resubmit-and-terminate' } });
    const plain = definitionRecord('plain');
    const inventory = batchInventory(
      [tagged, plain],
      [
        jobRecord('a', tagged.arn, { jobName: 'a', queueTags: { [POLICY_TAG]: 'report' } }),
        jobRecord('b', plain.arn, { jobName: 'b', queueTags: { [POLICY_TAG]: 'resubmit' } }),
        jobRecord('c', plain.arn, { jobName: 'c' }),
      ],
    );
    const plan = planBatchRefresh(secretChange(), inventory, options('report'));
    expect(plan.jobs.map((job) => [job.jobId, job.policy, job.decision, job.terminate])).toEqual([
      ['a', 'resubmit-and-terminate', 'resubmit', true],
      ['b', 'resubmit', 'resubmit', false],
      ['c', 'report', 'skip', false],
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('warns about an invalid job definition tag value and falls back to the queue tag', () => {
    const inventory = oneJob({ tags: { [POLICY_TAG]: 'always' } }, { queueTags: { [POLICY_TAG]: 'resubmit' } });
    const plan = planBatchRefresh(secretChange(), inventory, options('report'));
    expect(plan.jobs[0]?.policy).toBe('resubmit');
    expect(plan.warnings).toEqual([
      `${jobDefinitionArn('nightly')}: tag ${POLICY_TAG}="always" is not one of report, resubmit, resubmit-and-terminate; ignored`,
    ]);
  });

  it('warns about an invalid queue tag value and falls back to the configuration', () => {
    const plan = planBatchRefresh(secretChange(), oneJob({}, { queueTags: { [POLICY_TAG]: 'Resubmit' } }), options('resubmit-and-terminate'));
    expect(plan.jobs[0]).toMatchObject({ policy: 'resubmit-and-terminate', terminate: true });
    expect(plan.warnings).toEqual([`${QUEUE_ARN}: tag ${POLICY_TAG}="Resubmit" is not one of report, resubmit, resubmit-and-terminate; ignored`]);
  });
});

describe('planBatchRefresh: which jobs', () => {
  it('skips a job started after the change as already fresh in an automatic run', () => {
    const started = new Date(AFTER_CHANGE).toISOString();
    const [job] = planBatchRefresh(secretChange(), oneJob({}, { startedAt: started }), options('resubmit')).jobs;
    expect(job).toMatchObject({ decision: 'skip', code: 'already-fresh', terminate: false });
    expect(job?.reason).toBe(`already fresh: the job started at ${started}, after the value became current at 2026-11-20T09:58:41.000Z`);
  });

  it('resubmits a job started in the same whole second as the change (conservative), skips one started the next second', () => {
    const [same] = planBatchRefresh(secretChange(), oneJob({}, { startedAt: '2026-11-20T09:58:41.900Z' }), options('resubmit')).jobs;
    expect(same?.decision).toBe('resubmit');
    const [next] = planBatchRefresh(secretChange(), oneJob({}, { startedAt: '2026-11-20T09:58:42.000Z' }), options('resubmit')).jobs;
    expect(next?.code).toBe('already-fresh');
  });

  it('resubmits a job started in the same second as a whole-second event time (it may have read the old value)', () => {
    const change = { ...secretChange(), time: '2026-11-20T09:58:41Z' };
    const [same] = planBatchRefresh(change, oneJob({}, { startedAt: '2026-11-20T09:58:41.700Z' }), options('resubmit')).jobs;
    expect(same?.decision).toBe('resubmit');
    const [later] = planBatchRefresh(change, oneJob({}, { startedAt: '2026-11-20T09:58:42.000Z' }), options('resubmit')).jobs;
    expect(later).toMatchObject({
      code: 'already-fresh',
      reason: 'already fresh: the job started at 2026-11-20T09:58:42.000Z, after the value became current at 2026-11-20T09:58:41Z',
    });
  });

  it('resubmits a job started after the change in a manual run', () => {
    const inventory = oneJob({}, { startedAt: new Date(AFTER_CHANGE).toISOString() });
    const [job] = planBatchRefresh(secretChange(), inventory, options('resubmit', { mode: 'manual' })).jobs;
    expect(job).toMatchObject({ decision: 'resubmit' });
  });

  it('never clones a job tagged superseded-by again (a replayed event)', () => {
    const inventory = oneJob({}, { tags: { 'secret-refresh:superseded-by': 'clone-1' } });
    const [job] = planBatchRefresh(secretChange(), inventory, options('resubmit')).jobs;
    expect(job).toMatchObject({ decision: 'skip', code: 'superseded', terminate: false });
    expect(job?.reason).toBe('already resubmitted as job clone-1 (tag secret-refresh:superseded-by)');
  });

  it('leaves out a job whose definition does not reference the changed secret, and its definition', () => {
    const other = definitionRecord('other', { references: [secretReference(OTHER_SECRET_ARN)] });
    const reading = definitionRecord('reading');
    const inventory = batchInventory([other, reading], [jobRecord('x', other.arn), jobRecord('y', reading.arn)]);
    const plan = planBatchRefresh(secretChange(), inventory, options('resubmit'));
    expect(plan.jobs.map((job) => job.jobId)).toEqual(['y']);
    expect(plan.jobDefinitions.map((definition) => definition.arn)).toEqual([reading.arn]);
  });

  it('leaves out a job whose definition is not in the inventory', () => {
    const plan = planBatchRefresh(secretChange(), batchInventory([], [jobRecord('x', jobDefinitionArn('gone'))]), options('resubmit'));
    expect(plan.jobs).toEqual([]);
  });

  it('skips a job tagged secret-refresh:ignore=true', () => {
    const [job] = planBatchRefresh(secretChange(), oneJob({}, { tags: { 'secret-refresh:ignore': 'TRUE' } }), options('resubmit')).jobs;
    expect(job).toMatchObject({ decision: 'skip', code: 'ignored', reason: 'job or job definition is tagged secret-refresh:ignore=true' });
  });

  it('skips a job whose job definition is tagged secret-refresh:ignore=true', () => {
    const [job] = planBatchRefresh(secretChange(), oneJob({ tags: { 'secret-refresh:ignore': 'true' } }), options('resubmit')).jobs;
    expect(job?.code).toBe('ignored');
  });

  it('resubmits nothing when the secret was deleted', () => {
    const plan = planBatchRefresh(secretChange({ effect: 'deleted' }), oneJob(), options('resubmit-and-terminate'));
    expect(plan.jobs.map((job) => [job.decision, job.code, job.terminate])).toEqual([['skip', 'deleted', false]]);
    expect(plan.jobs[0]?.reason).toContain('a resubmitted job would fail to start');
    expect(plan.jobDefinitions.map((definition) => definition.code)).toEqual(['deleted']);
  });

  it('skips a job whose reference reads AWSPREVIOUS unless that is opted in', () => {
    const inventory = oneJob({ references: [secretReference(`${SECRET_ARN}::AWSPREVIOUS:`)] });
    expect(planBatchRefresh(secretChange(), inventory, options('resubmit')).jobs[0]?.code).toBe('value-unchanged');
    expect(planBatchRefresh(secretChange(), inventory, options('resubmit', { redeployOnPreviousChange: true })).jobs[0]?.decision).toBe('resubmit');
  });
});

describe('planBatchRefresh: job definitions', () => {
  it('gives a matching ACTIVE job definition one batch-job-definition entry: nothing to do', () => {
    const plan = planBatchRefresh(secretChange(), batchInventory([definitionRecord('nightly', { revision: 4 })]), options('resubmit'));
    expect(plan.jobDefinitions).toEqual([
      {
        type: 'batch-job-definition',
        code: 'nothing-to-do',
        arn: jobDefinitionArn('nightly', 4),
        name: 'nightly:4',
        region: REGION,
        decision: 'skip',
        reason: 'future jobs read the new value of secret demo/orders/db-credentials when they start: nothing to do',
        references: [expect.objectContaining({ valueFrom: SECRET_ARN, impact: 'affected' })],
      },
    ]);
    expect(plan.jobs).toEqual([]);
  });

  it('gives an INACTIVE job definition no entry, but still plans its running job', () => {
    const inactive = definitionRecord('old', { status: 'INACTIVE' });
    const plan = planBatchRefresh(secretChange(), batchInventory([inactive], [jobRecord('j1', inactive.arn)]), options('resubmit'));
    expect(plan.jobDefinitions).toEqual([]);
    expect(plan.jobs.map((job) => [job.jobId, job.decision])).toEqual([['j1', 'resubmit']]);
  });

  it('adds one warning for all ACTIVE EKS job definitions, counting none that is INACTIVE', () => {
    const eks = (name: string, status = 'ACTIVE') => definitionRecord(name, { eks: true, status, references: [] });
    const plan = planBatchRefresh(secretChange(), batchInventory([eks('k1'), eks('k2'), eks('k3', 'INACTIVE')]), options());
    expect(plan.warnings).toEqual(['2 EKS job definition(s) not checked: they use Kubernetes secrets, which secret-refresh does not handle']);
    expect(plan.jobDefinitions).toEqual([]);
  });

  it('adds no EKS warning when there is no EKS job definition', () => {
    expect(planBatchRefresh(secretChange(), oneJob(), options()).warnings).toEqual([]);
  });
});

describe('planBatchRefresh: parameters, order and warnings', () => {
  const PARAMETER_ARN = `arn:aws:ssm:${REGION}:111122223333:parameter/app/db-url`;
  const parameterChange = () =>
    secretChange({
      kind: 'parameter',
      name: '/app/db-url',
      arn: PARAMETER_ARN,
      versionId: '4',
      labels: [],
      origin: { channel: 'ssm-native', eventName: 'Update' },
    });

  it('names a changed parameter in the reasons of its job definitions and jobs', () => {
    const definition = definitionRecord('nightly', { references: [secretReference(PARAMETER_ARN, 'DB_URL')] });
    const plan = planBatchRefresh(parameterChange(), batchInventory([definition], [jobRecord('j1', definition.arn)]), options('resubmit'));
    expect(plan.jobDefinitions[0]?.reason).toBe('future jobs read the new value of parameter /app/db-url when they start: nothing to do');
    expect(plan.jobs[0]?.reason).toBe(
      'container (secrets DB_URL) read parameter /app/db-url, which changed; the job keeps the old value until it ends. Policy "resubmit": submit a clone',
    );
    const deleted = planBatchRefresh({ ...parameterChange(), effect: 'deleted' }, batchInventory([definition], [jobRecord('j1', definition.arn)]), options());
    expect(deleted.jobDefinitions[0]?.reason).toBe(
      'parameter /app/db-url was deleted or is scheduled for deletion: new jobs of this definition would fail to start',
    );
    expect(deleted.jobs[0]?.reason).toBe('parameter /app/db-url was deleted or is scheduled for deletion: a resubmitted job would fail to start');
  });

  it('gives a job definition whose references read no changed value the value-unchanged code', () => {
    const pinned = definitionRecord('pinned', { references: [secretReference(`${SECRET_ARN}::AWSPREVIOUS:`)] });
    const [definition] = planBatchRefresh(secretChange(), batchInventory([pinned]), options('resubmit')).jobDefinitions;
    expect(definition).toMatchObject({ decision: 'skip', code: 'value-unchanged' });
    expect(definition?.reason).toMatch(/\(set SECRET_REFRESH_REDEPLOY_AWSPREVIOUS=true to act on it\)$/);
  });

  it('resubmits a job that has no start time yet (STARTING), and names a job without an ARN by its id', () => {
    const definition = definitionRecord('nightly');
    const { startedAt: _startedAt, jobArn: _jobArn, ...starting } = jobRecord('j1', definition.arn, { status: 'STARTING' });
    const [job] = planBatchRefresh(secretChange(), batchInventory([definition], [starting as BatchJobRecord]), options('resubmit')).jobs;
    expect(job).toMatchObject({ decision: 'resubmit', arn: 'j1', jobId: 'j1' });
  });

  it('sorts job definitions by Region then ARN, and jobs by Region, queue and name', () => {
    const west = (record: BatchJobDefinitionRecord) => ({ ...record, region: 'us-west-2' });
    const definitions = [west(definitionRecord('a-west')), definitionRecord('b'), definitionRecord('a')];
    const otherQueue = `${QUEUE_ARN}-2`;
    const jobs = [
      jobRecord('j1', jobDefinitionArn('a'), { jobName: 'zeta' }),
      jobRecord('j2', jobDefinitionArn('b'), { jobName: 'alpha', jobQueue: otherQueue }),
      jobRecord('j3', jobDefinitionArn('a'), { jobName: 'alpha' }),
      { ...jobRecord('j4', definitions[0]?.arn as string, { jobName: 'alpha' }), region: 'us-west-2' },
    ];
    const plan = planBatchRefresh(secretChange(), batchInventory(definitions, jobs), options('resubmit'));
    expect(plan.jobDefinitions.map((definition) => definition.name)).toEqual(['a:1', 'b:1', 'a-west:1']);
    expect(plan.jobs.map((job) => job.jobId)).toEqual(['j3', 'j1', 'j2', 'j4']);
  });

  it('warns once about an invalid queue tag shared by several jobs', () => {
    const definition = definitionRecord('nightly');
    const queueTags = { [POLICY_TAG]: 'sometimes' };
    const jobs = [jobRecord('j1', definition.arn, { queueTags }), jobRecord('j2', definition.arn, { jobName: 'other', queueTags })];
    const plan = planBatchRefresh(secretChange(), batchInventory([definition], jobs), options());
    expect(plan.warnings).toEqual([`${QUEUE_ARN}: tag ${POLICY_TAG}="sometimes" is not one of report, resubmit, resubmit-and-terminate; ignored`]);
  });
});
