/**
 * The one settings table: every environment variable secret-refresh reads, with the `Config` field it sets,
 * its parser, and the text users read about it (the README's configuration table, checked against this by
 * test/unit/config/settings.test.ts; the CLI's `--help`, generated from it). `serverless.yml` passes each one
 * to the functions as its `deployment` says, from the stage parameters of `params.yml` (also tested).
 *
 * To add a setting: add a row here (and the field to `Config`), a row to the README table and, when the
 * functions need it, a line `NAME: ${param:<field>}` to `serverless.yml`'s `provider.environment` and its default to
 * `params.yml`'s `default` section.
 */
import { BATCH_POLICIES, IMAGE_DRIFT_POLICIES } from '../plan/types.js';
import type { Config } from './config.js';
import {
  accountId,
  booleanFlag,
  bucketName,
  clusterPatterns,
  eventBus,
  fraction,
  homeRegion,
  oneOf,
  optionalText,
  queueUrl,
  regionList,
  type SettingParser,
  wholeNumber,
} from './parsers.js';

/** How the deployed functions get a setting (serverless.yml `provider.environment`). */
export type SettingDeployment =
  /**
   * `NAME: ${param:<field>}`: an osls stage parameter named like the `Config` field, set per stage in params.yml
   * (its `default` section holds `fallback`) or for one deploy with `--param="<field>=<value>"`. Never read from the
   * deploying shell, so a redeploy from another shell or CI job cannot change behaviour.
   */
  | { readonly from: 'param'; readonly fallback: string }
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
const param = (fallback: string) => ({ from: 'param', fallback }) as const;

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
    deployment: param(''),
  }),
  setting({
    env: 'SECRET_REFRESH_DRY_RUN',
    field: 'dryRun',
    parse: booleanFlag('SECRET_REFRESH_DRY_RUN'),
    meaning: '`true`: every run only plans and reports',
    default: '`false`',
    deployment: param('false'),
  }),
  setting({
    env: 'SECRET_REFRESH_IDEMPOTENCY_TABLE',
    field: 'idempotencyTable',
    parse: optionalText,
    meaning: 'DynamoDB state table: the account lease, change records, deployment limits (partition key `id`, TTL attribute `expiration`)',
    default: "the stack's table in Lambda; unset in the CLI",
    deployment: STACK,
  }),
  setting({
    env: 'SECRET_REFRESH_CONCURRENCY',
    field: 'concurrency',
    parse: wholeNumber('SECRET_REFRESH_CONCURRENCY', 5, 1, 50),
    meaning: 'parallel Describe*/UpdateService calls (1–50)',
    default: '`5`',
    deployment: param('5'),
  }),
  setting({
    env: 'SECRET_REFRESH_REDEPLOY_AWSPREVIOUS',
    field: 'redeployOnPreviousChange',
    parse: booleanFlag('SECRET_REFRESH_REDEPLOY_AWSPREVIOUS'),
    meaning: '`true`: also redeploy references pinned to AWSPREVIOUS',
    default: '`false`',
    deployment: param('false'),
  }),
  setting({
    env: 'SECRET_REFRESH_BATCH_POLICY',
    field: 'batchPolicy',
    parse: oneOf('SECRET_REFRESH_BATCH_POLICY', BATCH_POLICIES, 'report'),
    meaning: 'running Batch jobs: `report`, `resubmit` or `resubmit-and-terminate`',
    default: '`report`',
    deployment: param('report'),
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
    deployment: param(''),
  }),
  setting({
    env: 'SECRET_REFRESH_CLUSTERS_EXCLUDE',
    field: 'clustersExclude',
    parse: clusterPatterns('SECRET_REFRESH_CLUSTERS_EXCLUDE'),
    meaning: 'comma-separated cluster names or globs never acted on (wins over include)',
    default: 'none',
    deployment: param(''),
  }),
  setting({
    env: 'SECRET_REFRESH_MODE',
    field: 'mode',
    parse: oneOf('SECRET_REFRESH_MODE', ['all', 'opt-in'] as const, 'all'),
    meaning: '`all`, or `opt-in`: only services tagged `secret-refresh:enabled=true`',
    default: '`all`',
    deployment: param('all'),
  }),
  setting({
    env: 'SECRET_REFRESH_MAX_TARGETS',
    field: 'maxTargets',
    parse: wholeNumber('SECRET_REFRESH_MAX_TARGETS', 50, 1, Number.MAX_SAFE_INTEGER),
    meaning: 'blast-radius cap: a run (a whole batch) acting on more targets acts on none',
    default: '`50`',
    deployment: param('50'),
  }),
  setting({
    env: 'SECRET_REFRESH_SETTLE_SECONDS',
    field: 'settleSeconds',
    parse: wholeNumber('SECRET_REFRESH_SETTLE_SECONDS', 20, 0, 300),
    meaning: "settle window (0–300 s): changes arriving within it are handled as one batch (the intake queue's batching window)",
    default: '`20`',
    deployment: param('20'),
  }),
  setting({
    env: 'SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS',
    field: 'minRedeployIntervalSeconds',
    parse: wholeNumber('SECRET_REFRESH_MIN_REDEPLOY_INTERVAL_SECONDS', 300, 0, 86_400),
    meaning: 'a service secret-refresh deployed less than this long ago is deferred, not deployed again by an automatic run (0–86400; `0`: off)',
    default: '`300`',
    deployment: param('300'),
  }),
  setting({
    env: 'SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR',
    field: 'maxDeploymentsPerHour',
    parse: wholeNumber('SECRET_REFRESH_MAX_DEPLOYMENTS_PER_HOUR', 500, 1, Number.MAX_SAFE_INTEGER),
    meaning:
      'automatic deployments (ECS redeploys plus Batch resubmits) per UTC clock hour, across batches; a run that would exceed it acts on none (`rate-limit`)',
    default: '`500`',
    deployment: param('500'),
  }),
  setting({
    env: 'SECRET_REFRESH_EVENT_BUS',
    field: 'eventBus',
    parse: eventBus('SECRET_REFRESH_EVENT_BUS'),
    meaning: 'event bus (name or ARN) for result and alert events',
    default: '`default` in Lambda; unset (no events) in the CLI',
    deployment: param('default'),
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
    deployment: param('false'),
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
    deployment: param('warn'),
  }),
  setting({
    env: 'SECRET_REFRESH_REPORT_BUCKET',
    field: 'reportBucket',
    parse: bucketName('SECRET_REFRESH_REPORT_BUCKET'),
    meaning: 'S3 bucket of this account where the daily audit stores the secrets map, page and JSON (keys: see "Secrets map")',
    default: 'unset (nothing stored)',
    deployment: param(''),
  }),
  setting({
    env: 'SECRET_REFRESH_ECS_QUOTA_SHARE',
    field: 'ecsQuotaShare',
    parse: fraction('SECRET_REFRESH_ECS_QUOTA_SHARE', 0.5),
    meaning: "fraction (0–1) of ECS's documented request rates the client paces at, leaving the rest to the account's other clients; `0` turns pacing off",
    default: '`0.5`',
    deployment: param('0.5'),
  }),
  setting({
    env: 'SECRET_REFRESH_INTAKE_QUEUE_URL',
    field: 'intakeQueueUrl',
    parse: queueUrl('SECRET_REFRESH_INTAKE_QUEUE_URL'),
    meaning: 'SQS intake queue URL: deferred changes are delivered again through it',
    default: "the stack's queue in Lambda; unset in the CLI",
    deployment: STACK,
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

/** The prefix of every setting of ours: a variable with it that is not in {@link SETTINGS} is refused. */
export const SETTING_PREFIX = 'SECRET_REFRESH_';

/**
 * One message per `SECRET_REFRESH_*` variable in `env` that is not a setting (compared ignoring case, since
 * `secret_refresh_dry_run` is a typo too), naming the setting it most likely meant: a misspelled name is refused
 * like a bad value instead of being ignored. Other variables (`AWS_*`, `POWERTOOLS_*`, anything else) are not ours
 * and are never looked at.
 *
 * @example
 * unknownSettings({ SECRET_REFRESH_DRYRUN: 'true' })
 * // → ['SECRET_REFRESH_DRYRUN is not a secret-refresh setting: did you mean SECRET_REFRESH_DRY_RUN?']
 */
export function unknownSettings(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set(SETTINGS.map((row) => row.env));
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && name.toUpperCase().startsWith(SETTING_PREFIX) && !known.has(name))
    .sort()
    .map((name) => {
      const meant = closestSetting(name);
      return meant
        ? `${name} is not a secret-refresh setting: did you mean ${meant}?`
        : `${name} is not a secret-refresh setting (the settings are listed by secret-refresh --help and in the README, "Configuration")`;
    });
}

/** The setting `name` most likely misspells: the nearest by edit distance, when it is near enough to be a typo. */
function closestSetting(name: string): string | undefined {
  const typed = name.toUpperCase().slice(SETTING_PREFIX.length);
  let best: { env: string; distance: number } | undefined;
  for (const row of SETTINGS) {
    if (!row.env.startsWith(SETTING_PREFIX)) continue;
    const distance = editDistance(typed, row.env.slice(SETTING_PREFIX.length));
    if (!best || distance < best.distance) best = { env: row.env, distance };
  }
  // A typo changes a few characters; beyond a third of the name it is another word, and a guess would mislead.
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.env : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
