/**
 * The Lambda logger (lib/lambda/logger.ts) blanks the values of known sensitive keys at any depth, whatever
 * their case or separator, and leaves everything else (ARNs, names, version ids, json keys) readable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, REDACTED, redactSensitiveKeys, SENSITIVE_KEYS } from '../../lib/lambda/logger.js';

const VALUE = 'CANARY-7f3a';

describe('redactSensitiveKeys', () => {
  it.each([
    'secretString',
    'SecretString',
    'secret_string',
    'SECRET-STRING',
    'secretBinary',
    'SecretBinary',
    'password',
    'Password',
    'rotationToken',
    'RotationToken',
    'sessionToken',
    'SecretAccessKey',
    'privateKey',
    'Authorization',
    'credentials',
  ])('redacts %s at any depth, also when its value is an object or a list', (key) => {
    const text = JSON.stringify(
      { detail: { requestParameters: { [key]: VALUE }, list: [{ [key]: { nested: VALUE } }], other: { [key]: [VALUE] } } },
      redactSensitiveKeys,
    );
    expect(text).not.toContain(VALUE);
    expect(text.split(REDACTED)).toHaveLength(4);
  });

  it('covers the Secrets Manager value fields named in the spec', () => {
    expect(SENSITIVE_KEYS).toEqual(expect.arrayContaining(['secretString', 'secretBinary', 'password', 'rotationToken']));
  });

  it('keeps identities, versions and the json key of a reference readable', () => {
    const report = {
      change: { arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-Ab12Cd', versionId: 'v-1', labels: ['AWSCURRENT'] },
      requestParameters: { secretId: 'db', clientRequestToken: 'c4d5e6f7', versionStages: ['AWSCURRENT'] },
      references: [{ name: 'DB_PASSWORD', jsonKey: 'password', valueFrom: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db:password::' }],
      tags: [{ key: 'password', value: 'rotates' }],
    };
    expect(JSON.parse(JSON.stringify(report, redactSensitiveKeys))).toEqual(report);
  });

  it('leaves null and absent sensitive fields as they are (CloudTrail writes null for hidden parameters)', () => {
    expect(JSON.stringify({ secretString: null, password: undefined }, redactSensitiveKeys)).toBe('{"secretString":null}');
  });
});

describe('the Lambda logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the log line with every sensitive value redacted, and the rest intact', () => {
    const lines: string[] = [];
    const capture = ((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.info('a CloudTrail record', {
      record: { requestParameters: { secretId: 'prod/db', SecretString: VALUE, secretBinary: VALUE }, additionalEventData: { rotationToken: VALUE } },
    });
    logger.error('failed', new Error('boom', { cause: { password: VALUE } }));
    const text = lines.join('');
    expect(text).toContain('"secretId":"prod/db"');
    expect(text).toContain(`"SecretString":"${REDACTED}"`);
    expect(text).toContain(`"rotationToken":"${REDACTED}"`);
    expect(text).toContain(`"cause":{"password":"${REDACTED}"}`);
    expect(text).not.toContain(VALUE);
  });

  it('redacts inside a string that holds JSON (an SQS message body), keeping it JSON text, and leaves other strings alone', () => {
    const body = JSON.stringify({ detail: { requestParameters: { secretId: 'prod/db', secretString: VALUE } } });
    const text = JSON.stringify({ Records: [{ messageId: 'm-1', body }], note: '{not json', plain: 'prod/db' }, redactSensitiveKeys);
    expect(text).not.toContain(VALUE);
    const record = JSON.parse(text) as { Records: { body: string }[]; note: string; plain: string };
    expect(JSON.parse(record.Records[0]?.body ?? '')).toEqual({ detail: { requestParameters: { secretId: 'prod/db', secretString: REDACTED } } });
    expect(record.note).toBe('{not json');
    expect(record.plain).toBe('prod/db');
  });
});
