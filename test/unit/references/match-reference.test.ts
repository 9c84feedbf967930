import { describe, expect, it } from 'vitest';
import { matchReference } from '../../../lib/references/match-reference.js';
import { parseReference } from '../../../lib/references/parse-reference.js';
import type { ChangedResource, ChangeForMatching, Reference, ReferenceContext, ReferenceLocation } from '../../../lib/references/types.js';

const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const P = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
const S = 'arn:aws:ssm:us-east-1:111122223333:parameter/';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';
const HOME: ReferenceContext = CONTEXT;

function ref(value: string, location: ReferenceLocation = 'secrets', context: ReferenceContext = CONTEXT): Reference {
  return parseReference(value, location, context).reference;
}

function secret(name: string, suffix: string | undefined, place: Partial<ReferenceContext> = {}): ChangedResource {
  return { kind: 'secret', ...HOME, ...place, name, ...(suffix === undefined ? {} : { suffix }) };
}

function parameter(key: string, place: Partial<ReferenceContext> = {}): ChangedResource {
  return { kind: 'parameter', ...HOME, ...place, key };
}

function newCurrent(resource: ChangedResource): ChangeForMatching {
  return { resource, effect: 'new-current-value', labels: resource.kind === 'secret' ? ['AWSCURRENT'] : [] };
}

function labelMoved(resource: ChangedResource, ...labels: string[]): ChangeForMatching {
  return { resource, effect: 'label-moved', labels };
}

function deleted(resource: ChangedResource): ChangeForMatching {
  return { resource, effect: 'deleted', labels: [] };
}

const DB = secret('demo/orders/db-credentials', 'Ab12Cd');

describe('matchReference: secret identity', () => {
  it('row 1: a full ARN matches the secret with the same name and suffix', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd`), newCurrent(DB));
    expect(match.impact).toBe('affected');
    expect(match.reason).toContain('new AWSCURRENT value');
  });

  it('row 1: a full ARN does not match a re-created secret with the same name and a new suffix', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd`), newCurrent(secret('demo/orders/db-credentials', 'Zz99Yy')));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('different secret');
  });

  it('row 2: a partial ARN matches the secret by name', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials`), newCurrent(DB)).impact).toBe('affected');
  });

  it('row 2: a partial ARN matches a re-created secret with the same name', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials`), newCurrent(secret('demo/orders/db-credentials', 'Zz99Yy')));
    expect(match.impact).toBe('affected');
  });

  it('row 2: a partial ARN matches a change whose suffix is unknown', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials`), newCurrent(secret('demo/orders/db-credentials', undefined))).impact).toBe('affected');
  });

  it('trap: partial ARN prod/db does not match secret prod/db-replica (suffix AbCdEf)', () => {
    const match = matchReference(ref(`${P}prod/db`), newCurrent(secret('prod/db-replica', 'AbCdEf')));
    expect(match.impact).toBe('unrelated');
  });

  it('trap: partial ARN prod/db-replica does not match secret prod/db', () => {
    expect(matchReference(ref(`${P}prod/db-replica`), newCurrent(secret('prod/db', 'AbCdEf'))).impact).toBe('unrelated');
  });

  it('row 3: a json-key reference on a full ARN is affected by any new current value', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd:password::`), newCurrent(DB));
    expect(match.impact).toBe('affected');
  });

  it('row 3: a json-key reference on a full ARN does not match a re-created secret', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd:password::`), newCurrent(secret('demo/orders/db-credentials', 'Zz99Yy')));
    expect(match.impact).toBe('unrelated');
  });

  it('row 4: a json-key reference on a partial ARN matches by name', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials:password::`), newCurrent(secret('demo/orders/db-credentials', 'Zz99Yy')));
    expect(match.impact).toBe('affected');
  });

  it('row 11: a cross-Region ARN matches a change in its own Region', () => {
    const reference = ref('arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/db-Qw34Er');
    expect(matchReference(reference, newCurrent(secret('shared/db', 'Qw34Er', { region: 'eu-west-1' }))).impact).toBe('affected');
  });

  it("row 11: a cross-Region ARN does not match the same secret name in the workload's Region", () => {
    const reference = ref('arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/db-Qw34Er');
    const match = matchReference(reference, newCurrent(secret('shared/db', 'Qw34Er')));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('Region eu-west-1 ≠ us-east-1');
  });

  it('row 12: a cross-account ARN matches a change in the owner account', () => {
    const reference = ref('arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/db-Qw34Er');
    expect(matchReference(reference, newCurrent(secret('shared/db', 'Qw34Er', { account: '444455556666' }))).impact).toBe('affected');
  });

  it("row 12: a cross-account ARN does not match the same name in the workload's account", () => {
    const reference = ref('arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/db-Qw34Er');
    const match = matchReference(reference, newCurrent(secret('shared/db', 'Qw34Er')));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('account 444455556666 ≠ 111122223333');
  });

  it('row 13: an aws-us-gov reference matches an aws-us-gov change', () => {
    const gov = { partition: 'aws-us-gov', region: 'us-gov-west-1', account: '111122223333' };
    const reference = ref('arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:x-Ab12Cd', 'secrets', gov);
    expect(matchReference(reference, newCurrent(secret('x', 'Ab12Cd', gov))).impact).toBe('affected');
  });

  it('row 13: partitions must be equal even when Region and account strings are equal', () => {
    const reference = ref('arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:x-Ab12Cd');
    const match = matchReference(reference, newCurrent(secret('x', 'Ab12Cd', { region: 'cn-north-1' })));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('partition aws-cn ≠ aws');
  });

  it('row 13: an aws-cn reference matches an aws-cn change', () => {
    const reference = ref('arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:x-Ab12Cd');
    expect(matchReference(reference, newCurrent(secret('x', 'Ab12Cd', { partition: 'aws-cn', region: 'cn-north-1' }))).impact).toBe('affected');
  });

  it('row 14: a Secrets Manager name in secrets never matches the Secrets Manager secret of that name', () => {
    const match = matchReference(ref('demo/orders/db-credentials'), newCurrent(DB));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('reads a parameter');
  });

  it('row 14: a Secrets Manager name in secrets matches only an SSM change to that name', () => {
    expect(matchReference(ref('demo/orders/db-credentials'), newCurrent(parameter('demo/orders/db-credentials'))).impact).toBe('affected');
  });

  it('row 15: a bare name in repositoryCredentials matches the secret with that name in the context', () => {
    const match = matchReference(ref('demo/orders/registry-creds', 'repositoryCredentials'), newCurrent(secret('demo/orders/registry-creds', 'Ab12Cd')));
    expect(match.impact).toBe('affected');
  });

  it('trap: a bare name does not match the same secret name in another Region', () => {
    const match = matchReference(
      ref('demo/orders/registry-creds', 'repositoryCredentials'),
      newCurrent(secret('demo/orders/registry-creds', 'Ab12Cd', { region: 'eu-west-1' })),
    );
    expect(match.impact).toBe('unrelated');
  });

  it('trap: a bare name does not match the same secret name in another account', () => {
    const match = matchReference(
      ref('demo/orders/registry-creds', 'repositoryCredentials'),
      newCurrent(secret('demo/orders/registry-creds', 'Ab12Cd', { account: '444455556666' })),
    );
    expect(match.impact).toBe('unrelated');
  });

  it('row 16: a full ARN in repositoryCredentials matches like row 1', () => {
    const reference = ref(`${P}demo/orders/registry-creds-Ab12Cd`, 'repositoryCredentials');
    expect(matchReference(reference, newCurrent(secret('demo/orders/registry-creds', 'Ab12Cd'))).impact).toBe('affected');
    expect(matchReference(reference, newCurrent(secret('demo/orders/registry-creds', 'Zz99Yy'))).impact).toBe('unrelated');
  });

  it('row 16: a partial ARN in repositoryCredentials matches like row 2', () => {
    const reference = ref(`${P}demo/orders/registry-creds`, 'repositoryCredentials');
    expect(matchReference(reference, newCurrent(secret('demo/orders/registry-creds', 'Zz99Yy'))).impact).toBe('affected');
  });

  it('row 17: app-db-backup matches secret app-db with suffix "backup" (full-ARN reading)', () => {
    expect(matchReference(ref(`${P}app-db-backup`), newCurrent(secret('app-db', 'backup'))).impact).toBe('affected');
  });

  it('row 17: app-db-backup matches secret app-db-backup with any suffix (partial-ARN reading)', () => {
    expect(matchReference(ref(`${P}app-db-backup`), newCurrent(secret('app-db-backup', 'Xy12Zw'))).impact).toBe('affected');
  });

  it('row 17: app-db-backup does not match secret app-db with another suffix', () => {
    expect(matchReference(ref(`${P}app-db-backup`), newCurrent(secret('app-db', 'Ab12Cd'))).impact).toBe('unrelated');
  });
});

describe('matchReference: secret pins', () => {
  it('row 5: an explicit AWSCURRENT stage is affected by a new current value', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::AWSCURRENT:`), newCurrent(DB)).impact).toBe('affected');
  });

  it('row 6: an AWSPREVIOUS pin is previous-changed on a new current value (redeploy is opt-in)', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::AWSPREVIOUS:`), newCurrent(DB));
    expect(match.impact).toBe('previous-changed');
    expect(match.reason).toContain('AWSPREVIOUS');
    expect(match.reason).toContain('opt-in');
  });

  it('row 6: an AWSPREVIOUS pin is unchanged when only a custom label moves', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::AWSPREVIOUS:`), labelMoved(DB, 'blue')).impact).toBe('unchanged');
  });

  it('row 7: a custom stage pin is affected when its label moves', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::blue:`), labelMoved(DB, 'blue'));
    expect(match.impact).toBe('affected');
    expect(match.reason).toContain('"blue"');
  });

  it('row 7: a custom stage pin is unchanged on an AWSCURRENT move', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::blue:`), newCurrent(DB));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('did not move');
  });

  it('row 7: a custom stage pin is unchanged when another custom label moves', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::blue:`), labelMoved(DB, 'green')).impact).toBe('unchanged');
  });

  it('row 7: a custom stage pin is affected when a new current value also carries its label', () => {
    const change: ChangeForMatching = { resource: DB, effect: 'new-current-value', labels: ['AWSCURRENT', 'blue'] };
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::blue:`), change).impact).toBe('affected');
  });

  it('row 7: an AWSCURRENT reference is unchanged when only a custom label moves', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd`), labelMoved(DB, 'blue'));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('AWSCURRENT');
  });

  it('row 8: a version pin is unchanged on a new current value', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd:::${VERSION_ID}`), newCurrent(DB));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain(`pinned to version id ${VERSION_ID}`);
  });

  it('row 8: a version pin is unchanged when a label moves', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd:::${VERSION_ID}`), labelMoved(DB, 'blue')).impact).toBe('unchanged');
  });

  it('row 9: a json key plus AWSPREVIOUS behaves like row 6', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd:username:AWSPREVIOUS:`), newCurrent(DB)).impact).toBe('previous-changed');
  });

  it('row 9: a json key plus a version id behaves like row 8', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd:username::${VERSION_ID}`), newCurrent(DB)).impact).toBe('unchanged');
  });

  it('row 10: an AWSPENDING pin is unchanged on a new current value, flagged as a misconfiguration', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials::AWSPENDING:`), newCurrent(DB));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('misconfiguration');
  });

  it('row 10: an AWSPENDING pin is unchanged even when AWSPENDING is among the moved labels', () => {
    expect(matchReference(ref(`${P}demo/orders/db-credentials::AWSPENDING:`), labelMoved(DB, 'AWSPENDING')).impact).toBe('unchanged');
  });

  it.each([
    ['AWSCURRENT', `${P}demo/orders/db-credentials-Ab12Cd`],
    ['AWSPREVIOUS', `${P}demo/orders/db-credentials-Ab12Cd::AWSPREVIOUS:`],
    ['a custom stage', `${P}demo/orders/db-credentials-Ab12Cd::blue:`],
    ['a version id', `${P}demo/orders/db-credentials-Ab12Cd:::${VERSION_ID}`],
    ['AWSPENDING', `${P}demo/orders/db-credentials::AWSPENDING:`],
  ])('a deleted secret affects a reference pinned to %s (new tasks would fail to start)', (_pin, value) => {
    const match = matchReference(ref(value), deleted(DB));
    expect(match.impact).toBe('affected');
    expect(match.reason).toContain('fail to start');
  });
});

describe('matchReference: SSM parameters', () => {
  it('row 20: a hierarchical name matches a change to the same key in the context', () => {
    const match = matchReference(ref('/demo/orders/db-password'), newCurrent(parameter('demo/orders/db-password')));
    expect(match.impact).toBe('affected');
    expect(match.reason).toContain('new value');
  });

  it('row 20: a deleted parameter affects the reference', () => {
    expect(matchReference(ref('/demo/orders/db-password'), deleted(parameter('demo/orders/db-password'))).impact).toBe('affected');
  });

  it('trap: /a/b does not match a change to /a/b-old', () => {
    const match = matchReference(ref('/a/b'), newCurrent(parameter('a/b-old')));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('different parameter');
  });

  it('row 21: "flat" matches a change to "/flat"', () => {
    expect(matchReference(ref('demo-flat-token'), newCurrent(parameter('/demo-flat-token'))).impact).toBe('affected');
  });

  it('row 21: "/flat" matches a change to "flat"', () => {
    expect(matchReference(ref('/demo-flat-token'), newCurrent(parameter('demo-flat-token'))).impact).toBe('affected');
  });

  it('row 22: an SSM ARN matches a change to the same key, Region, account and partition', () => {
    expect(matchReference(ref(`${S}demo/orders/db-password`), newCurrent(parameter('demo/orders/db-password'))).impact).toBe('affected');
  });

  it('row 23: a flat SSM ARN matches a change to the flat parameter', () => {
    expect(matchReference(ref(`${S}demo-flat-token`), newCurrent(parameter('demo-flat-token'))).impact).toBe('affected');
  });

  it('row 24: a cross-Region SSM ARN matches a change in eu-west-1 and not in us-east-1', () => {
    const reference = ref('arn:aws:ssm:eu-west-1:111122223333:parameter/shared/x');
    expect(matchReference(reference, newCurrent(parameter('shared/x', { region: 'eu-west-1' }))).impact).toBe('affected');
    expect(matchReference(reference, newCurrent(parameter('shared/x'))).impact).toBe('unrelated');
  });

  it('row 25: a shared parameter ARN matches a change in the owner account and not in this account', () => {
    const reference = ref('arn:aws:ssm:us-east-1:444455556666:parameter/shared/x');
    expect(matchReference(reference, newCurrent(parameter('shared/x', { account: '444455556666' }))).impact).toBe('affected');
    expect(matchReference(reference, newCurrent(parameter('shared/x'))).impact).toBe('unrelated');
  });

  it('trap: a bare parameter name does not match the same key in another Region or account', () => {
    expect(matchReference(ref('/demo/x'), newCurrent(parameter('demo/x', { region: 'eu-west-1' }))).impact).toBe('unrelated');
    expect(matchReference(ref('/demo/x'), newCurrent(parameter('demo/x', { account: '444455556666' }))).impact).toBe('unrelated');
  });

  it('row 26: a version selector is unchanged on an update, with reason "selector not supported by ECS / pinned"', () => {
    const match = matchReference(ref('/demo/orders/db-password:3'), newCurrent(parameter('demo/orders/db-password')));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('selector not supported by ECS / pinned');
  });

  it('row 26: a label selector is unchanged on an update', () => {
    expect(matchReference(ref('/demo/orders/db-password:prod'), newCurrent(parameter('demo/orders/db-password'))).impact).toBe('unchanged');
  });

  it('a parameter is not a secret: an SSM reference never matches a Secrets Manager change of the same name', () => {
    expect(matchReference(ref('/demo/x'), newCurrent(secret('/demo/x', 'Ab12Cd'))).impact).toBe('unrelated');
  });

  it('a parameter reference is unchanged when only a label moves', () => {
    expect(matchReference(ref('/demo/x'), labelMoved(parameter('demo/x'), 'prod')).impact).toBe('unchanged');
  });

  it('a double-slash ARN matches the parameter it was normalised to', () => {
    expect(matchReference(ref(`${S}/demo/x`), newCurrent(parameter('demo/x'))).impact).toBe('affected');
  });
});

describe('matchReference: /aws/reference/secretsmanager/ pass-through', () => {
  it('row 27: the pass-through matches a Secrets Manager change of the secret', () => {
    const match = matchReference(ref('/aws/reference/secretsmanager/demo/orders/db-credentials'), newCurrent(DB));
    expect(match.impact).toBe('affected');
  });

  it('row 27: the pass-through never matches an SSM change of the /aws/reference/secretsmanager/ parameter', () => {
    const match = matchReference(
      ref('/aws/reference/secretsmanager/demo/orders/db-credentials'),
      newCurrent(parameter('aws/reference/secretsmanager/demo/orders/db-credentials')),
    );
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('Secrets Manager secret');
  });

  it('row 27: the pass-through name resolves in the context, so a change in another Region is unrelated', () => {
    const match = matchReference(
      ref('/aws/reference/secretsmanager/demo/orders/db-credentials'),
      newCurrent(secret('demo/orders/db-credentials', 'Ab12Cd', { region: 'eu-west-1' })),
    );
    expect(match.impact).toBe('unrelated');
  });

  it("row 28: the pass-through SSM ARN matches a Secrets Manager change in the ARN's Region and account", () => {
    const reference = ref('arn:aws:ssm:eu-west-1:444455556666:parameter/aws/reference/secretsmanager/shared/db');
    const change = newCurrent(secret('shared/db', 'Qw34Er', { region: 'eu-west-1', account: '444455556666' }));
    expect(matchReference(reference, change).impact).toBe('affected');
  });

  it('row 28: the pass-through SSM ARN does not match an SSM change', () => {
    const reference = ref(`${S}aws/reference/secretsmanager/demo/orders/db-credentials`);
    expect(matchReference(reference, newCurrent(parameter('aws/reference/secretsmanager/demo/orders/db-credentials'))).impact).toBe('unrelated');
  });

  it('row 29: a pass-through pinned to AWSPREVIOUS behaves like row 6', () => {
    expect(matchReference(ref('/aws/reference/secretsmanager/demo/orders/db-credentials:AWSPREVIOUS'), newCurrent(DB)).impact).toBe('previous-changed');
  });

  it('row 29: a pass-through pinned to a custom stage behaves like row 7', () => {
    const reference = ref('/aws/reference/secretsmanager/demo/orders/db-credentials:blue');
    expect(matchReference(reference, newCurrent(DB)).impact).toBe('unchanged');
    expect(matchReference(reference, labelMoved(DB, 'blue')).impact).toBe('affected');
  });

  it('row 29: a pass-through pinned to a version id behaves like row 8', () => {
    const match = matchReference(ref(`/aws/reference/secretsmanager/demo/orders/db-credentials:${VERSION_ID}`), newCurrent(DB));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('version id');
  });
});

describe('matchReference: reasons', () => {
  it('names both resources in an unrelated reason', () => {
    const match = matchReference(ref(`${P}prod/db`), newCurrent(secret('prod/db-replica', 'AbCdEf')));
    expect(match.reason).toContain('secret "prod/db"');
    expect(match.reason).toContain('prod/db-replica-AbCdEf');
  });

  it('gives a non-empty reason for every impact', () => {
    const matches = [
      matchReference(ref(`${P}x`), newCurrent(secret('y', 'Ab12Cd'))),
      matchReference(ref(`${P}x`), newCurrent(secret('x', 'Ab12Cd'))),
      matchReference(ref(`${P}x::AWSPREVIOUS:`), newCurrent(secret('x', 'Ab12Cd'))),
      matchReference(ref(`${P}x:::${VERSION_ID}`), newCurrent(secret('x', 'Ab12Cd'))),
    ];
    expect(matches.map((match) => match.impact)).toEqual(['unrelated', 'affected', 'previous-changed', 'unchanged']);
    for (const match of matches) expect(match.reason.length).toBeGreaterThan(20);
  });
});

const RDS_NAME = 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab';
const RDS = secret(RDS_NAME, 'AbCdEf');

describe('matchReference: secrets managed by another AWS service (rds!…), every form', () => {
  it.each<[string, string, ReferenceLocation]>([
    ['row 1: full ARN', `${P}${RDS_NAME}-AbCdEf`, 'secrets'],
    ['row 2: partial ARN', `${P}${RDS_NAME}`, 'secrets'],
    ['row 3: json-key form on the full ARN', `${P}${RDS_NAME}-AbCdEf:password::`, 'secrets'],
    ['row 4: json-key form on the partial ARN', `${P}${RDS_NAME}:username::`, 'secrets'],
    ['row 5: explicit AWSCURRENT', `${P}${RDS_NAME}-AbCdEf::AWSCURRENT:`, 'secrets'],
    ['secretOptions', `${P}${RDS_NAME}-AbCdEf:password::`, 'logConfiguration.secretOptions'],
    ['row 15: repositoryCredentials by name', RDS_NAME, 'repositoryCredentials'],
    ['row 16: repositoryCredentials by ARN', `${P}${RDS_NAME}-AbCdEf`, 'repositoryCredentials'],
    ['row 27: /aws/reference/secretsmanager/rds!…', `/aws/reference/secretsmanager/${RDS_NAME}`, 'secrets'],
    ['row 28: the pass-through as an SSM ARN', `${S}aws/reference/secretsmanager/${RDS_NAME}`, 'secrets'],
  ])('%s is affected by a new AWSCURRENT value of the RDS secret', (_label, value, location) => {
    const match = matchReference(ref(value, location), newCurrent(RDS));
    expect(match.impact).toBe('affected');
    expect(match.reason).toBe(
      `secret "${RDS_NAME}" (full id ${RDS_NAME}-AbCdEf) (aws, us-east-1, 111122223333) has a new AWSCURRENT value, which this reference reads`,
    );
  });

  it('trap: the secret of another RDS instance (another uuid) is unrelated', () => {
    const other = secret('rds!db-99999999-1234-4abc-9def-0123456789ab', 'AbCdEf');
    expect(matchReference(ref(`${P}${RDS_NAME}-AbCdEf:password::`), newCurrent(other)).impact).toBe('unrelated');
  });

  it('trap: the instance secret rds!db-<uuid> never matches the cluster secret rds!cluster-<uuid> of the same uuid', () => {
    const cluster = secret('rds!cluster-3f8a2b1c-1234-4abc-9def-0123456789ab', 'AbCdEf');
    expect(matchReference(ref(`${P}${RDS_NAME}:password::`), newCurrent(cluster)).impact).toBe('unrelated');
  });

  it('row 6: an AWSPREVIOUS pin on the RDS secret is previous-changed on a rotation', () => {
    expect(matchReference(ref(`${P}${RDS_NAME}-AbCdEf::AWSPREVIOUS:`), newCurrent(RDS)).impact).toBe('previous-changed');
  });
});

describe('matchReference: stage plus version id (…::<stage>:<versionId>)', () => {
  const pinned = () => ref(`${P}demo/orders/db-credentials-Ab12Cd::AWSCURRENT:${VERSION_ID}`);
  const NEW_VERSION = '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90';

  it('is pinned (unchanged) when AWSCURRENT moves to another version, warning that new tasks can no longer start', () => {
    const match = matchReference(pinned(), { ...newCurrent(DB), versionId: NEW_VERSION });
    expect(match).toEqual({
      impact: 'unchanged',
      reason:
        `pinned to version id ${VERSION_ID} with staging label AWSCURRENT: its value never changes, so it is not redeployed. ` +
        'Warning: secret "demo/orders/db-credentials" (full id demo/orders/db-credentials-Ab12Cd) (aws, us-east-1, 111122223333) moved ' +
        `AWSCURRENT to version ${NEW_VERSION}, off version ${VERSION_ID}: GetSecretValue now fails for this reference ` +
        'and new tasks can no longer start; name only the stage (or only the version id) in the task definition',
    });
  });

  it('says so, hedged, when the version AWSCURRENT moved to is unknown', () => {
    const match = matchReference(pinned(), newCurrent(DB));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain(`moved AWSCURRENT; unless it is still on version ${VERSION_ID}, GetSecretValue now fails`);
  });

  it('is unchanged, and says new tasks can start again, when AWSCURRENT moves to the pinned version itself', () => {
    const match = matchReference(pinned(), { ...newCurrent(DB), versionId: VERSION_ID });
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('moved AWSCURRENT to that very version, so new tasks can start again');
  });

  it('keeps the standing warning when an unrelated label moves', () => {
    const match = matchReference(pinned(), { ...labelMoved(DB, 'blue'), versionId: NEW_VERSION });
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toMatch(/moved blue\. Warning: once AWSCURRENT moves off version .*, new tasks can no longer start$/);
  });

  it('an AWSPREVIOUS stage with a version id is warned about on every rotation (AWSPREVIOUS moves with AWSCURRENT)', () => {
    const match = matchReference(ref(`${P}demo/orders/db-credentials-Ab12Cd::AWSPREVIOUS:${VERSION_ID}`), { ...newCurrent(DB), versionId: NEW_VERSION });
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toContain('moved AWSPREVIOUS; unless it is still on version');
  });

  it('is affected by a deletion like every reference', () => {
    expect(matchReference(pinned(), deleted(DB)).impact).toBe('affected');
  });
});

describe('matchReference: SSM pass-through selectors that may be a version id or a label', () => {
  const DOC_VERSION_ID = '11111-aaa-bbb-ccc-123456789';

  it('is unchanged on a new AWSCURRENT value: as a version id its value never changes', () => {
    const match = matchReference(ref(`/aws/reference/secretsmanager/demo/orders/db-credentials:${DOC_VERSION_ID}`), newCurrent(DB));
    expect(match.impact).toBe('unchanged');
    expect(match.reason).toBe(
      `pinned to ":${DOC_VERSION_ID}" (a version id or a staging label: the SSM documentation does not say which), which did not move ` +
        '(as a version id its value never changes); secret "demo/orders/db-credentials" (full id demo/orders/db-credentials-Ab12Cd) (aws, us-east-1, 111122223333) moved AWSCURRENT',
    );
  });

  it('is affected when a label with exactly that name moves (then it was a label)', () => {
    const match = matchReference(ref('/aws/reference/secretsmanager/demo/orders/db-credentials:blue'), labelMoved(DB, 'blue'));
    expect(match.impact).toBe('affected');
    expect(match.reason).toContain('moved the label "blue", which this reference reads');
  });
});

describe('matchReference: multi-Region secret replicas', () => {
  const REPLICATED: ChangedResource = { kind: 'secret', ...HOME, name: 'demo/orders/db-credentials', suffix: 'Ab12Cd', replicaRegions: ['eu-west-1'] };
  const REPLICA_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/orders/db-credentials-Ab12Cd';
  const EU: ReferenceContext = { ...CONTEXT, region: 'eu-west-1' };

  it('a reader of the replica ARN (same name and suffix, the replica Region) is affected when the primary changes', () => {
    const match = matchReference(ref(REPLICA_ARN, 'secrets', EU), newCurrent(REPLICATED));
    expect(match.impact).toBe('affected');
    expect(match.reason).toBe(
      'secret "demo/orders/db-credentials" (full id demo/orders/db-credentials-Ab12Cd) (aws, us-east-1, 111122223333) (through its replica in eu-west-1) has a new AWSCURRENT value, which this reference reads',
    );
  });

  it('a reader of the replica by partial ARN, json-key form or pass-through name is affected too', () => {
    for (const value of [
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:demo/orders/db-credentials:password::',
      '/aws/reference/secretsmanager/demo/orders/db-credentials',
    ]) {
      expect(matchReference(ref(value, 'secrets', EU), newCurrent(REPLICATED)).impact, value).toBe('affected');
    }
  });

  it('trap: the same name in a Region that holds no replica is unrelated', () => {
    const match = matchReference(ref(REPLICA_ARN.replace('eu-west-1', 'ap-south-1'), 'secrets', { ...CONTEXT, region: 'ap-south-1' }), newCurrent(REPLICATED));
    expect(match.impact).toBe('unrelated');
    expect(match.reason).toContain('Region ap-south-1 ≠ us-east-1');
  });

  it('trap: a replica Region never makes a parameter or another account match', () => {
    expect(matchReference(ref(REPLICA_ARN.replace('111122223333', '444455556666'), 'secrets', EU), newCurrent(REPLICATED)).impact).toBe('unrelated');
    expect(matchReference(ref('/demo/orders/db-credentials', 'secrets', EU), newCurrent(REPLICATED)).impact).toBe('unrelated');
  });
});

describe('matchReference: gMSA credential specs', () => {
  it('a credential spec in an SSM parameter is affected by a new value of that parameter', () => {
    const match = matchReference(ref(`credentialspec:${S}gmsa/orders-spec`, 'credentialSpecs'), newCurrent(parameter('gmsa/orders-spec')));
    expect(match.impact).toBe('affected');
    expect(match.reason).toBe('parameter "/gmsa/orders-spec" (aws, us-east-1, 111122223333) has a new value, which this reference reads');
  });

  it('trap: a credential spec never matches a secret of the same name', () => {
    expect(matchReference(ref(`credentialspecdomainless:${S}gmsa`, 'credentialSpecs'), newCurrent(secret('gmsa', 'Ab12Cd'))).impact).toBe('unrelated');
  });
});
