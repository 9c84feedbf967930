import { describe, expect, it } from 'vitest';
import { BATCH_JOB_NAME_LIMIT, buildCloneInput, cloneJobName } from '../../../lib/actions/batch-clone.js';
import { jobDefinitionArn, jobDetail, jobRecord, QUEUE_ARN } from './batch-doubles.js';

const DEFINITION = jobDefinitionArn('nightly', 5);

describe('buildCloneInput', () => {
  it('keeps queue, exact definition revision, parameters, retry, timeout, tags, share and priority of a single job', () => {
    const job = jobRecord('j1', DEFINITION, {
      jobName: 'nightly-2026-11-20',
      detail: jobDetail('j1', DEFINITION, {
        jobName: 'nightly-2026-11-20',
        parameters: { day: 'mon', region: 'us-east-1' },
        retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '137', action: 'RETRY' }] },
        timeout: { attemptDurationSeconds: 3600 },
        propagateTags: true,
        shareIdentifier: 'orders',
        schedulingPriority: 40,
        dependsOn: [{ jobId: 'upstream', type: 'SEQUENTIAL' }],
        tags: {
          team: 'orders',
          'aws:batch:compute-environment': 'ce',
          'aws:cloudformation:stack-name': 'stack',
          'secret-refresh:superseded-by': 'older-clone',
        },
        container: {
          image: 'app',
          command: ['python', 'nightly.py', 'Ref::day'],
          environment: [
            { name: 'MODE', value: 'full' },
            { name: 'AWS_BATCH_JOB_ID', value: 'j1' },
            { name: 'AWS_BATCH_JQ_NAME', value: 'orders' },
            { name: 'AWS_REGION', value: 'us-east-1' },
          ],
          resourceRequirements: [
            { type: 'VCPU', value: '2' },
            { type: 'MEMORY', value: '4096' },
          ],
          secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x-Ab12Cd' }],
        },
      }),
    });
    expect(buildCloneInput(job)).toEqual({
      jobName: 'nightly-2026-11-20-refresh',
      jobQueue: QUEUE_ARN,
      jobDefinition: DEFINITION,
      parameters: { day: 'mon', region: 'us-east-1' },
      retryStrategy: { attempts: 3, evaluateOnExit: [{ onExitCode: '137', action: 'RETRY' }] },
      timeout: { attemptDurationSeconds: 3600 },
      propagateTags: true,
      shareIdentifier: 'orders',
      schedulingPriorityOverride: 40,
      tags: { team: 'orders', 'secret-refresh:resubmitted-from': 'j1' },
      containerOverrides: {
        command: ['python', 'nightly.py', 'Ref::day'],
        environment: [
          { name: 'MODE', value: 'full' },
          { name: 'AWS_REGION', value: 'us-east-1' },
        ],
        resourceRequirements: [
          { type: 'VCPU', value: '2' },
          { type: 'MEMORY', value: '4096' },
        ],
      },
    });
  });

  it('keeps propagateTags false and scheduling priority 0 (falsy values are still values)', () => {
    const job = jobRecord('j1', DEFINITION, { detail: jobDetail('j1', DEFINITION, { propagateTags: false, schedulingPriority: 0 }) });
    expect(buildCloneInput(job)).toMatchObject({ propagateTags: false, schedulingPriorityOverride: 0 });
  });

  it('sends only the clone tag, and no optional field, for a bare job', () => {
    const input = buildCloneInput(jobRecord('j1', DEFINITION, { jobName: 'bare' }));
    // Strict: a field the job does not have is not sent at all (not even as undefined).
    expect(input).toStrictEqual({
      jobName: 'bare-refresh',
      jobQueue: QUEUE_ARN,
      jobDefinition: DEFINITION,
      tags: { 'secret-refresh:resubmitted-from': 'j1' },
    });
  });

  it('clones an array job as its parent with the same array size and no index', () => {
    const job = jobRecord('arr', DEFINITION, {
      kind: 'array',
      detail: jobDetail('arr', DEFINITION, {
        status: 'PENDING',
        startedAt: undefined,
        arrayProperties: { size: 250, index: 7, statusSummary: { RUNNING: 10, SUCCEEDED: 240 } },
      }),
    });
    const input = buildCloneInput(job);
    expect(input.arrayProperties).toEqual({ size: 250 });
    expect(input.tags).toEqual({ 'secret-refresh:resubmitted-from': 'arr' });
  });

  it('clones a multi-node job with per-range container overrides, without numNodes when every node range is closed', () => {
    const job = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, {
        nodeProperties: {
          numNodes: 3,
          mainNode: 0,
          nodeRangeProperties: [
            {
              targetNodes: '0',
              container: {
                image: 'main',
                command: ['mpirun', 'main'],
                environment: [
                  { name: 'ROLE', value: 'main' },
                  { name: 'AWS_BATCH_JOB_MAIN_NODE_INDEX', value: '0' },
                ],
                instanceType: 'c5.xlarge',
              },
            },
            {
              targetNodes: '1:2',
              container: { image: 'worker', resourceRequirements: [{ type: 'VCPU', value: '4' }] },
            },
          ],
        },
      }),
    });
    const input = buildCloneInput(job);
    // SubmitJob rejects a numNodes override unless a node range is open-ended: closed ranges fix the count.
    expect(input.nodeOverrides).toEqual({
      nodePropertyOverrides: [
        {
          targetNodes: '0',
          containerOverrides: { command: ['mpirun', 'main'], environment: [{ name: 'ROLE', value: 'main' }], instanceType: 'c5.xlarge' },
        },
        { targetNodes: '1:2', containerOverrides: { resourceRequirements: [{ type: 'VCPU', value: '4' }] } },
      ],
    });
    expect(input.containerOverrides).toBeUndefined();
  });

  it('keeps numNodes for a multi-node job with an open-ended node range', () => {
    const job = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, {
        nodeProperties: { numNodes: 5, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:', container: { image: 'all' } }] },
      }),
    });
    expect(buildCloneInput(job).nodeOverrides?.numNodes).toBe(5);
  });

  it('keeps numNodes when one of several node ranges is open-ended', () => {
    const job = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, {
        nodeProperties: {
          numNodes: 4,
          mainNode: 0,
          nodeRangeProperties: [
            { targetNodes: '0:0', container: { image: 'main' } },
            { targetNodes: '1:', container: { image: 'workers' } },
          ],
        },
      }),
    });
    expect(buildCloneInput(job).nodeOverrides?.numNodes).toBe(4);
  });

  it('sends no numNodes for an open-ended multi-node job that names no node count', () => {
    const job = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, {
        nodeProperties: { numNodes: undefined, mainNode: 0, nodeRangeProperties: [{ targetNodes: '0:', container: { image: 'all' } }] },
      }),
    });
    expect(Object.keys(buildCloneInput(job).nodeOverrides ?? {})).toEqual(['nodePropertyOverrides']);
  });

  it('gives a multi-node job without node ranges, and a task without containers, empty override lists', () => {
    const bare = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, { nodeProperties: { numNodes: 2, mainNode: 0, nodeRangeProperties: undefined } }),
    });
    expect(buildCloneInput(bare).nodeOverrides).toEqual({ nodePropertyOverrides: [] });
    const ranged = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, {
        nodeProperties: {
          numNodes: 2,
          mainNode: 0,
          nodeRangeProperties: [{ targetNodes: '0:1', ecsProperties: { taskProperties: [{ containers: undefined }] } }],
        },
      }),
    });
    expect(buildCloneInput(ranged).nodeOverrides?.nodePropertyOverrides).toEqual([
      { targetNodes: '0:1', ecsPropertiesOverride: { taskProperties: [{ containers: [] }] } },
    ]);
    const ecs = jobRecord('ecs', DEFINITION, { detail: jobDetail('ecs', DEFINITION, { ecsProperties: { taskProperties: [{ containers: undefined }] } }) });
    expect(buildCloneInput(ecs).ecsPropertiesOverride).toEqual({ taskProperties: [{ containers: [] }] });
  });

  it('clones an ecsProperties job with per-container overrides: name, command, environment, resources', () => {
    const job = jobRecord('ecs', DEFINITION, {
      detail: jobDetail('ecs', DEFINITION, {
        ecsProperties: {
          taskProperties: [
            {
              containers: [
                {
                  name: 'app',
                  image: 'app',
                  command: ['run'],
                  environment: [
                    { name: 'AWS_BATCH_JOB_ATTEMPT', value: '1' },
                    { name: 'LEVEL', value: 'debug' },
                  ],
                  resourceRequirements: [{ type: 'MEMORY', value: '2048' }],
                  secrets: [{ name: 'DB_PASSWORD', valueFrom: 'x' }],
                },
                { name: 'sidecar', image: 'sidecar' },
              ],
            },
          ],
        },
      }),
    });
    const input = buildCloneInput(job);
    expect(input.ecsPropertiesOverride).toEqual({
      taskProperties: [
        {
          containers: [
            { name: 'app', command: ['run'], environment: [{ name: 'LEVEL', value: 'debug' }], resourceRequirements: [{ type: 'MEMORY', value: '2048' }] },
            { name: 'sidecar' },
          ],
        },
      ],
    });
    expect(input.containerOverrides).toBeUndefined();
  });

  it('clones ecsProperties inside node ranges of a multi-node job', () => {
    const job = jobRecord('mnp', DEFINITION, {
      kind: 'multi-node',
      detail: jobDetail('mnp', DEFINITION, {
        nodeProperties: {
          numNodes: 2,
          mainNode: 0,
          nodeRangeProperties: [{ targetNodes: '0:1', ecsProperties: { taskProperties: [{ containers: [{ name: 'worker', image: 'w', command: ['go'] }] }] } }],
        },
      }),
    });
    expect(buildCloneInput(job).nodeOverrides?.nodePropertyOverrides).toEqual([
      { targetNodes: '0:1', ecsPropertiesOverride: { taskProperties: [{ containers: [{ name: 'worker', command: ['go'] }] }] } },
    ]);
  });
});

describe('cloneJobName', () => {
  it('appends -refresh to a short name', () => {
    expect(cloneJobName('nightly')).toBe('nightly-refresh');
  });

  it('truncates a long name so the clone name is exactly 128 characters ending in -refresh', () => {
    const name = cloneJobName('n'.repeat(200));
    expect(BATCH_JOB_NAME_LIMIT).toBe(128);
    expect(name).toHaveLength(128);
    expect(name).toBe(`${'n'.repeat(120)}-refresh`);
  });

  it('keeps a 120-character name whole (the longest that fits)', () => {
    expect(cloneJobName('a'.repeat(120))).toBe(`${'a'.repeat(120)}-refresh`);
    expect(cloneJobName('a'.repeat(121))).toHaveLength(128);
  });
});
