/**
 * Secrets Manager API calls delivered by CloudTrail (`AWS API Call via CloudTrail`, source `aws.secretsmanager`).
 *
 * The record is validated in two steps: the common CloudTrail fields first (so a failed call can be ignored
 * before anything else is read), then the `requestParameters` of the one operation being decided. Only the
 * fields a decision needs are declared; zod strips the rest, so nothing else from the request is ever kept.
 * Secret values are never in CloudTrail (they are marked sensitive in the API model), and are never read here.
 */
import * as z from 'zod/mini';
import { EventBridgeSchema } from './eventbridge.js';
import { SecretIdSchema, SecretNameSchema } from './names.js';

/** JSON object of unknown members; CloudTrail writes `null` for absent request parameters and responses. */
const LooseObjectSchema = z.nullish(z.record(z.string(), z.unknown()));

/** The CloudTrail record fields common to every Secrets Manager API call. */
export const CloudTrailApiCallDetailSchema = z.object({
  eventName: z.string().check(z.minLength(1)),
  awsRegion: z.optional(z.string().check(z.minLength(1))),
  recipientAccountId: z.optional(z.string().check(z.minLength(1))),
  /** Set when the call failed; then nothing changed. */
  errorCode: z.nullish(z.string()),
  requestParameters: LooseObjectSchema,
  /** Holds the full secret ARN as `arn` (or `aRN` before February 2024). */
  responseElements: LooseObjectSchema,
});

/** A whole Secrets Manager CloudTrail API-call event: the Powertools EventBridge envelope with our `detail`. */
export const CloudTrailApiCallEventSchema = z.extend(EventBridgeSchema, {
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  detail: CloudTrailApiCallDetailSchema,
});

/** A validated Secrets Manager CloudTrail API-call event. */
export type CloudTrailApiCallEvent = z.output<typeof CloudTrailApiCallEventSchema>;

/** `PutSecretValue` request: `clientRequestToken` becomes the new version id. */
export const PutSecretValueParametersSchema = z.object({
  secretId: SecretIdSchema,
  clientRequestToken: z.optional(z.string().check(z.minLength(1))),
  versionStages: z.optional(z.array(z.string().check(z.minLength(1)))),
});

/** `UpdateSecret` request: `clientRequestToken` is the new version id *if* the call carried a value. */
export const UpdateSecretParametersSchema = z.object({
  secretId: SecretIdSchema,
  clientRequestToken: z.optional(z.string().check(z.minLength(1))),
});

/** `UpdateSecretVersionStage` request: moves `versionStage` to `moveToVersionId`. */
export const UpdateSecretVersionStageParametersSchema = z.object({
  secretId: SecretIdSchema,
  versionStage: z.string().check(z.minLength(1)),
  moveToVersionId: z.optional(z.string().check(z.minLength(1))),
  removeFromVersionId: z.optional(z.string().check(z.minLength(1))),
});

/** `CreateSecret` request: the secret is named by `name`, not `secretId`. */
export const CreateSecretParametersSchema = z.object({
  name: SecretNameSchema,
  clientRequestToken: z.optional(z.string().check(z.minLength(1))),
});

/** `DeleteSecret`, `RestoreSecret`, `RotateSecret` and other calls that only name the secret. */
export const SecretIdParametersSchema = z.object({
  secretId: SecretIdSchema,
});
