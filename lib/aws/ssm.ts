import { DescribeParametersCommand, ListTagsForResourceCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterMetadata } from '../changes/types.js';
import { awsErrorKind } from './errors.js';

/**
 * DescribeParameters for one name: name, ARN, version, last-modified date. Metadata only (never
 * GetParameter*, which returns values; never GetParameterHistory, which returns old values too).
 *
 * SSM treats `/flat` and `flat` as one parameter, so a flat name is looked up in both spellings.
 * @returns `undefined` when no such parameter exists.
 */
export async function describeParameter(client: SSMClient, name: string): Promise<ParameterMetadata | undefined> {
  const spellings = name.includes('/', 1) ? [name] : [...new Set([name, name.startsWith('/') ? name.slice(1) : `/${name}`])];
  const output = await client.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: spellings }] }));
  const found = output.Parameters?.[0];
  if (!found?.Name || found.Version === undefined) return undefined;
  return {
    name: found.Name,
    version: found.Version,
    ...(found.ARN ? { arn: found.ARN } : {}),
    ...(found.LastModifiedDate ? { lastModifiedDate: found.LastModifiedDate } : {}),
  };
}

/** The parameter's tags (ListTagsForResource: metadata only); empty when it does not exist. */
export async function parameterTags(client: SSMClient, name: string): Promise<Record<string, string>> {
  try {
    const output = await client.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
    return Object.fromEntries((output.TagList ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  } catch (error) {
    if (awsErrorKind(error) === 'not-found') return {};
    throw error;
  }
}
