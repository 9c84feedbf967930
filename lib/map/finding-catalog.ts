import type { FindingCode, MapSeverity } from './types.js';

/** One row of the findings table: severity, what it means and what to do (the README's table is tested against it). */
export interface FindingKind {
  readonly severity: MapSeverity;
  readonly meaning: string;
  readonly action: string;
}

/**
 * Every finding the map can report, in one table, so the map, the README and the tests cannot drift apart.
 * Findings add a specific message (naming the resource) to the meaning; some sharpen the action with an ARN.
 */
export const FINDING_CATALOG: Readonly<Record<FindingCode, FindingKind>> = {
  missing: {
    severity: 'error',
    meaning: 'the secret or parameter does not exist (never created, or deleted): new tasks and jobs that read it fail to start',
    action: 'create it, or change the task/job definition to reference one that exists',
  },
  'scheduled-for-deletion': {
    severity: 'error',
    meaning: 'the secret is scheduled for deletion: it cannot be read, so new tasks and jobs that read it fail to start, now',
    action: 'restore it (aws secretsmanager restore-secret), or move the definitions off it before it is deleted',
  },
  'name-only-other-region': {
    severity: 'error',
    meaning:
      "an SSM parameter referenced by name exists only in another Region: a name resolves in the task's own Region (ECS requires the full ARN for another Region), so new tasks fail to start",
    action: 'reference the parameter by its full ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)',
  },
  'stage-and-version-pin': {
    severity: 'error',
    meaning:
      'the reference pins a staging label and a version id at once (…::AWSCURRENT:<version-id>): it reads only while the label is on that version and breaks when the label moves, e.g. at the next rotation',
    action: 'keep one: the version id (never changes) or the staging label (follows rotations)',
  },
  'awspending-pin': {
    severity: 'warning',
    meaning: 'pinned to AWSPENDING, a label that exists only while a rotation is in progress: almost certainly a mistake',
    action: 'remove the pin (read AWSCURRENT) or pin a version id',
  },
  'unwatched-region': {
    severity: 'warning',
    meaning: 'the secret or parameter is in a Region this deployment does not watch: its changes never reach it, so its readers are never refreshed',
    action: "forward that Region's events to this Region's default bus and add it to SECRET_REFRESH_REGIONS, or refresh by hand (secret-refresh refresh --ref)",
  },
  'other-account': {
    severity: 'warning',
    meaning:
      'the secret or parameter belongs to another account: its change events are refused, so its readers are never refreshed automatically (existence not checked)',
    action: 'after changing it, run secret-refresh refresh --ref <its ARN> in this account',
  },
  'mutable-image-tag': {
    severity: 'warning',
    meaning:
      'a container image is referenced by a tag, not a digest: a forced redeploy resolves the tag again and may start a different image together with the new secret value',
    action: 'pin the image by digest (image@sha256:…), or make sure the tag points at the image that should run',
  },
  'over-max-targets': {
    severity: 'warning',
    meaning:
      'more readers would be acted on than SECRET_REFRESH_MAX_TARGETS allows: the next automatic refresh of this resource is refused by the blast-radius cap',
    action:
      'after its next change, review with secret-refresh refresh --ref <it> --dry-run and run it with --confirm-large, or raise SECRET_REFRESH_MAX_TARGETS',
  },
  'unparseable-reference': {
    severity: 'warning',
    meaning: 'the reference is not a form ECS or Batch accepts: no change ever matches it',
    action: 'fix the reference as the message says',
  },
  'metadata-unreadable': {
    severity: 'info',
    meaning: 'DescribeSecret / DescribeParameters failed (access denied, throttled): whether the resource exists is unknown',
    action: 'allow secretsmanager:DescribeSecret / ssm:DescribeParameters in that Region and build the map again',
  },
  'cross-region': {
    severity: 'info',
    meaning: "the reference is in another Region than the workload (a watched one): its changes arrive only if that Region's events are forwarded here",
    action: "make sure that Region's events are forwarded to this Region's default bus",
  },
  'cross-account': {
    severity: 'info',
    meaning: 'the reference belongs to another account than the workload',
    action: "make sure its changes are refreshed in the workload's account (secret-refresh refresh --ref)",
  },
  'invalid-parameter-name': {
    severity: 'warning',
    meaning: 'not a valid SSM parameter name (e.g. a name with "/" levels but no leading "/"): the parameter cannot exist under that name',
    action: 'write the name with a leading "/", or use the parameter\'s ARN',
  },
  'secret-name-in-secrets': {
    severity: 'warning',
    meaning: 'a Secrets Manager name in secrets[]: ECS reads a non-ARN value there as an SSM parameter name, not as a secret',
    action: "use the secret's ARN",
  },
  'ssm-selector': {
    severity: 'warning',
    meaning: 'an SSM version or label selector (name:3): ECS does not support selectors, and a pinned value never changes',
    action: 'remove the selector (ECS always reads the latest version)',
  },
  'ambiguous-selector': {
    severity: 'info',
    meaning:
      'an /aws/reference/secretsmanager/<name>:<selector> reference whose selector may be a version id or a staging label (SSM gives both the same syntax): it is redeployed only when a label of that name moves',
    action: 'if it is a version id, nothing changes it; if it is a label, nothing to do; to follow rotations, drop the selector',
  },
  'double-slash-arn': {
    severity: 'info',
    meaning: 'a parameter ARN with "/" right after "parameter/": read as the parameter without the extra "/"',
    action: 'write the ARN as …:parameter/<name without its leading "/">',
  },
};

/** Severities in the order they are shown. */
export const SEVERITY_ORDER: readonly MapSeverity[] = ['error', 'warning', 'info'];
