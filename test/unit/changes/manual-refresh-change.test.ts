import { describe, expect, it } from 'vitest';
import { resolveManualChange } from '../../../lib/changes/manual-refresh-change.js';
import type { ParameterMetadata, SecretMetadata } from '../../../lib/changes/types.js';
import { AmbiguousReferenceError, InvalidInputError, ResourceNotFoundError } from '../../../lib/errors.js';
import { DB_SECRET_ARN, DB_SECRET_NAME, dbSecret, FakeMetadataDirectory, PREVIOUS_VERSION, ROTATION_VERSION } from './fake-metadata-directory.js';

const NOW = new Date('2025-03-10T12:34:56.789Z');
const HOME = 'us-east-1';
const ACCOUNT = '111122223333';

const CURRENT_DB = dbSecret({ [PREVIOUS_VERSION]: ['AWSPREVIOUS'], [ROTATION_VERSION]: ['AWSCURRENT', 'blue'] });

const EU_SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:demo/eu-db-Xy34Zw`;
const EU_SECRET: SecretMetadata = { arn: EU_SECRET_ARN, name: 'demo/eu-db', versionIdsToStages: { [ROTATION_VERSION]: ['AWSCURRENT'] } };

const PARAMETER_ARN = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/a/b`;
const PARAMETER: ParameterMetadata = { name: '/a/b', arn: PARAMETER_ARN, version: 7 };

/** A secret and a parameter that share the name `shared`. */
const SHARED_SECRET: SecretMetadata = {
  arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:shared-Qq11Rr`,
  name: 'shared',
  versionIdsToStages: { [ROTATION_VERSION]: ['AWSCURRENT'] },
};
const SHARED_PARAMETER: ParameterMetadata = { name: 'shared', arn: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/shared`, version: 2 };

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('resolveManualChange: secrets', () => {
  it('resolves a secret by full ARN into a new-current-value change of its AWSCURRENT version at now', async () => {
    const directory = new FakeMetadataDirectory([CURRENT_DB]);
    const change = await resolveManualChange({ ref: DB_SECRET_ARN }, HOME, NOW, directory);
    expect(change).toEqual({
      kind: 'secret',
      effect: 'new-current-value',
      reason: `manual refresh of the AWSCURRENT value (version ${ROTATION_VERSION})`,
      partition: 'aws',
      region: 'us-east-1',
      account: ACCOUNT,
      name: DB_SECRET_NAME,
      arn: DB_SECRET_ARN,
      versionId: ROTATION_VERSION,
      labels: ['AWSCURRENT'],
      time: '2025-03-10T12:34:56.789Z',
      currentSince: '2025-03-10T12:34:56.789Z',
      origin: { channel: 'manual', eventName: 'manual' },
      warnings: [],
    });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' }]);
  });

  it("looks a secret ARN up in the ARN's Region, not the home Region", async () => {
    const directory = new FakeMetadataDirectory([EU_SECRET]);
    const change = await resolveManualChange({ ref: EU_SECRET_ARN }, HOME, NOW, directory);
    expect(change).toMatchObject({ region: 'eu-west-1', arn: EU_SECRET_ARN, name: 'demo/eu-db' });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: EU_SECRET_ARN, region: 'eu-west-1' }]);
  });

  it('resolves a secret by name in the home Region and also checks that no parameter has that name', async () => {
    const directory = new FakeMetadataDirectory([CURRENT_DB]);
    const change = await resolveManualChange({ ref: DB_SECRET_NAME }, HOME, NOW, directory);
    expect(change).toMatchObject({ kind: 'secret', arn: DB_SECRET_ARN, versionId: ROTATION_VERSION, region: HOME });
    expect(directory.calls).toEqual([
      { operation: 'describeSecret', id: DB_SECRET_NAME, region: HOME },
      { operation: 'describeParameter', id: DB_SECRET_NAME, region: HOME },
    ]);
  });

  it('turns a secret scheduled for deletion into a deleted change', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] }, new Date('2025-03-09T08:00:00.000Z'))]);
    const change = await resolveManualChange({ ref: DB_SECRET_NAME, kind: 'secret' }, HOME, NOW, directory);
    expect(change.effect).toBe('deleted');
    expect(change.reason).toBe('manual refresh: secret is scheduled for deletion (since 2025-03-09T08:00:00.000Z)');
    expect(change.arn).toBe(DB_SECRET_ARN);
  });

  it('leaves versionId unset when no version is AWSCURRENT', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
    const change = await resolveManualChange({ ref: DB_SECRET_ARN }, HOME, NOW, directory);
    expect(change).not.toHaveProperty('versionId');
    expect(change.reason).toBe('manual refresh of the AWSCURRENT value');
  });

  it('takes the partition from the secret ARN', async () => {
    const arn = `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:cn-db-Ab12Cd`;
    const directory = new FakeMetadataDirectory([{ arn, name: 'cn-db', versionIdsToStages: {} }]);
    const change = await resolveManualChange({ ref: arn }, HOME, NOW, directory);
    expect(change).toMatchObject({ partition: 'aws-cn', region: 'cn-north-1', account: ACCOUNT });
  });
});

describe('resolveManualChange: parameters', () => {
  it('resolves a parameter ARN parameter/a/b to the name /a/b in the ARN Region', async () => {
    const directory = new FakeMetadataDirectory([], [PARAMETER]);
    const change = await resolveManualChange({ ref: PARAMETER_ARN }, 'eu-west-1', NOW, directory);
    expect(change).toEqual({
      kind: 'parameter',
      effect: 'new-current-value',
      reason: 'manual refresh of the latest value (version 7)',
      partition: 'aws',
      region: 'us-east-1',
      account: ACCOUNT,
      name: '/a/b',
      arn: PARAMETER_ARN,
      versionId: '7',
      labels: [],
      time: '2025-03-10T12:34:56.789Z',
      currentSince: '2025-03-10T12:34:56.789Z',
      origin: { channel: 'manual', eventName: 'manual' },
      warnings: [],
    });
    expect(directory.calls).toEqual([{ operation: 'describeParameter', id: '/a/b', region: 'us-east-1' }]);
  });

  it('resolves a single-level parameter ARN parameter/flat to the name flat', async () => {
    const directory = new FakeMetadataDirectory([], [{ name: 'flat', version: 1 }]);
    const change = await resolveManualChange({ ref: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/flat` }, HOME, NOW, directory);
    expect(change).toMatchObject({ name: 'flat', arn: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/flat`, versionId: '1' });
  });

  it("dates the version with the parameter's last modification, when DescribeParameters gives one", async () => {
    const modified = new Date('2025-03-01T08:00:00.000Z');
    const directory = new FakeMetadataDirectory([], [{ ...PARAMETER, lastModifiedDate: modified }]);
    const change = await resolveManualChange({ ref: PARAMETER_ARN }, HOME, NOW, directory);
    expect(change).toMatchObject({ versionId: '7', versionDate: '2025-03-01T08:00:00.000Z', currentSince: '2025-03-10T12:34:56.789Z' });
  });

  it('resolves a parameter by name using the ARN DescribeParameters returned', async () => {
    const directory = new FakeMetadataDirectory([], [PARAMETER]);
    const change = await resolveManualChange({ ref: '/a/b' }, HOME, NOW, directory);
    expect(change).toMatchObject({ kind: 'parameter', name: '/a/b', arn: PARAMETER_ARN, account: ACCOUNT, partition: 'aws', region: HOME, versionId: '7' });
  });

  it('refuses a parameter ARN with a double slash', async () => {
    const directory = new FakeMetadataDirectory([], [PARAMETER]);
    const error = await rejection(resolveManualChange({ ref: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter//a/b` }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('is not a parameter ARN');
    expect(directory.calls).toEqual([]);
  });
});

describe('resolveManualChange: kind', () => {
  it('refuses a name that is both a secret and a parameter and asks for --kind', async () => {
    const directory = new FakeMetadataDirectory([SHARED_SECRET], [SHARED_PARAMETER]);
    const error = await rejection(resolveManualChange({ ref: 'shared' }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(AmbiguousReferenceError);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe('"shared" names both a secret and a parameter in us-east-1: say which with --kind secret or --kind parameter');
  });

  it('looks up only the secret when kind is secret', async () => {
    const directory = new FakeMetadataDirectory([SHARED_SECRET], [SHARED_PARAMETER]);
    const change = await resolveManualChange({ ref: 'shared', kind: 'secret' }, HOME, NOW, directory);
    expect(change).toMatchObject({ kind: 'secret', arn: SHARED_SECRET.arn });
    expect(directory.calls.map((call) => call.operation)).toEqual(['describeSecret']);
  });

  it('looks up only the parameter when kind is parameter', async () => {
    const directory = new FakeMetadataDirectory([SHARED_SECRET], [SHARED_PARAMETER]);
    const change = await resolveManualChange({ ref: 'shared', kind: 'parameter' }, HOME, NOW, directory);
    expect(change).toMatchObject({ kind: 'parameter', arn: SHARED_PARAMETER.arn, versionId: '2' });
    expect(directory.calls.map((call) => call.operation)).toEqual(['describeParameter']);
  });

  it('refuses a secret ARN with kind parameter without looking anything up', async () => {
    const directory = new FakeMetadataDirectory([CURRENT_DB]);
    const error = await rejection(resolveManualChange({ ref: DB_SECRET_ARN, kind: 'parameter' }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(`ref "${DB_SECRET_ARN}" is a secret ARN but kind is "parameter"`);
    expect(directory.calls).toEqual([]);
  });

  it('refuses a parameter ARN with kind secret', async () => {
    const directory = new FakeMetadataDirectory([], [PARAMETER]);
    const error = await rejection(resolveManualChange({ ref: PARAMETER_ARN, kind: 'secret' }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(`ref "${PARAMETER_ARN}" is a parameter ARN but kind is "secret"`);
  });
});

describe('resolveManualChange: not found and malformed refs', () => {
  it('reports a name that is neither a secret nor a parameter as not found', async () => {
    const error = await rejection(resolveManualChange({ ref: 'nope' }, HOME, NOW, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe('no secret or parameter named "nope" was found in us-east-1');
  });

  it('names the kind asked for when it was not found', async () => {
    const error = await rejection(resolveManualChange({ ref: 'nope', kind: 'parameter' }, HOME, NOW, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe('no parameter named "nope" was found in us-east-1');
  });

  it('reports a secret ARN that does not exist as not found in its Region', async () => {
    const error = await rejection(resolveManualChange({ ref: EU_SECRET_ARN }, HOME, NOW, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe(`secret ${EU_SECRET_ARN} was not found in eu-west-1`);
  });

  it('reports a parameter ARN that does not exist as not found', async () => {
    const error = await rejection(resolveManualChange({ ref: PARAMETER_ARN }, HOME, NOW, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe('parameter /a/b was not found in us-east-1');
  });

  it.each([
    ['empty', ''],
    ['a space inside', 'demo/ db'],
    ['a leading space', ' demo/db'],
    ['a trailing newline', 'demo/db\n'],
    ['a tab', 'demo\tdb'],
    ['a control character', 'demo\u0000db'],
    ['longer than 2048 characters', `x${'y'.repeat(2048)}`],
  ])('refuses a ref that is %s without looking anything up', async (_what, ref) => {
    const directory = new FakeMetadataDirectory([CURRENT_DB]);
    const error = await rejection(resolveManualChange({ ref }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe('ref must be a secret or parameter ARN or name, without whitespace, at most 2048 characters');
    expect(directory.calls).toEqual([]);
  });

  it.each([
    ['another service', 'arn:aws:s3:::bucket'],
    ['a malformed account', 'arn:aws:secretsmanager:us-east-1:1234:secret:x'],
  ])('refuses an ARN of %s', async (_what, ref) => {
    const error = await rejection(resolveManualChange({ ref }, HOME, NOW, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(`ref "${ref}" is not a Secrets Manager secret ARN or an SSM parameter ARN`);
  });

  it('refuses a secret ARN in the json-key form', async () => {
    const ref = `${DB_SECRET_ARN}:password::`;
    const directory = new FakeMetadataDirectory([CURRENT_DB]);
    const error = await rejection(resolveManualChange({ ref }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain('is not a secret ARN');
    expect(directory.calls).toEqual([]);
  });
});

describe('resolveManualChange: a parameter whose metadata has no ARN', () => {
  const NO_ARN: ParameterMetadata = { name: '/a/b', version: 4 };

  it("takes the account from the deployment's own account", async () => {
    const change = await resolveManualChange({ ref: '/a/b' }, HOME, NOW, new FakeMetadataDirectory([], [NO_ARN]), async () => ACCOUNT);
    expect(change.account).toBe(ACCOUNT);
    expect(change.arn).toBe(PARAMETER_ARN);
  });

  it('refuses with a clear error instead of matching nothing when no account is known', async () => {
    const error = await rejection(resolveManualChange({ ref: '/a/b' }, HOME, NOW, new FakeMetadataDirectory([], [NO_ARN])));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/SECRET_REFRESH_ACCOUNT_ID/);
  });
});

describe('resolveManualChange: invisible characters', () => {
  it('refuses a ref with a zero-width space', async () => {
    const error = await rejection(resolveManualChange({ ref: 'demo/db\u200b' }, HOME, NOW, new FakeMetadataDirectory([CURRENT_DB])));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe('ref must be a secret or parameter ARN or name, without whitespace, at most 2048 characters');
  });
});

describe('resolveManualChange: managed secrets (rds!…)', () => {
  const RDS_NAME = 'rds!cluster-0f1e2d3c-4b5a-4697-8877-66554433aabb';
  const RDS: SecretMetadata = {
    arn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${RDS_NAME}-Pq78Rs`,
    name: RDS_NAME,
    versionIdsToStages: { [ROTATION_VERSION]: ['AWSCURRENT'] },
  };

  it('refreshes an RDS secret by name, without asking SSM (no parameter can have a "!" in its name)', async () => {
    const directory = new FakeMetadataDirectory([RDS]);
    const change = await resolveManualChange({ ref: RDS_NAME }, HOME, NOW, directory);
    expect(change).toMatchObject({ kind: 'secret', effect: 'new-current-value', name: RDS_NAME, arn: RDS.arn, versionId: ROTATION_VERSION });
    expect(directory.calls).toEqual([{ operation: 'describeSecret', id: RDS_NAME, region: HOME }]);
  });

  it('refreshes an RDS secret by full and by partial ARN', async () => {
    for (const ref of [RDS.arn, RDS.arn.slice(0, -7)]) {
      const change = await resolveManualChange({ ref }, HOME, NOW, new FakeMetadataDirectory([RDS]));
      expect(change, ref).toMatchObject({ kind: 'secret', name: RDS_NAME, arn: RDS.arn });
    }
  });

  it('refuses kind parameter for a name only a secret can have, without any look-up', async () => {
    const directory = new FakeMetadataDirectory([RDS]);
    const error = await rejection(resolveManualChange({ ref: RDS_NAME, kind: 'parameter' }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(`ref "${RDS_NAME}" is not an SSM parameter name (letters, digits, _ . - and /); it is a secret name: use --kind secret`);
    expect(directory.calls).toEqual([]);
  });
});

describe('resolveManualChange: multi-Region replicas', () => {
  const PRIMARY: SecretMetadata = { ...CURRENT_DB, replicas: [{ region: 'eu-west-1', status: 'InSync' }] };
  const REPLICA_ARN = DB_SECRET_ARN.replace('us-east-1', 'eu-west-1');
  const REPLICA: SecretMetadata = { arn: REPLICA_ARN, name: DB_SECRET_NAME, versionIdsToStages: CURRENT_DB.versionIdsToStages, primaryRegion: 'us-east-1' };

  it('a refresh of the primary carries the replica Regions', async () => {
    const change = await resolveManualChange({ ref: DB_SECRET_ARN }, HOME, NOW, new FakeMetadataDirectory([PRIMARY, REPLICA]));
    expect(change).toMatchObject({ region: 'us-east-1', arn: DB_SECRET_ARN, replicaRegions: ['eu-west-1'], warnings: [] });
  });

  it('a refresh of the replica ARN is the refresh of its primary, and says so', async () => {
    const directory = new FakeMetadataDirectory([PRIMARY, REPLICA]);
    const change = await resolveManualChange({ ref: REPLICA_ARN }, HOME, NOW, directory);
    expect(change).toMatchObject({ region: 'us-east-1', arn: DB_SECRET_ARN, versionId: ROTATION_VERSION, replicaRegions: ['eu-west-1'] });
    expect(change.warnings).toEqual([`${REPLICA_ARN} is a replica: refreshed as its primary ${DB_SECRET_ARN}, with the readers of every replica`]);
    expect(directory.calls).toEqual([
      { operation: 'describeSecret', id: REPLICA_ARN, region: 'eu-west-1' },
      { operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' },
    ]);
  });
});

describe('resolveManualChange: refs that are not what they look like', () => {
  it.each([
    [
      'an ARN without a Region',
      `arn:aws:secretsmanager::${ACCOUNT}:secret:demo/orders/db`,
      `ref "arn:aws:secretsmanager::${ACCOUNT}:secret:demo/orders/db" is not a Secrets Manager secret ARN or an SSM parameter ARN`,
    ],
    [
      'an SSM ARN of another resource type',
      `arn:aws:ssm:us-east-1:${ACCOUNT}:document/parameter/a`,
      `ref "arn:aws:ssm:us-east-1:${ACCOUNT}:document/parameter/a" is not a parameter ARN (arn:<partition>:ssm:<region>:<account>:parameter/<name>)`,
    ],
  ])('refuses %s without any look-up', async (_label, ref, message) => {
    const directory = new FakeMetadataDirectory([CURRENT_DB], [PARAMETER]);
    const error = await rejection(resolveManualChange({ ref }, HOME, NOW, directory));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(message);
    expect(directory.calls).toEqual([]);
  });

  it('refuses a ref that is not text (a JSON number in the refresh payload)', async () => {
    const error = await rejection(resolveManualChange({ ref: 42 as unknown as string }, HOME, NOW, new FakeMetadataDirectory()));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe('ref must be a secret or parameter ARN or name, without whitespace, at most 2048 characters');
  });

  it('carries the secret’s tags from DescribeSecret, for the secret-refresh:ignore tag', async () => {
    const tagged = { ...CURRENT_DB, tags: { 'secret-refresh:ignore': 'true' } };
    const change = await resolveManualChange({ ref: DB_SECRET_ARN }, HOME, NOW, new FakeMetadataDirectory([tagged]));
    expect(change.tags).toEqual({ 'secret-refresh:ignore': 'true' });
  });
});

describe('resolveManualChange: replica metadata edge cases', () => {
  it('a secret whose PrimaryRegion is its own Region is its own primary: no second DescribeSecret', async () => {
    const directory = new FakeMetadataDirectory([{ ...CURRENT_DB, primaryRegion: 'us-east-1' }]);
    const change = await resolveManualChange({ ref: DB_SECRET_ARN }, HOME, NOW, directory);
    expect(change).toMatchObject({ arn: DB_SECRET_ARN, region: 'us-east-1', warnings: [] });
    expect(directory.calls).toHaveLength(1);
  });

  it('a replica whose status is not given gets no warning', async () => {
    const directory = new FakeMetadataDirectory([{ ...CURRENT_DB, replicas: [{ region: 'eu-west-1' }] }]);
    const change = await resolveManualChange({ ref: DB_SECRET_ARN }, HOME, NOW, directory);
    expect(change).toMatchObject({ replicaRegions: ['eu-west-1'], warnings: [] });
  });
});
