import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../lib/references/parse-reference.js';
import type { ReferenceContext, ReferenceLocation } from '../../../lib/references/types.js';

const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const S = 'arn:aws:ssm:us-east-1:111122223333:parameter/';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';

function parse(value: string, location: ReferenceLocation = 'secrets', context: ReferenceContext = CONTEXT) {
  return parseReference(value, location, context);
}

describe('parseReference: SSM parameter references', () => {
  it('row 14: a Secrets Manager-style name in secrets is an SSM parameter name, flagged as unsupported and invalid', () => {
    const { reference, notes } = parse('demo/orders/db-credentials');
    expect(reference).toEqual({
      kind: 'parameter',
      raw: 'demo/orders/db-credentials',
      location: 'secrets',
      partition: 'aws',
      region: 'us-east-1',
      account: '111122223333',
      key: 'demo/orders/db-credentials',
    });
    expect(notes.map((note) => note.code)).toEqual(['secret-name-in-secrets', 'invalid-parameter-name']);
    expect(notes[0]?.message).toContain('unsupported by ECS');
    expect(notes[1]?.message).toContain('must start with "/"');
  });

  it('row 14: a name with characters only a secret may have (@) is flagged the same way', () => {
    expect(parse('db@prod').notes.map((note) => note.code)).toEqual(['secret-name-in-secrets', 'invalid-parameter-name']);
  });

  it('row 20: a hierarchical name resolves in the context with its leading "/" stripped', () => {
    expect(parse('/demo/orders/db-password')).toEqual({
      reference: {
        kind: 'parameter',
        raw: '/demo/orders/db-password',
        location: 'secrets',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        key: 'demo/orders/db-password',
      },
      notes: [],
    });
  });

  it('row 21: a flat name is its own key and has no notes', () => {
    const { reference, notes } = parse('demo-flat-token');
    expect(reference).toMatchObject({ kind: 'parameter', key: 'demo-flat-token', region: 'us-east-1' });
    expect(notes).toEqual([]);
  });

  it('row 21: "/flat" and "flat" give the same key', () => {
    expect(parse('/demo-flat-token').reference).toMatchObject({ key: 'demo-flat-token' });
  });

  it('row 22: an SSM ARN gives the key after "parameter/"', () => {
    const { reference, notes } = parse(`${S}demo/orders/db-password`);
    expect(reference).toEqual({
      kind: 'parameter',
      raw: `${S}demo/orders/db-password`,
      location: 'secrets',
      partition: 'aws',
      region: 'us-east-1',
      account: '111122223333',
      key: 'demo/orders/db-password',
    });
    expect(notes).toEqual([]);
  });

  it('row 23: a flat SSM ARN gives the flat key', () => {
    expect(parse(`${S}demo-flat-token`).reference).toMatchObject({ kind: 'parameter', key: 'demo-flat-token' });
  });

  it("row 24: a cross-Region SSM ARN resolves in the ARN's Region and gets a cross-region note", () => {
    const { reference, notes } = parse('arn:aws:ssm:eu-west-1:111122223333:parameter/shared/x');
    expect(reference).toMatchObject({ kind: 'parameter', key: 'shared/x', region: 'eu-west-1', account: '111122223333' });
    expect(notes.map((note) => note.code)).toEqual(['cross-region']);
  });

  it('row 25: a shared parameter ARN resolves in the owner account and gets a cross-account note', () => {
    const { reference, notes } = parse('arn:aws:ssm:us-east-1:444455556666:parameter/shared/x');
    expect(reference).toMatchObject({ key: 'shared/x', region: 'us-east-1', account: '444455556666' });
    expect(notes.map((note) => note.code)).toEqual(['cross-account']);
  });

  it('row 26: a version selector parses into key plus selector with an ssm-selector note', () => {
    const { reference, notes } = parse('/demo/orders/db-password:3');
    expect(reference).toMatchObject({ kind: 'parameter', key: 'demo/orders/db-password', selector: '3' });
    expect(notes.map((note) => note.code)).toEqual(['ssm-selector']);
    expect(notes[0]?.message).toContain('#859');
  });

  it('row 26: a label selector parses into key plus selector', () => {
    expect(parse('/demo/orders/db-password:prod').reference).toMatchObject({ key: 'demo/orders/db-password', selector: 'prod' });
  });

  it('row 26: a selector on an SSM ARN parses too', () => {
    expect(parse(`${S}demo/orders/db-password:3`).reference).toMatchObject({ key: 'demo/orders/db-password', selector: '3' });
  });

  it('row 27: /aws/reference/secretsmanager/<name> is a Secrets Manager reference in the context', () => {
    expect(parse('/aws/reference/secretsmanager/demo/orders/db-credentials')).toEqual({
      reference: {
        kind: 'secret',
        raw: '/aws/reference/secretsmanager/demo/orders/db-credentials',
        location: 'secrets',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        secretId: 'demo/orders/db-credentials',
        form: 'ssm-pass-through',
        pin: { type: 'current' },
      },
      notes: [],
    });
  });

  it('row 28: the pass-through as an SSM ARN takes Region and account from the ARN', () => {
    const { reference, notes } = parse('arn:aws:ssm:eu-west-1:444455556666:parameter/aws/reference/secretsmanager/demo/orders/db-credentials');
    expect(reference).toMatchObject({
      kind: 'secret',
      form: 'ssm-pass-through',
      secretId: 'demo/orders/db-credentials',
      region: 'eu-west-1',
      account: '444455556666',
      pin: { type: 'current' },
    });
    expect(notes.map((note) => note.code)).toEqual(['cross-region', 'cross-account']);
  });

  it('row 28: the pass-through as a same-Region SSM ARN has no notes', () => {
    const { reference, notes } = parse(`${S}aws/reference/secretsmanager/demo/orders/db-credentials`);
    expect(reference).toMatchObject({ kind: 'secret', secretId: 'demo/orders/db-credentials', region: 'us-east-1' });
    expect(notes).toEqual([]);
  });

  it('row 29: a pass-through with :AWSPREVIOUS is a stage pin, flagged as an unverified selector', () => {
    const { reference, notes } = parse('/aws/reference/secretsmanager/demo/orders/db-credentials:AWSPREVIOUS');
    expect(reference).toMatchObject({
      kind: 'secret',
      secretId: 'demo/orders/db-credentials',
      pin: { type: 'stage', stage: 'AWSPREVIOUS' },
    });
    expect(notes.map((note) => note.code)).toEqual(['ssm-selector']);
    expect(notes[0]?.message).toContain('unverified');
  });

  it('row 29: a pass-through with a UUID-shaped suffix is a version pin', () => {
    expect(parse(`/aws/reference/secretsmanager/demo/orders/db-credentials:${VERSION_ID}`).reference).toMatchObject({
      pin: { type: 'version', versionId: VERSION_ID },
    });
  });

  it('row 29: a pass-through with :AWSCURRENT reads AWSCURRENT', () => {
    expect(parse('/aws/reference/secretsmanager/db:AWSCURRENT').reference).toMatchObject({ pin: { type: 'current' } });
  });

  it('row 29: a pass-through with :AWSPENDING gets the awspending-pin note', () => {
    expect(parse('/aws/reference/secretsmanager/db:AWSPENDING').notes.map((note) => note.code)).toEqual(['awspending-pin', 'ssm-selector']);
  });

  it('a double slash after "parameter/" is normalised to the key and flagged, not rejected', () => {
    const { reference, notes } = parse(`${S}/demo/x`);
    expect(reference).toMatchObject({ kind: 'parameter', key: 'demo/x' });
    expect(notes.map((note) => note.code)).toEqual(['double-slash-arn']);
  });

  it('logConfiguration.secretOptions reads a non-ARN value as an SSM name too', () => {
    expect(parse('/demo/splunk-token', 'logConfiguration.secretOptions').reference).toMatchObject({
      kind: 'parameter',
      key: 'demo/splunk-token',
      location: 'logConfiguration.secretOptions',
    });
  });

  it('fsxWindowsFileServer accepts an SSM parameter ARN', () => {
    expect(parse(`${S}fsx/admin`, 'fsxWindowsFileServer').reference).toMatchObject({
      kind: 'parameter',
      key: 'fsx/admin',
    });
  });

  it('an aws-us-gov SSM ARN keeps its partition', () => {
    expect(parse('arn:aws-us-gov:ssm:us-gov-east-1:111122223333:parameter/x').reference).toMatchObject({
      partition: 'aws-us-gov',
      region: 'us-gov-east-1',
      key: 'x',
    });
  });

  it('a bare name inherits an aws-cn context', () => {
    const cn = { partition: 'aws-cn', region: 'cn-northwest-1', account: '111122223333' };
    expect(parse('/demo/x', 'secrets', cn).reference).toMatchObject({ partition: 'aws-cn', region: 'cn-northwest-1' });
  });
});

describe('parseReference: /aws/reference/secretsmanager/ with a managed secret (rds!…)', () => {
  const RDS_NAME = 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab';

  it('row 27: the pass-through of an RDS secret is a secret reference, with no invalid-parameter-name note', () => {
    expect(parse(`/aws/reference/secretsmanager/${RDS_NAME}`)).toEqual({
      reference: {
        kind: 'secret',
        raw: `/aws/reference/secretsmanager/${RDS_NAME}`,
        location: 'secrets',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        secretId: RDS_NAME,
        form: 'ssm-pass-through',
        pin: { type: 'current' },
      },
      notes: [],
    });
  });

  it('row 28: the pass-through of an RDS secret as an SSM ARN', () => {
    const { reference, notes } = parse(`${S}aws/reference/secretsmanager/${RDS_NAME}`);
    expect(reference).toMatchObject({ kind: 'secret', form: 'ssm-pass-through', secretId: RDS_NAME });
    expect(notes).toEqual([]);
  });

  it('row 29: the pass-through of an RDS secret with :AWSPREVIOUS is a stage pin', () => {
    expect(parse(`/aws/reference/secretsmanager/${RDS_NAME}:AWSPREVIOUS`, 'logConfiguration.secretOptions').reference).toMatchObject({
      secretId: RDS_NAME,
      pin: { type: 'stage', stage: 'AWSPREVIOUS' },
    });
  });
});

describe('parseReference: SSM pass-through selectors, decided by the SSM documentation', () => {
  // "Reference that includes the version ID": the SSM user guide's own example is not UUID-shaped.
  const DOC_VERSION_ID = '11111-aaa-bbb-ccc-123456789';

  it.each(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING'])('Secrets Manager label %s is a stage, never a version id', (label) => {
    const { reference } = parse(`/aws/reference/secretsmanager/db:${label}`);
    expect(reference).toMatchObject({ pin: label === 'AWSCURRENT' ? { type: 'current' } : { type: 'stage', stage: label } });
  });

  it('a UUID-shaped selector is a version id', () => {
    expect(parse(`/aws/reference/secretsmanager/db:${VERSION_ID}`).reference).toMatchObject({ pin: { type: 'version', versionId: VERSION_ID } });
  });

  it('a selector with a character a stage may not have there (only letters, digits, . - _) is a version id', () => {
    expect(parse('/aws/reference/secretsmanager/db:a1b2+c3d4=e5f6/g7h8@i9j0k1l2m3n4o5p6').reference).toMatchObject({
      pin: { type: 'version', versionId: 'a1b2+c3d4=e5f6/g7h8@i9j0k1l2m3n4o5p6' },
    });
  });

  it("the documentation's own non-UUID version id is never misread as a label: it is kept as version id or label", () => {
    const { reference, notes } = parse(`/aws/reference/secretsmanager/db:${DOC_VERSION_ID}`);
    expect(reference).toMatchObject({ pin: { type: 'version-or-stage', selector: DOC_VERSION_ID } });
    expect(notes.map((note) => note.code)).toEqual(['ambiguous-selector', 'ssm-selector']);
    expect(notes[0]?.message).toBe(
      `":${DOC_VERSION_ID}" may be a version id or a staging label (the SSM documentation gives both the same syntax): ` +
        `it is redeployed only when a label named "${DOC_VERSION_ID}" moves`,
    );
  });

  it('a custom label (blue) is kept as version id or label too', () => {
    expect(parse('/aws/reference/secretsmanager/db:blue').reference).toMatchObject({ pin: { type: 'version-or-stage', selector: 'blue' } });
  });
});

describe('parseReference: gMSA credential specs (location credentialSpecs)', () => {
  it('credentialspec:<SSM parameter ARN> is a parameter reference that keeps the entry as written', () => {
    expect(parse(`credentialspec:${S}gmsa/orders-spec`, 'credentialSpecs')).toEqual({
      reference: {
        kind: 'parameter',
        raw: `credentialspec:${S}gmsa/orders-spec`,
        location: 'credentialSpecs',
        partition: 'aws',
        region: 'us-east-1',
        account: '111122223333',
        key: 'gmsa/orders-spec',
      },
      notes: [],
    });
  });

  it('credentialspecdomainless:<SSM parameter ARN> (domainless gMSA) is a parameter reference', () => {
    expect(parse(`credentialspecdomainless:${S}gmsa-domainless`, 'credentialSpecs').reference).toMatchObject({
      kind: 'parameter',
      key: 'gmsa-domainless',
      location: 'credentialSpecs',
    });
  });

  it('a credential spec in another Region takes the Region of its ARN and gets the cross-region note', () => {
    const { reference, notes } = parse('credentialspec:arn:aws:ssm:eu-west-1:111122223333:parameter/gmsa/spec', 'credentialSpecs');
    expect(reference).toMatchObject({ region: 'eu-west-1', key: 'gmsa/spec' });
    expect(notes.map((note) => note.code)).toEqual(['cross-region']);
  });
});
