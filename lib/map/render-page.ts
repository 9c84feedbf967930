import { createHash } from 'node:crypto';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-assets.js';
import type { MapFinding, MapTarget, SecretsMap } from './types.js';

/**
 * The secrets map as one self-contained HTML page (`secret-refresh map --html FILE`, the audit's S3 copy): a summary,
 * the findings, a searchable and sortable table of readers and a graph resource → definitions → services and jobs for
 * the selected resource. Everything is inline (style, script, the JSON document itself) and the page makes no
 * request of any kind, so it reads offline and as an e-mail attachment; the summary and findings are plain HTML and
 * read even where scripts do not run.
 *
 * Names come from AWS and may contain any character: the static parts are HTML-escaped, the document is embedded as
 * JSON with `<`, `>`, `&` and the line separators escaped (so neither `</script>` nor `<!--` can end or alter the
 * data block), the script writes text only through `textContent`, and a Content-Security-Policy allows nothing
 * but the page's own style and script (by hash) to load or run.
 *
 * @example
 * await writeFile('map.html', renderMapPage(buildSecretsMap(inputs, options)));
 */
export function renderMapPage(map: SecretsMap): string {
  const csp = [
    "default-src 'none'",
    `script-src '${sha256(PAGE_SCRIPT)}'`,
    `style-src '${sha256(PAGE_STYLE)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const { summary, settings } = map;
  const names = new Map(map.targets.map((target) => [target.arn, targetName(target)]));
  const definitionNames = new Map(map.definitions.map((definition) => [definition.arn, definition.name]));
  const card = (value: number, label: string, className = '') => `<li${className ? ` class="${className}"` : ''}><b>${value}</b>${escapeHtml(label)}</li>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>secret-refresh · secrets map · ${escapeHtml(map.generatedAt)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>Secrets map</h1>
<p class="meta">Generated ${escapeHtml(map.generatedAt)} · account ${escapeHtml(settings.homeAccount)} · Regions ${escapeHtml(summary.regions.join(', '))} · format <code>${escapeHtml(map.format)}</code></p>
</header>
<main>
<section id="summary" aria-label="Summary">
<h2>Summary</h2>
${summary.inventoryProblems > 0 ? `<p id="incomplete" class="incomplete">Incomplete: ${summary.inventoryProblems} thing(s) could not be read (see the warnings), so readers and findings behind them may be missing. This is not “all clear”.</p>\n` : ''}<ul class="cards">
${card(summary.secrets, 'secrets')}
${card(summary.parameters, 'parameters')}
${card(summary.broken, 'missing or being deleted', summary.broken > 0 ? 'error' : '')}
${card(summary.taskDefinitions, 'task definitions')}
${card(summary.jobDefinitions, 'job definitions')}
${card(summary.services, 'services')}
${card(summary.jobs, 'running jobs')}
${card(summary.stale, 'stale', summary.stale > 0 ? 'stale' : '')}
${card(summary.fresh, 'fresh')}
${card(summary.unknown, 'unknown')}
${card(summary.findings.error, 'errors', summary.findings.error > 0 ? 'error' : '')}
${card(summary.findings.warning, 'warnings', summary.findings.warning > 0 ? 'warning' : '')}
${card(summary.findings.info, 'info')}
</ul>
<p class="meta">Watched Regions ${escapeHtml(settings.watchedRegions.join(', '))} · SECRET_REFRESH_MAX_TARGETS ${settings.maxTargets} · mode ${escapeHtml(settings.mode)}${settings.clustersInclude.length ? ` · clusters ${escapeHtml(settings.clustersInclude.join(', '))}` : ''}${settings.clustersExclude.length ? ` · excluded ${escapeHtml(settings.clustersExclude.join(', '))}` : ''}</p>
</section>
<section id="findings" aria-label="Findings">
<h2>Findings (${map.findings.length})</h2>
${map.findings.length === 0 ? '<p class="meta">Nothing to report.</p>' : findingsTable(map.findings, names, definitionNames)}
${map.warnings.length > 0 ? `<h2>Warnings (${map.warnings.length})</h2>\n<ul id="warnings">${map.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul>` : ''}
</section>
<section id="graph-section" aria-label="Graph">
<h2>Who reads it</h2>
<div class="controls"><label>Secret or parameter <select id="resource-select"></select></label></div>
<div id="graph"></div>
</section>
<section id="readers" aria-label="Readers">
<h2>Readers</h2>
<div class="controls"><input id="search" type="search" placeholder="Filter: name, Region, service, status…" aria-label="Filter the table"><span id="row-count"></span></div>
<table id="readers-table"><thead><tr></tr></thead><tbody></tbody></table>
</section>
<noscript><section><p>The table and the graph need JavaScript. The whole map is embedded in this file as JSON (<code>secret-refresh map --json</code> prints the same document).</p></section></noscript>
</main>
<script type="application/json" id="secrets-map">${embedJson(map)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026` (JSON.parse
 * reads them back), so no `</script>`, `<!--` or `]]>` can appear; U+2028/U+2029 are escaped for old parsers.
 * @internal
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for HTML content or a quoted attribute. @internal */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function findingsTable(findings: readonly MapFinding[], names: ReadonlyMap<string, string>, definitionNames: ReadonlyMap<string, string>): string {
  const affected = (finding: MapFinding) => {
    const list =
      finding.targets.length > 0 ? finding.targets.map((arn) => names.get(arn) ?? arn) : finding.definitions.map((arn) => definitionNames.get(arn) ?? arn);
    const shown = list.slice(0, 6).map(escapeHtml).join(', ');
    return list.length > 6 ? `${shown} and ${list.length - 6} more` : shown || '–';
  };
  const rows = findings.map(
    (finding) =>
      `<tr class="finding" data-code="${escapeHtml(finding.code)}"><td><span class="badge sev-${finding.severity}">${finding.severity}</span></td>` +
      `<td><code>${escapeHtml(finding.code)}</code></td>` +
      `<td>${escapeHtml(finding.message)}<div class="action">→ ${escapeHtml(finding.action)}</div></td>` +
      `<td class="mono">${affected(finding)}</td></tr>`,
  );
  return `<table id="findings-table"><thead><tr><th>Severity</th><th>Code</th><th>What and what to do</th><th>Affected</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function targetName(target: MapTarget): string {
  return target.type === 'ecs-service' ? `${target.cluster}/${target.name}` : `${target.name} (${target.jobId})`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
