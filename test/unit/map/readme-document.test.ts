import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAP_FORMAT } from '../../../lib/map/types.js';
import { realisticMap } from '../../fixtures/map/realistic-map.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The JSON example of the README's "Secrets map" section (abridged: one object of each kind). */
function readmeDocument(): Record<string, unknown> {
  const section = README.slice(README.indexOf('\n## Secrets map\n'), README.indexOf('\n## ', README.indexOf('\n## Secrets map\n') + 1));
  const start = section.indexOf('```json\n') + '```json\n'.length;
  return JSON.parse(section.slice(start, section.indexOf('\n```', start))) as Record<string, unknown>;
}

const keys = (value: unknown) => Object.keys(value as object).sort();

/** Every key the objects have somewhere, and the keys every one of them has. */
function keysOf(objects: readonly object[]): { seen: string[]; always: string[] } {
  const all = objects.map((object) => Object.keys(object));
  const seen = [...new Set(all.flat())].sort();
  return { seen, always: seen.filter((key) => all.every((list) => list.includes(key))) };
}

describe("the README's JSON example of the secrets map", () => {
  const example = readmeDocument();
  const map = realisticMap();

  it('has the top level, settings and summary of the document, field for field', () => {
    expect(example.format).toBe(MAP_FORMAT);
    expect(keys(example)).toEqual(keys(map));
    expect(keys(example.settings)).toEqual(keys(map.settings));
    expect(keys(example.summary)).toEqual(keys(map.summary));
    expect(keys((example.summary as { findings: object }).findings)).toEqual(keys(map.summary.findings));
  });

  it.each([
    ['resources', map.resources],
    ['definitions', map.definitions],
    ['targets', map.targets.filter((target) => target.type === 'ecs-service')],
    ['findings', map.findings],
  ] as const)('shows %s with the fields every one has, and no field the document never has', (name, objects) => {
    const [shown] = example[name] as object[];
    const { seen, always } = keysOf(objects);
    expect(keys(shown).filter((key) => !seen.includes(key))).toEqual([]);
    expect(always.filter((key) => !keys(shown).includes(key))).toEqual([]);
  });

  it('shows a use of a resource with the fields every use has', () => {
    const [resource] = example.resources as { uses: object[] }[];
    const { seen, always } = keysOf(map.resources.flatMap((candidate) => candidate.uses));
    const shown = keys(resource?.uses[0]);
    expect(shown.filter((key) => !seen.includes(key))).toEqual([]);
    expect(always.filter((key) => !shown.includes(key))).toEqual([]);
  });
});
