/**
 * Secrets Manager service events delivered by CloudTrail (`AWS Service Event via CloudTrail`): rotation outcomes,
 * version deletion, replication. They carry the full secret ARN in `additionalEventData.SecretId` and no version id.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';

/** The CloudTrail record fields of a Secrets Manager service event. */
export const CloudTrailServiceEventDetailSchema = z.object({
  eventName: z.string().min(1),
  awsRegion: z.string().min(1).optional(),
  recipientAccountId: z.string().min(1).optional(),
  additionalEventData: z.object({ SecretId: z.string().min(1).optional() }).nullish(),
});

/** A whole Secrets Manager CloudTrail service event: the Powertools EventBridge envelope with our `detail`. */
export const CloudTrailServiceEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  detail: CloudTrailServiceEventDetailSchema,
});

/** A validated Secrets Manager CloudTrail service event. */
export type CloudTrailServiceEvent = z.output<typeof CloudTrailServiceEventSchema>;

/**
 * Rotation service events must name the secret: without `additionalEventData.SecretId` there is nothing to decide on.
 */
export const RotationEventDataSchema = z.object({
  SecretId: z.string().startsWith('arn:', 'must be the secret ARN'),
});
