import { describe, expect, it } from 'vitest';
import { judgementOf, metadataQuery, stalenessVerdict, unjudgedNote } from '../../../lib/audit/staleness.js';
import { parseReference } from '../../../lib/references/index.js';

const HOME = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/db-Ab12Cd';

describe('the staleness rule', () => {
  it('is stale when a judged value changed after the deployment, fresh when before, unknown without a time', () => {
    const references = [{ valueFrom: ARN, lastChanged: '2026-11-30T10:00:00.000Z' }, { valueFrom: '/demo/x' }];
    expect(stalenessVerdict('2026-11-30T09:00:00.000Z', references)).toEqual({
      status: 'stale',
      deployedAt: '2026-11-30T09:00:00.000Z',
      reason: `deployed at 2026-11-30T09:00:00.000Z, before ${ARN} changed at 2026-11-30T10:00:00.000Z`,
    });
    expect(stalenessVerdict('2026-11-30T10:00:00.000Z', references).status).toBe('fresh');
    expect(stalenessVerdict(undefined, references)).toEqual({ status: 'unknown', reason: 'no PRIMARY deployment time' });
    expect(stalenessVerdict(undefined, references, 'started')).toEqual({ status: 'unknown', reason: 'no start time' });
    expect(stalenessVerdict('2026-11-30T09:00:00.000Z', [{ valueFrom: '/demo/x' }]).reason).toBe('no referenced secret or parameter could be judged');
  });

  it('does not judge pinned references, and says why an unjudged one has no time', () => {
    const pinned = parseReference(`${ARN}::AWSPREVIOUS:`, 'secrets', HOME).reference;
    const selector = parseReference('/demo/x:3', 'secrets', HOME).reference;
    const plain = parseReference(ARN, 'secrets', HOME).reference;
    expect([unjudgedNote(pinned), unjudgedNote(selector), unjudgedNote(plain)]).toEqual(['pinned: not judged', 'SSM selector: not judged', undefined]);
    expect(judgementOf(plain, 'missing')).toEqual({ note: 'secret not found (deleted, or in another account)' });
    expect(judgementOf(plain, undefined)).toEqual({ note: 'secret metadata could not be read' });
    expect(metadataQuery(plain)).toEqual({ kind: 'secret', id: ARN, region: 'us-east-1' });
    expect(metadataQuery(parseReference('flat', 'secrets', HOME).reference)).toEqual({ kind: 'parameter', id: 'flat', region: 'us-east-1' });
  });
});
