import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { BATCH_POLICIES, type BatchPolicy } from '../plan/types.js';

/**
 * Runtime configuration, read from the environment once, validated, typed and passed down.
 * Nothing else in secret-refresh reads `process.env` (the AWS SDK reads its own variables:
 * `AWS_ENDPOINT_URL`, `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, credentials).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `AWS_REGION` | home Region (the Lambda's own) | required |
 * | `SECRET_REFRESH_REGIONS` | comma-separated Regions to scan for ECS services | the home Region |
 * | `SECRET_REFRESH_DRY_RUN` | `true`: plan and report, never act | `false` |
 * | `SECRET_REFRESH_IDEMPOTENCY_TABLE` | DynamoDB table for the one-deployment-per-change record | unset: no record (the already-fresh rule still applies) |
 * | `SECRET_REFRESH_CONCURRENCY` | parallel UpdateService calls | `5` |
 * | `SECRET_REFRESH_REDEPLOY_AWSPREVIOUS` | `true`: also redeploy references pinned to AWSPREVIOUS | `false` |
 * | `SECRET_REFRESH_BATCH_POLICY` | running Batch jobs: `report`, `resubmit` or `resubmit-and-terminate` | `report` |
 * | `SECRET_REFRESH_ACCOUNT_ID` | account whose events this deployment handles (the Lambda's own is used when unset) | unset |
 * | `SECRET_REFRESH_CLUSTERS_INCLUDE` | comma-separated cluster names or globs (`prod-*`): only these are acted on | all clusters |
 * | `SECRET_REFRESH_CLUSTERS_EXCLUDE` | comma-separated cluster names or globs never acted on | none |
 * | `SECRET_REFRESH_MODE` | `all`, or `opt-in`: only services tagged `secret-refresh:enabled=true` | `all` |
 * | `SECRET_REFRESH_MAX_TARGETS` | an automatic run that would act on more targets acts on none | `50` |
 * | `SECRET_REFRESH_DEPLOYMENTS_TABLE` | DynamoDB table correlating deployments with runs (outcome tracking, waves) | unset: not tracked |
 * | `SECRET_REFRESH_WAIT_FOR_STEADY` | `true`: a wave starts only when the previous wave's deployments COMPLETED (needs the table) | `false` |
 * | `SECRET_REFRESH_REVISION_INDEX_TABLE` | DynamoDB table remembering task definition revisions across cold starts | unset: memory only |
 * | `SECRET_REFRESH_ECS_QUOTA_SHARE` | fraction of ECS's documented request rates to pace at; `0` = no pacing | `0.95` |
 * | `SECRET_REFRESH_EVENT_BUS` | bus (name or ARN) for result and alert events | unset: not published (the Lambdas set `default`) |
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
  readonly ecsQuotaShare: number;
  readonly revisionIndexTable?: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const booleanFlag = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const normalised = (value ?? '').trim().toLowerCase();
      if (normalised === '') return false;
      if (normalised === 'true' || normalised === '1') return true;
      if (normalised === 'false' || normalised === '0') return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${value}"` });
      return z.NEVER;
    });

/** An optional text value: trimmed, and empty means unset. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** A whole number from `min` to `max`; empty means `fallback`. */
const wholeNumber = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from ${min} to ${max}`;
        ctx.addIssue({ code: 'custom', message: `${name} must be ${range}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

/** One of `values`; empty means `fallback`. */
const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((value, ctx): T => {
      if (value === undefined || value.trim() === '') return fallback;
      const chosen = value.trim();
      if (!(values as readonly string[]).includes(chosen)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be one of ${values.join(', ')}, got "${value}"` });
        return z.NEVER;
      }
      return chosen as T;
    });

const clusterPatterns = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return [];
      const patterns = value.split(',').map((pattern) => pattern.trim());
      const invalid = patterns.filter((pattern) => !/^[A-Za-z0-9_*?-]{1,255}$/.test(pattern));
      if (invalid.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} has invalid cluster name(s) or glob(s) ${invalid.map((p) => `"${p}"`).join(', ')}: use letters, digits, - _ and the wildcards * ?`,
        });
        return z.NEVER;
      }
      return patterns;
    });

const EnvironmentSchema = z
  .object({
    AWS_REGION: z
      .string({ error: 'AWS_REGION is not set: set it to the home Region, e.g. AWS_REGION=us-east-1' })
      .regex(REGION, 'AWS_REGION must be a Region name such as us-east-1'),
    SECRET_REFRESH_REGIONS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '') return undefined;
        const regions = value.split(',').map((region) => region.trim());
        const invalid = regions.filter((region) => !REGION.test(region));
        if (invalid.length > 0) {
          ctx.addIssue({
            code: 'custom',
            message: `SECRET_REFRESH_REGIONS has invalid Region(s) ${invalid.map((r) => `"${r}"`).join(', ')}: use a comma-separated list such as us-east-1,eu-west-1`,
          });
          return z.NEVER;
        }
        return [...new Set(regions)];
      }),
    SECRET_REFRESH_DRY_RUN: booleanFlag('SECRET_REFRESH_DRY_RUN'),
    SECRET_REFRESH_IDEMPOTENCY_TABLE: optionalText,
    SECRET_REFRESH_CONCURRENCY: wholeNumber('SECRET_REFRESH_CONCURRENCY', 5, 1, 50),
    SECRET_REFRESH_REDEPLOY_AWSPREVIOUS: booleanFlag('SECRET_REFRESH_REDEPLOY_AWSPREVIOUS'),
    SECRET_REFRESH_BATCH_POLICY: oneOf('SECRET_REFRESH_BATCH_POLICY', BATCH_POLICIES, 'report'),
    SECRET_REFRESH_CLUSTERS_INCLUDE: clusterPatterns('SECRET_REFRESH_CLUSTERS_INCLUDE'),
    SECRET_REFRESH_CLUSTERS_EXCLUDE: clusterPatterns('SECRET_REFRESH_CLUSTERS_EXCLUDE'),
    SECRET_REFRESH_MODE: oneOf('SECRET_REFRESH_MODE', ['all', 'opt-in'] as const, 'all'),
    SECRET_REFRESH_MAX_TARGETS: wholeNumber('SECRET_REFRESH_MAX_TARGETS', 50, 1, Number.MAX_SAFE_INTEGER),
    SECRET_REFRESH_DEPLOYMENTS_TABLE: optionalText,
    SECRET_REFRESH_WAIT_FOR_STEADY: booleanFlag('SECRET_REFRESH_WAIT_FOR_STEADY'),
    SECRET_REFRESH_REVISION_INDEX_TABLE: optionalText,
    SECRET_REFRESH_ECS_QUOTA_SHARE: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '') return 0.95;
        const share = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
        if (!(share >= 0 && share <= 1)) {
          ctx.addIssue({ code: 'custom', message: `SECRET_REFRESH_ECS_QUOTA_SHARE must be a number from 0 to 1, got "${value}"` });
          return z.NEVER;
        }
        return share;
      }),
    SECRET_REFRESH_EVENT_BUS: z
      .string()
      .optional()
      .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
      .refine((value) => value === undefined || /^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/.test(value), {
        message: 'SECRET_REFRESH_EVENT_BUS must be an event bus name or ARN',
      }),
    SECRET_REFRESH_ACCOUNT_ID: z
      .string()
      .optional()
      .transform((value) => value?.trim())
      .refine((value) => value === undefined || value === '' || /^\d{12}$/.test(value), {
        message: 'SECRET_REFRESH_ACCOUNT_ID must be a 12-digit account id',
      }),
  })
  .refine((env) => !env.SECRET_REFRESH_WAIT_FOR_STEADY || env.SECRET_REFRESH_DEPLOYMENTS_TABLE !== undefined, {
    message: 'SECRET_REFRESH_WAIT_FOR_STEADY=true needs SECRET_REFRESH_DEPLOYMENTS_TABLE (where waves wait for their deployments)',
  });

/**
 * Reads and validates the configuration.
 *
 * @throws {ConfigurationError} listing every invalid variable, so a user fixes them all at once.
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const result = EnvironmentSchema.safeParse(env);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => issue.message);
    throw new ConfigurationError(`Invalid configuration: ${messages.join('; ')}`, { cause: result.error });
  }
  const parsed = result.data;
  return {
    homeRegion: parsed.AWS_REGION,
    regions: parsed.SECRET_REFRESH_REGIONS ?? [parsed.AWS_REGION],
    dryRun: parsed.SECRET_REFRESH_DRY_RUN,
    ...(parsed.SECRET_REFRESH_IDEMPOTENCY_TABLE ? { idempotencyTable: parsed.SECRET_REFRESH_IDEMPOTENCY_TABLE } : {}),
    concurrency: parsed.SECRET_REFRESH_CONCURRENCY,
    redeployOnPreviousChange: parsed.SECRET_REFRESH_REDEPLOY_AWSPREVIOUS,
    batchPolicy: parsed.SECRET_REFRESH_BATCH_POLICY,
    ...(parsed.SECRET_REFRESH_ACCOUNT_ID ? { accountId: parsed.SECRET_REFRESH_ACCOUNT_ID } : {}),
    clustersInclude: parsed.SECRET_REFRESH_CLUSTERS_INCLUDE,
    clustersExclude: parsed.SECRET_REFRESH_CLUSTERS_EXCLUDE,
    mode: parsed.SECRET_REFRESH_MODE,
    maxTargets: parsed.SECRET_REFRESH_MAX_TARGETS,
    ...(parsed.SECRET_REFRESH_EVENT_BUS ? { eventBus: parsed.SECRET_REFRESH_EVENT_BUS } : {}),
    ...(parsed.SECRET_REFRESH_DEPLOYMENTS_TABLE ? { deploymentsTable: parsed.SECRET_REFRESH_DEPLOYMENTS_TABLE } : {}),
    waitForSteady: parsed.SECRET_REFRESH_WAIT_FOR_STEADY,
    ecsQuotaShare: parsed.SECRET_REFRESH_ECS_QUOTA_SHARE,
    ...(parsed.SECRET_REFRESH_REVISION_INDEX_TABLE ? { revisionIndexTable: parsed.SECRET_REFRESH_REVISION_INDEX_TABLE } : {}),
  };
}
