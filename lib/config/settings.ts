/**
 * The one settings table: every environment variable secret-refresh reads, with the `Config` field it sets,
 * its parser, and the text users read about it (the README's configuration table, checked against this by
 * test/unit/config/settings.test.ts; the CLI's `--help`, generated from it). `serverless.yml` passes each one
 * to the functions as its `deployment` says (also tested).
 *
 * To add a setting: add a row here (and the field to `Config`), a row to the README table and, when the
 * functions need it, a line to `serverless.yml`'s `provider.environment`.
 */
import { BATCH_POLICIES, IMAGE_DRIFT_POLICIES } from '../plan/types.js';
import type { Config } from './config.js';
import {
  accountId,
  booleanFlag,
  clusterPatterns,
  eventBus,
  fraction,
  homeRegion,
  oneOf,
  optionalText,
  regionList,
  type SettingParser,
  wholeNumber,
} from './parsers.js';

/** How the deployed functions get a setting (serverless.yml `provider.environment`). */
export type SettingDeployment =
  /** `NAME: ${env:NAME, '<fallback>'}`: taken from the deploying shell, else the fallback. */
  | { readonly from: 'env'; readonly fallback: string }
  /** `NAME: ${self:custom.…}`: one of the stack's own resources (a table name). */
  | { readonly from: 'stack' }
  /** Not in serverless.yml, and why. */
  | { readonly from: 'none'; readonly why: string };

/** One row of the settings table. */
export interface Setting<Field extends keyof Config = keyof Config> {
  /** The environment variable. */
  readonly env: string;
  /** The `Config` field it sets. */
  readonly field: Field;
  /** Unset or string → value; `undefined` leaves the field unset (or to a default derived in `loadConfig`). */
  readonly parse: SettingParser<Config[Field] | undefined>;
  /** What it means (Markdown, as in the README's table). */
  readonly meaning: string;
  /** Its default (Markdown, as in the README's table). */
  readonly default: string;
  readonly deployment: SettingDeployment;
}

function setting<Field extends keyof Config>(row: Setting<Field>): Setting {
  return row as unknown as Setting;
}

const STACK = { from: 'stack' } as const;
const env = (fallback: string) => ({ from: 'env', fallback }) as const;

/** Every setting, in the order of the README's configuration table. */
export const SETTINGS: readonly Setting[] = [
  setting({
    env: 'AWS_REGION',
    field: 'homeRegion',
    parse: homeRegion,
    meaning: 'home Region (set by Lambda)',
    default: 'required',
    deployment: { from: 'none', why: "Lambda sets it to the function's own Region" },
  }),
  setting({
    env: 'SECRET_REFRESH_REGIONS',
    field: 'regions',
    parse: regionList('SECRET_REFRESH_REGIONS'),
    meaning: 'comma-separated Regions whose ECS clusters are scanned',
    default: 'the home Region',
    deployment: env(''),
  }),
  setting({
    env: 'SECRET_REFRESH_DRY_RUN',
    field: 'dryRun',
    parse: booleanFlag('SECRET_REFRESH_DRY_RUN'),
    meaning: '`true`: every run only plans and reports',
    default: '`false`',
    deployment: env('false'),
  }),
  setting({
    env: 'SECRET_REFRESH_IDEMPOTENCY_TABLE',
    field: 'idempotencyTable',
    parse: optionalText,
    meaning: 'DynamoDB table of the change record (partition key `id`, TTL attribute `expiration`)',
    default: "the stack's table in Lambda; unset in the CLI",
    deployment: STACK,
  }),
  setting({
    env: 'SECRET_REFRESH_CONCURRENCY',
    field: 'concurrency',
    parse: wholeNumber('SECRET_REFRESH_CONCURRENCY', 5, 1, 50),
    meaning: 'parallel Describe*/UpdateService calls (1–50)',
    default: '`5`',
    deployment: env('5'),
  }),
  setting({
    env: 'SECRET_REFRESH_REDEPLOY_AWSPREVIOUS',
    field: 'redeployOnPreviousChange',
    parse: booleanFlag('SECRET_REFRESH_REDEPLOY_AWSPREVIOUS'),
    meaning: '`true`: also redeploy references pinned to AWSPREVIOUS',
    default: '`false`',
    deployment: env('false'),
  }),
  setting({
    env: 'SECRET_REFRESH_BATCH_POLICY',
    field: 'batchPolicy',
    parse: oneOf('SECRET_REFRESH_BATCH_POLICY', BATCH_POLICIES, 'report'),
    meaning: 'running Batch jobs: `report`, `resubmit` or `resubmit-and-terminate`',
    default: '`report`',
    deployment: env('report'),
  }),
  setting({
    env: 'SECRET_REFRESH_ACCOUNT_ID',
    field: 'accountId',
    parse: accountId('SECRET_REFRESH_ACCOUNT_ID'),
    meaning: 'account whose events are accepted (Lambda uses its own)',
    default: 'unset',
    deployment: { from: 'none', why: 'the functions accept the account in their own ARN' },
  }),
  setting({
    env: 'SECRET_REFRESH_CLUSTERS_INCLUDE',
    field: 'clustersInclude',
    parse: clusterPatterns('SECRET_REFRESH_CLUSTERS_INCLUDE'),
    meaning: 'comma-separated cluster names or globs: only these are acted on',
    default: 'all clusters',
    deployment: env(''),
  }),
  setting({
    env: 'SECRET_REFRESH_CLUSTERS_EXCLUDE',
    field: 'clustersExclude',
    parse: clusterPatterns('SECRET_REFRESH_CLUSTERS_EXCLUDE'),
    meaning: 'comma-separated cluster names or globs never acted on (wins over include)',
    default: 'none',
    deployment: env(''),
  }),
  setting({
    env: 'SECRET_REFRESH_MODE',
    field: 'mode',
    parse: oneOf('SECRET_REFRESH_MODE', ['all', 'opt-in'] as const, 'all'),
    meaning: '`all`, or `opt-in`: only services tagged `secret-refresh:enabled=true`',
    default: '`all`',
    deployment: env('all'),
  }),
  setting({
    env: 'SECRET_REFRESH_MAX_TARGETS',
    field: 'maxTargets',
    parse: wholeNumber('SECRET_REFRESH_MAX_TARGETS', 50, 1, Number.MAX_SAFE_INTEGER),
    meaning: 'blast-radius cap: a run acting on more targets acts on none',
    default: '`50`',
    deployment: env('50'),
  }),
  setting({
    env: 'SECRET_REFRESH_EVENT_BUS',
    field: 'eventBus',
    parse: eventBus('SECRET_REFRESH_EVENT_BUS'),
    meaning: 'event bus (name or ARN) for result and alert events',
    default: '`default` in Lambda; unset (no events) in the CLI',
    deployment: env('default'),
  }),
  setting({
    env: 'SECRET_REFRESH_DEPLOYMENTS_TABLE',
    field: 'deploymentsTable',
    parse: optionalText,
    meaning: 'DynamoDB table of started deployments (partition key `pk`, TTL `expiration`)',
    default: "the stack's table in Lambda; unset in the CLI",
    deployment: STACK,
  }),
  setting({
    env: 'SECRET_REFRESH_WAIT_FOR_STEADY',
    field: 'waitForSteady',
    parse: booleanFlag('SECRET_REFRESH_WAIT_FOR_STEADY'),
    meaning: "`true`: a wave starts when the previous wave's deployments COMPLETED (needs the table)",
    default: '`false`',
    deployment: env('false'),
  }),
  setting({
    env: 'SECRET_REFRESH_REVISION_INDEX_TABLE',
    field: 'revisionIndexTable',
    parse: optionalText,
    meaning:
      'DynamoDB table of task definition revisions already read (partition key `arn`, TTL `expiration`): cold starts skip DescribeTaskDefinition for them',
    default: "the stack's table in Lambda; unset (memory only) in the CLI",
    deployment: STACK,
  }),
  setting({
    env: 'SECRET_REFRESH_IMAGE_DRIFT',
    field: 'imageDrift',
    parse: oneOf('SECRET_REFRESH_IMAGE_DRIFT', IMAGE_DRIFT_POLICIES, 'warn'),
    meaning:
      'a redeploy that would also ship another image (a mutable tag that moved): `warn` redeploys and alerts, `block` skips (code `image-drift`) and alerts, `allow` does not look',
    default: '`warn`',
    deployment: env('warn'),
  }),
  setting({
    env: 'SECRET_REFRESH_ECS_QUOTA_SHARE',
    field: 'ecsQuotaShare',
    parse: fraction('SECRET_REFRESH_ECS_QUOTA_SHARE', 0.95),
    meaning: "fraction (0–1) of ECS's documented request rates the client paces at; `0` turns pacing off",
    default: '`0.95`',
    deployment: env('0.95'),
  }),
];

/**
 * Variables the AWS SDK reads itself (never through `loadConfig`), documented beside the settings because users
 * set them the same way.
 */
export const SDK_VARIABLES: readonly { readonly env: string; readonly meaning: string; readonly default: string }[] = [
  { env: 'AWS_ENDPOINT_URL', meaning: 'AWS endpoint override, honoured as the SDK does (moto in tests and the demo)', default: 'unset' },
];

/**
 * The settings and SDK variables as lines for a terminal (the CLI's `--help`): `  NAME  meaning (default: …)`,
 * Markdown backticks removed.
 */
export function describeSettings(): string {
  const plain = (text: string) => text.replaceAll('`', '');
  const [region, ...others] = SETTINGS;
  const sdk = SDK_VARIABLES.map((row) => ({ ...row, meaning: `${row.meaning}; read by the AWS SDK` }));
  const rows = [...(region ? [region] : []), ...sdk, ...others];
  const width = Math.max(...rows.map((row) => row.env.length));
  const fallback = (text: string) => (text === 'required' ? '(required)' : `(default: ${plain(text)})`);
  return rows.map((row) => `  ${row.env.padEnd(width)}  ${plain(row.meaning)} ${fallback(row.default)}`).join('\n');
}
