import type { Context } from 'aws-lambda';
import { type AwsClients, createAwsClients } from '../aws/clients.js';
import type { TaskDefinitionCache } from '../aws/ecs.js';
import { type Config, loadConfig } from '../config/config.js';
import { createPipelineDependencies, createTaskDefinitionCache } from '../pipeline/dependencies.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';

/** What an execution environment keeps across warm invocations. */
interface LambdaEnvironment {
  readonly config: Config;
  readonly clients: AwsClients;
  readonly taskDefinitions: TaskDefinitionCache;
}

let cached: LambdaEnvironment | undefined;

/**
 * Configuration, SDK clients and the task definition cache of this execution environment: read and created
 * once per cold start and reused by warm invocations (connection pools, task definitions already read).
 */
export function lambdaEnvironment(): LambdaEnvironment {
  if (!cached) {
    const config = loadConfig(process.env);
    const clients = createAwsClients({ ecsQuotaShare: config.ecsQuotaShare });
    cached = { config, clients, taskDefinitions: createTaskDefinitionCache(config, clients) };
  }
  return cached;
}

/** The configuration and the dependencies of one invocation (see `createPipelineDependencies`), on the kept parts. */
export function lambdaDependencies(context?: Context): { config: Config; dependencies: PipelineDependencies } {
  const { config, clients, taskDefinitions } = lambdaEnvironment();
  return { config, dependencies: createPipelineDependencies(config, { clients, taskDefinitions, ...(context ? { lambdaContext: context } : {}) }) };
}
