/**
 * A synthetic AWS account for the fault matrix: ECS clusters, services and task definitions, AWS Batch job
 * definitions, a queue and running jobs, an EventBridge bus and the changed secret — all in memory, served to
 * real SDK clients through `aws-sdk-client-mock` (instance-level stubs, so nothing is global), with a hook
 * that lets a scenario inject an error into any call, before or after the call takes effect.
 *
 * Why a stateful double and not canned answers: the interesting faults are races and replays (a service
 * deleted between list and update, UpdateService that landed but whose answer was lost, a Lambda retry after
 * a partial run). Only a world that changes when we write to it shows whether a retry deploys twice.
 *
 * aws-sdk-client-mock stubs `Client#send`, above the SDK's retry middleware: an injected error is what the
 * pipeline sees once the SDK's own retries are exhausted.
 */
import {
  BatchClient,
  type BatchClientResolvedConfig,
  type ServiceInputTypes as BatchInput,
  type ServiceOutputTypes as BatchOutput,
  BatchServiceException,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDefinition,
  type JobDetail,
  ListJobsCommand,
  SubmitJobCommand,
  TagResourceCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type ECSClientResolvedConfig,
  ECSServiceException,
  type ServiceInputTypes as EcsInput,
  type ServiceOutputTypes as EcsOutput,
  ListClustersCommand,
  ListServicesCommand,
  type Service,
  type TaskDefinition,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  EventBridgeClient,
  type EventBridgeClientResolvedConfig,
  EventBridgeServiceException,
  type ServiceInputTypes as EventsInput,
  type ServiceOutputTypes as EventsOutput,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../lib/aws/clients.js';
import type { SecretMetadata } from '../../lib/changes/types.js';
import { dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, ROTATION_VERSION } from '../unit/changes/fake-metadata-directory.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
/** The secret of `events/secretsmanager-secret-label-updated-awscurrent.json`. */
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:demo/orders/db-Ab12Cd`;
export const OTHER_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:demo/ledger/api-key-Zz99Yy`;
/** The sample event's time: AWSCURRENT moved then. */
export const CHANGE_TIME = Date.parse('2026-11-20T10:00:20Z');
/** Every PRIMARY deployment and running job of the synthetic account started an hour before the change. */
export const BEFORE_CHANGE = CHANGE_TIME - 3_600_000;
/** The first Lambda invocation starts 30 s after the change. */
export const FIRST_INVOCATION = CHANGE_TIME + 30_000;
export const QUEUE_ARN = `arn:aws:batch:${REGION}:${ACCOUNT}:job-queue/orders`;
/** The running job that reads the secret (policy `resubmit`: it is cloned). */
export const READING_JOB = 'job-nightly-0001';
/** A running job of a definition that reads another secret: never touched. */
export const OTHER_JOB = 'job-reports-0001';

const FAKE_CREDENTIALS = { accessKeyId: 'AKIDFAULTS', secretAccessKey: 'fault-matrix' };

/** The calls the pipeline makes, as `service:Operation`; faults are injected per call. */
export const CALLS = [
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:DescribeServices',
  'ecs:DescribeTaskDefinition',
  'ecs:UpdateService',
  'batch:DescribeJobDefinitions',
  'batch:DescribeJobQueues',
  'batch:ListJobs',
  'batch:DescribeJobs',
  'batch:SubmitJob',
  'batch:TagResource',
  'events:PutEvents',
  'secretsmanager:DescribeSecret',
] as const;
/** Every call: {@link CALLS} plus TerminateJob, made only under policy `resubmit-and-terminate`. */
export type CallName = (typeof CALLS)[number] | 'batch:TerminateJob';

/** A write that changes the account (what "nothing else touched" and "nothing twice" are about). */
export const WRITE_CALLS: readonly CallName[] = ['ecs:UpdateService', 'batch:SubmitJob', 'batch:TagResource', 'batch:TerminateJob'];

/** What a fault hook sees about one call. */
export interface CallContext {
  readonly call: CallName;
  /** The request input. */
  readonly input: Record<string, unknown>;
  /** 0-based index of this call among calls of the same operation, over the whole scenario. */
  readonly index: number;
  /** The fake clock (ms since epoch). */
  readonly now: number;
  /** 1-based Lambda delivery of the event (1 = first invocation, 2–3 = Lambda's retries). */
  readonly attempt: number;
  /** The account, for faults that are races (delete the service, then let the call see it gone). */
  readonly account: SyntheticAccount;
}

/** An injected error: thrown before the call takes effect, or after it did (the answer was lost). */
export interface InjectedError {
  readonly error: Error;
  readonly when: 'before' | 'after';
}

/** A scenario's fault: given one call, the error to inject, if any. */
export type FaultHook = (call: CallContext) => InjectedError | undefined;

/** One ECS service of the synthetic account. */
export interface ServiceState {
  readonly cluster: string;
  readonly name: string;
  readonly arn: string;
  /** True when its task definition reads {@link SECRET_ARN}. */
  readonly readsSecret: boolean;
  readonly taskDefinitionArn: string;
  deployments: { id: string; status: string; createdAt: Date }[];
}

/** One Batch job of the synthetic account. */
export interface JobState {
  readonly jobId: string;
  readonly jobName: string;
  readonly jobDefinition: string;
  status: string;
  startedAt?: number;
  tags: Record<string, string>;
}

/** A write that took effect, in order. */
export interface AppliedWrite {
  readonly call: CallName;
  /** Service ARN (UpdateService), original job id (SubmitJob: the clone's `resubmitted-from`), tagged job id. */
  readonly subject: string;
  readonly attempt: number;
}

/** The in-memory account and the mocks that serve it. */
export class SyntheticAccount {
  public readonly services = new Map<string, ServiceState>();
  public readonly clusters = new Set<string>();
  public readonly taskDefinitions = new Map<string, TaskDefinition>();
  public readonly jobDefinitions: JobDefinition[] = [];
  public readonly jobs = new Map<string, JobState>();
  public readonly applied: AppliedWrite[] = [];
  /** Every call made (after fault injection decided), in order. */
  public readonly calls: { call: CallName; attempt: number; failed: boolean }[] = [];
  public readonly ecs = new ECSClient({ region: REGION, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  public readonly batch = new BatchClient({ region: REGION, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  public readonly events = new EventBridgeClient({ region: REGION, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  public readonly ecsMock: AwsStub<EcsInput, EcsOutput, ECSClientResolvedConfig>;
  public readonly batchMock: AwsStub<BatchInput, BatchOutput, BatchClientResolvedConfig>;
  public readonly eventsMock: AwsStub<EventsInput, EventsOutput, EventBridgeClientResolvedConfig>;
  /** The fake clock: ms since epoch. Advanced by Lambda retries and, in deadline scenarios, by UpdateService. */
  public now = FIRST_INVOCATION;
  /** Added to {@link now} by each UpdateService call (a slow control plane, for deadline scenarios). */
  public updateServiceTakesMs = 0;
  /** The current Lambda delivery (1-based). */
  public attempt = 1;
  /** PutEvents answers with this many failed entries (no exception). */
  public putEventsFailedEntries = 0;
  /** Services DescribeServices leaves out without a failure entry (not ECS behaviour: a check of the lost detector). */
  public readonly describeOmits = new Set<string>();
  #counts = new Map<CallName, number>();
  #clones = 0;
  #deploymentIds = 0;

  public constructor(private readonly fault: FaultHook = () => undefined) {
    this.#seed();
    this.ecsMock = mockClient(this.ecs);
    this.batchMock = mockClient(this.batch);
    this.eventsMock = mockClient(this.events);
    this.#serveEcs();
    this.#serveBatch();
    this.#serveEvents();
  }

  /** Client registry for the pipeline: one Region; Secrets Manager, SSM and STS must not be called. */
  public clients(): AwsClients {
    const unexpected = (service: string) => (): never => {
      throw new Error(`unexpected ${service} client: the fault matrix serves metadata through the fake directory`);
    };
    const inRegion =
      <T>(client: T) =>
      (region: string): T => {
        if (region !== REGION) throw new Error(`unexpected Region ${region}`);
        return client;
      };
    return {
      ecs: inRegion(this.ecs),
      batch: inRegion(this.batch),
      events: inRegion(this.events),
      dynamodb: unexpected('DynamoDB'),
      ecr: unexpected('ECR'),
      secretsManager: unexpected('Secrets Manager'),
      ssm: unexpected('SSM'),
      sts: unexpected('STS'),
      sqs: unexpected('SQS'),
      s3: unexpected('S3'),
    };
  }

  /** The metadata directory: DescribeSecret confirms the event's version as AWSCURRENT (faults apply). */
  public directory(): FakeMetadataDirectory {
    const account = this;
    const secret: SecretMetadata = dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] });
    return new (class extends FakeMetadataDirectory {
      public override describeSecret(secretId: string, region: string): Promise<SecretMetadata | undefined> {
        return account.#call('secretsmanager:DescribeSecret', { SecretId: secretId }, () => super.describeSecret(secretId, region));
      }
    })([secret]);
  }

  /** Services that read the secret and exist now. */
  public readers(): ServiceState[] {
    return [...this.services.values()].filter((service) => service.readsSecret && this.clusters.has(service.cluster));
  }

  /** Removes a service (someone deleted it). */
  public deleteService(arn: string): void {
    this.services.delete(arn);
  }

  /** Removes a cluster and its services. */
  public deleteCluster(name: string): void {
    this.clusters.delete(name);
    for (const [arn, service] of this.services) if (service.cluster === name) this.services.delete(arn);
  }

  /** Stops the mocks (instance-level: restores `send` of this account's clients). */
  public restore(): void {
    this.ecsMock.restore();
    this.batchMock.restore();
    this.eventsMock.restore();
  }

  /** Runs `effect` for `call` with fault injection: count, ask the hook, throw before or after. */
  async #call<T>(call: CallName, input: Record<string, unknown>, effect: () => T | Promise<T>): Promise<T> {
    const index = this.#counts.get(call) ?? 0;
    this.#counts.set(call, index + 1);
    const injected = this.fault({ call, input, index, now: this.now, attempt: this.attempt, account: this });
    this.calls.push({ call, attempt: this.attempt, failed: injected !== undefined });
    if (injected?.when === 'before') throw injected.error;
    const result = await effect();
    if (injected?.when === 'after') throw injected.error;
    return result;
  }

  #seed(): void {
    const readers: [string, string][] = [
      ...Array.from({ length: 8 }, (_, i) => ['orders', `orders-${String(i + 1).padStart(2, '0')}`] as [string, string]),
      ['payments', 'payments-01'],
      ['payments', 'payments-02'],
    ];
    const others: [string, string, string | undefined][] = [
      ['orders', 'orders-static', undefined],
      ['payments', 'payments-ledger', OTHER_SECRET_ARN],
    ];
    this.clusters.add('orders').add('payments');
    readers.forEach(([cluster, name], i) => {
      // Every third reader selects a JSON key: still the current value of the secret.
      this.#addService(cluster, name, i % 3 === 2 ? `${SECRET_ARN}:password::` : SECRET_ARN);
    });
    for (const [cluster, name, valueFrom] of others) this.#addService(cluster, name, valueFrom);

    const definition = (name: string, valueFrom: string): JobDefinition => ({
      jobDefinitionName: name,
      jobDefinitionArn: `arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/${name}:1`,
      revision: 1,
      status: 'ACTIVE',
      type: 'container',
      containerProperties: { image: 'public.ecr.aws/demo/batch:1', secrets: [{ name: 'DB_PASSWORD', valueFrom }] },
      tags: {},
    });
    this.jobDefinitions.push(definition('nightly', SECRET_ARN), definition('reports', OTHER_SECRET_ARN));
    for (const [jobId, jobName, name] of [
      [READING_JOB, 'nightly-run', 'nightly'],
      [OTHER_JOB, 'reports-run', 'reports'],
    ] as const) {
      this.jobs.set(jobId, {
        jobId,
        jobName,
        jobDefinition: `arn:aws:batch:${REGION}:${ACCOUNT}:job-definition/${name}:1`,
        status: 'RUNNING',
        startedAt: BEFORE_CHANGE,
        tags: {},
      });
    }
  }

  #addService(cluster: string, name: string, valueFrom: string | undefined): void {
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
    const taskDefinitionArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:7`;
    this.taskDefinitions.set(taskDefinitionArn, {
      taskDefinitionArn,
      family: name,
      revision: 7,
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/demo/app:1',
          environment: [{ name: 'STAGE', value: 'prod' }],
          ...(valueFrom ? { secrets: [{ name: 'DB_PASSWORD', valueFrom }] } : {}),
        },
      ],
    });
    this.services.set(arn, {
      cluster,
      name,
      arn,
      readsSecret: valueFrom?.startsWith(SECRET_ARN) ?? false,
      taskDefinitionArn,
      deployments: [{ id: `ecs-svc/${name}-initial`, status: 'PRIMARY', createdAt: new Date(BEFORE_CHANGE) }],
    });
  }

  #service(state: ServiceState): Service {
    return {
      serviceArn: state.arn,
      serviceName: state.name,
      clusterArn: clusterArn(state.cluster),
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      taskDefinition: state.taskDefinitionArn,
      deploymentController: { type: 'ECS' },
      deployments: state.deployments.map((deployment) => ({ ...deployment })),
      tags: [],
    };
  }

  #serveEcs(): void {
    const clusterName = (value: unknown) => String(value).split('/').pop() ?? '';
    const inCluster = (name: string) => [...this.services.values()].filter((service) => service.cluster === name);
    this.ecsMock
      .on(ListClustersCommand)
      .callsFake((input: Record<string, unknown>) => this.#call('ecs:ListClusters', input, () => ({ clusterArns: [...this.clusters].map(clusterArn) })));
    this.ecsMock.on(ListServicesCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('ecs:ListServices', input, () => {
        const name = clusterName(input.cluster);
        if (!this.clusters.has(name)) throw ecsError('ClusterNotFoundException', 'Cluster not found.');
        return { serviceArns: inCluster(name).map((service) => service.arn) };
      }),
    );
    this.ecsMock.on(DescribeServicesCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('ecs:DescribeServices', input, () => {
        const name = clusterName(input.cluster);
        if (!this.clusters.has(name)) throw ecsError('ClusterNotFoundException', 'Cluster not found.');
        const arns = (input.services as string[]) ?? [];
        const found = arns.map((arn) => this.services.get(arn)).filter((service) => service?.cluster === name) as ServiceState[];
        return {
          services: found.filter((service) => !this.describeOmits.has(service.arn)).map((service) => this.#service(service)),
          failures: arns.filter((arn) => !found.some((service) => service.arn === arn)).map((arn) => ({ arn, reason: 'MISSING' })),
        };
      }),
    );
    this.ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('ecs:DescribeTaskDefinition', input, () => {
        const definition = this.taskDefinitions.get(String(input.taskDefinition));
        if (!definition) throw ecsError('ClientException', 'Unable to describe task definition.');
        return { taskDefinition: structuredClone(definition) };
      }),
    );
    this.ecsMock.on(UpdateServiceCommand).callsFake((input: Record<string, unknown>) => {
      // The control plane takes time; the clock moves when the call starts (deadline scenarios).
      this.now += this.updateServiceTakesMs;
      return this.#call('ecs:UpdateService', input, () => {
        const name = clusterName(input.cluster);
        if (!this.clusters.has(name)) throw ecsError('ClusterNotFoundException', 'Cluster not found.');
        const service = this.services.get(String(input.service));
        if (!service || service.cluster !== name) throw ecsError('ServiceNotFoundException', 'Service not found.');
        if (input.forceNewDeployment !== true) throw new Error('the fault matrix expects forceNewDeployment: true');
        // As ECS does: the old PRIMARY becomes ACTIVE, a new PRIMARY is created now.
        service.deployments = [
          { id: `ecs-svc/${service.name}-${++this.#deploymentIds}`, status: 'PRIMARY', createdAt: new Date(this.now) },
          ...service.deployments.filter((deployment) => deployment.status === 'PRIMARY').map((deployment) => ({ ...deployment, status: 'ACTIVE' })),
        ];
        this.applied.push({ call: 'ecs:UpdateService', subject: service.arn, attempt: this.attempt });
        return { service: this.#service(service) };
      });
    });
  }

  #serveBatch(): void {
    const detail = (job: JobState): JobDetail =>
      ({
        jobId: job.jobId,
        jobArn: jobArn(job.jobId),
        jobName: job.jobName,
        jobQueue: QUEUE_ARN,
        jobDefinition: job.jobDefinition,
        status: job.status as JobDetail['status'],
        createdAt: BEFORE_CHANGE - 60_000,
        ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
        tags: { ...job.tags },
        container: { image: 'public.ecr.aws/demo/batch:1' },
      }) as JobDetail;
    this.batchMock.on(DescribeJobDefinitionsCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:DescribeJobDefinitions', input, () => {
        const wanted = input.jobDefinitions as string[] | undefined;
        const definitions = this.jobDefinitions.filter(
          (definition) => (wanted ? wanted.includes(definition.jobDefinitionArn ?? '') : true) && (!input.status || definition.status === input.status),
        );
        return { jobDefinitions: structuredClone(definitions) };
      }),
    );
    this.batchMock.on(DescribeJobQueuesCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:DescribeJobQueues', input, () => ({
        jobQueues: [{ jobQueueName: 'orders', jobQueueArn: QUEUE_ARN, state: 'ENABLED', status: 'VALID', priority: 1, computeEnvironmentOrder: [], tags: {} }],
      })),
    );
    this.batchMock.on(ListJobsCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:ListJobs', input, () => {
        if (input.arrayJobId) return { jobSummaryList: [] };
        const filters = input.filters as { name: string; values: string[] }[] | undefined;
        const byName = filters?.find((filter) => filter.name === 'JOB_NAME')?.values ?? [];
        const jobs = [...this.jobs.values()].filter((job) => (filters ? byName.includes(job.jobName) : job.status === input.jobStatus));
        return { jobSummaryList: jobs.map((job) => ({ jobId: job.jobId, jobName: job.jobName, status: job.status })) };
      }),
    );
    this.batchMock.on(DescribeJobsCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:DescribeJobs', input, () => ({
        jobs: ((input.jobs as string[]) ?? []).flatMap((id) => {
          const job = this.jobs.get(id);
          return job ? [detail(job)] : [];
        }),
      })),
    );
    this.batchMock.on(SubmitJobCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:SubmitJob', input, () => {
        const jobId = `job-clone-${String(++this.#clones).padStart(4, '0')}`;
        const tags = (input.tags as Record<string, string> | undefined) ?? {};
        // A clone waits in the queue (SUBMITTED): it is not listed as STARTING/RUNNING by the inventory.
        this.jobs.set(jobId, { jobId, jobName: String(input.jobName), jobDefinition: String(input.jobDefinition), status: 'SUBMITTED', tags: { ...tags } });
        this.applied.push({ call: 'batch:SubmitJob', subject: tags['secret-refresh:resubmitted-from'] ?? jobId, attempt: this.attempt });
        return { jobId, jobName: input.jobName, jobArn: jobArn(jobId) };
      }),
    );
    this.batchMock.on(TagResourceCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:TagResource', input, () => {
        const id = String(input.resourceArn).split('/').pop() ?? '';
        const job = this.jobs.get(id);
        if (!job) throw batchError('ClientException', `job ${id} not found`);
        Object.assign(job.tags, input.tags as Record<string, string>);
        this.applied.push({ call: 'batch:TagResource', subject: id, attempt: this.attempt });
        return {};
      }),
    );
    this.batchMock.on(TerminateJobCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('batch:TerminateJob', input, () => {
        const job = this.jobs.get(String(input.jobId));
        if (!job) throw batchError('ClientException', `job ${String(input.jobId)} not found`);
        // STARTING/RUNNING jobs become FAILED.
        if (job.status === 'RUNNING' || job.status === 'STARTING') job.status = 'FAILED';
        this.applied.push({ call: 'batch:TerminateJob', subject: job.jobId, attempt: this.attempt });
        return {};
      }),
    );
  }

  #serveEvents(): void {
    this.eventsMock.on(PutEventsCommand).callsFake((input: Record<string, unknown>) =>
      this.#call('events:PutEvents', input, () => {
        const entries = (input.Entries as unknown[]) ?? [];
        const failed = Math.min(this.putEventsFailedEntries, entries.length);
        return {
          FailedEntryCount: failed,
          Entries: entries.map((_, i) => (i < failed ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error' } : { EventId: `event-${i}` })),
        };
      }),
    );
  }
}

export function clusterArn(name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
}

export function serviceArn(cluster: string, name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
}

export function jobArn(jobId: string): string {
  return `arn:aws:batch:${REGION}:${ACCOUNT}:job/${jobId}`;
}

type Fault = 'client' | 'server';

/** An error as the SDK deserializes a modelled or unmodelled ECS error code. */
export function ecsError(name: string, message: string, fault: Fault = 'client', status = 400): Error {
  return new ECSServiceException({ name, message, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** An error as the SDK deserializes a Batch error code. */
export function batchError(name: string, message: string, fault: Fault = 'client', status = 400): Error {
  return new BatchServiceException({ name, message, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** An error as the SDK deserializes an EventBridge error code. */
export function eventsError(name: string, message: string, fault: Fault = 'client', status = 400): Error {
  return new EventBridgeServiceException({ name, message, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** The error of `service` named `name` (service = the part of a {@link CallName} before the colon). */
export function serviceError(call: CallName, name: string, message: string, fault: Fault = 'client', status = 400): Error {
  const service = call.split(':')[0];
  if (service === 'ecs') return ecsError(name, message, fault, status);
  if (service === 'batch') return batchError(name, message, fault, status);
  if (service === 'events') return eventsError(name, message, fault, status);
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** A socket-level failure as Node's HTTP handler surfaces it (no HTTP response at all). */
export function networkError(name = 'TimeoutError', code = 'ECONNRESET'): Error {
  return Object.assign(new Error(`socket hang up (${code})`), { name, code, $metadata: {} });
}
