import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench/results/latest.md: one section per benchmark, each between its own markers, so each bench rewrites only its own. */
export const RESULTS_FILE = fileURLToPath(new URL('./results/latest.md', import.meta.url));

const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

/**
 * Writes `markdown` as the section `name` of the results file, replacing that section and keeping the others. Text
 * outside any marker (a results file from before sections) is taken as the `discovery` section.
 */
export function writeResultsSection(name: 'discovery' | 'burst' | 'cold-start' | 'pacing' | 'index' | 'scan', markdown: string): void {
  const sections = new Map<string, string>();
  const text = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '';
  const pattern = /<!-- bench:([\w-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g;
  for (const match of text.matchAll(pattern)) sections.set(match[1] as string, match[2] as string);
  const outside = text.replace(pattern, '').trim();
  if (outside.length > 0 && !sections.has('discovery')) sections.set('discovery', outside);
  sections.set(name, markdown.trim());
  const order = ['index', 'burst', 'discovery', 'pacing', 'cold-start'].filter((section) => sections.has(section));
  writeFileSync(RESULTS_FILE, `${order.map((section) => `${begin(section)}\n${sections.get(section)}\n${end(section)}`).join('\n\n')}\n`);
}
