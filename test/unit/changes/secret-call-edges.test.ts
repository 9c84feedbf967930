/**
 * The Secrets Manager decisions the sample events do not reach: calls without a version token, several custom
 * labels, a DeleteSecret logged without its full ARN, calls and service events that move nothing, the rotation's own
 * labels in Secret Label Updated, the reason of every API-call decision, how a CloudTrail record names its secret,
 * account and Region, and confirming a claim against DescribeSecret. Each asserts what an operator reads in the report.
 */
import { describe, expect, it } from 'vitest';
import { detectEventChange } from '../../../lib/changes/detect-change.js';
import { EventParseError, ForeignAccountError } from '../../../lib/errors.js';
import { DB_SECRET_ARN, DB_SECRET_NAME, dbSecret, FakeMetadataDirectory, PUT_VERSION, ROTATION_VERSION, sampleEvent } from './fake-metadata-directory.js';

/** A Secrets Manager CloudTrail API call `eventName` with these request parameters and response elements. */
function apiCall(eventName: string, requestParameters: Record<string, unknown> | null, responseElements: Record<string, unknown> | null = null) {
  const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
  return { ...event, detail: { ...(event.detail as Record<string, unknown>), eventName, requestParameters, responseElements } };
}

/** A Secrets Manager CloudTrail service event `eventName` with these members of `detail`. */
function serviceEvent(eventName: string, members: Record<string, unknown>) {
  const event = sampleEvent('secretsmanager-rotationfailed.json');
  return {
    ...event,
    detail: {
      ...(event.detail as Record<string, unknown>),
      eventName,
      additionalEventData: null,
      serviceEventDetails: null,
      requestParameters: null,
      ...members,
    },
  };
}

const BY_ARN = { arn: DB_SECRET_ARN };

describe('Secrets Manager API calls without a version token', () => {
  it('PutSecretValue without a token: the version now carrying AWSCURRENT is the new value, named "a new version" in the reason', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [ROTATION_VERSION]: ['AWSPREVIOUS'] })]);
    const change = await detectEventChange(apiCall('PutSecretValue', { secretId: DB_SECRET_NAME }, BY_ARN), directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      reason: 'PutSecretValue without VersionStages moved AWSCURRENT to a new version',
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
      versionId: PUT_VERSION,
      labels: ['AWSCURRENT'],
    });
  });

  it('UpdateSecret without a token changed no value: ignored without any AWS call', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(apiCall('UpdateSecret', { secretId: DB_SECRET_NAME, description: 'orders database' }, BY_ARN), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: 'UpdateSecret without clientRequestToken: no version id to confirm a new value with',
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
    });
    expect(change.versionId).toBeUndefined();
    expect(directory.calls).toEqual([]);
  });

  it('CreateSecret without a value: its secret has no AWSCURRENT version, so nothing is acted on', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({})]);
    const change = await detectEventChange(apiCall('CreateSecret', { name: DB_SECRET_NAME }, BY_ARN), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `no version of secret ${DB_SECRET_NAME} carries AWSCURRENT`,
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
    });
    expect(change.stale).toBeUndefined();
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
  });

  it('CreateSecret without a token whose secret has a current version: that version, named "a new version" in the reason', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(apiCall('CreateSecret', { name: DB_SECRET_NAME }, BY_ARN), directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      reason: `CreateSecret made a new version the AWSCURRENT value of secret ${DB_SECRET_NAME} (matters to references by name or partial ARN of a re-created secret)`,
      versionId: PUT_VERSION,
    });
  });

  it('PutSecretValue whose version is gone by the time it is confirmed: superseded and stale, the later change refreshes', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(apiCall('PutSecretValue', { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION }, BY_ARN), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `superseded: version ${PUT_VERSION} no longer exists; the later change triggers its own refresh`,
      stale: true,
    });
  });
});

describe('PutSecretValue with several custom labels', () => {
  const call = () => apiCall('PutSecretValue', { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, versionStages: ['blue', 'green'] }, BY_ARN);

  it('moves both labels: only references pinned to those labels change', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['blue', 'green'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(call(), directory);
    expect(change).toMatchObject({
      effect: 'label-moved',
      reason: `PutSecretValue staged version ${PUT_VERSION} as blue, green: only references pinned to those labels change`,
      versionId: PUT_VERSION,
      labels: ['blue', 'green'],
    });
  });

  it('when the version carries neither label any more, it is superseded, naming both', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: [], [ROTATION_VERSION]: ['AWSCURRENT', 'blue', 'green'] })]);
    const change = await detectEventChange(call(), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `superseded: version ${PUT_VERSION} no longer carries blue, green; the later change triggers its own refresh`,
      stale: true,
    });
  });
});

describe('DeleteSecret logged without its full ARN', () => {
  const warning = `secret ${DB_SECRET_NAME} was deleted (or scheduled for deletion): it cannot be read, so new tasks that reference it will fail to start`;

  it('takes the name and full ARN from DescribeSecret, which still answers for a secret scheduled for deletion', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] }, new Date('2026-11-20T13:05:55Z'))]);
    const change = await detectEventChange(apiCall('DeleteSecret', { secretId: DB_SECRET_NAME, recoveryWindowInDays: 7 }), directory);
    expect(change).toMatchObject({ kind: 'secret', effect: 'deleted', reason: warning, name: DB_SECRET_NAME, arn: DB_SECRET_ARN, warnings: [warning] });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_NAME, region: 'us-east-1' }]);
  });

  it('a secret already gone: nothing to act on, with a warning that its ARN is unknown', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(apiCall('DeleteSecret', { secretId: DB_SECRET_NAME, forceDeleteWithoutRecovery: true }), directory);
    const gone = `${warning}; it no longer exists, so its full ARN is unknown`;
    expect(change).toMatchObject({ effect: 'none', reason: `DeleteSecret: ${gone}`, name: DB_SECRET_NAME, warnings: [gone] });
    expect(change.arn).toBeUndefined();
  });
});

describe('Secrets Manager API calls that move no label', () => {
  it.each([
    ['RestoreSecret', 'RestoreSecret cancels a scheduled deletion: the value is unchanged'],
    ['TagResource', 'TagResource does not change which value AWSCURRENT points to'],
  ])('%s is ignored without any AWS call', async (eventName, reason) => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(apiCall(eventName, { secretId: DB_SECRET_NAME }, BY_ARN), directory);
    expect(change).toMatchObject({ effect: 'none', reason, name: DB_SECRET_NAME, arn: DB_SECRET_ARN, warnings: [] });
    expect(directory.calls).toEqual([]);
  });

  it('a call that names no secret at all is ignored with an empty name', async () => {
    const change = await detectEventChange(apiCall('ListSecrets', null), new FakeMetadataDirectory());
    expect(change).toMatchObject({ effect: 'none', reason: 'ListSecrets does not change which value AWSCURRENT points to', name: '' });
    expect(change.arn).toBeUndefined();
  });
});

describe('Secrets Manager service events other than rotation outcomes', () => {
  it('EndSecretVersionDelete with the full ARN in additionalEventData: ignored, keeping the ARN', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(serviceEvent('EndSecretVersionDelete', { additionalEventData: { SecretId: DB_SECRET_ARN } }), directory);
    expect(change).toMatchObject({ effect: 'none', reason: 'EndSecretVersionDelete does not move AWSCURRENT', name: DB_SECRET_NAME, arn: DB_SECRET_ARN });
    expect(directory.calls).toEqual([]);
  });

  it('a secret named elsewhere (serviceEventDetails) may be a partial ARN: no ARN is kept', async () => {
    const partial = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db';
    const change = await detectEventChange(serviceEvent('ReplicationSucceeded', { serviceEventDetails: { secretId: partial } }), new FakeMetadataDirectory());
    expect(change).toMatchObject({ effect: 'none', reason: 'ReplicationSucceeded does not move AWSCURRENT', name: DB_SECRET_NAME });
    expect(change.arn).toBeUndefined();
  });

  it('an event that names no secret is ignored with an empty name', async () => {
    const change = await detectEventChange(serviceEvent('StartSecretVersionDelete', {}), new FakeMetadataDirectory());
    expect(change).toMatchObject({ effect: 'none', reason: 'StartSecretVersionDelete does not move AWSCURRENT', name: '' });
    expect(change.arn).toBeUndefined();
  });

  it("another account's secret is refused, naming where the event names it", async () => {
    const foreign = 'arn:aws:secretsmanager:us-east-1:444455556666:secret:demo/orders/db-Ab12Cd';
    const detected = detectEventChange(serviceEvent('EndSecretVersionDelete', { additionalEventData: { SecretId: foreign } }), new FakeMetadataDirectory());
    await expect(detected).rejects.toThrow(ForeignAccountError);
    await expect(detected).rejects.toThrow(
      `EndSecretVersionDelete event detail.additionalEventData.SecretId names secret ${foreign} of account 444455556666, but the event was recorded for account 111122223333`,
    );
  });
});

describe('Secret Label Updated of a rotation label', () => {
  it('AWSPENDING moving is rotation bookkeeping: ignored without any AWS call', async () => {
    const event = sampleEvent('secretsmanager-secret-label-updated-awscurrent.json');
    const detail = { ...(event.detail as Record<string, unknown>), labelUpdated: 'AWSPENDING', versionId: ROTATION_VERSION };
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSPENDING'] })]);
    const change = await detectEventChange({ ...event, detail }, directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `AWSPENDING moved to version ${ROTATION_VERSION}: rotation bookkeeping, the current value did not change`,
      versionId: ROTATION_VERSION,
    });
    expect(directory.calls).toEqual([]);
  });
});

describe('the reason of each Secrets Manager API call decision', () => {
  const put = (stages: string[]) => apiCall('PutSecretValue', { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, versionStages: stages }, BY_ARN);

  it('PutSecretValue staging AWSCURRENT with a custom label names both', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT', 'blue'] })]);
    const change = await detectEventChange(put(['AWSCURRENT', 'blue']), directory);
    expect(change).toMatchObject({
      effect: 'new-current-value',
      reason: `PutSecretValue staged version ${PUT_VERSION} as AWSCURRENT, blue`,
      labels: ['AWSCURRENT', 'blue'],
    });
  });

  it('PutSecretValue staging one custom label: only references pinned to that label change', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['blue'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(put(['blue']), directory);
    expect(change.reason).toBe(`PutSecretValue staged version ${PUT_VERSION} as blue: only references pinned to that label change`);
  });

  it('PutSecretValue staging only rotation labels is not current yet, naming every label', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(put(['AWSPENDING', 'AWSPREVIOUS']), directory);
    expect(change).toMatchObject({
      effect: 'none',
      reason: `PutSecretValue staged version ${PUT_VERSION} as AWSPENDING, AWSPREVIOUS: not current yet (rotation createSecret step), a redeploy now would read the old value`,
      versionId: PUT_VERSION,
    });
    expect(directory.calls).toEqual([]);
  });

  it('UpdateSecret with a new value says it moved AWSCURRENT, as confirmed by DescribeSecret', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(apiCall('UpdateSecret', { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION }, BY_ARN), directory);
    expect(change.reason).toBe(`UpdateSecret created version ${PUT_VERSION} and moved AWSCURRENT to it (confirmed with DescribeSecret)`);
  });

  it('UpdateSecretVersionStage of AWSCURRENT is confirmed by the full ARN from responseElements, not the name the caller passed', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(
      apiCall('UpdateSecretVersionStage', { secretId: DB_SECRET_NAME, versionStage: 'AWSCURRENT', moveToVersionId: ROTATION_VERSION }, BY_ARN),
      directory,
    );
    expect(change.reason).toBe(`UpdateSecretVersionStage moved AWSCURRENT to version ${ROTATION_VERSION} (rotation finishSecret step or manual revert)`);
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
  });

  it('UpdateSecretVersionStage of a custom label: only references pinned to that label change', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT', 'blue'] })]);
    const change = await detectEventChange(
      apiCall('UpdateSecretVersionStage', { secretId: DB_SECRET_NAME, versionStage: 'blue', moveToVersionId: ROTATION_VERSION }, BY_ARN),
      directory,
    );
    expect(change).toMatchObject({
      effect: 'label-moved',
      reason: `UpdateSecretVersionStage moved custom label blue to version ${ROTATION_VERSION}: only references pinned to that label change`,
    });
  });

  it('UpdateSecretVersionStage of AWSPREVIOUS is rotation bookkeeping', async () => {
    const change = await detectEventChange(
      apiCall('UpdateSecretVersionStage', { secretId: DB_SECRET_NAME, versionStage: 'AWSPREVIOUS', moveToVersionId: PUT_VERSION }, BY_ARN),
      new FakeMetadataDirectory(),
    );
    expect(change.reason).toBe(`AWSPREVIOUS moved to version ${PUT_VERSION}: rotation bookkeeping, the current value did not change`);
  });

  it('CreateSecret whose token is no version of the secret yet: nothing to act on, naming the token', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({})]);
    const change = await detectEventChange(apiCall('CreateSecret', { name: DB_SECRET_NAME, clientRequestToken: PUT_VERSION }, BY_ARN), directory);
    expect(change).toMatchObject({ effect: 'none', reason: `CreateSecret without a value: secret ${DB_SECRET_NAME} has no version ${PUT_VERSION} yet` });
    expect(change.stale).toBeUndefined();
  });

  it('a secretId that is not a string is refused as malformed, not read as a secret', async () => {
    const detected = detectEventChange(apiCall('PutSecretValue', { secretId: 42, clientRequestToken: PUT_VERSION }), new FakeMetadataDirectory());
    await expect(detected).rejects.toThrow(EventParseError);
    await expect(detected).rejects.toThrow(
      'PutSecretValue event detail.requestParameters is malformed: secretId: Invalid input: expected string, received number',
    );
  });
});

describe('when a value read from metadata became current', () => {
  const rotation = (lastChangedDate: Date) =>
    detectEventChange(
      sampleEvent('secretsmanager-rotationsucceeded.json'),
      new FakeMetadataDirectory([{ ...dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] }), lastChangedDate }]),
    );

  it('is the secret’s last change when that is after the event', async () => {
    expect((await rotation(new Date('2026-11-20T10:00:23.250Z'))).currentSince).toBe('2026-11-20T10:00:23.250Z');
  });

  it('is the event’s time, as the event wrote it, when the secret last changed before it or at the same moment', async () => {
    expect((await rotation(new Date('2026-11-20T10:00:19Z'))).currentSince).toBe('2026-11-20T10:00:21Z');
    expect((await rotation(new Date('2026-11-20T10:00:21Z'))).currentSince).toBe('2026-11-20T10:00:21Z');
  });
});

describe('how a CloudTrail record names its secret', () => {
  it('a failed CreateSecret is named by its request’s name', async () => {
    const event = apiCall('CreateSecret', { name: DB_SECRET_NAME });
    const change = await detectEventChange({ ...event, detail: { ...event.detail, errorCode: 'ResourceExistsException' } }, new FakeMetadataDirectory());
    expect(change).toMatchObject({ effect: 'none', reason: 'CreateSecret failed (ResourceExistsException): nothing changed', name: DB_SECRET_NAME });
  });

  it('a partial ARN keeps its whole name: a name may end in six characters after a hyphen', async () => {
    const partial = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-backup';
    const event = apiCall('PutSecretValue', { secretId: partial, clientRequestToken: PUT_VERSION });
    const change = await detectEventChange({ ...event, detail: { ...event.detail, errorCode: 'AccessDenied' } }, new FakeMetadataDirectory());
    expect(change).toMatchObject({ effect: 'none', name: 'demo/orders/db-backup' });
  });

  it('an errorCode of null is a call that succeeded', async () => {
    const event = apiCall('RestoreSecret', { secretId: DB_SECRET_NAME }, BY_ARN);
    const change = await detectEventChange({ ...event, detail: { ...event.detail, errorCode: null } }, new FakeMetadataDirectory());
    expect(change.reason).toBe('RestoreSecret cancels a scheduled deletion: the value is unchanged');
  });

  it('a service event’s secretId is the member of that name, whatever other members come first, and a null one is passed over', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const event = serviceEvent('RotationSucceeded', {
      additionalEventData: { SecretId: null },
      serviceEventDetails: { rotationStatus: 'SUCCEEDED', secretId: DB_SECRET_ARN },
    });
    const change = await detectEventChange(event, directory);
    expect(change).toMatchObject({ effect: 'new-current-value', versionId: ROTATION_VERSION });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
  });

  it.each([
    ['AWS API Call via CloudTrail', 'Secrets Manager AWS API Call via CloudTrail event'],
    ['AWS Service Event via CloudTrail', 'Secrets Manager AWS Service Event via CloudTrail event'],
  ])('a %s record without eventName is refused, naming the kind of event', async (detailType, label) => {
    const event = serviceEvent('RotationSucceeded', {});
    const detected = detectEventChange({ ...event, 'detail-type': detailType, detail: { ...event.detail, eventName: undefined } }, new FakeMetadataDirectory());
    await expect(detected).rejects.toThrow(EventParseError);
    await expect(detected).rejects.toThrow(`${label} is malformed: detail.eventName: Invalid input: expected string, received undefined`);
  });
});

describe('the account and Region of a CloudTrail service event', () => {
  it('are the record’s recipientAccountId and awsRegion, not the envelope’s', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/orders/db-Ab12Cd';
    const event = serviceEvent('RotationFailed', { additionalEventData: { SecretId: arn }, awsRegion: 'eu-west-1', recipientAccountId: '111122223333' });
    const change = await detectEventChange({ ...event, account: '999999999999', region: 'us-east-1' }, new FakeMetadataDirectory());
    expect(change).toMatchObject({ account: '111122223333', region: 'eu-west-1', arn });
  });
});

describe('confirming a claim against DescribeSecret', () => {
  it('PutSecretValue of a custom label without a token: the version now carrying that label', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['blue'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(apiCall('PutSecretValue', { secretId: DB_SECRET_NAME, versionStages: ['blue'] }, BY_ARN), directory);
    expect(change).toMatchObject({ effect: 'label-moved', versionId: PUT_VERSION, labels: ['blue'] });
  });

  it('a version the event names became current at the event’s time, however recently the secret changed since', async () => {
    const secret = { ...dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] }), lastChangedDate: new Date('2026-11-20T11:00:00Z') };
    const change = await detectEventChange(sampleEvent('secretsmanager-putsecretvalue-awscurrent.json'), new FakeMetadataDirectory([secret]));
    expect(change).toMatchObject({ effect: 'new-current-value', versionId: PUT_VERSION });
    expect(change.currentSince).toBe(change.time);
  });

  it('RotationSucceeded when no version carries AWSCURRENT: nothing to act on, and not a superseded signal', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSPENDING'] })]);
    const change = await detectEventChange(sampleEvent('secretsmanager-rotationsucceeded.json'), directory);
    expect(change).toMatchObject({ effect: 'none', reason: `no version of secret ${DB_SECRET_NAME} carries AWSCURRENT` });
    expect(change.stale).toBeUndefined();
  });

  it('a new value staged with a custom label is superseded once AWSCURRENT moved on, even if the label stayed', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['blue'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(
      apiCall('PutSecretValue', { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION, versionStages: ['AWSCURRENT', 'blue'] }, BY_ARN),
      directory,
    );
    expect(change).toMatchObject({
      effect: 'none',
      reason: `superseded: version ${PUT_VERSION} no longer carries AWSCURRENT; the later change triggers its own refresh`,
      stale: true,
    });
  });
});

describe('reading the secret of a CloudTrail API call', () => {
  it('decides from the request when the record has no responseElements at all', async () => {
    const event = apiCall('RestoreSecret', { secretId: DB_SECRET_NAME });
    const { responseElements: _absent, ...detail } = event.detail as Record<string, unknown>;
    const change = await detectEventChange({ ...event, detail }, new FakeMetadataDirectory());
    expect(change).toMatchObject({ effect: 'none', name: DB_SECRET_NAME });
  });

  it('takes the secret’s ARN from the arn member only, not from another ARN of the response', async () => {
    const kmsKey = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })]);
    const change = await detectEventChange(
      apiCall('PutSecretValue', { secretId: DB_SECRET_NAME, clientRequestToken: PUT_VERSION }, { kmsKeyId: kmsKey, arn: DB_SECRET_ARN }),
      directory,
    );
    expect(change).toMatchObject({ arn: DB_SECRET_ARN, versionId: PUT_VERSION });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
  });

  it.each([
    ['an ARN without an account', 'arn:aws:secretsmanager:us-east-1::secret:demo/orders/db'],
    ['a truncated ARN', 'arn:aws'],
  ])('refuses %s as a malformed secret id, not as another account’s secret', async (_label, secretId) => {
    const detected = detectEventChange(apiCall('PutSecretValue', { secretId, clientRequestToken: PUT_VERSION }), new FakeMetadataDirectory());
    await expect(detected).rejects.toThrow(EventParseError);
    await expect(detected).rejects.toThrow(/^PutSecretValue event detail\.requestParameters is malformed: secretId: /);
  });

  it('quotes at most 300 characters of another account’s secret ARN', async () => {
    const foreign = `arn:aws:secretsmanager:us-east-1:444455556666:secret:${'a'.repeat(1000)}`;
    const detected = detectEventChange(apiCall('PutSecretValue', { secretId: foreign, clientRequestToken: PUT_VERSION }), new FakeMetadataDirectory());
    await expect(detected).rejects.toThrow(`names secret ${foreign.slice(0, 300)} of account 444455556666,`);
  });
});
