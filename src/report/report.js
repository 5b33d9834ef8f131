// report.html's interactive parts, added on top of the static page: sorting and filtering of the
// cell table, and the explorer (one cell's loss band, solved-by-epoch curve and its example
// net's decision boundary, drawn here from the numbers and weights embedded as JSON).
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var SVG = 'http://www.w3.org/2000/svg';

  function fmt(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) return '–';
    var s = Number(x.toPrecision(digits || 3));
    return String(s);
  }
  function pct(x) { return (x === null || !isFinite(x)) ? '–' : (100 * x).toFixed(1) + '%'; }

  // ---- The cell table: sort by a column heading, filter by words. ----
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
    var filter = doc.getElementById('cell-filter');
    var count = doc.getElementById('cell-count');
    var apply = function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r) {
        var text = r.getAttribute('data-text');
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + ' of ' + rows.length + ' cells shown';
    };
    rows.forEach(function (r) {
      r.setAttribute('data-text', r.textContent.toLowerCase().replace(/\s+/g, ' '));
    });
    if (filter) { filter.addEventListener('input', apply); apply(); }
  }

  // ---- The explorer. ----
  var holder = doc.getElementById('xs-data');
  var ex = doc.getElementById('explorer');
  if (!holder || !ex) return;
  var data = JSON.parse(holder.textContent);
  var cells = data.cells;
  var byId = {};
  cells.forEach(function (c) { byId[c.id] = c; });
  var selInit = doc.getElementById('ex-init');
  var selLr = doc.getElementById('ex-lr');

  var VIR = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
    [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
  function viridis(t) {
    if (!isFinite(t)) t = 0;
    t = Math.max(0, Math.min(1, t)) * (VIR.length - 1);
    var i = Math.min(Math.floor(t), VIR.length - 2), f = t - i, a = VIR[i], b = VIR[i + 1];
    return [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * f); });
  }
  function rgb(c) { return 'rgb(' + c.join(',') + ')'; }

  // The grid: one button per cell, coloured by its solved share.
  var grid = doc.getElementById('ex-grid');
  var buttons = {};
  (function () {
    var t = doc.createElement('table');
    var head = t.createTHead().insertRow();
    var corner = doc.createElement('th');
    corner.textContent = 'init \\ learning rate';
    head.appendChild(corner);
    data.lrs.forEach(function (lr) {
      var th = doc.createElement('th');
      th.textContent = fmt(lr, 3);
      head.appendChild(th);
    });
    var body = t.createTBody();
    data.inits.forEach(function (init) {
      var tr = body.insertRow();
      var th = doc.createElement('th');
      th.textContent = init;
      tr.appendChild(th);
      data.lrs.forEach(function (lr) {
        var td = tr.insertCell();
        var c = cells.filter(function (k) { return k.init === init && k.lr === lr; })[0];
        if (!c) return;
        var b = doc.createElement('button');
        b.type = 'button';
        var bg = viridis(c.share);
        b.style.background = rgb(bg);
        b.style.color = (0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]) > 140 ? '#000' : '#fff';
        b.textContent = isFinite(c.share) && c.share !== null ? Math.round(100 * c.share) + '%' : '–';
        b.title = init + ' @ learning rate ' + fmt(lr, 4) + ': ' + c.solved + ' of ' + c.nets + ' solved';
        b.setAttribute('aria-pressed', 'false');
        b.setAttribute('data-cell', c.id);
        b.addEventListener('click', function () { select(c.id); });
        buttons[c.id] = b;
        td.appendChild(b);
      });
    });
    grid.appendChild(t);
  })();

  data.inits.forEach(function (init) {
    var o = doc.createElement('option');
    o.value = o.textContent = init;
    selInit.appendChild(o);
  });
  function fillLrs(init, lr) {
    selLr.textContent = '';
    cells.filter(function (c) { return c.init === init; }).forEach(function (c) {
      var o = doc.createElement('option');
      o.value = c.id;
      o.textContent = fmt(c.lr, 4);
      if (c.lr === lr) o.selected = true;
      selLr.appendChild(o);
    });
  }
  selInit.addEventListener('change', function () {
    var cur = byId[ex.getAttribute('data-cell')];
    // The same learning rate in the new init if it has it, else its closest.
    var same = cells.filter(function (c) { return c.init === selInit.value; });
    var best = same[0];
    same.forEach(function (c) {
      if (Math.abs(Math.log(c.lr / cur.lr)) < Math.abs(Math.log(best.lr / cur.lr))) best = c;
    });
    select(best.id);
  });
  selLr.addEventListener('change', function () { select(Number(selLr.value)); });

  // ---- Small SVG charts. ----
  function el(name, attrs, parent) {
    var e = doc.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, anchor, size) {
    var t = el('text', { x: x, y: y, 'text-anchor': anchor || 'middle', 'font-size': size || 11,
      fill: '#333' }, parent);
    t.textContent = s;
    return t;
  }
  var W = 360, H = 250, L = 52, R = 12, T = 14, B = 38;
  // A frame with an x axis of log10(1 + epoch) and the given y axis; returns mappers.
  function frame(svg, maxEpoch, y, yLabel) {
    svg.textContent = '';
    var xs = function (e) { return L + (W - L - R) * Math.log10(1 + e) / Math.log10(1 + maxEpoch); };
    var ys = function (v) { return T + (H - T - B) * (1 - (y.to(v) - y.lo) / (y.hi - y.lo)); };
    el('rect', { x: L, y: T, width: W - L - R, height: H - T - B, fill: '#fff', stroke: '#999' }, svg);
    for (var p = 1; p <= maxEpoch; p *= 10) {
      var x = xs(p);
      el('line', { x1: x, x2: x, y1: T, y2: H - B, stroke: '#eee' }, svg);
      text(svg, x, H - B + 14, p >= 1000 ? (p / 1000) + 'k' : String(p));
    }
    text(svg, xs(0), H - B + 14, '0');
    text(svg, L + (W - L - R) / 2, H - 6, 'epoch (log scale of 1 + epoch)');
    y.ticks.forEach(function (t) {
      var yy = ys(t[0]);
      el('line', { x1: L, x2: W - R, y1: yy, y2: yy, stroke: '#eee' }, svg);
      text(svg, L - 4, yy + 4, t[1], 'end');
    });
    var lab = text(svg, 12, T + (H - T - B) / 2, yLabel);
    lab.setAttribute('transform', 'rotate(-90 12 ' + (T + (H - T - B) / 2) + ')');
    return { x: xs, y: ys };
  }
  function path(xs, ys, m) {
    var d = '', pen = false;
    for (var i = 0; i < xs.length; i++) {
      var v = ys[i];
      if (v === null || !isFinite(v) || !(m.ok ? m.ok(v) : true)) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + m.x(xs[i]).toFixed(1) + ',' + m.y(v).toFixed(1);
      pen = true;
    }
    return d;
  }

  function lossChart(c) {
    var svg = doc.getElementById('ex-loss');
    var ep = data.epochs[c.ei];
    var vals = c.l.concat(c.q1, c.q3).filter(function (v) { return v !== null && isFinite(v) && v > 0; });
    var lo = vals.length ? Math.min.apply(null, vals) : 1e-3, hi = vals.length ? Math.max.apply(null, vals) : 1;
    var dlo = Math.floor(Math.log10(lo * 0.8)), dhi = Math.ceil(Math.log10(hi * 1.25));
    if (dhi <= dlo) dhi = dlo + 1;
    var ticks = [], step = Math.max(1, Math.ceil((dhi - dlo) / 6));
    for (var d = dlo; d <= dhi; d += step) ticks.push([Math.pow(10, d), d >= -3 && d <= 3 ? String(Number(Math.pow(10, d).toPrecision(1))) : '1e' + d]);
    var y = { lo: dlo, hi: dhi, to: Math.log10, ticks: ticks };
    var m = frame(svg, ep[ep.length - 1], y, 'MSE loss (log)');
    m.ok = function (v) { return v > 0; };
    // Band: q3 forwards, q1 back, over the stretch where both are drawable.
    var top = [], bottom = [];
    for (var i = 0; i < ep.length; i++) {
      var a = c.q1[i], b = c.q3[i];
      if (a === null || b === null || !(a > 0) || !(b > 0) || !isFinite(a) || !isFinite(b)) continue;
      top.push(m.x(ep[i]).toFixed(1) + ',' + m.y(b).toFixed(1));
      bottom.unshift(m.x(ep[i]).toFixed(1) + ',' + m.y(a).toFixed(1));
    }
    if (top.length > 1) el('polygon', { points: top.concat(bottom).join(' '), fill: 'rgba(0,114,178,0.25)', class: 'band' }, svg);
    el('path', { d: path(ep, c.l, m), fill: 'none', stroke: 'rgb(0,114,178)', 'stroke-width': 2.5, class: 'median' }, svg);
  }

  function solvedChart(c) {
    var svg = doc.getElementById('ex-solved');
    var ep = data.epochs[c.ei];
    var y = { lo: -0.03, hi: 1.05, to: function (v) { return v; },
      ticks: [[0, '0%'], [0.25, '25%'], [0.5, '50%'], [0.75, '75%'], [1, '100%']] };
    var m = frame(svg, ep[ep.length - 1], y, 'nets solved');
    // Steps: each share held until the next logged epoch.
    var sx = [], sy = [];
    for (var i = 0; i < ep.length; i++) {
      if (i > 0) { sx.push(ep[i]); sy.push(c.s[i - 1]); }
      sx.push(ep[i]); sy.push(c.s[i]);
    }
    el('path', { d: path(sx, sy, m), fill: 'none', stroke: 'rgb(213,94,0)', 'stroke-width': 2.5, class: 'cdf' }, svg);
  }

  function sigmoid(z) { return 1 / (1 + Math.exp(-z)); }
  function output(p, x1, x2) {
    var h1 = sigmoid(p[0] * x1 + p[1] * x2 + p[2]);
    var h2 = sigmoid(p[3] * x1 + p[4] * x2 + p[5]);
    return sigmoid(p[6] * h1 + p[7] * h2 + p[8]);
  }
  function boundary(c) {
    var cv = doc.getElementById('ex-boundary');
    var note = doc.getElementById('ex-boundary-note');
    var g = cv.getContext('2d');
    var n = cv.width, lo = -0.5, hi = 1.5;
    g.fillStyle = '#eee';
    g.fillRect(0, 0, n, n);
    var e = c.ex;
    if (!e || !e.p.every(function (v) { return v !== null && isFinite(v); })) {
      note.textContent = e ? 'this net diverged: its weights are not finite' : 'no example net for this cell';
      g.fillStyle = '#333';
      g.font = '14px sans-serif';
      g.textAlign = 'center';
      g.fillText(note.textContent, n / 2, n / 2);
      return;
    }
    var img = g.createImageData(n, n), out = new Float64Array(n * n);
    var at = function (i) { return lo + (hi - lo) * (i + 0.5) / n; };
    for (var j = 0; j < n; j++) for (var i = 0; i < n; i++) out[j * n + i] = output(e.p, at(i), at(n - 1 - j));
    for (var k = 0; k < n * n; k++) {
      var i2 = k % n, j2 = (k - i2) / n, v = out[k], above = v >= 0.5;
      // On the 0.5 contour: a neighbour within 1 pixel lies on the other side (a 2-3 px line).
      var edge = false;
      for (var d = -1; d <= 1 && !edge; d++) {
        for (var f = -1; f <= 1 && !edge; f++) {
          var ii = i2 + d, jj = j2 + f;
          if (ii >= 0 && jj >= 0 && ii < n && jj < n && (out[jj * n + ii] >= 0.5) !== above) edge = true;
        }
      }
      var col = edge ? [255, 255, 255] : viridis(v);
      img.data[4 * k] = col[0]; img.data[4 * k + 1] = col[1]; img.data[4 * k + 2] = col[2]; img.data[4 * k + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]].forEach(function (q) {
      var px = (q[0] - lo) / (hi - lo) * n, py = (1 - (q[1] - lo) / (hi - lo)) * n;
      g.beginPath();
      g.arc(px, py, 9, 0, 2 * Math.PI);
      g.fillStyle = q[2] ? '#fff' : '#000';
      g.fill();
      g.lineWidth = 2;
      g.strokeStyle = q[2] ? '#000' : '#fff';
      g.stroke();
      g.fillStyle = '#fff';
      g.strokeStyle = '#000';
      g.lineWidth = 3;
      g.font = 'bold 12px sans-serif';
      g.textAlign = 'center';
      var s = 'out ' + fmt(output(e.p, q[0], q[1]), 2);
      g.strokeText(s, px, py + 24);
      g.fillText(s, px, py + 24);
    });
    var right = e.correct === 4 ? 'all 4 cases right' : e.correct + ' of 4 cases right';
    note.textContent = 'Example net (run ' + e.run + '): ' + right +
      (e.solved !== null ? ', solved at epoch ' + e.solved : '') + '; final loss ' + fmt(e.loss, 3) +
      '. Inputs x₁ (across) and x₂ (up) from −0.5 to 1.5; colour: the output (dark 0, yellow 1); white line: output 0.5; circles: the four XOR cases (white: target 1, black: target 0).';
  }

  function select(id) {
    var c = byId[id];
    if (!c) return;
    ex.setAttribute('data-cell', String(id));
    Object.keys(buttons).forEach(function (k) { buttons[k].setAttribute('aria-pressed', String(Number(k) === id)); });
    selInit.value = c.init;
    fillLrs(c.init, c.lr);
    doc.getElementById('ex-title').textContent = c.init + ' at learning rate ' + fmt(c.lr, 4) + ': ' +
      c.solved + ' of ' + c.nets + ' nets solved XOR (' + pct(c.share) + ', 95% interval ' +
      pct(c.ci[0]) + '–' + pct(c.ci[1]) + ')' +
      (c.med !== null ? '; median epoch of solving ' + fmt(c.med, 4) : '') + '.';
    lossChart(c);
    solvedChart(c);
    boundary(c);
  }
  select(data.initial);
})();
