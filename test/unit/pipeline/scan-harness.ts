/**
 * The harness shared by the pipeline tests of a scan in steps (scan-step-failures.test.ts, scan-step-parts.test.ts)
 * and, for its ECS world, run-refresh-mutants.test.ts:
 *
 * - `serveOrders`: the ECS world of those files (three services of cluster `orders`, `NAMES` / `ARNS`, read the
 *   changed secret, plus the `extra` services a test names; UpdateService answers a new deployment
 *   `ecs-svc/new-<name>`; Batch has no job definition or queue), served by the mocks the test file made
 *   (aws-sdk-client-mock mocks are per file, so each file keeps its own `mockClient(ECSClient)` and
 *   `mockClient(BatchClient)` and passes them in); `serveOrdersInEachTest` serves it before each test of the file
 *   and restores the mocks after the last;
 * - `RecordingCheckpoints`: the in-memory checkpoint store, logging each call, with write and read faults injected;
 * - `Scan`: one account's scan over several invocations (its checkpoints, state table and intake queue), each
 *   invocation run with a deadline and a scan stop given in milliseconds from now;
 * - `putEvent` and `checkpointOf`.
 */
import { type BatchClient, DescribeJobDefinitionsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import type { Service } from '@aws-sdk/client-ecs';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { TaskDefinitionCache } from '../../../lib/aws/ecs.js';
import { InMemoryScanCheckpoints, type ScanCheckpointStore, type StoredCheckpoint } from '../../../lib/aws/scan-checkpoints.js';
import type { InMemoryServiceIndexStore } from '../../../lib/aws/service-index-table.js';
import { loadConfig } from '../../../lib/config/config.js';
import { type PipelineDependencies, type RefreshRequest, type RunOptions, runRefresh } from '../../../lib/pipeline/run-refresh.js';
import { decodeCheckpoint, parseContinuation, type ScanCheckpoint } from '../../../lib/pipeline/scan-checkpoint.js';
import type { RefreshReport } from '../../../lib/report/types.js';
import { dynamoDbThrottled, MemoryStateTable } from '../../support/memory-state-table.js';
import type { EcsMock, SentRequest } from '../aws/ecs-doubles.js';
import { fakeClients, REGION, serveEcsWorld, service, serviceArn, taskDefinition, taskDefinitionArn } from '../aws/ecs-doubles.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, PUT_VERSION, sampleEvent } from '../changes/fake-metadata-directory.js';

/** The services of cluster `orders` that read the changed secret, and their ARNs. */
export const NAMES = ['orders-api', 'orders-cron', 'orders-worker'];
export const ARNS = NAMES.map((name) => serviceArn('orders', name));

/** A further service of cluster `orders`: what its task definition reads (the changed secret by default), its tags. */
export interface ExtraService {
  readonly valueFrom?: string;
  readonly tags?: Service['tags'];
}

/**
 * Resets `ecs` and `batch` and serves the world of cluster `orders` (ListClusters and ListServices pages of
 * `pageSize`, ECS's default otherwise), with the `extra` services after the three. Returns the ECS requests sent,
 * as `serveEcsWorld` does.
 */
export function serveOrders(
  ecs: EcsMock,
  batch: AwsClientStub<BatchClient>,
  { pageSize, extra = {} }: { pageSize?: number; extra?: Readonly<Record<string, ExtraService>> } = {},
): SentRequest[] {
  ecs.reset();
  batch.reset();
  const names = [...NAMES, ...Object.keys(extra)];
  const sent = serveEcsWorld(ecs, {
    regions: { [REGION]: { orders: names.map((name) => service('orders', name, extra[name]?.tags ? { tags: extra[name].tags } : {})) } },
    taskDefinitions: Object.fromEntries(
      names.map((name) => [taskDefinitionArn(name, 1), taskDefinition(taskDefinitionArn(name, 1), extra[name]?.valueFrom ?? DB_SECRET_ARN)]),
    ),
    ...(pageSize === undefined ? {} : { pageSize }),
  });
  ecs.on(UpdateServiceCommand).callsFake(async (input: { service: string }) => ({
    service: { deployments: [{ id: `ecs-svc/new-${input.service.split('/').pop()}`, status: 'PRIMARY' }] },
  }));
  batch.on(DescribeJobDefinitionsCommand).resolves({ jobDefinitions: [] });
  batch.on(DescribeJobQueuesCommand).resolves({ jobQueues: [] });
  return sent;
}

/** For a whole test file: `serveOrders` before each test, and `ecs` and `batch` restored after the last one. */
export function serveOrdersInEachTest(ecs: EcsMock, batch: AwsClientStub<BatchClient>, options: { pageSize?: number } = {}): void {
  beforeEach(() => {
    serveOrders(ecs, batch, options);
  });
  afterAll(() => {
    ecs.restore();
    batch.restore();
  });
}

/** A fault of one checkpoint write: it throws, or it finds the checkpoint moved by another invocation (`false`). */
export type WriteFault = 'throw' | 'moved';

/** The in-memory checkpoints, logging each call, with faults injected per write or read. */
export class RecordingCheckpoints implements ScanCheckpointStore {
  public readonly inner = new InMemoryScanCheckpoints();
  /** Each call: `read <id>`, `write <id> step <n> if <expected>` (`if new`: only if it does not exist yet). */
  public readonly calls: string[] = [];
  /** The fault of the write with this step after `expected`, if any. */
  public writeFault: (step: number, expected: number | undefined) => WriteFault | undefined = () => undefined;
  /** Reads fail once `failReads` is set. */
  public failReads = false;

  public async read(id: string): Promise<StoredCheckpoint | undefined> {
    this.calls.push(`read ${id}`);
    if (this.failReads) throw dynamoDbThrottled();
    return this.inner.read(id);
  }

  public async write(id: string, checkpoint: StoredCheckpoint, expectedStep: number | undefined): Promise<boolean> {
    this.calls.push(`write ${id} step ${checkpoint.step} if ${expectedStep ?? 'new'}`);
    const fault = this.writeFault(checkpoint.step, expectedStep);
    if (fault === 'throw') throw dynamoDbThrottled();
    if (fault === 'moved') return false;
    return this.inner.write(id, checkpoint, expectedStep);
  }

  /** The writes logged so far (`write <id> step <n> if <expected>`), without the reads. */
  public writes(): string[] {
    return this.calls.filter((call) => call.startsWith('write '));
  }

  /** The stored checkpoint `id`: its step and what its body decodes to. */
  public async stored(id: string): Promise<{ step: number; checkpoint: ScanCheckpoint | undefined } | undefined> {
    const item = await this.inner.read(id);
    return item ? { step: item.step, checkpoint: decodeCheckpoint(item.body) } : undefined;
  }
}

/** The times of one invocation, in milliseconds from when it starts: its deadline and its scan stop; and a dry run. */
export interface InvocationOptions {
  readonly deadlineMs?: number;
  readonly scanMs?: number;
  readonly dryRun?: boolean;
}

export const putEvent = (source = 'm-0'): RefreshRequest => ({ type: 'event', source, event: sampleEvent('secretsmanager-putsecretvalue-awscurrent.json') });
export const checkpointOf = (report: RefreshReport): string => report.scan?.checkpoint ?? 'no checkpoint';

/**
 * One account's scan over several invocations: the checkpoints, the state table and the intake queue it keeps.
 * Each invocation takes the options given to the constructor, overridden by its own; a time not given is not set
 * (no deadline: a scan in one go; no scan stop: the default reserve before the deadline).
 */
export class Scan {
  public readonly checkpoints = new RecordingCheckpoints();
  public readonly state = new MemoryStateTable();
  public readonly queue: { messageId: string; body: string }[] = [];
  public serviceIndex?: InMemoryServiceIndexStore;
  /** Sends through the intake queue fail while set. */
  public failSend = false;
  #sent = 0;

  public constructor(private readonly defaults: InvocationOptions = {}) {}

  public dependencies(): PipelineDependencies {
    return {
      clients: fakeClients(),
      directory: new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]),
      taskDefinitions: new TaskDefinitionCache(),
      state: this.state,
      scanCheckpoints: this.checkpoints,
      ...(this.serviceIndex ? { serviceIndex: this.serviceIndex } : {}),
      intake: {
        deliver: async (messages) => {
          if (this.failSend) throw new Error('simulated: the intake queue refused SendMessageBatch');
          for (const message of messages) this.queue.push({ messageId: `q-${++this.#sent}`, body: message.body });
        },
      },
    };
  }

  /** A first invocation on `requests` (a put event by default). */
  public start(requests: RefreshRequest | readonly RefreshRequest[] = [putEvent()], options: InvocationOptions = {}): Promise<RefreshReport> {
    return runRefresh(requests, loadConfig({ AWS_REGION: REGION }), this.dependencies(), this.runOptions(options));
  }

  /** The invocation that takes the queue's next message (a continuation). */
  public continue(options: InvocationOptions = {}): Promise<RefreshReport> {
    const record = this.queue.shift();
    if (!record) throw new Error('the intake queue is empty');
    return this.continueWith(record.body, record.messageId, options);
  }

  /** The invocation that takes the continuation `body`, delivered as SQS message `source`. */
  public continueWith(body: string, source: string, options: InvocationOptions = {}): Promise<RefreshReport> {
    return runRefresh([], loadConfig({ AWS_REGION: REGION }), this.dependencies(), {
      ...this.runOptions(options),
      continuation: { message: parseContinuation(JSON.parse(body)), source },
    });
  }

  private runOptions(options: InvocationOptions): RunOptions {
    const { deadlineMs, scanMs, dryRun } = { ...this.defaults, ...options };
    const now = Date.now();
    return {
      ...(deadlineMs === undefined ? {} : { deadline: new Date(now + deadlineMs) }),
      ...(scanMs === undefined ? {} : { scanUntil: new Date(now + scanMs) }),
      ...(dryRun ? { dryRun } : {}),
    };
  }
}
