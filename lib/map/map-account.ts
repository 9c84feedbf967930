import { callerAccount } from '../aws/sts.js';
import type { Config } from '../config/config.js';
import { collectInventory, type Inventory } from '../inventory/index.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import { buildSecretsMap, mapOptions } from './build-map.js';
import { lookUpMapMetadata } from './look-up-metadata.js';
import type { SecretsMap } from './types.js';

/**
 * The secrets map of the account, read-only, over every configured Region: the inventory (ECS services with their task
 * definitions, Batch job definitions and running jobs), the metadata of every referenced secret and parameter
 * (DescribeSecret, DescribeParameters: never a value), then {@link buildSecretsMap}. What could not be read is in the
 * map (`warnings`, `summary.inventoryProblems`), never a thrown error, so a partial map is still shown and says what it
 * is missing. The same wiring for `secret-refresh map`, the daily audit function and the demo.
 *
 * The home account is `SECRET_REFRESH_ACCOUNT_ID`, else the Lambda's own, else the caller's (STS GetCallerIdentity,
 * which needs no permission); it is asked first, so missing credentials fail before any scan.
 *
 * @param inventory an inventory already collected in this run (the audit function shares its own), else collected here.
 * @example
 * const map = await mapAccount(config, createPipelineDependencies(config), new Date());
 */
export async function mapAccount(config: Config, dependencies: PipelineDependencies, now: Date, inventory?: Inventory): Promise<SecretsMap> {
  const account = config.accountId ?? dependencies.expectedAccount ?? (await callerAccount(dependencies.clients.sts(config.homeRegion)));
  if (!account) throw new Error('STS GetCallerIdentity returned no account: the home account of the map is unknown (set SECRET_REFRESH_ACCOUNT_ID)');
  const { ecs, batch } =
    inventory ??
    (await collectInventory({
      clients: dependencies.clients,
      regions: config.regions,
      concurrency: config.concurrency,
      taskDefinitions: dependencies.taskDefinitions,
    }));
  const options = mapOptions(config, account, now);
  const inputs = { services: ecs.services, jobDefinitions: batch.jobDefinitions, jobs: batch.jobs, problems: [...ecs.problems, ...batch.problems] };
  const metadata = await lookUpMapMetadata(inputs, options, dependencies.directory, config.concurrency);
  return buildSecretsMap({ ...inputs, metadata }, options);
}
