import type { Context } from 'aws-lambda';
import { safeParseArn } from '../arn/arn.js';
import { type AwsClientOptions, type AwsClients, createAwsClients } from '../aws/clients.js';
import { TaskDefinitionCache } from '../aws/ecs.js';
import { createMetadataDirectory } from '../aws/metadata-directory.js';
import { DynamoDbRevisionIndex } from '../aws/revision-index.js';
import { dynamoDbScanCheckpoints } from '../aws/scan-checkpoints.js';
import { DynamoDbServiceIndexStore } from '../aws/service-index-table.js';
import { sendToQueue } from '../aws/sqs.js';
import { dynamoDbStateTable } from '../aws/state-table.js';
import type { Config } from '../config/config.js';
import { dynamoDbRolloutRecords } from '../rollout/rollout-records.js';
import { stepFunctionsEngine } from '../rollout/start-rollout.js';
import type { IntakeQueue, PipelineDependencies } from './run-refresh.js';

/** Options for {@link createPipelineDependencies}. */
export interface DependencyOptions extends AwsClientOptions {
  /** The Lambda context: its ARN names the account whose events are accepted. */
  readonly lambdaContext?: Context;
  /** Clients to reuse (warm Lambda invocations keep theirs); new ones are created when absent. */
  readonly clients?: AwsClients;
  /** The task definition cache to reuse (warm Lambda invocations keep theirs); a new one when absent. */
  readonly taskDefinitions?: TaskDefinitionCache;
}

/**
 * The composition root: builds the clients and every dependency of the pipeline and the audit from the
 * configuration: the metadata directory, the task definition cache (with the revision index when
 * `SECRET_REFRESH_REVISION_INDEX_TABLE` is set), the state table (`SECRET_REFRESH_IDEMPOTENCY_TABLE`: the account
 * lease, change records, deployment limits, the rollout items, scan checkpoints), the service index
 * (`SECRET_REFRESH_SERVICE_INDEX_TABLE`), the intake queue (`SECRET_REFRESH_INTAKE_QUEUE_URL`) and the rollout
 * engine (`SECRET_REFRESH_STATE_MACHINE_ARN`), all on the one client set. Every entry point
 * (Lambda handlers, CLI, demo) builds its dependencies here, and nothing else creates an SDK client.
 *
 * @example
 * const report = await runRefresh(request, config, createPipelineDependencies(config));
 */
export function createPipelineDependencies(config: Config, options: DependencyOptions = {}): PipelineDependencies {
  const clients = options.clients ?? createAwsClients({ ecsQuotaShare: config.ecsQuotaShare, ...options });
  const lambdaAccount = safeParseArn(options.lambdaContext?.invokedFunctionArn)?.account;
  const dynamodb = () => clients.dynamodb(config.homeRegion);
  return {
    clients,
    directory: createMetadataDirectory(clients),
    taskDefinitions: options.taskDefinitions ?? createTaskDefinitionCache(config, clients),
    ...(config.idempotencyTable ? { state: dynamoDbStateTable(dynamodb(), config.idempotencyTable) } : {}),
    ...(config.serviceIndexTable ? { serviceIndex: new DynamoDbServiceIndexStore(config.serviceIndexTable, dynamodb()) } : {}),
    ...(config.intakeQueueUrl ? { intake: intakeQueue(clients, config.intakeQueueUrl, config.homeRegion) } : {}),
    ...(config.idempotencyTable ? { rolloutRecords: dynamoDbRolloutRecords(dynamodb(), config.idempotencyTable) } : {}),
    ...(config.idempotencyTable ? { scanCheckpoints: dynamoDbScanCheckpoints(dynamodb(), config.idempotencyTable) } : {}),
    ...(config.stateMachineArn ? { rollouts: stepFunctionsEngine(clients, config.stateMachineArn, config.homeRegion) } : {}),
    ...(lambdaAccount ? { expectedAccount: lambdaAccount } : {}),
  };
}

/**
 * A task definition cache, consulting the persisted revision index first when one is configured. A Lambda
 * execution environment creates one and keeps it for its warm invocations (revisions never change).
 */
export function createTaskDefinitionCache(config: Config, clients: AwsClients): TaskDefinitionCache {
  const index = config.revisionIndexTable ? new DynamoDbRevisionIndex(config.revisionIndexTable, clients.dynamodb(config.homeRegion)) : undefined;
  return new TaskDefinitionCache(undefined, index);
}

/** The intake queue at `queueUrl` (SendMessageBatch through the home Region's SQS client). */
export function intakeQueue(clients: AwsClients, queueUrl: string, homeRegion: string): IntakeQueue {
  return { deliver: (messages) => sendToQueue(clients.sqs(queueRegion(queueUrl) ?? homeRegion), queueUrl, messages) };
}

/** The Region in an SQS queue URL (`https://sqs.<region>.amazonaws.com/…`), if it names one. */
function queueRegion(queueUrl: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com\//.exec(queueUrl)?.[1];
}
