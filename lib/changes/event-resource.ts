import { safeParseArn } from '../arn/arn.js';
import { EventParseError } from '../errors.js';

/**
 * The event's `resources[0]` ARN, checked against the envelope: it must be an ARN of `service` in the event's
 * own Region and account. An event that names a resource of another account or Region contradicts itself
 * and is refused before anything is looked up for it.
 *
 * @throws {EventParseError} naming both accounts/Regions.
 */
export function resourceArnOf(
  envelope: { readonly resources: readonly string[]; readonly region: string; readonly account: string },
  service: 'ssm' | 'secretsmanager',
): string | undefined {
  const arn = envelope.resources[0];
  if (arn === undefined) return undefined;
  const parsed = safeParseArn(arn);
  if (parsed?.service !== service) {
    throw new EventParseError(`resources[0] "${arn.slice(0, 200)}" is not a ${service} ARN`);
  }
  if (parsed.region !== envelope.region || parsed.account !== envelope.account) {
    throw new EventParseError(
      `resources[0] is in account ${parsed.account} / ${parsed.region}, but the event is from account ${envelope.account} / ${envelope.region}: refusing a self-contradictory event`,
    );
  }
  return arn;
}
