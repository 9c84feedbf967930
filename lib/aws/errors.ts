/**
 * What kind of failure an AWS error is, decided once for every service: `throttled` (slow down and retry),
 * `denied` (a permission or credential problem: retrying will not help), `not-found` (the resource does not
 * exist, or not any more) or `other`. The SDK models these differently per service (ECS has no modelled
 * ThrottlingException, SSM answers a missing parameter's tags with InvalidResourceId), so callers never compare
 * error names themselves.
 */
export type AwsErrorKind = 'throttled' | 'denied' | 'not-found' | 'other';

const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
  'CredentialsProviderError',
]);
const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'NotFoundException',
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  // UpdateService on a DRAINING / INACTIVE service (deleted, or being deleted): for acting on it, it is gone.
  'ServiceNotActiveException',
  'ParameterNotFound',
  'InvalidResourceId',
  'ImageNotFoundException',
  'RepositoryNotFoundException',
]);

/**
 * Classifies an error thrown by an SDK call (or anything else: then `other`).
 *
 * @example
 * awsErrorKind(await describe().catch((error) => error)) === 'throttled'
 */
export function awsErrorKind(error: unknown): AwsErrorKind {
  if (!(error instanceof Error)) return 'other';
  if (THROTTLED.has(error.name)) return 'throttled';
  if (DENIED.has(error.name)) return 'denied';
  if (NOT_FOUND.has(error.name)) return 'not-found';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (status === 403) return 'denied';
  return 'other';
}
