import { looksLikeArn, type ParsedArn, parameterArn, safeParseArn } from '../arn/arn.js';
import { AmbiguousReferenceError, InvalidInputError, ResourceNotFoundError } from '../errors.js';
import { isSecretName } from '../references/index.js';
import { AWSCURRENT } from '../references/secret-pin.js';
import { partitionOfRegion } from './partition.js';
import { primaryOf, replicasOf } from './secret-replicas.js';
import type { Change, ChangeKind, MetadataDirectory, ParameterMetadata, SecretMetadata } from './types.js';

/** Input of a manual refresh (`refresh` function / `secret-refresh refresh`). */
export interface ManualRefreshInput {
  /** ARN or name of a secret or parameter. */
  readonly ref: string;
  readonly kind?: ChangeKind;
}

/** A Secrets Manager or SSM ARN with a Region and an account, or `undefined`. */
function secretOrParameterArn(value: string | undefined): ParsedArn | undefined {
  const parsed = safeParseArn(value);
  const known = parsed?.service === 'secretsmanager' || parsed?.service === 'ssm';
  return known && parsed.region !== '' && parsed.account !== '' ? parsed : undefined;
}

/** Characters of an SSM parameter name (`a-zA-Z0-9_.-` and `/`): anything else can only name a secret. */
const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]+$/;

/**
 * Turns a manual refresh request into a {@link Change} with effect `new-current-value`, after checking
 * (metadata only) that the secret or parameter exists. A name that exists as both a secret and a
 * parameter is ambiguous: the caller must say which `kind`. A secret scheduled for deletion becomes a
 * `deleted` change, which reports its readers and redeploys nothing. A name only a secret can have (`rds!db-…`,
 * the name of a secret managed by RDS) is not looked up in SSM. A replica (by its ARN, or by name in a replica
 * Region) is refreshed as its primary, which also refreshes the readers of every replica.
 *
 * @throws {InvalidInputError} on a malformed ref, {@link AmbiguousReferenceError}, {@link ResourceNotFoundError}.
 */
export async function resolveManualChange(
  input: ManualRefreshInput,
  homeRegion: string,
  now: Date,
  directory: MetadataDirectory,
  /** The account a parameter found by name belongs to when DescribeParameters gives no ARN. */
  fallbackAccount?: () => Promise<string | undefined>,
): Promise<Change> {
  const ref = input.ref;
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 2048 || /[\s\p{Cc}\p{Cf}]/u.test(ref)) {
    throw new InvalidInputError('ref must be a secret or parameter ARN or name, without whitespace, at most 2048 characters');
  }
  if (looksLikeArn(ref)) {
    const arn = secretOrParameterArn(ref);
    if (!arn) {
      throw new InvalidInputError(`ref "${ref}" is not a Secrets Manager secret ARN or an SSM parameter ARN`);
    }
    const { service, region, resource } = arn;
    const kind: ChangeKind = service === 'secretsmanager' ? 'secret' : 'parameter';
    if (input.kind && input.kind !== kind) {
      throw new InvalidInputError(`ref "${ref}" is a ${kind} ARN but kind is "${input.kind}"`);
    }
    if (kind === 'secret') {
      if (!resource.startsWith('secret:') || resource.split(':').length !== 2) {
        throw new InvalidInputError(`ref "${ref}" is not a secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)`);
      }
      const secret = await directory.describeSecret(ref, region);
      if (!secret) throw new ResourceNotFoundError(`secret ${ref} was not found in ${region}`);
      return secretChange(secret, region, now, directory);
    }
    if (!/^parameter\/[^/]/.test(resource)) {
      throw new InvalidInputError(`ref "${ref}" is not a parameter ARN (arn:<partition>:ssm:<region>:<account>:parameter/<name>)`);
    }
    const rest = resource.slice('parameter/'.length);
    const name = rest.includes('/') ? `/${rest}` : rest;
    const parameter = await directory.describeParameter(name, region);
    if (!parameter) throw new ResourceNotFoundError(`parameter ${name} was not found in ${region}`);
    return parameterChange(parameter, region, arn.partition, arn.account, now);
  }
  const canBeParameter = PARAMETER_NAME.test(ref);
  if (input.kind === 'parameter' && !canBeParameter) {
    throw new InvalidInputError(
      `ref "${ref}" is not an SSM parameter name (letters, digits, _ . - and /)${isSecretName(ref) ? '; it is a secret name: use --kind secret' : ''}`,
    );
  }
  const [secret, parameter] = await Promise.all([
    input.kind === 'parameter' ? undefined : directory.describeSecret(ref, homeRegion),
    input.kind === 'secret' || !canBeParameter ? undefined : directory.describeParameter(ref, homeRegion),
  ]);
  if (secret && parameter) {
    throw new AmbiguousReferenceError(`"${ref}" names both a secret and a parameter in ${homeRegion}: say which with --kind secret or --kind parameter`);
  }
  if (secret) return secretChange(secret, homeRegion, now, directory);
  if (parameter) {
    const arn = secretOrParameterArn(parameter.arn);
    const account = arn?.account ?? (await fallbackAccount?.());
    if (!account) {
      throw new InvalidInputError(
        `cannot tell which account parameter ${parameter.name} belongs to (DescribeParameters gave no ARN): pass its ARN as ref, or set SECRET_REFRESH_ACCOUNT_ID`,
      );
    }
    return parameterChange(parameter, homeRegion, arn?.partition ?? partitionOfRegion(homeRegion), account, now);
  }
  const what = input.kind ?? 'secret or parameter';
  throw new ResourceNotFoundError(`no ${what} named "${ref}" was found in ${homeRegion}`);
}

async function secretChange(described: SecretMetadata, describedIn: string, now: Date, directory: MetadataDirectory): Promise<Change> {
  const { secret, region, warnings: primaryWarnings } = await primaryOf(described, describedIn, directory);
  const replicas = replicasOf(secret);
  const [, partition = 'aws', , , account = ''] = secret.arn.split(':');
  const current = Object.entries(secret.versionIdsToStages).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
  const deleted = secret.deletedDate !== undefined;
  return {
    kind: 'secret',
    effect: deleted ? 'deleted' : 'new-current-value',
    reason: deleted
      ? `manual refresh: secret is scheduled for deletion (since ${secret.deletedDate?.toISOString()})`
      : `manual refresh of the AWSCURRENT value${current ? ` (version ${current})` : ''}`,
    partition,
    region,
    account,
    name: secret.name,
    arn: secret.arn,
    ...(current ? { versionId: current } : {}),
    labels: [AWSCURRENT],
    time: now.toISOString(),
    currentSince: now.toISOString(),
    origin: { channel: 'manual', eventName: 'manual' },
    warnings: [
      ...(region === describedIn ? [] : [`${described.arn} is a replica: refreshed as its primary ${secret.arn}, with the readers of every replica`]),
      ...primaryWarnings,
      ...replicas.warnings,
    ],
    ...(secret.tags ? { tags: secret.tags } : {}),
    ...(replicas.replicaRegions.length > 0 ? { replicaRegions: replicas.replicaRegions } : {}),
  };
}

function parameterChange(parameter: ParameterMetadata, region: string, partition: string, account: string, now: Date): Change {
  return {
    kind: 'parameter',
    effect: 'new-current-value',
    reason: `manual refresh of the latest value (version ${parameter.version})`,
    partition,
    region,
    account,
    name: parameter.name,
    arn: parameter.arn ?? parameterArn(partition, region, account, parameter.name),
    versionId: String(parameter.version),
    labels: [],
    time: now.toISOString(),
    currentSince: now.toISOString(),
    ...(parameter.lastModifiedDate ? { versionDate: parameter.lastModifiedDate.toISOString() } : {}),
    origin: { channel: 'manual', eventName: 'manual' },
    warnings: [],
  };
}
