/**
 * Decisions for the native SSM `Parameter Store Change` event.
 *
 * ECS and Batch always read a parameter's *latest* version, so Create and Update are new current values,
 * Delete breaks new task starts (warn, never redeploy), and a label move changes nothing they read.
 */

import { parameterArn } from '../arn/arn.js';
import type { EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { resourceArnOf } from './event-resource.js';
import { parseEvent } from './parse-event.js';
import { partitionOfRegion } from './partition.js';
import { ParameterStoreChangeEventSchema } from './schemas/parameter-store-change.js';
import type { Change, MetadataDirectory } from './types.js';

/**
 * Decide what a Parameter Store Change event means for consumers.
 * Create/Update call DescribeParameters once for the version number (and its `LastModifiedDate`) that keys
 * deduplication; the version then comes from metadata, so the change is current since the later of the event's
 * time and that date.
 *
 * @throws {EventParseError} when the event is not a well-formed Parameter Store Change.
 */
export async function detectParameterStoreChange(event: unknown, directory: MetadataDirectory): Promise<Change> {
  const parsed = parseEvent(ParameterStoreChangeEventSchema, event, 'Parameter Store Change event');
  const { operation, name, exception } = parsed.detail;
  const scope: EventScope = {
    kind: 'parameter',
    region: parsed.region,
    account: parsed.account,
    time: parsed.time,
    origin: { channel: 'ssm-native', eventName: operation, eventId: parsed.id },
  };
  const arn = resourceArnOf(parsed, 'ssm') ?? parameterArn(partitionOfRegion(parsed.region), parsed.region, parsed.account, name);

  if (exception !== undefined) {
    return buildChange(scope, {
      effect: 'none',
      reason: `${operation} of parameter ${name} failed (${exception}): the value did not change`,
      name,
      arn,
    });
  }
  switch (operation) {
    case 'Create':
    case 'Update': {
      const parameter = await directory.describeParameter(name, parsed.region);
      if (parameter === undefined) {
        return buildChange(scope, {
          effect: 'none',
          reason: `parameter ${name} no longer exists: it was deleted after this ${operation}`,
          name,
          arn,
        });
      }
      // The version comes from DescribeParameters, not from the event: a late event resolves to a later version,
      // which became current at its LastModifiedDate, after the event's time.
      return buildChange(scope, {
        effect: 'new-current-value',
        reason: `${operation} made version ${parameter.version} of parameter ${name} the latest, which ECS and Batch read`,
        name,
        arn,
        versionId: String(parameter.version),
        metadataChangedAt: parameter.lastModifiedDate,
        versionDate: parameter.lastModifiedDate,
      });
    }
    case 'Delete': {
      const warning = `parameter ${name} was deleted: new tasks that reference it will fail to start (InvalidParameters)`;
      return buildChange(scope, { effect: 'deleted', reason: warning, name, arn, warnings: [warning] });
    }
    case 'LabelParameterVersion':
      return buildChange(scope, {
        effect: 'none',
        reason: `label change on parameter ${name}: ECS and Batch always read the latest version`,
        name,
        arn,
      });
    default:
      return buildChange(scope, {
        effect: 'none',
        reason: `operation ${operation} on parameter ${name} is not known to change its latest version`,
        name,
        arn,
      });
  }
}
