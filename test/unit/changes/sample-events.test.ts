import { describe, expect, it } from 'vitest';
import { detectEventChange } from '../../../lib/changes/detect-change.js';
import { EventParseError } from '../../../lib/errors.js';
import {
  DB_SECRET_ARN,
  DB_SECRET_NAME,
  dbSecret,
  FakeMetadataDirectory,
  PREVIOUS_VERSION,
  PUT_VERSION,
  ROTATION_VERSION,
  sampleEvent,
  UPDATE_VERSION,
} from './fake-metadata-directory.js';

/** One test per file in events/, asserting the decision of the README's table. */
describe('detectEventChange on the sample events', () => {
  describe('native SSM', () => {
    it('redeploys on Parameter Store Change Create, with the version from DescribeParameters, current since the later of event and LastModifiedDate', async () => {
      const lastModifiedDate = new Date('2026-11-20T09:40:12.500Z');
      const directory = new FakeMetadataDirectory([], [{ name: '/demo/orders/api-key', version: 1, lastModifiedDate }]);
      const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-create.json'), directory);
      expect(change).toEqual({
        kind: 'parameter',
        effect: 'new-current-value',
        reason: 'Create made version 1 of parameter /demo/orders/api-key the latest, which ECS and Batch read',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        name: '/demo/orders/api-key',
        arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/api-key',
        versionId: '1',
        labels: [],
        time: '2026-11-20T09:40:12Z',
        // The version comes from metadata: its LastModifiedDate (later than the event's time) is when it became current.
        currentSince: '2026-11-20T09:40:12.500Z',
        versionDate: '2026-11-20T09:40:12.500Z',
        origin: { channel: 'ssm-native', eventName: 'Create', eventId: '5d0c8a3e-1f2b-4c7d-9e8a-0b1c2d3e4f50' },
        warnings: [],
      });
      expect(directory.calls).toEqual([{ operation: 'describeParameter', id: '/demo/orders/api-key', region: 'us-east-1' }]);
    });

    it('redeploys on Parameter Store Change Update, keyed by the latest version number', async () => {
      const directory = new FakeMetadataDirectory([], [{ name: '/demo/orders/api-key', version: 7 }]);
      const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-update.json'), directory);
      expect(change).toMatchObject({
        kind: 'parameter',
        effect: 'new-current-value',
        name: '/demo/orders/api-key',
        arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/api-key',
        versionId: '7',
        time: '2026-11-20T09:45:30Z',
        warnings: [],
      });
      expect(directory.calls).toHaveLength(1);
    });

    it('warns and never redeploys on Parameter Store Change Delete, without any AWS call', async () => {
      const directory = new FakeMetadataDirectory();
      const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-delete.json'), directory);
      expect(change).toMatchObject({
        kind: 'parameter',
        effect: 'deleted',
        name: '/demo/orders/legacy-token',
        arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/legacy-token',
        origin: { channel: 'ssm-native', eventName: 'Delete', eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c52' },
      });
      expect(change.versionId).toBeUndefined();
      expect(change.warnings).toEqual(['parameter /demo/orders/legacy-token was deleted: new tasks that reference it will fail to start (InvalidParameters)']);
      expect(directory.calls).toEqual([]);
    });

    it('ignores LabelParameterVersion: ECS and Batch always read the latest version', async () => {
      const directory = new FakeMetadataDirectory();
      const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-label.json'), directory);
      expect(change).toMatchObject({
        effect: 'none',
        reason: 'label change on parameter /demo/orders/api-key: ECS and Batch always read the latest version',
        name: '/demo/orders/api-key',
        warnings: [],
      });
      expect(directory.calls).toEqual([]);
    });

    it('ignores a Create whose asynchronous validation failed (detail.exception)', async () => {
      const directory = new FakeMetadataDirectory([], [{ name: 'demo-golden-ami', version: 1 }]);
      const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-create-validation-failed.json'), directory);
      expect(change).toMatchObject({
        effect: 'none',
        reason: 'Create of parameter demo-golden-ami failed (Unable to Describe Resource): the value did not change',
        name: 'demo-golden-ami',
        arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo-golden-ami',
        warnings: [],
      });
      expect(directory.calls).toEqual([]);
    });

    it('warns like a Delete on a Parameter Store Policy Action Expiration', async () => {
      const directory = new FakeMetadataDirectory();
      const change = await detectEventChange(sampleEvent('ssm-parameter-store-policy-action-expiration.json'), directory);
      expect(change).toMatchObject({
        kind: 'parameter',
        effect: 'deleted',
        name: '/demo/orders/temp-token',
        arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/temp-token',
        time: '2026-11-20T12:00:00Z',
        origin: { channel: 'ssm-native', eventName: 'Expiration' },
      });
      expect(change.warnings).toHaveLength(1);
      expect(change.warnings[0]).toContain('expired and was deleted');
      expect(directory.calls).toEqual([]);
    });
  });

  describe('Secrets Manager', () => {
    it('redeploys on PutSecretValue without VersionStages, resolving nothing but confirming once', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-putsecretvalue-awscurrent.json'), directory);
      expect(change).toEqual({
        kind: 'secret',
        effect: 'new-current-value',
        reason: `PutSecretValue without VersionStages moved AWSCURRENT to version ${PUT_VERSION}`,
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        versionId: PUT_VERSION,
        labels: ['AWSCURRENT'],
        time: '2026-11-20T09:58:41Z',
        // The version comes from the event: the event's time is when it became current.
        currentSince: '2026-11-20T09:58:41Z',
        origin: { channel: 'cloudtrail-api-call', eventName: 'PutSecretValue', eventId: '2e4f6a8c-0b1d-4e3f-a5b7-c9d1e3f5a760' },
        warnings: [],
      });
      // secretId is a name; the full ARN from responseElements is what gets described.
      expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
    });

    it('ignores PutSecretValue staged as AWSPENDING, without any AWS call', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [PREVIOUS_VERSION]: ['AWSCURRENT'], [ROTATION_VERSION]: ['AWSPENDING'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-putsecretvalue-awspending.json'), directory);
      expect(change).toMatchObject({
        effect: 'none',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        versionId: ROTATION_VERSION,
        labels: [],
      });
      expect(change.reason).toContain('not current yet');
      expect(directory.calls).toEqual([]);
    });

    it('redeploys on UpdateSecretVersionStage AWSCURRENT with moveToVersionId (rotation finishSecret)', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-updatesecretversionstage-awscurrent.json'), directory);
      expect(change).toMatchObject({
        effect: 'new-current-value',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        versionId: ROTATION_VERSION,
        labels: ['AWSCURRENT'],
        time: '2026-11-20T10:00:20Z',
        origin: { channel: 'cloudtrail-api-call', eventName: 'UpdateSecretVersionStage' },
      });
      expect(directory.calls).toHaveLength(1);
    });

    it('redeploys on native Secret Label Updated AWSCURRENT, keyed like the CloudTrail event of the same rotation', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), directory);
      expect(change).toMatchObject({
        kind: 'secret',
        effect: 'new-current-value',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        versionId: ROTATION_VERSION,
        labels: ['AWSCURRENT'],
        origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated', eventId: '5c7e9a1b-3d4f-4c6d-8e8f-a0b2c4d6e890' },
      });
      expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
    });

    it('redeploys once on RotationSucceeded, taking the version id from DescribeSecret', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [PREVIOUS_VERSION]: ['AWSPREVIOUS'], [ROTATION_VERSION]: ['AWSCURRENT'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-rotationsucceeded.json'), directory);
      expect(change).toMatchObject({
        effect: 'new-current-value',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        versionId: ROTATION_VERSION,
        labels: ['AWSCURRENT'],
        origin: { channel: 'cloudtrail-service-event', eventName: 'RotationSucceeded' },
      });
      expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
    });

    it('ignores RotationFailed with a warning, without any AWS call', async () => {
      const directory = new FakeMetadataDirectory();
      const change = await detectEventChange(sampleEvent('secretsmanager-rotationfailed.json'), directory);
      expect(change).toMatchObject({ effect: 'none', name: DB_SECRET_NAME, arn: DB_SECRET_ARN, time: '2026-11-21T10:00:24Z' });
      expect(change.warnings).toEqual([
        `rotation failed for secret ${DB_SECRET_NAME}: AWSCURRENT did not move; Secrets Manager retries and a later success will trigger`,
      ]);
      expect(directory.calls).toEqual([]);
    });

    it('redeploys on UpdateSecret after DescribeSecret confirms the token is the AWSCURRENT version', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [UPDATE_VERSION]: ['AWSCURRENT'], [ROTATION_VERSION]: ['AWSPREVIOUS'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-updatesecret-new-value.json'), directory);
      expect(change).toMatchObject({
        effect: 'new-current-value',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        versionId: UPDATE_VERSION,
        labels: ['AWSCURRENT'],
        origin: { eventName: 'UpdateSecret', eventId: '8f0b2d4e-6a7c-4f9a-9b1c-d3e5f7a9b1b0' },
      });
      expect(directory.calls).toHaveLength(1);
    });

    it('ignores a description-only UpdateSecret because its token is not a version of the secret', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-updatesecret-description-only.json'), directory);
      expect(change).toMatchObject({
        effect: 'none',
        reason: 'description/metadata only: no new version (DescribeSecret lists no version 0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e)',
        name: DB_SECRET_NAME,
        arn: DB_SECRET_ARN,
        labels: [],
        warnings: [],
      });
      expect(change.versionId).toBeUndefined();
      expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
    });

    it('ignores RotateSecret: it only starts an asynchronous rotation', async () => {
      const directory = new FakeMetadataDirectory();
      const change = await detectEventChange(sampleEvent('secretsmanager-rotatesecret.json'), directory);
      expect(change).toMatchObject({ effect: 'none', name: DB_SECRET_NAME, arn: DB_SECRET_ARN, warnings: [] });
      expect(change.reason).toContain('only starts an asynchronous rotation');
      expect(change.versionId).toBeUndefined();
      expect(directory.calls).toEqual([]);
    });

    it('warns on DeleteSecret with the full ARN from responseElements, not the partial secretId', async () => {
      const directory = new FakeMetadataDirectory();
      const change = await detectEventChange(sampleEvent('secretsmanager-deletesecret.json'), directory);
      expect(change).toMatchObject({
        kind: 'secret',
        effect: 'deleted',
        name: 'demo/orders/legacy-api-key',
        arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/legacy-api-key-Zx98Yw',
        time: '2026-11-20T13:05:55Z',
      });
      expect(change.warnings).toEqual([
        'secret demo/orders/legacy-api-key was deleted (or scheduled for deletion): it cannot be read, so new tasks that reference it will fail to start',
      ]);
      expect(directory.calls).toEqual([]);
    });

    it('ignores a failed PutSecretValue (errorCode) without any AWS call', async () => {
      const directory = new FakeMetadataDirectory([dbSecret({ [PREVIOUS_VERSION]: ['AWSCURRENT'] })]);
      const change = await detectEventChange(sampleEvent('secretsmanager-putsecretvalue-access-denied.json'), directory);
      expect(change).toMatchObject({
        effect: 'none',
        reason: 'PutSecretValue failed (AccessDeniedException): nothing changed',
        name: DB_SECRET_NAME,
        labels: [],
        warnings: [],
      });
      expect(change.arn).toBeUndefined();
      expect(change.versionId).toBeUndefined();
      expect(directory.calls).toEqual([]);
    });
  });

  it('rejects the ECS deployment event as not a secret or parameter change event', async () => {
    const directory = new FakeMetadataDirectory();
    const attempt = detectEventChange(sampleEvent('ecs-deployment-state-change-failed.json'), directory);
    await expect(attempt).rejects.toBeInstanceOf(EventParseError);
    await expect(attempt).rejects.toThrow(/^not a secret or parameter change event: source "aws\.ecs" with detail-type "ECS Deployment State Change"/);
    expect(directory.calls).toEqual([]);
  });
});

describe('detectChange on the sample events of managed secrets and abandoned rotations', () => {
  const RDS_NAME = 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab';
  const RDS_ARN = `arn:aws:secretsmanager:us-east-1:111122223333:secret:${RDS_NAME}-Xy12Zw`;
  const RDS_VERSION = 'b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e';
  const rds = () => new FakeMetadataDirectory([{ arn: RDS_ARN, name: RDS_NAME, versionIdsToStages: { [RDS_VERSION]: ['AWSCURRENT'] } }]);

  it('redeploys on Secret Label Updated of an RDS master user secret (rds!db-…)', async () => {
    const change = await detectEventChange(sampleEvent('secretsmanager-secret-label-updated-rds-managed.json'), rds());
    expect(change).toMatchObject({ effect: 'new-current-value', name: RDS_NAME, arn: RDS_ARN, versionId: RDS_VERSION, time: '2026-11-27T03:12:09Z' });
  });

  it('redeploys once on the managed rotation’s RotationSucceeded, whose secret is in serviceEventDetails', async () => {
    const change = await detectEventChange(sampleEvent('secretsmanager-rotationsucceeded-rds-managed.json'), rds());
    expect(change).toMatchObject({ effect: 'new-current-value', name: RDS_NAME, arn: RDS_ARN, versionId: RDS_VERSION });
  });

  it('ignores RotationAbandoned with a warning, without any AWS call', async () => {
    const directory = new FakeMetadataDirectory();
    const change = await detectEventChange(sampleEvent('secretsmanager-rotationabandoned.json'), directory);
    expect(change).toMatchObject({ effect: 'none', name: DB_SECRET_NAME, arn: DB_SECRET_ARN, time: '2026-11-21T10:04:02Z' });
    expect(change.warnings[0]).toMatch(/^rotation abandoned for secret demo\/orders\/db: /);
    expect(directory.calls).toEqual([]);
  });
});
