/**
 * Builders for the secrets map's inputs: inventory records whose references are parsed by the real parser (as the
 * inventory does), and metadata answers shaped like DescribeSecret / DescribeParameters results.
 */
import type { MetadataQuery } from '../../lib/audit/staleness.js';
import type { ParameterMetadata, SecretMetadata } from '../../lib/changes/types.js';
import type { BatchJobRecord, FoundReference } from '../../lib/inventory/types.js';
import type { ContainerImageInput, MapEcsServiceInput, MapJobDefinitionInput, MetadataAnswer, SecretsMapOptions } from '../../lib/map/build-map.js';
import { safeParseReference } from '../../lib/references/index.js';
import type { ReferenceContext, ReferenceLocation } from '../../lib/references/types.js';

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const HOME_REGION = 'us-east-1';

/** Options of a deployment in us-east-1 watching us-east-1 and eu-west-1. */
export function mapOptionsFor(overrides: Partial<SecretsMapOptions> = {}): SecretsMapOptions {
  return {
    generatedAt: '2026-12-01T12:00:00.000Z',
    homeAccount: ACCOUNT,
    watchedRegions: ['us-east-1', 'eu-west-1'],
    maxTargets: 50,
    redeployOnPreviousChange: false,
    batchPolicy: 'report',
    ...overrides,
  };
}

/** A reference as the inventory records it, parsed (or refused) by lib/references in `context`. */
export function found(
  valueFrom: string,
  options: { container?: string; location?: ReferenceLocation; name?: string; context?: ReferenceContext } = {},
): FoundReference {
  const location = options.location ?? 'secrets';
  const context = options.context ?? { partition: 'aws', region: HOME_REGION, account: ACCOUNT };
  const result = safeParseReference(valueFrom, location, context);
  return {
    container: options.container ?? 'app',
    location,
    ...(options.name !== undefined || location === 'secrets' ? { name: options.name ?? 'VALUE' } : {}),
    valueFrom,
    parsed: result.success ? result.data : { error: result.error.message },
  };
}

/** An ACTIVE ECS service with desiredCount 2 on the ECS controller, deployed at `deployedAt`. */
export function service(
  name: string,
  references: readonly (string | FoundReference)[],
  overrides: Partial<MapEcsServiceInput> & {
    cluster?: string;
    revision?: number;
    family?: string;
    deployedAt?: string;
    containers?: readonly ContainerImageInput[];
  } = {},
): MapEcsServiceInput {
  const { cluster = 'prod', revision = 1, family = name, deployedAt = '2026-11-30T09:00:00.000Z', ...rest } = overrides;
  const region = rest.region ?? HOME_REGION;
  const account = rest.account ?? ACCOUNT;
  const context = { partition: 'aws', region, account };
  return {
    arn: `arn:aws:ecs:${region}:${account}:service/${cluster}/${name}`,
    name,
    clusterArn: `arn:aws:ecs:${region}:${account}:cluster/${cluster}`,
    clusterName: cluster,
    partition: 'aws',
    region,
    account,
    status: 'ACTIVE',
    desiredCount: 2,
    deploymentController: 'ECS',
    taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/${family}:${revision}`,
    primaryDeployment: { id: `ecs-svc/${name}`, createdAt: deployedAt },
    tags: {},
    references: references.map((reference) => (typeof reference === 'string' ? found(reference, { context }) : reference)),
    ...rest,
  };
}

/** An ACTIVE Batch job definition revision. */
export function jobDefinition(name: string, references: readonly string[], overrides: Partial<MapJobDefinitionInput> = {}): MapJobDefinitionInput {
  const region = overrides.region ?? HOME_REGION;
  const revision = overrides.revision ?? 1;
  return {
    arn: `arn:aws:batch:${region}:${ACCOUNT}:job-definition/${name}:${revision}`,
    name,
    revision,
    status: 'ACTIVE',
    partition: 'aws',
    region,
    account: ACCOUNT,
    tags: {},
    eks: false,
    references: references.map((reference) => found(reference, { context: { partition: 'aws', region, account: ACCOUNT } })),
    ...overrides,
  };
}

/** A RUNNING single Batch job of `definition`, started at `startedAt`. */
export function job(name: string, definition: MapJobDefinitionInput, overrides: Partial<BatchJobRecord> = {}): BatchJobRecord {
  const jobId = overrides.jobId ?? `${name}-0001`;
  return {
    jobId,
    jobArn: `arn:aws:batch:${definition.region}:${ACCOUNT}:job/${jobId}`,
    jobName: name,
    jobQueue: `arn:aws:batch:${definition.region}:${ACCOUNT}:job-queue/nightly`,
    region: definition.region,
    status: 'RUNNING',
    kind: 'single',
    startedAt: '2026-11-30T22:00:00.000Z',
    jobDefinitionArn: definition.arn,
    tags: {},
    queueTags: {},
    detail: {
      jobId,
      jobName: name,
      jobQueue: `arn:aws:batch:${definition.region}:${ACCOUNT}:job-queue/nightly`,
      status: 'RUNNING',
      startedAt: Date.parse('2026-11-30T22:00:00.000Z'),
      jobDefinition: definition.arn,
    },
    ...overrides,
  };
}

/** DescribeSecret found it. */
export function secretFound(id: string, region: string, metadata: Partial<SecretMetadata> & { arn: string; name: string }): MetadataAnswer {
  return { query: { kind: 'secret', id, region }, result: { outcome: 'secret', metadata: { versionIdsToStages: {}, ...metadata } } };
}

/** DescribeParameters found it. */
export function parameterFound(id: string, region: string, metadata: Partial<ParameterMetadata> = {}): MetadataAnswer {
  return {
    query: { kind: 'parameter', id, region },
    result: { outcome: 'parameter', metadata: { name: id.startsWith('/') ? id : `/${id}`, version: 3, ...metadata } },
  };
}

/** Not found. */
export function notFound(kind: MetadataQuery['kind'], id: string, region: string): MetadataAnswer {
  return { query: { kind, id, region }, result: { outcome: 'not-found' } };
}

/** The look-up failed. */
export function lookUpFailed(kind: MetadataQuery['kind'], id: string, region: string, message: string): MetadataAnswer {
  return { query: { kind, id, region }, result: { outcome: 'error', message } };
}
