import { BatchClient } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { errorText } from '../errors.js';
import { type EcsPacing, ecsPacingBucket } from './ecs-pacing.js';
import { type AwsAccessProblem, awsAccessProblem } from './errors.js';

/**
 * One SDK client per service and Region, created lazily and reused.
 *
 * Why: scanning several Regions needs a client per Region, and reusing clients across warm Lambda
 * invocations keeps their connection pools. Endpoints, credentials and `AWS_MAX_ATTEMPTS` come from the
 * SDK's own configuration chain (`AWS_ENDPOINT_URL` points them at moto in tests and the demo). Retries: ECS
 * clients use the SDK's *standard* mode behind our own client-side pacing (`ecs-pacing.ts`); every other client
 * uses *adaptive* mode, which slows down client-side after a throttle. DynamoDB serves the state table (leases,
 * change records, deployment limits), the deployments table and the revision index; SQS the intake queue (home
 * Region). ECR serves the image drift guard (the Region of the image's registry). S3 serves the daily audit's copy
 * of the secrets map (`SECRET_REFRESH_REPORT_BUCKET`).
 */
export interface AwsClients {
  ecs(region: string): ECSClient;
  ecr(region: string): ECRClient;
  batch(region: string): BatchClient;
  dynamodb(region: string): DynamoDBClient;
  events(region: string): EventBridgeClient;
  secretsManager(region: string): SecretsManagerClient;
  ssm(region: string): SSMClient;
  sqs(region: string): SQSClient;
  sts(region: string): STSClient;
  /**
   * Loaded on first use (only the daily audit with `SECRET_REFRESH_REPORT_BUCKET` writes to S3): the CLI and the other
   * functions never load the S3 client, which is a large part of the SDK.
   */
  s3(region: string): Promise<S3Client>;
}

/** A call that could not reach AWS at all (after the SDK's retries), as {@link AwsClientOptions.onAccessFailure} hears it. */
export interface AwsAccessFailure {
  readonly problem: AwsAccessProblem;
  /** The client's service (`ecs`, `secretsmanager`…) and Region, and the operation. */
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  /** `<name>: <message>` of the error. */
  readonly message: string;
}

/** A command as {@link AwsClientOptions.onCall} hears it: the client's service and Region, and the operation. */
export interface AwsCall {
  readonly service: string;
  readonly region: string;
  readonly operation: string;
}

/** Options for {@link createAwsClients}; tests pass `maxAttempts: 1` to see moto errors at once. */
export interface AwsClientOptions {
  readonly maxAttempts?: number;
  /**
   * Told about every call that could not reach AWS at all (no credentials, endpoint unreachable: see
   * `awsAccessProblem`), whatever step made it and whether the step then reported or rethrew the error. The CLI
   * uses it to tell "AWS could not be reached" (exit 3) from "a target failed" (exit 1).
   */
  readonly onAccessFailure?: (failure: AwsAccessFailure) => void;
  /** Told about every command as it starts (once per command, not per retry): the CLI's progress line on a terminal. */
  readonly onCall?: (call: AwsCall) => void;
  /**
   * Fraction of ECS's documented per-category request rates to pace at (see `ecs-pacing.ts`); `0` turns
   * pacing off (moto, tests). Default 0.5.
   */
  readonly ecsQuotaShare?: number;
  /** The pacing buckets to draw from; default: the process's shared ones (one Lambda execution environment). */
  readonly ecsPacing?: EcsPacing;
}

/**
 * Creates the client registry.
 *
 * @example
 * const clients = createAwsClients();
 * await clients.ecs('eu-west-1').send(new ListClustersCommand({}));
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const common = { retryMode: 'adaptive', ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
  function client<T extends SdkClient>(service: string, region: string, create: () => T): T {
    const key = `${service}:${region}`;
    let existing = cache.get(key) as T | undefined;
    if (existing === undefined) {
      existing = create();
      if (options.onAccessFailure) watchAccess(existing, service, region, options.onAccessFailure);
      if (options.onCall) watchCalls(existing, service, region, options.onCall);
      cache.set(key, existing);
    }
    return existing;
  }
  return {
    // ECS: paced client-side under the quotas, so the SDK's standard retries only meet a throttle when another
    // tool drains the same buckets (adaptive mode would also remember a slowed rate across warm runs).
    ecs: (region) =>
      client('ecs', region, () => paced(new ECSClient({ region, ...common, retryMode: 'standard' }), region, options.ecsQuotaShare ?? 0.5, options.ecsPacing)),
    ecr: (region) => client('ecr', region, () => new ECRClient({ region, ...common })),
    batch: (region) => client('batch', region, () => new BatchClient({ region, ...common })),
    dynamodb: (region) => client('dynamodb', region, () => new DynamoDBClient({ region, ...common })),
    events: (region) => client('events', region, () => new EventBridgeClient({ region, ...common })),
    secretsManager: (region) => client('secretsmanager', region, () => new SecretsManagerClient({ region, ...common })),
    ssm: (region) => client('ssm', region, () => new SSMClient({ region, ...common })),
    sqs: (region) => client('sqs', region, () => new SQSClient({ region, ...common })),
    sts: (region) => client('sts', region, () => new STSClient({ region, ...common })),
    // A bucket in another Region than the client's answers PutObject with a redirect naming its Region: follow it, so
    // the report bucket may be in any Region. Path-style addressing is the SDK's own choice (an endpoint given as an
    // IP address, such as moto's 127.0.0.1, gets path-style; AWS gets virtual-hosted style).
    s3: async (region) => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return client('s3', region, () => new S3Client({ region, ...common, followRegionRedirects: true }));
    },
  };
}

/** What {@link watchAccess} needs of a client: its middleware stack (every client's has the same shape). */
interface SdkClient {
  readonly middlewareStack: unknown;
}

/**
 * Adds a middleware around each command (outside the retries, so once per command) that reports a failure to
 * reach AWS and rethrows it unchanged.
 */
function watchAccess(client: SdkClient, service: string, region: string, onAccessFailure: (failure: AwsAccessFailure) => void): void {
  (client.middlewareStack as ECSClient['middlewareStack']).add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const problem = awsAccessProblem(error);
        if (problem)
          onAccessFailure({ problem, service, region, operation: (context.commandName ?? 'unknown').replace(/Command$/, ''), message: errorText(error) });
        throw error;
      }
    },
    { step: 'initialize', name: 'secretRefreshAccessWatch', priority: 'high' },
  );
}

/** Adds a middleware that tells `onCall` about each command as it starts (outside the retries). */
function watchCalls(client: SdkClient, service: string, region: string, onCall: (call: AwsCall) => void): void {
  (client.middlewareStack as ECSClient['middlewareStack']).add(
    (next, context) => async (args) => {
      onCall({ service, region, operation: (context.commandName ?? 'unknown').replace(/Command$/, '') });
      return next(args);
    },
    { step: 'initialize', name: 'secretRefreshCallWatch' },
  );
}

/** Adds a middleware that takes a pacing token before each ECS command (once per command, not per retry). */
function paced(client: ECSClient, region: string, share: number, pacing: EcsPacing | undefined): ECSClient {
  if (share <= 0) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      await (pacing ? pacing.bucket(region, command, share) : ecsPacingBucket(region, command, share))?.take();
      return next(args);
    },
    { step: 'initialize', name: 'secretRefreshEcsPacing' },
  );
  return client;
}
