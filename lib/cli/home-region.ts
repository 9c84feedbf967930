/**
 * The CLI's home Region: `AWS_REGION`, else `AWS_DEFAULT_REGION` (the AWS CLI's variable, which the JavaScript SDK
 * does not read), else the `region` of the AWS profile in the shared config file (`AWS_PROFILE`, `AWS_CONFIG_FILE`;
 * read by the SDK's own loader, see lib/aws/profile-region.ts). Returned as `AWS_REGION` in a copy of `env`, so
 * `loadConfig` stays the one reader of the configuration and says what to set when none is found.
 *
 * Why only in the CLI: Lambda always sets `AWS_REGION`; an operator's shell often has only a profile.
 *
 * @example
 * loadConfig(await withHomeRegion({ AWS_DEFAULT_REGION: 'eu-west-1' })).homeRegion // → 'eu-west-1'
 */
export async function withHomeRegion(env: Readonly<Record<string, string | undefined>>): Promise<Readonly<Record<string, string | undefined>>> {
  if (env.AWS_REGION?.trim()) return env;
  const fallback = env.AWS_DEFAULT_REGION?.trim() || (await (await import('../aws/profile-region.js')).profileRegion(env))?.region;
  return fallback ? { ...env, AWS_REGION: fallback } : env;
}
