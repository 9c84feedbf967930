/**
 * @internal The parsers of the settings table (settings.ts): each turns one environment variable (a string, or
 * unset) into its typed value, or a zod issue whose message names the variable and what to write instead.
 */
import { z } from 'zod';

/** A Region name such as `us-east-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A parser of one environment variable: unset or a string in, the typed value (or `undefined`: unset) out. */
export type SettingParser<T> = z.ZodType<T, string | undefined>;

export const booleanFlag = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const normalised = (value ?? '').trim().toLowerCase();
      if (normalised === '') return false;
      if (normalised === 'true' || normalised === '1') return true;
      if (normalised === 'false' || normalised === '0') return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${value}"` });
      return z.NEVER;
    });

/** An optional text value: trimmed, and empty means unset. */
export const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** A whole number from `min` to `max`; empty means `fallback`. */
export const wholeNumber = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from ${min} to ${max}`;
        ctx.addIssue({ code: 'custom', message: `${name} must be ${range}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

/** One of `values`; empty means `fallback`. */
export const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T) =>
  z
    .string()
    .optional()
    .transform((value, ctx): T => {
      if (value === undefined || value.trim() === '') return fallback;
      const chosen = value.trim();
      if (!(values as readonly string[]).includes(chosen)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be one of ${values.join(', ')}, got "${value}"` });
        return z.NEVER;
      }
      return chosen as T;
    });

export const clusterPatterns = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return [];
      const patterns = value.split(',').map((pattern) => pattern.trim());
      const invalid = patterns.filter((pattern) => !/^[A-Za-z0-9_*?-]{1,255}$/.test(pattern));
      if (invalid.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} has invalid cluster name(s) or glob(s) ${invalid.map((p) => `"${p}"`).join(', ')}: use letters, digits, - _ and the wildcards * ?`,
        });
        return z.NEVER;
      }
      return patterns;
    });

/** The home Region: required. */
export const homeRegion = z
  .string({ error: 'AWS_REGION is not set: set it to the home Region, e.g. AWS_REGION=us-east-1' })
  .regex(REGION, 'AWS_REGION must be a Region name such as us-east-1');

/** Comma-separated Regions, de-duplicated; unset or empty: `undefined` (the home Region). */
export const regionList = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const regions = value.split(',').map((region) => region.trim());
      const invalid = regions.filter((region) => !REGION.test(region));
      if (invalid.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} has invalid Region(s) ${invalid.map((r) => `"${r}"`).join(', ')}: use a comma-separated list such as us-east-1,eu-west-1`,
        });
        return z.NEVER;
      }
      return [...new Set(regions)];
    });

/** A fraction from 0 to 1; empty means `fallback`. */
export const fraction = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const share = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!(share >= 0 && share <= 1)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a number from 0 to 1, got "${value}"` });
        return z.NEVER;
      }
      return share;
    });

/** An EventBridge bus name or ARN; empty means unset. */
export const eventBus = (name: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .refine((value) => value === undefined || /^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/.test(value), {
      message: `${name} must be an event bus name or ARN`,
    });

/** A 12-digit account id; empty means unset. */
export const accountId = (name: string) =>
  z
    .string()
    .optional()
    .transform((value) => value?.trim())
    .refine((value) => value === undefined || value === '' || /^\d{12}$/.test(value), {
      message: `${name} must be a 12-digit account id`,
    })
    .transform((value) => (value === '' ? undefined : value));

/** An SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`, or a local endpoint's); empty means unset. */
export const queueUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .refine((value) => value === undefined || /^https?:\/\/[^\s/]+\/(\d{12}|queue)\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(value), {
      message: `${name} must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/111122223333/secret-refresh-prod-intake`,
    });

/**
 * An S3 bucket name (3–63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit, no
 * `..`), not an ARN or a URL: the IAM policy and the keys are built from it. Empty means unset.
 */
export const bucketName = (name: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .refine((value) => value === undefined || (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) && !value.includes('..')), {
      message: `${name} must be an S3 bucket name (lowercase letters, digits, . and -; not an ARN or s3:// URL)`,
    });
