/**
 * Maintenance windows and freezes: a pure parser of their syntax and the "is it open, and when does it open next"
 * arithmetic, in real time zones (Intl, so daylight saving time moves the windows with the wall clock).
 *
 * Syntax (README, "Maintenance windows"): a schedule is one or more windows separated by `;`:
 * - `<days> <HH:MM>-<HH:MM> [<time zone>]`: e.g. `Mon-Fri 08:00-18:00 Europe/Berlin`. `<days>` is `daily`, a day
 *   (`Mon`…`Sun`), a range (`Mon-Fri`, `Fri-Mon` wraps) or a list of them (`Mon,Wed,Fri`; `Mon+Wed+Fri` in a tag,
 *   where commas are not allowed). An end at or before the start runs past midnight (`Fri 22:00-02:00`); `24:00` is
 *   the end of the day.
 * - `<YYYY-MM-DD>[..<YYYY-MM-DD>] [<time zone>]`: whole days, both ends included (freezes: `2026-12-20..2027-01-03`).
 * - `always`: open all the time (a service's tag `secret-refresh:window=always` ignores SECRET_REFRESH_WINDOWS).
 * The time zone is an IANA name (`Europe/Berlin`, `America/New_York`) or `UTC` (the default).
 */
import { InvalidInputError } from '../errors.js';

/** A schedule could not be read: the message names the text and what is expected. */
export class ScheduleSyntaxError extends InvalidInputError {}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** One window of a schedule, as parsed. */
export type ScheduleWindow =
  | { readonly type: 'always' }
  | { readonly type: 'weekly'; readonly days: ReadonlySet<number>; readonly start: number; readonly end: number; readonly zone: string }
  | { readonly type: 'dates'; readonly from: string; readonly to: string; readonly zone: string };

/** A parsed schedule: the windows of `SECRET_REFRESH_WINDOWS`, `SECRET_REFRESH_FREEZE` or a `secret-refresh:window` tag. */
export interface Schedule {
  readonly text: string;
  readonly windows: readonly ScheduleWindow[];
}

/**
 * Parses a schedule (syntax: this module's comment).
 *
 * @throws {ScheduleSyntaxError} naming `what` (the setting or tag), the piece that is wrong and an example.
 * @example
 * parseSchedule('Mon-Fri 08:00-18:00 Europe/Berlin; Sat 10:00-12:00', 'SECRET_REFRESH_WINDOWS')
 */
export function parseSchedule(text: string, what: string): Schedule {
  const pieces = text
    .split(';')
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
  if (pieces.length === 0) throw new ScheduleSyntaxError(`${what} is empty: write e.g. "Mon-Fri 08:00-18:00 Europe/Berlin"`);
  return { text: text.trim(), windows: pieces.map((piece) => parseWindow(piece, what)) };
}

function parseWindow(piece: string, what: string): ScheduleWindow {
  const words = piece.split(/\s+/);
  const wrong = (why: string) =>
    new ScheduleSyntaxError(
      `${what}: "${piece}" ${why}; write "<days> <HH:MM>-<HH:MM> [<time zone>]" (e.g. "Mon-Fri 08:00-18:00 Europe/Berlin"), "<YYYY-MM-DD>..<YYYY-MM-DD> [<time zone>]" or "always"`,
    );
  if (words.length === 1 && words[0]?.toLowerCase() === 'always') return { type: 'always' };
  const [first = '', second, third, ...rest] = words;
  const dates = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/.exec(first);
  if (dates) {
    if (third !== undefined) throw wrong('has too many parts');
    const from = dates[1] as string;
    const to = dates[2] ?? from;
    if (!validDate(from) || !validDate(to)) throw wrong('names a date that does not exist');
    if (to < from) throw wrong('ends before it starts');
    return { type: 'dates', from, to, zone: zoneOf(second, wrong) };
  }
  if (second === undefined) throw wrong('has no time range');
  if (rest.length > 0) throw wrong('has too many parts');
  const times = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(second);
  if (!times) throw wrong(`has no time range "HH:MM-HH:MM" (got "${second}")`);
  const [start, end] = [minutes(times[1], times[2]), minutes(times[3], times[4])];
  if (start === undefined || end === undefined || start >= 24 * 60) throw wrong('has a time that does not exist (00:00 to 24:00)');
  if (start === end) throw wrong('starts and ends at the same time');
  return { type: 'weekly', days: parseDays(first, wrong), start, end, zone: zoneOf(third, wrong) };
}

function parseDays(text: string, wrong: (why: string) => Error): Set<number> {
  if (text.toLowerCase() === 'daily') return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const item of text.toLowerCase().split(/[,+]/)) {
    const [from, to, extra] = item.split('-');
    const a = DAYS.indexOf((from ?? '') as (typeof DAYS)[number]);
    const b = to === undefined ? a : DAYS.indexOf(to as (typeof DAYS)[number]);
    if (a < 0 || b < 0 || extra !== undefined) throw wrong(`has days "${text}" (write daily, Mon, Mon-Fri or Mon,Wed,Fri)`);
    for (let day = a; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === b) break;
    }
  }
  return days;
}

function minutes(hours: string | undefined, mins: string | undefined): number | undefined {
  const [h, m] = [Number(hours), Number(mins)];
  if (m > 59 || h > 24 || (h === 24 && m > 0)) return undefined;
  return h * 60 + m;
}

function validDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(y, m - 1, d));
  return parsed.getUTCFullYear() === y && parsed.getUTCMonth() === m - 1 && parsed.getUTCDate() === d;
}

function zoneOf(name: string | undefined, wrong: (why: string) => Error): string {
  if (name === undefined || name.toUpperCase() === 'UTC') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    throw wrong(`names the time zone "${name}", which is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
  }
}

/** An interval of time, [start, end) in epoch milliseconds. */
export type Interval = readonly [number, number];

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let existing = formatters.get(zone);
  if (!existing) {
    existing = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, existing);
  }
  return existing;
}

/** The wall clock of `zone` at `instant`, as if it were UTC (epoch ms). */
function wallClock(instant: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
}

/**
 * The instant at which the wall clock of `zone` shows `local` (a wall-clock time written as UTC epoch ms). A time
 * that does not exist (the hour skipped when clocks go forward) is moved forward by the gap; a time that exists
 * twice (clocks go back) is its first occurrence.
 */
export function zonedInstant(local: number, zone: string): number {
  const offset = (instant: number) => wallClock(instant, zone) - Math.floor(instant / 1000) * 1000;
  // The offsets a day before and a day after: a transition near `local` lies between them.
  const before = local - offset(local - DAY_MS);
  const after = local - offset(local + DAY_MS);
  const valid = [before, after].filter((candidate) => wallClock(candidate, zone) === local);
  // In a gap neither shows `local`: the offset before the gap moves it forward by the gap.
  return valid.length > 0 ? Math.min(...valid) : before;
}

/** The open intervals of `window` that touch [from, to). */
function windowIntervals(window: ScheduleWindow, from: number, to: number): Interval[] {
  if (window.type === 'always') return [[from, to]];
  const zone = window.zone;
  const today = wallClock(from, zone);
  const firstDay = Date.UTC(new Date(today).getUTCFullYear(), new Date(today).getUTCMonth(), new Date(today).getUTCDate()) - DAY_MS;
  const intervals: Interval[] = [];
  if (window.type === 'dates') {
    const [y1, m1, d1] = window.from.split('-').map(Number) as [number, number, number];
    const [y2, m2, d2] = window.to.split('-').map(Number) as [number, number, number];
    const start = zonedInstant(Date.UTC(y1, m1 - 1, d1), zone);
    const end = zonedInstant(Date.UTC(y2, m2 - 1, d2 + 1), zone);
    return end > from && start < to ? [[start, end]] : [];
  }
  for (let day = firstDay; ; day += DAY_MS) {
    const start = zonedInstant(day + window.start * 60_000, zone);
    if (start >= to) break;
    if (!window.days.has(new Date(day).getUTCDay())) continue;
    const endDay = window.end <= window.start ? day + DAY_MS : day;
    const end = zonedInstant(endDay + window.end * 60_000, zone);
    if (end > from) intervals.push([start, end]);
  }
  return intervals;
}

/** The open intervals of `schedule` within [from, to), sorted and merged. */
export function scheduleIntervals(schedule: Schedule, from: number, to: number): Interval[] {
  return merge(schedule.windows.flatMap((window) => windowIntervals(window, from, to)));
}

function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [s1, e1] of a) for (const [s2, e2] of b) if (Math.max(s1, s2) < Math.min(e1, e2)) out.push([Math.max(s1, s2), Math.min(e1, e2)]);
  return merge(out);
}

function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let result = [...a];
  for (const [s, e] of b) {
    result = result.flatMap(([start, end]): Interval[] => {
      if (e <= start || s >= end) return [[start, end]];
      return [...(s > start ? [[start, s] as Interval] : []), ...(e < end ? [[e, end] as Interval] : [])];
    });
  }
  return result;
}

/** How far ahead {@link nextOpening} looks. */
export const OPENING_HORIZON_DAYS = 35;

/** Where a rollout stands with the windows: open now, or closed until `opensAt` (and why). */
export type WindowVerdict = { readonly open: true } | { readonly open: false; readonly opensAt: Date; readonly reason: string; readonly found: boolean };

/**
 * Whether deployments may start at `at` for services whose windows are `windows` (one schedule per service; `undefined`
 * = no window: always open), outside every `freeze`: when all of them are open at once and no freeze holds. When they
 * are not, `opensAt` is the next moment they are, within {@link OPENING_HORIZON_DAYS} (`found: false` when there is
 * none: the rollout then looks again at the horizon, and says so).
 *
 * @example
 * nextOpening([parseSchedule('Mon-Fri 08:00-18:00 Europe/Berlin', 'w')], undefined, new Date('2026-12-05T12:00:00Z'))
 * // → { open: false, opensAt: 2026-12-07T07:00:00.000Z, … } (a Saturday; Monday 08:00 in Berlin is 07:00 UTC)
 */
export function nextOpening(windows: readonly (Schedule | undefined)[], freeze: Schedule | undefined, at: Date): WindowVerdict {
  const from = at.getTime();
  const to = from + OPENING_HORIZON_DAYS * DAY_MS;
  let open: Interval[] = [[from, to]];
  for (const schedule of windows) if (schedule) open = intersect(open, scheduleIntervals(schedule, from, to));
  if (freeze) open = subtract(open, scheduleIntervals(freeze, from, to));
  const next = open.find(([, end]) => end > from);
  if (next && next[0] <= from) return { open: true };
  const texts = [...new Set(windows.filter((schedule) => schedule !== undefined).map((schedule) => schedule.text))];
  const frozen = freeze && scheduleIntervals(freeze, from, from + 1).length > 0;
  const reason = frozen ? `inside the freeze "${freeze.text}"` : `outside the maintenance window${texts.length > 1 ? 's' : ''} "${texts.join('" and "')}"`;
  if (next) return { open: false, opensAt: new Date(next[0]), reason, found: true };
  return {
    open: false,
    opensAt: new Date(to),
    reason: `${reason}, and no opening in the next ${OPENING_HORIZON_DAYS} days (looked again then)`,
    found: false,
  };
}
