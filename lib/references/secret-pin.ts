/**
 * Which value of a secret a reference reads: AWSCURRENT, another staging label, or a version id.
 *
 * Kept apart from the parsers because the ARN json-key form (`...:<stage>:<versionId>`) and the SSM pass-through
 * suffix (`/aws/reference/secretsmanager/<id>:<stage-or-version>`) express the same pins and must agree.
 */
import { ReferenceParseError } from '../errors.js';
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
 * True when a pass-through suffix looks like a version id rather than a staging label.
 * The suffix itself does not say which it is, so a UUID-shaped value is read as a version id (what the SDKs
 * generate) and anything else as a stage.
 */
export function looksLikeVersionId(value: string): boolean {
  return VERSION_ID_PATTERN.test(value);
}

/**
 * The pin for a stage and/or version id, as found in a reference (empty string = not given).
 *
 * @throws {ReferenceParseError} when both are given: Secrets Manager accepts a stage or a version id, not both.
 */
export function secretPinOf(stage: string, versionId: string, value: string): SecretPin {
  if (stage !== '' && versionId !== '') {
    throw new ReferenceParseError(
      `"${value}" gives both a version stage ("${stage}") and a version id ("${versionId}"); ` +
        'Secrets Manager accepts only one of them. Remove one.',
      value,
    );
  }
  if (versionId !== '') return { type: 'version', versionId };
  if (stage === '' || stage === AWSCURRENT) return { type: 'current' };
  return { type: 'stage', stage };
}

/**
 * Notes that a pin deserves on its own, whatever changes later: an AWSPENDING pin reads a value that exists
 * only during rotation, so it is flagged as a likely misconfiguration.
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
  return [];
}
