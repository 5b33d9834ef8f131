// report.html's script, part 1 of 3 (report.js, trainer.js, explorer.js, each adding to
// window.xorsweep), on top of a page that is complete without it: the readouts of the charts,
// whose SVG (drawn by src/report/charts, the same drawing as the PNG files) carries each
// point's text on an invisible mark (data-say), so nothing here draws a chart or writes a
// number; and the cell table's column chooser, sorting and filter.
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var holder = doc.getElementById('xs-data');
  var XS = window.xorsweep = { data: holder ? JSON.parse(holder.textContent) : null, byId: {} };
  if (XS.data) XS.data.cells.forEach(function (c) { XS.byId[c.id] = c; });
  var SVG = 'http://www.w3.org/2000/svg';
  XS.el = function (name, attrs, parent) {
    var e = doc.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  };

  // ---- Readouts: the mark nearest the pointer (within 40 units of the chart) says its text
  // under the chart, and a ring shows which it is.
  Array.prototype.forEach.call(doc.querySelectorAll('figure[data-chart]'), function (fig) {
    var svg = fig.querySelector('svg.chart'), read = fig.querySelector('.readout');
    if (!svg || !read) return;
    var marks = Array.prototype.map.call(svg.querySelectorAll('.hits circle'), function (c) {
      return { x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')), say: c.getAttribute('data-say') };
    });
    if (!marks.length) return;
    read.textContent = 'Point at (or tap) the chart to read its values.';
    var ring = XS.el('circle', { r: 8, fill: 'none', stroke: '#000', 'stroke-width': 2, visibility: 'hidden', 'class': 'ring' }, svg);
    var show = function (ev) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint();
      p.x = ev.clientX;
      p.y = ev.clientY;
      var q = p.matrixTransform(m.inverse()), best = null, bd = 40 * 40;
      marks.forEach(function (k) {
        var d = (k.x - q.x) * (k.x - q.x) + (k.y - q.y) * (k.y - q.y);
        if (d < bd) { bd = d; best = k; }
      });
      if (!best) return;
      ring.setAttribute('cx', best.x);
      ring.setAttribute('cy', best.y);
      ring.setAttribute('visibility', 'visible');
      read.textContent = best.say;
    };
    svg.addEventListener('pointermove', show);
    svg.addEventListener('pointerdown', show);
  });

  // ---- The cell table: columns to show, sort by a heading, filter by words and numbers. ----
  var table = doc.getElementById('cells');
  if (table) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var heads = table.tHead.rows[0].cells;
    var key = function (row, i) {
      var c = row.cells[i];
      var v = c.getAttribute('data-v');
      if (v !== null) return v === '' ? NaN : Number(v);
      return c.textContent.trim().toLowerCase();
    };
    // Columns: a style rule per hidden column, a checkbox per column.
    var style = doc.createElement('style');
    doc.head.appendChild(style);
    var hidden = [];
    var restyle = function () {
      // The learning rate stays in view beside the init while the table scrolls sideways.
      table.style.setProperty('--first-col', heads[0].getBoundingClientRect().width + 'px');
      style.textContent = hidden.map(function (h, i) {
        return h ? '#cells tr > :nth-child(' + (i + 1) + ') { display: none; }' : '';
      }).join('\n');
    };
    var choices = doc.querySelector('#cell-columns .choices');
    Array.prototype.forEach.call(heads, function (th, i) {
      hidden[i] = th.getAttribute('data-shown') === '0';
      if (!choices || i === 0) return;
      var l = doc.createElement('label'), b = doc.createElement('input');
      b.type = 'checkbox';
      b.checked = !hidden[i];
      b.setAttribute('data-col', i);
      b.addEventListener('change', function () { hidden[i] = !b.checked; restyle(); });
      l.appendChild(b);
      l.appendChild(doc.createTextNode(' ' + th.textContent));
      choices.appendChild(l);
    });
    restyle();
    Array.prototype.forEach.call(heads, function (th, i) {
      var b = doc.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      b.textContent = th.textContent;
      b.title = 'sort by ' + th.textContent;
      th.textContent = '';
      th.appendChild(b);
      b.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        var sorted = rows.slice().sort(function (a, b) {
          var x = key(a, i), y = key(b, i);
          if (typeof x === 'number' || typeof y === 'number') {
            var xn = isNaN(x), yn = isNaN(y);
            if (xn || yn) return xn === yn ? 0 : (xn ? 1 : -1); // none last either way
            return dir * (x - y);
          }
          return dir * (x < y ? -1 : x > y ? 1 : 0);
        });
        sorted.forEach(function (r) { tbody.appendChild(r); });
      });
    });
    // A typed number matches a value that rounds to it, to the digits typed: "8.79" finds
    // 8.788, "1e-6" finds 1.0e-6, "84%" finds a share of 0.8449.
    var NUM = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?%?$/;
    var matchesNumber = function (word, v) {
      var percent = word.charAt(word.length - 1) === '%', w = percent ? word.slice(0, -1) : word;
      var x = percent ? 100 * v : v, want = Number(w);
      if (!isFinite(x)) return false;
      if (/e/.test(w)) {
        var sig = w.split('e')[0].replace(/^[-+]?0*\.?0*/, '').replace('.', '').length || 1;
        return Number(x.toPrecision(sig)) === want;
      }
      var dec = w.indexOf('.') >= 0 ? w.length - w.indexOf('.') - 1 : 0;
      return Math.abs(x - want) <= 0.5 * Math.pow(10, -dec) * (1 + 1e-12);
    };
    rows.forEach(function (r) {
      r.xsText = r.textContent.toLowerCase().replace(/\s+/g, ' ');
      r.xsNums = [];
      Array.prototype.forEach.call(r.cells, function (c) {
        ['data-v', 'data-w'].forEach(function (a) {
          var v = c.getAttribute(a);
          if (v !== null && v !== '') r.xsNums.push(Number(v));
        });
      });
    });
    var filter = doc.getElementById('cell-filter');
    var count = doc.getElementById('cell-count');
    var idAt = Array.prototype.map.call(heads, function (h) { return h.textContent; }).indexOf('cell');
    var apply = function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r) {
        var kept = !XS.keep || XS.keep[r.cells[idAt].getAttribute('data-v')];
        var okRow = kept && words.every(function (w) {
          if (r.xsText.indexOf(w) >= 0) return true;
          return NUM.test(w) && r.xsNums.some(function (v) { return matchesNumber(w, v); });
        });
        r.hidden = !okRow;
        if (okRow) shown++;
      });
      count.textContent = shown + ' of ' + rows.length + ' cells shown';
    };
    if (filter) { filter.addEventListener('input', apply); apply(); }
    XS.filterCells = apply;
  }

  // ---- Parallel coordinates: drag along an axis to keep the cells whose line passes there. ----
  // The lines and axes are Rust's drawing; their marks say where each line crosses each axis
  // (data-pc) and where each axis runs (data-axis). The script only greys the rest out, outlines
  // the stretch kept, and filters the cell table.
  var pc = doc.querySelector('figure[data-chart=parallel_coordinates] svg.chart');
  if (pc) {
    var marks = pc.querySelectorAll('.hits circle');
    var axes = [], lines = [];
    Array.prototype.forEach.call(marks, function (c) {
      var a = c.getAttribute('data-axis'), p = c.getAttribute('data-pc');
      if (a) { a = a.split(',').map(Number); axes[a[0]] = { x: +c.getAttribute('cx'), top: a[1], bottom: a[2] }; }
      if (p) lines.push({ cell: c.getAttribute('data-cell'), ys: p.split(',').map(Number) });
    });
    var layer = XS.el('g', { 'class': 'pc-layer' });
    pc.insertBefore(layer, pc.querySelector('.hits'));
    var brushes = {}, drag = null;
    var at = function (ev) {
      var p = pc.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY;
      return p.matrixTransform(pc.getScreenCTM().inverse());
    };
    var redraw = function () {
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      var on = Object.keys(brushes);
      var kept = lines.filter(function (l) {
        return on.every(function (i) { var b = brushes[i], y = l.ys[i]; return y >= b[0] && y <= b[1]; });
      });
      XS.keep = null;
      if (on.length) {
        XS.keep = {};
        kept.forEach(function (l) { XS.keep[l.cell] = true; });
        XS.el('rect', { x: 0, y: 0, width: '100%', height: '100%', fill: '#fff', 'fill-opacity': 0.75 }, layer);
        kept.forEach(function (l) {
          XS.el('polyline', { points: l.ys.map(function (y, i) { return axes[i].x + ',' + y; }).join(' '),
            fill: 'none', stroke: '#c0392b', 'stroke-width': 2 }, layer);
        });
        on.forEach(function (i) {
          var b = brushes[i];
          XS.el('rect', { x: axes[i].x - 7, y: b[0], width: 14, height: Math.max(2, b[1] - b[0]),
            fill: 'none', stroke: '#000', 'stroke-width': 2 }, layer);
        });
      }
      axes.forEach(function (a, i) {
        XS.el('rect', { x: a.x - 12, y: a.top, width: 24, height: a.bottom - a.top, fill: 'transparent',
          'class': 'pc-grab', 'data-i': i }, layer);
      });
      if (XS.filterCells) XS.filterCells();
    };
    layer.addEventListener('pointerdown', function (ev) {
      var i = ev.target.getAttribute && ev.target.getAttribute('data-i');
      if (i === null || i === undefined) return;
      var y = at(ev).y;
      drag = { i: i, y0: y, moved: false };
      try { ev.target.setPointerCapture(ev.pointerId); } catch (e) { /* a synthetic pointer */ }
      ev.preventDefault();
    });
    layer.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var y = at(ev).y;
      if (Math.abs(y - drag.y0) > 3) drag.moved = true;
      if (drag.moved) { brushes[drag.i] = [Math.min(drag.y0, y), Math.max(drag.y0, y)]; redraw(); }
    });
    var end = function () {
      if (drag && !drag.moved) { delete brushes[drag.i]; redraw(); }
      drag = null;
    };
    layer.addEventListener('pointerup', end);
    layer.addEventListener('pointercancel', end);
    redraw();
  }
})();
