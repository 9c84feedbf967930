import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../lib/errors.js';
import { parseRefreshInput } from '../../../lib/lambda/refresh-input.js';

/** The error parseRefreshInput throws for `input`; fails the test when it does not throw. */
function inputError(input: unknown): InvalidInputError {
  try {
    parseRefreshInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error(`parseRefreshInput accepted ${JSON.stringify(input)}`);
}

describe('parseRefreshInput: valid input', () => {
  it('accepts a ref alone and adds no other field', () => {
    expect(parseRefreshInput({ ref: 'demo/orders/db-credentials' })).toEqual({ ref: 'demo/orders/db-credentials' });
  });

  it('accepts a ref with kind secret and dryRun true', () => {
    expect(parseRefreshInput({ ref: 'demo/db', kind: 'secret', dryRun: true })).toEqual({ ref: 'demo/db', kind: 'secret', dryRun: true });
  });

  it('accepts kind parameter and keeps dryRun false (a real run asked for explicitly)', () => {
    expect(parseRefreshInput({ ref: '/a/b', kind: 'parameter', dryRun: false })).toEqual({ ref: '/a/b', kind: 'parameter', dryRun: false });
  });

  it('passes an ARN through unchanged', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/db-Ab12Cd';
    expect(parseRefreshInput({ ref: arn }).ref).toBe(arn);
  });
});

describe('parseRefreshInput: invalid input', () => {
  it('refuses the unknown field dryrun so a typo cannot turn a dry run into a real one', () => {
    const error = inputError({ ref: 'demo/db', dryrun: true });
    expect(error.message).toContain('dryrun');
    expect(error.message).toMatch(/^invalid refresh input \(/);
    expect(error.message).toContain('expected { "ref": "<arn or name>", "kind"?: "secret"|"parameter", "dryRun"?: true|false, "confirmLarge"?: true|false }');
  });

  it('refuses any other unknown field', () => {
    expect(inputError({ ref: 'demo/db', region: 'eu-west-1' }).message).toContain('region');
  });

  it('refuses a kind outside secret and parameter and names the field', () => {
    expect(inputError({ ref: 'demo/db', kind: 'Secret' }).message).toMatch(/\(kind: /);
  });

  it('refuses an empty ref and names the field', () => {
    expect(inputError({ ref: '' }).message).toMatch(/\(ref: /);
  });

  it('refuses a missing ref', () => {
    expect(inputError({ kind: 'secret' }).message).toMatch(/\(ref: /);
  });

  it('refuses a ref that is not a string', () => {
    expect(inputError({ ref: 42 }).message).toMatch(/\(ref: /);
  });

  it('refuses dryRun given as the string "true"', () => {
    expect(inputError({ ref: 'demo/db', dryRun: 'true' }).message).toMatch(/\(dryRun: /);
  });

  it.each([
    ['null', null],
    ['a string', 'demo/db'],
    ['an array', [{ ref: 'demo/db' }]],
    ['undefined', undefined],
  ])('refuses %s as input and says the input itself is wrong', (_what, input) => {
    expect(inputError(input).message).toMatch(/^invalid refresh input \(input: /);
  });

  it('keeps the zod error as the cause', () => {
    expect(inputError({}).cause).toBeDefined();
  });
});
