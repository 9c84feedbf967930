import { describe, expect, it } from 'vitest';
import { matchReference } from '../../../lib/references/match-reference.js';
import { parseReference } from '../../../lib/references/parse-reference.js';
import type { ChangedResource, ChangeForMatching, Reference, ReferenceContext, ReferenceLocation, ReferenceMatch } from '../../../lib/references/types.js';

/**
 * The whole reason of every outcome of matching. Reasons are what the report shows beside every redeploy and every
 * skip ("why was my service (not) redeployed?"), so each branch's words are asserted, not only the impact.
 */
const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const P = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
const S = 'arn:aws:ssm:us-east-1:111122223333:parameter/';
const VERSION_ID = '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE';
const OTHER_VERSION = '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90';

/** The changed secret as the report names it. */
const DB_TEXT = 'secret "db" (full id db-Ab12Cd) (aws, us-east-1, 111122223333)';
const DB: ChangedResource = { kind: 'secret', ...CONTEXT, name: 'db', suffix: 'Ab12Cd' };
const DB_NO_SUFFIX: ChangedResource = { kind: 'secret', ...CONTEXT, name: 'db' };
const PARAM: ChangedResource = { kind: 'parameter', ...CONTEXT, key: 'demo/x' };
const PARAM_TEXT = 'parameter "/demo/x" (aws, us-east-1, 111122223333)';

function ref(value: string, location: ReferenceLocation = 'secrets', context: ReferenceContext = CONTEXT): Reference {
  return parseReference(value, location, context).reference;
}

function change(resource: ChangedResource, effect: ChangeForMatching['effect'], labels: readonly string[], versionId?: string): ChangeForMatching {
  return { resource, effect, labels, ...(versionId === undefined ? {} : { versionId }) };
}

const rotation = (resource: ChangedResource = DB, versionId?: string) => change(resource, 'new-current-value', ['AWSCURRENT'], versionId);

describe('matchReference reasons: unrelated (names both resources and the first difference)', () => {
  it.each<[string, Reference, ChangeForMatching, string]>([
    ['another secret', ref(`${P}other`), rotation(), `secret "other" (aws, us-east-1, 111122223333) is not ${DB_TEXT}: different secret`],
    [
      'a re-created secret (new suffix) for a full ARN',
      ref(`${P}db-Zz99Yy`),
      rotation(),
      `secret "db-Zz99Yy" (aws, us-east-1, 111122223333) is not ${DB_TEXT}: different secret`,
    ],
    [
      'a change without a suffix for a full ARN: the full id cannot be compared',
      ref(`${P}db-Ab12Cd`),
      rotation(DB_NO_SUFFIX),
      'secret "db-Ab12Cd" (aws, us-east-1, 111122223333) is not secret "db" (aws, us-east-1, 111122223333): different secret',
    ],
    [
      'another partition',
      ref('arn:aws-cn:secretsmanager:us-east-1:111122223333:secret:db'),
      rotation(),
      `secret "db" (aws-cn, us-east-1, 111122223333) is not ${DB_TEXT}: partition aws-cn ≠ aws`,
    ],
    [
      'another Region',
      ref('arn:aws:secretsmanager:eu-west-1:111122223333:secret:db'),
      rotation(),
      `secret "db" (aws, eu-west-1, 111122223333) is not ${DB_TEXT}: Region eu-west-1 ≠ us-east-1`,
    ],
    [
      'another account',
      ref('arn:aws:secretsmanager:us-east-1:444455556666:secret:db'),
      rotation(),
      `secret "db" (aws, us-east-1, 444455556666) is not ${DB_TEXT}: account 444455556666 ≠ 111122223333`,
    ],
    [
      'a parameter reference and a secret change',
      ref('/db'),
      rotation(),
      `parameter "/db" (aws, us-east-1, 111122223333) is not ${DB_TEXT}: the reference reads a parameter, the change is to a secret`,
    ],
    [
      'a secret reference and a parameter change',
      ref('demo/x', 'repositoryCredentials'),
      change(PARAM, 'new-current-value', []),
      `secret "demo/x" (aws, us-east-1, 111122223333) is not ${PARAM_TEXT}: the reference reads a secret, the change is to a parameter`,
    ],
    [
      'a pass-through reference and an SSM change of its path',
      ref('/aws/reference/secretsmanager/db'),
      change({ kind: 'parameter', ...CONTEXT, key: 'aws/reference/secretsmanager/db' }, 'new-current-value', []),
      'secret "db" (aws, us-east-1, 111122223333) is not parameter "/aws/reference/secretsmanager/db" (aws, us-east-1, 111122223333): ' +
        'a /aws/reference/secretsmanager/ reference reads a Secrets Manager secret; no SSM change applies to it',
    ],
    [
      'another parameter',
      ref('/demo/y'),
      change(PARAM, 'new-current-value', []),
      `parameter "/demo/y" (aws, us-east-1, 111122223333) is not ${PARAM_TEXT}: different parameter`,
    ],
  ])('%s', (_label, reference, theChange, reason) => {
    expect(matchReference(reference, theChange)).toEqual({ impact: 'unrelated', reason });
  });
});

describe('matchReference reasons: deletion', () => {
  it.each<[string, Reference, ChangedResource, string]>([
    ['a secret', ref(`${P}db::AWSPREVIOUS:`), DB, DB_TEXT],
    ['a parameter, even through a selector', ref('/demo/x:3'), PARAM, PARAM_TEXT],
  ])('of %s affects every reference to it, whatever its pin', (_label, reference, resource, text) => {
    expect(matchReference(reference, change(resource, 'deleted', []))).toEqual({
      impact: 'affected',
      reason: `${text} was deleted or scheduled for deletion: new tasks reading it would fail to start`,
    });
  });

  it('of a replicated secret names the replica the reference reads', () => {
    const replicated: ChangedResource = { ...DB, replicaRegions: ['eu-west-1'] };
    const reference = ref('arn:aws:secretsmanager:eu-west-1:111122223333:secret:db');
    expect(matchReference(reference, change(replicated, 'deleted', [])).reason).toBe(
      `${DB_TEXT} (through its replica in eu-west-1) was deleted or scheduled for deletion: new tasks reading it would fail to start`,
    );
  });
});

describe('matchReference reasons: secret pins', () => {
  it.each<[string, string, ChangeForMatching, ReferenceMatch]>([
    ['AWSCURRENT on a rotation', `${P}db`, rotation(), { impact: 'affected', reason: `${DB_TEXT} has a new AWSCURRENT value, which this reference reads` }],
    [
      'AWSCURRENT when a custom label moved',
      `${P}db`,
      change(DB, 'label-moved', ['blue', 'green']),
      { impact: 'unchanged', reason: `only blue, green moved on ${DB_TEXT}; this reference reads AWSCURRENT, which did not move` },
    ],
    [
      'AWSCURRENT when a label moved that the event did not name',
      `${P}db`,
      change(DB, 'label-moved', []),
      { impact: 'unchanged', reason: `only a label moved on ${DB_TEXT}; this reference reads AWSCURRENT, which did not move` },
    ],
    [
      'AWSPENDING on a rotation',
      `${P}db::AWSPENDING:`,
      rotation(),
      {
        impact: 'unchanged',
        reason: `pinned to AWSPENDING, a transient rotation label (likely a misconfiguration); not redeployed for ${DB_TEXT}`,
      },
    ],
    [
      'AWSPENDING when AWSPENDING itself moved',
      `${P}db::AWSPENDING:`,
      change(DB, 'label-moved', ['AWSPENDING']),
      {
        impact: 'unchanged',
        reason: `pinned to AWSPENDING, a transient rotation label (likely a misconfiguration); not redeployed for ${DB_TEXT}`,
      },
    ],
    [
      'AWSPREVIOUS on a rotation',
      `${P}db::AWSPREVIOUS:`,
      rotation(),
      {
        impact: 'previous-changed',
        reason: `pinned to AWSPREVIOUS: its value changed because ${DB_TEXT} moved AWSCURRENT; redeploying is opt-in`,
      },
    ],
    [
      'AWSPREVIOUS when only AWSPREVIOUS was moved (by hand)',
      `${P}db::AWSPREVIOUS:`,
      change(DB, 'label-moved', ['AWSPREVIOUS']),
      {
        impact: 'previous-changed',
        reason: `pinned to AWSPREVIOUS: its value changed because ${DB_TEXT} moved AWSPREVIOUS; redeploying is opt-in`,
      },
    ],
    [
      'AWSPREVIOUS when a custom label moved',
      `${P}db::AWSPREVIOUS:`,
      change(DB, 'label-moved', ['blue']),
      { impact: 'unchanged', reason: `pinned to staging label "AWSPREVIOUS", which did not move; ${DB_TEXT} moved blue` },
    ],
    [
      'a custom stage when it moved',
      `${P}db::blue:`,
      change(DB, 'label-moved', ['blue']),
      { impact: 'affected', reason: `${DB_TEXT} moved staging label "blue", which this reference reads` },
    ],
    [
      'a custom stage on a rotation that did not move it',
      `${P}db::blue:`,
      rotation(),
      { impact: 'unchanged', reason: `pinned to staging label "blue", which did not move; ${DB_TEXT} moved AWSCURRENT` },
    ],
    [
      'a version id on a rotation',
      `${P}db:::${VERSION_ID}`,
      rotation(),
      { impact: 'unchanged', reason: `pinned to version id ${VERSION_ID}, whose value never changes; ${DB_TEXT} moved AWSCURRENT` },
    ],
    [
      'a version id when an unnamed label moved',
      `${P}db:::${VERSION_ID}`,
      change(DB, 'label-moved', []),
      { impact: 'unchanged', reason: `pinned to version id ${VERSION_ID}, whose value never changes; ${DB_TEXT} moved a label` },
    ],
    [
      'a version id with a stage, when another label moved',
      `${P}db::blue:${VERSION_ID}`,
      change(DB, 'label-moved', ['green'], OTHER_VERSION),
      {
        impact: 'unchanged',
        reason:
          `pinned to version id ${VERSION_ID} with staging label blue, whose value never changes; ${DB_TEXT} moved green. ` +
          `Warning: once blue moves off version ${VERSION_ID}, new tasks can no longer start`,
      },
    ],
    [
      'a version id with a custom stage, when that stage moved to another version',
      `${P}db::blue:${VERSION_ID}`,
      change(DB, 'label-moved', ['blue'], OTHER_VERSION),
      {
        impact: 'unchanged',
        reason:
          `pinned to version id ${VERSION_ID} with staging label blue: its value never changes, so it is not redeployed. ` +
          `Warning: ${DB_TEXT} moved blue to version ${OTHER_VERSION}, off version ${VERSION_ID}: GetSecretValue now fails for this reference ` +
          'and new tasks can no longer start; name only the stage (or only the version id) in the task definition',
      },
    ],
    [
      'a version id with a custom stage, when that stage moved to the pinned version',
      `${P}db::blue:${VERSION_ID}`,
      change(DB, 'label-moved', ['blue'], VERSION_ID),
      {
        impact: 'unchanged',
        reason:
          `pinned to version id ${VERSION_ID} with staging label blue: ${DB_TEXT} moved blue to that very version, so new tasks can start ` +
          'again; its value is the one it always was',
      },
    ],
    [
      'a version id with AWSPREVIOUS on a rotation (AWSPREVIOUS moves too, to a version the event does not name)',
      `${P}db::AWSPREVIOUS:${VERSION_ID}`,
      rotation(DB, OTHER_VERSION),
      {
        impact: 'unchanged',
        reason:
          `pinned to version id ${VERSION_ID} with staging label AWSPREVIOUS: its value never changes, so it is not redeployed. ` +
          `Warning: ${DB_TEXT} moved AWSPREVIOUS; unless it is still on version ${VERSION_ID}, GetSecretValue now fails for this reference ` +
          'and new tasks can no longer start; name only the stage (or only the version id) in the task definition',
      },
    ],
    [
      'a pass-through selector that is not a moved label',
      '/aws/reference/secretsmanager/db:blue',
      change(DB, 'label-moved', ['green']),
      {
        impact: 'unchanged',
        reason:
          'pinned to ":blue" (a version id or a staging label: the SSM documentation does not say which), which did not move ' +
          `(as a version id its value never changes); ${DB_TEXT} moved green`,
      },
    ],
    [
      'a pass-through selector that is the moved label',
      '/aws/reference/secretsmanager/db:blue',
      change(DB, 'label-moved', ['green', 'blue']),
      {
        impact: 'affected',
        reason: `${DB_TEXT} moved the label "blue", which this reference reads (its selector ":blue" names that label)`,
      },
    ],
  ])('%s', (_label, value, theChange, expected) => {
    expect(matchReference(ref(value), theChange)).toEqual(expected);
  });

  it('a secret whose name ends in "-undefined" is not the changed secret when the change has no suffix', () => {
    expect(matchReference(ref(`${P}db-undefined`), rotation(DB_NO_SUFFIX)).impact).toBe('unrelated');
  });

  it('a version id with AWSCURRENT is warned about on a new current value whose event names no label', () => {
    const match = matchReference(ref(`${P}db::AWSCURRENT:${VERSION_ID}`), change(DB, 'new-current-value', []));
    expect(match.reason).toBe(
      `pinned to version id ${VERSION_ID} with staging label AWSCURRENT: its value never changes, so it is not redeployed. ` +
        `Warning: ${DB_TEXT} moved AWSCURRENT; unless it is still on version ${VERSION_ID}, GetSecretValue now fails for this reference ` +
        'and new tasks can no longer start; name only the stage (or only the version id) in the task definition',
    );
  });

  it('AWSCURRENT is not "moved" by a label-moved change that names it: only the effect says a new current value exists', () => {
    expect(matchReference(ref(`${P}db`), change(DB, 'label-moved', ['AWSCURRENT'])).impact).toBe('unchanged');
  });

  it('a version id with AWSCURRENT is warned about when a label-moved change names AWSCURRENT', () => {
    const match = matchReference(ref(`${P}db::AWSCURRENT:${VERSION_ID}`), change(DB, 'label-moved', ['AWSCURRENT'], OTHER_VERSION));
    expect(match.reason).toContain(`moved AWSCURRENT to version ${OTHER_VERSION}, off version ${VERSION_ID}:`);
  });

  it('a version id with a custom stage is not warned about as moved on a rotation that does not name the stage', () => {
    const match = matchReference(ref(`${P}db::blue:${VERSION_ID}`), rotation(DB, OTHER_VERSION));
    expect(match.reason).toBe(
      `pinned to version id ${VERSION_ID} with staging label blue, whose value never changes; ${DB_TEXT} moved AWSCURRENT. ` +
        `Warning: once blue moves off version ${VERSION_ID}, new tasks can no longer start`,
    );
  });
});

describe('matchReference reasons: parameters', () => {
  it.each<[string, string, ChangeForMatching, ReferenceMatch]>([
    [
      'a new value',
      '/demo/x',
      change(PARAM, 'new-current-value', []),
      { impact: 'affected', reason: `${PARAM_TEXT} has a new value, which this reference reads` },
    ],
    [
      'a moved label',
      '/demo/x',
      change(PARAM, 'label-moved', ['prod']),
      { impact: 'unchanged', reason: `only a label moved on ${PARAM_TEXT}; ECS always reads the latest value, which did not change` },
    ],
    [
      'a selector on a new value',
      '/demo/x:prod',
      change(PARAM, 'new-current-value', []),
      { impact: 'unchanged', reason: `selector not supported by ECS / pinned (":prod"); not redeployed for the change to ${PARAM_TEXT}` },
    ],
    [
      'a credential spec on a new value',
      `credentialspec:${S}demo/x`,
      change(PARAM, 'new-current-value', []),
      { impact: 'affected', reason: `${PARAM_TEXT} has a new value, which this reference reads` },
    ],
  ])('%s', (_label, value, theChange, expected) => {
    const location: ReferenceLocation = value.startsWith('credentialspec:') ? 'credentialSpecs' : 'secrets';
    expect(matchReference(ref(value, location), theChange)).toEqual(expected);
  });

  it('a parameter change written with a leading "/" is the same parameter', () => {
    expect(matchReference(ref('/demo/x'), change({ ...PARAM, key: '/demo/x' }, 'new-current-value', [])).impact).toBe('affected');
  });
});
