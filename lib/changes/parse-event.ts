/**
 * Schema validation of incoming events, with one error type for every way an event can be malformed.
 *
 * Why a wrapper around `schema.safeParse`: callers (CLI, Lambda handlers) decide by error *class* that the input
 * is wrong, and the person reading the message needs to know *which* field to fix without reading a zod dump.
 */
import type { z } from 'zod';
import { EventParseError } from '../errors.js';

/**
 * One line per zod issue: `detail.requestParameters.versionStages: Invalid input: expected array, received string`.
 * Zod issue messages name expected and received *types*, never values, so nothing from the event leaks.
 */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(event)'}: ${issue.message}`).join('; ');
}

/**
 * Validate `event` against `schema`.
 *
 * @param what - what the event claims to be, for the message (`'Parameter Store Change event'`).
 * @throws {EventParseError} naming every invalid field; `cause` is the zod error.
 * @example
 * const parsed = parseEvent(SecretLabelUpdatedEventSchema, event, 'Secret Label Updated event');
 */
export function parseEvent<Schema extends z.ZodType>(schema: Schema, event: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(event);
  if (!result.success) {
    throw new EventParseError(`${what} is malformed: ${describeIssues(result.error)}`, { cause: result.error });
  }
  return result.data;
}
