/**
 * Generic ARN parsing, shared by secret and parameter references.
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
const PARTITION_PATTERN = /^aws(-[a-z0-9]+)*$/;
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
    throw new ReferenceParseError(
      `"${value}" is not an ARN: expected arn:<partition>:<service>:<region>:<account>:<resource>`,
      value,
    );
  }
  const [, partition = '', service = '', region = '', account = ''] = fields;
  const resource = fields.slice(5).join(':');
  if (!PARTITION_PATTERN.test(partition)) {
    throw new ReferenceParseError(
      `"${value}" has partition "${partition}"; an AWS partition is "aws" or starts with "aws-" (e.g. aws-cn, aws-us-gov)`,
      value,
    );
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
