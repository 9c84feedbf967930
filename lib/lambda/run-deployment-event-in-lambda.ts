import { type DeploymentEventReport, handleDeploymentEvent } from '../tracking/handle-deployment-event.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';

/**
 * `onDeploymentStateChange`: correlates the event with the deployments secret-refresh started
 * (`SECRET_REFRESH_DEPLOYMENTS_TABLE`), continues wave rollouts and publishes failures.
 */
export async function runDeploymentEventInLambda(event: unknown): Promise<DeploymentEventReport> {
  const { config, dependencies } = lambdaDependencies();
  if (!dependencies.tracker) {
    throw new Error('SECRET_REFRESH_DEPLOYMENTS_TABLE is not set: deployment outcomes cannot be correlated');
  }
  const report = await handleDeploymentEvent(event, {
    tracker: dependencies.tracker,
    clients: dependencies.clients,
    homeRegion: config.homeRegion,
    concurrency: config.concurrency,
    ...(config.eventBus ? { eventBus: config.eventBus } : {}),
  });
  if (report.outcome === 'failed') logger.error('secret-refresh deployment failed', { deployment: report });
  else if (report.outcome !== 'untracked') logger.info('secret-refresh deployment state change', { deployment: report });
  return report;
}
