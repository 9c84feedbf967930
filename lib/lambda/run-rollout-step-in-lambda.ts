import type { Config } from '../config/config.js';
import type { PipelineDependencies } from '../pipeline/run-refresh.js';
import { type RolloutProgress, type RolloutStepDependencies, requireRecords, runRolloutStep } from '../rollout/index.js';
import { lambdaDependencies } from './environment.js';
import { logger } from './logger.js';

/**
 * `rolloutStep`: one step of a rollout, as the rollout state machine's Tasks invoke it (statemachine/rollout.asl.json):
 * returns the rollout's next progress, which the state machine keeps. A thrown error is retried by the state
 * machine, then caught and reported by the rollout's `finish` step.
 */
export async function runRolloutStepInLambda(input: unknown): Promise<RolloutProgress> {
  const { config, dependencies } = lambdaDependencies();
  const progress = await runRolloutStep(input, rolloutStepDependencies(config, dependencies));
  logger.info('secret-refresh rollout step', {
    action: (input as { action?: string } | null)?.action,
    rollout: (input as { rollout?: { name?: string } } | null)?.rollout?.name,
    status: progress.status,
    wave: progress.wave,
    ...(progress.why ? { why: progress.why } : {}),
  });
  return progress;
}

/** The rollout steps' dependencies from the configuration and the composition root's parts. */
export function rolloutStepDependencies(config: Config, dependencies: PipelineDependencies): RolloutStepDependencies {
  return {
    clients: dependencies.clients,
    records: requireRecords(dependencies.rolloutRecords),
    ...(dependencies.state ? { state: dependencies.state } : {}),
    homeRegion: config.homeRegion,
    concurrency: config.concurrency,
    imageDrift: config.imageDrift,
    ...(config.windows ? { windows: config.windows } : {}),
    ...(config.freeze ? { freeze: config.freeze } : {}),
    ...(config.eventBus ? { eventBus: config.eventBus } : {}),
    minRedeployIntervalSeconds: config.minRedeployIntervalSeconds,
    ...(dependencies.now ? { now: dependencies.now } : {}),
    warn: (message) => logger.warn(message),
  };
}
