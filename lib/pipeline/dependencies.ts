import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { safeParseArn } from '../arn/arn.js';
import { type AwsClientOptions, type AwsClients, createAwsClients } from '../aws/clients.js';
import { taskDefinitionCache } from '../aws/ecs.js';
import { createMetadataDirectory } from '../aws/metadata-directory.js';
import { DynamoDbRevisionIndex } from '../aws/revision-index.js';
import type { Config } from '../config/config.js';
import { DeploymentTracker } from '../tracking/deployment-tracker.js';
import { createDynamoDbChangeGuard } from './change-guard.js';
import type { PipelineDependencies } from './run-refresh.js';

/** Options for {@link createPipelineDependencies}. */
export interface DependencyOptions extends AwsClientOptions {
  /** The Lambda context: its ARN names the account whose events are accepted; it bounds idempotency locks. */
  readonly lambdaContext?: Context;
  /** Clients to reuse (warm Lambda invocations keep theirs); new ones are created when absent. */
  readonly clients?: AwsClients;
}

/**
 * Wires the real AWS clients, the process-wide task definition cache and (when configured) the DynamoDB
 * change guard. Every entry point (Lambda handlers, CLI, demo) builds its pipeline here.
 */
export function createPipelineDependencies(config: Config, options: DependencyOptions = {}): PipelineDependencies {
  const clients = options.clients ?? createAwsClients({ ecsQuotaShare: config.ecsQuotaShare, ...options });
  const lambdaAccount = safeParseArn(options.lambdaContext?.invokedFunctionArn)?.account;
  if (config.revisionIndexTable && !taskDefinitionCache.index) {
    taskDefinitionCache.index = new DynamoDbRevisionIndex(config.revisionIndexTable, new DynamoDBClient({ region: config.homeRegion }));
  }
  return {
    clients,
    directory: createMetadataDirectory(clients),
    taskDefinitions: taskDefinitionCache,
    ...(config.idempotencyTable ? { guard: createDynamoDbChangeGuard(config.idempotencyTable, options.lambdaContext) } : {}),
    ...(config.deploymentsTable ? { tracker: new DeploymentTracker(config.deploymentsTable, new DynamoDBClient({ region: config.homeRegion })) } : {}),
    ...(lambdaAccount ? { expectedAccount: lambdaAccount } : {}),
  };
}
