import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../../lib/cli/main.js';
import { loadConfig } from '../../../lib/config/config.js';
import { SDK_VARIABLES, SETTINGS } from '../../../lib/config/settings.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const SERVERLESS = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');
const PARAMS = readFileSync(new URL('../../../params.yml', import.meta.url), 'utf8');

/** The rows of the README's configuration table: `| \`NAME\` | meaning | default |`. */
function readmeRows(): { env: string; meaning: string; default: string }[] {
  const section = README.slice(README.indexOf('\n## Configuration\n'));
  const table = section.slice(section.indexOf('| variable | meaning | default |'));
  const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
  return rows.map((row) => {
    const [, env = '', meaning = '', fallback = ''] = /^\| `([A-Z0-9_]+)` \| (.*) \| (.*) \|$/.exec(row) ?? [];
    return { env, meaning, default: fallback };
  });
}

/** `NAME: value` lines of serverless.yml's `provider.environment`. */
function deployedEnvironment(): Map<string, string> {
  const block = SERVERLESS.slice(SERVERLESS.indexOf('\n  environment:\n') + 1);
  const lines = block.split('\n').slice(1);
  const entries = new Map<string, string>();
  for (const line of lines) {
    const match = /^ {4}([A-Z0-9_]+): (.*?)(\s+#.*)?$/.exec(line);
    if (!match) break;
    entries.set(match[1] ?? '', match[2] ?? '');
  }
  return entries;
}

/** `name: 'value'` lines of params.yml's `default` section. */
function paramDefaults(): Map<string, string> {
  const block = PARAMS.slice(PARAMS.indexOf('\ndefault:\n') + '\ndefault:\n'.length);
  const entries = new Map<string, string>();
  for (const line of block.split('\n')) {
    const match = /^ {2}([A-Za-z]+): '([^']*)'(\s+#.*)?$/.exec(line);
    if (!match) break;
    entries.set(match[1] ?? '', match[2] ?? '');
  }
  return entries;
}

describe('the settings table', () => {
  it('is the README configuration table, row by row: name, meaning and default', () => {
    const [region, ...others] = SETTINGS.map((row) => ({ env: row.env, meaning: row.meaning, default: row.default }));
    const sdk = SDK_VARIABLES.map((row) => ({ env: row.env, meaning: row.meaning, default: row.default }));
    expect(readmeRows()).toEqual([region, ...sdk, ...others]);
  });

  it('sets each Config field from exactly one variable, and names each variable once', () => {
    expect(new Set(SETTINGS.map((row) => row.field)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((row) => row.env)).size).toBe(SETTINGS.length);
    expect(SETTINGS.every((row) => row.env === 'AWS_REGION' || row.env.startsWith('SECRET_REFRESH_'))).toBe(true);
  });

  it('is what serverless.yml passes to the functions: a stage parameter named like the field, or the stack', () => {
    const deployed = deployedEnvironment();
    for (const row of SETTINGS) {
      const line = deployed.get(row.env);
      if (row.deployment.from === 'none') expect(line, row.env).toBeUndefined();
      // A table name (plain, so the stack's name is known offline) or a resource of the stack (the queue URL).
      if (row.deployment.from === 'stack') expect(line, row.env).toMatch(/^(\$\{self:custom\.[A-Za-z]+\}|!Ref [A-Za-z]+)$/);
      if (row.deployment.from === 'param') expect(line, row.env).toBe(`\${param:${row.field}}`);
    }
    const unknown = [...deployed.keys()].filter((name) => name.startsWith('SECRET_REFRESH_') && !SETTINGS.some((row) => row.env === name));
    expect(unknown).toEqual([]);
    expect([...deployed.values()].filter((value) => value.includes('${env:'))).toEqual([]);
    expect(SERVERLESS).toContain('\nparams: ${file(./params.yml)}\n');
  });

  it("is params.yml's default section: every deployed setting's default, a value its parser accepts, and nothing else", () => {
    const defaults = paramDefaults();
    const deployed = SETTINGS.filter((row) => row.deployment.from === 'param');
    expect([...defaults.keys()].sort()).toEqual(deployed.map((row) => row.field).sort());
    for (const row of deployed) {
      const fallback = row.deployment.from === 'param' ? row.deployment.fallback : '';
      expect(defaults.get(row.field), row.field).toBe(fallback);
      expect(row.parse.safeParse(fallback).success, `${row.env} default`).toBe(true);
    }
  });

  it('gives loadConfig every field it reads, and the CLI help every variable', () => {
    const config = loadConfig({ AWS_REGION: 'us-east-1', SECRET_REFRESH_EVENT_BUS: 'default', SECRET_REFRESH_ACCOUNT_ID: '111122223333' });
    expect(config.regions).toEqual(['us-east-1']);
    expect(config.eventBus).toBe('default');
    for (const row of [...SETTINGS, ...SDK_VARIABLES]) expect(USAGE).toContain(`  ${row.env} `);
    expect(USAGE).toContain('SECRET_REFRESH_CONCURRENCY                    parallel Describe*/UpdateService calls (1–50) (default: 5)');
    expect(USAGE).toContain('AWS_REGION                                    home Region (set by Lambda) (required)');
  });
});
