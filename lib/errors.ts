/**
 * Named errors for secret-refresh.
 *
 * Why one file: callers (the CLI, the Lambda handlers, tests) decide what to do by error *class*, not by
 * message text. Every error that means "the input is wrong, fix it and try again" extends
 * {@link InvalidInputError}; the CLI maps those to exit code 2 and guarantees that no AWS write call
 * happened before they were thrown.
 */

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
