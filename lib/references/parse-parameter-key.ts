/**
 * Turn an SSM parameter key (name without its leading `/`, optionally `:selector`) into a reference.
 *
 * Shared by SSM ARNs (`…:parameter/<key>`) and bare SSM names so that both give the same identity. A key under
 * `aws/reference/secretsmanager/` is not a parameter at all: SSM passes the read through to Secrets Manager,
 * no SSM event ever fires for it, so it becomes a *secret* reference.
 */
import { ReferenceParseError } from '../errors.js';
import { isValidParameterKey, PASS_THROUGH_PREFIX, splitSelector } from './parameter-name.js';
import { assertSecretId } from './secret-id.js';
import { notesForPin, passThroughPinOf } from './secret-pin.js';
import type { ParameterReference, ParsedReference, ReferenceLocation, ReferenceNote, SecretReference } from './types.js';

/** What the caller already knows: where the key resolves, and the notes it has collected so far. */
export interface ParameterKeyInput {
  /** The key, without the leading `/`, possibly followed by `:selector`. */
  readonly keyAndSelector: string;
  readonly value: string;
  readonly location: ReferenceLocation;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly notes: readonly ReferenceNote[];
}

/**
 * Build the parameter (or pass-through secret) reference for a key.
 *
 * @throws {ReferenceParseError} for an empty key or selector, several selectors, or a pass-through path
 *   without a valid secret name.
 */
export function parseParameterKey(input: ParameterKeyInput): ParsedReference {
  const { key, selector } = splitSelector(input.keyAndSelector, input.value, input.location);
  if (key.startsWith(PASS_THROUGH_PREFIX)) {
    return passThroughReference(input, key.slice(PASS_THROUGH_PREFIX.length), selector);
  }
  const notes = [...input.notes];
  if (!isValidParameterKey(key) && !notes.some((note) => note.code === 'invalid-parameter-name')) {
    notes.push({
      code: 'invalid-parameter-name',
      message: `"${key}" is not a valid SSM parameter name (letters, digits, _ . - and / between levels only): ` + 'ECS would not be able to read it',
    });
  }
  if (selector !== undefined) {
    notes.push({
      code: 'ssm-selector',
      message:
        `selector ":${selector}" pins a parameter version or label; ECS rejects selectors at ` +
        'RegisterTaskDefinition (containers-roadmap #859) and could not resolve one, so changes never redeploy it',
    });
  }
  const reference: ParameterReference = {
    kind: 'parameter',
    raw: input.value,
    location: input.location,
    partition: input.partition,
    region: input.region,
    account: input.account,
    key,
    ...(selector === undefined ? {} : { selector }),
  };
  return { reference, notes };
}

/** `/aws/reference/secretsmanager/<id>[:<stage-or-version>]` → a secret reference (form 'ssm-pass-through'). */
function passThroughReference(input: ParameterKeyInput, secretId: string, suffix: string | undefined): ParsedReference {
  if (secretId === '') {
    throw new ReferenceParseError(`"${input.value}" in ${input.location} is a /aws/reference/secretsmanager/ path with no secret name after it`, input.value);
  }
  assertSecretId(secretId, input.value, input.location);
  const pin = passThroughPinOf(suffix);
  const notes = [...input.notes, ...notesForPin(pin)];
  if (suffix !== undefined) {
    notes.push({
      code: 'ssm-selector',
      message:
        `":${suffix}" after a /aws/reference/secretsmanager/ path is a selector; SSM honours it, but whether ECS ` +
        'accepts it is unverified (ECS rejects selectors on ordinary parameters)',
    });
  }
  const reference: SecretReference = {
    kind: 'secret',
    raw: input.value,
    location: input.location,
    partition: input.partition,
    region: input.region,
    account: input.account,
    secretId,
    form: 'ssm-pass-through',
    pin,
  };
  return { reference, notes };
}
