import { Logger } from '@aws-lambda-powertools/logger';

/** What a redacted value is replaced with in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are never written to a log line, compared case-insensitively and ignoring `_`/`-`
 * (`SecretString`, `secret_string` and `secret-string` are one key). They are the request and response fields
 * of Secrets Manager, SSM and STS that carry a secret value or a credential.
 */
export const SENSITIVE_KEYS: readonly string[] = [
  'secretString',
  'secretBinary',
  'password',
  'passwd',
  'rotationToken',
  'sessionToken',
  'secretAccessKey',
  'privateKey',
  'authorization',
  'credentials',
];

const SENSITIVE = new Set(SENSITIVE_KEYS.map(normaliseKey));

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The logger's JSON replacer: replaces the value of every {@link SENSITIVE_KEYS} member, at any depth, with
 * {@link REDACTED}, also inside strings that hold JSON (SQS message bodies).
 *
 * Why, when the code never logs a value: reports hold only ARNs, names, versions and labels, and CloudTrail
 * `requestParameters` are never copied into a Change. This is the second line: if an event, an error's `cause`
 * or a future log call ever carries such a field (say a CloudTrail record with `secretString`, or the incoming
 * event logged with `POWERTOOLS_LOGGER_LOG_EVENT=true`), its value still never reaches CloudWatch Logs.
 * Powertools calls it before its own rules (errors, bigint, circular references), for every key.
 *
 * @example
 * JSON.stringify({ requestParameters: { secretString: 'hunter2' } }, redactSensitiveKeys)
 * // → '{"requestParameters":{"secretString":"[REDACTED]"}}'
 */
export function redactSensitiveKeys(key: string, value: unknown): unknown {
  if (key !== '' && value !== undefined && value !== null && SENSITIVE.has(normaliseKey(key))) return REDACTED;
  return typeof value === 'string' ? redactedJsonText(value) : value;
}

/**
 * A string that holds JSON (an SQS message `body`: the intake queue's messages are EventBridge events as JSON
 * text) with the sensitive members inside it redacted too, still as JSON text; any other string as it is. Without
 * this, logging the intake batch would write a CloudTrail record's `secretString` inside a message body verbatim.
 */
function redactedJsonText(text: string): string {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(parsed, redactSensitiveKeys);
}

/**
 * The Lambda functions' structured logger. Reports are logged whole (they hold no secret values: only
 * ARNs, names, versions and labels); the CloudTrail fields that could ever carry one are never copied
 * into a Change, and {@link redactSensitiveKeys} blanks any that reach a log line anyway.
 */
export const logger = new Logger({ serviceName: 'secret-refresh', jsonReplacerFn: redactSensitiveKeys });
