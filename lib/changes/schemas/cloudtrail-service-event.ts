/**
 * Secrets Manager service events delivered by CloudTrail (`AWS Service Event via CloudTrail`): rotation outcomes,
 * version deletion, replication. AWS's documented sample carries the full secret ARN in
 * `additionalEventData.SecretId` and no version id; other shapes (reported for managed rotation, e.g. the RDS
 * master user secrets `rds!db-…`) carry the secret id in `serviceEventDetails` or `requestParameters` instead.
 */
import * as z from 'zod/mini';
import { EventBridgeSchema } from './eventbridge.js';
import { SecretIdSchema } from './names.js';

/** JSON object of unknown members; CloudTrail writes `null` for absent ones. */
const LooseObjectSchema = z.nullish(z.record(z.string(), z.unknown()));

/** The CloudTrail record fields of a Secrets Manager service event. */
export const CloudTrailServiceEventDetailSchema = z.object({
  eventName: z.string().check(z.minLength(1)),
  awsRegion: z.optional(z.string().check(z.minLength(1))),
  recipientAccountId: z.optional(z.string().check(z.minLength(1))),
  additionalEventData: LooseObjectSchema,
  serviceEventDetails: LooseObjectSchema,
  requestParameters: LooseObjectSchema,
});

/** A whole Secrets Manager CloudTrail service event: the Powertools EventBridge envelope with our `detail`. */
export const CloudTrailServiceEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('AWS Service Event via CloudTrail'),
  detail: CloudTrailServiceEventDetailSchema,
});

/** A validated Secrets Manager CloudTrail service event. */
export type CloudTrailServiceEvent = z.output<typeof CloudTrailServiceEventSchema>;

/** The secret id a rotation event names: a secret ARN (full or partial) or a name. */
export const RotationSecretIdSchema = SecretIdSchema;
