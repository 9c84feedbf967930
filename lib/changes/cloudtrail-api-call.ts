/**
 * Decisions for Secrets Manager API calls delivered by CloudTrail (`AWS API Call via CloudTrail`).
 *
 * This is the fallback channel: it needs a trail, and its records must be read carefully (failed calls are
 * delivered too, `secretId` may be a name or a partial ARN, and a version id in a request is only a claim).
 * Every would-be redeploy is confirmed with one DescribeSecret call ({@link confirmSecretChange}).
 * Only the few request fields a decision needs are read; `requestParameters` is never copied into the Change.
 */
import type * as z from 'zod/mini';
import { AWSCURRENT } from '../references/secret-pin.js';
import type { ChangeDecision, EventScope } from './build-change.js';
import { buildChange } from './build-change.js';
import { confirmSecretChange, ROTATION_LABELS } from './confirm-secret-change.js';
import { parseEvent } from './parse-event.js';
import {
  CloudTrailApiCallEventSchema,
  CreateSecretParametersSchema,
  PutSecretValueParametersSchema,
  SecretIdParametersSchema,
  UpdateSecretParametersSchema,
  UpdateSecretVersionStageParametersSchema,
} from './schemas/cloudtrail-api-call.js';
import { fallbackSecretName, refuseForeignSecret, responseArn } from './secret-identity.js';
import type { Change, MetadataDirectory } from './types.js';

/** What every per-operation decision needs from the record. */
interface ApiCall {
  readonly eventName: string;
  readonly scope: EventScope;
  /** Full ARN from `responseElements`, when logged. */
  readonly arn: string | undefined;
  /** Best-effort name for decisions that make no DescribeSecret call. */
  readonly fallbackName: string;
  readonly requestParameters: unknown;
  readonly directory: MetadataDirectory;
}

function stringMember(record: Readonly<Record<string, unknown>> | null | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parametersOf<Schema extends z.ZodMiniType>(call: ApiCall, schema: Schema): z.output<Schema> {
  return parseEvent(schema, call.requestParameters, `${call.eventName} event detail.requestParameters`);
}

function ignore(call: ApiCall, reason: string, extra: Partial<ChangeDecision> = {}): Change {
  return buildChange(call.scope, { effect: 'none', reason, name: call.fallbackName, arn: call.arn, ...extra });
}

function versionLabel(versionId: string | undefined): string {
  return versionId === undefined ? 'a new version' : `version ${versionId}`;
}

async function putSecretValue(call: ApiCall): Promise<Change> {
  const { secretId, clientRequestToken, versionStages = [] } = parametersOf(call, PutSecretValueParametersSchema);
  const version = versionLabel(clientRequestToken);
  const claim = { secretId: call.arn ?? secretId, eventArn: call.arn, fallbackName: call.fallbackName, versionId: clientRequestToken };
  if (versionStages.length === 0 || versionStages.includes(AWSCURRENT)) {
    const others = versionStages.filter((stage) => stage !== AWSCURRENT && !ROTATION_LABELS.has(stage));
    return confirmSecretChange(
      {
        ...claim,
        effect: 'new-current-value',
        labels: [AWSCURRENT, ...others],
        reason:
          versionStages.length === 0
            ? `PutSecretValue without VersionStages moved AWSCURRENT to ${version}`
            : `PutSecretValue staged ${version} as ${versionStages.join(', ')}`,
      },
      call.scope,
      call.directory,
    );
  }
  const custom = versionStages.filter((stage) => !ROTATION_LABELS.has(stage));
  if (custom.length > 0) {
    return confirmSecretChange(
      {
        ...claim,
        effect: 'label-moved',
        labels: custom,
        reason: `PutSecretValue staged ${version} as ${custom.join(', ')}: only references pinned to ${custom.length > 1 ? 'those labels' : 'that label'} change`,
      },
      call.scope,
      call.directory,
    );
  }
  return ignore(
    call,
    `PutSecretValue staged ${version} as ${versionStages.join(', ')}: not current yet (rotation createSecret step), a redeploy now would read the old value`,
    { versionId: clientRequestToken },
  );
}

async function updateSecret(call: ApiCall): Promise<Change> {
  const { secretId, clientRequestToken } = parametersOf(call, UpdateSecretParametersSchema);
  if (clientRequestToken === undefined) {
    return ignore(call, 'UpdateSecret without clientRequestToken: no version id to confirm a new value with');
  }
  return confirmSecretChange(
    {
      secretId: call.arn ?? secretId,
      eventArn: call.arn,
      fallbackName: call.fallbackName,
      effect: 'new-current-value',
      versionId: clientRequestToken,
      labels: [AWSCURRENT],
      reason: `UpdateSecret created version ${clientRequestToken} and moved AWSCURRENT to it (confirmed with DescribeSecret)`,
      noSuchVersionReason: `description/metadata only: no new version (DescribeSecret lists no version ${clientRequestToken})`,
    },
    call.scope,
    call.directory,
  );
}

async function updateSecretVersionStage(call: ApiCall): Promise<Change> {
  const { secretId, versionStage, moveToVersionId } = parametersOf(call, UpdateSecretVersionStageParametersSchema);
  if (moveToVersionId === undefined) {
    return ignore(call, `UpdateSecretVersionStage only removed ${versionStage} from a version: no version gained it`);
  }
  if (ROTATION_LABELS.has(versionStage)) {
    return ignore(call, `${versionStage} moved to version ${moveToVersionId}: rotation bookkeeping, the current value did not change`, {
      versionId: moveToVersionId,
    });
  }
  const isCurrent = versionStage === AWSCURRENT;
  return confirmSecretChange(
    {
      secretId: call.arn ?? secretId,
      eventArn: call.arn,
      fallbackName: call.fallbackName,
      effect: isCurrent ? 'new-current-value' : 'label-moved',
      versionId: moveToVersionId,
      labels: [versionStage],
      reason: isCurrent
        ? `UpdateSecretVersionStage moved AWSCURRENT to version ${moveToVersionId} (rotation finishSecret step or manual revert)`
        : `UpdateSecretVersionStage moved custom label ${versionStage} to version ${moveToVersionId}: only references pinned to that label change`,
    },
    call.scope,
    call.directory,
  );
}

async function createSecret(call: ApiCall): Promise<Change> {
  const { name, clientRequestToken } = parametersOf(call, CreateSecretParametersSchema);
  return confirmSecretChange(
    {
      secretId: call.arn ?? name,
      eventArn: call.arn,
      fallbackName: name,
      effect: 'new-current-value',
      versionId: clientRequestToken,
      labels: [AWSCURRENT],
      reason: `CreateSecret made ${versionLabel(clientRequestToken)} the AWSCURRENT value of secret ${name} (matters to references by name or partial ARN of a re-created secret)`,
      noSuchVersionReason: `CreateSecret without a value: secret ${name} has no version ${clientRequestToken ?? ''} yet`,
    },
    call.scope,
    call.directory,
  );
}

async function deleteSecret(call: ApiCall): Promise<Change> {
  const warningFor = (name: string): string =>
    `secret ${name} was deleted (or scheduled for deletion): it cannot be read, so new tasks that reference it will fail to start`;
  if (call.arn !== undefined) {
    const warning = warningFor(call.fallbackName);
    return buildChange(call.scope, { effect: 'deleted', reason: warning, name: call.fallbackName, arn: call.arn, warnings: [warning] });
  }
  // No full ARN logged: DescribeSecret still answers for a secret scheduled for deletion.
  const { secretId } = parametersOf(call, SecretIdParametersSchema);
  const secret = await call.directory.describeSecret(secretId, call.scope.region);
  if (secret === undefined) {
    const warning = `${warningFor(secretId)}; it no longer exists, so its full ARN is unknown`;
    return ignore(call, `DeleteSecret: ${warning}`, { warnings: [warning] });
  }
  const warning = warningFor(secret.name);
  return buildChange(call.scope, { effect: 'deleted', reason: warning, name: secret.name, arn: secret.arn, warnings: [warning] });
}

/**
 * Decide what a Secrets Manager CloudTrail API-call event means for consumers.
 * A failed call (`errorCode`) changed nothing and is decided without any AWS call.
 *
 * @throws {ForeignAccountError} when the record names (by ARN) a secret of another account than the one it was
 *   recorded for, before any AWS call.
 * @throws {EventParseError} when the record, or the request parameters of the operation decided, are malformed.
 */
export async function detectCloudTrailApiCall(event: unknown, directory: MetadataDirectory): Promise<Change> {
  const parsed = parseEvent(CloudTrailApiCallEventSchema, event, 'Secrets Manager AWS API Call via CloudTrail event');
  const { detail } = parsed;
  const arn = responseArn(detail.responseElements);
  const requestedId = stringMember(detail.requestParameters, 'secretId') ?? stringMember(detail.requestParameters, 'name');
  const account = detail.recipientAccountId ?? parsed.account;
  // A call on another account's secret (recorded here because our principal made it) is refused, failed or not.
  refuseForeignSecret(arn, account, `${detail.eventName} event detail.responseElements.arn`);
  refuseForeignSecret(requestedId, account, `${detail.eventName} event detail.requestParameters`);
  const call: ApiCall = {
    eventName: detail.eventName,
    scope: {
      kind: 'secret',
      region: detail.awsRegion ?? parsed.region,
      account,
      time: parsed.time,
      origin: { channel: 'cloudtrail-api-call', eventName: detail.eventName, eventId: parsed.id },
    },
    arn,
    fallbackName: arn !== undefined ? fallbackSecretName(arn, true) : requestedId !== undefined ? fallbackSecretName(requestedId, false) : '',
    requestParameters: detail.requestParameters,
    directory,
  };

  if (detail.errorCode !== undefined && detail.errorCode !== null) {
    return ignore(call, `${detail.eventName} failed (${detail.errorCode}): nothing changed`);
  }
  switch (detail.eventName) {
    case 'PutSecretValue':
      return putSecretValue(call);
    case 'UpdateSecret':
      return updateSecret(call);
    case 'UpdateSecretVersionStage':
      return updateSecretVersionStage(call);
    case 'CreateSecret':
      return createSecret(call);
    case 'DeleteSecret':
      return deleteSecret(call);
    case 'RotateSecret':
      return ignore(
        call,
        'RotateSecret only starts an asynchronous rotation: UpdateSecretVersionStage, Secret Label Updated or RotationSucceeded triggers the refresh',
      );
    case 'RestoreSecret':
      return ignore(call, 'RestoreSecret cancels a scheduled deletion: the value is unchanged');
    default:
      return ignore(call, `${detail.eventName} does not change which value AWSCURRENT points to`);
  }
}
