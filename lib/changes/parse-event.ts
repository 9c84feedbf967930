/**
 * Schema validation of incoming events, with one error type for every way an event can be malformed.
 *
 * Why a wrapper around `schema.safeParse`: callers (CLI, Lambda handlers) decide by error *class* that the input
 * is wrong, and the person reading the message needs to know *which* field to fix without reading a zod dump.
 */
import type * as z from 'zod/mini';
import { describeIssues, EventParseError } from '../errors.js';

/**
 * Validate `event` against `schema`.
 *
 * @param what - what the event claims to be, for the message (`'Parameter Store Change event'`).
 * @throws {EventParseError} naming every invalid field; `cause` is the zod error.
 * @example
 * const parsed = parseEvent(SecretLabelUpdatedEventSchema, event, 'Secret Label Updated event');
 */
export function parseEvent<Schema extends z.ZodMiniType>(schema: Schema, event: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(event);
  if (!result.success) {
    throw new EventParseError(`${what} is malformed: ${describeIssues(result.error, '(event)')}`, { cause: result.error });
  }
  return result.data;
}
