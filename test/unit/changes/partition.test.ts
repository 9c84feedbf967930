import { describe, expect, it } from 'vitest';
import { partitionOf, partitionOfRegion } from '../../../lib/changes/partition.js';

describe('partitionOfRegion', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-3', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
  ])('maps %s to %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });
});

describe('partitionOf', () => {
  it('prefers the partition field of an ARN over the Region', () => {
    expect(partitionOf('arn:aws-iso:ssm:us-iso-east-1:111122223333:parameter/a', 'us-iso-east-1')).toBe('aws-iso');
  });

  it('falls back to the Region without an ARN', () => {
    expect(partitionOf(undefined, 'cn-north-1')).toBe('aws-cn');
  });
});
