import { describe, expect, it } from 'vitest';
import { memoizedMetadataDirectory } from '../../../lib/aws/metadata-directory.js';
import type { MetadataDirectory } from '../../../lib/changes/types.js';
import { DB_SECRET_ARN, dbSecret, FakeMetadataDirectory, ROTATION_VERSION } from '../changes/fake-metadata-directory.js';

describe('memoizedMetadataDirectory', () => {
  it('asks once per secret or parameter and Region, and gives every caller the same answer', async () => {
    const inner = new FakeMetadataDirectory([dbSecret({ [ROTATION_VERSION]: ['AWSCURRENT'] })], [{ name: '/demo/key', version: 3 }]);
    const directory = memoizedMetadataDirectory(inner);

    const [first, second] = await Promise.all([directory.describeSecret(DB_SECRET_ARN, 'us-east-1'), directory.describeSecret(DB_SECRET_ARN, 'us-east-1')]);
    await directory.describeSecret(DB_SECRET_ARN, 'us-west-2');
    await directory.describeParameter('/demo/key', 'us-east-1');
    await directory.describeParameter('/demo/key', 'us-east-1');

    expect(first).toBe(second);
    expect(first?.arn).toBe(DB_SECRET_ARN);
    expect(inner.calls).toEqual([
      { operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-east-1' },
      { operation: 'describeSecret', id: DB_SECRET_ARN, region: 'us-west-2' },
      { operation: 'describeParameter', id: '/demo/key', region: 'us-east-1' },
    ]);
  });

  it('keeps a failed look-up failed for the run (the second caller sees the same error, AWS is not asked again)', async () => {
    let calls = 0;
    const failing: MetadataDirectory = {
      describeSecret: () => {
        calls += 1;
        return Promise.reject(new Error('AccessDeniedException: not authorized'));
      },
      describeParameter: () => Promise.resolve(undefined),
    };
    const directory = memoizedMetadataDirectory(failing);
    await expect(directory.describeSecret('x', 'us-east-1')).rejects.toThrow('AccessDeniedException');
    await expect(directory.describeSecret('x', 'us-east-1')).rejects.toThrow('AccessDeniedException');
    expect(calls).toBe(1);
    expect(directory.resourceTags).toBeUndefined();
  });
});
