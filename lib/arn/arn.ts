/**
 * The one ARN vocabulary of secret-refresh: parsing (references, events, inventory records, the Lambda's own
 * ARN) and building (parameter and secret ARNs). Pure.
 *
 * ARNs are parsed generically (`arn:<partition>:<service>:<region>:<account>:<resource>`) rather than with a
 * per-service pattern so that every partition (aws, aws-cn, aws-us-gov, the isolated ones) works without a list
 * of known partitions, and so that the service-specific code only has to look at `resource`.
 */
import { ReferenceParseError } from '../errors.js';

/** The five fields of an ARN. `resource` keeps any `:` it contains (e.g. `secret:name:key::`). */
export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  /** Empty for global services (e.g. IAM); secret and parameter references check it themselves. */
  readonly region: string;
  /** Empty for some services (e.g. S3); secret and parameter references check it themselves. */
  readonly account: string;
  readonly resource: string;
}

/** `aws` or `aws-<something>`: every AWS partition id has this shape. */
export const PARTITION_PATTERN = /^aws(-[a-z0-9]+)*$/;
const SERVICE_PATTERN = /^[a-z0-9-]+$/;
const REGION_PATTERN = /^([a-z0-9]+(-[a-z0-9]+)*)?$/;
const ACCOUNT_PATTERN = /^(\d{12})?$/;

/**
 * True when `value` starts like an ARN. References are classified as "ARN or name" on this prefix alone, as the
 * ECS control plane does, so a malformed ARN is reported as a malformed ARN rather than read as a name.
 */
export function looksLikeArn(value: string): boolean {
  return value.startsWith('arn:');
}

/**
 * Split an ARN into its fields.
 *
 * @throws {ReferenceParseError} when `value` does not have six `:`-separated fields, the partition is not
 *   `aws`/`aws-*`, or the service, Region or account field has an impossible shape.
 * @example
 * parseArn('arn:aws:secretsmanager:us-east-1:111122223333:secret:db-Ab12Cd:password::').resource
 * // → 'secret:db-Ab12Cd:password::'
 */
export function parseArn(value: string): ParsedArn {
  const fields = value.split(':');
  if (fields.length < 6 || fields[0] !== 'arn') {
    throw new ReferenceParseError(`"${value}" is not an ARN: expected arn:<partition>:<service>:<region>:<account>:<resource>`, value);
  }
  const [, partition = '', service = '', region = '', account = ''] = fields;
  const resource = fields.slice(5).join(':');
  if (!PARTITION_PATTERN.test(partition)) {
    throw new ReferenceParseError(`"${value}" has partition "${partition}"; an AWS partition is "aws" or starts with "aws-" (e.g. aws-cn, aws-us-gov)`, value);
  }
  if (!SERVICE_PATTERN.test(service)) {
    throw new ReferenceParseError(`"${value}" has no valid service field (the third field of the ARN)`, value);
  }
  if (!REGION_PATTERN.test(region)) {
    throw new ReferenceParseError(`"${value}" has an invalid Region field "${region}"`, value);
  }
  if (!ACCOUNT_PATTERN.test(account)) {
    throw new ReferenceParseError(`"${value}" has an invalid account field "${account}": expected 12 digits`, value);
  }
  if (resource === '') {
    throw new ReferenceParseError(`"${value}" has an empty resource (the part after the account id)`, value);
  }
  return { partition, service, region, account, resource };
}

/**
 * {@link parseArn} for values that are not references (event fields, SDK answers, the Lambda's own ARN):
 * `undefined` instead of an error when `value` is absent or not a well-formed ARN.
 *
 * @example
 * safeParseArn('arn:aws:lambda:us-east-1:111122223333:function:x')?.account // → '111122223333'
 */
export function safeParseArn(value: string | undefined): ParsedArn | undefined {
  if (value === undefined || !looksLikeArn(value)) return undefined;
  try {
    return parseArn(value);
  } catch {
    return undefined;
  }
}

/**
 * What follows `prefix` in the ARN's resource (`secret:`, `parameter/`, `cluster/`, `service/`,
 * `task-definition/`, `job-definition/`), or `undefined` when `arn` is not an ARN of `service` with such a resource.
 *
 * @example
 * resourceId('arn:aws:ecs:us-east-1:111122223333:cluster/orders', 'ecs', 'cluster/') // → 'orders'
 */
export function resourceId(arn: string | undefined, service: string, prefix: string): string | undefined {
  const parsed = safeParseArn(arn);
  if (parsed?.service !== service || !parsed.resource.startsWith(prefix)) return undefined;
  const id = parsed.resource.slice(prefix.length);
  return id === '' ? undefined : id;
}

/**
 * An ECS service ARN in either of the formats ECS has used:
 * - long (`service/<cluster>/<name>`): every service created since the account opted in to the long ARN format
 *   (`serviceLongArnFormat`, the default for accounts created after 2021);
 * - short (`service/<name>`): services of accounts (or IAM principals) that never opted in. It does not name the
 *   cluster, and two services of the same name in different clusters share it, so the cluster must come from the
 *   context the ARN was read in (the cluster ListServices was asked about).
 */
export interface EcsServiceArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
  /** The cluster name, for a long ARN only. */
  readonly cluster?: string;
  readonly format: 'long' | 'short';
}

/**
 * Parses an ECS service ARN, long or short; `undefined` for anything else (another service, another resource
 * type, more than two path segments).
 *
 * @example
 * parseServiceArn('arn:aws:ecs:us-east-1:111122223333:service/orders/api') // → { cluster: 'orders', name: 'api', format: 'long', … }
 * parseServiceArn('arn:aws:ecs:us-east-1:111122223333:service/api')        // → { name: 'api', format: 'short', … }
 */
export function parseServiceArn(arn: string | undefined): EcsServiceArn | undefined {
  const parsed = safeParseArn(arn);
  const id = resourceId(arn, 'ecs', 'service/');
  if (!parsed || id === undefined) return undefined;
  const segments = id.split('/');
  const { partition, region, account } = parsed;
  if (segments.length === 1) return { partition, region, account, name: id, format: 'short' };
  const [cluster = '', name = ''] = segments;
  if (segments.length !== 2 || cluster === '' || name === '') return undefined;
  return { partition, region, account, name, cluster, format: 'long' };
}

/** True for a task definition *revision* ARN (`…:task-definition/<family>:<revision>`), which never changes. */
export function isTaskDefinitionRevisionArn(value: string): boolean {
  const parsed = safeParseArn(value);
  return parsed !== undefined && parsed.account !== '' && /^[^:]+:\d+$/.test(resourceId(value, 'ecs', 'task-definition/') ?? '');
}

/**
 * The canonical ARN of an SSM parameter: `arn:<partition>:ssm:<region>:<account>:parameter/<name without leading slash>`.
 * SSM treats `/a/b` and `a/b` as the same parameter and its ARN absorbs the leading slash, so ARNs are the one
 * spelling of a parameter that compares reliably.
 *
 * @example
 * parameterArn('aws', 'us-east-1', '111122223333', '/demo/orders/api-key');
 * // → 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/api-key'
 */
export function parameterArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:ssm:${region}:${account}:parameter/${name.replace(/^\/+/, '')}`;
}

/**
 * A Secrets Manager secret ARN from its fields; `secretId` is the name with or without the 6-character suffix
 * (a partial ARN without it).
 */
export function secretArn(partition: string, region: string, account: string, secretId: string): string {
  return `arn:${partition}:secretsmanager:${region}:${account}:secret:${secretId}`;
}

/** Region prefixes of the partitions other than `aws`, most specific first. From the AWS SDK's partitions.json. */
const PARTITION_BY_REGION_PREFIX: readonly (readonly [prefix: string, partition: string])[] = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-iso-', 'aws-iso'],
  ['us-isob-', 'aws-iso-b'],
  ['eu-isoe-', 'aws-iso-e'],
  ['us-isof-', 'aws-iso-f'],
  ['eusc-', 'aws-eusc'],
];

/**
 * The partition a Region belongs to. Used to build a `ReferenceContext` from a cluster's Region when only
 * the Region is known, so that a bare name in aws-cn or aws-us-gov resolves in the right partition.
 *
 * @example partitionOfRegion('cn-north-1') // → 'aws-cn'
 */
export function partitionOfRegion(region: string): string {
  for (const [prefix, partition] of PARTITION_BY_REGION_PREFIX) {
    if (region.startsWith(prefix)) return partition;
  }
  return 'aws';
}
