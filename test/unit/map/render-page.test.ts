import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSecretsMap } from '../../../lib/map/build-map.js';
import { embedJson, escapeHtml, renderMapPage } from '../../../lib/map/render-page.js';
import { HOSTILE, hostileMap, realisticMap } from '../../fixtures/map/realistic-map.js';
import { mapOptionsFor } from '../../support/map-inputs.js';

/** The text of every `<script …>…</script>` element, in order. */
function scripts(html: string): { attributes: string; text: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((match) => ({ attributes: match[1] ?? '', text: match[2] ?? '' }));
}

function hash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

describe('renderMapPage', () => {
  it('embeds the same JSON document --json prints, readable back with JSON.parse', () => {
    const map = realisticMap();
    const html = renderMapPage(map);
    const [data, code, ...rest] = scripts(html);
    expect(rest).toEqual([]);
    expect(data?.attributes).toBe(' type="application/json" id="secrets-map"');
    expect(JSON.parse(data?.text ?? '')).toEqual(JSON.parse(JSON.stringify(map)));
    expect(code?.attributes).toBe('');
  });

  it('is self-contained: no external script, style, font, image, frame or link, and a CSP that allows only its own code', () => {
    const html = renderMapPage(realisticMap());
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base|form|audio|video|source)\b/i);
    expect(html).not.toMatch(/\s(src|href|srcset|action|poster)=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((match) => match[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const code = scripts(html)[1]?.text ?? '';
    expect(csp.replace(/&#39;/g, "'")).toBe(
      `default-src 'none'; script-src '${hash(code)}'; style-src '${hash(style)}'; img-src 'none'; base-uri 'none'; form-action 'none'`,
    );
  });

  it('shows the summary and every finding as plain HTML, readable without scripts', () => {
    const map = realisticMap();
    const html = renderMapPage(map);
    expect(html).toContain(`<h2>Findings (${map.findings.length})</h2>`);
    for (const finding of map.findings) {
      expect(html).toContain(`<tr class="finding" data-code="${finding.code}"><td><span class="badge sev-${finding.severity}">${finding.severity}</span>`);
    }
    expect(html).toContain(`<li class="error"><b>${map.summary.findings.error}</b>errors</li>`);
    expect(html).toContain(`<li><b>${map.summary.services}</b>services</li>`);
    expect(html).toContain('orders-api:42');
    expect(html).not.toContain('id="incomplete"');
  });

  it('says at the top when something could not be read: never an "all clear" on what it could not see', () => {
    const map = buildSecretsMap(
      { services: [], metadata: [], problems: [{ region: 'eu-west-1', subject: 'ListClusters', message: 'AccessDenied' }] },
      mapOptionsFor(),
    );
    const html = renderMapPage(map);
    expect(html).toContain('<p id="incomplete" class="incomplete">Incomplete: 1 thing(s) could not be read (see the warnings)');
    expect(html.indexOf('id="incomplete"')).toBeLessThan(html.indexOf('id="findings"'));
  });

  it('a hostile name cannot end the data block, open a comment or add an element', () => {
    const map = hostileMap();
    const html = renderMapPage(map);
    expect(scripts(html)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).not.toMatch(/<(img|iframe|svg)\b/i);
    expect(scripts(html)[0]?.text).not.toMatch(/[\u2028\u2029<>&]/);
    // The names survive intact: escaped in the HTML, exact in the embedded document.
    const embedded = JSON.parse(scripts(html)[0]?.text ?? '');
    expect(embedded).toEqual(JSON.parse(JSON.stringify(map)));
    expect(embedded.resources.map((resource: { name: string }) => resource.name)).toContain(`name${HOSTILE}`);
    expect(html).toContain(escapeHtml(map.findings.find((finding) => finding.code === 'unparseable-reference')?.message ?? 'none'));
    expect(html).toContain(escapeHtml(`inventory: us-east-1 <iframe src="https://example.com/">${HOSTILE}`));
  });
});

describe('embedJson and escapeHtml', () => {
  it('escape exactly what could end a script element or a quoted attribute', () => {
    expect(embedJson({ a: '</script><!-- & ]]> \u2028\u2029' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 ]]\\u003e \\u2028\\u2029"}');
    expect(JSON.parse(embedJson({ a: '</script><!-- & ]]> \u2028\u2029' }))).toEqual({ a: '</script><!-- & ]]> \u2028\u2029' });
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });
});
