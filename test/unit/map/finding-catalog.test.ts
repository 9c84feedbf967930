import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINDING_CATALOG } from '../../../lib/map/finding-catalog.js';
import type { ReferenceNote } from '../../../lib/references/types.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** `code → severity` from the findings table of the README's "Secrets map" section. */
function readmeFindings(): Map<string, string> {
  const section = README.slice(README.indexOf('## Secrets map'), README.indexOf('\n## ', README.indexOf('## Secrets map') + 1));
  const table = section.slice(section.indexOf('| code | severity | meaning | what to do |'));
  const rows = [...table.matchAll(/^\| `([a-z-]+)` \| (error|warning|info) \|/gm)];
  return new Map(rows.map((row) => [row[1] ?? '', row[2] ?? '']));
}

describe('the findings table', () => {
  it('the README documents every finding code with the severity the map gives it, and no other', () => {
    const documented = readmeFindings();
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(Object.entries(FINDING_CATALOG).map(([code, kind]) => [code, kind.severity])));
  });

  it('every note the reference parser can give is a finding code', () => {
    const notes: Record<ReferenceNote['code'], true> = {
      'cross-region': true,
      'cross-account': true,
      'awspending-pin': true,
      'secret-name-in-secrets': true,
      'invalid-parameter-name': true,
      'double-slash-arn': true,
      'ssm-selector': true,
      'stage-and-version-pin': true,
      'ambiguous-selector': true,
    };
    for (const code of Object.keys(notes)) expect(FINDING_CATALOG).toHaveProperty([code]);
  });
});
