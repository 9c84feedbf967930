/**
 * What a Secrets Manager secret id (a name, or a name plus its 6-character ARN suffix) may look like.
 *
 * Checked at parse time so that a typo such as a stray quote is reported as "unparseable" with a reason,
 * instead of silently never matching any change.
 */
import { ReferenceParseError } from '../errors.js';
import type { ReferenceLocation } from './types.js';

/** "ASCII letters, numbers, and the following characters: /_+=.@-" (CreateSecret, Name). */
const SECRET_ID_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;

/** True when `id` only uses the characters Secrets Manager allows in a secret name. */
export function isSecretName(id: string): boolean {
  return SECRET_ID_PATTERN.test(id);
}

/**
 * Check a secret id taken from a reference.
 *
 * @throws {ReferenceParseError} when the id is empty or uses characters a secret name cannot contain.
 */
export function assertSecretId(id: string, value: string, location: ReferenceLocation): void {
  if (id === '') {
    throw new ReferenceParseError(`"${value}" in ${location} names no secret: the secret name is empty`, value);
  }
  if (!isSecretName(id)) {
    throw new ReferenceParseError(
      `"${value}" in ${location}: "${id}" is not a valid secret name ` +
        '(only ASCII letters, digits and / _ + = . @ - are allowed)',
      value,
    );
  }
}
