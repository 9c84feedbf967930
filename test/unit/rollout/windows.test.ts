import { describe, expect, it } from 'vitest';
import { nextOpening, parseSchedule, ScheduleSyntaxError, zonedInstant } from '../../../lib/rollout/windows.js';

const at = (iso: string) => new Date(iso);
const opening = (verdict: ReturnType<typeof nextOpening>) => (verdict.open ? 'open' : verdict.opensAt.toISOString());

describe('parseSchedule', () => {
  it('reads weekly windows with day ranges, lists and time zones, several separated by ;', () => {
    const schedule = parseSchedule('Mon-Fri 08:00-18:00 Europe/Berlin; Sat,Sun 10:00-12:00; Tue+Thu 22:00-02:00 America/New_York', 'W');
    expect(schedule.windows).toHaveLength(3);
    expect(schedule.windows[0]).toMatchObject({ type: 'weekly', start: 480, end: 1080, zone: 'Europe/Berlin' });
    expect(schedule.windows[1]).toMatchObject({ type: 'weekly', zone: 'UTC' });
    expect([...(schedule.windows[0] as unknown as { days: Set<number> }).days].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...(parseSchedule('Fri-Mon 00:00-24:00', 'W').windows[0] as unknown as { days: Set<number> }).days].sort()).toEqual([0, 1, 5, 6]);
  });

  it('reads date ranges and always', () => {
    expect(parseSchedule('2026-12-20..2027-01-03 Europe/Berlin', 'F').windows[0]).toEqual({
      type: 'dates',
      from: '2026-12-20',
      to: '2027-01-03',
      zone: 'Europe/Berlin',
    });
    expect(parseSchedule('always', 'T').windows[0]).toEqual({ type: 'always' });
  });

  it.each([
    ['Mon-Fri 8:00-18:00', 'has no time range "HH:MM-HH:MM" (got "8:00-18:00")'],
    ['Mo-Fr 08:00-18:00', 'has days "Mo-Fr"'],
    ['Mon 08:00-18:00 Mars/Olympus', 'names the time zone "Mars/Olympus", which is not an IANA time zone'],
    ['Mon 25:00-26:00', 'has a time that does not exist'],
    ['2026-02-30', 'names a date that does not exist'],
    ['2027-01-03..2026-12-20', 'ends before it starts'],
  ])('refuses "%s", saying what is wrong', (text, why) => {
    expect(() => parseSchedule(text, 'SECRET_REFRESH_WINDOWS')).toThrow(ScheduleSyntaxError);
    expect(() => parseSchedule(text, 'SECRET_REFRESH_WINDOWS')).toThrow(`SECRET_REFRESH_WINDOWS: "${text}" ${why}`);
  });
});

describe('zonedInstant (DST through Intl)', () => {
  it('maps a wall-clock time to its instant on both sides of a change', () => {
    expect(new Date(zonedInstant(Date.UTC(2026, 0, 15, 8, 0), 'Europe/Berlin')).toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(new Date(zonedInstant(Date.UTC(2026, 6, 15, 8, 0), 'Europe/Berlin')).toISOString()).toBe('2026-07-15T06:00:00.000Z');
    expect(new Date(zonedInstant(Date.UTC(2026, 6, 15, 8, 0), 'America/New_York')).toISOString()).toBe('2026-07-15T12:00:00.000Z');
  });

  it('moves a time skipped when clocks go forward by the gap, and takes the first of a time that happens twice', () => {
    expect(new Date(zonedInstant(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(zonedInstant(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });
});

describe('nextOpening', () => {
  const office = parseSchedule('Mon-Fri 08:00-18:00 Europe/Berlin', 'SECRET_REFRESH_WINDOWS');

  it('is open inside the window and says when it opens outside it (a Saturday → Monday 08:00 Berlin)', () => {
    expect(nextOpening([office], undefined, at('2026-12-07T12:00:00Z'))).toEqual({ open: true });
    expect(nextOpening([office], undefined, at('2026-12-05T12:00:00Z'))).toEqual({
      open: false,
      opensAt: at('2026-12-07T07:00:00.000Z'),
      reason: 'outside the maintenance window "Mon-Fri 08:00-18:00 Europe/Berlin"',
      found: true,
    });
  });

  it('follows the wall clock across daylight saving time: 08:00 Berlin is 07:00 UTC in winter, 06:00 UTC in summer', () => {
    // Friday 27 March 2026 after hours; clocks go forward on Sunday 29 March.
    expect(opening(nextOpening([office], undefined, at('2026-03-27T18:00:00Z')))).toBe('2026-03-30T06:00:00.000Z');
    expect(opening(nextOpening([office], undefined, at('2026-10-23T17:00:00Z')))).toBe('2026-10-26T07:00:00.000Z');
  });

  it('keeps a freeze closed and opens after it', () => {
    const freeze = parseSchedule('2026-12-07..2026-12-08 Europe/Berlin', 'SECRET_REFRESH_FREEZE');
    const verdict = nextOpening([office], freeze, at('2026-12-07T12:00:00Z'));
    expect(verdict).toMatchObject({ open: false, opensAt: at('2026-12-09T07:00:00.000Z'), reason: 'inside the freeze "2026-12-07..2026-12-08 Europe/Berlin"' });
  });

  it('opens when every service of the wave is in its window at once', () => {
    const evening = parseSchedule('daily 16:00-20:00 UTC', 'tag');
    expect(opening(nextOpening([office, evening], undefined, at('2026-12-07T10:00:00Z')))).toBe('2026-12-07T16:00:00.000Z');
    expect(nextOpening([office, undefined], undefined, at('2026-12-07T10:00:00Z'))).toEqual({ open: true });
  });

  it('runs a window past midnight into the next day', () => {
    const night = parseSchedule('Fri 22:00-02:00 America/New_York', 'W');
    expect(nextOpening([night], undefined, at('2026-12-05T05:00:00Z'))).toEqual({ open: true });
    expect(opening(nextOpening([night], undefined, at('2026-12-05T08:00:00Z')))).toBe('2026-12-12T03:00:00.000Z');
  });

  it('says so when nothing opens within the horizon, and looks again then', () => {
    const verdict = nextOpening([office], parseSchedule('2026-01-01..2027-12-31', 'F'), at('2026-12-07T12:00:00Z'));
    expect(verdict).toMatchObject({ open: false, found: false, opensAt: at('2027-01-11T12:00:00.000Z') });
    expect(verdict.open ? '' : verdict.reason).toMatch(/and no opening in the next 35 days \(looked again then\)$/);
  });
});
