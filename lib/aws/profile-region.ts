import { getProfileName, loadConfig } from '@smithy/core/config';

/** A Region found in the shared AWS config files, and the profile it came from. */
export interface ProfileRegion {
  readonly region: string;
  readonly profile: string;
}

/**
 * The `region` of the AWS profile, read by the AWS SDK's own loader (`loadConfig` of `@smithy/core/config`, the one
 * the SDK clients use for their Region): the profile named by `AWS_PROFILE` (else `default`), from the files named by
 * `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` (else `~/.aws/config` and `~/.aws/credentials`; the config file
 * wins). `undefined` when the files or the key are missing.
 *
 * Why: the CLI runs where operators keep their Region in a profile, as the AWS CLI does; the functions never need
 * it (Lambda sets `AWS_REGION`). Metadata only: no AWS call, no credential is read.
 *
 * @example
 * await profileRegion({ AWS_PROFILE: 'ops' }) // → { region: 'eu-west-1', profile: 'ops' }
 */
export async function profileRegion(env: Readonly<Record<string, string | undefined>>): Promise<ProfileRegion | undefined> {
  const profile = getProfileName({ ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}) });
  const region = await loadConfig(
    { environmentVariableSelector: () => undefined, configFileSelector: (section) => section.region, default: () => undefined },
    {
      profile,
      ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
      ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
      ignoreCache: true,
    },
  )();
  return typeof region === 'string' && region.trim() !== '' ? { region: region.trim(), profile } : undefined;
}
