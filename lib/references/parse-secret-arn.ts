/**
 * Secrets Manager ARNs in a reference: `secret:<id>` or the json-key form `secret:<id>:<jsonKey>:<stage>:<versionId>`.
 *
 * Mirrors the ECS agent (asmsecret.go): the resource is split on `:`; 2 parts is a plain (full or partial) ARN,
 * 5 parts is the json-key form, anything else is rejected with "an invalid ARN format for the AWS Secrets
 * Manager secret was specified". Secret names cannot contain `:` (neither user names nor the `<service>!…` names of
 * managed secrets such as `rds!db-<uuid>`), so the split is unambiguous.
 */
import { ReferenceParseError } from '../errors.js';
import type { ParsedArn } from './arn.js';
import { boundaryNotes } from './boundary-notes.js';
import { assertSecretId } from './secret-id.js';
import { notesForPin, secretPinOf } from './secret-pin.js';
import type { ParsedReference, ReferenceContext, ReferenceLocation, SecretReference } from './types.js';

/** Locations where the agent parses the json-key form; elsewhere the value goes verbatim to GetSecretValue. */
const JSON_KEY_LOCATIONS: ReadonlySet<ReferenceLocation> = new Set(['secrets', 'logConfiguration.secretOptions']);

/**
 * Parse a Secrets Manager ARN already split by `parseArn`.
 *
 * A stage together with a version id (`…::AWSCURRENT:<versionId>`) is not an error: see `secretPinOf`.
 *
 * @throws {ReferenceParseError} for a resource that is not `secret:…`, a wrong number of `:` parts, a json-key
 *   form where the location does not support it, or an invalid secret name.
 */
export function parseSecretArn(arn: ParsedArn, value: string, location: ReferenceLocation, context: ReferenceContext): ParsedReference {
  const parts = arn.resource.split(':');
  const [type, secretId = '', jsonKey = '', stage = '', versionId = ''] = parts;
  if (type !== 'secret') {
    throw new ReferenceParseError(
      `"${value}" in ${location} is a Secrets Manager ARN but not a secret ARN: ` + 'expected arn:<partition>:secretsmanager:<region>:<account>:secret:<name>',
      value,
    );
  }
  const jsonKeyFormAllowed = JSON_KEY_LOCATIONS.has(location);
  if (parts.length !== 2 && !jsonKeyFormAllowed) {
    throw new ReferenceParseError(
      `"${value}" in ${location} has ":" after the secret name; the json-key/stage/version form is not ` +
        'supported here (the value is passed verbatim to GetSecretValue). Use the plain secret ARN.',
      value,
    );
  }
  if (parts.length !== 2 && parts.length !== 5) {
    throw new ReferenceParseError(
      `"${value}" in ${location} has ${parts.length - 1} ":"-separated parts after "secret"; ECS accepts ` +
        'secret:<name> or secret:<name>:<json-key>:<version-stage>:<version-id> (exactly 4, e.g. "…:password::"), ' +
        'otherwise it fails with "an invalid ARN format for the AWS Secrets Manager secret was specified"',
      value,
    );
  }
  assertSecretId(secretId, value, location);
  const pin = secretPinOf(stage, versionId);
  const reference: SecretReference = {
    kind: 'secret',
    raw: value,
    location,
    partition: arn.partition,
    region: arn.region,
    account: arn.account,
    secretId,
    form: 'arn',
    ...(jsonKey === '' ? {} : { jsonKey }),
    pin,
  };
  return { reference, notes: [...boundaryNotes(arn, context), ...notesForPin(pin)] };
}
