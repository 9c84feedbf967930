/**
 * In-memory MetadataDirectory for unit tests: answers DescribeSecret by full ARN, partial ARN or name in the
 * secret's own Region (as the real API does), DescribeParameters by name, and records every call so tests can
 * assert how many were made.
 */
import { readFileSync } from 'node:fs';
import type { Change, MetadataDirectory, ParameterMetadata, SecretMetadata } from '../../../lib/changes/types.js';

/** One recorded look-up. */
export interface DirectoryCall {
  readonly operation: 'describeSecret' | 'describeParameter';
  readonly id: string;
  readonly region: string;
}

/** A MetadataDirectory backed by arrays, recording its calls. */
export class FakeMetadataDirectory implements MetadataDirectory {
  public readonly calls: DirectoryCall[] = [];

  public constructor(
    private readonly secrets: readonly SecretMetadata[] = [],
    private readonly parameters: readonly ParameterMetadata[] = [],
  ) {}

  public describeSecret(secretId: string, region: string): Promise<SecretMetadata | undefined> {
    this.calls.push({ operation: 'describeSecret', id: secretId, region });
    // Like DescribeSecret, a Region answers only for the secrets (primaries or replicas) that live in it.
    return Promise.resolve(
      this.secrets.find(
        (secret) => secret.arn.split(':')[3] === region && (secret.arn === secretId || secret.name === secretId || secret.arn.slice(0, -7) === secretId),
      ),
    );
  }

  public describeParameter(name: string, region: string): Promise<ParameterMetadata | undefined> {
    this.calls.push({ operation: 'describeParameter', id: name, region });
    return Promise.resolve(this.parameters.find((parameter) => parameter.name === name));
  }
}

/** The sample event `events/<file>` as parsed JSON (a fresh copy each time, safe to mutate). */
export function sampleEvent(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../events/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The secret of the README's story. */
export const DB_SECRET_NAME = 'demo/orders/db';
export const DB_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:demo/orders/db-Ab12Cd';
/** AWSCURRENT before the 10:00 rotation. */
export const PREVIOUS_VERSION = '8e1d4c7b-2a9f-4b3e-8c6d-5f0a1b2c3d4e';
/** Created by the 10:00 rotation (its token). */
export const ROTATION_VERSION = '3f2b9c1e-7d4a-4e8b-9a61-0c5d2e7f8a90';
/** Created by the manual PutSecretValue at 09:58. */
export const PUT_VERSION = 'c4d5e6f7-0a1b-4c2d-8e3f-9a0b1c2d3e4f';
/** Created by the UpdateSecret with a new value at 11:15. */
export const UPDATE_VERSION = 'e7f8a9b0-1c2d-4e3f-9a4b-5c6d7e8f9a0b';

/** The story's secret with the given version → stages map. */
export function dbSecret(versionIdsToStages: Record<string, string[]>, deletedDate?: Date): SecretMetadata {
  return {
    arn: DB_SECRET_ARN,
    name: DB_SECRET_NAME,
    versionIdsToStages,
    ...(deletedDate === undefined ? {} : { deletedDate }),
  };
}

/** A detected change of the demo secret: AWSCURRENT moved to {@link ROTATION_VERSION} (Secret Label Updated), with `overrides`. */
export function rotationChange(overrides: Partial<Change> = {}): Change {
  return {
    kind: 'secret',
    effect: 'new-current-value',
    reason: 'AWSCURRENT moved',
    partition: 'aws',
    region: 'us-east-1',
    account: '111122223333',
    name: 'demo/orders/db-credentials',
    arn: DB_SECRET_ARN,
    versionId: ROTATION_VERSION,
    labels: ['AWSCURRENT'],
    time: '2026-11-20T10:00:20Z',
    currentSince: '2026-11-20T10:00:20Z',
    origin: { channel: 'secretsmanager-native', eventName: 'Secret Label Updated' },
    warnings: [],
    ...overrides,
  };
}
