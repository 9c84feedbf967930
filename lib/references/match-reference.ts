/**
 * Does a change touch the value a reference reads? Identity first (same resource?), then the pin.
 *
 * Like Reloader's matcher, every outcome carries a reason a person can read in the report, including
 * "unrelated", so that "why was my service not redeployed?" always has an answer.
 */
import { describeChangedResource, describePin, describeReference } from './reference-description.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from './secret-pin.js';
import type { ChangedResource, ChangeForMatching, ParameterReference, Reference, ReferenceMatch, SecretPin, SecretReference } from './types.js';

/**
 * Match one reference against one change.
 *
 * A secret reference's id is compared with both the changed secret's name and its `name-suffix` full id: that
 * single rule is right for full ARNs (a re-created secret, new suffix, does not match), partial ARNs and bare
 * names (match by name), and the ambiguous `…:secret:app-db-backup` (either reading). A pass-through
 * `/aws/reference/secretsmanager/x` reference is a *secret* reference: it matches Secrets Manager changes of `x`.
 * A secret replicated to other Regions changes in every replica at once (same name and suffix, the replica's
 * Region), so a reference in one of the change's `replicaRegions` matches too.
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
  const replica = reference.region === change.resource.region ? '' : ` (through its replica in ${reference.region})`;
  const subject = `${describeChangedResource(change.resource)}${replica}`;
  if (change.effect === 'deleted') {
    return {
      impact: 'affected',
      reason: `${subject} was deleted or scheduled for deletion: new tasks reading it would fail to start`,
    };
  }
  return reference.kind === 'secret' ? matchSecretPin(reference, change, subject) : matchParameterPin(reference, change, subject);
}

/** Why the reference and the changed resource are different resources, or undefined when they are the same. */
function identityMismatch(reference: Reference, resource: ChangedResource): string | undefined {
  if (reference.kind !== resource.kind) {
    return reference.kind === 'secret' && reference.form === 'ssm-pass-through'
      ? 'a /aws/reference/secretsmanager/ reference reads a Secrets Manager secret; no SSM change applies to it'
      : `the reference reads a ${reference.kind}, the change is to a ${resource.kind}`;
  }
  if (reference.partition !== resource.partition) return `partition ${reference.partition} ≠ ${resource.partition}`;
  if (reference.region !== resource.region && !isReplicaRegion(reference, resource)) {
    return `Region ${reference.region} ≠ ${resource.region}`;
  }
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

/** A secret reference in a Region the changed secret is replicated to (parameters have no replicas). */
function isReplicaRegion(reference: Reference, resource: ChangedResource): boolean {
  return reference.kind === 'secret' && resource.kind === 'secret' && (resource.replicaRegions ?? []).includes(reference.region);
}

/**
 * Did this change move `stage`? AWSPREVIOUS moves whenever AWSCURRENT moves (to the version that was current).
 */
function stageMoved(stage: string, change: ChangeForMatching): boolean {
  if (change.labels.includes(stage)) return true;
  return change.effect === 'new-current-value' && (stage === AWSCURRENT || stage === AWSPREVIOUS);
}

/** Which value of the (same) secret moved, and does this reference read it? */
function matchSecretPin(reference: SecretReference, change: ChangeForMatching, subject: string): ReferenceMatch {
  const { pin } = reference;
  const moved = change.labels.length === 0 ? 'a label' : change.labels.join(', ');
  switch (pin.type) {
    case 'version':
      return matchVersionPin(pin, change, subject, moved);
    case 'version-or-stage':
      return change.labels.includes(pin.selector)
        ? {
            impact: 'affected',
            reason: `${subject} moved the label "${pin.selector}", which this reference reads (its selector ":${pin.selector}" names that label)`,
          }
        : {
            impact: 'unchanged',
            reason: `pinned to ${describePin(pin)}, which did not move (as a version id its value never changes); ` + `${subject} moved ${moved}`,
          };
    case 'current':
      return change.effect === 'new-current-value'
        ? { impact: 'affected', reason: `${subject} has a new AWSCURRENT value, which this reference reads` }
        : { impact: 'unchanged', reason: `only ${moved} moved on ${subject}; this reference reads AWSCURRENT, which did not move` };
    case 'stage':
      break;
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

/**
 * A version id pin never reads a new value. With a stage too (`…::AWSCURRENT:<versionId>`), GetSecretValue
 * answers only while the version carries that stage: redeploying would not read anything new and, once the
 * stage has moved off the version, would start tasks that fail, so it is never redeployed; the reason warns.
 */
function matchVersionPin(pin: Extract<SecretPin, { type: 'version' }>, change: ChangeForMatching, subject: string, moved: string): ReferenceMatch {
  if (pin.stage === undefined) {
    return { impact: 'unchanged', reason: `pinned to ${describePin(pin)}, whose value never changes; ${subject} moved ${moved}` };
  }
  const { stage, versionId } = pin;
  if (!stageMoved(stage, change)) {
    return {
      impact: 'unchanged',
      reason:
        `pinned to ${describePin(pin)}, whose value never changes; ${subject} moved ${moved}. ` +
        `Warning: once ${stage} moves off version ${versionId}, new tasks can no longer start`,
    };
  }
  const movedTo = change.labels.includes(stage) ? change.versionId : undefined;
  if (movedTo === versionId) {
    return {
      impact: 'unchanged',
      reason: `pinned to ${describePin(pin)}: ${subject} moved ${stage} to that very version, so new tasks can start again; its value is the one it always was`,
    };
  }
  const offIt =
    movedTo === undefined
      ? `${subject} moved ${stage}; unless it is still on version ${versionId},`
      : `${subject} moved ${stage} to version ${movedTo}, off version ${versionId}:`;
  return {
    impact: 'unchanged',
    reason:
      `pinned to ${describePin(pin)}: its value never changes, so it is not redeployed. Warning: ${offIt} ` +
      'GetSecretValue now fails for this reference and new tasks can no longer start; name only the stage (or only the version id) in the task definition',
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
