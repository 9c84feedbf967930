/**
 * The scan checkpoint's parts (lib/pipeline/scan-checkpoint.ts, lib/aws/scan-checkpoints.ts): the continuation
 * message (validated like every other input, nothing but a change's identity copied into it), the compact matches,
 * the stored checkpoint and its conditional writes.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryScanCheckpoints } from '../../../lib/aws/scan-checkpoints.js';
import type { IdentifiedChange } from '../../../lib/changes/index.js';
import { InvalidInputError } from '../../../lib/errors.js';
import {
  addMatches,
  continuationBody,
  decodeCheckpoint,
  encodeCheckpoint,
  isContinuationBody,
  matchedServices,
  parseContinuation,
  reconcileContinuationOf,
  type ScanCheckpoint,
} from '../../../lib/pipeline/scan-checkpoint.js';

const CHANGE: IdentifiedChange = {
  id: 'c1',
  kind: 'secret',
  effect: 'new-current-value',
  reason: 'AWSCURRENT moved to version v2',
  partition: 'aws',
  region: 'us-east-1',
  account: '111122223333',
  name: 'demo/orders/db',
  arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-Ab12Cd',
  versionId: 'v2',
  labels: ['AWSCURRENT'],
  time: '2026-12-01T10:00:00Z',
  origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated', eventId: 'e-1' },
  warnings: [],
  tags: { team: 'orders' },
};

const CLUSTER = 'arn:aws:ecs:us-east-1:111122223333:cluster/orders';
const service = (name: string, cluster = CLUSTER) => ({
  arn: `arn:aws:ecs:us-east-1:111122223333:service/${cluster.split('/')[1]}/${name}`,
  clusterArn: cluster,
  region: 'us-east-1',
});

describe('the continuation message', () => {
  it('round-trips: what continuationBody writes, parseContinuation reads back as the same changes', () => {
    const body = JSON.parse(continuationBody('scan#3f2b-1', 2, [CHANGE]));
    expect(isContinuationBody(body)).toBe(true);
    expect(parseContinuation(body)).toEqual({ secretRefresh: 'scan-continuation', version: 1, checkpoint: 'scan#3f2b-1', step: 2, changes: [CHANGE] });
  });

  it('keeps every optional field of a change and its warnings: the version date, the stale mark, the replica Regions', () => {
    const full: IdentifiedChange = {
      ...CHANGE,
      currentSince: '2026-12-01T09:59:58Z',
      versionDate: '2026-12-01T09:59:57.000Z',
      stale: true,
      replicaRegions: ['eu-west-1', 'us-west-2'],
      warnings: ['the event named a version that is no longer current'],
    };
    const [copy] = parseContinuation(JSON.parse(continuationBody('scan#full', 1, [full]))).changes;
    expect(copy).toEqual(full);
  });

  it('copies a change field by field: nothing else reaches the queue', () => {
    const leaky = { ...CHANGE, secretValue: 'hunter2', origin: { ...CHANGE.origin, raw: 'x' } } as unknown as IdentifiedChange;
    const body = continuationBody('scan#a', 1, [leaky]);
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('raw');
  });

  it.each([
    [{ extra: true }, 'message: Unrecognized key: "extra"'],
    [{ step: 0 }, 'step: Too small: expected number to be >=1'],
    [{ step: 1.5 }, 'step: '],
    [{ checkpoint: 'change#x' }, 'checkpoint: Invalid string: must match pattern /^scan#[A-Za-z0-9-]{1,100}$/'],
    [{ changes: [] }, 'changes: Too small: expected array to have >=1 items'],
    [{ changes: [{ ...CHANGE, effect: 'rotated' }] }, 'changes.0.effect: '],
    [{ version: 2 }, 'version: Invalid input: expected 1'],
  ])('refuses a message with %j, saying which field is wrong', (patch, detail) => {
    const body = { ...JSON.parse(continuationBody('scan#a', 1, [CHANGE])), ...patch };
    expect(() => parseContinuation(body)).toThrow(InvalidInputError);
    let message = '';
    try {
      parseContinuation(body);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.startsWith(`invalid scan continuation message (${detail}`)).toBe(true);
    expect(message).toContain(
      'expected { "secretRefresh": "scan-continuation", "version": 1, "checkpoint": "scan#<id>", "step": <n ≥ 1>, "changes": [<change>, …] }',
    );
  });

  it.each([
    ['a parameter', { kind: 'parameter' as const }],
    ['a moved label', { effect: 'label-moved' as const, labels: ['blue'] }],
    ['a deletion', { effect: 'deleted' as const, labels: [] }],
    ['a change that makes no new value', { effect: 'none' as const }],
    ['a Parameter Store event', { origin: { channel: 'ssm-native' as const, eventName: 'Parameter Store Change' } }],
    ['a CloudTrail call', { origin: { channel: 'cloudtrail-api-call' as const, eventName: 'PutSecretValue' } }],
    ['a CloudTrail service event', { origin: { channel: 'cloudtrail-service-event' as const, eventName: 'RotationSucceeded' } }],
    ['a manual refresh', { origin: { channel: 'manual' as const, eventName: 'refresh' } }],
  ])('carries %s', (_what, patch) => {
    const change = { ...CHANGE, ...patch } as IdentifiedChange;
    expect(parseContinuation(JSON.parse(continuationBody('scan#a', 1, [change]))).changes).toEqual([change]);
  });

  it('refuses a change whose origin names no known channel, and keeps zod’s issues as the cause', () => {
    const body = JSON.parse(continuationBody('scan#a', 1, [{ ...CHANGE, origin: { channel: 'sns', eventName: 'x' } } as unknown as IdentifiedChange]));
    let caught: unknown;
    try {
      parseContinuation(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as Error).message).toMatch(/^invalid scan continuation message \(changes\.0\.origin\.channel: /);
    expect(((caught as Error).cause as { issues?: unknown[] }).issues).toHaveLength(1);
  });

  it('is told from an EventBridge event by its secretRefresh field alone', () => {
    expect(isContinuationBody({ 'detail-type': 'Secret Label Updated' })).toBe(false);
    expect(isContinuationBody({ secretRefresh: 'scan-continuation' })).toBe(true);
    expect(isContinuationBody('scan-continuation')).toBe(false);
  });
});

describe('the reconcile continuation', () => {
  const message = { secretRefresh: 'index-reconcile', version: 1, checkpoint: 'scan#reconcile-us-east-1-3f2b', step: 2 };

  it('is read back as it was sent', () => {
    expect(reconcileContinuationOf(message)).toEqual(message);
  });

  it.each([
    ['a checkpoint key with something before it', { checkpoint: 'x-scan#reconcile-us-east-1' }],
    ['a checkpoint key with something after it', { checkpoint: 'scan#reconcile-us-east-1/../x' }],
    ['a scan continuation', { secretRefresh: 'scan-continuation' }],
  ])('is not one for %s', (_what, patch) => {
    expect(reconcileContinuationOf({ ...message, ...patch })).toBeUndefined();
  });
});

describe('the compact matches', () => {
  it('groups services by Region and cluster, each once, and gives them back as known services', () => {
    const other = 'arn:aws:ecs:us-east-1:111122223333:cluster/billing';
    const matches = addMatches(addMatches([], [service('a'), service('b')]), [service('a'), service('c', other), service('d')]);
    expect(matches).toEqual([
      { region: 'us-east-1', cluster: CLUSTER, services: [service('a').arn, service('b').arn, service('d').arn] },
      { region: 'us-east-1', cluster: other, services: [service('c', other).arn] },
    ]);
    expect(matchedServices(matches)).toEqual([service('a'), service('b'), service('d'), service('c', other)]);
  });
});

describe('the stored checkpoint', () => {
  const checkpoint: ScanCheckpoint = {
    id: 'scan#a',
    step: 1,
    complete: false,
    startedAt: '2026-12-01T10:00:00.000Z',
    invocations: 1,
    servicesScanned: 200,
    cursor: { regions: [{ region: 'us-east-1', clusters: [{ cluster: CLUSTER, next: 'token-2' }] }] },
    matches: addMatches([], [service('a')]),
    handled: [],
    problems: [],
  };

  it('decodes what it encodes, and reads anything else as no checkpoint (the scan then starts over)', () => {
    expect(decodeCheckpoint(encodeCheckpoint(checkpoint))).toEqual(checkpoint);
    expect(decodeCheckpoint('{"id":"scan#a"}')).toBeUndefined();
    expect(decodeCheckpoint('not json')).toBeUndefined();
  });

  it.each([
    ['id', { id: 7 }],
    ['step', { step: '2' }],
    ['matches', { matches: {} }],
    ['handled', { handled: 'none' }],
  ])('reads a checkpoint whose %s is not what it should be as no checkpoint', (_field, patch) => {
    expect(decodeCheckpoint(JSON.stringify({ ...checkpoint, ...patch }))).toBeUndefined();
  });

  it('is written only at the step the writer continued: a second writer of the same step loses', async () => {
    const store = new InMemoryScanCheckpoints();
    expect(await store.write('scan#a', { step: 1, body: 'one' }, undefined)).toBe(true);
    expect(await store.write('scan#a', { step: 1, body: 'again' }, undefined)).toBe(false);
    expect(await store.write('scan#a', { step: 2, body: 'two' }, 1)).toBe(true);
    expect(await store.write('scan#a', { step: 2, body: 'late copy' }, 1)).toBe(false);
    expect(await store.read('scan#a')).toEqual({ step: 2, body: 'two' });
    store.lose('scan#a');
    expect(await store.read('scan#a')).toBeUndefined();
  });
});
