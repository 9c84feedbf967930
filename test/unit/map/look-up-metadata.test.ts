import { describe, expect, it } from 'vitest';
import type { MetadataDirectory } from '../../../lib/changes/types.js';
import { buildSecretsMap } from '../../../lib/map/build-map.js';
import { lookUpMapMetadata } from '../../../lib/map/look-up-metadata.js';
import { ACCOUNT, mapOptionsFor, service } from '../../support/map-inputs.js';

const DB_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:demo/db-Ab12Cd`;

describe('lookUpMapMetadata', () => {
  it('asks DescribeSecret / DescribeParameters once per resource, then the other watched Regions for a missing name', async () => {
    const calls: string[] = [];
    // DescribeSecret knows the demo secret; DescribeParameters knows /shared/flag in eu-west-1 only.
    const directory: MetadataDirectory = {
      describeSecret: async (id, region) => {
        calls.push(`DescribeSecret ${region} ${id}`);
        return id === DB_ARN ? { arn: DB_ARN, name: 'demo/db', versionIdsToStages: {}, lastChangedDate: new Date('2026-11-30T10:00:00Z') } : undefined;
      },
      describeParameter: async (name, region) => {
        calls.push(`DescribeParameters ${region} ${name}`);
        return region === 'eu-west-1' && name === '/shared/flag' ? { name, version: 1 } : undefined;
      },
    };
    const inputs = { services: [service('api', [DB_ARN, '/shared/flag']), service('worker', [DB_ARN])] };
    const options = mapOptionsFor();
    const metadata = await lookUpMapMetadata(inputs, options, directory, 2);
    expect(calls).toEqual([`DescribeSecret us-east-1 ${DB_ARN}`, 'DescribeParameters us-east-1 /shared/flag', 'DescribeParameters eu-west-1 /shared/flag']);
    const map = buildSecretsMap({ ...inputs, metadata }, options);
    expect(map.findings.map((finding) => finding.code)).toEqual(['name-only-other-region']);
    expect(map.resources.find((resource) => resource.kind === 'secret')?.lastChanged).toBe('2026-11-30T10:00:00.000Z');
  });

  it('turns a failed look-up into an error answer the map reports, and keeps going', async () => {
    const failing: MetadataDirectory = {
      describeSecret: () =>
        Promise.reject(Object.assign(new Error('User is not authorized to perform secretsmanager:DescribeSecret'), { name: 'AccessDeniedException' })),
      describeParameter: () => Promise.resolve({ name: '/demo/flags', version: 4 }),
    };
    const metadata = await lookUpMapMetadata({ services: [service('api', [DB_ARN, '/demo/flags'])] }, mapOptionsFor(), failing);
    expect(metadata.map((answer) => answer.result.outcome)).toEqual(['error', 'parameter']);
    expect(metadata[0]?.result).toEqual({
      outcome: 'error',
      message: 'AccessDeniedException: User is not authorized to perform secretsmanager:DescribeSecret',
    });
  });
});
