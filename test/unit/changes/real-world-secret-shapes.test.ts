/**
 * The Change step on real-world shapes: secrets managed by RDS (`rds!db-<uuid>`) in every event channel, the
 * rotation service events' other shapes, multi-Region replicas, and CloudTrail events that name another
 * account's secret.
 */
import { describe, expect, it } from 'vitest';
import { detectEventChange as detectChange } from '../../../lib/changes/detect-change.js';
import type { SecretMetadata } from '../../../lib/changes/types.js';
import { EventParseError, ForeignAccountError } from '../../../lib/errors.js';
import {
  DB_SECRET_ARN,
  DB_SECRET_NAME,
  dbSecret,
  FakeMetadataDirectory,
  PREVIOUS_VERSION,
  PUT_VERSION,
  ROTATION_VERSION,
  sampleEvent,
} from './fake-metadata-directory.js';

const ACCOUNT = '111122223333';
const FOREIGN = '444455556666';
const RDS_NAME = 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab';
const RDS_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${RDS_NAME}-Xy12Zw`;
/** The version RDS's managed rotation made current in the sample events. */
const RDS_VERSION = 'b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e';

function rdsSecret(versionIdsToStages: Record<string, string[]> = { [RDS_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] }): SecretMetadata {
  return { arn: RDS_ARN, name: RDS_NAME, versionIdsToStages };
}

function withDetail(file: string, detail: Record<string, unknown>): Record<string, unknown> {
  const event = sampleEvent(file);
  return { ...event, detail: { ...(event['detail'] as Record<string, unknown>), ...detail } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('managed secrets (rds!…) in every event channel', () => {
  it('Secret Label Updated for an RDS master user secret is a new current value, confirmed with DescribeSecret', async () => {
    const directory = new FakeMetadataDirectory([rdsSecret()]);
    const change = await detectChange(sampleEvent('secretsmanager-secret-label-updated-rds-managed.json'), directory);
    expect(change).toMatchObject({
      kind: 'secret',
      effect: 'new-current-value',
      reason: `AWSCURRENT moved to version ${RDS_VERSION} of secret ${RDS_NAME}`,
      name: RDS_NAME,
      arn: RDS_ARN,
      versionId: RDS_VERSION,
      labels: ['AWSCURRENT'],
    });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: RDS_ARN, region: 'us-east-1' }]);
  });

  it('CloudTrail PutSecretValue naming the RDS secret by name resolves it with DescribeSecret', async () => {
    const directory = new FakeMetadataDirectory([rdsSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const event = withDetail('secretsmanager-putsecretvalue-awscurrent.json', {
      requestParameters: { secretId: RDS_NAME, clientRequestToken: PUT_VERSION },
      responseElements: null,
    });
    const change = await detectChange(event, directory);
    expect(change).toMatchObject({ effect: 'new-current-value', name: RDS_NAME, arn: RDS_ARN, versionId: PUT_VERSION });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: RDS_NAME, region: 'us-east-1' }]);
  });

  it('CloudTrail UpdateSecretVersionStage naming the RDS secret by full ARN is a new current value', async () => {
    const directory = new FakeMetadataDirectory([rdsSecret()]);
    const event = withDetail('secretsmanager-updatesecretversionstage-awscurrent.json', {
      requestParameters: { secretId: RDS_ARN, versionStage: 'AWSCURRENT', moveToVersionId: RDS_VERSION, removeFromVersionId: PREVIOUS_VERSION },
      responseElements: { arn: RDS_ARN },
    });
    expect(await detectChange(event, directory)).toMatchObject({ effect: 'new-current-value', name: RDS_NAME, arn: RDS_ARN, versionId: RDS_VERSION });
  });

  it('RotationSucceeded (AWS’s documented shape) for the RDS secret takes the version from DescribeSecret', async () => {
    const directory = new FakeMetadataDirectory([rdsSecret()]);
    const event = withDetail('secretsmanager-rotationsucceeded.json', { additionalEventData: { SecretId: RDS_ARN } });
    expect(await detectChange(event, directory)).toMatchObject({ effect: 'new-current-value', name: RDS_NAME, arn: RDS_ARN, versionId: RDS_VERSION });
  });

  it('RotationFailed for the RDS secret warns with its name, without any AWS call', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectChange(withDetail('secretsmanager-rotationfailed.json', { additionalEventData: { SecretId: RDS_ARN } }), directory);
    expect(change).toMatchObject({ effect: 'none', name: RDS_NAME, arn: RDS_ARN });
    expect(change.warnings).toEqual([
      `rotation failed for secret ${RDS_NAME}: AWSCURRENT did not move; Secrets Manager retries and a later success will trigger`,
    ]);
    expect(directory.calls).toEqual([]);
  });

  it('still refuses a Secret Label Updated whose managed name holds an invisible character', async () => {
    const event = sampleEvent('secretsmanager-secret-label-updated-rds-managed.json');
    (event['detail'] as Record<string, unknown>)['name'] = 'rds!db-3f8a\u200B2b1c';
    const error = await rejection(detectChange(event, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(EventParseError);
    expect(error.message).toMatch(/^Secret Label Updated event is malformed: detail\.name: a secret name has only/);
  });
});

describe('rotation service events: where the secret id is', () => {
  it('reads serviceEventDetails.secretId when additionalEventData is null (managed rotation shape)', async () => {
    const directory = new FakeMetadataDirectory([rdsSecret()]);
    const change = await detectChange(sampleEvent('secretsmanager-rotationsucceeded-rds-managed.json'), directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      reason: 'rotation succeeded: the version now carrying AWSCURRENT (read from DescribeSecret) is the new value',
      name: RDS_NAME,
      arn: RDS_ARN,
      versionId: RDS_VERSION,
      origin: { channel: 'cloudtrail-service-event', eventName: 'RotationSucceeded', eventId: '3b5d7f91-2c4e-4a6b-9d8f-0e1a2b3c4d52' },
    });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: RDS_ARN, region: 'us-east-1' }]);
  });

  it('reads requestParameters.secretId, a name, and resolves it with DescribeSecret', async () => {
    const directory = new FakeMetadataDirectory([rdsSecret()]);
    const event = withDetail('secretsmanager-rotationsucceeded.json', { additionalEventData: null, requestParameters: { secretId: RDS_NAME } });
    expect(await detectChange(event, directory)).toMatchObject({ effect: 'new-current-value', name: RDS_NAME, arn: RDS_ARN, versionId: RDS_VERSION });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: RDS_NAME, region: 'us-east-1' }]);
  });

  it('prefers additionalEventData.SecretId over the other places', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] }), rdsSecret()]);
    const event = withDetail('secretsmanager-rotationsucceeded.json', { serviceEventDetails: { secretId: RDS_ARN } });
    expect(await detectChange(event, directory)).toMatchObject({ arn: DB_SECRET_ARN });
  });

  it('a RotationSucceeded naming a secret that no longer exists does nothing, keeping the name it was given', async () => {
    const event = withDetail('secretsmanager-rotationsucceeded.json', { additionalEventData: null, serviceEventDetails: { SecretId: RDS_NAME } });
    const change = await detectChange(event, new FakeMetadataDirectory());
    expect(change).toMatchObject({
      effect: 'none',
      name: RDS_NAME,
      reason: `secret no longer exists: DescribeSecret found no secret "${RDS_NAME}" in us-east-1`,
    });
    expect(change.arn).toBeUndefined();
  });

  it('RotationAbandoned is nothing to do, with a warning that explains it, and no AWS call', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectChange(sampleEvent('secretsmanager-rotationabandoned.json'), directory);
    expect(change).toMatchObject({ effect: 'none', name: DB_SECRET_NAME, arn: DB_SECRET_ARN, origin: { eventName: 'RotationAbandoned' } });
    expect(change.warnings).toEqual([
      `rotation abandoned for secret ${DB_SECRET_NAME}: a new version was created during the rotation, so Secrets Manager removed AWSPENDING; ` +
        "the rotation moved nothing (the new version's own event, e.g. PutSecretValue or Secret Label Updated, triggers the refresh)",
    ]);
    expect(directory.calls).toEqual([]);
  });

  it('RotationFailed with the secret in serviceEventDetails, as a partial ARN, keeps no ARN (it may be partial)', async () => {
    const partial = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${RDS_NAME}`;
    const change = await detectChange(
      withDetail('secretsmanager-rotationfailed.json', { additionalEventData: null, serviceEventDetails: { secretId: partial } }),
      new FakeMetadataDirectory(),
    );
    expect(change).toMatchObject({ effect: 'none', name: RDS_NAME });
    expect(change.arn).toBeUndefined();
  });
});

describe('CloudTrail events naming a secret of another account (ForeignAccountError, no AWS call)', () => {
  const FOREIGN_ARN = `arn:aws:secretsmanager:us-east-1:${FOREIGN}:secret:${DB_SECRET_NAME}-Zz99Yy`;

  it.each<[string, string, Record<string, unknown>, string]>([
    [
      'PutSecretValue with the foreign ARN in responseElements',
      'secretsmanager-putsecretvalue-awscurrent.json',
      { responseElements: { arn: FOREIGN_ARN } },
      'PutSecretValue event detail.responseElements.arn',
    ],
    [
      'UpdateSecretVersionStage with the foreign ARN as secretId and no response',
      'secretsmanager-updatesecretversionstage-awscurrent.json',
      { requestParameters: { secretId: FOREIGN_ARN, versionStage: 'AWSCURRENT', moveToVersionId: ROTATION_VERSION }, responseElements: null },
      'UpdateSecretVersionStage event detail.requestParameters',
    ],
    [
      'a failed call on the foreign secret',
      'secretsmanager-putsecretvalue-access-denied.json',
      { requestParameters: { secretId: FOREIGN_ARN } },
      'PutSecretValue event detail.requestParameters',
    ],
    [
      'RotationSucceeded with the foreign ARN in additionalEventData',
      'secretsmanager-rotationsucceeded.json',
      { additionalEventData: { SecretId: FOREIGN_ARN } },
      'RotationSucceeded event detail.additionalEventData.SecretId',
    ],
    [
      'RotationFailed with the foreign ARN in serviceEventDetails',
      'secretsmanager-rotationfailed.json',
      { additionalEventData: null, serviceEventDetails: { secretId: FOREIGN_ARN } },
      'RotationFailed event detail.serviceEventDetails.secretId',
    ],
  ])('refuses %s, never matching this account’s same-named secret', async (_label, file, detail, where) => {
    // This account has a secret with the same name: it must not be looked up, let alone matched.
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PUT_VERSION]: ['AWSCURRENT'] })]);
    const error = await rejection(detectChange(withDetail(file, detail), directory));
    expect(error).toBeInstanceOf(ForeignAccountError);
    expect(error.message).toBe(
      `${where} names secret ${FOREIGN_ARN} of account ${FOREIGN}, but the event was recorded for account ${ACCOUNT}: ` +
        `secret-refresh never matches a foreign secret against this account's secrets; deploy secret-refresh in account ${FOREIGN} to refresh its readers there`,
    );
    expect(directory.calls).toEqual([]);
  });

  it('accepts a foreign-looking name that is not an ARN: a name resolves in the event’s own account', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectChange(withDetail('secretsmanager-putsecretvalue-awscurrent.json', { responseElements: null }), directory);
    expect(change).toMatchObject({ effect: 'new-current-value', account: ACCOUNT, arn: DB_SECRET_ARN });
  });
});

describe('multi-Region replicas', () => {
  const EU_ARN = DB_SECRET_ARN.replace('us-east-1', 'eu-west-1');
  const PRIMARY: SecretMetadata = {
    ...dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] }),
    replicas: [{ region: 'eu-west-1', status: 'InSync', statusMessage: 'Replication succeeded' }],
  };
  const REPLICA: SecretMetadata = {
    arn: EU_ARN,
    name: DB_SECRET_NAME,
    versionIdsToStages: { [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] },
    primaryRegion: 'us-east-1',
  };

  it('a change of the primary carries the replica Regions, so readers of the replicas are matched', async () => {
    const directory = new FakeMetadataDirectory([PRIMARY, REPLICA]);
    const change = await detectChange(sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), directory);
    expect(change).toMatchObject({ region: 'us-east-1', arn: DB_SECRET_ARN, versionId: ROTATION_VERSION, replicaRegions: ['eu-west-1'], warnings: [] });
    expect(directory.calls).toHaveLength(1);
  });

  it('a forwarded replica-Region event is normalised to the primary: same ARN, Region and version, so it deploys once', async () => {
    const directory = new FakeMetadataDirectory([PRIMARY, REPLICA]);
    const primary = await detectChange(sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), directory);
    const forwarded = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    Object.assign(forwarded, { id: '00000000-1111-4222-8333-444444444444', region: 'eu-west-1', resources: [EU_ARN] });

    const change = await detectChange(forwarded, directory);

    expect({ arn: change.arn, versionId: change.versionId, effect: change.effect }).toEqual({
      arn: primary.arn,
      versionId: primary.versionId,
      effect: primary.effect,
    });
    expect(change).toMatchObject({ region: 'us-east-1', replicaRegions: ['eu-west-1'] });
    expect(change.reason).toBe(
      `AWSCURRENT moved to version ${ROTATION_VERSION} of secret ${DB_SECRET_NAME} (signalled in replica Region eu-west-1; handled as the change of the primary in us-east-1)`,
    );
    expect(directory.calls.slice(1)).toEqual([
      { operation: 'describeSecret', id: EU_ARN, region: 'eu-west-1' },
      { operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' },
    ]);
  });

  it('warns about a replica whose replication is not InSync', async () => {
    const lagging: SecretMetadata = {
      ...PRIMARY,
      replicas: [
        { region: 'eu-west-1', status: 'InProgress' },
        { region: 'ap-south-1', status: 'Failed', statusMessage: 'KMS key disabled' },
      ],
    };
    const change = await detectChange(sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), new FakeMetadataDirectory([lagging]));
    expect(change.replicaRegions).toEqual(['eu-west-1', 'ap-south-1']);
    expect(change.warnings).toEqual([
      `replica of secret ${DB_SECRET_NAME} in eu-west-1 is InProgress: its readers are redeployed, but tasks that start before replication completes read the previous value`,
      `replica of secret ${DB_SECRET_NAME} in ap-south-1 is Failed (KMS key disabled): its readers are redeployed, but tasks that start before replication completes read the previous value`,
    ]);
  });

  it('keeps a replica change as the replica’s own, with a warning, when its primary cannot be found', async () => {
    const forwarded = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    Object.assign(forwarded, { region: 'eu-west-1', resources: [EU_ARN] });
    const change = await detectChange(forwarded, new FakeMetadataDirectory([REPLICA]));
    expect(change).toMatchObject({ effect: 'new-current-value', region: 'eu-west-1', arn: EU_ARN });
    expect(change.warnings).toEqual([
      `secret ${DB_SECRET_NAME} in eu-west-1 is a replica of a primary in us-east-1, which DescribeSecret could not find there: handled as a change of the replica alone`,
    ]);
  });
});
