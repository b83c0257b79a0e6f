/* finpipe dashboard: builds charts and tables from the JSON data island.
 * Every piece of data reaches the DOM through textContent or setAttribute, never innerHTML.
 * Runs in Chromium, Firefox and QtWebEngine without network access. */
(function () {
  'use strict';

  var PAGE_ROWS = 200;        // rows rendered before "Show all"
  var MAX_BARS = 40;          // categories drawn per bar chart
  var CHART_HEIGHT = 320;
  var NAMED_SERIES_COLOURS = 12; // --series-1 … --series-12 in dashboard.css

  var root = document.documentElement;
  var statusBox = document.getElementById('render-status');
  var charts = [];            // {rebuild(), resize(width)} for theme and print changes

  // ---------------------------------------------------------------- theme
  // <html data-theme="light|dark"> forces a theme (see dashboard.css); without it the page follows
  // the system. The desktop app sets the attribute itself; in a browser, add #theme=dark (or
  // #theme=light, #theme=system) to the address. Charts redraw whenever the attribute changes.
  function themeFromAddress() {
    var m = /(?:^#|&)theme=(light|dark|system)(?=&|$)/.exec(location.hash);
    if (!m) return; // e.g. a contents link (#table-2): keep the theme as it is
    if (m[1] === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', m[1]);
  }
  themeFromAddress();
  window.addEventListener('hashchange', themeFromAddress);

  function setStatus(state, text) {
    if (!statusBox) return;
    statusBox.setAttribute('data-status', state);
    statusBox.textContent = text;
  }

  window.addEventListener('error', function (e) {
    // Browsers report a benign "ResizeObserver loop" notice through onerror; it is not ours.
    if (/ResizeObserver loop/.test(e.message || '')) return;
    setStatus('error', 'The dashboard hit a script error: ' + (e.message || e));
  });

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  var SVG_NS = 'http://www.w3.org/2000/svg'; // an XML namespace name, not a resource
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  // The current theme's line colours for n series: the named ones, then evenly spread hues.
  function seriesColors(n) {
    var dark = cssVar('--theme') === 'dark';
    var out = [];
    for (var i = 0; i < n; ++i) {
      var named = i < NAMED_SERIES_COLOURS ? cssVar('--series-' + (i + 1)) : '';
      out.push(named || 'hsl(' + Math.round((i * 137.508) % 360) + ', 62%, ' + (dark ? '66%' : '45%') + ')');
    }
    return out;
  }

  // ---------------------------------------------------------------- formatting
  var fmtCache = {};
  function numberFormat(opts) {
    var key = JSON.stringify(opts);
    if (!fmtCache[key]) fmtCache[key] = new Intl.NumberFormat(undefined, opts);
    return fmtCache[key];
  }
  // Readable, not lossy where it matters: 4 decimals for ordinary values, 4 significant
  // digits for small ones; the exact value is in the cell's tooltip.
  function formatNumber(v) {
    if (v === null || v === undefined) return '';
    var a = Math.abs(v);
    if (a !== 0 && a < 0.01) return numberFormat({ maximumSignificantDigits: 4 }).format(v);
    return numberFormat({ maximumFractionDigits: a >= 1000 ? 2 : 4 }).format(v);
  }
  function formatCompact(v) {
    var a = Math.abs(v);
    if (a >= 1e4) return numberFormat({ notation: 'compact', maximumFractionDigits: 1 }).format(v);
    return numberFormat({ maximumFractionDigits: a >= 100 ? 0 : a >= 1 ? 2 : 4 }).format(v);
  }
  // Numbers for people, by the column's style (dashboarddata.cpp): counts whole, money with two
  // decimals, shares as percentages ("2.27 %"); grouped thousands throughout. The exact value is
  // in the cell's tooltip and in the CSV.
  function formatStyled(v, style) {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'number') return String(v);
    if (style === 'count') return numberFormat({ maximumFractionDigits: 0 }).format(v);
    if (style === 'money') return numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
    if (style === 'share') {
      var p = v * 100, a = Math.abs(p);
      var digits = a === 0 || a >= 10 ? 1 : a >= 0.01 ? 2 : 4;
      return numberFormat({ maximumFractionDigits: digits, minimumFractionDigits: a === 0 ? 0 : Math.min(digits, 2) }).format(p) + ' %';
    }
    return formatNumber(v);
  }
  function formatCell(v, style) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return formatStyled(v, style);
    return String(v);
  }

  // "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.mmm]]" on a naive clock -> Unix seconds (UTC).
  var DATE_RE = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
  function parseDate(s) {
    if (typeof s !== 'string') return null;
    var m = DATE_RE.exec(s);
    if (!m) return null;
    var ms = Date.UTC(+m[1], +m[2] - 1, m[3] ? +m[3] : 1, m[4] ? +m[4] : 0, m[5] ? +m[5] : 0,
                      m[6] ? +m[6] : 0, m[7] ? +(m[7] + '00').slice(0, 3) : 0);
    return isNaN(ms) ? null : ms / 1000;
  }

  // ---------------------------------------------------------------- tables
  function isNumericType(t) { return t === 'number'; }

  function compareValues(a, b) {
    if (a === b) return 0;
    if (a === null) return 1;             // blanks last in both directions (see caller)
    if (b === null) return -1;
    var na = typeof a === 'number', nb = typeof b === 'number';
    if (na && nb) return a - b;
    if (na) return -1;
    if (nb) return 1;
    return collator.compare(a, b);
  }
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  function renderTable(host, table, tableKey) {
    var columns = table.columns;
    var rows = table.rows;
    var order = rows.map(function (_, i) { return i; });
    var sortCol = -1, sortDir = 1;
    var limit = Math.min(PAGE_ROWS, rows.length);

    var scroll = el('div', 'table-scroll');
    var t = el('table', 'data');
    t.setAttribute('data-table-key', tableKey);
    var thead = el('thead');
    var headRow = el('tr');
    var headers = columns.map(function (col, ci) {
      var th = el('th', isNumericType(col.type) ? 'num' : '');
      th.setAttribute('scope', 'col');
      th.setAttribute('data-column', col.name);
      th.setAttribute('data-type', col.type);
      var b = el('button');
      b.type = 'button';
      var renamed = col.label && col.label.toLowerCase() !== col.name.toLowerCase();
      b.title = 'Sort by ' + (col.label || col.name) + (renamed ? ' (' + col.name + ' in the CSV)' : '');
      var arrow = el('span', 'arrow', '');
      b.appendChild(document.createTextNode(col.label || col.name));
      b.appendChild(arrow);
      b.addEventListener('click', function () { sortBy(ci); });
      th.appendChild(b);
      headRow.appendChild(th);
      return { th: th, arrow: arrow };
    });
    thead.appendChild(headRow);
    t.appendChild(thead);
    var tbody = el('tbody');
    t.appendChild(tbody);
    scroll.appendChild(t);
    host.appendChild(scroll);

    var foot = el('div', 'table-foot');
    var footText = el('span', 'table-count');
    var more = el('button', 'show-all');
    more.type = 'button';
    foot.appendChild(footText);
    foot.appendChild(more);
    host.appendChild(foot);
    more.addEventListener('click', function () {
      limit = limit < rows.length ? rows.length : Math.min(PAGE_ROWS, rows.length);
      fillBody();
    });

    function sortBy(ci) {
      if (sortCol === ci) sortDir = -sortDir; else { sortCol = ci; sortDir = 1; }
      order.sort(function (x, y) {
        var a = rows[x][ci], b = rows[y][ci];
        if (a === null || b === null) return compareValues(a, b) || x - y;
        return sortDir * compareValues(a, b) || x - y;
      });
      headers.forEach(function (h, i) {
        h.arrow.textContent = i === sortCol ? (sortDir > 0 ? ' ▲' : ' ▼') : '';
        if (i === sortCol) h.th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
        else h.th.removeAttribute('aria-sort');
      });
      fillBody();
    }

    function fillBody() {
      var frag = document.createDocumentFragment();
      for (var i = 0; i < limit; ++i) {
        var row = rows[order[i]];
        var tr = document.createElement('tr');
        for (var c = 0; c < columns.length; ++c) {
          var v = row[c];
          var td = document.createElement('td');
          if (v === null) td.className = 'blank';
          else if (typeof v === 'number') { td.className = 'num'; td.title = String(v); }
          else if (columns[c].type === 'text' || columns[c].type === 'mixed') td.className = 'text';
          td.textContent = formatCell(v, columns[c].style);
          tr.appendChild(td);
        }
        frag.appendChild(tr);
      }
      tbody.textContent = '';
      tbody.appendChild(frag);
      var total = rows.length.toLocaleString();
      footText.textContent = rows.length === 0 ? 'No rows.'
        : limit < rows.length ? 'Showing ' + limit.toLocaleString() + ' of ' + total + ' rows.'
        : total + (rows.length === 1 ? ' row.' : ' rows.');
      if (table.totalRows > rows.length) {
        footText.textContent += ' This page holds ' + rows.length.toLocaleString() + ' of ' +
          table.totalRows.toLocaleString() + ' rows; all are in ' + table.id + '.csv.';
      }
      more.hidden = rows.length <= PAGE_ROWS;
      more.textContent = limit < rows.length ? 'Show all ' + total + ' rows'
                                             : 'Show first ' + PAGE_ROWS + ' rows';
    }
    fillBody();
  }

  // ---------------------------------------------------------------- chart data
  // Builds aligned series from a table. When x repeats (e.g. one row per month and currency),
  // the other text columns split the series, so amounts in different currencies are never
  // drawn as one line.
  function seriesData(table, spec) {
    var rows = table.rows, xi = spec.x;
    var groupCols = [];
    table.columns.forEach(function (c, i) {
      if (i !== xi && spec.y.indexOf(i) < 0 && (c.type === 'text' || c.type === 'mixed')) groupCols.push(i);
    });
    var seen = Object.create(null), dup = false;
    rows.forEach(function (r) { var k = String(r[xi]); if (seen[k]) dup = true; seen[k] = true; });
    function groupKey(r) {
      if (!dup) return '';
      return groupCols.map(function (g) { return r[g] === null ? '–' : String(r[g]); }).join(' · ');
    }
    return { groupKey: groupKey, split: dup && groupCols.length > 0 };
  }

  function timeSeriesModel(table, spec) {
    var rows = table.rows, xi = spec.x;
    var isTime = true, isNum = true;
    rows.forEach(function (r) {
      var v = r[xi];
      if (v === null) return;
      if (parseDate(v) === null) isTime = false;
      if (typeof v !== 'number') isNum = false;
    });
    var categories = null;
    var xOf;
    if (isTime) xOf = function (v) { return parseDate(v); };
    else if (isNum) xOf = function (v) { return v; };
    else {
      categories = [];
      var idx = Object.create(null);
      rows.forEach(function (r) {
        var k = r[xi] === null ? '' : String(r[xi]);
        if (!(k in idx)) { idx[k] = categories.length; categories.push(k); }
      });
      xOf = function (v) { return idx[v === null ? '' : String(v)]; };
    }
    var grouping = seriesData(table, spec);
    var xsSet = Object.create(null), xs = [];
    var groups = [], groupIndex = Object.create(null);
    rows.forEach(function (r) {
      if (r[xi] === null) return;
      var x = xOf(r[xi]);
      if (!(x in xsSet)) { xsSet[x] = true; xs.push(x); }
      var g = grouping.groupKey(r);
      if (!(g in groupIndex)) { groupIndex[g] = groups.length; groups.push(g); }
    });
    xs.sort(function (a, b) { return a - b; });
    var pos = new Map();
    xs.forEach(function (x, i) { pos.set(x, i); });
    var series = [];
    groups.forEach(function (g) {
      spec.y.forEach(function (yi) {
        series.push({ label: table.columns[yi].name + (g ? ' (' + g + ')' : ''), col: yi, group: g,
                      values: new Array(xs.length).fill(null) });
      });
    });
    rows.forEach(function (r) {
      if (r[xi] === null) return;
      var i = pos.get(xOf(r[xi]));
      var gi = groupIndex[grouping.groupKey(r)];
      spec.y.forEach(function (yi, k) {
        var v = r[yi];
        if (typeof v === 'number') series[gi * spec.y.length + k].values[i] = v;
      });
    });
    return { xs: xs, isTime: isTime, categories: categories, series: series };
  }

  // ---------------------------------------------------------------- time-series chart
  function axisSize(self, values) {
    if (!values) return 50;
    var longest = values.reduce(function (m, s) { return Math.max(m, String(s).length); }, 0);
    return Math.max(40, Math.ceil(longest * 7.2) + 18);
  }

  function timeSeriesChart(box, table, spec) {
    var model = timeSeriesModel(table, spec);
    var head = el('div', 'chart-head');
    head.appendChild(el('span', 'chart-title', spec.title || table.title));
    head.appendChild(el('span', 'chart-hint', 'Drag to zoom · double-click to reset · click a legend entry to hide it'));
    var bAll = el('button', 'series-all', 'Show all');
    var bNone = el('button', 'series-none', 'Hide all');
    var bReset = el('button', 'zoom-reset', 'Reset zoom');
    var joinLabel = el('label', 'join-gaps');
    var joinBox = el('input');
    joinBox.type = 'checkbox';
    joinLabel.appendChild(joinBox);
    joinLabel.appendChild(document.createTextNode(' Join gaps'));
    joinLabel.title = 'Draw lines across days without a value (blanks are gaps by default)';
    head.appendChild(joinLabel);
    var normLabel = el('label', 'normalise');
    var normBox = el('input');
    normBox.type = 'checkbox';
    normLabel.appendChild(normBox);
    normLabel.appendChild(document.createTextNode(' Normalise'));
    normLabel.title = 'Scale every series to its own range (0 = its minimum, 1 = its maximum) to compare shapes; hover values stay real';
    head.appendChild(normLabel);
    [bAll, bNone, bReset].forEach(function (b) { b.type = 'button'; head.appendChild(b); });
    box.appendChild(head);
    var plotHost = el('div', 'plot');
    box.appendChild(plotHost);

    if (model.xs.length === 0 || model.series.length === 0) {
      box.appendChild(el('p', 'chart-note', 'Nothing to chart: the table has no values for this chart.'));
      [bAll, bNone, bReset, joinLabel, normLabel].forEach(function (b) { b.hidden = true; });
      return;
    }
    var hidden = {}; // series index -> true, kept across theme rebuilds
    var u = null;

    function fmtX(v) {
      if (v === null || v === undefined) return '—';
      if (model.categories) return model.categories[v] !== undefined ? model.categories[v] : '';
      if (!model.isTime) return formatNumber(v);
      var s = new Date(v * 1000).toISOString();
      return s.slice(11, 19) === '00:00:00' ? s.slice(0, 10) : s.slice(0, 10) + ' ' + s.slice(11, 19);
    }

    // Series with a blank between two values: only then is "Join gaps" worth offering.
    var hasGaps = model.series.some(function (s) {
      var seen = false, gap = false;
      for (var i = 0; i < s.values.length; ++i) {
        if (s.values[i] === null) { if (seen) gap = true; } else if (gap) return true; else seen = true;
      }
      return false;
    });
    joinLabel.hidden = !hasGaps;
    var isolated = model.series.map(function (s) {
      var v = s.values;
      for (var i = 0; i < v.length; ++i) {
        if (v[i] !== null && (i === 0 || v[i - 1] === null) && (i === v.length - 1 || v[i + 1] === null)) return true;
      }
      return false;
    });
    normLabel.hidden = model.series.length < 2;
    var normalised = model.series.map(function (s) {
      var lo = Infinity, hi = -Infinity;
      s.values.forEach(function (v) { if (v !== null) { if (v < lo) lo = v; if (v > hi) hi = v; } });
      var span = hi - lo;
      return s.values.map(function (v) { return v === null ? null : span > 0 ? (v - lo) / span : 0.5; });
    });

    function build() {
      var zoom = null;
      if (u) {
        // Keep the analyst's zoom across rebuilds (theme change, join gaps).
        var sx = u.scales.x;
        if (sx.min > model.xs[0] || sx.max < model.xs[model.xs.length - 1]) zoom = { min: sx.min, max: sx.max };
        u.destroy();
        u = null;
      }
      var muted = cssVar('--muted') || '#666', grid = cssVar('--grid') || 'rgba(0,0,0,0.1)';
      var colors = seriesColors(model.series.length);
      var axisFont = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
      var xAxis = { stroke: muted, font: axisFont, grid: { stroke: grid, width: 1 },
                    ticks: { stroke: grid, width: 1 } };
      if (model.categories) {
        // One tick per category while they fit; uPlot's numeric ticks would fall between them.
        if (model.xs.length <= 24) xAxis.splits = function () { return model.xs; };
        xAxis.values = function (self, splits) {
          return splits.map(function (v) { return Number.isInteger(v) ? fmtX(v) : ''; });
        };
      }
      var opts = {
        width: Math.max(280, plotHost.clientWidth || 800),
        height: CHART_HEIGHT,
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
        scales: { x: { time: model.isTime } },
        cursor: { drag: { x: true, y: false, setScale: true } },
        legend: { live: true },
        series: [{ label: table.columns[spec.x].name, value: function (self, v) { return fmtX(v); } }]
          .concat(model.series.map(function (s, i) {
            return {
              label: s.label,
              stroke: colors[i],
              width: 1.6,
              spanGaps: joinBox.checked,
              show: !hidden[i + 1],
              // A value with blanks on both sides has no line: always draw its dot.
              points: isolated[i] ? { show: true, size: 5, fill: colors[i] }
                                  : { size: 5, fill: colors[i] },
              // The legend always shows the real value, also when the plot is normalised.
              value: function (self, v, si, idx) {
                var real = idx === null || idx === undefined ? null : s.values[idx];
                return real === null || real === undefined ? '—' : formatNumber(real);
              }
            };
          })),
        axes: [
          xAxis,
          { stroke: muted, font: axisFont, size: axisSize, grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid, width: 1 },
            values: function (self, splits) {
              return splits.map(function (v) {
                return normBox.checked ? numberFormat({ style: 'percent' }).format(v) : formatCompact(v);
              });
            } }
        ],
        hooks: {
          setSeries: [function (self, i, o) { if (i !== null && o && 'show' in o) hidden[i] = !o.show; }]
        }
      };
      var ys = normBox.checked ? normalised : model.series.map(function (s) { return s.values; });
      u = new uPlot(opts, [model.xs].concat(ys), plotHost);
      u.root.setAttribute('data-series-count', String(model.series.length));
      if (zoom) u.setScale('x', zoom);
    }
    joinBox.addEventListener('change', build);
    normBox.addEventListener('change', build);
    function setAll(show) {
      u.batch(function () {
        for (var i = 1; i < u.series.length; ++i) u.setSeries(i, { show: show });
      });
    }
    bAll.addEventListener('click', function () { setAll(true); });
    bNone.addEventListener('click', function () { setAll(false); });
    bReset.addEventListener('click', function () {
      u.setScale('x', { min: model.xs[0], max: model.xs[model.xs.length - 1] });
    });
    build();
    charts.push({
      rebuild: build,
      resize: function (w) {
        if (u) u.setSize({ width: Math.max(280, w || plotHost.clientWidth), height: CHART_HEIGHT });
      },
      host: plotHost
    });
  }

  // ---------------------------------------------------------------- small multiples
  // Many series on one axis read as nothing: one outlier at 700 flattens every series near 10,
  // and a weekly series is a few lone dots. Past SMALL_MULTIPLES series each gets its own small
  // chart with its own scale, and its dots drawn whenever its values are sparse.
  var SMALL_MULTIPLES = 6, SMALL_HEIGHT = 130;
  function smallMultiplesChart(box, table, spec) {
    var model = timeSeriesModel(table, spec);
    var head = el('div', 'chart-head');
    head.appendChild(el('span', 'chart-title', spec.title || table.title));
    head.appendChild(el('span', 'chart-hint', 'One chart per series, each on its own scale · drag to zoom · double-click to reset'));
    box.appendChild(head);
    var grid = el('div', 'multiples');
    box.appendChild(grid);
    if (model.xs.length === 0 || model.series.length === 0) {
      box.appendChild(el('p', 'chart-note', 'Nothing to chart: the table has no values for this chart.'));
      return;
    }
    var panels = model.series.map(function (s) {
      var panel = el('div', 'multiple');
      panel.setAttribute('data-series', s.label);
      var title = el('div', 'multiple-title');
      var name = el('span', 'multiple-name', s.label);
      var count = 0, lo = Infinity, hi = -Infinity;
      s.values.forEach(function (v) { if (v !== null) { ++count; if (v < lo) lo = v; if (v > hi) hi = v; } });
      var style = table.columns[s.col] ? table.columns[s.col].style : 'plain';
      var range = el('span', 'multiple-range', count === 0 ? 'no values'
        : count + (count === 1 ? ' value' : ' values') + ' · ' + formatStyled(lo, style) + ' – ' + formatStyled(hi, style));
      title.appendChild(name);
      title.appendChild(range);
      panel.appendChild(title);
      var host = el('div', 'plot');
      panel.appendChild(host);
      grid.appendChild(panel);
      // Sparse (under half the dates filled): dots, so a weekly parameter is a row of dots, not gaps.
      return { s: s, host: host, u: null, sparse: count * 2 < s.values.length, style: style, count: count };
    });

    function fmtX(v) {
      if (v === null || v === undefined) return '—';
      if (model.categories) return model.categories[v] !== undefined ? model.categories[v] : '';
      if (!model.isTime) return formatNumber(v);
      var d = new Date(v * 1000).toISOString();
      return d.slice(11, 19) === '00:00:00' ? d.slice(0, 10) : d.slice(0, 10) + ' ' + d.slice(11, 19);
    }
    var sync = uPlot.sync ? uPlot.sync('multiples-' + (spec.tableId || table.id)) : null;
    function build() {
      var muted = cssVar('--muted') || '#666', gridC = cssVar('--grid') || 'rgba(0,0,0,0.1)';
      var colour = seriesColors(1)[0];
      var axisFont = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
      panels.forEach(function (p) {
        if (p.u) { p.u.destroy(); p.u = null; }
        if (p.count === 0) return;
        var opts = {
          width: Math.max(200, p.host.clientWidth || 300),
          height: SMALL_HEIGHT,
          tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
          scales: { x: { time: model.isTime } },
          legend: { show: false },
          cursor: sync ? { drag: { x: true, y: false, setScale: true }, sync: { key: sync.key } }
                       : { drag: { x: true, y: false, setScale: true } },
          series: [{ value: function (self, v) { return fmtX(v); } }, {
            label: p.s.label, stroke: colour, width: 1.4,
            points: p.sparse ? { show: true, size: 5, fill: colour } : { size: 4, fill: colour },
            value: function (self, v) { return v === null || v === undefined ? '—' : formatStyled(v, p.style); }
          }],
          axes: [
            // Two-line time labels ("Jan" over "2021") need the room.
            { stroke: muted, font: axisFont, size: 38, grid: { stroke: gridC, width: 1 }, ticks: { show: false } },
            { stroke: muted, font: axisFont, size: axisSize, grid: { stroke: gridC, width: 1 }, ticks: { show: false },
              values: function (self, splits) { return splits.map(function (v) { return formatCompact(v); }); } }
          ]
        };
        p.u = new uPlot(opts, [model.xs, p.s.values], p.host);
        p.u.root.setAttribute('data-series-count', '1');
      });
    }
    build();
    box.setAttribute('data-multiples', String(panels.length));
    var lastWidth = 0;
    charts.push({
      rebuild: build,
      resize: function () {
        var w = panels[0].host.clientWidth;
        if (!w || w === lastWidth) return;
        lastWidth = w;
        panels.forEach(function (p) { if (p.u) p.u.setSize({ width: Math.max(200, p.host.clientWidth), height: SMALL_HEIGHT }); });
      },
      host: grid
    });
  }

  // ---------------------------------------------------------------- bar chart (SVG)
  var measureCtx = null;
  function textWidth(s, px) {
    if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
    measureCtx.font = px + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    return measureCtx.measureText(s).width;
  }
  function fitText(s, px, maxWidth) {
    if (textWidth(s, px) <= maxWidth) return s;
    var lo = 0, hi = s.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (textWidth(s.slice(0, mid) + '…', px) <= maxWidth) lo = mid; else hi = mid - 1;
    }
    return s.slice(0, lo) + '…';
  }

  function barChart(box, table, spec) {
    var head = el('div', 'chart-head');
    head.appendChild(el('span', 'chart-title', spec.title || table.title));
    box.appendChild(head);
    var grouping = seriesData(table, spec);
    var rows = table.rows.filter(function (r) { return r[spec.x] !== null || spec.y.some(function (y) { return r[y] !== null; }); });
    var shown = rows.slice(0, MAX_BARS);
    var labels = shown.map(function (r) {
      var base = r[spec.x] === null ? '(blank)' : String(r[spec.x]);
      var g = grouping.groupKey(r);
      return g ? base + ' (' + g + ')' : base;
    });
    var grid = el('div', 'bar-grid');
    box.appendChild(grid);
    var panels = spec.y.map(function (yi) {
      var p = el('div', 'bar-chart');
      p.setAttribute('data-column', table.columns[yi].name);
      if (spec.y.length > 1) p.appendChild(el('div', 'measure', table.columns[yi].name));
      grid.appendChild(p);
      return { node: p, col: yi, svg: null };
    });
    if (rows.length > MAX_BARS) {
      box.appendChild(el('p', 'chart-note', 'Showing the first ' + MAX_BARS + ' of ' +
        rows.length.toLocaleString() + ' categories; the table below has them all.'));
    }
    if (shown.length === 0 || spec.y.length === 0) {
      box.appendChild(el('p', 'chart-note', 'Nothing to chart: the table has no values for this chart.'));
      return;
    }

    function draw() {
      panels.forEach(function (p) {
        var width = Math.max(260, p.node.clientWidth || 400);
        var values = shown.map(function (r) { return typeof r[p.col] === 'number' ? r[p.col] : null; });
        var style = table.columns[p.col].style;
        var lo = Math.min(0, Math.min.apply(null, values.map(function (v) { return v === null ? 0 : v; })));
        var hi = Math.max(0, Math.max.apply(null, values.map(function (v) { return v === null ? 0 : v; })));
        var labelPx = 12, valuePx = 11.5, rowH = 24, pad = 6;
        var labelW = Math.min(width * 0.38, Math.max.apply(null, labels.map(function (l) { return textWidth(l, labelPx); })) + 8);
        var valueW = Math.max.apply(null, values.map(function (v) { return textWidth(v === null ? '—' : style === 'share' ? formatStyled(v, style) : formatCompact(v), valuePx); })) + 10;
        var plotX = labelW + pad, plotW = Math.max(40, width - plotX - valueW - (lo < 0 ? valueW : 0));
        if (lo < 0) plotX += valueW;
        var span = hi - lo || 1;
        var zeroX = plotX + (-lo / span) * plotW;
        var height = shown.length * rowH + 4;
        var s = svg('svg', { width: width, height: height, role: 'img' });
        var st = svg('title', {}); st.textContent = (spec.title || table.title) + ': ' + table.columns[p.col].name; s.appendChild(st);
        shown.forEach(function (r, i) {
          var v = values[i], y = i * rowH + 2;
          var g = svg('g', { 'class': 'row' });
          var tip = svg('title', {});
          tip.textContent = labels[i] + ': ' + (v === null ? 'blank' : String(v));
          g.appendChild(tip);
          var lt = svg('text', { x: labelW, y: y + rowH / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', 'class': 'label' });
          lt.textContent = fitText(labels[i], labelPx, labelW - 4);
          g.appendChild(lt);
          if (v !== null) {
            var x0 = zeroX, x1 = plotX + ((v - lo) / span) * plotW;
            var bx = Math.min(x0, x1), bw = Math.max(v === 0 ? 0 : 1, Math.abs(x1 - x0));
            g.appendChild(svg('rect', { x: bx, y: y + 3, width: bw, height: rowH - 6, rx: 3,
                                        'class': v < 0 ? 'bar negative' : 'bar' }));
          }
          var vt = svg('text', { y: y + rowH / 2, 'dominant-baseline': 'central', 'class': 'value' });
          var vx = v === null ? zeroX + 4 : v < 0 ? plotX + ((v - lo) / span) * plotW - 4 : plotX + ((v - lo) / span) * plotW + 4;
          vt.setAttribute('x', vx);
          vt.setAttribute('text-anchor', v !== null && v < 0 ? 'end' : 'start');
          vt.textContent = v === null ? '—' : style === 'share' ? formatStyled(v, style) : formatCompact(v);
          g.appendChild(vt);
          s.appendChild(g);
        });
        s.appendChild(svg('line', { x1: zeroX, x2: zeroX, y1: 0, y2: height, 'class': 'axis' }));
        if (p.svg) p.node.replaceChild(s, p.svg); else p.node.appendChild(s);
        p.svg = s;
      });
    }
    draw();
    var lastWidth = 0;
    charts.push({
      rebuild: function () {},
      resize: function () {
        var w = panels[0].node.clientWidth;
        if (w && w !== lastWidth) { lastWidth = w; draw(); }
      },
      host: grid
    });
  }

  // ---------------------------------------------------------------- page
  function notice(text) {
    var main = document.getElementById('content');
    var p = el('p', 'notice chart-problem', text);
    main.insertBefore(p, statusBox ? statusBox.nextSibling : main.firstChild);
  }

  function renderChart(spec, data) {
    var table = data.tables[spec.table];
    var section = document.getElementById('table-' + spec.table);
    if (!table || !section) {
      notice('A chart ("' + spec.title + '") refers to a table that is not in this report: ' + spec.tableId);
      return;
    }
    var box = el('figure', 'chart ' + (spec.kind === 'bar' ? 'chart-bar' : 'chart-timeseries'));
    box.style.margin = '0';
    box.setAttribute('data-chart-kind', spec.kind);
    section.querySelector('.charts').appendChild(box);
    if (spec.x < 0) {
      box.appendChild(el('p', 'chart-note', 'This chart cannot be drawn: column not found: ' + spec.missing.join(', ')));
      return;
    }
    if (spec.kind === 'bar') barChart(box, table, spec);
    else if (spec.y.length > SMALL_MULTIPLES) smallMultiplesChart(box, table, spec);
    else timeSeriesChart(box, table, spec);
    if (spec.missing.length) box.appendChild(el('p', 'chart-note', 'Not in the table: ' + spec.missing.join(', ')));
  }

  function main() {
    var data = JSON.parse(document.getElementById('data').textContent);
    data.tables.forEach(function (table, i) {
      var section = document.getElementById('table-' + i);
      if (section) renderTable(section.querySelector('.table-host'), table, table.id);
    });
    data.charts.forEach(function (spec) { renderChart(spec, data); });
    var q = document.getElementById('quality-table');
    if (q && data.quality) renderTable(q, data.quality, data.quality.id);

    if (window.ResizeObserver) {
      // Resizing a chart changes layout; doing it in the next frame avoids observer loops.
      var pending = new Map();
      var ro = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { pending.set(entry.target, entry.contentRect.width); });
        requestAnimationFrame(function () {
          pending.forEach(function (w, target) {
            charts.forEach(function (c) { if (c.host === target) c.resize(w); });
          });
          pending.clear();
        });
      });
      charts.forEach(function (c) { ro.observe(c.host); });
    }
    // Canvas charts hold their colours: redraw them when the system or the forced theme changes.
    var onTheme = function () {
      charts.forEach(function (c) { c.rebuild(); });
      if (statusBox) statusBox.setAttribute('data-theme', cssVar('--theme') || 'light');
    };
    if (window.matchMedia) {
      var mq = window.matchMedia('(prefers-color-scheme: dark)');
      if (mq.addEventListener) mq.addEventListener('change', onTheme); else if (mq.addListener) mq.addListener(onTheme);
    }
    if (window.MutationObserver) {
      new MutationObserver(onTheme).observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    }
    // Paper is narrower than most screens: size the canvases for it, then restore.
    window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(680); }); });
    window.addEventListener('afterprint', function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // Provenance is a closed <details>: a jump to it (the header's link, a chip) opens it.
  function openTarget() {
    var id = location.hash.slice(1);
    var target = id && /^[A-Za-z][\w-]*$/.test(id) ? document.getElementById(id) : null;
    if (target && target.tagName === 'DETAILS') target.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  Array.prototype.forEach.call(document.querySelectorAll('a[href="#provenance"]'), function (a) {
    a.addEventListener('click', function () { var d = document.getElementById('provenance'); if (d) d.open = true; });
  });
  openTarget();

  try {
    if (typeof uPlot === 'undefined') throw new Error('the chart library is missing from this page');
    main();
    setStatus('ok', 'ok');
    // The theme the page drew in (light or dark), for the browser checks and for people asking.
    if (statusBox) statusBox.setAttribute('data-theme', cssVar('--theme') || 'light');
  } catch (e) {
    setStatus('error', 'The dashboard could not be drawn: ' + (e && e.message ? e.message : e));
    if (window.console) console.error(e);
  }
})();
