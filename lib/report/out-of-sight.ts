/**
 * What a run cannot see, as warnings of its report: the default scans only the home Region, so a reader in
 * another Region, or a secret in a Region or account whose events never arrive, would otherwise be silently out of
 * sight. The reach of each reference is {@link referenceReach}, the rule the secrets map uses for its
 * `unwatched-region` and `other-account` findings.
 */
import type { FoundReference } from '../inventory/types.js';
import { referenceReach } from '../references/index.js';

/** A workload as far as reach goes: the account it runs in, and the references it makes. */
export interface ReferenceReader {
  readonly account: string;
  readonly references: readonly FoundReference[];
}

/** The change a run is about, as far as reach goes (absent for the audit). */
export interface ChangeInSight {
  readonly kind: string;
  readonly name: string;
  readonly region: string;
}

/**
 * At most three warnings: the change's own Region is not scanned (its readers there are not seen); references read
 * by scanned workloads point at Regions not watched (their changes never arrive); references point at other accounts
 * (their events are refused). Each names the Regions or accounts, counts what it found and says what to do.
 *
 * @example
 * outOfSightWarnings(['us-east-1'], [{ account: '111122223333', references }])
 * // → ['1 secret or parameter read here is in a Region this deployment does not watch (eu-west-1; it scans us-east-1): …']
 */
export function outOfSightWarnings(scanned: readonly string[], readers: readonly ReferenceReader[], change?: ChangeInSight): string[] {
  const warnings: string[] = [];
  if (change && scanned.length > 0 && !scanned.includes(change.region)) {
    warnings.push(
      `the ${change.kind} ${change.name} is in ${change.region}, which is not scanned (Regions scanned: ${scanned.join(', ')}): ` +
        `services and jobs in ${change.region} that read it are not seen; add ${change.region} to SECRET_REFRESH_REGIONS`,
    );
  }
  const unwatched = new Map<string, Set<string>>();
  const foreign = new Map<string, Set<string>>();
  for (const reader of readers) {
    if (!reader.account) continue;
    for (const found of reader.references) {
      if ('error' in found.parsed) continue;
      const { reference } = found.parsed;
      const reach = referenceReach(reference, { account: reader.account, regions: scanned });
      if (reach === 'watched') continue;
      const byPlace = reach === 'other-account' ? foreign : unwatched;
      const place = reach === 'other-account' ? reference.account : reference.region;
      const key = `${reference.kind}|${reference.partition}|${reference.region}|${reference.account}|${reference.kind === 'secret' ? reference.secretId : reference.key}`;
      byPlace.set(place, (byPlace.get(place) ?? new Set()).add(key));
    }
  }
  const counted = (places: Map<string, Set<string>>) => {
    const total = new Set([...places.values()].flatMap((keys) => [...keys])).size;
    return { total, list: [...places.keys()].sort().join(', '), noun: total === 1 ? 'secret or parameter' : 'secrets or parameters' };
  };
  if (unwatched.size > 0) {
    const { total, list, noun } = counted(unwatched);
    warnings.push(
      `${total} ${noun} read here ${total === 1 ? 'is' : 'are'} in a Region this deployment does not watch (${list}; it scans ${scanned.join(', ')}): ` +
        "their changes never arrive, so their readers are never refreshed; forward those Regions' events to this Region's default bus and add them to " +
        'SECRET_REFRESH_REGIONS, or refresh by hand (secret-refresh refresh --ref …; the secrets map lists them)',
    );
  }
  if (foreign.size > 0) {
    const { total, list, noun } = counted(foreign);
    warnings.push(
      `${total} ${noun} read here belong${total === 1 ? 's' : ''} to another account (${list}): their change events are refused here; ` +
        'after changing one, run secret-refresh refresh --ref <its ARN> in this account (the secrets map lists them)',
    );
  }
  return warnings;
}
