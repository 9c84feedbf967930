import * as z from 'zod/mini';
import type { ManualRefreshInput } from '../changes/manual-refresh-change.js';
import { describeIssues, InvalidInputError } from '../errors.js';

const RefreshInputSchema = z.strictObject({
  ref: z.string().check(z.minLength(1)),
  kind: z.optional(z.enum(['secret', 'parameter'])),
  dryRun: z.optional(z.boolean()),
  confirmLarge: z.optional(z.boolean()),
});

/**
 * The `refresh` function's input:
 * `{ "ref": "<arn or name>", "kind"?: "secret"|"parameter", "dryRun"?: bool, "confirmLarge"?: bool }`.
 */
export type RefreshInput = ManualRefreshInput & { readonly dryRun?: boolean; readonly confirmLarge?: boolean };

/**
 * Validates the `refresh` function's input. Unknown fields are refused (a typo such as `dryrun` must not
 * turn a dry run into a real one).
 *
 * @throws {InvalidInputError} saying which field is wrong.
 */
export function parseRefreshInput(input: unknown): RefreshInput {
  const result = RefreshInputSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidInputError(
      `invalid refresh input (${describeIssues(result.error, 'input')}); expected { "ref": "<arn or name>", "kind"?: "secret"|"parameter", "dryRun"?: true|false, "confirmLarge"?: true|false }`,
      { cause: result.error },
    );
  }
  const { ref, kind, dryRun, confirmLarge } = result.data;
  return { ref, ...(kind ? { kind } : {}), ...(dryRun !== undefined ? { dryRun } : {}), ...(confirmLarge ? { confirmLarge } : {}) };
}
