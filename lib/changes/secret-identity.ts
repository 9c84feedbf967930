/**
 * How a Secrets Manager event names its secret, and what can be read from that name without calling AWS.
 *
 * Why: CloudTrail records name the secret in several ways (`responseElements.arn`, the legacy `aRN` key, a
 * `secretId` that is a name, partial ARN or full ARN). The canonical id is the *full* ARN; anything else must
 * be resolved with DescribeSecret.
 */

import { looksLikeArn, resourceId } from '../arn/arn.js';
import { ForeignAccountError } from '../errors.js';

/** Secrets Manager appends `-` and six random characters to a secret's name to form its full ARN. */
const FULL_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * The full secret ARN from a CloudTrail `responseElements`, read case-insensitively: before February 2024 some
 * operations logged `aRN` instead of `arn`.
 *
 * @example
 * responseArn({ aRN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-Ab12Cd' }); // → that ARN
 */
export function responseArn(responseElements: Readonly<Record<string, unknown>> | null | undefined): string | undefined {
  if (responseElements === null || responseElements === undefined) {
    return undefined;
  }
  for (const [key, value] of Object.entries(responseElements)) {
    if (key.toLowerCase() === 'arn' && typeof value === 'string' && looksLikeArn(value)) {
      return value;
    }
  }
  return undefined;
}

/**
 * A best-effort secret name for a change that does not redeploy (effect `none` or `deleted`) and so made no
 * DescribeSecret call. A name given by the event or by DescribeSecret always wins over this.
 *
 * - a name is returned as is;
 * - a full ARN (known to be full, e.g. `responseElements.arn`) loses its `-XXXXXX` suffix, which is exact;
 * - any other ARN (a `secretId` may be partial) keeps its resource as is.
 *
 * @example
 * fallbackSecretName('arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/db-Ab12Cd', true); // → 'demo/db'
 */
export function fallbackSecretName(secretId: string, isFullArn: boolean): string {
  const resource = resourceId(secretId, 'secretsmanager', 'secret:');
  if (resource === undefined) {
    return secretId;
  }
  return isFullArn ? resource.replace(FULL_ARN_SUFFIX, '') : resource;
}

/**
 * Refuse a CloudTrail event that names a secret of another account, before anything is looked up for it.
 *
 * Why: CloudTrail records a cross-account call in the caller's account too, so `recipientAccountId` can be ours
 * while the secret (`responseElements.arn`, a `secretId` ARN, `additionalEventData.SecretId`) belongs to another
 * account. Decided in this account, the change would carry *this* account and the secret's *name*, and would be
 * matched against this account's same-named secret. The native channel refuses events of another account with
 * {@link ForeignAccountError}; a CloudTrail event naming a foreign secret is refused the same way. A name (not an
 * ARN) resolves in the event's own account and passes.
 *
 * @param where - which field named the secret, for the message (`responseElements.arn`).
 * @throws {ForeignAccountError} naming both accounts.
 * @example
 * refuseForeignSecret('arn:aws:secretsmanager:us-east-1:444455556666:secret:db-Ab12Cd', '111122223333', 'requestParameters.secretId');
 * // throws ForeignAccountError
 */
export function refuseForeignSecret(secretId: string | undefined, account: string, where: string): void {
  if (secretId === undefined || !secretId.startsWith('arn:')) return;
  const owner = secretId.split(':')[4];
  if (owner !== undefined && owner !== '' && owner !== account) {
    throw new ForeignAccountError(
      `${where} names secret ${secretId.slice(0, 300)} of account ${owner}, but the event was recorded for account ${account}: ` +
        `secret-refresh never matches a foreign secret against this account's secrets; deploy secret-refresh in account ${owner} to refresh its readers there`,
    );
  }
}
