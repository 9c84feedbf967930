/**
 * The Actions step's face, executePlan: one result per plan target in plan order, each paired with its target; a
 * Batch job definition is reported skipped as planned (its future jobs read the new value); no tracking without a
 * tracker. ECS is a double (aws-sdk-client-mock): UpdateService answers with a new PRIMARY deployment.
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { executePlan } from '../../../lib/actions/index.js';
import type { EcsServiceRecord, Inventory } from '../../../lib/inventory/types.js';
import { planRefresh } from '../../../lib/plan/index.js';
import { ACCOUNT, BEFORE_CHANGE, definitionRecord, fakeClients, jobRecord, REGION, SECRET_ARN, secretChange, secretReference } from '../batch/batch-doubles.js';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());
beforeEach(() => {
  ecs.reset();
  ecs.on(UpdateServiceCommand).resolves({ service: { deployments: [{ id: 'ecs-svc/new', status: 'PRIMARY' }] } });
});

const service: EcsServiceRecord = {
  arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/orders/api`,
  name: 'api',
  clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orders`,
  clusterName: 'orders',
  partition: 'aws',
  region: REGION,
  account: ACCOUNT,
  status: 'ACTIVE',
  desiredCount: 2,
  deploymentController: 'ECS',
  primaryDeployment: { id: 'ecs-svc/old', createdAt: new Date(BEFORE_CHANGE).toISOString() },
  tags: {},
  references: [secretReference(SECRET_ARN)],
};

function plan() {
  const definition = definitionRecord('nightly');
  const inventory: Inventory = {
    ecs: { regions: [REGION], clusters: 1, services: [service], problems: [] },
    batch: { regions: [REGION], queues: 1, jobDefinitions: [definition], jobs: [jobRecord('j1', definition.arn)], problems: [] },
  };
  return planRefresh(secretChange(), inventory, {
    mode: 'event',
    redeployOnPreviousChange: false,
    batchPolicy: 'report',
    scope: { include: [], exclude: [], optIn: false },
    maxTargets: 50,
    confirmLarge: false,
  });
}

describe('executePlan', () => {
  it('gives every target its report, in plan order, and reports a job definition skipped with the changes it answers by id', async () => {
    const planned = plan();
    const execution = await executePlan(planned, { clients: fakeClients({ withEcs: true }), dryRun: false, concurrency: 2 });
    expect(execution.results.map((result) => result.target)).toEqual(planned.targets);
    expect(execution.results.map(({ report }) => [report.type, report.name, report.status])).toEqual([
      ['ecs-service', 'api', 'done'],
      ['batch-job-definition', 'nightly:1', 'skipped'],
      ['batch-job', 'job-j1', 'skipped'],
    ]);
    expect(execution.results[1]?.report).toEqual({
      type: 'batch-job-definition',
      code: 'nothing-to-do',
      arn: planned.targets[1]?.arn,
      name: 'nightly:1',
      region: REGION,
      status: 'skipped',
      reason: 'future jobs read the new value of secret demo/orders/db-credentials when they start: nothing to do',
      references: planned.targets[1]?.references,
      changes: ['c1'],
    });
    expect(execution.results[2]?.report).toMatchObject({ code: 'policy-report', changes: ['c1'] });
    expect(execution.warnings).toEqual([]);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });
});
