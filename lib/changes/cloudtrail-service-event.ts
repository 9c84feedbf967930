/**
 * Decisions for Secrets Manager service events delivered by CloudTrail (`AWS Service Event via CloudTrail`).
 *
 * `RotationSucceeded` is the end of a rotation, but it carries no version id: the version that became current
 * is read from DescribeSecret, so this event deduplicates with the UpdateSecretVersionStage and
 * Secret Label Updated events of the same rotation. A failed rotation did not move AWSCURRENT.
 */

import { looksLikeArn } from '../arn/arn.js';
import { AWSCURRENT } from '../references/secret-pin.js';
import type { EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { confirmSecretChange } from './confirm-secret-change.js';
import { parseEvent } from './parse-event.js';
import { CloudTrailServiceEventSchema, RotationEventDataSchema } from './schemas/cloudtrail-service-event.js';
import { fallbackSecretName } from './secret-identity.js';
import type { Change, MetadataDirectory } from './types.js';

/**
 * Decide what a Secrets Manager CloudTrail service event means for consumers.
 *
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
      const { SecretId: arn } = parseEvent(RotationEventDataSchema, detail.additionalEventData, 'RotationSucceeded event detail.additionalEventData');
      return confirmSecretChange(
        {
          secretId: arn,
          eventArn: arn,
          fallbackName: fallbackSecretName(arn, true),
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
      const { SecretId: arn } = parseEvent(RotationEventDataSchema, detail.additionalEventData, `${eventName} event detail.additionalEventData`);
      const name = fallbackSecretName(arn, true);
      const warning = `rotation ${eventName === 'RotationFailed' ? 'failed' : 'abandoned'} for secret ${name}: AWSCURRENT did not move; Secrets Manager retries and a later success will trigger`;
      return buildChange(scope, { effect: 'none', reason: warning, name, arn, warnings: [warning] });
    }
    default: {
      const arn = detail.additionalEventData?.SecretId;
      return buildChange(scope, {
        effect: 'none',
        reason: `${eventName} does not move AWSCURRENT`,
        name: arn === undefined ? '' : fallbackSecretName(arn, looksLikeArn(arn)),
        arn: arn !== undefined && looksLikeArn(arn) ? arn : undefined,
      });
    }
  }
}
