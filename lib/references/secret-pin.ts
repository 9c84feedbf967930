/**
 * Which value of a secret a reference reads: AWSCURRENT, another staging label, or a version id.
 *
 * Kept apart from the parsers because the ARN json-key form (`...:<stage>:<versionId>`) and the SSM pass-through
 * suffix (`/aws/reference/secretsmanager/<id>:<stage-or-version>`) express the same pins and must agree.
 */
import type { ReferenceNote, SecretPin } from './types.js';

/** The staging label Secrets Manager reads by default. Stating it explicitly is the same as not pinning. */
export const AWSCURRENT = 'AWSCURRENT';
/** Moves whenever AWSCURRENT moves, so its value changes on every rotation. */
export const AWSPREVIOUS = 'AWSPREVIOUS';
/** Transient label used during rotation; pinning to it is almost always a mistake. */
export const AWSPENDING = 'AWSPENDING';

/**
 * Shape of a version id: the 8-4-4-4-12 layout of a UUID. Letters are not restricted to hex because the AWS
 * documentation's own example (`9d4cb84b-ad69-40c0-a0ab-cead3EXAMPLE`) is not hex.
 */
const VERSION_ID_PATTERN = /^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$/;

/**
 * The only characters a version stage may have in an SSM pass-through selector: "If you reference a version
 * stage, it can only use letters, numbers, a period (.), a hyphen (-), or an underscore (_). All other symbols
 * specified in the version stage cause the reference to fail" (SSM user guide, integration-ps-secretsmanager).
 */
const PASS_THROUGH_STAGE_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Staging labels Secrets Manager itself uses: always stages, never version ids. */
const AWS_STAGES: ReadonlySet<string> = new Set([AWSCURRENT, AWSPREVIOUS, AWSPENDING]);

/**
 * True when a value has the UUID shape of the version ids the SDKs and Secrets Manager generate.
 * Not a test of "is a version id": a caller may choose any 32–64 character ClientRequestToken, and the SSM
 * documentation's own pass-through example uses `11111-aaa-bbb-ccc-123456789`; see {@link passThroughPinOf}.
 */
export function looksLikeVersionId(value: string): boolean {
  return VERSION_ID_PATTERN.test(value);
}

/**
 * The pin for a stage and/or version id, as found in the json-key form of a reference (empty string = not given).
 *
 * Both given (`…::AWSCURRENT:<versionId>`, which the CDK emits): the ECS documentation says "If a version staging
 * label is specified, you cannot specify a version ID" (and the reverse), but GetSecretValue accepts both when
 * they name the same version and fails otherwise. Choice (never a parse error, never a redeploy that could break
 * the service): read it as a pin to that version, keeping the stage, and warn that once the stage moves off the
 * version new tasks can no longer start. See {@link notesForPin}.
 */
export function secretPinOf(stage: string, versionId: string): SecretPin {
  if (versionId !== '') return stage === '' ? { type: 'version', versionId } : { type: 'version', versionId, stage };
  if (stage === '' || stage === AWSCURRENT) return { type: 'current' };
  return { type: 'stage', stage };
}

/**
 * The pin of an SSM pass-through selector, `/aws/reference/secretsmanager/<name>:<selector>`.
 *
 * The SSM documentation gives one syntax for both ("Reference that includes the version ID":
 * `…/s1-secret:11111-aaa-bbb-ccc-123456789`; "… the version stage": `…/s1-secret:AWSCURRENT`) and does not say how
 * Parameter Store tells them apart. What it does say decides two cases; the rest is kept ambiguous rather than
 * guessed (a version id misread as a label because it is not UUID-shaped would be reported as a label pin):
 * - Secrets Manager's own labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING) are stages;
 * - a selector with a character a stage may not have here (only letters, digits, `.`, `-`, `_`) is a version id;
 * - a UUID-shaped selector is a version id (what the SDKs generate; a label shaped like a UUID is not plausible);
 * - anything else, e.g. the documentation's own `11111-aaa-bbb-ccc-123456789` or `blue`, may be either: a pin
 *   `version-or-stage`. Its value changes only if it is a label and that label moves, so matching acts exactly
 *   then (never losing a refresh) and otherwise reports it as pinned.
 *
 * @example
 * passThroughPinOf('AWSPREVIOUS')                        // → { type: 'stage', stage: 'AWSPREVIOUS' }
 * passThroughPinOf('11111-aaa-bbb-ccc-123456789')        // → { type: 'version-or-stage', selector: '11111-aaa-bbb-ccc-123456789' }
 */
export function passThroughPinOf(selector: string | undefined): SecretPin {
  if (selector === undefined || selector === AWSCURRENT) return { type: 'current' };
  if (AWS_STAGES.has(selector)) return { type: 'stage', stage: selector };
  if (looksLikeVersionId(selector) || !PASS_THROUGH_STAGE_PATTERN.test(selector)) return { type: 'version', versionId: selector };
  return { type: 'version-or-stage', selector };
}

/**
 * Notes that a pin deserves on its own, whatever changes later: an AWSPENDING pin reads a value that exists
 * only during rotation (a likely misconfiguration); a version id with a stage stops working once the stage moves.
 */
export function notesForPin(pin: SecretPin): ReferenceNote[] {
  if (pin.type === 'stage' && pin.stage === AWSPENDING) {
    return [
      {
        code: 'awspending-pin',
        message:
          'pinned to AWSPENDING, a label that only exists while a rotation is in progress: ' +
          'this is likely a misconfiguration, and changes to it never trigger a redeploy',
      },
    ];
  }
  if (pin.type === 'version' && pin.stage !== undefined) {
    return [
      {
        code: 'stage-and-version-pin',
        message:
          `pinned to version id ${pin.versionId} and staging label ${pin.stage}: its value never changes, and once ` +
          `${pin.stage} moves off that version GetSecretValue fails, so new tasks can no longer start; ` +
          'name only the stage (or only the version id) in the task definition',
      },
    ];
  }
  if (pin.type === 'version-or-stage') {
    return [
      {
        code: 'ambiguous-selector',
        message:
          `":${pin.selector}" may be a version id or a staging label (the SSM documentation gives both the same ` +
          `syntax): it is redeployed only when a label named "${pin.selector}" moves`,
      },
    ];
  }
  return [];
}
