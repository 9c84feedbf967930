import type { JobDefinition } from '@aws-sdk/client-batch';
import { describe, expect, it } from 'vitest';
import { isEksJobDefinition, jobDefinitionContainers, jobDefinitionReferences } from '../../../lib/inventory/job-definition-references.js';
import type { FoundReference } from '../../../lib/inventory/types.js';
import { ACCOUNT, HOME, jobDefinitionArn, SECRET_ARN } from './batch-doubles.js';

const LOG_TOKEN = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/demo/log-token`;
const REGISTRY = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:demo/registry-Qw12Er`;

function definition(fields: Partial<JobDefinition>): JobDefinition {
  return {
    jobDefinitionName: 'orders-report',
    jobDefinitionArn: jobDefinitionArn('orders-report'),
    revision: 1,
    status: 'ACTIVE',
    type: 'container',
    ...fields,
  };
}

/** container label, location, name, valueFrom — what a person reads in the report. */
function summary(found: readonly FoundReference[]): string[][] {
  return found.map((reference) => [reference.container, reference.location, reference.name ?? '-', reference.valueFrom]);
}

describe('jobDefinitionReferences', () => {
  it('reads secrets, log secretOptions and repository credentials of containerProperties, labelled "container"', () => {
    const found = jobDefinitionReferences(
      definition({
        containerProperties: {
          image: 'app',
          secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }],
          logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: LOG_TOKEN }] },
          repositoryCredentials: { credentialsParameter: REGISTRY },
        },
      }),
      HOME,
    );
    expect(summary(found)).toEqual([
      ['container', 'secrets', 'DB_PASSWORD', SECRET_ARN],
      ['container', 'logConfiguration.secretOptions', 'splunk-token', LOG_TOKEN],
      ['container', 'repositoryCredentials', '-', REGISTRY],
    ]);
  });

  it('resolves a bare name in secrets as a parameter of the job definition Region and account', () => {
    const [reference] = jobDefinitionReferences(definition({ containerProperties: { secrets: [{ name: 'API_KEY', valueFrom: '/demo/orders/api-key' }] } }), {
      partition: 'aws',
      region: 'eu-west-1',
      account: ACCOUNT,
    });
    expect(reference?.parsed).toMatchObject({
      reference: { kind: 'parameter', key: 'demo/orders/api-key', region: 'eu-west-1', account: ACCOUNT },
    });
  });

  it('keeps an unparseable valueFrom with the parse error instead of dropping it', () => {
    const [reference] = jobDefinitionReferences(
      definition({ containerProperties: { secrets: [{ name: 'BROKEN', valueFrom: 'arn:aws:s3:::bucket/key' }] } }),
      HOME,
    );
    expect(reference?.valueFrom).toBe('arn:aws:s3:::bucket/key');
    expect(reference?.parsed).toHaveProperty('error');
  });

  it('reads every node range container of a multi-node definition, labelled "node <targetNodes>"', () => {
    const found = jobDefinitionReferences(
      definition({
        type: 'multinode',
        nodeProperties: {
          numNodes: 4,
          mainNode: 0,
          nodeRangeProperties: [
            { targetNodes: '0', container: { secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }] } },
            {
              targetNodes: '1:3',
              container: { logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: LOG_TOKEN }] } },
            },
          ],
        },
      }),
      HOME,
    );
    expect(summary(found)).toEqual([
      ['node 0', 'secrets', 'DB_PASSWORD', SECRET_ARN],
      ['node 1:3', 'logConfiguration.secretOptions', 'splunk-token', LOG_TOKEN],
    ]);
  });

  it('reads every container of every ecsProperties task, labelled "task <index> <container name>"', () => {
    const found = jobDefinitionReferences(
      definition({
        ecsProperties: {
          taskProperties: [
            {
              containers: [
                { name: 'app', image: 'app', secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }] },
                { name: 'sidecar', image: 'sidecar', repositoryCredentials: { credentialsParameter: REGISTRY } },
              ],
            },
          ],
        },
      }),
      HOME,
    );
    expect(summary(found)).toEqual([
      ['task 0 app', 'secrets', 'DB_PASSWORD', SECRET_ARN],
      ['task 0 sidecar', 'repositoryCredentials', '-', REGISTRY],
    ]);
  });

  it('reads ecsProperties inside node ranges, labelled "node <targetNodes> task <index> <container name>"', () => {
    const found = jobDefinitionReferences(
      definition({
        type: 'multinode',
        nodeProperties: {
          numNodes: 2,
          mainNode: 0,
          nodeRangeProperties: [
            {
              targetNodes: '0:1',
              ecsProperties: {
                taskProperties: [
                  {
                    containers: [
                      {
                        name: 'worker',
                        image: 'worker',
                        logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: LOG_TOKEN }] },
                      },
                    ],
                  },
                ],
              },
            },
          ],
        },
      }),
      HOME,
    );
    expect(summary(found)).toEqual([['node 0:1 task 0 worker', 'logConfiguration.secretOptions', 'splunk-token', LOG_TOKEN]]);
  });

  it('labels an unnamed ecsProperties container "(unnamed)"', () => {
    const found = jobDefinitionReferences(
      definition({ ecsProperties: { taskProperties: [{ containers: [{ image: 'app', secrets: [{ name: 'X', valueFrom: SECRET_ARN }] }] }] } }),
      HOME,
    );
    expect(found.map((reference) => reference.container)).toEqual(['task 0 (unnamed)']);
  });

  it('finds nothing in a definition without secrets', () => {
    expect(jobDefinitionReferences(definition({ containerProperties: { image: 'app', environment: [{ name: 'A', value: 'b' }] } }), HOME)).toEqual([]);
  });
});

describe('isEksJobDefinition', () => {
  const eks = definition({
    containerOrchestrationType: 'EKS',
    eksProperties: {
      podProperties: {
        containers: [{ name: 'app', image: 'app', env: [{ name: 'DB_PASSWORD_FILE', value: '/secrets/db' }] }],
        volumes: [{ name: 'db', secret: { secretName: 'db-credentials' } }],
      },
    },
  });

  it('flags a definition with eksProperties, which yields no references (Kubernetes secrets)', () => {
    expect(isEksJobDefinition(eks)).toBe(true);
    expect(jobDefinitionReferences(eks, HOME)).toEqual([]);
  });

  it('flags containerOrchestrationType EKS even without eksProperties', () => {
    expect(isEksJobDefinition(definition({ containerOrchestrationType: 'EKS' }))).toBe(true);
  });

  it('does not flag ECS container, multi-node or ecsProperties definitions', () => {
    expect(isEksJobDefinition(definition({ containerOrchestrationType: 'ECS', containerProperties: { image: 'app' } }))).toBe(false);
    expect(isEksJobDefinition(definition({ ecsProperties: { taskProperties: [] } }))).toBe(false);
    expect(isEksJobDefinition(definition({ nodeProperties: { numNodes: 1, mainNode: 0, nodeRangeProperties: [] } }))).toBe(false);
  });
});

describe('jobDefinitionContainers', () => {
  it('lists the image of every container shape, labelled as the references are', () => {
    const containers = jobDefinitionContainers(
      definition({
        containerProperties: { image: 'busybox:latest' },
        nodeProperties: {
          numNodes: 2,
          mainNode: 0,
          nodeRangeProperties: [
            { targetNodes: '0:1', container: { image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/mpi:v3` } },
            { targetNodes: '2:', ecsProperties: { taskProperties: [{ containers: [{ name: 'worker', image: 'worker:1' }, { name: 'noimage' } as never] }] } },
          ],
        },
      }),
    );
    expect(containers).toEqual([
      { name: 'container', image: 'busybox:latest' },
      { name: 'node 0:1', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/mpi:v3` },
      { name: 'node 2: task 0 worker', image: 'worker:1' },
    ]);
  });
});
