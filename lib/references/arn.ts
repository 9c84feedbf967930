/**
 * ARN parsing moved to `lib/arn/` (one ARN vocabulary for every step); re-exported here so that
 * `lib/references` and its importers keep their paths.
 */
export { looksLikeArn, type ParsedArn, parseArn, partitionOfRegion } from '../arn/arn.js';
