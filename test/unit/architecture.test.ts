/**
 * The shape the house rules promise, checked on the sources: one door to AWS (lib/aws), demo tooling out of the
 * product (demo/, outside lib/), and a pipeline that goes through each step's face.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|mjs)$/.test(file))
    .map((file) => join(folder, file));
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const imports = (file: string) => [...read(file).matchAll(/\bfrom '([^']+)'/g)].map((match) => match[1] ?? '');
const product = [...sources('lib'), ...sources('functions')];

describe('architecture', () => {
  it('talks to AWS only through lib/aws: no SDK client import and no send() anywhere else in the product', () => {
    const outside = product.filter((file) => !file.startsWith('lib/aws/'));
    const sdk = outside.filter((file) =>
      imports(file).some((from) => from.startsWith('@aws-sdk/client-') || from === '@aws-sdk/lib-dynamodb' || from.endsWith('idempotency/dynamodb')),
    );
    const sends = outside.filter((file) => /\.send\(/.test(read(file)));
    expect({ sdk, sends }).toEqual({ sdk: [], sends: [] });
    expect(outside.length).toBeGreaterThan(50);
  });

  it('keeps the demo and local tooling (demo/) out of every product import', () => {
    const importers = product.filter((file) => imports(file).some((from) => /(^|\/)demo\//.test(from)));
    expect(importers).toEqual([]);
  });

  it('composes the pipeline from the faces of the step folders', () => {
    const steps = imports('lib/pipeline/run-refresh.ts').filter((from) => /^\.\.\/(changes|inventory|plan|actions|report)\//.test(from));
    expect(steps.sort()).toEqual(['../actions/index.js', '../changes/index.js', '../inventory/index.js', '../plan/index.js', '../report/index.js']);
  });

  it("judges with the Plan's own rules: lib/map reaches lib/plan only through its face (no copied or private planner rule)", () => {
    const reaching = sources('lib/map').filter((file) => imports(file).some((from) => /^\.\.\/plan\/(?!index\.js$)/.test(from)));
    expect(reaching).toEqual([]);
    expect(sources('lib/map').some((file) => imports(file).includes('../plan/index.js'))).toBe(true);
  });

  it('keeps the handlers thin: functions/ import only the Lambda glue and middleware, never a step or lib/aws', () => {
    const reaching = sources('functions').filter((file) => imports(file).some((from) => /^\.\.\/lib\/(?!lambda\/)/.test(from)));
    expect(reaching.map((file) => relative(ROOT, join(ROOT, file)))).toEqual([]);
  });
});
