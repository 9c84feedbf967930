/**
 * Short human-readable descriptions of references, pins and changed resources, for match reasons.
 *
 * Reasons end up in the report a person reads, so they name the resource and where it lives instead of
 * repeating raw ARNs.
 */
import type { ChangedResource, Reference, SecretPin } from './types.js';

/** E.g. `secret "demo/db" (aws, us-east-1, 111122223333)` or `parameter "/demo/x" (aws, eu-west-1, …)`. */
export function describeReference(reference: Reference): string {
  const what = reference.kind === 'secret' ? `secret "${reference.secretId}"` : `parameter "/${reference.key}"`;
  return `${what} (${reference.partition}, ${reference.region}, ${reference.account})`;
}

/** E.g. `secret "demo/db" (full id demo/db-Ab12Cd) (aws, us-east-1, 111122223333)`. */
export function describeChangedResource(resource: ChangedResource): string {
  const what =
    resource.kind === 'secret'
      ? `secret "${resource.name}"${resource.suffix === undefined ? '' : ` (full id ${resource.name}-${resource.suffix})`}`
      : `parameter "/${resource.key}"`;
  return `${what} (${resource.partition}, ${resource.region}, ${resource.account})`;
}

/** E.g. `AWSCURRENT`, `staging label "blue"`, `version id 9d4c…`, `version id 9d4c… with staging label AWSCURRENT`. */
export function describePin(pin: SecretPin): string {
  switch (pin.type) {
    case 'current':
      return 'AWSCURRENT';
    case 'stage':
      return `staging label "${pin.stage}"`;
    case 'version':
      return pin.stage === undefined ? `version id ${pin.versionId}` : `version id ${pin.versionId} with staging label ${pin.stage}`;
    case 'version-or-stage':
      return `":${pin.selector}" (a version id or a staging label: the SSM documentation does not say which)`;
  }
}
