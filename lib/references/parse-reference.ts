/**
 * Parse one `valueFrom` / `credentialsParameter` string into a reference with notes.
 *
 * The contract is ../shared/aws-reference/value-from-forms.md. Classification follows ECS, not intuition:
 * a value starting with `arn:` is an ARN; any other value in `secrets` or `logConfiguration.secretOptions` is an
 * **SSM parameter name**, even when it looks like a Secrets Manager name (row 14); `repositoryCredentials` reads
 * Secrets Manager only (a name is allowed there); `fsxWindowsFileServer` requires an ARN; a `credentialSpecs` entry
 * is `credentialspec:` / `credentialspecdomainless:` followed by an SSM parameter ARN. A bare name inherits the
 * partition, Region and account of the workload (`context`); an ARN brings its own.
 */
import { ReferenceParseError } from '../errors.js';
import { looksLikeArn, type ParsedArn, parseArn } from './arn.js';
import { boundaryNotes } from './boundary-notes.js';
import { isValidParameterKey, PASS_THROUGH_PREFIX } from './parameter-name.js';
import { parseParameterKey } from './parse-parameter-key.js';
import { parseSecretArn } from './parse-secret-arn.js';
import { assertSecretId, isSecretName } from './secret-id.js';
import type { ParsedReference, ReferenceContext, ReferenceLocation, ReferenceNote, SecretReference } from './types.js';

/** Whitespace, control and invisible format characters (e.g. a zero-width space pasted from a web page). */
const INVISIBLE_OR_SPACE = /[\s\p{Cc}\p{Cf}]/u;

/** Result of {@link safeParseReference}: the parsed reference, or the error {@link parseReference} would throw. */
export type SafeParseReferenceResult =
  | { readonly success: true; readonly data: ParsedReference }
  | { readonly success: false; readonly error: ReferenceParseError };

/**
 * Parse a reference found at `location` of a task or job definition that runs in `context`.
 *
 * @throws {ReferenceParseError} when the value is not a form ECS or Batch accepts; the message says what is wrong.
 * @example
 * parseReference('/demo/orders/db-password', 'secrets', { partition: 'aws', region: 'us-east-1', account: '111122223333' })
 * // → { reference: { kind: 'parameter', key: 'demo/orders/db-password', region: 'us-east-1', … }, notes: [] }
 */
export function parseReference(value: string, location: ReferenceLocation, context: ReferenceContext): ParsedReference {
  assertPrintable(value, location);
  if (location === 'credentialSpecs') return parseCredentialSpec(value, context);
  if (looksLikeArn(value)) return parseReferenceArn(parseArn(value), value, location, context);
  switch (location) {
    case 'secrets':
    case 'logConfiguration.secretOptions':
      return parseParameterName(value, location, context);
    case 'repositoryCredentials':
      return parseSecretName(value, location, context);
    case 'fsxWindowsFileServer':
      throw new ReferenceParseError(
        `"${value}" in ${location} is not an ARN; FSx for Windows File Server credentials need the full ARN ` +
          'of a Secrets Manager secret or an SSM parameter',
        value,
      );
  }
}

/**
 * Like {@link parseReference}, but returns `{ success: false, error }` instead of throwing, for callers (the
 * inventory) that report an unparseable reference and carry on with the others. Errors other than
 * `ReferenceParseError` are bugs and are rethrown.
 */
export function safeParseReference(value: string, location: ReferenceLocation, context: ReferenceContext): SafeParseReferenceResult {
  try {
    return { success: true, data: parseReference(value, location, context) };
  } catch (error) {
    if (error instanceof ReferenceParseError) return { success: false, error };
    throw error;
  }
}

/** Reject empty values and values with characters no secret name, parameter name or ARN can contain. */
function assertPrintable(value: string, location: ReferenceLocation): void {
  if (value === '') {
    throw new ReferenceParseError(`the reference in ${location} is empty; give a secret or parameter ARN or name`, value);
  }
  const match = INVISIBLE_OR_SPACE.exec(value);
  if (match !== null) {
    const code = match[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '';
    throw new ReferenceParseError(
      `"${value}" in ${location} contains whitespace or an invisible character (U+${code}) at position ` + `${match.index}; remove it`,
      value,
    );
  }
}

/** Dispatch an ARN on its service; only Secrets Manager and SSM are references. */
function parseReferenceArn(arn: ParsedArn, value: string, location: ReferenceLocation, context: ReferenceContext): ParsedReference {
  if (arn.service !== 'secretsmanager' && arn.service !== 'ssm') {
    throw new ReferenceParseError(
      `"${value}" in ${location} is an ARN of service "${arn.service}"; only Secrets Manager (secretsmanager) ` +
        'and SSM Parameter Store (ssm) ARNs can be referenced',
      value,
    );
  }
  if (arn.region === '' || arn.account === '') {
    throw new ReferenceParseError(`"${value}" in ${location} has no ${arn.region === '' ? 'Region' : 'account'}; ` + `a ${arn.service} ARN needs both`, value);
  }
  if (arn.service === 'secretsmanager') return parseSecretArn(arn, value, location, context);
  if (location === 'repositoryCredentials') {
    throw new ReferenceParseError(`"${value}" in ${location} is an SSM ARN; private registry credentials must be a Secrets Manager secret`, value);
  }
  return parseParameterArn(arn, value, location, context);
}

/** `arn:…:ssm:…:parameter/<key>`; a doubled slash (`parameter//x`) is normalised and flagged. */
function parseParameterArn(arn: ParsedArn, value: string, location: ReferenceLocation, context: ReferenceContext): ParsedReference {
  if (!arn.resource.startsWith('parameter/')) {
    throw new ReferenceParseError(
      `"${value}" in ${location} is an SSM ARN but not a parameter ARN: ` + 'expected arn:<partition>:ssm:<region>:<account>:parameter/<name>',
      value,
    );
  }
  const afterType = arn.resource.slice('parameter/'.length);
  const keyAndSelector = afterType.replace(/^\/+/, '');
  if (keyAndSelector === '') {
    throw new ReferenceParseError(`"${value}" in ${location} is a parameter ARN with no parameter name`, value);
  }
  const notes = boundaryNotes(arn, context);
  if (keyAndSelector !== afterType) {
    const key = keyAndSelector.split(':')[0] ?? '';
    notes.push({
      code: 'double-slash-arn',
      message: `"${value}" has a "/" right after "parameter/"; the ARN of parameter /${key} is ` + `…:parameter/${key} (read here as that parameter)`,
    });
  }
  return parseParameterKey({ keyAndSelector, value, location, ...arnPlace(arn), notes });
}

/** A non-ARN value in `secrets` / `secretOptions`: an SSM parameter name in the workload's context (row 14). */
function parseParameterName(value: string, location: ReferenceLocation, context: ReferenceContext): ParsedReference {
  const hasLeadingSlash = value.startsWith('/');
  const keyAndSelector = hasLeadingSlash ? value.slice(1) : value;
  const name = keyAndSelector.split(':')[0] ?? '';
  const notes: ReferenceNote[] = [];
  // `/aws/reference/secretsmanager/<secret name>` names a secret, not a parameter: its name follows the secret
  // alphabet (`rds!db-…` included), checked by the pass-through parser.
  const passThrough = hasLeadingSlash && name.startsWith(PASS_THROUGH_PREFIX);
  const hierarchicalWithoutSlash = !hasLeadingSlash && name.includes('/');
  if (!passThrough && (hierarchicalWithoutSlash || (!isValidParameterKey(name) && name !== ''))) {
    if (isSecretName(name)) {
      notes.push({
        code: 'secret-name-in-secrets',
        message:
          `"${name}" looks like a Secrets Manager secret name, but ECS reads a non-ARN value here as an SSM ` +
          'parameter name: a Secrets Manager name here is unsupported by ECS; use the secret ARN',
      });
    }
    notes.push({
      code: 'invalid-parameter-name',
      message: hierarchicalWithoutSlash
        ? `"${name}" is not a valid SSM parameter name: a name with "/" levels must start with "/"`
        : `"${name}" is not a valid SSM parameter name (letters, digits, _ . - and / between levels only)`,
    });
  }
  return parseParameterKey({ keyAndSelector, value, location, ...context, notes });
}

/** Prefixes of a gMSA credential spec entry that ECS reads when the task starts. */
const CREDENTIAL_SPEC_PREFIXES = ['credentialspec:', 'credentialspecdomainless:'] as const;

/**
 * True when a `credentialSpecs` / `dockerSecurityOptions` entry names an SSM parameter, i.e. is a reference:
 * `credentialspec:arn:<partition>:ssm:…` or `credentialspecdomainless:arn:<partition>:ssm:…`. The other forms
 * (an S3 object ARN, a `file://` path, SELinux / AppArmor options) are not secrets or parameters and no change
 * event is about them, so the inventory leaves them out instead of reporting them as unparseable.
 *
 * @example isCredentialSpecReference('credentialspec:arn:aws:ssm:us-east-1:111122223333:parameter/gmsa/spec') // → true
 */
export function isCredentialSpecReference(entry: string): boolean {
  const prefix = CREDENTIAL_SPEC_PREFIXES.find((candidate) => entry.startsWith(candidate));
  return prefix !== undefined && /^arn:[^:]*:ssm:/.test(entry.slice(prefix.length));
}

/**
 * A gMSA credential spec entry: its SSM parameter ARN is read when the task starts (`credentialSpecs`,
 * `dockerSecurityOptions`), so a change to that parameter affects new tasks like any `secrets` entry.
 */
function parseCredentialSpec(value: string, context: ReferenceContext): ParsedReference {
  const location: ReferenceLocation = 'credentialSpecs';
  const prefix = CREDENTIAL_SPEC_PREFIXES.find((candidate) => value.startsWith(candidate));
  const arn = prefix === undefined ? '' : value.slice(prefix.length);
  if (prefix === undefined || !looksLikeArn(arn)) {
    throw new ReferenceParseError(
      `"${value}" in ${location} is not a credential spec reference: expected credentialspec:<SSM parameter ARN> or ` +
        'credentialspecdomainless:<SSM parameter ARN>',
      value,
    );
  }
  try {
    const parsedArn = parseArn(arn);
    if (parsedArn.service !== 'ssm') {
      throw new ReferenceParseError(`it names a ${parsedArn.service} ARN; only an SSM parameter ARN in a credential spec is a reference`, arn);
    }
    const parsed = parseReferenceArn(parsedArn, arn, location, context);
    return { ...parsed, reference: { ...parsed.reference, raw: value } };
  } catch (error) {
    // Report the entry as written (the error's `value` is what the user must fix), not the ARN inside it.
    if (error instanceof ReferenceParseError) {
      throw new ReferenceParseError(`credential spec "${value}" in ${location}: ${error.message}`, value, { cause: error });
    }
    throw error;
  }
}

/** A non-ARN value in `repositoryCredentials`: a secret name in the workload's context, passed verbatim. */
function parseSecretName(value: string, location: ReferenceLocation, context: ReferenceContext): ParsedReference {
  if (value.includes(':')) {
    throw new ReferenceParseError(
      `"${value}" in ${location} is not an ARN and contains ":"; give a secret name (no ":") or the secret ARN ` + '(the json-key form is not supported here)',
      value,
    );
  }
  assertSecretId(value, value, location);
  const reference: SecretReference = {
    kind: 'secret',
    raw: value,
    location,
    ...context,
    secretId: value,
    form: 'name',
    pin: { type: 'current' },
  };
  return { reference, notes: [] };
}

/** The partition, Region and account an ARN resolves in. */
function arnPlace(arn: ParsedArn): { partition: string; region: string; account: string } {
  return { partition: arn.partition, region: arn.region, account: arn.account };
}
