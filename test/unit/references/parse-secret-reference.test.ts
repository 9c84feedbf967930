import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../lib/references/parse-reference.js';
import type { ReferenceContext, ReferenceLocation } from '../../../lib/references/types.js';

const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const P = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';

function parse(value: string, location: ReferenceLocation = 'secrets', context: ReferenceContext = CONTEXT) {
  return parseReference(value, location, context);
}

function noteCodes(value: string, location: ReferenceLocation = 'secrets', context: ReferenceContext = CONTEXT) {
  return parse(value, location, context).notes.map((note) => note.code);
}

describe('parseReference: Secrets Manager references', () => {
  it("row 1: a full ARN gives the secret id with its suffix, in the ARN's partition, Region and account, pinned to AWSCURRENT", () => {
    expect(parse(`${P}demo/orders/db-credentials-Ab12Cd`)).toEqual({
      reference: {
        kind: 'secret',
        raw: `${P}demo/orders/db-credentials-Ab12Cd`,
        location: 'secrets',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        secretId: 'demo/orders/db-credentials-Ab12Cd',
        form: 'arn',
        pin: { type: 'current' },
      },
      notes: [],
    });
  });

  it('row 2: a partial ARN gives the secret name as id, pinned to AWSCURRENT', () => {
    const { reference } = parse(`${P}demo/orders/db-credentials`);
    expect(reference).toMatchObject({ kind: 'secret', secretId: 'demo/orders/db-credentials', form: 'arn', pin: { type: 'current' } });
  });

  it('row 3: the json-key form on a full ARN gives the json key and pins AWSCURRENT', () => {
    const { reference, notes } = parse(`${P}demo/orders/db-credentials-Ab12Cd:password::`);
    expect(reference).toMatchObject({
      kind: 'secret',
      secretId: 'demo/orders/db-credentials-Ab12Cd',
      jsonKey: 'password',
      pin: { type: 'current' },
    });
    expect(notes).toEqual([]);
  });

  it('row 4: the json-key form on a partial ARN gives the name and the json key', () => {
    expect(parse(`${P}demo/orders/db-credentials:password::`).reference).toMatchObject({
      secretId: 'demo/orders/db-credentials',
      jsonKey: 'password',
      pin: { type: 'current' },
    });
  });

  it('row 5: an explicit AWSCURRENT stage is the same as no pin, and has no json key', () => {
    const { reference } = parse(`${P}demo/orders/db-credentials-Ab12Cd::AWSCURRENT:`);
    expect(reference).toMatchObject({ secretId: 'demo/orders/db-credentials-Ab12Cd', pin: { type: 'current' } });
    expect(reference).not.toHaveProperty('jsonKey');
  });

  it('row 6: an AWSPREVIOUS stage is a stage pin', () => {
    expect(parse(`${P}demo/orders/db-credentials-Ab12Cd::AWSPREVIOUS:`).reference).toMatchObject({
      pin: { type: 'stage', stage: 'AWSPREVIOUS' },
    });
  });

  it('row 7: a custom stage is a stage pin to that label', () => {
    expect(parse(`${P}demo/orders/db-credentials-Ab12Cd::blue:`).reference).toMatchObject({
      pin: { type: 'stage', stage: 'blue' },
    });
  });

  it('row 8: a version id is a version pin', () => {
    expect(parse(`${P}demo/orders/db-credentials-Ab12Cd:::${VERSION_ID}`).reference).toMatchObject({
      pin: { type: 'version', versionId: VERSION_ID },
    });
  });

  it('row 9: a json key plus a stage gives both', () => {
    expect(parse(`${P}demo/orders/db-credentials-Ab12Cd:username:AWSPREVIOUS:`).reference).toMatchObject({
      jsonKey: 'username',
      pin: { type: 'stage', stage: 'AWSPREVIOUS' },
    });
  });

  it('row 9: a json key plus a version id gives both', () => {
    expect(parse(`${P}demo/orders/db-credentials-Ab12Cd:username::${VERSION_ID}`).reference).toMatchObject({
      jsonKey: 'username',
      pin: { type: 'version', versionId: VERSION_ID },
    });
  });

  it('row 10: an AWSPENDING pin parses and is flagged as a likely misconfiguration', () => {
    const { reference, notes } = parse(`${P}demo/orders/db-credentials::AWSPENDING:`);
    expect(reference).toMatchObject({ pin: { type: 'stage', stage: 'AWSPENDING' } });
    expect(notes.map((note) => note.code)).toEqual(['awspending-pin']);
    expect(notes[0]?.message).toContain('misconfiguration');
  });

  it('row 11: a cross-Region ARN takes its Region from the ARN and gets a cross-region note', () => {
    const { reference, notes } = parse('arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/db-Qw34Er');
    expect(reference).toMatchObject({ region: 'eu-west-1', account: '111122223333', secretId: 'shared/db-Qw34Er' });
    expect(notes.map((note) => note.code)).toEqual(['cross-region']);
    expect(notes[0]?.message).toContain('forwarded');
    expect(notes[0]?.message).toContain('eu-west-1');
  });

  it('row 12: a cross-account ARN takes its account from the ARN and gets a cross-account note', () => {
    const { reference, notes } = parse('arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/db-Qw34Er');
    expect(reference).toMatchObject({ region: 'us-east-1', account: '444455556666' });
    expect(notes.map((note) => note.code)).toEqual(['cross-account']);
    expect(notes[0]?.message).toContain('444455556666');
  });

  it('row 11/12: an ARN in another Region and account gets both notes', () => {
    expect(noteCodes('arn:aws:secretsmanager:eu-west-1:444455556666:secret:shared/db-Qw34Er')).toEqual(['cross-region', 'cross-account']);
  });

  it('row 13: an aws-us-gov ARN keeps its partition, and has no notes in an aws-us-gov context', () => {
    const govContext = { partition: 'aws-us-gov', region: 'us-gov-west-1', account: '111122223333' };
    const parsed = parse('arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:x-Ab12Cd', 'secrets', govContext);
    expect(parsed.reference).toMatchObject({ partition: 'aws-us-gov', region: 'us-gov-west-1', secretId: 'x-Ab12Cd' });
    expect(parsed.notes).toEqual([]);
  });

  it('row 13: an aws-cn ARN keeps its partition', () => {
    expect(parse('arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:x-Ab12Cd').reference).toMatchObject({
      partition: 'aws-cn',
      region: 'cn-north-1',
    });
  });

  it('row 13: an other-partition ARN from an aws context is flagged cross-region, naming the partition', () => {
    const { notes } = parse('arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:x-Ab12Cd');
    expect(notes.map((note) => note.code)).toEqual(['cross-region']);
    expect(notes[0]?.message).toContain('aws-cn');
  });

  it('row 15: a bare secret name in repositoryCredentials is a Secrets Manager name in the context', () => {
    expect(parse('demo/orders/registry-creds', 'repositoryCredentials')).toEqual({
      reference: {
        kind: 'secret',
        raw: 'demo/orders/registry-creds',
        location: 'repositoryCredentials',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        secretId: 'demo/orders/registry-creds',
        form: 'name',
        pin: { type: 'current' },
      },
      notes: [],
    });
  });

  it('row 15: a bare name in repositoryCredentials inherits an aws-cn context', () => {
    const cn = { partition: 'aws-cn', region: 'cn-north-1', account: '111122223333' };
    expect(parse('registry-creds', 'repositoryCredentials', cn).reference).toMatchObject({
      partition: 'aws-cn',
      region: 'cn-north-1',
      form: 'name',
    });
  });

  it('row 15: a /aws/reference/secretsmanager/ value in repositoryCredentials is read verbatim as a secret name', () => {
    expect(parse('/aws/reference/secretsmanager/registry', 'repositoryCredentials').reference).toMatchObject({
      kind: 'secret',
      form: 'name',
      secretId: '/aws/reference/secretsmanager/registry',
    });
  });

  it('row 16: a full ARN in repositoryCredentials is a secret reference', () => {
    expect(parse(`${P}demo/orders/registry-creds-Ab12Cd`, 'repositoryCredentials').reference).toMatchObject({
      kind: 'secret',
      form: 'arn',
      secretId: 'demo/orders/registry-creds-Ab12Cd',
      location: 'repositoryCredentials',
    });
  });

  it('row 16: a partial ARN in repositoryCredentials is a secret reference', () => {
    expect(parse(`${P}demo/orders/registry-creds`, 'repositoryCredentials').reference).toMatchObject({
      secretId: 'demo/orders/registry-creds',
    });
  });

  it('row 16: a json-key suffix in repositoryCredentials is not parsed but rejected', () => {
    expect(() => parse(`${P}demo/orders/registry-creds-Ab12Cd:password::`, 'repositoryCredentials')).toThrow(/not supported here/);
  });

  it('row 17: an ambiguous id (app-db-backup) is kept as written', () => {
    expect(parse(`${P}app-db-backup`).reference).toMatchObject({ secretId: 'app-db-backup', form: 'arn' });
  });

  it('logConfiguration.secretOptions accepts the json-key form like secrets', () => {
    expect(parse(`${P}splunk-token-Ab12Cd:token::`, 'logConfiguration.secretOptions').reference).toMatchObject({
      location: 'logConfiguration.secretOptions',
      jsonKey: 'token',
    });
  });

  it('fsxWindowsFileServer accepts a secret ARN', () => {
    expect(parse(`${P}fsx/admin-Ab12Cd`, 'fsxWindowsFileServer').reference).toMatchObject({
      kind: 'secret',
      secretId: 'fsx/admin-Ab12Cd',
      location: 'fsxWindowsFileServer',
    });
  });

  it('keeps secret names with every character Secrets Manager allows', () => {
    expect(parse(`${P}a/b_c+d=e.f@g-h`).reference).toMatchObject({ secretId: 'a/b_c+d=e.f@g-h' });
  });
});

/** An RDS master user secret (ManageMasterUserPassword): named by RDS with its service id and "!". */
const RDS_NAME = 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab';
const RDS_CLUSTER_NAME = 'rds!cluster-0f1e2d3c-4b5a-4697-8877-66554433aabb';

describe('parseReference: secrets managed by another AWS service (<service>!…), every form', () => {
  it('row 1: a full ARN of an RDS master user secret gives the id with its suffix', () => {
    expect(parse(`${P}${RDS_NAME}-AbCdEf`)).toEqual({
      reference: {
        kind: 'secret',
        raw: `${P}${RDS_NAME}-AbCdEf`,
        location: 'secrets',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        secretId: `${RDS_NAME}-AbCdEf`,
        form: 'arn',
        pin: { type: 'current' },
      },
      notes: [],
    });
  });

  it('row 2: a partial ARN of an RDS cluster secret gives the name', () => {
    expect(parse(`${P}${RDS_CLUSTER_NAME}`).reference).toMatchObject({ secretId: RDS_CLUSTER_NAME, form: 'arn', pin: { type: 'current' } });
  });

  it('row 3: the json-key form (Terraform master_user_secret[0].secret_arn + ":password::") gives the json key', () => {
    const { reference, notes } = parse(`${P}${RDS_NAME}-AbCdEf:password::`);
    expect(reference).toMatchObject({ secretId: `${RDS_NAME}-AbCdEf`, jsonKey: 'password', pin: { type: 'current' } });
    expect(notes).toEqual([]);
  });

  it('row 4: the json-key form on a partial ARN gives the name and the key', () => {
    expect(parse(`${P}${RDS_NAME}:username::`).reference).toMatchObject({ secretId: RDS_NAME, jsonKey: 'username' });
  });

  it('rows 6 and 8: stage and version pins work on managed names', () => {
    expect(parse(`${P}${RDS_NAME}-AbCdEf::AWSPREVIOUS:`).reference).toMatchObject({ pin: { type: 'stage', stage: 'AWSPREVIOUS' } });
    expect(parse(`${P}${RDS_NAME}-AbCdEf:password::${VERSION_ID}`).reference).toMatchObject({
      jsonKey: 'password',
      pin: { type: 'version', versionId: VERSION_ID },
    });
  });

  it('row 11: a managed secret in another Region gets the cross-region note', () => {
    const { reference, notes } = parse(`arn:aws:secretsmanager:eu-west-1:111122223333:secret:${RDS_NAME}-AbCdEf:password::`);
    expect(reference).toMatchObject({ region: 'eu-west-1', secretId: `${RDS_NAME}-AbCdEf` });
    expect(notes.map((note) => note.code)).toEqual(['cross-region']);
  });

  it('logConfiguration.secretOptions reads a managed secret ARN', () => {
    expect(parse(`${P}${RDS_NAME}-AbCdEf:password::`, 'logConfiguration.secretOptions').reference).toMatchObject({
      location: 'logConfiguration.secretOptions',
      secretId: `${RDS_NAME}-AbCdEf`,
      jsonKey: 'password',
    });
  });

  it('row 15: repositoryCredentials accepts a managed secret by name', () => {
    expect(parse(RDS_NAME, 'repositoryCredentials').reference).toMatchObject({ kind: 'secret', form: 'name', secretId: RDS_NAME });
  });

  it('row 16: repositoryCredentials accepts a managed secret by full ARN', () => {
    expect(parse(`${P}${RDS_NAME}-AbCdEf`, 'repositoryCredentials').reference).toMatchObject({ form: 'arn', secretId: `${RDS_NAME}-AbCdEf` });
  });

  it('fsxWindowsFileServer accepts a managed secret ARN', () => {
    expect(parse(`${P}${RDS_NAME}-AbCdEf`, 'fsxWindowsFileServer').reference).toMatchObject({ kind: 'secret', secretId: `${RDS_NAME}-AbCdEf` });
  });

  it.each([
    ['an EventBridge connection secret', 'events!connection/orders-api/8f5e6d4c-3b2a-4190-8f7e-6d5c4b3a2910'],
    ['a Redshift admin secret', 'redshift!cluster-analytics-admin'],
    ['a managed name with characters outside the user alphabet after "!"', 'newservice!x#y~z'],
  ])('accepts %s, whatever AWS put after its "<service>!" prefix (except ":" and invisible characters)', (_label, name) => {
    expect(parse(`${P}${name}-AbCdEf`).reference).toMatchObject({ secretId: `${name}-AbCdEf` });
  });

  it('a bare managed name in secrets is read as an SSM name (row 14) and flagged as not a valid parameter name', () => {
    const { reference, notes } = parse(RDS_NAME);
    expect(reference).toMatchObject({ kind: 'parameter', key: RDS_NAME });
    expect(notes.map((note) => note.code)).toEqual(['secret-name-in-secrets', 'invalid-parameter-name']);
  });
});

describe('parseReference: stage plus version id (…::AWSCURRENT:<versionId>, emitted by the CDK)', () => {
  it('row 5 + 8: parses as a version pin that keeps its stage, with a warning note, never an error', () => {
    const { reference, notes } = parse(`${P}demo/orders/db-credentials-Ab12Cd::AWSCURRENT:${VERSION_ID}`);
    expect(reference).toMatchObject({ pin: { type: 'version', versionId: VERSION_ID, stage: 'AWSCURRENT' } });
    expect(reference).not.toHaveProperty('jsonKey');
    expect(notes).toEqual([
      {
        code: 'stage-and-version-pin',
        message:
          `pinned to version id ${VERSION_ID} and staging label AWSCURRENT: its value never changes, and once AWSCURRENT ` +
          'moves off that version GetSecretValue fails, so new tasks can no longer start; name only the stage (or only the version id) in the task definition',
      },
    ]);
  });

  it('row 9: a json key with a stage and a version id keeps all three', () => {
    expect(parse(`${P}${RDS_NAME}-AbCdEf:password:AWSPREVIOUS:${VERSION_ID}`).reference).toMatchObject({
      secretId: `${RDS_NAME}-AbCdEf`,
      jsonKey: 'password',
      pin: { type: 'version', versionId: VERSION_ID, stage: 'AWSPREVIOUS' },
    });
  });

  it('a custom stage with a version id is a version pin too', () => {
    expect(parse(`${P}db-Ab12Cd::blue:${VERSION_ID}`).notes.map((note) => note.code)).toEqual(['stage-and-version-pin']);
  });
});
