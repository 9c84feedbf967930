import { type AwsClients, createAwsClients } from '../aws/clients.js';
import { type Config, loadConfig } from '../config/config.js';

let cached: { config: Config; clients: AwsClients } | undefined;

/**
 * Configuration and SDK clients of this execution environment: read and created once per cold start and
 * reused by warm invocations (connection pools, the task definition cache).
 */
export function lambdaEnvironment(): { config: Config; clients: AwsClients } {
  if (!cached) {
    const config = loadConfig(process.env);
    cached = { config, clients: createAwsClients({ ecsQuotaShare: config.ecsQuotaShare }) };
  }
  return cached;
}
