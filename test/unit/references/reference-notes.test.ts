import { describe, expect, it } from 'vitest';
import { parseReference } from '../../../lib/references/parse-reference.js';
import type { ReferenceContext, ReferenceLocation, ReferenceNote } from '../../../lib/references/types.js';

/**
 * The whole text of every note a reference can carry. Notes reach the report and the secrets map as they are, and
 * each one tells a person why a reference may never be redeployed and what to change, so the words are asserted.
 */
const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const P = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
const S = 'arn:aws:ssm:us-east-1:111122223333:parameter/';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';
const FORWARDED = 'changes are only seen if their events are forwarded to this account/Region';

function notes(value: string, location: ReferenceLocation = 'secrets', context: ReferenceContext = CONTEXT): readonly ReferenceNote[] {
  return parseReference(value, location, context).notes;
}

describe('reference notes: cross-Region and cross-account (boundary notes)', () => {
  it.each<[string, string, ReferenceContext, ReferenceNote[]]>([
    [
      'a secret in another Region of the same partition',
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared/db-Qw34Er',
      CONTEXT,
      [{ code: 'cross-region', message: `cross-Region reference: it is in Region eu-west-1 but the workload runs in us-east-1; ${FORWARDED}` }],
    ],
    [
      'a parameter in another partition names both partitions',
      'arn:aws-cn:ssm:cn-north-1:111122223333:parameter/x',
      CONTEXT,
      [
        {
          code: 'cross-region',
          message: `cross-Region reference: it is in Region cn-north-1 (partition aws-cn) but the workload runs in us-east-1 (partition aws); ${FORWARDED}`,
        },
      ],
    ],
    [
      'another partition with the same Region string is still cross-Region',
      'arn:aws-cn:secretsmanager:us-east-1:111122223333:secret:x',
      CONTEXT,
      [
        {
          code: 'cross-region',
          message: `cross-Region reference: it is in Region us-east-1 (partition aws-cn) but the workload runs in us-east-1 (partition aws); ${FORWARDED}`,
        },
      ],
    ],
    [
      'a secret of another account',
      'arn:aws:secretsmanager:us-east-1:444455556666:secret:shared/db-Qw34Er',
      CONTEXT,
      [
        {
          code: 'cross-account',
          message: `cross-account reference: it belongs to account 444455556666 but the workload runs in account 111122223333; ${FORWARDED}`,
        },
      ],
    ],
    [
      'a parameter in another Region and account gets both, Region first',
      'arn:aws:ssm:eu-west-1:444455556666:parameter/shared/x',
      CONTEXT,
      [
        { code: 'cross-region', message: `cross-Region reference: it is in Region eu-west-1 but the workload runs in us-east-1; ${FORWARDED}` },
        {
          code: 'cross-account',
          message: `cross-account reference: it belongs to account 444455556666 but the workload runs in account 111122223333; ${FORWARDED}`,
        },
      ],
    ],
    ['a parameter ARN in the workload own place has none', `${S}x`, CONTEXT, []],
    [
      'an aws-us-gov ARN in an aws-us-gov workload has none',
      'arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/x',
      { partition: 'aws-us-gov', region: 'us-gov-west-1', account: '111122223333' },
      [],
    ],
  ])('%s', (_label, value, context, expected) => {
    expect(notes(value, 'secrets', context)).toEqual(expected);
  });

  it('a credential spec in another account gets the cross-account note', () => {
    expect(notes('credentialspec:arn:aws:ssm:us-east-1:444455556666:parameter/gmsa', 'credentialSpecs').map((note) => note.code)).toEqual(['cross-account']);
  });

  it('a bare name never gets a boundary note: it resolves in the workload own place', () => {
    expect(notes('/demo/x', 'secrets', { partition: 'aws-cn', region: 'cn-north-1', account: '444455556666' })).toEqual([]);
  });
});

describe('reference notes: pins', () => {
  it('an AWSPENDING pin says it is a likely misconfiguration that never redeploys', () => {
    expect(notes(`${P}db::AWSPENDING:`)).toEqual([
      {
        code: 'awspending-pin',
        message:
          'pinned to AWSPENDING, a label that only exists while a rotation is in progress: this is likely a misconfiguration, ' +
          'and changes to it never trigger a redeploy',
      },
    ]);
  });

  it('an AWSPENDING pin through the pass-through gets the same note, then the selector note', () => {
    expect(notes('/aws/reference/secretsmanager/db:AWSPENDING').map((note) => note.code)).toEqual(['awspending-pin', 'ssm-selector']);
  });

  it('a stage with a version id names both and says what to write instead', () => {
    expect(notes(`${P}db::blue:${VERSION_ID}`)).toEqual([
      {
        code: 'stage-and-version-pin',
        message:
          `pinned to version id ${VERSION_ID} and staging label blue: its value never changes, and once blue moves off that version ` +
          'GetSecretValue fails, so new tasks can no longer start; name only the stage (or only the version id) in the task definition',
      },
    ]);
  });

  it('AWSPENDING with a version id is a version pin: it gets the stage-and-version note, not the AWSPENDING one', () => {
    expect(notes(`${P}db::AWSPENDING:${VERSION_ID}`).map((note) => note.code)).toEqual(['stage-and-version-pin']);
  });

  it('a version id alone, AWSPREVIOUS or a custom stage deserve no note of their own', () => {
    expect(notes(`${P}db:::${VERSION_ID}`)).toEqual([]);
    expect(notes(`${P}db::AWSPREVIOUS:`)).toEqual([]);
    expect(notes(`${P}db::blue:`)).toEqual([]);
  });

  it('an ambiguous pass-through selector says when it is redeployed, after the selector note', () => {
    expect(notes('/aws/reference/secretsmanager/db:blue')).toEqual([
      {
        code: 'ambiguous-selector',
        message:
          '":blue" may be a version id or a staging label (the SSM documentation gives both the same syntax): ' +
          'it is redeployed only when a label named "blue" moves',
      },
      {
        code: 'ssm-selector',
        message:
          '":blue" after a /aws/reference/secretsmanager/ path is a selector; SSM honours it, but whether ECS accepts it is unverified ' +
          '(ECS rejects selectors on ordinary parameters)',
      },
    ]);
  });

  it('a pass-through without a selector has no note', () => {
    expect(notes('/aws/reference/secretsmanager/db')).toEqual([]);
  });
});

describe('reference notes: parameter names', () => {
  it('a selector on a parameter says ECS rejects it and it never redeploys', () => {
    expect(notes('/demo/x:3')).toEqual([
      {
        code: 'ssm-selector',
        message:
          'selector ":3" pins a parameter version or label; ECS rejects selectors at RegisterTaskDefinition (containers-roadmap #859) ' +
          'and could not resolve one, so changes never redeploy it',
      },
    ]);
  });

  it('a hierarchical name without its leading "/" says so, after calling it a secret name', () => {
    expect(notes('demo/orders/db')).toEqual([
      {
        code: 'secret-name-in-secrets',
        message:
          '"demo/orders/db" looks like a Secrets Manager secret name, but ECS reads a non-ARN value here as an SSM parameter name: ' +
          'a Secrets Manager name here is unsupported by ECS; use the secret ARN',
      },
      { code: 'invalid-parameter-name', message: '"demo/orders/db" is not a valid SSM parameter name: a name with "/" levels must start with "/"' },
    ]);
  });

  it('a name with characters SSM refuses, but a secret allows, names the SSM alphabet', () => {
    expect(notes('/db@prod')).toEqual([
      {
        code: 'secret-name-in-secrets',
        message:
          '"db@prod" looks like a Secrets Manager secret name, but ECS reads a non-ARN value here as an SSM parameter name: ' +
          'a Secrets Manager name here is unsupported by ECS; use the secret ARN',
      },
      { code: 'invalid-parameter-name', message: '"db@prod" is not a valid SSM parameter name (letters, digits, _ . - and / between levels only)' },
    ]);
  });

  it('a name neither SSM nor Secrets Manager allows is only an invalid parameter name', () => {
    expect(notes('/db#1')).toEqual([
      { code: 'invalid-parameter-name', message: '"db#1" is not a valid SSM parameter name (letters, digits, _ . - and / between levels only)' },
    ]);
  });

  it('an empty hierarchy level is an invalid parameter name, noted once (not again when the key is checked)', () => {
    expect(notes('/a//b')).toEqual([
      expect.objectContaining({ code: 'secret-name-in-secrets' }),
      { code: 'invalid-parameter-name', message: '"a//b" is not a valid SSM parameter name (letters, digits, _ . - and / between levels only)' },
    ]);
  });

  it('an invalid name in a parameter ARN says ECS could not read it', () => {
    expect(notes(`${S}db#1`)).toEqual([
      {
        code: 'invalid-parameter-name',
        message: '"db#1" is not a valid SSM parameter name (letters, digits, _ . - and / between levels only): ECS would not be able to read it',
      },
    ]);
  });

  it('an invalid name in a parameter ARN of another Region gets both notes (the boundary note does not hide it)', () => {
    expect(notes('arn:aws:ssm:eu-west-1:111122223333:parameter/db#1').map((note) => note.code)).toEqual(['cross-region', 'invalid-parameter-name']);
  });

  it('a parameter without a selector has no selector property (absent, not undefined)', () => {
    expect(parseReference('/demo/x', 'secrets', CONTEXT).reference).not.toHaveProperty('selector');
    expect(parseReference(`${S}demo/x`, 'secrets', CONTEXT).reference).not.toHaveProperty('selector');
  });

  it('a name with a selector is judged without the selector', () => {
    expect(notes('/demo/x:prod').map((note) => note.code)).toEqual(['ssm-selector']);
    expect(notes('demo/x:prod').map((note) => note.code)).toEqual(['secret-name-in-secrets', 'invalid-parameter-name', 'ssm-selector']);
  });

  it('a doubled slash after "parameter/" says which parameter it is read as', () => {
    expect(notes(`${S}/demo/x:3`)).toEqual([
      {
        code: 'double-slash-arn',
        message: `"${S}/demo/x:3" has a "/" right after "parameter/"; the ARN of parameter /demo/x is …:parameter/demo/x (read here as that parameter)`,
      },
      {
        code: 'ssm-selector',
        message:
          'selector ":3" pins a parameter version or label; ECS rejects selectors at RegisterTaskDefinition (containers-roadmap #859) ' +
          'and could not resolve one, so changes never redeploy it',
      },
    ]);
  });

  it('a doubled slash in a parameter ARN of another Region keeps the boundary note first', () => {
    expect(notes('arn:aws:ssm:eu-west-1:111122223333:parameter//x').map((note) => note.code)).toEqual(['cross-region', 'double-slash-arn']);
  });
});
