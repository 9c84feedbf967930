import { describe, expect, it } from 'vitest';
import { globMatches, scopeReason } from '../../../lib/plan/scope.js';

describe('globMatches', () => {
  it.each([
    ['prod-*', 'prod-eu', true],
    ['prod-*', 'prod-', true],
    ['prod-*', 'preprod-eu', false],
    ['prod-?', 'prod-1', true],
    ['prod-?', 'prod-12', false],
    ['orders', 'orders', true],
    ['orders', 'orders-v2', false],
    ['*', 'anything', true],
    ['a.b', 'axb', false],
  ])('%s against %s → %s (whole name, * and ? only)', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });
});

describe('scopeReason', () => {
  it('puts every cluster in scope without a scope, or with empty lists', () => {
    expect(scopeReason('orders', undefined)).toBeUndefined();
    expect(scopeReason('orders', { include: [], exclude: [], optIn: false })).toBeUndefined();
  });

  it('keeps a cluster that an include pattern matches', () => {
    expect(scopeReason('prod-eu', { include: ['staging', 'prod-*'], exclude: [], optIn: false })).toBeUndefined();
  });

  it('names the include list when no pattern matches', () => {
    expect(scopeReason('staging', { include: ['prod-*', 'orders'], exclude: [], optIn: false })).toBe(
      'cluster staging is not in SECRET_REFRESH_CLUSTERS_INCLUDE (prod-*, orders)',
    );
  });

  it('names the exclude pattern that matched, and lets it win over include', () => {
    expect(scopeReason('prod-eu', { include: ['prod-*'], exclude: ['dev', 'prod-e?'], optIn: false })).toBe(
      'cluster prod-eu is excluded by SECRET_REFRESH_CLUSTERS_EXCLUDE (prod-e?)',
    );
  });
});
