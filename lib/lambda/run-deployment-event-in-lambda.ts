import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeploymentTracker } from '../tracking/deployment-tracker.js';
import { type DeploymentEventReport, handleDeploymentEvent } from '../tracking/handle-deployment-event.js';
import { lambdaEnvironment } from './environment.js';
import { logger } from './logger.js';

let tracker: DeploymentTracker | undefined;

/**
 * `onDeploymentStateChange`: correlates the event with the deployments secret-refresh started
 * (`SECRET_REFRESH_DEPLOYMENTS_TABLE`), continues wave rollouts and publishes failures.
 */
export async function runDeploymentEventInLambda(event: unknown): Promise<DeploymentEventReport> {
  const { config, clients } = lambdaEnvironment();
  if (!config.deploymentsTable) {
    throw new Error('SECRET_REFRESH_DEPLOYMENTS_TABLE is not set: deployment outcomes cannot be correlated');
  }
  tracker ??= new DeploymentTracker(config.deploymentsTable, new DynamoDBClient({ region: config.homeRegion }));
  const report = await handleDeploymentEvent(event, {
    tracker,
    clients,
    homeRegion: config.homeRegion,
    concurrency: config.concurrency,
    ...(config.eventBus ? { eventBus: config.eventBus } : {}),
  });
  if (report.outcome === 'failed') logger.error('secret-refresh deployment failed', { deployment: report });
  else if (report.outcome !== 'untracked') logger.info('secret-refresh deployment state change', { deployment: report });
  return report;
}
