/**
 * Our EventBridge envelope (lib/changes/schemas/eventbridge.ts, zod/mini) against the one it replaces in the bundle,
 * Powertools' `EventBridgeSchema` (classic zod, still a dependency): both must accept and refuse the same events, so
 * that an upgrade of Powertools that changes the envelope shows up here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeSchema as PowertoolsEventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { describe, expect, it } from 'vitest';
import { EventBridgeSchema } from '../../../lib/changes/schemas/eventbridge.js';

const EVENTS_DIR = new URL('../../../events/', import.meta.url).pathname;
const samples = readdirSync(EVENTS_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Record<string, unknown> }))
  .filter(({ event }) => typeof event === 'object' && event !== null && 'detail-type' in event);

/** Every way of breaking one field of a valid envelope that the schema checks. */
const BREAKS: ReadonlyArray<[string, (event: Record<string, unknown>) => unknown]> = [
  ['no version', ({ version: _, ...rest }) => rest],
  ['numeric id', (event) => ({ ...event, id: 7 })],
  ['no source', ({ source: _, ...rest }) => rest],
  ['account as a number', (event) => ({ ...event, account: 123456789012 })],
  ['time not ISO-8601', (event) => ({ ...event, time: 'yesterday' })],
  ['time with an offset', (event) => ({ ...event, time: '2026-01-01T00:00:00+01:00' })],
  ['time with milliseconds', (event) => ({ ...event, time: '2026-01-01T00:00:00.123Z' })],
  ['no region', ({ region: _, ...rest }) => rest],
  ['resources not an array', (event) => ({ ...event, resources: 'arn' })],
  ['a resource not a string', (event) => ({ ...event, resources: [1] })],
  ['no detail-type', ({ 'detail-type': _, ...rest }) => rest],
  ['no detail', ({ detail: _, ...rest }) => rest],
  ['replay-name a number', (event) => ({ ...event, 'replay-name': 1 })],
  ['replay-name set', (event) => ({ ...event, 'replay-name': 'replay_archive' })],
  ['extra top-level field', (event) => ({ ...event, extra: true })],
];

describe('EventBridge envelope (zod/mini) against Powertools EventBridgeSchema', () => {
  it('has sample events to compare', () => {
    expect(samples.length).toBeGreaterThan(5);
  });

  it.each(samples)('accepts $file exactly as Powertools does, with the same output', ({ event }) => {
    const ours = EventBridgeSchema.safeParse(event);
    const theirs = PowertoolsEventBridgeSchema.safeParse(event);
    expect(ours.success).toBe(theirs.success);
    expect(ours.data).toEqual(theirs.data);
  });

  it.each(BREAKS)('%s: decided the same, at the same paths', (_, breakIt) => {
    for (const { event } of samples) {
      const broken = breakIt(event);
      const ours = EventBridgeSchema.safeParse(broken);
      const theirs = PowertoolsEventBridgeSchema.safeParse(broken);
      expect(ours.success).toBe(theirs.success);
      expect(ours.error?.issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual(
        theirs.error?.issues.map((issue) => [issue.path, issue.code, issue.message]),
      );
    }
  });

  it.each([null, 'event', 42, []])('refuses %j as Powertools does', (value) => {
    expect(EventBridgeSchema.safeParse(value).success).toBe(false);
    expect(EventBridgeSchema.safeParse(value).error?.issues[0]?.message).toBe(PowertoolsEventBridgeSchema.safeParse(value).error?.issues[0]?.message);
  });
});
