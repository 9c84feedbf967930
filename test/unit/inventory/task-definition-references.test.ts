import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { taskDefinitionReferences } from '../../../lib/inventory/task-definition-references.js';
import type { ReferenceContext } from '../../../lib/references/types.js';

const CONTEXT: ReferenceContext = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const SPEC = 'arn:aws:ssm:us-east-1:111122223333:parameter/gmsa/orders-spec';
const RDS_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab-Xy12Zw';

describe('taskDefinitionReferences: gMSA credential specs', () => {
  it('extracts credentialSpecs and dockerSecurityOptions entries that name an SSM parameter, as location credentialSpecs', () => {
    const definition: TaskDefinition = {
      containerDefinitions: [
        {
          name: 'windows-app',
          credentialSpecs: [`credentialspecdomainless:${SPEC}`, 'credentialspec:arn:aws:s3:::gmsa-bucket/spec.json'],
          dockerSecurityOptions: [`credentialspec:${SPEC}-legacy`, 'credentialspec:file://gmsa.json', 'no-new-privileges', 'label:type:container_t'],
        },
      ],
    };
    const found = taskDefinitionReferences(definition, CONTEXT);
    expect(found.map(({ container, location, valueFrom }) => ({ container, location, valueFrom }))).toEqual([
      { container: 'windows-app', location: 'credentialSpecs', valueFrom: `credentialspecdomainless:${SPEC}` },
      { container: 'windows-app', location: 'credentialSpecs', valueFrom: `credentialspec:${SPEC}-legacy` },
    ]);
    expect(found[0]?.parsed).toMatchObject({ reference: { kind: 'parameter', key: 'gmsa/orders-spec', raw: `credentialspecdomainless:${SPEC}` } });
  });

  it('reports a credential spec with a malformed SSM ARN as unparseable instead of dropping it', () => {
    const found = taskDefinitionReferences(
      { containerDefinitions: [{ name: 'app', credentialSpecs: ['credentialspec:arn:aws:ssm:us-east-1:1111:parameter/gmsa'] }] },
      CONTEXT,
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.parsed).toEqual({ error: expect.stringContaining('has an invalid account field "1111"') });
  });
});

describe('taskDefinitionReferences: managed secrets', () => {
  it('extracts an RDS master user secret from secrets, secretOptions and repositoryCredentials', () => {
    const definition: TaskDefinition = {
      containerDefinitions: [
        {
          name: 'api',
          secrets: [{ name: 'DB_PASSWORD', valueFrom: `${RDS_ARN}:password::` }],
          logConfiguration: { logDriver: 'splunk', secretOptions: [{ name: 'token', valueFrom: RDS_ARN }] },
          repositoryCredentials: { credentialsParameter: 'rds!db-3f8a2b1c-1234-4abc-9def-0123456789ab' },
        },
      ],
    };
    const found = taskDefinitionReferences(definition, CONTEXT);
    expect(found.map((reference) => ('error' in reference.parsed ? reference.parsed.error : reference.parsed.reference.kind))).toEqual([
      'secret',
      'secret',
      'secret',
    ]);
  });
});
