import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTaskDefinitionCommand, ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import {
  DynamoDbRevisionIndex,
  InMemoryRevisionIndex,
  REFERENCE_SUBSET_VERSION,
  type RevisionIndex,
  referenceSubset,
} from '../../../lib/aws/revision-index.js';
import { ecsClient, SECRET_ARN, taskDefinitionArn } from './ecs-doubles.js';

const ecs = mockClient(ECSClient);
afterAll(() => ecs.restore());
beforeEach(() => ecs.reset());

const ARN = taskDefinitionArn('orders-api', 7);
const DEFINITION: TaskDefinition = {
  taskDefinitionArn: ARN,
  containerDefinitions: [
    {
      name: 'app',
      image: 'app:1',
      environment: [{ name: 'PLAIN', value: 'not a secret but not needed either' }],
      secrets: [{ name: 'DB', valueFrom: SECRET_ARN }],
      logConfiguration: { logDriver: 'splunk', options: { url: 'x' }, secretOptions: [{ name: 'token', valueFrom: '/splunk/token' }] },
      repositoryCredentials: { credentialsParameter: 'registry' },
    },
  ],
  volumes: [{ name: 'scratch' }],
};

describe('the persisted revision index', () => {
  it('keeps only what the inventory reads: container names and images, secrets, secretOptions, repositoryCredentials', () => {
    const subset = referenceSubset(DEFINITION);
    expect(subset.containerDefinitions).toEqual([
      {
        name: 'app',
        image: 'app:1',
        secrets: [{ name: 'DB', valueFrom: SECRET_ARN }],
        logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'token', valueFrom: '/splunk/token' }] },
        repositoryCredentials: { credentialsParameter: 'registry' },
      },
    ]);
    expect(JSON.stringify(subset)).not.toContain('PLAIN');
    expect(subset.volumes).toEqual([]);
  });

  it('keeps gMSA credential specs that name an SSM parameter, and no other security option', () => {
    const spec = 'credentialspec:arn:aws:ssm:us-east-1:111122223333:parameter/gmsa/spec';
    const subset = referenceSubset({
      taskDefinitionArn: ARN,
      containerDefinitions: [
        { name: 'win', credentialSpecs: [spec, 'credentialspec:file://x.json'], dockerSecurityOptions: ['no-new-privileges', `${spec}-2`] },
        { name: 'linux', dockerSecurityOptions: ['label:type:container_t'] },
      ],
    });
    expect(subset.containerDefinitions).toEqual([{ name: 'win', credentialSpecs: [spec], dockerSecurityOptions: [`${spec}-2`] }, { name: 'linux' }]);
  });

  it("keeps each container's versionConsistency, which the image drift guard reads", () => {
    const subset = referenceSubset({
      taskDefinitionArn: ARN,
      containerDefinitions: [
        { name: 'app', image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest', versionConsistency: 'disabled' },
        { name: 'sidecar', image: `envoyproxy/envoy@sha256:${'a'.repeat(64)}`, versionConsistency: 'enabled' },
      ],
    });
    expect(subset.containerDefinitions).toEqual([
      { name: 'app', image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest', versionConsistency: 'disabled' },
      { name: 'sidecar', image: `envoyproxy/envoy@sha256:${'a'.repeat(64)}`, versionConsistency: 'enabled' },
    ]);
  });

  it('reads an entry of subset version 2 (no images) as a miss, so the revision is described and re-indexed', async () => {
    expect(REFERENCE_SUBSET_VERSION).toBe(3);
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      dynamo.on(GetCommand).resolves({ Item: { arn: ARN, definition: JSON.stringify({ taskDefinitionArn: ARN }), subsetVersion: 2 } });
      const index = new DynamoDbRevisionIndex('revisions', new DynamoDBClient({ region: 'us-east-1' }));
      expect(await index.get(ARN)).toBeUndefined();
    } finally {
      dynamo.restore();
    }
  });

  it('reads an entry written under another subset version as a miss, so the revision is described again', async () => {
    const stored = { arn: ARN, definition: JSON.stringify(referenceSubset(DEFINITION)) };
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      dynamo
        .on(GetCommand)
        .resolvesOnce({ Item: stored })
        .resolves({ Item: { ...stored, subsetVersion: REFERENCE_SUBSET_VERSION } });
      const index = new DynamoDbRevisionIndex('revisions', new DynamoDBClient({ region: 'us-east-1' }));
      expect(await index.get(ARN)).toBeUndefined();
      expect((await index.get(ARN))?.taskDefinitionArn).toBe(ARN);
    } finally {
      dynamo.restore();
    }
  });

  it('lets a cold cache skip DescribeTaskDefinition for a revision an earlier run indexed', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: DEFINITION });
    const index = new InMemoryRevisionIndex();
    const first = new TaskDefinitionCache(10_000, index);
    await first.get(ecsClient(), 'us-east-1', ARN);
    expect(index.size).toBe(1);

    const cold = new TaskDefinitionCache(10_000, index);
    const definition = await cold.get(ecsClient(), 'us-east-1', ARN);

    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(cold.stats).toEqual({ described: 0, cached: 0, indexed: 1 });
    expect(definition.containerDefinitions?.[0]?.secrets).toEqual([{ name: 'DB', valueFrom: SECRET_ARN }]);
  });

  it('falls back to DescribeTaskDefinition when the index fails', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: DEFINITION });
    const broken: RevisionIndex = {
      get: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
      put: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
    };
    const cache = new TaskDefinitionCache(10_000, broken);
    expect((await cache.get(ecsClient(), 'us-east-1', ARN)).taskDefinitionArn).toBe(ARN);
    expect(cache.stats.described).toBe(1);
  });

  it('never indexes a bare family (not immutable)', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: DEFINITION });
    const index = new InMemoryRevisionIndex();
    await new TaskDefinitionCache(10_000, index).get(ecsClient(), 'us-east-1', 'orders-api');
    expect(index.size).toBe(0);
  });
});
