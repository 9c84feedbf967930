import type { MetadataDirectory } from '../changes/types.js';
import type { AwsClients } from './clients.js';
import { describeSecret, secretTags } from './secrets-manager.js';
import { describeParameter, parameterTags } from './ssm.js';

/**
 * The real {@link MetadataDirectory}: DescribeSecret and DescribeParameters in the given Region.
 * The Change step depends on the interface, so its unit tests use an in-memory directory.
 */
export function createMetadataDirectory(clients: AwsClients): MetadataDirectory {
  return {
    describeSecret: (secretId, region) => describeSecret(clients.secretsManager(region), secretId),
    describeParameter: (name, region) => describeParameter(clients.ssm(region), name),
    resourceTags: (kind, id, region) => (kind === 'secret' ? secretTags(clients.secretsManager(region), id) : parameterTags(clients.ssm(region), id)),
  };
}

/**
 * The same directory, asking AWS at most once per secret or parameter and Region: a run that looks the same resource
 * up twice (the daily function's audit, then its secrets map) gets the same answer, so both judge with the same
 * metadata, and DescribeParameters (a low request quota) is not asked twice. A failed look-up is kept too: within
 * one run it would fail again. Tags are not kept (they are read once per change anyway).
 */
export function memoizedMetadataDirectory(directory: MetadataDirectory): MetadataDirectory {
  const secrets = new Map<string, ReturnType<MetadataDirectory['describeSecret']>>();
  const parameters = new Map<string, ReturnType<MetadataDirectory['describeParameter']>>();
  const once = <T>(cache: Map<string, T>, key: string, ask: () => T): T => {
    let answer = cache.get(key);
    if (answer === undefined) {
      answer = ask();
      cache.set(key, answer);
    }
    return answer;
  };
  return {
    describeSecret: (secretId, region) => once(secrets, `${region}|${secretId}`, () => directory.describeSecret(secretId, region)),
    describeParameter: (name, region) => once(parameters, `${region}|${name}`, () => directory.describeParameter(name, region)),
    ...(directory.resourceTags ? { resourceTags: directory.resourceTags.bind(directory) } : {}),
  };
}
