import type { FoundReference } from '../inventory/types.js';
import { matchReference } from '../references/index.js';
import type { ChangeForMatching, ReferenceImpact } from '../references/types.js';
import type { PlannedReference, PlanOptions } from './types.js';

/**
 * Matches a workload's references against the change: returns those that point at the changed resource
 * (with their impact and reason) and adds a warning for each unparseable one. Shared by ECS services and
 * Batch job definitions, so both read references exactly the same way.
 */
export function matchFoundReferences(found: readonly FoundReference[], change: ChangeForMatching, subject: string, warnings: string[]): PlannedReference[] {
  const references: PlannedReference[] = [];
  for (const reference of found) {
    if ('error' in reference.parsed) {
      warnings.push(
        `${subject}: ${reference.container} has an unparseable ${reference.location} reference "${reference.valueFrom}": ${reference.parsed.error}`,
      );
      continue;
    }
    const match = matchReference(reference.parsed.reference, change);
    if (match.impact === 'unrelated') continue;
    references.push({
      container: reference.container,
      location: reference.location,
      ...(reference.name !== undefined ? { name: reference.name } : {}),
      valueFrom: reference.valueFrom,
      impact: match.impact,
      reason: match.reason,
    });
  }
  return references;
}

/** References whose value changed and that call for action (AWSPREVIOUS only when opted in). */
export function readingReferences(references: readonly PlannedReference[], options: Pick<PlanOptions, 'redeployOnPreviousChange'>): PlannedReference[] {
  return references.filter((reference) => callsForAction(reference.impact, options));
}

/**
 * Whether a reference with this impact calls for action: it reads the changed value, or it is pinned to AWSPREVIOUS
 * and `SECRET_REFRESH_REDEPLOY_AWSPREVIOUS` is on. One rule for the Plan and for the secrets map's count of the
 * targets a change would act on (what the blast-radius cap compares).
 */
export function callsForAction(impact: ReferenceImpact, options: Pick<PlanOptions, 'redeployOnPreviousChange'>): boolean {
  return impact === 'affected' || (impact === 'previous-changed' && options.redeployOnPreviousChange);
}

/** Why nothing reads a changed value: the references' own reasons, with the AWSPREVIOUS opt-in hint. */
export function unchangedReason(references: readonly PlannedReference[]): string {
  const previous = references.some((reference) => reference.impact === 'previous-changed');
  const reasons = [...new Set(references.map((reference) => reference.reason))].join('; ');
  return previous ? `${reasons} (set SECRET_REFRESH_REDEPLOY_AWSPREVIOUS=true to act on it)` : `no reference reads a changed value: ${reasons}`;
}

/** "app (secrets DB_PASSWORD), sidecar (logConfiguration.secretOptions token)" */
export function describeReaders(references: readonly PlannedReference[]): string {
  const readers = references.map((reference) =>
    reference.name ? `${reference.container} (${reference.location} ${reference.name})` : `${reference.container} (${reference.location})`,
  );
  return [...new Set(readers)].join(', ');
}
