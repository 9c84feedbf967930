/**
 * SSM Parameter Store names: the leading-slash rule, selectors, and the `/aws/reference/secretsmanager/` path.
 *
 * Everything here works on the *key*: the parameter name without its leading `/`, which is what an SSM ARN
 * carries after `parameter/` and what SSM itself treats as the identity (`/flat` and `flat` are one parameter).
 */
import { ReferenceParseError } from '../errors.js';
import type { ReferenceLocation } from './types.js';

/** Key prefix of the SSM pass-through to Secrets Manager. No SSM event ever fires for these. */
export const PASS_THROUGH_PREFIX = 'aws/reference/secretsmanager/';

/** Characters SSM allows in a parameter name, besides `/` for hierarchy. */
const PARAMETER_KEY_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** A key split from its optional `:version` / `:label` selector. */
export interface KeyWithSelector {
  readonly key: string;
  readonly selector?: string;
}

/**
 * Split `key[:selector]`.
 *
 * @throws {ReferenceParseError} when the key or the selector is empty, or there is more than one `:`.
 */
export function splitSelector(keyAndSelector: string, value: string, location: ReferenceLocation): KeyWithSelector {
  const parts = keyAndSelector.split(':');
  const [key = '', selector] = parts;
  if (parts.length > 2) {
    throw new ReferenceParseError(
      `"${value}" in ${location} has more than one ":" after the parameter name; ` +
        'a parameter name may be followed by at most one ":<version>" or ":<label>"',
      value,
    );
  }
  if (key === '') {
    throw new ReferenceParseError(`"${value}" in ${location} names no parameter: the name is empty`, value);
  }
  if (selector === '') {
    throw new ReferenceParseError(`"${value}" in ${location} ends with ":" but gives no version or label after it; remove the ":"`, value);
  }
  return selector === undefined ? { key } : { key, selector };
}

/**
 * True when `key` (a name without its leading `/`) only uses characters SSM allows and has no empty
 * hierarchy level. Whether a leading `/` was required is the caller's concern.
 */
export function isValidParameterKey(key: string): boolean {
  return PARAMETER_KEY_PATTERN.test(key);
}
