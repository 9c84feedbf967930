/**
 * The reference helpers of the Plan (lib/plan/match-found-references.ts): which references call for action, the
 * reason a service that reads nothing changed is given, and how readers are named in a reason.
 */
import { describe, expect, it } from 'vitest';
import { callsForAction, describeReaders, unchangedReason } from '../../../lib/plan/match-found-references.js';
import type { PlannedReference } from '../../../lib/plan/types.js';

const reference = (overrides: Partial<PlannedReference>): PlannedReference => ({
  container: 'app',
  location: 'secrets',
  name: 'DB_PASSWORD',
  valueFrom: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:orders/db-Ab12Cd',
  impact: 'unchanged',
  reason: 'pinned to version 1, which did not change',
  ...overrides,
});

describe('callsForAction', () => {
  it('acts on a reader of the changed value; on AWSPREVIOUS only when opted in; never on an unchanged or unrelated reference', () => {
    const on = { redeployOnPreviousChange: true };
    const off = { redeployOnPreviousChange: false };
    expect([callsForAction('affected', off), callsForAction('previous-changed', off), callsForAction('previous-changed', on)]).toEqual([true, false, true]);
    expect([callsForAction('unchanged', on), callsForAction('unrelated', on)]).toEqual([false, false]);
  });
});

describe('unchangedReason', () => {
  it('gives every distinct reason once, separated by "; "', () => {
    const references = [reference({}), reference({ name: 'DB_USER' }), reference({ reason: 'pinned to version 2, which did not change' })];
    expect(unchangedReason(references)).toBe(
      'no reference reads a changed value: pinned to version 1, which did not change; pinned to version 2, which did not change',
    );
  });

  it('adds the opt-in hint when any reference reads AWSPREVIOUS, not only when all do', () => {
    const previous = reference({ impact: 'previous-changed', reason: 'reads AWSPREVIOUS, which moved' });
    expect(unchangedReason([reference({}), previous])).toBe(
      'pinned to version 1, which did not change; reads AWSPREVIOUS, which moved (set SECRET_REFRESH_REDEPLOY_AWSPREVIOUS=true to act on it)',
    );
  });
});

describe('describeReaders', () => {
  it('names each reader once, with its location and name when it has one, separated by ", "', () => {
    const readers = [
      reference({}),
      reference({}),
      reference({ container: 'sidecar', location: 'logConfiguration.secretOptions', name: 'token' }),
      (({ name: _name, ...nameless }) => nameless)(reference({ location: 'repositoryCredentials' })),
    ];
    expect(describeReaders(readers)).toBe('app (secrets DB_PASSWORD), sidecar (logConfiguration.secretOptions token), app (repositoryCredentials)');
  });
});
