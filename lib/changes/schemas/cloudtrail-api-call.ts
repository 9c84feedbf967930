/**
 * Secrets Manager API calls delivered by CloudTrail (`AWS API Call via CloudTrail`, source `aws.secretsmanager`).
 *
 * The record is validated in two steps: the common CloudTrail fields first (so a failed call can be ignored
 * before anything else is read), then the `requestParameters` of the one operation being decided. Only the
 * fields a decision needs are declared; zod strips the rest, so nothing else from the request is ever kept.
 * Secret values are never in CloudTrail (they are marked sensitive in the API model), and are never read here.
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
import { SecretIdSchema, SecretNameSchema } from './names.js';

/** JSON object of unknown members; CloudTrail writes `null` for absent request parameters and responses. */
const LooseObjectSchema = z.record(z.string(), z.unknown()).nullish();

/** The CloudTrail record fields common to every Secrets Manager API call. */
export const CloudTrailApiCallDetailSchema = z.object({
  eventName: z.string().min(1),
  awsRegion: z.string().min(1).optional(),
  recipientAccountId: z.string().min(1).optional(),
  /** Set when the call failed; then nothing changed. */
  errorCode: z.string().nullish(),
  requestParameters: LooseObjectSchema,
  /** Holds the full secret ARN as `arn` (or `aRN` before February 2024). */
  responseElements: LooseObjectSchema,
});

/** A whole Secrets Manager CloudTrail API-call event: the Powertools EventBridge envelope with our `detail`. */
export const CloudTrailApiCallEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: CloudTrailApiCallDetailSchema,
});

/** A validated Secrets Manager CloudTrail API-call event. */
export type CloudTrailApiCallEvent = z.output<typeof CloudTrailApiCallEventSchema>;

/** `PutSecretValue` request: `clientRequestToken` becomes the new version id. */
export const PutSecretValueParametersSchema = z.object({
  secretId: SecretIdSchema,
  clientRequestToken: z.string().min(1).optional(),
  versionStages: z.array(z.string().min(1)).optional(),
});

/** `UpdateSecret` request: `clientRequestToken` is the new version id *if* the call carried a value. */
export const UpdateSecretParametersSchema = z.object({
  secretId: SecretIdSchema,
  clientRequestToken: z.string().min(1).optional(),
});

/** `UpdateSecretVersionStage` request: moves `versionStage` to `moveToVersionId`. */
export const UpdateSecretVersionStageParametersSchema = z.object({
  secretId: SecretIdSchema,
  versionStage: z.string().min(1),
  moveToVersionId: z.string().min(1).optional(),
  removeFromVersionId: z.string().min(1).optional(),
});

/** `CreateSecret` request: the secret is named by `name`, not `secretId`. */
export const CreateSecretParametersSchema = z.object({
  name: SecretNameSchema,
  clientRequestToken: z.string().min(1).optional(),
});

/** `DeleteSecret`, `RestoreSecret`, `RotateSecret` and other calls that only name the secret. */
export const SecretIdParametersSchema = z.object({
  secretId: SecretIdSchema,
});
