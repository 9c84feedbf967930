/**
 * Hostile and malformed manual refreshes: the `refresh` function's input and the CLI (`main(argv, io)`).
 * Each is refused with a named error (function) or exit code 2 and one `secret-refresh:` line (CLI), before
 * any AWS call, or after metadata reads only when the ref is well-formed and must be looked up. Every SDK
 * call goes to a local recording endpoint, so "no AWS call" is a request count.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CliIo, EXIT, main } from '../../lib/cli/main.js';
import { ForeignAccountError, InvalidInputError, ResourceNotFoundError } from '../../lib/errors.js';
import { FOREIGN_ACCOUNT, fakeContext, OWN_ACCOUNT, sampleEvent, stubDeployedEnvironment, TEN_KB_NAME } from './support/lambda-harness.js';
import { type RecordingAwsEndpoint, startRecordingAwsEndpoint } from './support/recording-aws-endpoint.js';

type Handler = (input: unknown, context: Context) => Promise<unknown>;

let aws: RecordingAwsEndpoint;
let refresh: Handler;

beforeAll(async () => {
  aws = await startRecordingAwsEndpoint();
  stubDeployedEnvironment(aws.url);
  refresh = (await import('../../functions/refresh.js')).handler as unknown as Handler;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await aws.close();
});

beforeEach(() => aws.reset());

async function rejection(input: unknown): Promise<Error> {
  const outcome = await refresh(input, fakeContext()).then(
    (report) => ({ returned: report }),
    (error: unknown) => ({ threw: error }),
  );
  if (!('threw' in outcome)) throw new Error(`expected a rejection, refresh returned ${JSON.stringify(outcome.returned).slice(0, 300)}`);
  expect(outcome.threw).toBeInstanceOf(Error);
  return outcome.threw as Error;
}

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${OWN_ACCOUNT}:secret:prod/db-AbCdEf`;
const PARAMETER_ARN = `arn:aws:ssm:us-east-1:${OWN_ACCOUNT}:parameter/prod/api-key`;

/** Refs that are malformed on their face: refused before any AWS call, by the function and by the CLI. */
const MALFORMED_REFS: readonly [string, string, RegExp][] = [
  ['a wrong partition', `arn:amazon:secretsmanager:us-east-1:${OWN_ACCOUNT}:secret:prod/db`, /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  ['an upper-case partition', `arn:AWS:secretsmanager:us-east-1:${OWN_ACCOUNT}:secret:prod/db`, /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  ['a wrong service (s3)', 'arn:aws:s3:::prod-db', /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  ['a wrong service (lambda)', `arn:aws:lambda:us-east-1:${OWN_ACCOUNT}:function:prod-db`, /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  [
    'a wrong service (kms)',
    `arn:aws:kms:us-east-1:${OWN_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    /is not a Secrets Manager secret ARN or an SSM parameter ARN/,
  ],
  ['too few parts', `arn:aws:secretsmanager:us-east-1:${OWN_ACCOUNT}`, /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  ['no account', 'arn:aws:secretsmanager:us-east-1::secret:prod/db', /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  ['an 11-digit account', 'arn:aws:secretsmanager:us-east-1:11112222333:secret:prod/db', /is not a Secrets Manager secret ARN or an SSM parameter ARN/],
  ['too many parts (json-key form)', `${SECRET_ARN}:password::`, /is not a secret ARN/],
  ['too many parts (version pin)', `${SECRET_ARN}::AWSPREVIOUS:`, /is not a secret ARN/],
  ['a secret ARN of another resource type', `arn:aws:secretsmanager:us-east-1:${OWN_ACCOUNT}:rotation:prod/db`, /is not a secret ARN/],
  ['an SSM ARN that is not a parameter', `arn:aws:ssm:us-east-1:${OWN_ACCOUNT}:document/prod-db`, /is not a parameter ARN/],
  ['a parameter ARN with a double slash', `arn:aws:ssm:us-east-1:${OWN_ACCOUNT}:parameter//prod/api-key`, /is not a parameter ARN/],
  ['a 10 KB name', TEN_KB_NAME, /at most 2048 characters/],
  ['a 10 KB ARN', `${SECRET_ARN.slice(0, -7)}${'a'.repeat(10_240)}`, /at most 2048 characters/],
  ['a NUL', 'prod/db\u0000', /without whitespace/],
  ['a newline (log injection)', 'prod/db\n{"level":"ERROR","message":"forged"}', /without whitespace/],
  ['an escape sequence', 'prod/\u001b[31mdb', /without whitespace/],
  ['a zero-width space', 'prod/\u200Bdb', /without whitespace/],
  ['a right-to-left override', 'prod/\u202Ebd', /without whitespace/],
  ['a byte-order mark', '\uFEFFprod/db', /without whitespace/],
  ['a leading space', ' prod/db', /without whitespace/],
];

describe('refresh function: invalid input shapes', () => {
  it.each<[string, unknown, RegExp]>([
    ['a non-JSON string', '{"ref": "prod/db"', /input: Invalid input: expected object, received string/],
    ['a number', 42, /input: Invalid input: expected object, received number/],
    ['null', null, /input: Invalid input: expected object, received null/],
    ['an array', [{ ref: 'prod/db' }], /input: Invalid input: expected object, received array/],
    ['neither ref nor kind', {}, /ref: Invalid input: expected string, received undefined/],
    ['kind without ref', { kind: 'secret' }, /ref: Invalid input: expected string, received undefined/],
    ['dryRun without ref', { dryRun: true }, /ref: Invalid input: expected string, received undefined/],
    ['an empty ref', { ref: '' }, /ref: Too small/],
    ['a numeric ref', { ref: 42 }, /ref: Invalid input: expected string, received number/],
    ['a list of refs', { ref: ['prod/db', 'prod/api'] }, /ref: Invalid input: expected string, received array/],
    ['a bad kind', { ref: 'prod/db', kind: 'Secret' }, /kind: Invalid option/],
    ['kind "both"', { ref: 'prod/db', kind: 'both' }, /kind: Invalid option/],
    ['a null kind', { ref: 'prod/db', kind: null }, /kind: Invalid option/],
    ['a string dryRun', { ref: 'prod/db', dryRun: 'true' }, /dryRun: Invalid input: expected boolean, received string/],
    ['a misspelt dryRun', { ref: 'prod/db', dryrun: true }, /Unrecognized key: "dryrun"/],
    ['an extra field', { ref: 'prod/db', account: FOREIGN_ACCOUNT }, /Unrecognized key: "account"/],
    ['a __proto__ field', JSON.parse('{"ref":"prod/db","__proto__":{"dryRun":false}}') as unknown, /Unrecognized key: "__proto__"/],
    ['a string confirmLarge', { ref: 'prod/db', confirmLarge: 'yes' }, /confirmLarge: Invalid input: expected boolean, received string/],
  ])('refuses %s with InvalidInputError naming the field, and no AWS call', async (_label, input, message) => {
    const error = await rejection(input);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^invalid refresh input \(/);
    expect(error.message).toMatch(message);
    expect(aws.requests).toEqual([]);
  });

  it.each(MALFORMED_REFS)('refuses a ref with %s with InvalidInputError and no AWS call', async (_label, ref, message) => {
    const error = await rejection({ ref, dryRun: true });
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(message);
    expect(aws.requests).toEqual([]);
  });

  it.each<[string, string, 'secret' | 'parameter']>([
    ['a secret ARN with kind parameter', SECRET_ARN, 'parameter'],
    ['a parameter ARN with kind secret', PARAMETER_ARN, 'secret'],
  ])('refuses %s (kind not matching the ARN’s service) with InvalidInputError and no AWS call', async (_label, ref, kind) => {
    const error = await rejection({ ref, kind });
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain(`but kind is "${kind}"`);
    expect(aws.requests).toEqual([]);
  });
});

describe('refresh function: well-formed refs that must be looked up (reads only, then refused)', () => {
  it.each<[string, { ref: string; kind?: 'secret' | 'parameter' }, string[]]>([
    ['an unknown secret ARN', { ref: SECRET_ARN }, ['DescribeSecret']],
    ['an unknown parameter ARN', { ref: PARAMETER_ARN }, ['DescribeParameters']],
    ['an unknown name', { ref: 'prod/db' }, ['DescribeSecret', 'DescribeParameters']],
    ['an unknown name with kind secret', { ref: 'prod/db', kind: 'secret' }, ['DescribeSecret']],
    // No SSM parameter name can hold these characters, so SSM is not asked.
    ['a name with non-ASCII letters', { ref: 'prod/dé-🔑' }, ['DescribeSecret']],
    ['a managed secret name (rds!…) that does not exist', { ref: 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab' }, ['DescribeSecret']],
    ['a name of 2048 characters', { ref: `/${'a'.repeat(2047)}` }, ['DescribeSecret', 'DescribeParameters']],
  ])('refuses %s with ResourceNotFoundError after metadata reads, and no write', async (_label, input, reads) => {
    const error = await rejection(input);
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(aws.requests.map((request) => request.operation).sort()).toEqual([...reads].sort());
    expect(aws.writes()).toEqual([]);
  });

  it('refuses a secret of another account, found by its ARN, with ForeignAccountError and no write', async () => {
    const foreign = `arn:aws:secretsmanager:us-east-1:${FOREIGN_ACCOUNT}:secret:prod/db-AbCdEf`;
    aws.respondWith((request) =>
      request.operation === 'DescribeSecret'
        ? { status: 200, body: { ARN: foreign, Name: 'prod/db', VersionIdsToStages: { 'v-1': ['AWSCURRENT'] } } }
        : undefined,
    );
    const error = await rejection({ ref: foreign });
    expect(error).toBeInstanceOf(ForeignAccountError);
    expect(error.message).toContain(`the change is in account ${FOREIGN_ACCOUNT}, but this deployment handles account ${OWN_ACCOUNT}`);
    expect(aws.requests.map((request) => request.operation)).toEqual(['DescribeSecret']);
  });

  /** Only `aws` and `aws-<id>` are partitions (the ARN vocabulary of lib/arn): anything else is refused up front. */
  it('refuses a ref whose partition only looks like an AWS partition ("awsx") without any AWS call', async () => {
    const error = await rejection({ ref: `arn:awsx:secretsmanager:us-east-1:${OWN_ACCOUNT}:secret:prod/db` });
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      `ref "arn:awsx:secretsmanager:us-east-1:${OWN_ACCOUNT}:secret:prod/db" is not a Secrets Manager secret ARN or an SSM parameter ARN`,
    );
    expect(aws.requests).toEqual([]);
  });
});

/** An in-memory CLI I/O with the deployed environment plus this account; reading any file yields `files[path]`. */
function cliIo(files: Record<string, string> = {}, extraEnv: Record<string, string> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    env: { ...process.env, SECRET_REFRESH_ACCOUNT_ID: OWN_ACCOUNT, ...extraEnv },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readText: (path) => (path in files ? Promise.resolve(files[path] as string) : Promise.reject(new Error(`ENOENT: no such file, open '${path}'`))),
  };
}

/** Runs the CLI and checks the invalid-input contract: exit 2, nothing on stdout, one `secret-refresh:` line. */
async function cliRefuses(argv: readonly string[], io = cliIo()): Promise<string> {
  const code = await main(argv, io);
  expect(io.err.join('')).toMatch(/^secret-refresh: [^\n]+\n$/);
  expect(code).toBe(EXIT.invalidInput);
  expect(io.out).toEqual([]);
  return io.err[0] ?? '';
}

describe('CLI: hostile input exits 2 with one line and no AWS call', () => {
  it.each<[string, string[]]>([
    ['an unknown command', ['redeploy', '--ref', 'prod/db']],
    ['an unknown option', ['refresh', '--ref', 'prod/db', '--force']],
    ['a misspelt option', ['refresh', '--ref', 'prod/db', '--dryrun']],
    ['refresh without --ref', ['refresh', '--kind', 'secret']],
    ['refresh with an empty --ref', ['refresh', '--ref', '']],
    ['--ref without a value', ['refresh', '--ref']],
    ['a bad --kind', ['refresh', '--ref', 'prod/db', '--kind', 'both']],
    ['a positional instead of --ref', ['refresh', 'prod/db']],
    ['event without a file', ['event']],
    ['event with two files', ['event', 'a.json', 'b.json']],
    ['an event file that cannot be read', ['event', 'missing.json']],
    ['--ref on event', ['event', 'e.json', '--ref', 'prod/db']],
  ])('%s', async (_label, argv) => {
    await cliRefuses(argv, cliIo({ 'e.json': JSON.stringify(sampleEvent('ssm-parameter-store-change-update.json')) }));
    expect(aws.requests).toEqual([]);
  });

  it.each(MALFORMED_REFS)('refresh --ref with %s', async (_label, ref, message) => {
    const line = await cliRefuses(['refresh', '--ref', ref, '--dry-run']);
    expect(line).toMatch(message);
    // The message is one line even when the ref carries a newline: nothing forged reaches the terminal as a new line.
    expect(line.split('\n')).toHaveLength(2);
    expect(aws.requests).toEqual([]);
  });

  it.each<[string, string[], string]>([
    ['--kind parameter for a secret ARN', ['--ref', SECRET_ARN, '--kind', 'parameter'], 'parameter'],
    ['--kind secret for a parameter ARN, flag first', ['--kind', 'secret', '--ref', PARAMETER_ARN], 'secret'],
  ])('refresh %s', async (_label, args, kind) => {
    const line = await cliRefuses(['refresh', ...args]);
    expect(line).toContain(`but kind is "${kind}"`);
    expect(aws.requests).toEqual([]);
  });

  it.each<[string, string]>([
    ['non-JSON', '{"source": "aws.ssm", '],
    ['empty', ''],
    ['JSON with a byte-order mark', `\uFEFF${JSON.stringify(sampleEvent('ssm-parameter-store-change-update.json'))}`],
    ['a JSON string', JSON.stringify('{"source":"aws.ssm"}')],
    ['an empty JSON array (no event)', '[]'],
    [
      'a JSON array holding an event of another account',
      JSON.stringify([{ ...sampleEvent('secretsmanager-putsecretvalue-awscurrent.json'), account: FOREIGN_ACCOUNT }]),
    ],
    ['JSON null', 'null'],
    ['JSON of the wrong shape', JSON.stringify({ source: 'aws.ssm', detail: {} })],
    ['an unknown detail-type', JSON.stringify({ ...sampleEvent('ssm-parameter-store-change-update.json'), 'detail-type': 'Parameter Store Deleted' })],
    ['an event of another account', JSON.stringify({ ...sampleEvent('secretsmanager-putsecretvalue-awscurrent.json'), account: FOREIGN_ACCOUNT })],
    ['a 1 MB garbage file', 'x'.repeat(1_048_576)],
  ])('event with a file that is %s', async (_label, text) => {
    await cliRefuses(['event', 'event.json', '--json'], cliIo({ 'event.json': text }));
    expect(aws.requests).toEqual([]);
  });

  it.each<[string, Record<string, string>]>([
    ['AWS_REGION missing', { AWS_REGION: '' }],
    ['an invalid SECRET_REFRESH_REGIONS', { SECRET_REFRESH_REGIONS: 'us-east-1,,nope' }],
    ['an invalid SECRET_REFRESH_ACCOUNT_ID', { SECRET_REFRESH_ACCOUNT_ID: '1234' }],
    ['SECRET_REFRESH_DRY_RUN=yes', { SECRET_REFRESH_DRY_RUN: 'yes' }],
  ])('refresh with %s (invalid configuration)', async (_label, env) => {
    await cliRefuses(['refresh', '--ref', 'prod/db'], cliIo({}, env));
    expect(aws.requests).toEqual([]);
  });

  it('refresh of an unknown name makes only metadata reads, then exits 2', async () => {
    await cliRefuses(['refresh', '--ref', 'prod/db']);
    expect(aws.requests.map((request) => request.operation).sort()).toEqual(['DescribeParameters', 'DescribeSecret']);
    expect(aws.writes()).toEqual([]);
  });
});
