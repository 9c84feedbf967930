/**
 * Named errors for secret-refresh.
 *
 * Why one file: callers (the CLI, the Lambda handlers, tests) decide what to do by error *class*, not by
 * message text. Every error that means "the input is wrong, fix it and try again" extends
 * {@link InvalidInputError}; the CLI maps those to exit code 2 and guarantees that no AWS write call
 * happened before they were thrown.
 *
 * The texts users read about errors are made here too, once: {@link errorText} for a caught error,
 * {@link describeIssues} for schema validation problems.
 */
import type { z } from 'zod';

/** Base class of every error secret-refresh throws on purpose. */
export class SecretRefreshError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The input (event, reference, option, configuration) is wrong. Nothing was changed in AWS.
 * The message tells the user what to fix.
 */
export class InvalidInputError extends SecretRefreshError {}

/**
 * An EventBridge event could not be read: not JSON, wrong shape, unknown source/detail-type.
 * `cause` carries the zod error when schema validation failed.
 *
 * @example
 * throw new EventParseError('Parameter Store Change event has no detail.name', { cause: zodError });
 */
export class EventParseError extends InvalidInputError {}

/**
 * A `valueFrom` / `credentialsParameter` string is not a form ECS or Batch accepts
 * (see ../shared/aws-reference/value-from-forms.md, "Invalid input").
 */
export class ReferenceParseError extends InvalidInputError {
  public constructor(
    message: string,
    /** The offending string, as given. */
    public readonly value: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Environment configuration is invalid (e.g. `SECRET_REFRESH_REGIONS=us-east-1,,nope`). */
export class ConfigurationError extends InvalidInputError {}

/**
 * The event comes from another account than the one this deployment watches. secret-refresh never acts
 * on a foreign account's event: a forwarded event must be handled by a deployment in its own account.
 */
export class ForeignAccountError extends InvalidInputError {}

/**
 * A manual `refresh --ref <name>` names both a secret and a parameter; the user must say `--kind`.
 */
export class AmbiguousReferenceError extends InvalidInputError {}

/** A manual refresh names a secret or parameter that does not exist (or is not visible). */
export class ResourceNotFoundError extends InvalidInputError {}

/**
 * At least one target failed. Carries the full report so the Lambda handler can log it before failing
 * (which makes Lambda retry the event and, after the retries, send it to the on-failure destination).
 */
export class TargetsFailedError extends SecretRefreshError {
  public constructor(
    message: string,
    /** The run's report (see lib/report). Typed loosely here to keep errors.ts free of imports. */
    public readonly report: unknown,
  ) {
    super(message);
  }
}

/**
 * The staleness audit could not read part of the account (no credentials, an unreachable endpoint, a denied or
 * throttled call), so some services were not judged. Carries the audit report; the daily function throws it after
 * publishing, so the failure is loud instead of an "all clear".
 */
export class AuditIncompleteError extends SecretRefreshError {
  public constructor(
    message: string,
    /** The audit's report (see lib/audit). Typed loosely here to keep errors.ts free of imports. */
    public readonly report: unknown,
  ) {
    super(message);
  }
}

/**
 * The daily audit could not store the secrets map in `SECRET_REFRESH_REPORT_BUCKET` whole (a PutObject failed, the map
 * could not be built, or it is incomplete). Carries the audit report; the function throws it after publishing the
 * audit's event with the warnings, so a missing or partial map is never silently dropped.
 */
export class SecretsMapNotStoredError extends SecretRefreshError {
  public constructor(
    message: string,
    /** The audit's report (see lib/audit). Typed loosely here to keep errors.ts free of imports. */
    public readonly report: unknown,
  ) {
    super(message);
  }
}

/**
 * A caught error as one line of text, `<name>: <message>` (`ThrottlingException: Rate exceeded`), for reports,
 * warnings and logs. Anything thrown that is not an `Error` is converted with `String`.
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Only the message of a caught error (the CLI's one-line messages, where the class name would be noise). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One line per zod issue, `<path>: <message>` joined with `; `, e.g.
 * `detail.requestParameters.versionStages: Invalid input: expected array, received string`. An issue at the root
 * is named `root` (`'(event)'`, `'input'`). Zod issue messages name expected and received *types*, never values,
 * so nothing from the input leaks into the text.
 */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`).join('; ');
}
