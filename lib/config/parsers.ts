/**
 * @internal The parsers of the settings table (settings.ts): each turns one environment variable (a string, or
 * unset) into its typed value, or a zod issue whose message names the variable and what to write instead.
 *
 * Written on zod's tree-shakable API (`zod/mini`): the functions bundle only the checks they use (issue 16).
 */
import * as z from 'zod/mini';
import { parseSchedule, type Schedule, ScheduleSyntaxError } from '../rollout/windows.js';

/** A Region name such as `us-east-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A parser of one environment variable: unset or a string in, the typed value (or `undefined`: unset) out. */
export type SettingParser<T> = z.ZodMiniType<T, string | undefined>;

/** What a reading returns to refuse the value: the message the user reads. */
class Refusal {
  public constructor(public readonly message: string) {}
}

/** Refuses the value being read with `message` (it names the variable and what to write instead). */
const refuse = (message: string): Refusal => new Refusal(message);

/**
 * The parser that reads an optional string with `read`: its result, or one `custom` issue when `read` refuses. One
 * shape for every setting (zod/mini's transforms have no `addIssue`, so the issue is pushed on the payload).
 */
function reading<T>(read: (value: string | undefined) => T | Refusal): SettingParser<T> {
  return z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined, payload): T => {
      const result = read(value);
      if (!(result instanceof Refusal)) return result;
      payload.issues.push({ code: 'custom', message: result.message, input: value });
      return z.NEVER;
    }),
  ) as unknown as SettingParser<T>;
}

export const booleanFlag = (name: string) =>
  reading((value) => {
    const normalised = (value ?? '').trim().toLowerCase();
    if (normalised === '') return false;
    if (normalised === 'true' || normalised === '1') return true;
    if (normalised === 'false' || normalised === '0') return false;
    return refuse(`${name} must be true or false, got "${value}"`);
  });

/** An optional text value: trimmed, and empty means unset. */
export const optionalText = reading((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** A whole number from `min` to `max`; empty means `fallback`. */
export const wholeNumber = (name: string, fallback: number, min: number, max: number) =>
  reading((value) => {
    if (value === undefined || value.trim() === '') return fallback;
    const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from ${min} to ${max}`;
      return refuse(`${name} must be ${range}, got "${value}"`);
    }
    return parsed;
  });

/** One of `values`; empty means `fallback`. */
export const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T) =>
  reading((value): T | Refusal => {
    if (value === undefined || value.trim() === '') return fallback;
    const chosen = value.trim();
    if (!(values as readonly string[]).includes(chosen)) return refuse(`${name} must be one of ${values.join(', ')}, got "${value}"`);
    return chosen as T;
  });

export const clusterPatterns = (name: string) =>
  reading((value): string[] | Refusal => {
    if (value === undefined || value.trim() === '') return [];
    const patterns = value.split(',').map((pattern) => pattern.trim());
    const invalid = patterns.filter((pattern) => !/^[A-Za-z0-9_*?-]{1,255}$/.test(pattern));
    if (invalid.length > 0) {
      return refuse(
        `${name} has invalid cluster name(s) or glob(s) ${invalid.map((p) => `"${p}"`).join(', ')}: use letters, digits, - _ and the wildcards * ?`,
      );
    }
    return patterns;
  });

/** The home Region: required. */
export const homeRegion = reading((value): string | Refusal => {
  if (value === undefined) return refuse('AWS_REGION is not set: set it to the home Region, e.g. AWS_REGION=us-east-1');
  return REGION.test(value) ? value : refuse('AWS_REGION must be a Region name such as us-east-1');
});

/** Comma-separated Regions, de-duplicated; unset or empty: `undefined` (the home Region). */
export const regionList = (name: string) =>
  reading((value): string[] | undefined | Refusal => {
    if (value === undefined || value.trim() === '') return undefined;
    const regions = value.split(',').map((region) => region.trim());
    const invalid = regions.filter((region) => !REGION.test(region));
    if (invalid.length > 0) {
      return refuse(`${name} has invalid Region(s) ${invalid.map((r) => `"${r}"`).join(', ')}: use a comma-separated list such as us-east-1,eu-west-1`);
    }
    return [...new Set(regions)];
  });

/** A fraction from 0 to 1; empty means `fallback`. */
export const fraction = (name: string, fallback: number) =>
  reading((value) => {
    if (value === undefined || value.trim() === '') return fallback;
    const share = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!(share >= 0 && share <= 1)) return refuse(`${name} must be a number from 0 to 1, got "${value}"`);
    return share;
  });

/** A trimmed optional value that must pass `valid` (else `message`); empty means unset. */
const checkedText = (valid: (value: string) => boolean, message: string) =>
  reading((value): string | undefined | Refusal => {
    const trimmed = value?.trim();
    if (trimmed === undefined || trimmed === '') return undefined;
    return valid(trimmed) ? trimmed : refuse(message);
  });

/** An EventBridge bus name or ARN; empty means unset. */
export const eventBus = (name: string) =>
  checkedText(
    (value) => /^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/.test(value),
    `${name} must be an event bus name or ARN`,
  );

/** A 12-digit account id; empty means unset. */
export const accountId = (name: string) => checkedText((value) => /^\d{12}$/.test(value), `${name} must be a 12-digit account id`);

/** An SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`, or a local endpoint's); empty means unset. */
export const queueUrl = (name: string) =>
  checkedText(
    (value) => /^https?:\/\/[^\s/]+\/(\d{12}|queue)\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(value),
    `${name} must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/111122223333/secret-refresh-prod-intake`,
  );

/**
 * An S3 bucket name (3–63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit, no
 * `..`), not an ARN or a URL: the IAM policy and the keys are built from it. Empty means unset.
 */
export const bucketName = (name: string) =>
  checkedText(
    (value) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) && !value.includes('..'),
    `${name} must be an S3 bucket name (lowercase letters, digits, . and -; not an ARN or s3:// URL)`,
  );

/** A maintenance window or freeze schedule (syntax: lib/rollout/windows.ts, README "Maintenance windows"); empty means unset. */
export const schedule = (name: string) =>
  reading((value): Schedule | undefined | Refusal => {
    if (value === undefined || value.trim() === '') return undefined;
    try {
      return parseSchedule(value, name);
    } catch (error) {
      return refuse(error instanceof ScheduleSyntaxError ? error.message : `${name}: ${String(error)}`);
    }
  });

/** A Step Functions state machine ARN; empty means unset. */
export const stateMachineArn = (name: string) =>
  checkedText(
    (value) => /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/.test(value),
    `${name} must be a state machine ARN such as arn:aws:states:us-east-1:111122223333:stateMachine:secret-refresh-prod-rollout`,
  );
