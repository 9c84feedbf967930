/**
 * What the Change step's face adds to every decision (lib/changes/index.ts): the changed resource's tags (for the
 * `secret-refresh:ignore` tag), read once per resource in a batch, look-ups shared per resource, the account of a
 * parameter named without an ARN, and malformed events as invalid entries rather than failures. Also the shape of
 * a change: a key it has no value for is absent, not `undefined`.
 */
import { describe, expect, it } from 'vitest';
import { detectEventChange } from '../../../lib/changes/detect-change.js';
import { type ChangeContext, detectChange, detectChanges } from '../../../lib/changes/index.js';
import type { ChangeKind, MetadataDirectory, ParameterMetadata, SecretMetadata } from '../../../lib/changes/types.js';
import { InvalidInputError } from '../../../lib/errors.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, PUT_VERSION, sampleEvent } from './fake-metadata-directory.js';

/** A FakeMetadataDirectory that also answers ListTagsForResource from `tags` (keyed by id) and records those calls. */
class TaggedDirectory extends FakeMetadataDirectory implements MetadataDirectory {
  public readonly tagCalls: [ChangeKind, string, string][] = [];

  public constructor(
    secrets: readonly SecretMetadata[],
    parameters: readonly ParameterMetadata[],
    private readonly tags: Readonly<Record<string, Record<string, string>>>,
  ) {
    super(secrets, parameters);
  }

  public resourceTags(kind: ChangeKind, id: string, region: string): Promise<Readonly<Record<string, string>>> {
    this.tagCalls.push([kind, id, region]);
    return Promise.resolve(this.tags[id] ?? {});
  }
}

/** The sample Parameter Store Change Update event, for parameter `name`. */
function parameterUpdate(name: string): Record<string, unknown> {
  const event = sampleEvent('ssm-parameter-store-change-update.json');
  return { ...event, resources: [`arn:aws:ssm:us-east-1:111122223333:parameter${name}`], detail: { ...(event.detail as Record<string, unknown>), name } };
}

const context = (directory: MetadataDirectory, overrides: Partial<ChangeContext> = {}): ChangeContext => ({
  directory,
  homeRegion: 'us-east-1',
  now: () => new Date('2026-11-20T12:00:00Z'),
  callerAccount: () => Promise.reject(new Error('the caller account is not needed here')),
  ...overrides,
});

describe('the tags of a changed resource', () => {
  it('reads each parameter’s own tags once per batch, by name, however many of its events the batch holds', async () => {
    const directory = new TaggedDirectory(
      [],
      [
        { name: '/demo/orders/api-key', version: 7 },
        { name: '/demo/billing/api-key', version: 3 },
      ],
      { '/demo/orders/api-key': { team: 'orders' }, '/demo/billing/api-key': { team: 'billing', 'secret-refresh:ignore': 'true' } },
    );
    const batch = await detectChanges(
      [
        { type: 'event', event: parameterUpdate('/demo/orders/api-key') },
        { type: 'event', event: parameterUpdate('/demo/billing/api-key') },
        { type: 'event', event: parameterUpdate('/demo/orders/api-key') },
      ],
      context(directory),
      1,
    );
    expect(batch.changes.map((change) => [change.name, change.versionId, change.tags])).toEqual([
      ['/demo/orders/api-key', '7', { team: 'orders' }],
      ['/demo/billing/api-key', '3', { team: 'billing', 'secret-refresh:ignore': 'true' }],
    ]);
    expect(directory.tagCalls).toEqual([
      ['parameter', '/demo/orders/api-key', 'us-east-1'],
      ['parameter', '/demo/billing/api-key', 'us-east-1'],
    ]);
  });

  it('keeps the tags DescribeSecret gave with the confirmation, with no further call', async () => {
    const directory = new TaggedDirectory([{ ...dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] }), tags: { team: 'orders' } }], [], {});
    const change = await detectChange({ type: 'event', event: sampleEvent('secretsmanager-putsecretvalue-awscurrent.json') }, context(directory));
    expect(change.tags).toEqual({ team: 'orders' });
    expect(directory.tagCalls).toEqual([]);
  });

  it('reads a secret’s tags by its full ARN when DescribeSecret gave none', async () => {
    const directory = new TaggedDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] })], [], { [DB_SECRET_ARN]: { team: 'orders' } });
    const change = await detectChange({ type: 'event', event: sampleEvent('secretsmanager-putsecretvalue-awscurrent.json') }, context(directory));
    expect(change.tags).toEqual({ team: 'orders' });
    expect(directory.tagCalls).toEqual([['secret', DB_SECRET_ARN, 'us-east-1']]);
  });
});

describe('the account of a parameter named without an ARN', () => {
  it('is the deployment’s account when one is set: the caller’s account is not asked', async () => {
    const directory = new FakeMetadataDirectory([], [{ name: '/demo/orders/api-key', version: 7 }]);
    const change = await detectChange(
      { type: 'manual', ref: '/demo/orders/api-key', kind: 'parameter' },
      context(directory, { expectedAccount: '111122223333', callerAccount: () => Promise.resolve('999999999999') }),
    );
    expect(change).toMatchObject({ kind: 'parameter', account: '111122223333', arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/api-key' });
  });

  it('is the caller’s account otherwise', async () => {
    const directory = new FakeMetadataDirectory([], [{ name: '/demo/orders/api-key', version: 7 }]);
    const change = await detectChange(
      { type: 'manual', ref: '/demo/orders/api-key', kind: 'parameter' },
      context(directory, { callerAccount: () => Promise.resolve('444455556666') }),
    );
    expect(change).toMatchObject({ account: '444455556666', arn: 'arn:aws:ssm:us-east-1:444455556666:parameter/demo/orders/api-key' });
  });
});

describe('a manual refresh of a parameter by a name no parameter can have', () => {
  it('says which characters a parameter name may have, and no more when it is not a secret name either', async () => {
    const directory = new FakeMetadataDirectory();
    const detected = detectChange({ type: 'manual', ref: 'orders#api-key', kind: 'parameter' }, context(directory));
    await expect(detected).rejects.toThrow(InvalidInputError);
    await expect(detected).rejects.toThrow(/^ref "orders#api-key" is not an SSM parameter name \(letters, digits, _ \. - and \/\)$/);
    expect(directory.calls).toEqual([]);
  });
});

describe('the shape of a change', () => {
  it('has no key for what it lacks (ARN, version, tags, stale), so stored and compared changes agree', async () => {
    const change = await detectEventChange(sampleEvent('ssm-parameter-store-change-label.json'), new FakeMetadataDirectory());
    expect(Object.keys(change).sort()).toEqual(
      ['kind', 'effect', 'reason', 'partition', 'region', 'account', 'name', 'arn', 'labels', 'time', 'currentSince', 'origin', 'warnings'].sort(),
    );
    const named = await detectEventChange(
      (() => {
        const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
        return {
          ...event,
          detail: { ...(event.detail as Record<string, unknown>), eventName: 'ListSecrets', requestParameters: null, responseElements: null },
        };
      })(),
      new FakeMetadataDirectory(),
    );
    expect(Object.keys(named).sort()).toEqual(
      ['kind', 'effect', 'reason', 'partition', 'region', 'account', 'name', 'labels', 'time', 'currentSince', 'origin', 'warnings'].sort(),
    );
  });
});

describe('the look-ups a batch shares', () => {
  it('are kept per secret and per parameter: two secrets of one batch are each described once, with their own answer', async () => {
    const billing = {
      ...dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] }),
      name: 'demo/billing/db',
      arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/billing/db-Zz99Yy',
    };
    const directory = new FakeMetadataDirectory([dbSecret({ [PUT_VERSION]: ['AWSCURRENT'] }), billing], [{ name: '/demo/orders/api-key', version: 7 }]);
    const put = (secretId: string) => {
      const event = sampleEvent('secretsmanager-putsecretvalue-awscurrent.json');
      return {
        ...event,
        detail: { ...(event.detail as Record<string, unknown>), requestParameters: { secretId, clientRequestToken: PUT_VERSION }, responseElements: null },
      };
    };
    const batch = await detectChanges(
      [
        { type: 'event', event: put('demo/orders/db') },
        { type: 'event', event: put('demo/billing/db') },
        { type: 'event', event: put('demo/orders/db') },
        { type: 'event', event: parameterUpdate('/demo/orders/api-key') },
      ],
      context(directory),
      1,
    );
    expect(batch.changes.map((change) => [change.id, change.name])).toEqual([
      ['c1', 'demo/orders/db'],
      ['c2', 'demo/billing/db'],
      ['c4', '/demo/orders/api-key'],
    ]);
    expect(directory.calls.map((call) => call.id)).toEqual(['demo/orders/db', 'demo/billing/db', '/demo/orders/api-key']);
  });
});

describe('a malformed event with an expected account set', () => {
  it.each([
    ['no event at all', undefined, 'event must be an EventBridge event object, got undefined'],
    [
      'a detail of null',
      { ...sampleEvent('ssm-parameter-store-change-update.json'), detail: null },
      'Parameter Store Change event is malformed: detail: Invalid input: expected object, received null',
    ],
  ])('%s is an invalid entry (reported, never retried), not a failure', async (_label, event, reason) => {
    const batch = await detectChanges([{ type: 'event', event }], context(new FakeMetadataDirectory(), { expectedAccount: '111122223333' }));
    expect(batch.entries.map((entry) => [entry.decision, entry.reason])).toEqual([['invalid', reason]]);
  });
});
