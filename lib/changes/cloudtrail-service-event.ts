/**
 * Decisions for Secrets Manager service events delivered by CloudTrail (`AWS Service Event via CloudTrail`).
 *
 * `RotationSucceeded` is the end of a rotation, but it carries no version id: the version that became current
 * is read from DescribeSecret, so this event deduplicates with the UpdateSecretVersionStage and
 * Secret Label Updated events of the same rotation. A failed or abandoned rotation did not move AWSCURRENT.
 */

import { looksLikeArn } from '../arn/arn.js';
import { EventParseError } from '../errors.js';
import { AWSCURRENT } from '../references/secret-pin.js';
import type { EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { confirmSecretChange } from './confirm-secret-change.js';
import { parseEvent } from './parse-event.js';
import { type CloudTrailServiceEvent, CloudTrailServiceEventSchema, RotationSecretIdSchema } from './schemas/cloudtrail-service-event.js';
import { fallbackSecretName, refuseForeignSecret } from './secret-identity.js';
import type { Change, MetadataDirectory } from './types.js';

/** Where a service event may name its secret, in the order they are read. */
const SECRET_ID_PLACES = ['additionalEventData', 'serviceEventDetails', 'requestParameters'] as const;

/** The secret a service event names, where it was found, and whether it is known to be the full ARN. */
interface NamedSecret {
  readonly id: string;
  readonly where: string;
  /** AWS documents `additionalEventData.SecretId` as the full ARN; elsewhere an ARN may be partial. */
  readonly fullArn: boolean;
}

/**
 * The secret id of a service event: `additionalEventData.SecretId` (AWS's documented shape), else a `secretId`
 * member (any casing) of `serviceEventDetails` or `requestParameters`, where shapes reported for managed rotation
 * put it. Undefined when no place names one.
 *
 * @throws {EventParseError} when the id found is not a secret name or secret ARN.
 */
function namedSecret(detail: CloudTrailServiceEvent['detail']): NamedSecret | undefined {
  for (const place of SECRET_ID_PLACES) {
    const members = detail[place];
    const entry = Object.entries(members ?? {}).find(([key, value]) => key.toLowerCase() === 'secretid' && value !== null && value !== undefined);
    if (entry === undefined) continue;
    const where = `${detail.eventName} event detail.${place}.${entry[0]}`;
    const id = parseEvent(RotationSecretIdSchema, entry[1], where);
    return { id, where, fullArn: place === 'additionalEventData' && looksLikeArn(id) };
  }
  return undefined;
}

/** Like {@link namedSecret}, for events that cannot be decided without their secret. */
function requiredSecret(detail: CloudTrailServiceEvent['detail']): NamedSecret {
  const secret = namedSecret(detail);
  if (secret === undefined) {
    throw new EventParseError(
      `${detail.eventName} event names no secret: expected detail.additionalEventData.SecretId ` +
        '(or a secretId in detail.serviceEventDetails or detail.requestParameters)',
    );
  }
  return secret;
}

/**
 * Decide what a Secrets Manager CloudTrail service event means for consumers.
 *
 * @throws {ForeignAccountError} when the event names (by ARN) a secret of another account, before any AWS call.
 * @throws {EventParseError} when the record is malformed, or a rotation event does not name its secret.
 */
export async function detectCloudTrailServiceEvent(event: unknown, directory: MetadataDirectory): Promise<Change> {
  const parsed = parseEvent(CloudTrailServiceEventSchema, event, 'Secrets Manager AWS Service Event via CloudTrail event');
  const { detail } = parsed;
  const { eventName } = detail;
  const scope: EventScope = {
    kind: 'secret',
    region: detail.awsRegion ?? parsed.region,
    account: detail.recipientAccountId ?? parsed.account,
    time: parsed.time,
    origin: { channel: 'cloudtrail-service-event', eventName, eventId: parsed.id },
  };

  switch (eventName) {
    case 'RotationSucceeded': {
      const secret = requiredSecret(detail);
      refuseForeignSecret(secret.id, scope.account, secret.where);
      return confirmSecretChange(
        {
          // A name or partial ARN (managed rotation shapes) is resolved by DescribeSecret like a full ARN.
          secretId: secret.id,
          eventArn: secret.fullArn ? secret.id : undefined,
          fallbackName: fallbackSecretName(secret.id, secret.fullArn),
          effect: 'new-current-value',
          labels: [AWSCURRENT],
          reason: 'rotation succeeded: the version now carrying AWSCURRENT (read from DescribeSecret) is the new value',
        },
        scope,
        directory,
      );
    }
    case 'RotationFailed':
    case 'RotationAbandoned': {
      const secret = requiredSecret(detail);
      refuseForeignSecret(secret.id, scope.account, secret.where);
      const name = fallbackSecretName(secret.id, secret.fullArn);
      const warning =
        eventName === 'RotationFailed'
          ? `rotation failed for secret ${name}: AWSCURRENT did not move; Secrets Manager retries and a later success will trigger`
          : // "Secrets Manager removed the AWSPENDING label from an existing version … When you manually create a new
            // version of a secret, you send a message signalling the abandonment of the current ongoing rotation."
            `rotation abandoned for secret ${name}: a new version was created during the rotation, so Secrets Manager removed AWSPENDING; the rotation moved nothing (the new version's own event, e.g. PutSecretValue or Secret Label Updated, triggers the refresh)`;
      return buildChange(scope, { effect: 'none', reason: warning, name, arn: secret.fullArn ? secret.id : undefined, warnings: [warning] });
    }
    default: {
      const secret = namedSecret(detail);
      refuseForeignSecret(secret?.id, scope.account, secret?.where ?? eventName);
      return buildChange(scope, {
        effect: 'none',
        reason: `${eventName} does not move AWSCURRENT`,
        name: secret === undefined ? '' : fallbackSecretName(secret.id, secret.fullArn),
        arn: secret?.fullArn === true ? secret.id : undefined,
      });
    }
  }
}
