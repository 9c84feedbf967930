/**
 * The change record (lib/pipeline/change-records.ts): its key, what it covers, what accumulates, and that it stays
 * small however many targets a change had.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../../../lib/aws/state-table.js';
import type { IdentifiedChange } from '../../../lib/changes/types.js';
import { judgeChange, readRecords, recordFor, recordKey } from '../../../lib/pipeline/change-records.js';
import type { EcsServiceTargetReport } from '../../../lib/report/types.js';
import { MemoryStateTable } from '../../support/memory-state-table.js';
import { DB_SECRET_ARN, ROTATION_VERSION, rotationChange } from '../changes/fake-metadata-directory.js';

const PARAMETER_ARN = 'arn:aws:ssm:us-east-1:111122223333:parameter/app/a';

function secret(overrides: Partial<IdentifiedChange> = {}): IdentifiedChange {
  return { id: 'c1', ...rotationChange(overrides) };
}

function record(overrides: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    key: `change#${DB_SECRET_ARN}#${ROTATION_VERSION}`,
    arn: DB_SECRET_ARN,
    versionId: ROTATION_VERSION,
    since: '2026-11-20T10:00:20Z',
    handledAt: '2026-11-20T10:00:45.000Z',
    labels: ['AWSCURRENT'],
    outcome: 'handled',
    counts: { targets: 5, done: 5, skipped: 0 },
    ...overrides,
  };
}

const target = (n: number, status: EcsServiceTargetReport['status'] = 'done'): EcsServiceTargetReport => ({
  type: 'ecs-service',
  arn: `arn:aws:ecs:us-east-1:111122223333:service/orders/svc-${String(n).padStart(5, '0')}`,
  name: `svc-${n}`,
  cluster: 'orders',
  region: 'us-east-1',
  status,
  reason: 'app (secrets DB_PASSWORD) read the current value of secret demo/orders/db-credentials, which changed',
  changes: ['c1'],
  references: [{ container: 'app', location: 'secrets', valueFrom: DB_SECRET_ARN, impact: 'affected', reason: 'r'.repeat(120) }],
});

describe('recordKey', () => {
  it('is the ARN and the version for a secret, and adds the LastModifiedDate for a parameter (a re-created parameter restarts at 1)', () => {
    expect(recordKey(secret())).toBe(`change#${DB_SECRET_ARN}#${ROTATION_VERSION}`);
    const first = secret({ kind: 'parameter', arn: PARAMETER_ARN, versionId: '1', labels: [], versionDate: '2026-11-20T09:00:00.000Z' });
    const recreated = { ...first, versionDate: '2026-11-20T09:40:00.000Z' };
    expect(recordKey(first)).toBe(`change#${PARAMETER_ARN}#1#2026-11-20T09:00:00.000Z`);
    expect(recordKey(recreated)).not.toBe(recordKey(first));
  });

  it('is undefined for a change that deploys nothing (a deletion) or has no version', () => {
    expect(recordKey(secret({ effect: 'deleted' }))).toBeUndefined();
    const { versionId: _versionId, ...unversioned } = secret();
    expect(recordKey(unversioned as IdentifiedChange)).toBeUndefined();
  });
});

describe('judgeChange', () => {
  it('is new without a record', () => {
    expect(judgeChange(secret(), undefined)).toEqual({ status: 'new' });
  });

  it('is handled when the value became current in a second before the recorded run acted (a duplicate signal, a replay)', () => {
    const verdict = judgeChange(secret({ currentSince: '2026-11-20T10:00:22Z' }), record());
    expect(verdict).toMatchObject({ status: 'handled' });
    expect(verdict.status === 'handled' && verdict.reason).toBe(
      'duplicate: this change (same secret and version, current since 2026-11-20T10:00:22Z) was handled by a run at 2026-11-20T10:00:45.000Z; nothing was done',
    );
  });

  it('is new when the version became current again after the recorded run (a secret reverted to this version)', () => {
    expect(judgeChange(secret({ currentSince: '2026-11-20T10:20:00Z' }), record())).toEqual({ status: 'new' });
  });

  it('is new when the value became current in the same whole second the recorded run started (conservative)', () => {
    expect(judgeChange(secret({ currentSince: '2026-11-20T10:00:45.900Z' }), record())).toEqual({ status: 'new' });
  });

  it('acts only on the labels not handled yet, so custom-label readers are never deployed twice for one version', () => {
    expect(judgeChange(secret({ effect: 'label-moved', labels: ['blue'] }), record())).toMatchObject({ status: 'more-labels', labels: ['blue'] });
    expect(judgeChange(secret({ effect: 'label-moved', labels: ['blue'] }), record({ labels: ['AWSCURRENT', 'blue'] }))).toMatchObject({
      status: 'handled',
    });
  });

  it('says when the earlier run was refused rather than handled', () => {
    const verdict = judgeChange(secret(), record({ outcome: 'refused' }));
    expect(verdict.status === 'handled' && verdict.reason).toContain("was refused (see that run's alert) by a run at");
  });
});

describe('recordFor', () => {
  const handledAt = new Date('2026-11-20T10:00:45.000Z');

  it('keeps the key, the moment, the outcome and the counts — never the report — and stays small for 2,000 targets', () => {
    const targets = Array.from({ length: 2000 }, (_, n) => target(n));
    expect(Buffer.byteLength(JSON.stringify(targets))).toBeGreaterThan(400_000); // the report alone would not fit in an item
    const written = recordFor({ change: secret(), targets, incomplete: false, refused: false, handledAt });
    expect(written).toEqual({
      key: `change#${DB_SECRET_ARN}#${ROTATION_VERSION}`,
      arn: DB_SECRET_ARN,
      versionId: ROTATION_VERSION,
      since: '2026-11-20T10:00:20Z',
      handledAt: '2026-11-20T10:00:45.000Z',
      labels: ['AWSCURRENT'],
      outcome: 'handled',
      counts: { targets: 2000, done: 2000, skipped: 0 },
    });
    expect(Buffer.byteLength(JSON.stringify(written))).toBeLessThan(1024);
  });

  it('accumulates labels onto the record of the same currency period, keeping its moment', () => {
    const written = recordFor({
      change: secret({ effect: 'label-moved', labels: ['blue'], currentSince: '2026-11-20T10:00:30Z' }),
      previous: record(),
      targets: [target(1)],
      incomplete: false,
      refused: false,
      handledAt: new Date('2026-11-20T10:01:30.000Z'),
    });
    expect(written).toMatchObject({ labels: ['AWSCURRENT', 'blue'], since: '2026-11-20T10:00:20Z', handledAt: '2026-11-20T10:01:30.000Z' });
  });

  it('records nothing for a change with a failed or deferred target, or when the run could not see every reader', () => {
    for (const status of ['failed', 'deferred'] as const) {
      expect(recordFor({ change: secret(), targets: [target(1), target(2, status)], incomplete: false, refused: false, handledAt }), status).toBeUndefined();
    }
    expect(recordFor({ change: secret(), targets: [target(1)], incomplete: true, refused: false, handledAt })).toBeUndefined();
  });

  it('records a change whose later waves wait for the tracker (they are handled by it), and a refused one as refused', () => {
    expect(recordFor({ change: secret(), targets: [target(1), target(2, 'waiting')], incomplete: false, refused: false, handledAt })).toBeDefined();
    expect(recordFor({ change: secret(), targets: [target(1, 'skipped')], incomplete: false, refused: true, handledAt })?.outcome).toBe('refused');
  });
});

describe('recordKey: never one record for every change', () => {
  it('keys a moved custom label like a new current value, and a secret never by a date', () => {
    expect(recordKey(secret({ effect: 'label-moved', labels: ['blue'] }))).toBe(`change#${DB_SECRET_ARN}#${ROTATION_VERSION}`);
    expect(recordKey(secret({ versionDate: '2026-11-20T09:00:00.000Z' }))).toBe(`change#${DB_SECRET_ARN}#${ROTATION_VERSION}`);
    expect(recordKey(secret({ kind: 'parameter', arn: PARAMETER_ARN, versionId: '7', labels: [] }))).toBe(`change#${PARAMETER_ARN}#7`);
  });

  it('is undefined for an empty ARN or version and for a change that makes no new value', () => {
    expect(recordKey(secret({ arn: '' }))).toBeUndefined();
    expect(recordKey(secret({ versionId: '' }))).toBeUndefined();
    expect(recordKey({ ...secret(), effect: 'none' } as unknown as IdentifiedChange)).toBeUndefined();
  });
});

describe('judgeChange and recordFor: the moment and the counts', () => {
  const handledAt = new Date('2026-11-20T10:00:45.000Z');

  it('names the event time as the moment of a duplicate that has no currentSince', () => {
    const { currentSince: _currentSince, ...untimed } = secret({ time: '2026-11-20T10:00:21Z' });
    const verdict = judgeChange(untimed as IdentifiedChange, record());
    expect(verdict.status === 'handled' && verdict.reason).toBe(
      'duplicate: this change (same secret and version, current since 2026-11-20T10:00:21Z) was handled by a run at 2026-11-20T10:00:45.000Z; nothing was done',
    );
  });

  it('counts done and skipped targets apart, and keeps a parameter’s LastModifiedDate', () => {
    const parameter = secret({ kind: 'parameter', arn: PARAMETER_ARN, versionId: '7', labels: [], versionDate: '2026-11-20T09:00:00.000Z' });
    const written = recordFor({
      change: parameter,
      targets: [target(1), target(2, 'skipped'), target(3, 'skipped'), target(4, 'waiting')],
      incomplete: false,
      refused: false,
      handledAt,
    });
    expect(written).toMatchObject({
      key: `change#${PARAMETER_ARN}#7#2026-11-20T09:00:00.000Z`,
      versionId: '7',
      versionDate: '2026-11-20T09:00:00.000Z',
      labels: [],
      counts: { targets: 4, done: 1, skipped: 2 },
    });
    expect(recordFor({ change: secret(), targets: [target(1)], incomplete: false, refused: false, handledAt })).not.toHaveProperty('versionDate');
  });

  it('starts a new record (its own moment and labels) when the previous one is of an earlier currency period (a revert)', () => {
    const reverted = secret({ currentSince: '2026-11-20T10:20:00Z', time: '2026-11-20T10:20:01Z' });
    const written = recordFor({
      change: reverted,
      previous: record({ labels: ['AWSCURRENT', 'blue'] }),
      targets: [target(1)],
      incomplete: false,
      refused: false,
      handledAt: new Date('2026-11-20T10:20:30.000Z'),
    });
    expect(written).toMatchObject({ since: '2026-11-20T10:20:00Z', labels: ['AWSCURRENT'], handledAt: '2026-11-20T10:20:30.000Z' });
    const { currentSince: _currentSince, ...untimed } = reverted;
    expect(recordFor({ change: untimed as IdentifiedChange, targets: [], incomplete: false, refused: false, handledAt })?.since).toBe('2026-11-20T10:20:01Z');
  });

  it('records nothing for a change without a key, whatever its targets', () => {
    expect(recordFor({ change: secret({ effect: 'deleted' }), targets: [target(1)], incomplete: false, refused: false, handledAt })).toBeUndefined();
  });
});

describe('readRecords', () => {
  it('reads the records of the changes that have a key, in one call, and asks nothing for a change without one', async () => {
    const state = new MemoryStateTable();
    await state.putChangeRecord(record());
    const records = await readRecords(state, [secret({ id: 'c1', effect: 'deleted' }), secret({ id: 'c2' })]);
    expect([...records.keys()]).toEqual([`change#${DB_SECRET_ARN}#${ROTATION_VERSION}`]);
    expect(state.operations.filter((entry) => entry.operation === 'changeRecords')).toEqual([
      { operation: 'changeRecords', key: `change#${DB_SECRET_ARN}#${ROTATION_VERSION}` },
    ]);
  });

  it('reads nothing when no change has a key (a batch of deletions)', async () => {
    const state = new MemoryStateTable();
    expect(await readRecords(state, [secret({ effect: 'deleted' })])).toEqual(new Map());
    expect(state.count('changeRecords')).toBe(0);
  });
});
