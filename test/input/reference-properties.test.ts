/**
 * Property-based tests (fast-check) of the `valueFrom` parser and matcher, the heart of correctness: whatever
 * string a task or job definition holds, parsing either succeeds or throws the documented ReferenceParseError;
 * a reference never matches a change of another kind, partition, Region or account; matching is a pure,
 * deterministic function; and an ARN brings its own partition, Region and account, whatever the workload's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceParseError } from '../../lib/errors.js';
import { changeIndexKeys, referenceIndexKey } from '../../lib/references/index-keys.js';
import { matchReference } from '../../lib/references/match-reference.js';
import { parseReference, safeParseReference } from '../../lib/references/parse-reference.js';
import type { ChangedResource, ChangeForMatching, Reference, ReferenceContext, ReferenceLocation } from '../../lib/references/types.js';

const RUNS = { numRuns: 2_000 } as const;

const LOCATIONS: readonly ReferenceLocation[] = [
  'secrets',
  'logConfiguration.secretOptions',
  'repositoryCredentials',
  'fsxWindowsFileServer',
  'credentialSpecs',
];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b'] as const;
const REGIONS = ['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-3'] as const;

const location = fc.constantFrom(...LOCATIONS);
const partition = fc.constantFrom(...PARTITIONS);
const region = fc.constantFrom(...REGIONS);
const account = fc.stringMatching(/^\d{12}$/);
const context: fc.Arbitrary<ReferenceContext> = fc.record({ partition, region, account });

/** Fragments that steer random strings into the parser's interesting branches. */
const FRAGMENTS = [
  'arn:',
  'aws',
  'aws-cn',
  'AWS',
  ':',
  '::',
  ':::',
  'secretsmanager',
  'ssm',
  's3',
  'us-east-1',
  '',
  '111122223333',
  '1111',
  'secret:',
  'parameter/',
  'parameter//',
  '/',
  '//',
  'aws/reference/secretsmanager/',
  'db',
  'prod/db',
  '-AbCdEf',
  'password',
  'AWSCURRENT',
  'AWSPREVIOUS',
  'AWSPENDING',
  '9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE',
  ':3',
  ':prod',
  '\u0000',
  '\n',
  '\u200B',
  'rds!',
  'rds!db-',
  'rds!cluster-',
  '!',
  'credentialspec:',
  'credentialspecdomainless:',
  '\u202E',
  ' ',
  'é',
  '🔑',
  '\uD800',
  '"',
  '%',
  '*',
  '?',
  'constructor',
  '__proto__',
];

/** Arbitrary strings: random code points, random ASCII, and random concatenations of parser fragments. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 16 }).map((parts) => parts.join('')),
  fc
    .tuple(partition, fc.constantFrom('secretsmanager', 'ssm'), region, account, fc.string({ unit: 'binary', maxLength: 60 }))
    .map(([p, service, r, a, rest]) => `arn:${p}:${service}:${r}:${a}:${rest}`),
);

/** Strings shaped like secret or parameter ARNs, with random (often invalid) resource parts. */
const arnLike = fc
  .tuple(
    fc.constantFrom(...PARTITIONS, 'aws-eusc'),
    fc.constantFrom('secretsmanager', 'ssm'),
    fc.constantFrom(...REGIONS, 'xx-fake-9'),
    account,
    fc.constantFrom('secret:', 'parameter/', 'parameter//'),
    fc.array(fc.constantFrom('db', 'prod/', '-AbCdEf', ':', '::', 'password', 'AWSPREVIOUS', ':3', '.', '_', 'x', 'rds!db-', '!'), {
      minLength: 1,
      maxLength: 8,
    }),
  )
  .map(([p, service, r, a, type, parts]) => `arn:${p}:${service}:${r}:${a}:${type}${parts.join('')}`);

/** Names users create: "ASCII letters, numbers, and the following characters: /_+=.@-". */
const userSecretName = fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,40}$/);
/** Visible characters AWS may put after a managed secret's `<service>!` prefix (anything but `:` and invisible ones). */
const MANAGED_TAIL_CHARACTERS = [...'abcxyzABCXYZ0189/_+=.@-!#~%*é', '🔑'];
/**
 * Names of secrets managed by another AWS service: `rds!db-<uuid>` and `rds!cluster-<uuid>` (RDS / Aurora master
 * user secrets), `events!connection/<name>/<uuid>`, and any `<service>!<visible characters>`.
 */
const managedSecretName = fc.oneof(
  fc.tuple(fc.constantFrom('db', 'cluster'), fc.uuid()).map(([kind, uuid]) => `rds!${kind}-${uuid}`),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), fc.uuid()).map(([name, uuid]) => `events!connection/${name}/${uuid}`),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.array(fc.constantFrom(...MANAGED_TAIL_CHARACTERS), { minLength: 1, maxLength: 30 }))
    .map(([service, tail]) => `${service}!${tail.join('')}`),
);
/** Every name Secrets Manager can hold: created by a user, or by a managing AWS service. */
const secretName = fc.oneof(userSecretName, managedSecretName);
const suffix = fc.stringMatching(/^[A-Za-z0-9]{6}$/);
const parameterKey = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}(\/[A-Za-z0-9_.-]{1,20}){0,3}$/).filter((key) => !key.startsWith('aws/'));
const flatKey = fc.stringMatching(/^[A-Za-z0-9_.-]{1,30}$/);
const secretTail = fc.constantFrom(
  '',
  ':password::',
  '::AWSPREVIOUS:',
  '::AWSCURRENT:',
  '::AWSPENDING:',
  '::blue:',
  ':::9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE',
  // A stage together with a version id (the CDK emits it): pinned, never a parse error.
  '::AWSCURRENT:9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE',
  ':username:AWSPREVIOUS:9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE',
);
/** SSM pass-through selectors: Secrets Manager labels, UUID and non-UUID version ids, custom labels. */
const passThroughSelector = fc.constantFrom(
  '',
  ':AWSCURRENT',
  ':AWSPREVIOUS',
  ':AWSPENDING',
  ':9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE',
  ':11111-aaa-bbb-ccc-123456789',
  ':blue',
);

interface ValidReference {
  readonly value: string;
  readonly location: ReferenceLocation;
  readonly context: ReferenceContext;
  /** The ARN's own place, for ARN forms. */
  readonly arnPlace?: { partition: string; region: string; account: string };
}

/** Every `valueFrom` form ECS accepts (value-from-forms.md), with a random place and workload context. */
const validReference: fc.Arbitrary<ValidReference> = fc.oneof(
  fc
    .record({
      p: partition,
      r: region,
      a: account,
      name: secretName,
      suffix: fc.option(suffix),
      tail: secretTail,
      location: fc.constantFrom<ReferenceLocation>('secrets', 'logConfiguration.secretOptions'),
      context,
    })
    .map(({ p, r, a, name, suffix: s, tail, location: l, context: c }) => ({
      value: `arn:${p}:secretsmanager:${r}:${a}:secret:${name}${s ? `-${s}` : ''}${tail}`,
      location: l,
      context: c,
      arnPlace: { partition: p, region: r, account: a },
    })),
  fc
    .record({
      p: partition,
      r: region,
      a: account,
      name: secretName,
      location: fc.constantFrom<ReferenceLocation>('repositoryCredentials', 'fsxWindowsFileServer'),
      context,
    })
    .map(({ p, r, a, name, location: l, context: c }) => ({
      value: `arn:${p}:secretsmanager:${r}:${a}:secret:${name}`,
      location: l,
      context: c,
      arnPlace: { partition: p, region: r, account: a },
    })),
  fc
    .record({
      p: partition,
      r: region,
      a: account,
      key: parameterKey,
      location: fc.constantFrom<ReferenceLocation>('secrets', 'logConfiguration.secretOptions', 'fsxWindowsFileServer'),
      context,
    })
    .map(({ p, r, a, key, location: l, context: c }) => ({
      value: `arn:${p}:ssm:${r}:${a}:parameter/${key}`,
      location: l,
      context: c,
      arnPlace: { partition: p, region: r, account: a },
    })),
  fc.record({ key: parameterKey, context }).map(({ key, context: c }) => ({ value: `/${key}`, location: 'secrets' as const, context: c })),
  fc.record({ key: flatKey, context }).map(({ key, context: c }) => ({ value: key, location: 'logConfiguration.secretOptions' as const, context: c })),
  fc
    .record({ name: secretName, selector: passThroughSelector, context })
    .map(({ name, selector, context: c }) => ({ value: `/aws/reference/secretsmanager/${name}${selector}`, location: 'secrets' as const, context: c })),
  fc
    .record({ p: partition, r: region, a: account, key: parameterKey, prefix: fc.constantFrom('credentialspec:', 'credentialspecdomainless:'), context })
    .map(({ p, r, a, key, prefix, context: c }) => ({
      value: `${prefix}arn:${p}:ssm:${r}:${a}:parameter/${key}`,
      location: 'credentialSpecs' as const,
      context: c,
      arnPlace: { partition: p, region: r, account: a },
    })),
  fc.record({ name: secretName, context }).map(({ name, context: c }) => ({ value: name, location: 'repositoryCredentials' as const, context: c })),
);

const effect = fc.constantFrom<ChangeForMatching['effect']>('new-current-value', 'label-moved', 'deleted');
const labels = fc.array(fc.constantFrom('AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING', 'blue'), { maxLength: 3 });

/** The changed resource that *is* what `reference` reads (same kind, place and name). */
function resourceOf(reference: Reference): ChangedResource {
  const place = { partition: reference.partition, region: reference.region, account: reference.account };
  return reference.kind === 'secret' ? { kind: 'secret', ...place, name: reference.secretId } : { kind: 'parameter', ...place, key: reference.key };
}

type Dimension = 'kind' | 'partition' | 'region' | 'account';

/** `resource` moved to another kind, partition, Region or account; everything else equal. */
function moved(resource: ChangedResource, dimension: Dimension, otherAccount: string): ChangedResource {
  switch (dimension) {
    case 'kind':
      return resource.kind === 'secret'
        ? { kind: 'parameter', partition: resource.partition, region: resource.region, account: resource.account, key: resource.name }
        : { kind: 'secret', partition: resource.partition, region: resource.region, account: resource.account, name: resource.key };
    case 'partition':
      return { ...resource, partition: PARTITIONS.find((p) => p !== resource.partition) ?? 'aws' };
    case 'region':
      return { ...resource, region: REGIONS.find((r) => r !== resource.region) ?? 'us-east-1' };
    case 'account':
      return { ...resource, account: otherAccount };
  }
}

function parsed(candidate: ValidReference): Reference {
  return parseReference(candidate.value, candidate.location, candidate.context).reference;
}

describe('parseReference / safeParseReference on arbitrary strings', () => {
  it('parseReference returns or throws ReferenceParseError (never anything else) for any string in any location', () => {
    fc.assert(
      fc.property(anyString, location, context, (value, where, ctx) => {
        try {
          parseReference(value, where, ctx);
        } catch (error) {
          expect(error).toBeInstanceOf(ReferenceParseError);
          expect((error as ReferenceParseError).value).toBe(value);
          expect((error as Error).message.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('safeParseReference never throws, and agrees with parseReference', () => {
    fc.assert(
      fc.property(anyString, location, context, (value, where, ctx) => {
        const result = safeParseReference(value, where, ctx);
        if (result.success) {
          expect(parseReference(value, where, ctx)).toEqual(result.data);
          expect(result.data.reference.raw).toBe(value);
          expect(result.data.reference.location).toBe(where);
        } else {
          expect(result.error).toBeInstanceOf(ReferenceParseError);
          expect(() => parseReference(value, where, ctx)).toThrow(ReferenceParseError);
        }
      }),
      RUNS,
    );
  });

  it('refuses every value with whitespace, a control or an invisible format character', () => {
    fc.assert(
      fc.property(
        anyString,
        fc.constantFrom(' ', '\t', '\n', '\r', '\u0000', '\u001b', '\u007f', '\u00a0', '\u200B', '\u202E', '\uFEFF', '\u2028'),
        fc.nat(),
        location,
        context,
        (value, bad, at, where, ctx) => {
          const position = value.length === 0 ? 0 : at % (value.length + 1);
          const hostile = `${value.slice(0, position)}${bad}${value.slice(position)}`;
          expect(safeParseReference(hostile, where, ctx).success).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('an ARN that parses keeps its own partition, Region and account, whatever the workload context', () => {
    fc.assert(
      fc.property(arnLike, location, context, (value, where, ctx) => {
        const result = safeParseReference(value, where, ctx);
        fc.pre(result.success);
        if (!result.success) return;
        const [, p, , r, a] = value.split(':');
        expect(result.data.reference).toMatchObject({ partition: p, region: r, account: a });
      }),
      { numRuns: 500 },
    );
  });
});

describe('every accepted valueFrom form', () => {
  it('parses, and an ARN form round-trips the partition, Region and account of the ARN', () => {
    fc.assert(
      fc.property(validReference, (candidate) => {
        const reference = parsed(candidate);
        const place = candidate.arnPlace ?? candidate.context;
        expect({ partition: reference.partition, region: reference.region, account: reference.account }).toEqual(place);
        expect(reference.raw).toBe(candidate.value);
      }),
      RUNS,
    );
  });

  it('matches the resource it names (not "unrelated"), for every effect and labels', () => {
    fc.assert(
      fc.property(validReference, effect, labels, (candidate, what, moves) => {
        const reference = parsed(candidate);
        expect(matchReference(reference, { resource: resourceOf(reference), effect: what, labels: moves }).impact).not.toBe('unrelated');
      }),
      RUNS,
    );
  });

  it('never matches a change of another kind, partition, Region or account (impact "unrelated", with a reason)', () => {
    fc.assert(
      fc.property(
        validReference,
        fc.constantFrom<Dimension>('kind', 'partition', 'region', 'account'),
        account,
        effect,
        labels,
        (candidate, dimension, otherAccount, what, moves) => {
          const reference = parsed(candidate);
          fc.pre(dimension !== 'account' || otherAccount !== reference.account);
          const match = matchReference(reference, { resource: moved(resourceOf(reference), dimension, otherAccount), effect: what, labels: moves });
          expect(match.impact).toBe('unrelated');
          expect(match.reason).toMatch(/ is not /);
        },
      ),
      RUNS,
    );
  });

  it('matching is deterministic: the same reference and change always give the same impact and reason', () => {
    fc.assert(
      fc.property(
        validReference,
        fc.boolean(),
        fc.constantFrom<Dimension>('kind', 'partition', 'region', 'account'),
        account,
        effect,
        labels,
        (candidate, same, dimension, otherAccount, what, moves) => {
          const reference = parsed(candidate);
          const resource = same ? resourceOf(reference) : moved(resourceOf(reference), dimension, otherAccount);
          const change: ChangeForMatching = { resource, effect: what, labels: moves };
          const first = matchReference(reference, change);
          expect(matchReference(reference, change)).toEqual(first);
          expect(matchReference(structuredClone(reference), structuredClone(change))).toEqual(first);
          expect(matchReference(parsed(candidate), change)).toEqual(first);
        },
      ),
      RUNS,
    );
  });

  it('an SSM name and its ARN in the same place, and "/flat" and "flat", are the same parameter for every change', () => {
    fc.assert(
      fc.property(parameterKey, flatKey, context, effect, fc.boolean(), (key, flat, ctx, what, leadingSlashInChange) => {
        const byName = parseReference(`/${key}`, 'secrets', ctx).reference;
        const byArn = parseReference(`arn:${ctx.partition}:ssm:${ctx.region}:${ctx.account}:parameter/${key}`, 'secrets', ctx).reference;
        const change: ChangeForMatching = { resource: { kind: 'parameter', ...ctx, key: leadingSlashInChange ? `/${key}` : key }, effect: what, labels: [] };
        expect(matchReference(byArn, change).impact).toBe(matchReference(byName, change).impact);

        const slashed = parseReference(`/${flat}`, 'secrets', ctx).reference;
        const bare = parseReference(flat, 'secrets', ctx).reference;
        const flatChange: ChangeForMatching = { resource: { kind: 'parameter', ...ctx, key: flat }, effect: what, labels: [] };
        expect(matchReference(slashed, flatChange).impact).toBe(matchReference(bare, flatChange).impact);
        expect(matchReference(bare, flatChange).impact).not.toBe('unrelated');
      }),
      RUNS,
    );
  });

  it('a look-alike name never matches: "<name>" does not match a change to "<name><more>" and vice versa', () => {
    fc.assert(
      fc.property(secretName, fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/), context, effect, (name, more, ctx, what) => {
        const reference = parseReference(`arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${name}`, 'secrets', ctx).reference;
        const longer: ChangedResource = { kind: 'secret', ...ctx, name: `${name}${more}` };
        expect(matchReference(reference, { resource: longer, effect: what, labels: ['AWSCURRENT'] }).impact).toBe('unrelated');
        const longerReference = parseReference(`/${name.replace(/[^A-Za-z0-9_.-]/g, 'x')}${more}`, 'secrets', ctx).reference;
        const shorter: ChangedResource = { kind: 'parameter', ...ctx, key: name.replace(/[^A-Za-z0-9_.-]/g, 'x') };
        expect(matchReference(longerReference, { resource: shorter, effect: what, labels: [] }).impact).toBe('unrelated');
      }),
      RUNS,
    );
  });

  it('a replicated secret widens matching to exactly its replica Regions: same name and account, secrets only', () => {
    fc.assert(
      fc.property(validReference, fc.subarray([...REGIONS]), effect, labels, (candidate, replicaRegions, what, moves) => {
        const reference = parsed(candidate);
        const home = REGIONS.find((r) => r !== reference.region) ?? 'us-east-1';
        const resource = resourceOf(reference);
        const primary: ChangedResource = resource.kind === 'secret' ? { ...resource, region: home, replicaRegions } : { ...resource, region: home };
        const match = matchReference(reference, { resource: primary, effect: what, labels: moves });
        const readsReplica = reference.kind === 'secret' && (replicaRegions as readonly string[]).includes(reference.region);
        expect(match.impact === 'unrelated').toBe(!readsReplica);
        if (readsReplica) expect(match.reason).toContain(`through its replica in ${reference.region}`);
      }),
      RUNS,
    );
  });

  it('managed secret names (rds!db-…, events!connection/…) parse in every secret form and match their own change', () => {
    fc.assert(
      fc.property(managedSecretName, suffix, secretTail, context, (name, s, tail, ctx) => {
        const arn = `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.account}:secret:${name}`;
        const forms: [string, ReferenceLocation][] = [
          [`${arn}-${s}${tail}`, 'secrets'],
          [`${arn}${tail}`, 'logConfiguration.secretOptions'],
          [`${arn}-${s}`, 'repositoryCredentials'],
          [name, 'repositoryCredentials'],
          [`/aws/reference/secretsmanager/${name}`, 'secrets'],
        ];
        for (const [value, where] of forms) {
          const reference = parseReference(value, where, ctx).reference;
          expect(reference.kind).toBe('secret');
          const change: ChangeForMatching = { resource: { kind: 'secret', ...ctx, name, suffix: s }, effect: 'new-current-value', labels: ['AWSCURRENT'] };
          expect(matchReference(reference, change).impact, value).not.toBe('unrelated');
        }
      }),
      RUNS,
    );
  });
});

describe('service index keys (lib/references/index-keys.ts) agree with matching', () => {
  /** A change near `reference`: the resource it reads, or one moved in one dimension, with or without suffix and replicas. */
  const nearResource = (reference: Reference) =>
    fc
      .record({
        dimension: fc.constantFrom<Dimension | 'same'>('same', 'kind', 'partition', 'region', 'account'),
        otherAccount: account,
        suffix: fc.option(suffix, { nil: undefined }),
        fullId: fc.boolean(),
        replicas: fc.subarray([...REGIONS]),
        lookAlike: fc.constantFrom('', '-x', 'x', '/'),
      })
      .map(({ dimension, otherAccount, suffix: s, fullId, replicas, lookAlike }) => {
        let resource = resourceOf(reference);
        if (resource.kind === 'secret') {
          // A full ARN's id is "<name>-<suffix>": the change knows the name and the suffix apart.
          const id = resource.name;
          const split = fullId && /^(.+)-([A-Za-z0-9]{6})$/.exec(id);
          resource = split
            ? { ...resource, name: (split[1] as string) + lookAlike, suffix: split[2] as string }
            : { ...resource, name: id + lookAlike, ...(s ? { suffix: s } : {}) };
          if (replicas.length > 0) resource = { ...resource, replicaRegions: replicas };
        } else if (lookAlike !== '') {
          resource = { ...resource, key: resource.key + lookAlike };
        }
        return dimension === 'same' ? resource : moved(resource, dimension, otherAccount);
      });

  it('a change finds a reference under its keys exactly when matching says it is not "unrelated"', () => {
    fc.assert(
      fc.property(
        validReference.chain((candidate) => {
          const reference = parsed(candidate);
          return fc.tuple(fc.constant(reference), nearResource(reference), effect, labels);
        }),
        ([reference, resource, changeEffect, changeLabels]) => {
          const matched = matchReference(reference, { resource, effect: changeEffect, labels: changeLabels }).impact !== 'unrelated';
          expect(changeIndexKeys(resource).includes(referenceIndexKey(reference))).toBe(matched);
        },
      ),
      RUNS,
    );
  });
});
