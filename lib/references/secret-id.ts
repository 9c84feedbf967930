/**
 * What a Secrets Manager secret id (a name, or a name plus its 6-character ARN suffix) may look like.
 *
 * Checked at parse time so that a typo such as a stray quote is reported as "unparseable" with a reason,
 * instead of silently never matching any change.
 *
 * Secret names come in two alphabets (`../shared/aws-reference/aws-facts.md` B4, "Secrets managed by other AWS
 * services"):
 * - names users create: "ASCII letters, numbers, and the following characters: /_+=.@-" (CreateSecret, Name);
 * - names of secrets **managed by another AWS service**, which "use the `<SERVICE>!` prefix": `rds!db-<uuid>`,
 *   `rds!cluster-<uuid>`, `events!connection/<name>/<uuid>`, … These are the most often rotated secrets behind
 *   ECS services (RDS rotates its master user secret every 7 days by default).
 *
 * A `!` is not in the user alphabet, so a name with one was produced by AWS. AWS documents no alphabet for what
 * follows the prefix, so (choice, never losing a refresh) a managed name may hold any visible character except
 * `:` (the ARN field separator, which no secret name contains): refusing a name AWS itself produced would miss
 * exactly the secrets that rotate most. Whitespace, control, invisible format, surrogate and unassigned
 * characters stay refused in both alphabets.
 */
import { ReferenceParseError } from '../errors.js';
import type { ReferenceLocation } from './types.js';

/** "ASCII letters, numbers, and the following characters: /_+=.@-" (CreateSecret, Name). */
const USER_SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/**
 * `<service-id>!<rest>`: the managing service's id (letters, digits, `-`), `!`, then anything visible but `:`.
 * Unicode-aware so that invisible and control characters are refused whatever their encoding.
 */
const MANAGED_SECRET_NAME = /^[A-Za-z0-9-]+![^\s:\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]+$/u;

/** Longest secret name Secrets Manager accepts (CreateSecret, Name). */
export const SECRET_NAME_MAX_LENGTH = 512;

/**
 * True when `id` is a name Secrets Manager can have: one a user created (user alphabet), or one a managing
 * service created (`<service>!…`). A full id (`name-AbCdEf`) passes too: the suffix is letters and digits.
 *
 * @example
 * isSecretName('demo/orders/db');                                   // → true
 * isSecretName('rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab');      // → true
 * isSecretName('db#1');                                             // → false (not in the user alphabet)
 */
export function isSecretName(id: string): boolean {
  return USER_SECRET_NAME.test(id) || MANAGED_SECRET_NAME.test(id);
}

/** True for the name of a secret managed by another AWS service (`rds!db-…`), which users cannot create. */
export function isManagedSecretName(id: string): boolean {
  return MANAGED_SECRET_NAME.test(id);
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
        '(only ASCII letters, digits and / _ + = . @ - are allowed, or a <service>! prefix for a secret managed by an AWS service, e.g. rds!db-…)',
      value,
    );
  }
}
