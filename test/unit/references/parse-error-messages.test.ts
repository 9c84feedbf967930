import { describe, expect, it } from 'vitest';
import { ReferenceParseError } from '../../../lib/errors.js';
import { safeParseReference } from '../../../lib/references/parse-reference.js';
import type { ReferenceContext, ReferenceLocation } from '../../../lib/references/types.js';

/**
 * The whole message of every `ReferenceParseError` a user can meet: the inventory reports it verbatim as the reason a
 * reference is unparseable, so each one must say what is wrong and what to write instead. Whole strings on purpose.
 */
const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const P = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
const S = 'arn:aws:ssm:us-east-1:111122223333:parameter/';

function parseError(value: string, location: ReferenceLocation): ReferenceParseError {
  const result = safeParseReference(value, location, CONTEXT);
  if (result.success) throw new Error(`expected "${value}" in ${location} to be rejected, got ${JSON.stringify(result.data)}`);
  return result.error;
}

const SECRET_ALPHABET =
  '(only ASCII letters, digits and / _ + = . @ - are allowed, or a <service>! prefix for a secret managed by an AWS service, e.g. rds!db-…)';

describe('parseReference: the message of every rejection, in full', () => {
  it.each<[string, string, ReferenceLocation, string]>([
    ['an empty value', '', 'secrets', 'the reference in secrets is empty; give a secret or parameter ARN or name'],
    [
      'an empty value in repositoryCredentials',
      '',
      'repositoryCredentials',
      'the reference in repositoryCredentials is empty; give a secret or parameter ARN or name',
    ],
    [
      'a space at position 8',
      '/demo/db password',
      'secrets',
      '"/demo/db password" in secrets contains whitespace or an invisible character (U+0020) at position 8; remove it',
    ],
    ['a tab at position 0', '\t/demo/x', 'secrets', '"\t/demo/x" in secrets contains whitespace or an invisible character (U+0009) at position 0; remove it'],
    [
      'a zero-width space (four hex digits, upper case)',
      '/demo/x\u200B',
      'logConfiguration.secretOptions',
      '"/demo/x\u200B" in logConfiguration.secretOptions contains whitespace or an invisible character (U+200B) at position 7; remove it',
    ],
    [
      'a NUL (padded to four digits)',
      '/x\u0000',
      'secrets',
      '"/x\u0000" in secrets contains whitespace or an invisible character (U+0000) at position 2; remove it',
    ],
    [
      'an ARN of another service',
      'arn:aws:kms:us-east-1:111122223333:key/1',
      'secrets',
      '"arn:aws:kms:us-east-1:111122223333:key/1" in secrets is an ARN of service "kms"; only Secrets Manager (secretsmanager) and SSM Parameter Store (ssm) ARNs can be referenced',
    ],
    [
      'a secret ARN without a Region',
      'arn:aws:secretsmanager::111122223333:secret:x',
      'secrets',
      '"arn:aws:secretsmanager::111122223333:secret:x" in secrets has no Region; a secretsmanager ARN needs both',
    ],
    [
      'a parameter ARN without an account',
      'arn:aws:ssm:us-east-1::parameter/x',
      'secrets',
      '"arn:aws:ssm:us-east-1::parameter/x" in secrets has no account; a ssm ARN needs both',
    ],
    [
      'an ARN with neither Region nor account (the Region is named first)',
      'arn:aws:ssm:::parameter/x',
      'secrets',
      '"arn:aws:ssm:::parameter/x" in secrets has no Region; a ssm ARN needs both',
    ],
    [
      'a Secrets Manager ARN that is not a secret ARN',
      'arn:aws:secretsmanager:us-east-1:111122223333:rotation:x',
      'secrets',
      '"arn:aws:secretsmanager:us-east-1:111122223333:rotation:x" in secrets is a Secrets Manager ARN but not a secret ARN: expected arn:<partition>:secretsmanager:<region>:<account>:secret:<name>',
    ],
    [
      'a json-key form where it is passed verbatim',
      `${P}fsx-Ab12Cd:password::`,
      'fsxWindowsFileServer',
      `"${P}fsx-Ab12Cd:password::" in fsxWindowsFileServer has ":" after the secret name; the json-key/stage/version form is not supported here (the value is passed verbatim to GetSecretValue). Use the plain secret ARN.`,
    ],
    [
      'a json-key form in repositoryCredentials, even a well-formed one',
      `${P}registry-Ab12Cd:password::`,
      'repositoryCredentials',
      `"${P}registry-Ab12Cd:password::" in repositoryCredentials has ":" after the secret name; the json-key/stage/version form is not supported here (the value is passed verbatim to GetSecretValue). Use the plain secret ARN.`,
    ],
    [
      'a secret ARN with 2 ":" after "secret" (counted for the user)',
      `${P}name:key`,
      'secrets',
      `"${P}name:key" in secrets has 2 ":"-separated parts after "secret"; ECS accepts secret:<name> or secret:<name>:<json-key>:<version-stage>:<version-id> (exactly 4, e.g. "…:password::"), otherwise it fails with "an invalid ARN format for the AWS Secrets Manager secret was specified"`,
    ],
    [
      'a secret ARN with 5 ":" after "secret" in logConfiguration.secretOptions',
      `${P}name:key:AWSCURRENT::x`,
      'logConfiguration.secretOptions',
      `"${P}name:key:AWSCURRENT::x" in logConfiguration.secretOptions has 5 ":"-separated parts after "secret"; ECS accepts secret:<name> or secret:<name>:<json-key>:<version-stage>:<version-id> (exactly 4, e.g. "…:password::"), otherwise it fails with "an invalid ARN format for the AWS Secrets Manager secret was specified"`,
    ],
    ['a json-key form with no name', `${P}:password::`, 'secrets', `"${P}:password::" in secrets names no secret: the secret name is empty`],
    ['a secret ARN with a name a secret cannot have', `${P}db#1`, 'secrets', `"${P}db#1" in secrets: "db#1" is not a valid secret name ${SECRET_ALPHABET}`],
    [
      'an SSM ARN that is not a parameter ARN',
      'arn:aws:ssm:us-east-1:111122223333:document/x',
      'secrets',
      '"arn:aws:ssm:us-east-1:111122223333:document/x" in secrets is an SSM ARN but not a parameter ARN: expected arn:<partition>:ssm:<region>:<account>:parameter/<name>',
    ],
    ['a parameter ARN with no name', S, 'secrets', `"${S}" in secrets is a parameter ARN with no parameter name`],
    ['a parameter ARN with only slashes', `${S}//`, 'secrets', `"${S}//" in secrets is a parameter ARN with no parameter name`],
    [
      'an SSM ARN in repositoryCredentials',
      `${S}registry`,
      'repositoryCredentials',
      `"${S}registry" in repositoryCredentials is an SSM ARN; private registry credentials must be a Secrets Manager secret`,
    ],
    [
      'a non-ARN value in fsxWindowsFileServer',
      '/fsx/admin',
      'fsxWindowsFileServer',
      '"/fsx/admin" in fsxWindowsFileServer is not an ARN; FSx for Windows File Server credentials need the full ARN of a Secrets Manager secret or an SSM parameter',
    ],
    [
      'a name with ":" in repositoryCredentials',
      'registry:password::',
      'repositoryCredentials',
      '"registry:password::" in repositoryCredentials is not an ARN and contains ":"; give a secret name (no ":") or the secret ARN (the json-key form is not supported here)',
    ],
    [
      'a name a secret cannot have in repositoryCredentials',
      'registry#1',
      'repositoryCredentials',
      `"registry#1" in repositoryCredentials: "registry#1" is not a valid secret name ${SECRET_ALPHABET}`,
    ],
    ['"/" alone', '/', 'secrets', '"/" in secrets names no parameter: the name is empty'],
    ['a selector with no name', ':3', 'secrets', '":3" in secrets names no parameter: the name is empty'],
    ['an empty selector', '/demo/x:', 'secrets', '"/demo/x:" in secrets ends with ":" but gives no version or label after it; remove the ":"'],
    [
      'two selectors',
      '/demo/x:3:prod',
      'logConfiguration.secretOptions',
      '"/demo/x:3:prod" in logConfiguration.secretOptions has more than one ":" after the parameter name; a parameter name may be followed by at most one ":<version>" or ":<label>"',
    ],
    [
      'two selectors on a parameter ARN',
      `${S}x:3:prod`,
      'secrets',
      `"${S}x:3:prod" in secrets has more than one ":" after the parameter name; a parameter name may be followed by at most one ":<version>" or ":<label>"`,
    ],
    [
      'a pass-through path with no secret name',
      '/aws/reference/secretsmanager/',
      'secrets',
      '"/aws/reference/secretsmanager/" in secrets is a /aws/reference/secretsmanager/ path with no secret name after it',
    ],
    [
      'a pass-through path with a name a secret cannot have',
      '/aws/reference/secretsmanager/db#1',
      'secrets',
      `"/aws/reference/secretsmanager/db#1" in secrets: "db#1" is not a valid secret name ${SECRET_ALPHABET}`,
    ],
    [
      'a credential spec that is not an SSM parameter ARN',
      'credentialspec:file://gmsa.json',
      'credentialSpecs',
      '"credentialspec:file://gmsa.json" in credentialSpecs is not a credential spec reference: expected credentialspec:<SSM parameter ARN> or credentialspecdomainless:<SSM parameter ARN>',
    ],
    [
      'an entry with neither credential spec prefix',
      'arn:aws:ssm:us-east-1:111122223333:parameter/gmsa',
      'credentialSpecs',
      '"arn:aws:ssm:us-east-1:111122223333:parameter/gmsa" in credentialSpecs is not a credential spec reference: expected credentialspec:<SSM parameter ARN> or credentialspecdomainless:<SSM parameter ARN>',
    ],
    [
      'a credential spec naming an S3 object',
      'credentialspec:arn:aws:s3:::bucket/gmsa.json',
      'credentialSpecs',
      'credential spec "credentialspec:arn:aws:s3:::bucket/gmsa.json" in credentialSpecs: it names a s3 ARN; only an SSM parameter ARN in a credential spec is a reference',
    ],
    [
      'a credential spec whose SSM ARN is not a parameter ARN',
      'credentialspecdomainless:arn:aws:ssm:us-east-1:111122223333:document/x',
      'credentialSpecs',
      'credential spec "credentialspecdomainless:arn:aws:ssm:us-east-1:111122223333:document/x" in credentialSpecs: "arn:aws:ssm:us-east-1:111122223333:document/x" in credentialSpecs is an SSM ARN but not a parameter ARN: expected arn:<partition>:ssm:<region>:<account>:parameter/<name>',
    ],
  ])('%s', (_label, value, location, message) => {
    const error = parseError(value, location);
    expect(error).toBeInstanceOf(ReferenceParseError);
    expect(error.message).toBe(message);
    expect(error.value).toBe(value);
  });

  it('a credential spec error keeps the error about the ARN inside it as its cause', () => {
    const error = parseError('credentialspec:arn:aws:ssm:us-east-1:111122223333:document/x', 'credentialSpecs');
    expect(error.cause).toBeInstanceOf(ReferenceParseError);
    expect((error.cause as ReferenceParseError).value).toBe('arn:aws:ssm:us-east-1:111122223333:document/x');
  });

  it('reports the first invisible character when there are several', () => {
    expect(parseError('/a\u200Bb c', 'secrets').message).toBe(
      '"/a\u200Bb c" in secrets contains whitespace or an invisible character (U+200B) at position 2; remove it',
    );
  });
});
