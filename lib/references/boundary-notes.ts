/**
 * Notes for references that live outside the workload's own Region or account.
 *
 * Change events are delivered to the event bus of the Region and account that own the secret or parameter,
 * so a deployment that watches only its own account and Region never sees them unless they are forwarded.
 * Matching still works (the change is compared with the reference's own Region and account); the note tells
 * a person why no change may ever arrive.
 */
import type { ReferenceContext, ReferenceNote } from './types.js';

/** Where a reference resolved to. */
interface ResolvedPlace {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** 'cross-region' and/or 'cross-account' notes for a reference resolved at `place` from a workload at `context`. */
export function boundaryNotes(place: ResolvedPlace, context: ReferenceContext): ReferenceNote[] {
  const notes: ReferenceNote[] = [];
  if (place.partition !== context.partition || place.region !== context.region) {
    const where = place.partition === context.partition ? `Region ${place.region}` : `Region ${place.region} (partition ${place.partition})`;
    const here = place.partition === context.partition ? context.region : `${context.region} (partition ${context.partition})`;
    notes.push({
      code: 'cross-region',
      message:
        `cross-Region reference: it is in ${where} but the workload runs in ${here}; ` +
        'changes are only seen if their events are forwarded to this account/Region',
    });
  }
  if (place.account !== context.account) {
    notes.push({
      code: 'cross-account',
      message:
        `cross-account reference: it belongs to account ${place.account} but the workload runs in account ` +
        `${context.account}; changes are only seen if their events are forwarded to this account/Region`,
    });
  }
  return notes;
}
