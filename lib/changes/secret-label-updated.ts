/**
 * Decisions for the native Secrets Manager `Secret Label Updated` event: the cleanest trigger, since
 * `labelUpdated: AWSCURRENT` means exactly "a new value became current", with the full ARN and the version id.
 */

import { AWSCURRENT } from '../references/secret-pin.js';
import type { EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { confirmSecretChange, ROTATION_LABELS } from './confirm-secret-change.js';
import { resourceArnOf } from './event-resource.js';
import { parseEvent } from './parse-event.js';
import { SecretLabelUpdatedEventSchema } from './schemas/secret-label-updated.js';
import type { Change, MetadataDirectory } from './types.js';

/**
 * Decide what a Secret Label Updated event means for consumers. AWSCURRENT and custom labels are confirmed
 * with one DescribeSecret call (see {@link confirmSecretChange}).
 *
 * @throws {EventParseError} when the event is not a well-formed Secret Label Updated event.
 */
export async function detectSecretLabelUpdated(event: unknown, directory: MetadataDirectory): Promise<Change> {
  const parsed = parseEvent(SecretLabelUpdatedEventSchema, event, 'Secret Label Updated event');
  const { name, labelUpdated, versionId } = parsed.detail;
  const eventArn = resourceArnOf(parsed, 'secretsmanager');
  const scope: EventScope = {
    kind: 'secret',
    region: parsed.region,
    account: parsed.account,
    time: parsed.time,
    origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated', eventId: parsed.id },
  };

  if (ROTATION_LABELS.has(labelUpdated)) {
    return buildChange(scope, {
      effect: 'none',
      reason: `${labelUpdated} moved to version ${versionId}: rotation bookkeeping, the current value did not change`,
      name,
      arn: eventArn,
      versionId,
    });
  }
  const isCurrent = labelUpdated === AWSCURRENT;
  return confirmSecretChange(
    {
      secretId: eventArn ?? name,
      eventArn,
      fallbackName: name,
      effect: isCurrent ? 'new-current-value' : 'label-moved',
      versionId,
      labels: [labelUpdated],
      reason: isCurrent
        ? `AWSCURRENT moved to version ${versionId} of secret ${name}`
        : `custom label ${labelUpdated} moved to version ${versionId}: only references pinned to that label change`,
    },
    scope,
    directory,
  );
}
