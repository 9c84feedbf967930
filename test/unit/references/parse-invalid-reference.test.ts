import { describe, expect, it } from 'vitest';
import { ReferenceParseError } from '../../../lib/errors.js';
import { parseReference, safeParseReference } from '../../../lib/references/parse-reference.js';
import type { ReferenceContext, ReferenceLocation } from '../../../lib/references/types.js';

const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const P = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
const S = 'arn:aws:ssm:us-east-1:111122223333:parameter/';

/** The error parseReference throws for `value`, so that its class, value and message can be asserted. */
function parseError(value: string, location: ReferenceLocation = 'secrets'): ReferenceParseError {
  const result = safeParseReference(value, location, CONTEXT);
  if (result.success) throw new Error(`expected "${value}" to be rejected, got ${JSON.stringify(result.data)}`);
  return result.error;
}

describe('parseReference: invalid input', () => {
  it('invalid: a secret ARN with 3 parts (secret:name:key) is rejected like the ECS agent does', () => {
    const error = parseError(`${P}name:key`);
    expect(error).toBeInstanceOf(ReferenceParseError);
    expect(error.value).toBe(`${P}name:key`);
    expect(error.message).toContain('an invalid ARN format for the AWS Secrets Manager secret was specified');
  });

  it('invalid: a secret ARN with 4 parts is rejected', () => {
    expect(parseError(`${P}name:key:AWSCURRENT`).message).toContain('3 ":"-separated parts');
  });

  it('invalid: a secret ARN with 6 parts is rejected', () => {
    expect(parseError(`${P}name:key:AWSCURRENT::extra`).message).toContain('5 ":"-separated parts');
  });

  it.each([
    ['a zero-width space', `${P}rds!db-3f8a\u200B2b1c-AbCdEf`],
    ['a NUL', `${P}rds!db-3f8a\u00002b1c-AbCdEf`],
    ['a right-to-left override', `${P}rds!db-\u202E3f8a-AbCdEf`],
  ])('invalid: a managed secret name with %s is rejected like any other', (_label, value) => {
    expect(parseError(value).message).toContain('invisible character');
  });

  it.each([
    ['nothing before "!"', `${P}!db-3f8a2b1c-AbCdEf`],
    ['a service id with "/"', `${P}rds/x!db-3f8a2b1c-AbCdEf`],
    ['nothing after "!"', `${P}rds!`],
  ])('invalid: a "!" name with %s is not a managed secret name', (_label, value) => {
    expect(parseError(value).message).toContain('not a valid secret name');
  });

  it('invalid: a managed secret name with a 3-part json-key tail is rejected like any other', () => {
    expect(parseError(`${P}rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab-AbCdEf:password`).message).toContain(
      'an invalid ARN format for the AWS Secrets Manager secret was specified',
    );
  });

  it('invalid: a credential spec entry that is not credentialspec:<SSM parameter ARN> is rejected', () => {
    expect(parseError('credentialspec:file://gmsa.json', 'credentialSpecs').message).toContain(
      'expected credentialspec:<SSM parameter ARN> or credentialspecdomainless:<SSM parameter ARN>',
    );
    expect(parseError('credentialspec:arn:aws:s3:::bucket/gmsa.json', 'credentialSpecs').message).toContain(
      'only an SSM parameter ARN in a credential spec is a reference',
    );
  });

  it('invalid: a credential spec with a malformed SSM ARN is rejected naming the entry as written', () => {
    const entry = 'credentialspecdomainless:arn:aws:ssm:us-east-1:1111:parameter/gmsa';
    const error = parseError(entry, 'credentialSpecs');
    expect(error.value).toBe(entry);
    expect(error.message).toBe(
      `credential spec "${entry}" in credentialSpecs: "arn:aws:ssm:us-east-1:1111:parameter/gmsa" has an invalid account field "1111": expected 12 digits`,
    );
  });

  it('invalid: a json-key form with no secret name is rejected', () => {
    expect(parseError(`${P}:password::`).message).toContain('secret name is empty');
  });

  it('invalid: a Secrets Manager ARN that is not a secret ARN is rejected', () => {
    expect(parseError('arn:aws:secretsmanager:us-east-1:111122223333:rotation:x').message).toContain('not a secret ARN');
  });

  it('invalid: a secret name with characters a secret cannot have is rejected', () => {
    expect(parseError(`${P}db#1`).message).toContain('not a valid secret name');
  });

  it.each([
    ['s3', 'arn:aws:s3:::my-bucket/secret.env'],
    ['kms', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['ssm-incidents', 'arn:aws:ssm-incidents::111122223333:response-plan/x'],
  ])('invalid: an ARN of another service (%s) is rejected', (service, value) => {
    expect(parseError(value).message).toContain(`service "${service}"`);
  });

  it('invalid: an SSM ARN that is not a parameter ARN is rejected', () => {
    expect(parseError('arn:aws:ssm:us-east-1:111122223333:document/x').message).toContain('not a parameter ARN');
  });

  it('invalid: a parameter ARN with no name is rejected', () => {
    expect(parseError(S).message).toContain('no parameter name');
  });

  it('invalid: a parameter ARN with only slashes after "parameter/" is rejected', () => {
    expect(parseError(`${S}/`).message).toContain('no parameter name');
  });

  it('invalid: a secret ARN without a Region is rejected', () => {
    expect(parseError('arn:aws:secretsmanager::111122223333:secret:x').message).toContain('no Region');
  });

  it('invalid: an empty string is rejected', () => {
    expect(parseError('').message).toContain('empty');
  });

  it.each([
    ['a space inside', '/demo/db password'],
    ['a trailing newline', '/demo/db-password\n'],
    ['a leading space', ` ${P}db-Ab12Cd`],
    ['a tab', '/demo/\tx'],
    ['a control character', '/demo/x\u0007'],
    ['a zero-width space', '/demo/x\u200B'],
    ['a non-breaking space', '/demo/x\u00A0'],
  ])('invalid: a value with %s is rejected', (_why, value) => {
    expect(parseError(value).message).toContain('whitespace or an invisible character');
  });

  it('invalid: an empty name with only "/" is rejected', () => {
    expect(parseError('/').message).toContain('name is empty');
  });

  it('invalid: a parameter name with an empty selector is rejected', () => {
    expect(parseError('/demo/x:').message).toContain('gives no version or label');
  });

  it('invalid: a parameter name with two selectors is rejected', () => {
    expect(parseError('/demo/x:3:prod').message).toContain('more than one ":"');
  });

  it('invalid: a pass-through path with no secret name is rejected', () => {
    expect(parseError('/aws/reference/secretsmanager/').message).toContain('no secret name');
  });

  it('invalid: a non-ARN value in fsxWindowsFileServer is rejected', () => {
    expect(parseError('/fsx/admin', 'fsxWindowsFileServer').message).toContain('not an ARN');
  });

  it('invalid: an SSM ARN in repositoryCredentials is rejected (Secrets Manager only)', () => {
    expect(parseError(`${S}registry`, 'repositoryCredentials').message).toContain('must be a Secrets Manager secret');
  });

  it('invalid: a name with ":" in repositoryCredentials is rejected', () => {
    expect(parseError('registry-creds:password::', 'repositoryCredentials').message).toContain('contains ":"');
  });

  it('invalid: a json-key form in fsxWindowsFileServer is rejected', () => {
    expect(parseError(`${P}fsx-Ab12Cd:password::`, 'fsxWindowsFileServer').message).toContain('not supported here');
  });

  it('invalid: a malformed ARN is reported as a malformed ARN, not read as a parameter name', () => {
    expect(parseError('arn:aws:secretsmanager').message).toContain('is not an ARN');
  });
});

describe('safeParseReference', () => {
  it('returns success with the parsed reference', () => {
    const result = safeParseReference('/demo/x', 'secrets', CONTEXT);
    expect(result.success).toBe(true);
    expect(result.success && result.data.reference).toMatchObject({ kind: 'parameter', key: 'demo/x' });
  });

  it('returns the ReferenceParseError instead of throwing', () => {
    const result = safeParseReference('', 'secrets', CONTEXT);
    expect(result.success).toBe(false);
    expect(!result.success && result.error).toBeInstanceOf(ReferenceParseError);
  });

  it('parseReference throws the same error that safeParseReference returns', () => {
    expect(() => parseReference(`${P}a:b`, 'secrets', CONTEXT)).toThrow(ReferenceParseError);
  });
});
