import { describe, expect, it } from 'vitest';
import { ReferenceParseError } from '../../../lib/errors.js';
import { isCredentialSpecReference, isManagedSecretName, isSecretName, looksLikeVersionId, safeParseReference } from '../../../lib/references/index.js';
import { isValidParameterKey, splitSelector } from '../../../lib/references/parameter-name.js';
import { describePin } from '../../../lib/references/reference-description.js';
import { passThroughPinOf, secretPinOf } from '../../../lib/references/secret-pin.js';
import type { SecretPin } from '../../../lib/references/types.js';

/**
 * The alphabets and pins behind every parse: which names Secrets Manager and SSM can have, which selectors are version
 * ids, and how a pin is named in a reason. One row per rule and per edge of it (first and last character, length of
 * each part), so that a loosened or tightened rule is noticed.
 */
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';

describe('isSecretName: the two alphabets of secret names', () => {
  it.each<[string, string, boolean]>([
    ['every character a user name may have', 'aZ09/_+=.@-', true],
    ['one character', 'a', true],
    ['a full id (name and suffix)', 'demo/db-Ab12Cd', true],
    ['a character outside the user alphabet at the end', 'db#', false],
    ['a character outside the user alphabet at the start', '#db', false],
    ['a character outside the user alphabet inside', 'd#b', false],
    ['":" (the ARN separator)', 'db:x', false],
    ['the empty string', '', false],
    ['an RDS instance secret', 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab', true],
    ['a managed name with any visible character after "!"', 'events!connection/a#b~c', true],
  ])('%s: %s → %s', (_label, name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});

describe('isManagedSecretName: <service>!<anything visible but ":">', () => {
  it.each<[string, string, boolean]>([
    ['an RDS instance secret', 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab', true],
    ['a one-letter service id and a one-character rest', 'a!b', true],
    ['a service id with digits and "-"', 'new-service2!x', true],
    ['characters outside the user alphabet after "!"', 'svc!a#b~c%', true],
    ['a non-ASCII letter after "!"', 'svc!clé', true],
    ['a user name (no "!")', 'demo/db', false],
    ['nothing before "!"', '!db', false],
    ['nothing after "!"', 'rds!', false],
    ['a "/" in the service id', 'rds/x!db', false],
    ['a "/" before the service id', 'x/rds!db', false],
    ['":" after "!"', 'rds!db:1', false],
    ['":" at the end', 'rds!db:', false],
    ['a space after "!"', 'rds!d b', false],
    ['a control character (Cc)', 'rds!d\u0007b', false],
    ['an invisible format character (Cf)', 'rds!d\u200Bb', false],
    ['a lone surrogate (Cs)', 'rds!d\uD800b', false],
    ['a private-use character (Co)', 'rds!d\uE000b', false],
    ['an unassigned code point (Cn)', 'rds!d\u0378b', false],
  ])('%s: %s → %s', (_label, name, expected) => {
    expect(isManagedSecretName(name)).toBe(expected);
  });
});

describe('isValidParameterKey: SSM names without their leading "/"', () => {
  it.each<[string, string, boolean]>([
    ['a flat name with every allowed character', 'aZ09_.-', true],
    ['one character', 'a', true],
    ['levels', 'a/b/c', true],
    ['an empty level', 'a//b', false],
    ['a leading "/" (the caller strips it)', '/a', false],
    ['a trailing "/"', 'a/', false],
    ['a character SSM refuses at the end', 'ab@', false],
    ['a character SSM refuses at the start', '@ab', false],
    ['a character SSM refuses in a later level', 'a/b@', false],
    ['the empty string', '', false],
  ])('%s: %s → %s', (_label, key, expected) => {
    expect(isValidParameterKey(key)).toBe(expected);
  });
});

describe('splitSelector: key[:selector]', () => {
  it('gives the key alone when there is no selector, with no selector property', () => {
    expect(splitSelector('demo/x', '/demo/x', 'secrets')).toStrictEqual({ key: 'demo/x' });
  });

  it('gives the key and the selector', () => {
    expect(splitSelector('demo/x:3', '/demo/x:3', 'secrets')).toStrictEqual({ key: 'demo/x', selector: '3' });
  });

  it('names the value as written in the error, not the key', () => {
    expect(() => splitSelector('x:', 'arn:aws:ssm:us-east-1:111122223333:parameter/x:', 'secrets')).toThrow(
      new ReferenceParseError(
        '"arn:aws:ssm:us-east-1:111122223333:parameter/x:" in secrets ends with ":" but gives no version or label after it; remove the ":"',
        'arn:aws:ssm:us-east-1:111122223333:parameter/x:',
      ),
    );
  });
});

describe('looksLikeVersionId: the 8-4-4-4-12 shape of generated version ids', () => {
  it.each<[string, string, boolean]>([
    ['the AWS documentation example (not hex)', VERSION_ID, true],
    ['a lower-case UUID', '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90', true],
    ['an upper-case UUID', '3F2B9C1E-7D4A-4E8B-9A61-0C5D2E7F8A90', true],
    ['one character before it', `x${VERSION_ID}`, false],
    ['one character after it', `${VERSION_ID}x`, false],
    ['7 in the first group', '9d4cb84-ad69-40c0-a0ab-cead3EXAMPLE', false],
    ['3 in the second group', '9d4cb84b-ad6-40c0-a0ab-cead3EXAMPLE', false],
    ['3 in the third group', '9d4cb84b-ad69-40c-a0ab-cead3EXAMPLE', false],
    ['3 in the fourth group', '9d4cb84b-ad69-40c0-a0a-cead3EXAMPLE', false],
    ['11 in the last group', '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPL', false],
    ['a "_" in the first group', '9d4cb84_-ad69-40c0-a0ab-cead3EXAMPLE', false],
    ['a "_" in the second group', '9d4cb84b-ad6_-40c0-a0ab-cead3EXAMPLE', false],
    ['a "_" in the third group', '9d4cb84b-ad69-40c_-a0ab-cead3EXAMPLE', false],
    ['a "_" in the fourth group', '9d4cb84b-ad69-40c0-a0a_-cead3EXAMPLE', false],
    ['a "_" in the last group', '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPL_', false],
    ['no dashes', '9d4cb84bad6940c0a0abcead3EXAMPLE', false],
    ['the SSM documentation example', '11111-aaa-bbb-ccc-123456789', false],
  ])('%s → %s', (_label, value, expected) => {
    expect(looksLikeVersionId(value)).toBe(expected);
  });
});

describe('secretPinOf: stage and version id of the json-key form', () => {
  it.each<[string, string, string, SecretPin]>([
    ['neither', '', '', { type: 'current' }],
    ['AWSCURRENT', 'AWSCURRENT', '', { type: 'current' }],
    ['AWSPREVIOUS', 'AWSPREVIOUS', '', { type: 'stage', stage: 'AWSPREVIOUS' }],
    ['a custom stage', 'blue', '', { type: 'stage', stage: 'blue' }],
    ['a version id', '', VERSION_ID, { type: 'version', versionId: VERSION_ID }],
    ['AWSCURRENT and a version id', 'AWSCURRENT', VERSION_ID, { type: 'version', versionId: VERSION_ID, stage: 'AWSCURRENT' }],
  ])('%s', (_label, stage, versionId, pin) => {
    expect(secretPinOf(stage, versionId)).toStrictEqual(pin);
  });
});

describe('passThroughPinOf: the selector after /aws/reference/secretsmanager/<name>', () => {
  it.each<[string, string | undefined, SecretPin]>([
    ['none', undefined, { type: 'current' }],
    ['AWSCURRENT', 'AWSCURRENT', { type: 'current' }],
    ['AWSPREVIOUS', 'AWSPREVIOUS', { type: 'stage', stage: 'AWSPREVIOUS' }],
    ['AWSPENDING', 'AWSPENDING', { type: 'stage', stage: 'AWSPENDING' }],
    ['a UUID-shaped selector', VERSION_ID, { type: 'version', versionId: VERSION_ID }],
    ['a character a stage may not have at the end', 'v1+', { type: 'version', versionId: 'v1+' }],
    ['a character a stage may not have at the start', '+v1', { type: 'version', versionId: '+v1' }],
    ['every character a stage may have', 'aZ09._-', { type: 'version-or-stage', selector: 'aZ09._-' }],
    ['a one-character label', 'b', { type: 'version-or-stage', selector: 'b' }],
  ])('%s', (_label, selector, pin) => {
    expect(passThroughPinOf(selector)).toStrictEqual(pin);
  });
});

describe('describePin: how a pin is named in a reason', () => {
  it.each<[SecretPin, string]>([
    [{ type: 'current' }, 'AWSCURRENT'],
    [{ type: 'stage', stage: 'blue' }, 'staging label "blue"'],
    [{ type: 'version', versionId: VERSION_ID }, `version id ${VERSION_ID}`],
    [{ type: 'version', versionId: VERSION_ID, stage: 'AWSCURRENT' }, `version id ${VERSION_ID} with staging label AWSCURRENT`],
    [{ type: 'version-or-stage', selector: 'blue' }, '":blue" (a version id or a staging label: the SSM documentation does not say which)'],
  ])('%j → %s', (pin, text) => {
    expect(describePin(pin)).toBe(text);
  });
});

describe('isCredentialSpecReference: which credentialSpecs entries are references', () => {
  it.each<[string, string, boolean]>([
    ['credentialspec: with an SSM parameter ARN', 'credentialspec:arn:aws:ssm:us-east-1:111122223333:parameter/gmsa', true],
    ['credentialspecdomainless: with an SSM parameter ARN', 'credentialspecdomainless:arn:aws:ssm:us-east-1:111122223333:parameter/gmsa', true],
    ['an SSM ARN in another partition', 'credentialspec:arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/gmsa', true],
    ['an S3 object ARN', 'credentialspec:arn:aws:s3:::bucket/gmsa.json', false],
    ['a file', 'credentialspec:file://gmsa.json', false],
    ['an SSM ARN without a prefix', 'arn:aws:ssm:us-east-1:111122223333:parameter/gmsa', false],
    ['a prefix not at the start', 'x-credentialspec:arn:aws:ssm:us-east-1:111122223333:parameter/gmsa', false],
    ['an ARN not right after the prefix', 'credentialspec:xarn:aws:ssm:us-east-1:111122223333:parameter/gmsa', false],
    ['"ssm" in the Region field, not the service', 'credentialspec:arn:aws:s3:ssm:111122223333:x', false],
    ['a service that starts with "ssm"', 'credentialspec:arn:aws:ssm-incidents::111122223333:x', false],
    ['an SELinux option', 'label:type:svirt_apache_t', false],
  ])('%s → %s', (_label, entry, expected) => {
    expect(isCredentialSpecReference(entry)).toBe(expected);
  });
});

describe('safeParseReference: only parse errors are results', () => {
  it('rethrows an error that is not a ReferenceParseError (a bug, not a bad reference)', () => {
    expect(() => safeParseReference(undefined as unknown as string, 'secrets', { partition: 'aws', region: 'us-east-1', account: '111122223333' })).toThrow(
      TypeError,
    );
  });
});
