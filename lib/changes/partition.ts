import { partitionOfRegion, safeParseArn } from '../arn/arn.js';

/**
 * The AWS partition of a change. ARNs built by secret-refresh (parameter ARNs) and compared against task
 * definition references must carry the right partition, or nothing in China or GovCloud would ever match.
 */

/**
 * Partition of a change: the ARN's own partition field when there is an ARN (it is authoritative, and covers
 * partitions this code does not know), else the Region's.
 *
 * @example
 * partitionOf('arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:db-Ab12Cd', 'us-gov-west-1'); // → 'aws-us-gov'
 */
export function partitionOf(arn: string | undefined, region: string): string {
  return safeParseArn(arn)?.partition ?? partitionOfRegion(region);
}

export { partitionOfRegion };
