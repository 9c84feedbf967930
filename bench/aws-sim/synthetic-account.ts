import type { MetadataDirectory } from '../../lib/changes/types.js';
import { addBurstParameters, type BurstParameterOptions } from './burst-parameters.js';
import { pick, seededRandom } from './random.js';

/**
 * A seeded synthetic AWS account: ECS clusters, services, task definition revisions and Batch job
 * definitions, whose containers reference secrets and parameters in every `valueFrom` form ECS accepts
 * (see ../shared/aws-reference/value-from-forms.md), plus look-alikes that must not match.
 * The same options always give the same account.
 */
export interface SyntheticAccountOptions {
  readonly seed?: number;
  readonly services: number;
  readonly clusters?: number;
  /** Distinct task definition revisions in use (≤ services). */
  readonly revisions?: number;
  /** Share of revisions (0–1) that reference the changed secret in some form. */
  readonly changedShare?: number;
  readonly jobDefinitions?: number;
  readonly jobQueues?: number;
  /** The burst benchmark's SSM parameters and their readers (see burst-parameters.ts). */
  readonly burst?: BurstParameterOptions;
}

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
const SECRET_PREFIX = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:`;
const PARAMETER_PREFIX = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/`;

/** The secret whose rotation the benchmark refreshes. */
export const CHANGED_SECRET = {
  name: 'bench/orders/db',
  suffix: 'Ab12Cd',
  arn: `${SECRET_PREFIX}bench/orders/db-Ab12Cd`,
  currentVersion: '3f2b6f6e-7c1a-4d0e-9a51-1e2f3a4b5c6d',
} as const;

/**
 * The metadata directory of a synthetic account: DescribeSecret knows the changed secret only (by ARN or name),
 * with `currentVersion()` as its AWSCURRENT version, so a caller can make a second version current; parameters are
 * unknown. One directory for every benchmark and simulator test, instead of a copy in each.
 */
export function changedSecretDirectory(currentVersion: () => string = () => CHANGED_SECRET.currentVersion): MetadataDirectory {
  return {
    describeSecret: async (secretId) =>
      secretId === CHANGED_SECRET.arn || secretId === CHANGED_SECRET.name
        ? { arn: CHANGED_SECRET.arn, name: CHANGED_SECRET.name, versionIdsToStages: { [currentVersion()]: ['AWSCURRENT'] } }
        : undefined,
    describeParameter: async () => undefined,
  };
}

/** Every form that reads the changed secret (some pinned: they match, with a pinned impact). */
const CHANGED_FORMS: readonly { location: Location; valueFrom: string }[] = [
  { location: 'secrets', valueFrom: CHANGED_SECRET.arn },
  { location: 'secrets', valueFrom: `${SECRET_PREFIX}${CHANGED_SECRET.name}` },
  { location: 'secrets', valueFrom: `${CHANGED_SECRET.arn}:password::` },
  { location: 'secrets', valueFrom: `${SECRET_PREFIX}${CHANGED_SECRET.name}:username::` },
  { location: 'secrets', valueFrom: `${CHANGED_SECRET.arn}::AWSCURRENT:` },
  { location: 'secrets', valueFrom: `${CHANGED_SECRET.arn}::AWSPREVIOUS:` },
  { location: 'secrets', valueFrom: `${CHANGED_SECRET.arn}:::9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE` },
  { location: 'secrets', valueFrom: `/aws/reference/secretsmanager/${CHANGED_SECRET.name}` },
  { location: 'secrets', valueFrom: `${PARAMETER_PREFIX}aws/reference/secretsmanager/${CHANGED_SECRET.name}` },
  { location: 'secretOptions', valueFrom: CHANGED_SECRET.arn },
  { location: 'repositoryCredentials', valueFrom: CHANGED_SECRET.name },
];

/** References to other things, including look-alikes of the changed secret that must never match. */
const OTHER_FORMS: readonly { location: Location; valueFrom: string }[] = [
  { location: 'secrets', valueFrom: `${SECRET_PREFIX}bench/orders/db-replica-Zz99Yy` },
  { location: 'secrets', valueFrom: `${SECRET_PREFIX}bench/orders/db-replica` },
  { location: 'secrets', valueFrom: `${SECRET_PREFIX}bench/orders/db-XyZ789` },
  { location: 'secrets', valueFrom: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:bench/orders/db-Ab12Cd` },
  { location: 'secrets', valueFrom: `arn:aws:secretsmanager:${REGION}:444455556666:secret:bench/orders/db-Ab12Cd` },
  { location: 'secrets', valueFrom: '/bench/orders/db' },
  { location: 'secrets', valueFrom: `${PARAMETER_PREFIX}bench/orders/db` },
  { location: 'secrets', valueFrom: 'bench-flat-token' },
  { location: 'secrets', valueFrom: '/bench/orders/db-old' },
  { location: 'secrets', valueFrom: '/bench/orders/db-password:3' },
  { location: 'secrets', valueFrom: '/aws/reference/secretsmanager/bench/orders/db-replica' },
  { location: 'secrets', valueFrom: `${SECRET_PREFIX}bench/payments/api-Qw34Er:token::` },
  { location: 'secretOptions', valueFrom: `${SECRET_PREFIX}bench/logging/splunk-Lm56No` },
  { location: 'repositoryCredentials', valueFrom: 'bench/orders/db-replica' },
];

type Location = 'secrets' | 'secretOptions' | 'repositoryCredentials';

/** JSON shapes as ECS returns them (timestamps in epoch seconds, as the JSON 1.1 protocol sends them). */
export type JsonObject = Record<string, unknown>;

export interface SyntheticAccount {
  readonly clusterArns: string[];
  /** Cluster ARN → its services, in listing order. */
  readonly servicesByCluster: Map<string, JsonObject[]>;
  /** Task definition ARN → task definition. */
  readonly taskDefinitions: Map<string, JsonObject>;
  readonly jobDefinitions: JsonObject[];
  readonly jobQueues: JsonObject[];
  /** Distinct task definition revisions that services use (the floor's DescribeTaskDefinition count). */
  readonly revisionsInUse: number;
  /** Revision ARNs that reference the changed secret. */
  readonly changedRevisions: Set<string>;
  /** With `burst`: parameter name → the ARNs of the services that read it. */
  readonly parameterReaders?: Map<string, string[]>;
}

/**
 * Builds the account.
 *
 * @example
 * const account = generateAccount({ seed: 7, services: 500, clusters: 5, revisions: 250 });
 */
export function generateAccount(options: SyntheticAccountOptions): SyntheticAccount {
  const random = seededRandom(options.seed ?? 42);
  const serviceCount = options.services;
  const clusterCount = options.clusters ?? Math.max(1, Math.round(serviceCount / 100));
  const revisionCount = Math.min(options.revisions ?? Math.max(1, Math.round(serviceCount * 0.4)), serviceCount);
  const share = options.changedShare ?? 0.1;

  const taskDefinitions = new Map<string, JsonObject>();
  const revisionArns: string[] = [];
  const changedRevisions = new Set<string>();
  for (let i = 0; i < revisionCount; i++) {
    const family = `bench-app-${Math.floor(i / 4)}`;
    const revision = (i % 4) + 1;
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
    const changed = random() < share;
    const containers = containerDefinitions(random, changed);
    if (changed) changedRevisions.add(arn);
    taskDefinitions.set(arn, {
      taskDefinitionArn: arn,
      family,
      revision,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/bench-execution`,
      containerDefinitions: containers,
      registeredAt: 1_760_000_000 + i,
    });
    revisionArns.push(arn);
  }

  // Skewed cluster sizes (a few big clusters, many small), so paging past 100 and 10 is exercised.
  const weights = Array.from({ length: clusterCount }, (_, k) => 1 / (k + 1) ** 0.7);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const clusterArns = Array.from({ length: clusterCount }, (_, k) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/bench-c${k}`);
  const servicesByCluster = new Map<string, JsonObject[]>(clusterArns.map((arn) => [arn, []]));
  const used = new Set<string>();
  for (let i = 0; i < serviceCount; i++) {
    // Every cluster gets at least one service; the rest follow the weights.
    let k = i < clusterCount ? i : 0;
    if (i >= clusterCount) {
      let r = random() * totalWeight;
      while (k < clusterCount - 1 && r > (weights[k] as number)) r -= weights[k++] as number;
    }
    const clusterArn = clusterArns[k] as string;
    const clusterName = clusterArn.split('/').pop() as string;
    const taskDefinition = i < revisionCount ? (revisionArns[i] as string) : pick(random, revisionArns);
    used.add(taskDefinition);
    const name = `svc-${String(i).padStart(5, '0')}`;
    const controller = random() < 0.03 ? 'CODE_DEPLOY' : 'ECS';
    const tags = random() < 0.2 ? [{ key: 'team', value: pick(random, ['orders', 'payments', 'search']) }] : [];
    if (random() < 0.05) tags.push({ key: 'secret-refresh:wave', value: String(Math.floor(random() * 3)) });
    servicesByCluster.get(clusterArn)?.push({
      serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${clusterName}/${name}`,
      serviceName: name,
      clusterArn,
      status: 'ACTIVE',
      desiredCount: random() < 0.05 ? 0 : 1 + Math.floor(random() * 4),
      runningCount: 1,
      pendingCount: 0,
      launchType: 'FARGATE',
      taskDefinition,
      deploymentController: { type: controller },
      schedulingStrategy: 'REPLICA',
      deployments: [
        {
          id: `ecs-svc/${String(1_000_000_000 + i)}`,
          status: 'PRIMARY',
          taskDefinition,
          desiredCount: 1,
          runningCount: 1,
          createdAt: 1_760_000_000 + Math.floor(random() * 1_000_000),
          updatedAt: 1_760_000_000 + 1_000_000,
          rolloutState: 'COMPLETED',
        },
      ],
      createdAt: 1_750_000_000,
      tags,
    });
  }

  const jobDefinitionCount = options.jobDefinitions ?? Math.round(serviceCount / 10);
  const jobDefinitions: JsonObject[] = [];
  for (let i = 0; i < jobDefinitionCount; i++) {
    const changed = random() < share;
    const [container] = containerDefinitions(random, changed);
    const { secrets, logConfiguration } = container as JsonObject;
    jobDefinitions.push({
      jobDefinitionName: `bench-job-${i}`,
      jobDefinitionArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/bench-job-${i}:1`,
      revision: 1,
      status: 'ACTIVE',
      type: 'container',
      containerProperties: { image: 'public.ecr.aws/bench/job:1', secrets, logConfiguration },
      tags: {},
    });
  }
  const jobQueues = Array.from({ length: options.jobQueues ?? 2 }, (_, i) => ({
    jobQueueName: `bench-queue-${i}`,
    jobQueueArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/bench-queue-${i}`,
    state: 'ENABLED',
    status: 'VALID',
    priority: 1,
    computeEnvironmentOrder: [],
    tags: {},
  }));

  const parameterReaders = options.burst ? addBurstParameters(taskDefinitions, servicesByCluster, random, options.burst) : undefined;
  return {
    clusterArns,
    servicesByCluster,
    taskDefinitions,
    jobDefinitions,
    jobQueues,
    revisionsInUse: used.size,
    changedRevisions,
    ...(parameterReaders ? { parameterReaders } : {}),
  };
}

function containerDefinitions(random: () => number, changed: boolean): JsonObject[] {
  const count = 1 + Math.floor(random() * 3);
  const containers: JsonObject[] = [];
  const changedIn = changed ? Math.floor(random() * count) : -1;
  for (let c = 0; c < count; c++) {
    const references = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, OTHER_FORMS));
    if (c === changedIn) references.push(pick(random, CHANGED_FORMS));
    const secrets = references
      .filter((reference) => reference.location === 'secrets')
      .map((reference, index) => ({ name: `SECRET_${index}`, valueFrom: reference.valueFrom }));
    const secretOptions = references
      .filter((reference) => reference.location === 'secretOptions')
      .map((reference, index) => ({ name: `option-${index}`, valueFrom: reference.valueFrom }));
    const credentials = references.find((reference) => reference.location === 'repositoryCredentials');
    containers.push({
      name: c === 0 ? 'app' : `sidecar-${c}`,
      image: `111122223333.dkr.ecr.${REGION}.amazonaws.com/bench:${c}`,
      essential: c === 0,
      environment: [{ name: 'STAGE', value: 'bench' }],
      ...(secrets.length ? { secrets } : {}),
      ...(secretOptions.length
        ? { logConfiguration: { logDriver: 'splunk', options: { 'splunk-url': 'https://splunk.example' }, secretOptions } }
        : { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/bench' } } }),
      ...(credentials ? { repositoryCredentials: { credentialsParameter: credentials.valueFrom } } : {}),
    });
  }
  return containers;
}
