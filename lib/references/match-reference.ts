/**
 * Does a change touch the value a reference reads? Identity first (same resource?), then the pin.
 *
 * Like Reloader's matcher, every outcome carries a reason a person can read in the report, including
 * "unrelated", so that "why was my service not redeployed?" always has an answer.
 */
import { describeChangedResource, describePin, describeReference } from './reference-description.js';
import { AWSPENDING, AWSPREVIOUS } from './secret-pin.js';
import type {
  ChangeForMatching,
  ChangedResource,
  ParameterReference,
  Reference,
  ReferenceMatch,
  SecretReference,
} from './types.js';

/**
 * Match one reference against one change.
 *
 * A secret reference's id is compared with both the changed secret's name and its `name-suffix` full id: that
 * single rule is right for full ARNs (a re-created secret, new suffix, does not match), partial ARNs and bare
 * names (match by name), and the ambiguous `…:secret:app-db-backup` (either reading). A pass-through
 * `/aws/reference/secretsmanager/x` reference is a *secret* reference: it matches Secrets Manager changes of `x`.
 *
 * @example
 * matchReference(reference, { resource: changed, effect: 'new-current-value', labels: ['AWSCURRENT'] })
 * // → { impact: 'affected', reason: 'secret "demo/db" (…) has a new AWSCURRENT value, which this reference reads' }
 */
export function matchReference(reference: Reference, change: ChangeForMatching): ReferenceMatch {
  const mismatch = identityMismatch(reference, change.resource);
  if (mismatch !== undefined) {
    return {
      impact: 'unrelated',
      reason: `${describeReference(reference)} is not ${describeChangedResource(change.resource)}: ${mismatch}`,
    };
  }
  const subject = describeChangedResource(change.resource);
  if (change.effect === 'deleted') {
    return {
      impact: 'affected',
      reason: `${subject} was deleted or scheduled for deletion: new tasks reading it would fail to start`,
    };
  }
  return reference.kind === 'secret'
    ? matchSecretPin(reference, change, subject)
    : matchParameterPin(reference, change, subject);
}

/** Why the reference and the changed resource are different resources, or undefined when they are the same. */
function identityMismatch(reference: Reference, resource: ChangedResource): string | undefined {
  if (reference.kind !== resource.kind) {
    return reference.kind === 'secret' && reference.form === 'ssm-pass-through'
      ? 'a /aws/reference/secretsmanager/ reference reads a Secrets Manager secret; no SSM change applies to it'
      : `the reference reads a ${reference.kind}, the change is to a ${resource.kind}`;
  }
  if (reference.partition !== resource.partition) return `partition ${reference.partition} ≠ ${resource.partition}`;
  if (reference.region !== resource.region) return `Region ${reference.region} ≠ ${resource.region}`;
  if (reference.account !== resource.account) return `account ${reference.account} ≠ ${resource.account}`;
  if (resource.kind === 'secret' && reference.kind === 'secret') {
    const sameName = reference.secretId === resource.name;
    const sameFullId = resource.suffix !== undefined && reference.secretId === `${resource.name}-${resource.suffix}`;
    return sameName || sameFullId ? undefined : 'different secret';
  }
  if (resource.kind === 'parameter' && reference.kind === 'parameter') {
    return withoutLeadingSlash(reference.key) === withoutLeadingSlash(resource.key) ? undefined : 'different parameter';
  }
  return 'different kind';
}

/** Which value of the (same) secret moved, and does this reference read it? */
function matchSecretPin(reference: SecretReference, change: ChangeForMatching, subject: string): ReferenceMatch {
  const { pin } = reference;
  const moved = change.labels.length === 0 ? 'a label' : change.labels.join(', ');
  if (pin.type === 'version') {
    return {
      impact: 'unchanged',
      reason: `pinned to ${describePin(pin)}, whose value never changes; ${subject} moved ${moved}`,
    };
  }
  if (pin.type === 'current') {
    return change.effect === 'new-current-value'
      ? { impact: 'affected', reason: `${subject} has a new AWSCURRENT value, which this reference reads` }
      : { impact: 'unchanged', reason: `only ${moved} moved on ${subject}; this reference reads AWSCURRENT, which did not move` };
  }
  if (pin.stage === AWSPENDING) {
    return {
      impact: 'unchanged',
      reason: `pinned to AWSPENDING, a transient rotation label (likely a misconfiguration); not redeployed for ${subject}`,
    };
  }
  if (pin.stage === AWSPREVIOUS && (change.effect === 'new-current-value' || change.labels.includes(AWSPREVIOUS))) {
    return {
      impact: 'previous-changed',
      reason: `pinned to AWSPREVIOUS: its value changed because ${subject} moved ${change.effect === 'new-current-value' ? 'AWSCURRENT' : 'AWSPREVIOUS'}; redeploying is opt-in`,
    };
  }
  if (change.labels.includes(pin.stage)) {
    return { impact: 'affected', reason: `${subject} moved ${describePin(pin)}, which this reference reads` };
  }
  return {
    impact: 'unchanged',
    reason: `pinned to ${describePin(pin)}, which did not move; ${subject} moved ${moved}`,
  };
}

/** A parameter has one "latest" value; a selector pins something ECS can't read anyway. */
function matchParameterPin(reference: ParameterReference, change: ChangeForMatching, subject: string): ReferenceMatch {
  if (reference.selector !== undefined) {
    return {
      impact: 'unchanged',
      reason: `selector not supported by ECS / pinned (":${reference.selector}"); not redeployed for the change to ${subject}`,
    };
  }
  if (change.effect === 'new-current-value') {
    return { impact: 'affected', reason: `${subject} has a new value, which this reference reads` };
  }
  return {
    impact: 'unchanged',
    reason: `only a label moved on ${subject}; ECS always reads the latest value, which did not change`,
  };
}

/** SSM treats `/x` and `x` as the same parameter. */
function withoutLeadingSlash(key: string): string {
  return key.startsWith('/') ? key.slice(1) : key;
}
