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
  'NoSuchBucket',
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

/**
 * Why AWS could not be asked at all, as opposed to an answer (denied, throttled, not found): `no-credentials`
 * (the SDK's credential chain found none) or `unreachable` (the endpoint did not answer: refused, unknown host,
 * timed out, network down). Either means nothing the run reports about AWS can be trusted, so the CLI gives it its
 * own message and exit code (3) instead of reporting failed targets.
 */
export type AwsAccessProblem = 'no-credentials' | 'unreachable';

/** Network error codes (Node's `error.code`) meaning the endpoint could not be reached. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
]);

/**
 * Classifies an error thrown by an SDK call as an {@link AwsAccessProblem}, or `undefined` when AWS answered (or it
 * is no SDK error at all). An HTTP status means the endpoint answered, whatever the error.
 *
 * @example
 * awsAccessProblem(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })) // → 'unreachable'
 */
export function awsAccessProblem(error: unknown): AwsAccessProblem | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError') return 'no-credentials';
  if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return 'unreachable';
  // The SDK's own connection and socket timeouts (NodeHttpHandler): no answer within the limit.
  if (error.name === 'TimeoutError') return 'unreachable';
  return undefined;
}
