import type { MapDefinition, MapResource, MapTarget, SecretsMap } from './types.js';

/**
 * The secrets map for the terminal (`secret-refresh map` without `--json`): a summary that fits on one screen
 * first, then every finding with what to do, then each resource with the definitions that read it and the
 * services and jobs that run them, in aligned columns. Rendered from the same document as `--json` and the page.
 */
export function formatMap(map: SecretsMap): string {
  const { summary, settings } = map;
  const lines: string[] = [];
  const plural = (count: number, word: string, many = `${word}s`) => `${count} ${count === 1 ? word : many}`;
  lines.push(
    `secrets map · ${map.generatedAt} · account ${settings.homeAccount} · Regions ${summary.regions.join(', ')}`,
    `  resources   ${plural(summary.secrets, 'secret')}, ${plural(summary.parameters, 'parameter')}` +
      (summary.broken > 0 ? ` (${summary.broken} missing or scheduled for deletion)` : ''),
    `  readers     ${plural(summary.taskDefinitions, 'task definition')}, ${plural(summary.jobDefinitions, 'job definition')} → ` +
      `${plural(summary.services, 'service')}, ${plural(summary.jobs, 'running job')}`,
    `  staleness   ${summary.stale} stale, ${summary.fresh} fresh, ${summary.unknown} unknown`,
    `  findings    ${plural(summary.findings.error, 'error')}, ${plural(summary.findings.warning, 'warning')}, ${summary.findings.info} info`,
  );
  const targets = new Map(map.targets.map((target) => [target.arn, target]));
  const definitions = new Map(map.definitions.map((definition) => [definition.arn, definition]));
  if (map.findings.length > 0) {
    lines.push('', 'findings');
    const codeWidth = Math.max(...map.findings.map((finding) => finding.code.length));
    for (const finding of map.findings) {
      const indent = ' '.repeat(2 + 8 + 1 + codeWidth + 2);
      lines.push(`  ${finding.severity.toUpperCase().padEnd(8)} ${finding.code.padEnd(codeWidth)}  ${finding.message}`);
      lines.push(`${indent}→ ${finding.action}`);
      const affected =
        finding.targets.length > 0
          ? finding.targets.map((arn) => targetLabel(targets.get(arn), arn))
          : finding.definitions.map((arn) => definitions.get(arn)?.name ?? arn);
      if (affected.length > 0) {
        lines.push(`${indent}affects ${affected.slice(0, 5).join(', ')}${affected.length > 5 ? ` and ${affected.length - 5} more` : ''}`);
      }
    }
  }
  if (map.resources.length > 0) {
    lines.push('', 'who reads what');
    lines.push(...align(map.resources.flatMap((resource) => resourceRows(resource, definitions, targets))).map((line) => `  ${line}`.trimEnd()));
  } else {
    lines.push('', 'no task definition or job definition references a secret or parameter');
  }
  for (const warning of map.warnings) lines.push(`  warning: ${warning}`);
  if (summary.inventoryProblems > 0) {
    lines.push(
      `  INCOMPLETE: ${summary.inventoryProblems} thing(s) could not be read (the warnings above), so readers and findings behind them may be missing: this is not "all clear"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One row for the resource, one per use, one per target: cells are aligned across the whole table. */
function resourceRows(resource: MapResource, definitions: ReadonlyMap<string, MapDefinition>, targets: ReadonlyMap<string, MapTarget>): string[][] {
  const rows: string[][] = [
    [`${resource.kind} ${resource.name}`, resource.region, resource.status, resource.lastChanged ? `changed ${resource.lastChanged}` : resource.statusReason],
  ];
  const byDefinition = new Map<string, MapResource['uses'][number][]>();
  for (const use of resource.uses) byDefinition.set(use.definition, [...(byDefinition.get(use.definition) ?? []), use]);
  for (const [arn, uses] of byDefinition) {
    const definition = definitions.get(arn);
    for (const use of uses) {
      rows.push([`  ${definition?.name ?? arn}`, use.container, `${use.location}${use.name ? ` ${use.name}` : ''}`, use.pinLabel]);
    }
    for (const targetArn of definition?.targets ?? []) {
      const target = targets.get(targetArn);
      if (!target) continue;
      const wave = target.type === 'ecs-service' ? (target.wave === undefined ? 'wave last' : `wave ${target.wave}`) : `policy ${target.policy}`;
      rows.push([`    ${target.staleness.status.toUpperCase()} ${targetLabel(target, targetArn)}`, target.region, target.scope.status, wave]);
    }
  }
  return rows;
}

function targetLabel(target: MapTarget | undefined, arn: string): string {
  if (!target) return arn;
  return target.type === 'ecs-service' ? `${target.cluster}/${target.name}` : `job ${target.name} (${target.jobId})`;
}

/** Pads every column but the last to its widest cell. */
function align(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, cell.length);
  }
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  '));
}
