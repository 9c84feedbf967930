/**
 * Names as AWS allows them, so an event carrying anything else (10 KB strings, control or invisible
 * characters) is refused as malformed before any AWS call is made for it.
 */
import { z } from 'zod';

/**
 * SSM parameter name: letters, digits, `_ . - /`, at most 2048 characters (the limit including the path).
 * `/a/b` and `flat`.
 */
export const ParameterNameSchema = z
  .string()
  .min(1)
  .max(2048, 'a parameter name is at most 2048 characters')
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'a parameter name has only letters, digits and _ . - /');

/** Secrets Manager secret name: letters, digits and `/_+=.@-`, at most 512 characters. */
export const SecretNameSchema = z
  .string()
  .min(1)
  .max(512, 'a secret name is at most 512 characters')
  .regex(/^[A-Za-z0-9/_+=.@-]+$/, 'a secret name has only letters, digits and /_+=.@-');

/** A secret id as a caller passes it: a name, or a (partial or full) ARN; printable, no whitespace. */
export const SecretIdSchema = z
  .string()
  .min(1)
  .max(2048, 'a secret id is at most 2048 characters')
  .regex(/^[A-Za-z0-9/_+=.@:-]+$/, 'a secret id is a name or an ARN: letters, digits and /_+=.@:-');
