import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import type { BatchPolicy, ImageDriftPolicy } from '../plan/types.js';
import { SETTINGS, unknownSettings } from './settings.js';

/**
 * Runtime configuration, read from the environment once, validated, typed and passed down.
 * Nothing else in secret-refresh reads `process.env` (the AWS SDK reads its own variables:
 * `AWS_ENDPOINT_URL`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, credentials). Which variable sets which field, its
 * default and its meaning: the settings table, `SETTINGS` in ./settings.ts (also the README's table).
 */
export interface Config {
  readonly homeRegion: string;
  readonly regions: readonly string[];
  readonly dryRun: boolean;
  readonly idempotencyTable?: string;
  readonly concurrency: number;
  readonly redeployOnPreviousChange: boolean;
  readonly batchPolicy: BatchPolicy;
  readonly accountId?: string;
  readonly clustersInclude: readonly string[];
  readonly clustersExclude: readonly string[];
  readonly mode: 'all' | 'opt-in';
  readonly maxTargets: number;
  readonly eventBus?: string;
  readonly deploymentsTable?: string;
  readonly waitForSteady: boolean;
  readonly imageDrift: ImageDriftPolicy;
  readonly ecsQuotaShare: number;
  readonly revisionIndexTable?: string;
  /** `SECRET_REFRESH_REPORT_BUCKET`: where the daily audit stores the secrets map (page and JSON). */
  readonly reportBucket?: string;
  readonly settleSeconds: number;
  readonly minRedeployIntervalSeconds: number;
  readonly maxDeploymentsPerHour: number;
  readonly intakeQueueUrl?: string;
}

/** The environment as the settings table reads it, with the rule that ties two settings together. */
const EnvironmentSchema = z
  .object(Object.fromEntries(SETTINGS.map((setting) => [setting.env, setting.parse])))
  .refine((env) => !env.SECRET_REFRESH_WAIT_FOR_STEADY || env.SECRET_REFRESH_DEPLOYMENTS_TABLE !== undefined, {
    message: 'SECRET_REFRESH_WAIT_FOR_STEADY=true needs SECRET_REFRESH_DEPLOYMENTS_TABLE (where waves wait for their deployments)',
  });

/**
 * Reads and validates the configuration. A `SECRET_REFRESH_*` variable that is not in the settings table is
 * refused like a bad value (a typo such as `SECRET_REFRESH_DRYRUN=true` would otherwise be ignored and the run
 * would act for real), with the setting it most likely meant.
 *
 * @throws {ConfigurationError} listing every unknown name and every invalid value, so a user fixes them all at once.
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const unknown = unknownSettings(env);
  const result = EnvironmentSchema.safeParse(env);
  if (unknown.length > 0 || !result.success) {
    const messages = [...unknown, ...(result.success ? [] : result.error.issues.map((issue) => issue.message))];
    throw new ConfigurationError(`Invalid configuration: ${messages.join('; ')}`, result.success ? {} : { cause: result.error });
  }
  const fields: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const value = result.data[setting.env];
    if (value !== undefined) fields[setting.field] = value;
  }
  // The one derived default: no SECRET_REFRESH_REGIONS means the home Region only.
  fields.regions ??= [fields.homeRegion];
  return fields as unknown as Config;
}
