/**
 * Test doubles shared by the Batch unit tests: a fake {@link AwsClients} whose Batch (and, when asked, ECS)
 * clients are the ones `aws-sdk-client-mock` stubs, plus builders for changes, job definitions and jobs.
 *
 * moto finishes every Batch job at once, does not page and has no `ecsProperties`, so running jobs, paging
 * and the ECS shape are hand-built here.
 */
import { BatchClient, type JobDefinition, type JobDetail } from '@aws-sdk/client-batch';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../../lib/aws/clients.js';
import type { BatchJobDefinitionRecord, BatchJobRecord, FoundReference } from '../../../lib/inventory/types.js';
import type { ActionableChange } from '../../../lib/plan/types.js';
import { parseReference } from '../../../lib/references/index.js';
import type { ReferenceContext } from '../../../lib/references/types.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const HOME: ReferenceContext = { partition: 'aws', region: REGION, account: ACCOUNT };
export const SECRET_NAME = 'demo/orders/db-credentials';
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${SECRET_NAME}-Ab12Cd`;
export const OTHER_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:demo/other-Zz99Yy`;
export const CHANGE_TIME = '2026-11-20T09:58:41.000Z';
/** An hour before the change. */
export const BEFORE_CHANGE = Date.parse('2026-11-20T08:58:41.000Z');
/** A minute after the change. */
export const AFTER_CHANGE = Date.parse('2026-11-20T09:59:41.000Z');
export const QUEUE_ARN = `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/orders`;

const FAKE_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

/** A Batch client for `region` that never reaches AWS once `mockClient(BatchClient)` is active. */
export function batchClient(region: string): BatchClient {
  return new BatchClient({ region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
}

/**
 * Fake client registry: `batch(region)` (and `ecs(region)` when `withEcs`) return real SDK clients that
 * `mockClient(...)` intercepts; every other service throws, so an unexpected call fails the test.
 * Records which Regions asked for a Batch client.
 */
export function fakeClients(options: { withEcs?: boolean } = {}): AwsClients & { batchRegions: string[] } {
  const batchRegions: string[] = [];
  const unexpected = (service: string) => (): never => {
    throw new Error(`unexpected ${service} client in a Batch unit test`);
  };
  return {
    batchRegions,
    batch: (region) => {
      batchRegions.push(region);
      return batchClient(region);
    },
    ecs: options.withEcs ? (region) => new ECSClient({ region, credentials: FAKE_CREDENTIALS, maxAttempts: 1 }) : unexpected('ECS'),
    events: unexpected('EventBridge'),
    dynamodb: unexpected('DynamoDB'),
    ecr: unexpected('ECR'),
    secretsManager: unexpected('Secrets Manager'),
    ssm: unexpected('SSM'),
    sts: unexpected('STS'),
    sqs: unexpected('SQS'),
    s3: unexpected('S3'),
  };
}

/** A new AWSCURRENT value of the demo secret at {@link CHANGE_TIME}. */
export function secretChange(overrides: Partial<ActionableChange> = {}): ActionableChange {
  return {
    kind: 'secret',
    effect: 'new-current-value',
    reason: 'PutSecretValue moved AWSCURRENT',
    partition: 'aws',
    region: REGION,
    account: ACCOUNT,
    name: SECRET_NAME,
    arn: SECRET_ARN,
    versionId: 'c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f',
    labels: ['AWSCURRENT'],
    time: CHANGE_TIME,
    origin: { channel: 'cloudtrail-api-call', eventName: 'PutSecretValue' },
    warnings: [],
    ...overrides,
  };
}

/** `arn:aws:batch:us-east-1:111122223333:job-definition/<name>:<revision>` */
export function jobDefinitionArn(name: string, revision = 1): string {
  return `arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/${name}:${revision}`;
}

/** A `secrets` reference of the single container, parsed as the inventory does. */
export function secretReference(valueFrom: string, name = 'DB_PASSWORD'): FoundReference {
  return { container: 'container', location: 'secrets', name, valueFrom, parsed: parseReference(valueFrom, 'secrets', HOME) };
}

/** An ACTIVE, non-EKS job definition record reading the demo secret. */
export function definitionRecord(name: string, overrides: Partial<BatchJobDefinitionRecord> = {}): BatchJobDefinitionRecord {
  const revision = overrides.revision ?? 1;
  return {
    arn: jobDefinitionArn(name, revision),
    name,
    revision,
    status: 'ACTIVE',
    partition: 'aws',
    region: REGION,
    account: ACCOUNT,
    tags: {},
    eks: false,
    references: [secretReference(SECRET_ARN)],
    ...overrides,
  };
}

/** A RUNNING single job of `definitionArn` on {@link QUEUE_ARN}, started an hour before the change. */
export function jobRecord(jobId: string, definitionArn: string, overrides: Partial<BatchJobRecord> = {}): BatchJobRecord {
  const jobName = overrides.jobName ?? `job-${jobId}`;
  const detail = jobDetail(jobId, definitionArn, { jobName });
  return {
    jobId,
    jobArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job/${jobId}`,
    jobName,
    jobQueue: QUEUE_ARN,
    region: REGION,
    status: 'RUNNING',
    kind: 'single',
    startedAt: new Date(BEFORE_CHANGE).toISOString(),
    jobDefinitionArn: definitionArn,
    tags: {},
    queueTags: {},
    detail,
    ...overrides,
  };
}

/** A RUNNING single job as DescribeJobs returns it, started an hour before the change. */
export function jobDetail(jobId: string, definitionArn: string, overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    jobId,
    jobArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job/${jobId}`,
    jobName: `job-${jobId}`,
    jobQueue: QUEUE_ARN,
    jobDefinition: definitionArn,
    status: 'RUNNING',
    startedAt: BEFORE_CHANGE,
    createdAt: BEFORE_CHANGE - 60_000,
    ...overrides,
  };
}

/** A container job definition as DescribeJobDefinitions returns it, reading `valueFrom` as DB_PASSWORD. */
export function containerJobDefinition(name: string, valueFrom: string, overrides: Partial<JobDefinition> = {}): JobDefinition {
  return {
    jobDefinitionName: name,
    jobDefinitionArn: jobDefinitionArn(name, overrides.revision ?? 1),
    revision: 1,
    status: 'ACTIVE',
    type: 'container',
    containerProperties: { image: 'public.ecr.aws/demo/app:1', secrets: [{ name: 'DB_PASSWORD', valueFrom }] },
    ...overrides,
  };
}
