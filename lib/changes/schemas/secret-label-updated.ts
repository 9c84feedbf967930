/**
 * Native Secrets Manager `Secret Label Updated` event: sent when any staging label except AWSPENDING and
 * AWSPREVIOUS moves to a version. The full secret ARN is in `resources[0]`. No CloudTrail needed.
 */
import * as z from 'zod/mini';
import { EventBridgeSchema } from './eventbridge.js';
import { SecretNameSchema } from './names.js';

/** `detail` of a Secret Label Updated event. */
export const SecretLabelUpdatedDetailSchema = z.object({
  name: SecretNameSchema,
  labelUpdated: z.string().check(z.minLength(1)),
  versionId: z.string().check(z.minLength(1)),
});

/** A whole Secret Label Updated event: the Powertools EventBridge envelope with our `detail`. */
export const SecretLabelUpdatedEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('Secret Label Updated'),
  detail: SecretLabelUpdatedDetailSchema,
});

/** A validated Secret Label Updated event. */
export type SecretLabelUpdatedEvent = z.output<typeof SecretLabelUpdatedEventSchema>;
