/**
 * Coalescing a batch (lib/changes/coalesce-changes.ts, through the face's detectChanges where the AWS side matters):
 * duplicates of one change merge, older versions merge into the newest, label moves to the newest version merge,
 * deletions and re-creations resolve to the latest, and nothing is dropped: every input keeps an entry.
 */
import { describe, expect, it } from 'vitest';
import { coalesceChanges } from '../../../lib/changes/coalesce-changes.js';
import { detectChanges } from '../../../lib/changes/index.js';
import type { Change, DetectedInput } from '../../../lib/changes/types.js';
import { EventParseError } from '../../../lib/errors.js';
import {
  DB_SECRET_ARN,
  dbSecret,
  FakeMetadataDirectory,
  PREVIOUS_VERSION,
  PUT_VERSION,
  ROTATION_VERSION,
  rotationChange,
  sampleEvent,
} from './fake-metadata-directory.js';

const PARAMETER_ARN = 'arn:aws:ssm:us-east-1:111122223333:parameter/demo/orders/db-password';

const change = (overrides: Partial<Change>): Change => rotationChange(overrides);

const parameter = (version: number, time: string, overrides: Partial<Change> = {}) =>
  change({
    kind: 'parameter',
    name: '/demo/orders/db-password',
    arn: PARAMETER_ARN,
    versionId: String(version),
    labels: [],
    time,
    currentSince: time,
    versionDate: time,
    origin: { channel: 'ssm-native', eventName: 'Update' },
    ...overrides,
  });

const detected = (...changes: Change[]): DetectedInput[] => changes.map((item, index) => ({ status: 'detected', change: item, source: `m-${index + 1}` }));
const decisions = (inputs: DetectedInput[]) => coalesceChanges(inputs).entries.map((entry) => [entry.id, entry.decision, entry.mergedInto]);

describe('coalesceChanges', () => {
  it('merges the three signals of one rotation into the first, keeping the latest moment (conservative) and every label', () => {
    const batch = coalesceChanges(
      detected(
        change({ origin: { channel: 'cloudtrail-api-call', eventName: 'UpdateSecretVersionStage' } }),
        change({ labels: ['AWSCURRENT'], time: '2026-11-20T10:00:20.500Z', currentSince: '2026-11-20T10:00:20.500Z' }),
        change({
          time: '2026-11-20T10:00:22Z',
          currentSince: '2026-11-20T10:00:23Z',
          origin: { channel: 'cloudtrail-service-event', eventName: 'RotationSucceeded' },
        }),
      ),
    );
    expect(batch.entries.map((entry) => [entry.id, entry.source, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'm-1', 'act', undefined],
      ['c2', 'm-2', 'merged', 'c1'],
      ['c3', 'm-3', 'merged', 'c1'],
    ]);
    expect(batch.entries[2]?.reason).toBe(`merged into c1: RotationSucceeded (version ${ROTATION_VERSION}) is another signal of the same change`);
    expect(batch.changes).toHaveLength(1);
    expect(batch.changes[0]).toMatchObject({ id: 'c1', versionId: ROTATION_VERSION, currentSince: '2026-11-20T10:00:23Z', labels: ['AWSCURRENT'] });
  });

  it('merges an older version of a parameter into the newest, whatever the order of the inputs', () => {
    const batch = coalesceChanges(detected(parameter(7, '2026-11-20T10:00:30Z'), parameter(5, '2026-11-20T10:00:10Z'), parameter(6, '2026-11-20T10:00:20Z')));
    expect(batch.entries.map((entry) => [entry.id, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'act', undefined],
      ['c2', 'merged', 'c1'],
      ['c3', 'merged', 'c1'],
    ]);
    expect(batch.entries[1]?.reason).toBe('merged into c1: Update (version 5) is older than version 7 of the same parameter, which the batch deploys');
    expect(batch.changes.map((item) => [item.id, item.versionId])).toEqual([['c1', '7']]);
  });

  it('at the same moment, keeps the higher parameter version, in either input order', () => {
    const at = '2026-11-20T10:00:20Z';
    expect(coalesceChanges(detected(parameter(6, at), parameter(7, at))).changes.map((item) => [item.id, item.versionId])).toEqual([['c2', '7']]);
    expect(coalesceChanges(detected(parameter(7, at), parameter(6, at))).changes.map((item) => [item.id, item.versionId])).toEqual([['c1', '7']]);
  });

  it('at the same moment, keeps the later signal of a secret, even when its version ids look like numbers', () => {
    // A client request token is any 32 to 64 characters: digits only is allowed, and means nothing about order.
    const [high, low] = ['2'.repeat(32), '1'.repeat(32)];
    const batch = coalesceChanges(detected(change({ versionId: high }), change({ versionId: low })));
    expect(batch.changes.map((item) => [item.id, item.versionId])).toEqual([['c2', low]]);
  });

  it('keeps the newest when the later input is the newer version', () => {
    expect(decisions(detected(parameter(5, '2026-11-20T10:00:10Z'), parameter(6, '2026-11-20T10:00:20Z')))).toEqual([
      ['c1', 'merged', 'c2'],
      ['c2', 'act', undefined],
    ]);
  });

  it('keeps separate changes for separate secrets and parameters', () => {
    const batch = coalesceChanges(detected(change({}), parameter(3, '2026-11-20T10:00:10Z')));
    expect(batch.changes.map((item) => item.id)).toEqual(['c1', 'c2']);
  });

  it('merges a custom label moved to the newest version into it, and keeps a label moved to another version on its own', () => {
    const batch = coalesceChanges(
      detected(
        change({}),
        change({ effect: 'label-moved', labels: ['blue'], origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated' } }),
        change({ effect: 'label-moved', labels: ['green'], versionId: PREVIOUS_VERSION }),
      ),
    );
    expect(batch.entries.map((entry) => [entry.id, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'act', undefined],
      ['c2', 'merged', 'c1'],
      ['c3', 'act', undefined],
    ]);
    expect(batch.changes.map((item) => [item.id, item.effect, item.versionId, item.labels])).toEqual([
      ['c1', 'new-current-value', ROTATION_VERSION, ['AWSCURRENT', 'blue']],
      ['c3', 'label-moved', PREVIOUS_VERSION, ['green']],
    ]);
  });

  it('lets a deletion after a new value win (never redeploy readers of a deleted parameter), and a re-creation after a deletion', () => {
    const deleted = (time: string) => {
      const { versionId: _versionId, ...rest } = parameter(0, time, { effect: 'deleted', origin: { channel: 'ssm-native', eventName: 'Delete' } });
      return rest as Change;
    };
    const updateThenDelete = coalesceChanges(detected(parameter(3, '2026-11-20T10:00:10Z'), deleted('2026-11-20T10:00:20Z')));
    expect(updateThenDelete.changes.map((item) => [item.id, item.effect])).toEqual([['c2', 'deleted']]);
    expect(updateThenDelete.entries[0]?.reason).toBe('merged into c2: Update (version 3): the parameter was deleted later in the same batch');
    const deleteThenCreate = coalesceChanges(detected(deleted('2026-11-20T10:00:10Z'), parameter(1, '2026-11-20T10:00:20Z')));
    expect(deleteThenCreate.changes.map((item) => [item.id, item.effect, item.versionId])).toEqual([['c2', 'new-current-value', '1']]);
    expect(deleteThenCreate.entries[0]?.reason).toBe('merged into c2: Delete: the parameter was deleted, then changed again in the same batch');
  });

  it('merges a superseded signal (stale) into the batch’s change of the same secret, and leaves one with nothing to join as nothing to do', () => {
    const stale = change({ effect: 'none', versionId: PUT_VERSION, stale: true, reason: `superseded: version ${PUT_VERSION} no longer carries AWSCURRENT` });
    expect(decisions(detected(stale, change({})))).toEqual([
      ['c1', 'merged', 'c2'],
      ['c2', 'act', undefined],
    ]);
    expect(coalesceChanges(detected(stale, change({}))).entries[0]?.reason).toBe(
      `merged into c2: superseded: version ${PUT_VERSION} no longer carries AWSCURRENT`,
    );
    expect(decisions(detected(stale))).toEqual([['c1', 'nothing-to-do', undefined]]);
  });

  it('keeps an entry for every input: invalid and undecidable ones with their errors', () => {
    const inputs: DetectedInput[] = [
      { status: 'invalid', error: new EventParseError('event must be an EventBridge event object, got a number'), source: 'm-1' },
      { status: 'failed', error: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), source: 'm-2' },
      ...detected(change({})),
    ];
    const batch = coalesceChanges(inputs);
    expect(batch.entries.map(({ id, source, decision, error, reason }) => ({ id, source, decision, error, reason }))).toEqual([
      {
        id: 'c1',
        source: 'm-1',
        decision: 'invalid',
        error: 'EventParseError: event must be an EventBridge event object, got a number',
        reason: 'event must be an EventBridge event object, got a number',
      },
      { id: 'c2', source: 'm-2', decision: 'failed', error: 'ThrottlingException: Rate exceeded', reason: 'could not be decided now (retried): Rate exceeded' },
      { id: 'c3', source: 'm-1', decision: 'act', error: undefined, reason: 'AWSCURRENT moved' },
    ]);
    expect(batch.changes.map((item) => item.id)).toEqual(['c3']);
  });
});

describe('detectChanges (the face)', () => {
  it('detects every event of a batch with one DescribeSecret per secret, and merges the signals of one rotation', async () => {
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'], [PREVIOUS_VERSION]: ['AWSPREVIOUS'] })]);
    const context = { directory, homeRegion: 'us-east-1', now: () => new Date(), callerAccount: async () => '111122223333' };
    const batch = await detectChanges(
      [
        { type: 'event', event: sampleEvent('secretsmanager-updatesecretversionstage-awscurrent.json'), source: 'm-1' },
        { type: 'event', event: sampleEvent('secretsmanager-secret-label-updated-awscurrent.json'), source: 'm-2' },
        { type: 'event', event: sampleEvent('secretsmanager-rotationsucceeded.json'), source: 'm-3' },
        { type: 'event', event: 42, source: 'm-4' },
      ],
      context,
    );
    expect(batch.entries.map((entry) => [entry.id, entry.source, entry.decision])).toEqual([
      ['c1', 'm-1', 'act'],
      ['c2', 'm-2', 'merged'],
      ['c3', 'm-3', 'merged'],
      ['c4', 'm-4', 'invalid'],
    ]);
    // One look-up of the secret for the three signals (the same view of it), and one of its tags.
    expect(directory.calls.filter((call) => call.operation === 'describeSecret').map((call) => call.id)).toEqual([DB_SECRET_ARN]);
  });

  it('answers a failed look-up with a failed entry for that input only (retried), and a later one in the batch asks again', async () => {
    let calls = 0;
    const directory = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] })]);
    const flaky = {
      describeSecret: async (id: string, region: string) => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return directory.describeSecret(id, region);
      },
      describeParameter: directory.describeParameter.bind(directory),
    };
    const context = { directory: flaky, homeRegion: 'us-east-1', now: () => new Date(), callerAccount: async () => '111122223333' };
    const batch = await detectChanges(
      [
        { type: 'event', event: sampleEvent('secretsmanager-updatesecretversionstage-awscurrent.json') },
        { type: 'event', event: sampleEvent('secretsmanager-secret-label-updated-awscurrent.json') },
      ],
      context,
      1,
    );
    expect(batch.entries.map((entry) => [entry.decision, entry.error])).toEqual([
      ['failed', 'ThrottlingException: Rate exceeded'],
      ['act', undefined],
    ]);
  });
});

describe('coalesceChanges: ties, moments and warnings', () => {
  it('keeps the higher parameter version when two share a moment, whatever the order; the later input among secrets', () => {
    const same = '2026-11-20T10:00:10Z';
    expect(decisions(detected(parameter(5, same), parameter(4, same)))).toEqual([
      ['c1', 'act', undefined],
      ['c2', 'merged', 'c1'],
    ]);
    const { currentSince: _a, ...first } = change({ versionId: PUT_VERSION });
    const { currentSince: _b, ...second } = change({});
    expect(decisions(detected(first as Change, second as Change))).toEqual([
      ['c1', 'merged', 'c2'],
      ['c2', 'act', undefined],
    ]);
  });

  it('unites the warnings of merged signals once each, and takes the latest moment from a signal that has only an event time', () => {
    const { currentSince: _currentSince, ...untimed } = change({ warnings: ['w1'] });
    const later = change({ time: '2026-11-20T10:00:25Z', warnings: ['w1', 'w2'] });
    const { currentSince: _none, ...laterUntimed } = later;
    const [merged] = coalesceChanges(detected(untimed as Change, laterUntimed as Change)).changes;
    expect(merged).toMatchObject({ id: 'c1', warnings: ['w1', 'w2'], currentSince: '2026-11-20T10:00:25Z' });
  });

  it('leaves a change with nothing merged into it exactly as detected', () => {
    const { currentSince: _currentSince, ...untimed } = change({});
    const [only] = coalesceChanges(detected(untimed as Change)).changes;
    expect(only).toEqual({ ...untimed, id: 'c1' });
  });

  it('unites the labels of every signal of the version into the change of its new value, AWSCURRENT first', () => {
    const batch = coalesceChanges(
      detected(change({ effect: 'label-moved', labels: ['blue'] }), change({}), change({ effect: 'label-moved', labels: ['green'] })),
    );
    expect(batch.changes.map((item) => item.id)).toEqual(['c2']);
    const labels = batch.changes[0]?.labels ?? [];
    expect(labels[0]).toBe('AWSCURRENT');
    expect([...labels].sort()).toEqual(['AWSCURRENT', 'blue', 'green']);
  });
});

describe('coalesceChanges: superseded signals and the order of changes', () => {
  const OTHER_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/billing/db-Zz99Yy';
  const superseded = change({
    effect: 'none',
    reason: `superseded: version ${PUT_VERSION} no longer carries AWSCURRENT; the later change triggers its own refresh`,
    versionId: PUT_VERSION,
    labels: [],
    stale: true,
  });

  it('never merges it into a label move of that secret: a label move does not refresh AWSCURRENT’s readers', () => {
    const labelMove = change({ effect: 'label-moved', labels: ['blue'], reason: 'blue moved' });
    expect(decisions(detected(superseded, labelMove))).toEqual([
      ['c1', 'nothing-to-do', undefined],
      ['c2', 'act', undefined],
    ]);
  });

  it('lists the changes in input order, whichever resource they belong to', () => {
    const batch = coalesceChanges(
      detected(
        change({
          effect: 'label-moved',
          labels: ['blue'],
          versionId: PREVIOUS_VERSION,
          reason: 'blue moved',
          time: '2026-11-20T09:00:00Z',
          currentSince: '2026-11-20T09:00:00Z',
        }),
        change({ arn: OTHER_ARN, name: 'demo/billing/db' }),
        change({}),
      ),
    );
    expect(batch.changes.map((item) => [item.id, item.arn, item.effect])).toEqual([
      ['c1', DB_SECRET_ARN, 'label-moved'],
      ['c2', OTHER_ARN, 'new-current-value'],
      ['c3', DB_SECRET_ARN, 'new-current-value'],
    ]);
  });
});

describe('coalesceChanges: deletions, label moves alone, and what merged signals bring', () => {
  const at = (time: string) => ({ time, currentSince: time });
  const deletion = (time: string) => {
    const { versionId: _versionId, ...rest } = change({ effect: 'deleted', labels: [], reason: 'deleted', warnings: ['secret deleted'], ...at(time) });
    return rest as Change;
  };
  const blue = (time: string, versionId = PREVIOUS_VERSION) =>
    change({ effect: 'label-moved', labels: ['blue'], versionId, reason: 'blue moved', ...at(time) });

  it('a label move before (or at) a deletion of its secret is moot: it merges into the deletion, which alone is acted on', () => {
    for (const labelTime of ['2026-11-20T10:00:10Z', '2026-11-20T10:00:20Z']) {
      const batch = coalesceChanges(detected(blue(labelTime), deletion('2026-11-20T10:00:20Z')));
      expect(batch.entries.map((entry) => [entry.id, entry.decision, entry.mergedInto])).toEqual([
        ['c1', 'merged', 'c2'],
        ['c2', 'act', undefined],
      ]);
      expect(batch.changes.map((item) => [item.id, item.effect])).toEqual([['c2', 'deleted']]);
    }
  });

  it('two deletions of one secret are one change, the first input acting', () => {
    expect(decisions(detected(deletion('2026-11-20T10:00:20Z'), deletion('2026-11-20T10:00:30Z')))).toEqual([
      ['c1', 'act', undefined],
      ['c2', 'merged', 'c1'],
    ]);
  });

  it('a label move after the deletion stays its own change (the secret was re-created)', () => {
    const batch = coalesceChanges(detected(deletion('2026-11-20T10:00:20Z'), blue('2026-11-20T10:00:30Z')));
    expect(batch.changes.map((item) => [item.id, item.effect, item.labels])).toEqual([
      ['c1', 'deleted', []],
      ['c2', 'label-moved', ['blue']],
    ]);
  });

  it('a batch of label moves only: one change per version the labels moved to', () => {
    const batch = coalesceChanges(detected(blue('2026-11-20T10:00:10Z'), blue('2026-11-20T10:00:20Z', ROTATION_VERSION)));
    expect(batch.changes.map((item) => [item.id, item.versionId])).toEqual([
      ['c1', PREVIOUS_VERSION],
      ['c2', ROTATION_VERSION],
    ]);
  });

  it('label moves to one version are one change carrying every label, the latest acting', () => {
    const green = change({ effect: 'label-moved', labels: ['green'], versionId: PREVIOUS_VERSION, reason: 'green moved', ...at('2026-11-20T10:00:20Z') });
    const batch = coalesceChanges(detected(blue('2026-11-20T10:00:10Z'), green));
    expect(batch.entries.map((entry) => [entry.id, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'merged', 'c2'],
      ['c2', 'act', undefined],
    ]);
    expect(batch.changes.map((item) => [item.id, item.labels])).toEqual([['c2', ['green', 'blue']]]);
  });

  it('the first input of a version acts, even when a later input of it has the earlier moment', () => {
    const batch = coalesceChanges(detected(change(at('2026-11-20T10:00:22Z')), change(at('2026-11-20T10:00:20Z'))));
    expect(batch.entries.map((entry) => [entry.id, entry.decision, entry.mergedInto])).toEqual([
      ['c1', 'act', undefined],
      ['c2', 'merged', 'c1'],
    ]);
  });

  it('older versions merged in bring their warnings but not their labels', () => {
    const older = change({
      versionId: PREVIOUS_VERSION,
      labels: ['AWSCURRENT', 'blue'],
      warnings: ['replica in eu-west-1 is out of sync'],
      ...at('2026-11-20T09:00:00Z'),
    });
    const oldest = change({ versionId: PUT_VERSION, ...at('2026-11-20T08:00:00Z') });
    const batch = coalesceChanges(detected(oldest, older, change({})));
    expect(batch.changes.map((item) => [item.id, item.labels, item.warnings, item.currentSince])).toEqual([
      ['c3', ['AWSCURRENT'], ['replica in eu-west-1 is out of sync'], '2026-11-20T10:00:20Z'],
    ]);
  });
});
