import { describe, expect, it } from 'vitest';
import { buildSecretsMap } from '../../../lib/map/build-map.js';
import { formatMap } from '../../../lib/map/format-map.js';
import { realisticMap } from '../../fixtures/map/realistic-map.js';
import { mapOptionsFor } from '../../support/map-inputs.js';

describe('formatMap', () => {
  it('starts with a summary that fits on one screen', () => {
    const map = realisticMap();
    const lines = formatMap(map).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'secrets map · 2026-12-01T12:00:00.000Z · account 111122223333 · Regions eu-west-1, us-east-1',
      `  resources   ${map.summary.secrets} secrets, ${map.summary.parameters} parameters (${map.summary.broken} missing or scheduled for deletion)`,
      `  readers     ${map.summary.taskDefinitions} task definitions, 1 job definition → ${map.summary.services} services, 1 running job`,
      `  staleness   ${map.summary.stale} stale, ${map.summary.fresh} fresh, ${map.summary.unknown} unknown`,
      `  findings    ${map.summary.findings.error} errors, ${map.summary.findings.warning} warnings, ${map.summary.findings.info} info`,
    ]);
  });

  it('lists every finding with its action and the readers it affects', () => {
    const map = realisticMap();
    const text = formatMap(map);
    for (const finding of map.findings) {
      expect(text).toContain(`${finding.severity.toUpperCase().padEnd(8)} ${finding.code}`);
      expect(text).toContain(`→ ${finding.action}`);
    }
    expect(text).toMatch(/ERROR {4}scheduled-for-deletion +secret demo\/payments\/api-key/);
    expect(text).toContain('affects job nightly-settlement-2026-12-01 (9b3f6a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b), prod-payments/payments-api');
  });

  it('shows each resource → definition → service in aligned columns', () => {
    const text = formatMap(realisticMap());
    const tree = text.slice(text.indexOf('who reads what\n') + 'who reads what\n'.length).split('\n');
    const resource = tree.find((line) => line.startsWith('  secret demo/orders/db-credentials '));
    const service = tree.find((line) => line.includes('STALE prod-orders/orders-api '));
    expect(resource).toBeDefined();
    expect(service).toBeDefined();
    // Region is the second column: it starts at the same offset on every row.
    expect(resource?.indexOf('us-east-1')).toBe(service?.indexOf('us-east-1'));
    expect(service).toMatch(/STALE prod-orders\/orders-api +us-east-1 +in-scope +wave 1$/);
    expect(tree).toContainEqual(expect.stringMatching(/^ {4}orders-worker:17 +app +secrets VALUE +staging label "AWSCURRENT" and version id 3f2b9c1e/));
  });

  it('ends with INCOMPLETE when something could not be read, and only then', () => {
    const incomplete = formatMap(
      buildSecretsMap({ services: [], metadata: [], problems: [{ region: 'eu-west-1', subject: 'ListClusters', message: 'AccessDenied' }] }, mapOptionsFor()),
    );
    expect(incomplete.trimEnd().split('\n').slice(-2)).toEqual([
      '  warning: inventory: eu-west-1 ListClusters: AccessDenied',
      '  INCOMPLETE: 1 thing(s) could not be read (the warnings above), so readers and findings behind them may be missing: this is not "all clear"',
    ]);
    expect(formatMap(realisticMap())).not.toContain('INCOMPLETE');
  });

  it('says so when nothing references a secret or parameter', () => {
    const text = formatMap(buildSecretsMap({ services: [], metadata: [] }, mapOptionsFor()));
    expect(text).toContain('\nno task definition or job definition references a secret or parameter\n');
    expect(text).not.toContain('findings\n');
  });
});
