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
