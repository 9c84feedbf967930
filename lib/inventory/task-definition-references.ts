import type { TaskDefinition } from '../aws/ecs.js';
import { isCredentialSpecReference, safeParseReference } from '../references/index.js';
import type { ReferenceContext, ReferenceLocation } from '../references/types.js';
import type { ContainerImageRecord, FoundReference } from './types.js';

/**
 * Every secret reference an ECS task definition makes: `containerDefinitions[].secrets`,
 * `logConfiguration.secretOptions`, `repositoryCredentials.credentialsParameter`, gMSA credential specs in an
 * SSM parameter (`credentialSpecs[]` and `dockerSecurityOptions[]` entries `credentialspec:arn:…:ssm:…` /
 * `credentialspecdomainless:arn:…:ssm:…`, read when the task starts), and FSx for Windows volume credentials.
 * Credential specs in S3 or a file, and other security options, are not references and are left out.
 * `context` is the partition/Region/account of the cluster that runs the task, which is where a bare name resolves.
 */
export function taskDefinitionReferences(taskDefinition: TaskDefinition, context: ReferenceContext): FoundReference[] {
  const found: FoundReference[] = [];
  const add = (container: string, location: ReferenceLocation, valueFrom: string | undefined, name?: string) => {
    if (valueFrom === undefined) return;
    const result = safeParseReference(valueFrom, location, context);
    found.push({
      container,
      location,
      ...(name !== undefined ? { name } : {}),
      valueFrom,
      parsed: result.success ? result.data : { error: result.error.message },
    });
  };
  for (const container of taskDefinition.containerDefinitions ?? []) {
    const containerName = container.name ?? '(unnamed)';
    for (const secret of container.secrets ?? []) add(containerName, 'secrets', secret.valueFrom, secret.name);
    for (const option of container.logConfiguration?.secretOptions ?? []) {
      add(containerName, 'logConfiguration.secretOptions', option.valueFrom, option.name);
    }
    add(containerName, 'repositoryCredentials', container.repositoryCredentials?.credentialsParameter);
    for (const entry of [...(container.credentialSpecs ?? []), ...(container.dockerSecurityOptions ?? [])]) {
      if (isCredentialSpecReference(entry)) add(containerName, 'credentialSpecs', entry);
    }
  }
  for (const volume of taskDefinition.volumes ?? []) {
    add(
      `volume:${volume.name ?? '(unnamed)'}`,
      'fsxWindowsFileServer',
      volume.fsxWindowsFileServerVolumeConfiguration?.authorizationConfig?.credentialsParameter,
    );
  }
  return found;
}

/**
 * The containers of a task definition with the image each names and its `versionConsistency` (container names as
 * in {@link taskDefinitionReferences}). Containers without an image are left out.
 */
export function taskDefinitionContainers(taskDefinition: TaskDefinition): ContainerImageRecord[] {
  return (taskDefinition.containerDefinitions ?? []).flatMap((container) =>
    container.image
      ? [
          {
            name: container.name ?? '(unnamed)',
            image: container.image,
            ...(container.versionConsistency ? { versionConsistency: container.versionConsistency } : {}),
          },
        ]
      : [],
  );
}
