import { describe, expect, it } from 'vitest';
import { detectEventChange } from '../../../lib/changes/detect-change.js';
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

/** The sample PutSecretValue event with `detail` fields replaced. */
function putSecretValue(detail: Record<string, unknown>): Record<string, unknown> {
  const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
  return { ...event, detail: { ...(event.detail as Record<string, unknown>), ...detail } };
}

/** The sample UpdateSecretVersionStage event with request parameters replaced. */
function updateSecretVersionStage(requestParameters: Record<string, unknown>): Record<string, unknown> {
  const event = sampleEvent('secretsmanager-updatesecretversionstage-awscurrent.json');
  return { ...event, detail: { ...(event.detail as Record<string, unknown>), requestParameters } };
}

describe('detectEventChange on Secrets Manager variants', () => {
  it('reads the ARN from the legacy aRN key of responseElements', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(putSecretValue({ responseElements: { aRN: DB_SECRET_ARN } }), directory);
    expect(change).toMatchObject({ effect: 'new-current-value', arn: DB_SECRET_ARN, versionId: PUT_VERSION });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
  });

  it('resolves a secretId given as a name with DescribeSecret when responseElements is missing', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(putSecretValue({ responseElements: null }), directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
      versionId: PUT_VERSION,
      labels: ['AWSCURRENT'],
    });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_NAME, region: 'us-east-1' }]);
  });

  it('ignores a version that no longer carries AWSCURRENT as superseded', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSPREVIOUS'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(putSecretValue({}), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `superseded: version ${PUT_VERSION} no longer carries AWSCURRENT; the later change triggers its own refresh`,
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
      versionId: PUT_VERSION,
      labels: [],
    });
    expect(directory.calls).toHaveLength(1);
  });

  it('ignores an UpdateSecret whose new version was already replaced as AWSCURRENT', async () => {
    const updateVersion = 'e7f8a9b0-1c2d-4e3f-9a4b-5c6d7e8f9a0b';
    const directory = new FakeMetadataDirectory([dbSecret({ [updateVersion]: ['AWSPREVIOUS'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(sampleEvent('secretsmanager-updatesecret-new-value.json'), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `superseded: version ${updateVersion} no longer carries AWSCURRENT; the later change triggers its own refresh`,
      versionId: updateVersion,
    });
    expect(directory.calls).toHaveLength(1);
  });

  it('ignores a change to a secret that no longer exists', async () => {
    const directory = new FakeMetadataDirectory([]);
    const change = await detectEventChange(sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), directory);
    expect(change).toMatchObject({ effect: 'none', name: DB_SECRET_NAME, arn: DB_SECRET_ARN, versionId: ROTATION_VERSION });
    expect(change.reason).toMatch(/^secret no longer exists/);
  });

  it('ignores, with a warning, a new value of a secret scheduled for deletion', async () => {
    const deletedDate = new Date('2026-11-20T10:05:00Z');
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] }, deletedDate)]);
    const change = await detectEventChange(sampleEvent('secretsmanager-rotationsucceeded.json'), directory);
    const warning = `secret ${DB_SECRET_NAME} is scheduled for deletion (since 2026-11-20T10:05:00.000Z): it cannot be read, so new tasks that reference it fail to start`;
    expect(change).toMatchObject({ effect: 'none', reason: `not redeploying: ${warning}`, name: DB_SECRET_NAME, arn: DB_SECRET_ARN });
    expect(change.warnings).toEqual([warning]);
  });

  it('reports PutSecretValue with AWSCURRENT and a custom label as a new current value carrying both', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT', 'blue'] })]);
    const event = putSecretValue({
      requestParameters: { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, versionStages: ['blue', 'AWSCURRENT'] },
    });
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({ effect: 'new-current-value', versionId: PUT_VERSION, labels: ['AWSCURRENT', 'blue'] });
  });

  it('reports PutSecretValue with only a custom label as label-moved', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PREVIOUS_VERSION]: ['AWSCURRENT'], [PUT_VERSION]: ['blue'] })]);
    const event = putSecretValue({
      requestParameters: { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, versionStages: ['blue'] },
    });
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({ effect: 'label-moved', arn: DB_SECRET_ARN, versionId: PUT_VERSION, labels: ['blue'] });
  });

  it('reports UpdateSecretVersionStage of a custom stage as label-moved', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PREVIOUS_VERSION]: ['AWSCURRENT', 'green'] })]);
    const change = await detectEventChange(
      updateSecretVersionStage({ secretId: DB_SECRET_ARN, versionStage: 'green', moveToVersionId: PREVIOUS_VERSION }),
      directory,
    );
    expect(change).toMatchObject({ effect: 'label-moved', versionId: PREVIOUS_VERSION, labels: ['green'] });
  });

  it('ignores UpdateSecretVersionStage of AWSPREVIOUS without any AWS call', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(
      updateSecretVersionStage({ secretId: DB_SECRET_ARN, versionStage: 'AWSPREVIOUS', moveToVersionId: PREVIOUS_VERSION }),
      directory,
    );
    expect(change).toMatchObject({ effect: 'none', arn: DB_SECRET_ARN, versionId: PREVIOUS_VERSION });
    expect(directory.calls).toEqual([]);
  });

  it('ignores UpdateSecretVersionStage that only removes a stage', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(
      updateSecretVersionStage({ secretId: DB_SECRET_ARN, versionStage: 'blue', removeFromVersionId: PREVIOUS_VERSION }),
      directory,
    );
    expect(change).toMatchObject({
      effect: 'none',
      reason: 'UpdateSecretVersionStage only removed blue from a version: no version gained it',
    });
    expect(directory.calls).toEqual([]);
  });

  it('reports a custom label in Secret Label Updated as label-moved', async () => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    event.detail = { name: DB_SECRET_NAME, labelUpdated: 'blue', versionId: ROTATION_VERSION };
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT', 'blue'] })]);
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({
      effect: 'label-moved',
      reason: `custom label blue moved to version ${ROTATION_VERSION}: only references pinned to that label change`,
      versionId: ROTATION_VERSION,
      labels: ['blue'],
      arn: DB_SECRET_ARN,
    });
  });

  it('reports CreateSecret as a new current value with the client request token as version', async () => {
    const event = putSecretValue({
      eventName: 'CreateSecret',
      requestParameters: { name: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, description: 'Orders DB' },
    });
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
      versionId: PUT_VERSION,
      origin: { channel: 'cloudtrail-api-call', eventName: 'CreateSecret' },
    });
  });

  it('reads account and Region of a CloudTrail record from recipientAccountId and awsRegion, partition from the ARN', async () => {
    const arn = 'arn:aws-cn:secretsmanager:cn-north-1:444455556666:secret:demo/orders/db-credentials-Ab12Cd';
    const directory = new FakeMetadataDirectory([{ arn, name: DB_SECRET_NAME, versionIdsToStages: { [PUT_VERSION]: ['AWSCURRENT'] } }]);
    const event = putSecretValue({ awsRegion: 'cn-north-1', recipientAccountId: '444455556666', responseElements: { ARN: arn } });
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      partition: 'aws-cn',
      region: 'cn-north-1',
      account: '444455556666',
      arn,
    });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: arn, region: 'cn-north-1' }]);
  });

  it('never copies request parameters into the change', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const event = putSecretValue({
      requestParameters: { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, secretString: 'hunter2' },
    });
    const change = await detectEventChange(event, directory);
    expect(JSON.stringify(change)).not.toContain('hunter2');
  });
});
