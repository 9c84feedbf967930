/**
 * Decisions for the native SSM `Parameter Store Policy Action` event.
 *
 * An `Expiration` policy deletes the parameter, which breaks new task starts exactly like a Delete; the two
 * notification policies (`ExpirationNotification`, `NoChangeNotification`) change nothing.
 */

import { parameterArn } from '../arn/arn.js';
import type { EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { resourceArnOf } from './event-resource.js';
import { parseEvent } from './parse-event.js';
import { partitionOfRegion } from './partition.js';
import { ParameterStorePolicyActionEventSchema } from './schemas/parameter-store-policy-action.js';
import type { Change } from './types.js';

/**
 * Decide what a Parameter Store Policy Action event means for consumers. Makes no AWS call.
 *
 * @throws {EventParseError} when the event is not a well-formed Parameter Store Policy Action.
 */
export function detectParameterStorePolicyAction(event: unknown): Change {
  const parsed = parseEvent(ParameterStorePolicyActionEventSchema, event, 'Parameter Store Policy Action event');
  const policyType = parsed.detail['policy-type'];
  const name = parsed.detail['parameter-name'];
  const scope: EventScope = {
    kind: 'parameter',
    region: parsed.region,
    account: parsed.account,
    time: parsed.time,
    origin: { channel: 'ssm-native', eventName: policyType, eventId: parsed.id },
  };
  const arn = resourceArnOf(parsed, 'ssm') ?? parameterArn(partitionOfRegion(parsed.region), parsed.region, parsed.account, name);

  if (policyType === 'Expiration') {
    const warning = `parameter ${name} expired and was deleted by its Expiration policy: new tasks that reference it will fail to start (InvalidParameters)`;
    return buildChange(scope, { effect: 'deleted', reason: warning, name, arn, warnings: [warning] });
  }
  return buildChange(scope, {
    effect: 'none',
    reason: `policy ${policyType} on parameter ${name} is a notification: the value did not change`,
    name,
    arn,
  });
}
