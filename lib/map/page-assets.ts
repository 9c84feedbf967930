/**
 * The secrets-map page's inline style and script. Kept as fixed strings (no interpolation) so the page's
 * Content-Security-Policy can allow exactly them by hash, and so nothing from AWS ever becomes code: the script reads
 * the embedded JSON document and writes every name with `textContent` / `setAttribute`, never as markup.
 * @internal
 */

/** The page's style sheet. */
export const PAGE_STYLE = String.raw`
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6478; --line: #d8dde6; --bg: #f6f7f9; --card: #fff;
  --error: #b42318; --error-bg: #fdecea; --warning: #9a5b00; --warning-bg: #fff4e0; --info: #1f5fa8; --info-bg: #e8f1fb;
  --fresh: #1d7a46; --fresh-bg: #e6f4ec; --stale: #b45309; --stale-bg: #fdf0e1; --unknown: #5b6478; --unknown-bg: #eef0f4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 18px 28px 10px; background: var(--card); border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { margin: 0 0 10px; font-size: 17px; }
main { padding: 18px 28px 40px; display: grid; gap: 18px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; overflow-x: auto; }
.meta { color: var(--muted); margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 0; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; min-width: 120px; }
.cards b { display: block; font-size: 20px; }
.cards .error b { color: var(--error); } .cards .warning b { color: var(--warning); } .cards .stale b { color: var(--stale); }
.incomplete { margin: 0 0 10px; padding: 8px 12px; border-radius: 6px; color: var(--error); background: var(--error-bg); font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; white-space: nowrap; background: #fafbfc; }
#readers-table th { cursor: pointer; user-select: none; }
#readers-table th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 10px; }
#readers-table th[aria-sort="descending"]::after { content: " \25BC"; font-size: 10px; }
#readers-table tbody tr { cursor: pointer; }
#readers-table tbody tr:hover { background: #f1f4f8; }
#readers-table tbody tr.selected { background: #e8f1fb; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
#findings-table td:nth-child(2) code, #findings-table td:first-child { white-space: nowrap; }
#readers-table td[data-key="region"], #readers-table td[data-key="kind"] { white-space: nowrap; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.sev-error { color: var(--error); background: var(--error-bg); } .sev-warning { color: var(--warning); background: var(--warning-bg); }
.sev-info { color: var(--info); background: var(--info-bg); }
.st-fresh { color: var(--fresh); background: var(--fresh-bg); } .st-stale { color: var(--stale); background: var(--stale-bg); }
.st-unknown { color: var(--unknown); background: var(--unknown-bg); }
.res-missing, .res-scheduled-for-deletion { color: var(--error); background: var(--error-bg); }
.res-exists { color: var(--fresh); background: var(--fresh-bg); } .res-unreadable, .res-not-checked { color: var(--unknown); background: var(--unknown-bg); }
.action { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-bottom: 10px; }
input[type="search"] { font: inherit; padding: 6px 10px; min-width: 320px; border: 1px solid var(--line); border-radius: 6px; }
select { font: inherit; padding: 5px 8px; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; }
#row-count { color: var(--muted); }
#graph svg { display: block; width: 100%; height: auto; }
#graph .node rect { stroke-width: 1.5; rx: 6; }
#graph .node text { font-size: 12px; fill: var(--fg); }
#graph .node .sub { font-size: 10.5px; fill: var(--muted); }
#graph .edge { fill: none; stroke: #9aa4b5; stroke-width: 1.3; }
#graph .resource rect { fill: #eef3fb; stroke: var(--info); }
#graph .resource.broken rect { fill: var(--error-bg); stroke: var(--error); }
#graph .definition rect { fill: #f4f5f8; stroke: #7b8496; }
#graph .target rect { fill: var(--unknown-bg); stroke: var(--unknown); }
#graph .target.stale rect { fill: var(--stale-bg); stroke: var(--stale); }
#graph .target.fresh rect { fill: var(--fresh-bg); stroke: var(--fresh); }
#graph .target.out rect { stroke-dasharray: 4 3; }
#graph .column { font-size: 11px; fill: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
#graph-empty { color: var(--muted); }
.hidden { display: none; }
`;

/**
 * The page's script: builds the readers table (search, sort) and draws the graph resource → definitions → services
 * and jobs for the selected resource as inline SVG. Plain ES2017, no imports, no network.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var map = JSON.parse(document.getElementById('secrets-map').textContent);
  var resources = {}, definitions = {}, targets = {};
  map.resources.forEach(function (r) { resources[r.id] = r; });
  map.definitions.forEach(function (d) { definitions[d.arn] = d; });
  map.targets.forEach(function (t) { targets[t.arn] = t; });

  function el(name, attributes, text) {
    var node = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(name, attributes, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function targetLabel(t) {
    return t.type === 'ecs-service' ? t.cluster + '/' + t.name : t.name + ' (' + t.jobId + ')';
  }

  // ---- the readers table -------------------------------------------------------------------------------
  var columns = [
    { key: 'resource', label: 'Secret / parameter', mono: true },
    { key: 'kind', label: 'Kind' },
    { key: 'region', label: 'Region' },
    { key: 'status', label: 'Status', badge: function (row) { return 'res-' + row.resourceStatus; } },
    { key: 'definition', label: 'Definition', mono: true },
    { key: 'container', label: 'Container' },
    { key: 'pin', label: 'Reads' },
    { key: 'target', label: 'Service / job', mono: true },
    { key: 'staleness', label: 'Staleness', badge: function (row) { return row.staleness ? 'st-' + row.staleness : ''; } },
    { key: 'scope', label: 'Scope' },
    { key: 'wave', label: 'Wave', numeric: true }
  ];
  var rows = [];
  map.resources.forEach(function (r) {
    r.uses.forEach(function (use) {
      var d = definitions[use.definition];
      var base = {
        id: r.id, resource: r.name, kind: r.kind, region: r.region, status: r.status, resourceStatus: r.status,
        definition: d ? d.name : use.definition,
        container: use.container + ' · ' + use.location + (use.name ? ' ' + use.name : ''),
        pin: use.pinLabel, valueFrom: use.valueFrom
      };
      var readers = d ? d.targets : [];
      if (readers.length === 0) rows.push(Object.assign({ target: '', staleness: '', scope: '', wave: '' }, base));
      readers.forEach(function (arn) {
        var t = targets[arn];
        if (!t) return;
        rows.push(Object.assign({}, base, {
          target: t.type + ' ' + targetLabel(t),
          staleness: t.staleness.status,
          scope: t.scope.status,
          wave: t.type === 'ecs-service' ? (t.wave === undefined ? 'last' : t.wave) : '',
          title: t.staleness.reason + ' | ' + t.scope.reason
        }));
      });
    });
  });
  rows.forEach(function (row) {
    row.text = columns.map(function (c) { return String(row[c.key]); }).concat([row.valueFrom, row.id]).join(' ').toLowerCase();
  });

  var table = document.getElementById('readers-table');
  var head = table.querySelector('thead tr');
  var body = table.querySelector('tbody');
  var search = document.getElementById('search');
  var count = document.getElementById('row-count');
  var sortKey = null, sortDirection = 1, selected = null;

  columns.forEach(function (c) {
    var th = el('th', { scope: 'col', 'data-key': c.key, 'aria-sort': 'none', tabindex: '0' }, c.label);
    th.addEventListener('click', function () { sortBy(c); });
    th.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(c); } });
    head.appendChild(th);
  });

  function compare(c, a, b) {
    var x = a[c.key], y = b[c.key];
    if (x === '' || x === undefined) return y === '' || y === undefined ? 0 : 1;
    if (y === '' || y === undefined) return -1;
    if (c.numeric) {
      var nx = x === 'last' ? Infinity : Number(x), ny = y === 'last' ? Infinity : Number(y);
      return nx === ny ? 0 : (nx < ny ? -sortDirection : sortDirection);
    }
    return sortDirection * String(x).localeCompare(String(y));
  }
  function sortBy(c) {
    sortDirection = sortKey === c.key ? -sortDirection : 1;
    sortKey = c.key;
    Array.prototype.forEach.call(head.children, function (th) {
      th.setAttribute('aria-sort', th.getAttribute('data-key') === c.key ? (sortDirection === 1 ? 'ascending' : 'descending') : 'none');
    });
    rows.sort(function (a, b) { return compare(c, a, b); });
    renderRows();
  }
  function renderRows() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      if (!terms.every(function (term) { return row.text.indexOf(term) !== -1; })) return;
      shown++;
      var tr = el('tr', { 'data-resource': row.id });
      if (row.id === selected) tr.className = 'selected';
      if (row.title) tr.setAttribute('title', row.title);
      columns.forEach(function (c) {
        var td = el('td', { 'data-key': c.key });
        var value = row[c.key] === undefined ? '' : String(row[c.key]);
        if (c.badge && value) td.appendChild(el('span', { 'class': 'badge ' + c.badge(row) }, value));
        else td.textContent = value;
        if (c.mono) td.className = 'mono';
        if (c.key === 'pin') td.setAttribute('title', row.valueFrom);
        tr.appendChild(td);
      });
      tr.addEventListener('click', function () { select(row.id); });
      fragment.appendChild(tr);
    });
    body.textContent = '';
    body.appendChild(fragment);
    count.textContent = shown + ' of ' + rows.length + ' rows';
  }
  search.addEventListener('input', renderRows);

  // ---- the graph -------------------------------------------------------------------------------------------
  var picker = document.getElementById('resource-select');
  map.resources.forEach(function (r) {
    picker.appendChild(el('option', { value: r.id }, r.kind + ' ' + r.name + ' (' + r.region + ') · ' + r.status));
  });
  picker.addEventListener('change', function () { select(picker.value); });

  function shorten(text, length) { text = String(text); return text.length > length ? text.slice(0, length - 1) + '\u2026' : text; }
  function node(group, x, y, width, title, sub, classes) {
    var g = svg('g', { 'class': 'node ' + classes, transform: 'translate(' + x + ',' + y + ')' });
    g.appendChild(svg('title', {}, title + (sub ? '\n' + sub : '')));
    g.appendChild(svg('rect', { width: width, height: 40, rx: 6 }));
    g.appendChild(svg('text', { x: 10, y: 17 }, shorten(title, 34)));
    if (sub) g.appendChild(svg('text', { x: 10, y: 32, 'class': 'sub' }, shorten(sub, 40)));
    group.appendChild(g);
  }
  function draw(id) {
    var box = document.getElementById('graph');
    box.textContent = '';
    var r = resources[id];
    if (!r) { box.appendChild(el('p', { id: 'graph-empty' }, 'No secret or parameter is referenced.')); return; }
    var allDefs = r.definitions.map(function (arn) { return definitions[arn]; }).filter(Boolean);
    var allReaders = [];
    allDefs.forEach(function (d) { d.targets.forEach(function (arn) { if (targets[arn] && allReaders.indexOf(targets[arn]) === -1) allReaders.push(targets[arn]); }); });
    // A resource with hundreds of readers stays drawable: the first LIMIT of each column, the rest counted.
    var LIMIT = 40;
    var defs = allDefs.slice(0, LIMIT), readers = allReaders.slice(0, LIMIT);
    var hidden = (allDefs.length - defs.length) + (allReaders.length - readers.length);
    var rowHeight = 52, top = 34, width = 960, nodeWidth = 270;
    var columnsX = [10, 345, 680];
    var height = top + Math.max(1, defs.length, readers.length) * rowHeight + (hidden > 0 ? 30 : 10);
    var root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Readers of ' + r.name });
    ['Secret / parameter', 'Task / job definitions', 'Services and jobs'].forEach(function (label, index) {
      root.appendChild(svg('text', { x: columnsX[index], y: 16, 'class': 'column' }, label));
    });
    var edges = svg('g', { 'class': 'edges' }), nodes = svg('g', { 'class': 'nodes' });
    root.appendChild(edges); root.appendChild(nodes);
    function yOf(index, count) { return top + (Math.max(1, defs.length, readers.length) - count) * rowHeight / 2 + index * rowHeight; }
    function edge(x1, y1, x2, y2) {
      var mid = (x1 + x2) / 2;
      edges.appendChild(svg('path', { 'class': 'edge', d: 'M' + x1 + ',' + y1 + ' C' + mid + ',' + y1 + ' ' + mid + ',' + y2 + ' ' + x2 + ',' + y2 }));
    }
    var ry = yOf(0, 1);
    var broken = r.status === 'missing' || r.status === 'scheduled-for-deletion';
    node(nodes, columnsX[0], ry, nodeWidth, r.name, r.kind + ' · ' + r.region + ' · ' + r.status, 'resource' + (broken ? ' broken' : ''));
    var defY = {};
    defs.forEach(function (d, index) {
      var y = yOf(index, defs.length);
      defY[d.arn] = y;
      edge(columnsX[0] + nodeWidth, ry + 20, columnsX[1], y + 20);
      node(nodes, columnsX[1], y, nodeWidth, d.name, d.type + ' · ' + d.region, 'definition');
    });
    readers.forEach(function (t, index) {
      var y = yOf(index, readers.length);
      if (defY[t.definition] !== undefined) edge(columnsX[1] + nodeWidth, defY[t.definition] + 20, columnsX[2], y + 20);
      var classes = 'target ' + t.staleness.status + (t.scope.status === 'in-scope' ? '' : ' out');
      node(nodes, columnsX[2], y, nodeWidth, targetLabel(t), t.staleness.status + ' · ' + t.scope.status + (t.type === 'ecs-service' && t.wave !== undefined ? ' · wave ' + t.wave : ''), classes);
    });
    if (hidden > 0) {
      root.appendChild(svg('text', { x: columnsX[1], y: height - 10, 'class': 'column more' },
        'and ' + (allDefs.length - defs.length) + ' more definitions, ' + (allReaders.length - readers.length) + ' more readers: filter the table below'));
    }
    box.appendChild(root);
    box.setAttribute('data-resource', id);
  }
  function select(id) {
    selected = id;
    picker.value = id;
    draw(id);
    Array.prototype.forEach.call(body.children, function (tr) { tr.className = tr.getAttribute('data-resource') === id ? 'selected' : ''; });
  }

  var broken = map.resources.filter(function (r) { return r.status === 'missing' || r.status === 'scheduled-for-deletion'; });
  renderRows();
  if (map.resources.length > 0) select((broken[0] || map.resources[0]).id); else draw(null);
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;
