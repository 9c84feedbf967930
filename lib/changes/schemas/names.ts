/**
 * Names as AWS allows them, so an event carrying anything else (10 KB strings, control or invisible
 * characters) is refused as malformed before any AWS call is made for it.
 */
import * as z from 'zod/mini';
import { isSecretName, SECRET_NAME_MAX_LENGTH } from '../../references/index.js';

/**
 * SSM parameter name: letters, digits, `_ . - /`, at most 2048 characters (the limit including the path).
 * `/a/b` and `flat`.
 */
export const ParameterNameSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(2048, 'a parameter name is at most 2048 characters'),
    z.regex(/^[A-Za-z0-9_.\-/]+$/, 'a parameter name has only letters, digits and _ . - /'),
  );

/**
 * Secrets Manager secret name, at most 512 characters: a name users create (letters, digits and `/_+=.@-`) or
 * the `<service>!…` name of a secret managed by another AWS service (`rds!db-<uuid>`, `rds!cluster-<uuid>`,
 * `events!connection/…`). The alphabets are defined once, in lib/references (`isSecretName`).
 */
export const SecretNameSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(SECRET_NAME_MAX_LENGTH, `a secret name is at most ${SECRET_NAME_MAX_LENGTH} characters`),
    z.refine(isSecretName, 'a secret name has only letters, digits and /_+=.@-, or is <service>!… (a secret managed by an AWS service, e.g. rds!db-…)'),
  );

/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<name or name-suffix>` (a full or partial ARN). */
const SECRET_ARN = /^arn:aws(?:-[a-z0-9]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)$/;

/** True for a secret id as a caller may pass it: a secret name, or a (partial or full) secret ARN. */
function isSecretIdOrArn(value: string): boolean {
  const arn = SECRET_ARN.exec(value);
  return arn === null ? isSecretName(value) : isSecretName(arn[1] ?? '');
}

/** A secret id as a caller passes it: a name, or a (partial or full) ARN; printable, no whitespace. */
export const SecretIdSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(2048, 'a secret id is at most 2048 characters'),
    z.refine(isSecretIdOrArn, 'a secret id is a secret name (letters, digits and /_+=.@-, or <service>!… for a managed secret) or a secret ARN'),
  );
