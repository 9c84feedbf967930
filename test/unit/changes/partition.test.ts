import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../../lib/changes/partition.js';

describe('partitionOf', () => {
  it('prefers the partition field of an ARN over the Region', () => {
    expect(partitionOf('arn:aws-iso:ssm:us-iso-east-1:111122223333:parameter/a', 'us-iso-east-1')).toBe('aws-iso');
  });

  it('falls back to the Region without an ARN', () => {
    expect(partitionOf(undefined, 'cn-north-1')).toBe('aws-cn');
  });
});
