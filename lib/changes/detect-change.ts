/**
 * The Change step's entry point: turn any supported EventBridge event into one {@link Change}.
 *
 * Why a dispatch table on `source` + `detail-type`: those two fields identify the `detail` schema, and each
 * channel has its own rules (see ../shared/aws-reference/events/README.md), kept in one small module each.
 */
import * as z from 'zod/mini';
import { EventParseError } from '../errors.js';
import { detectCloudTrailApiCall } from './cloudtrail-api-call.js';
import { detectCloudTrailServiceEvent } from './cloudtrail-service-event.js';
import { detectParameterStoreChange } from './parameter-store-change.js';
import { detectParameterStorePolicyAction } from './parameter-store-policy-action.js';
import { parseEvent } from './parse-event.js';
import { EventBridgeSchema } from './schemas/eventbridge.js';
import { detectSecretLabelUpdated } from './secret-label-updated.js';
import type { Change, MetadataDirectory } from './types.js';

type ChannelDetector = (event: unknown, directory: MetadataDirectory) => Change | Promise<Change>;

/** `source` → `detail-type` → detector. A Map, so that odd keys like `constructor` never match. */
const DETECTORS: ReadonlyMap<string, ReadonlyMap<string, ChannelDetector>> = new Map([
  [
    'aws.ssm',
    new Map<string, ChannelDetector>([
      ['Parameter Store Change', detectParameterStoreChange],
      ['Parameter Store Policy Action', detectParameterStorePolicyAction],
    ]),
  ],
  [
    'aws.secretsmanager',
    new Map<string, ChannelDetector>([
      ['Secret Label Updated', detectSecretLabelUpdated],
      ['AWS API Call via CloudTrail', detectCloudTrailApiCall],
      ['AWS Service Event via CloudTrail', detectCloudTrailServiceEvent],
    ]),
  ],
]);

/**
 * The envelope without `detail`: enough to dispatch. Each channel validates `detail` with its own schema, so a
 * missing or wrong `detail` is reported in that channel's words.
 */
const DispatchEnvelopeSchema = z.omit(EventBridgeSchema, { detail: true });

const SUPPORTED = [...DETECTORS].flatMap(([source, detailTypes]) => [...detailTypes.keys()].map((detailType) => `${source} "${detailType}"`)).join(', ');

/**
 * @internal The event half of `detectChange` (lib/changes/index.ts).
 *
 * Decide what an EventBridge event means for the ECS services and Batch jobs that read secrets and parameters.
 * Calls DescribeSecret or DescribeParameters (through `directory`) at most once, and only when the decision
 * depends on the current state (version ids, whether a version is still current).
 *
 * @throws {EventParseError} when `event` is not an EventBridge event object, is not a secret or parameter change
 *   event (another source or detail-type), or its `detail` has the wrong shape; `cause` is the zod error.
 * @example
 * const change = await detectEventChange(event, directory);
 * if (change.effect === 'new-current-value') { ... }
 */
export async function detectEventChange(event: unknown, directory: MetadataDirectory): Promise<Change> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    const result = EventBridgeSchema.safeParse(event);
    const got = event === null || event === undefined ? String(event) : Array.isArray(event) ? 'an array' : `a ${typeof event}`;
    throw new EventParseError(`event must be an EventBridge event object, got ${got}`, {
      cause: result.success ? undefined : result.error,
    });
  }
  const envelope = parseEvent(DispatchEnvelopeSchema, event, 'EventBridge event');
  const detector = DETECTORS.get(envelope.source)?.get(envelope['detail-type']);
  if (detector === undefined) {
    throw new EventParseError(
      `not a secret or parameter change event: source "${envelope.source}" with detail-type "${envelope['detail-type']}" (supported: ${SUPPORTED})`,
    );
  }
  return detector(event, directory);
}
