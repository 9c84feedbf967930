/**
 * The keys of the service index (lib/service-index): what a reference reads and what a change changed, as strings
 * that are equal exactly when {@link matchReference}'s identity check would pass (kind, partition, Region or
 * replica Region, account, secret id or parameter name). The index stores services under their references' keys
 * and a change looks up its own keys, so the index can only find what matching would find; matching itself then
 * decides on the services the index found (a key never replaces it).
 *
 * Kept next to `match-reference.ts` on purpose: a change to the identity rules there must change these, and
 * test/unit/references/index-keys.test.ts checks the two agree on every form of value-from-forms.md.
 */
import type { ChangedResource, Reference } from './types.js';

/** The one key a reference is indexed under. */
export function referenceIndexKey(reference: Reference): string {
  const { partition, region, account } = reference;
  if (reference.kind === 'secret') return `secret|${partition}|${region}|${account}|${reference.secretId}`;
  return `parameter|${partition}|${region}|${account}|${withoutLeadingSlash(reference.key)}`;
}

/**
 * Every key a reference to `resource` can be indexed under: a secret by its name and by `name-suffix` (a full
 * ARN), in its Region and each replica Region; a parameter by its name.
 */
export function changeIndexKeys(resource: ChangedResource): string[] {
  const { partition, account } = resource;
  if (resource.kind === 'parameter') return [`parameter|${partition}|${resource.region}|${account}|${withoutLeadingSlash(resource.key)}`];
  const ids = [resource.name, ...(resource.suffix !== undefined ? [`${resource.name}-${resource.suffix}`] : [])];
  const regions = [resource.region, ...(resource.replicaRegions ?? [])];
  return [...new Set(regions.flatMap((region) => ids.map((id) => `secret|${partition}|${region}|${account}|${id}`)))];
}

/** The Region a key belongs to (its fourth part). */
export function indexKeyRegion(key: string): string {
  return key.split('|')[2] ?? '';
}

/** SSM treats `/x` and `x` as the same parameter (exactly as match-reference.ts strips it: one slash). */
function withoutLeadingSlash(key: string): string {
  return key.startsWith('/') ? key.slice(1) : key;
}
