import { describe, expect, it } from 'vitest';
import { startedSince } from '../../../lib/plan/freshness.js';

describe('startedSince (the already-fresh rule)', () => {
  it('is false within the second of a whole-second change time: the change may have come later in that second', () => {
    for (const started of ['2026-11-20T10:00:20.000Z', '2026-11-20T10:00:20.001Z', '2026-11-20T10:00:20.999Z']) {
      expect(startedSince(started, '2026-11-20T10:00:20Z'), started).toBe(false);
    }
  });

  it('is true from the next second of a whole-second change time on', () => {
    expect(startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20Z')).toBe(true);
    expect(startedSince(new Date('2026-11-20T10:05:00.000Z'), '2026-11-20T10:00:20Z')).toBe(true);
  });

  it('is never fresh when a moment cannot be read: the service is acted on rather than left stale', () => {
    expect(startedSince('not a date', '2026-11-20T10:00:20Z')).toBe(false);
    expect(startedSince('2026-11-20T10:05:00.000Z', 'not a date')).toBe(false);
    expect(startedSince(new Date(Number.NaN), '2026-11-20T10:00:20Z')).toBe(false);
  });

  it('is false before the change', () => {
    expect(startedSince('2026-11-20T10:00:19.999Z', '2026-11-20T10:00:20Z')).toBe(false);
  });

  it('compares a change time with a fraction at its whole second too: the fraction comes from another clock', () => {
    expect(startedSince('2026-11-20T10:00:20.501Z', '2026-11-20T10:00:20.500Z')).toBe(false);
    expect(startedSince('2026-11-20T10:00:20.999Z', '2026-11-20T10:00:20.000Z')).toBe(false);
    expect(startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20.999Z')).toBe(true);
    // Finer fractions than a Date holds change nothing.
    expect(startedSince('2026-11-20T10:00:21.000Z', '2026-11-20T10:00:20.123456Z')).toBe(true);
    expect(startedSince('2026-11-20T10:00:20.124Z', '2026-11-20T10:00:20.123456Z')).toBe(false);
  });

  it('compares whole seconds in any offset', () => {
    expect(startedSince('2026-11-20T09:00:20.700Z', '2026-11-20T10:00:20+01:00')).toBe(false);
    expect(startedSince('2026-11-20T09:00:21.000Z', '2026-11-20T10:00:20+01:00')).toBe(true);
  });
});
