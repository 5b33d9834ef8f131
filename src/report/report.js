// report.html's interactive parts, added on top of the static page (which is complete without
// them): the charts redrawn in the page as panels that reflow to the screen, with a readout of the
// point under the pointer; the cell table's column chooser, sorting and filter; and the explorer,
// which draws one cell's curves and retrains its example nets here, exactly as xorsweep's
// reference trainer does, so that a reader can watch a net learn epoch by epoch.
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var SVG = 'http://www.w3.org/2000/svg';

  // ---- Numbers, spelled as src/format.rs spells them (tests/report_browser.rs compares the two).
  // fmt: format::significant with 4 digits by default (format::value, format::measured), "–" for
  // none or NaN; pct: format::share; epochText: format::epochs.
  function fmt(x, digits) {
    if (x === null || x === undefined || isNaN(x)) return '–';
    if (!isFinite(x)) return x > 0 ? 'inf' : '-inf';
    var r = Number(x.toPrecision(digits || 4));
    if (r === 0) return '0';
    var a = Math.abs(r);
    // Both languages write the shortest digits that read back; format.rs uses an exponent
    // outside [0.001, 10⁶), JavaScript only outside [10⁻⁶, 10²¹).
    return a >= 1e-3 && a < 1e6 ? String(r) : r.toExponential().replace('e+', 'e');
  }
  function pct(f) {
    if (f === null || f === undefined || !isFinite(f)) return '–';
    if (f > 0 && f < 0.001) return '<0.1%';
    if (f > 0.999 && f < 1) return '>99.9%';
    var p = 100 * f;
    if (f === 0 || f === 1 || (f >= 0.1 && f <= 0.9)) return Math.round(p).toFixed(0) + '%';
    return (Math.round(p * 10) / 10).toFixed(1) + '%';
  }
  function epochText(e) {
    if (e === null || e === undefined || !isFinite(e)) return '–';
    return e % 1 === 0 ? e.toFixed(0) : e.toFixed(1);
  }
  // Exposed for the browser test, to hold these to format.rs.
  window.xorsweepFormat = { significant: fmt, share: pct, epochs: epochText };

  var holder = doc.getElementById('xs-data');
  var data = holder ? JSON.parse(holder.textContent) : null;
  var byId = {};
  if (data) data.cells.forEach(function (c) { byId[c.id] = c; });

  // ---- The trainer: src/train/reference.rs, line by line. ----
  var CASES = [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]];
  // The lesson's trainer (from the table in src/train/options.rs, rates aside); examples.csv's
  // columns override it when present.
  var LESSON = (data && data.lesson) || {};
  function trainerOptions(ex, lr) {
    var o = {};
    Object.keys(LESSON).forEach(function (k) { o[k] = LESSON[k]; });
    Object.keys(ex.o || {}).forEach(function (k) {
      if (ex.o[k] !== null && ex.o[k] !== undefined) o[k] = ex.o[k];
    });
    if (o.lr_hidden === undefined) o.lr_hidden = lr;
    if (o.lr_out === undefined) o.lr_out = lr;
    return o;
  }
  function sigmoid(z) { return 1 / (1 + Math.exp(-z)); }
  function activate(o, z) {
    switch (o.activation) {
      case 'tanh': return Math.tanh(z);
      case 'relu': return Math.max(z, 0);
      case 'identity': return z;
      default: return sigmoid(z);
    }
  }
  function hiddenDelta(o, dOut, v, z, h) {
    switch (o.activation) {
      case 'tanh': return dOut * v * (1 - h * h);
      case 'relu': return dOut * v * (z > 0 ? 1 : 0);
      case 'identity': return dOut * v;
      default: return dOut * v * h * (1 - h);
    }
  }
  function outUnit(o, z) { return o.output === 'linear' ? z : sigmoid(z); }
  function caseLoss(o, out, y) {
    if (o.loss === 'bce') return y === 1 ? -Math.log(out) : -Math.log(1 - out);
    return (out - y) * (out - y);
  }
  function outputDelta(o, out, y) {
    if (o.loss === 'bce') return out - y;
    if (o.output === 'linear') return 2 * (out - y);
    return 2 * (out - y) * out * (1 - out);
  }
  function caseGradient(p, o, q) {
    var x1 = q[0], x2 = q[1], y = q[2];
    var z1 = p[0] * x1 + p[1] * x2 + p[2];
    var z2 = p[3] * x1 + p[4] * x2 + p[5];
    var h1 = activate(o, z1), h2 = activate(o, z2);
    var out = outUnit(o, p[6] * h1 + p[7] * h2 + p[8]);
    var dOut = outputDelta(o, out, y);
    var d1 = hiddenDelta(o, dOut, p[6], z1, h1), d2 = hiddenDelta(o, dOut, p[7], z2, h2);
    return [d1 * x1, d1 * x2, d1, d2 * x1, d2 * x2, d2, dOut * h1, dOut * h2, dOut];
  }
  // Outputs for 00, 01, 10, 11 and the trainer's loss (mean over the cases).
  function forward(p, o) {
    var outs = [], loss = 0;
    CASES.forEach(function (q) {
      var h1 = activate(o, p[0] * q[0] + p[1] * q[1] + p[2]);
      var h2 = activate(o, p[3] * q[0] + p[4] * q[1] + p[5]);
      var out = outUnit(o, p[6] * h1 + p[7] * h2 + p[8]);
      outs.push(out);
      loss += caseLoss(o, out, q[2]);
    });
    return { outs: outs, loss: loss / 4 };
  }
  function correct(outs) {
    return outs.filter(function (v, i) { return CASES[i][2] > 0.5 ? v > 0.5 : v < 0.5; }).length;
  }
  // Clipping by norm: g·(c/‖g‖) where ‖g‖ > c > 0, ‖g‖² summed in parameter order.
  function clip(grad, c) {
    if (!c) return grad;
    var n2 = grad[0] * grad[0];
    for (var k = 1; k < 9; k++) n2 += grad[k] * grad[k];
    var norm = Math.sqrt(n2);
    return norm > c ? grad.map(function (g) { return g * (c / norm); }) : grad;
  }
  function applyStep(p, vel, o, grad0) {
    var grad = clip(grad0, o.clip);
    for (var k = 0; k < 9; k++) {
      var g = grad[k];
      if (o.weight_decay !== 0) g += o.weight_decay * p[k];
      var step = g;
      if (o.momentum !== 0) { vel[k] = o.momentum * vel[k] + g; step = vel[k]; }
      p[k] -= (k < 6 ? o.lr_hidden : o.lr_out) * step;
    }
  }
  function epochStep(p, vel, o) {
    if (o.batch === 'online') {
      CASES.forEach(function (q) { applyStep(p, vel, o, caseGradient(p, o, q)); });
      return;
    }
    var sum = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    CASES.forEach(function (q) {
      var g = caseGradient(p, o, q);
      for (var k = 0; k < 9; k++) sum[k] += g[k];
    });
    applyStep(p, vel, o, sum.map(function (s) { return s / 4; }));
  }
  // The whole run: the weights after every epoch 0..=epochs and the loss of each.
  function train(p0, o, epochs) {
    var W = new Float64Array((epochs + 1) * 9), L = new Float64Array(epochs + 1);
    var p = p0.slice(), vel = [0, 0, 0, 0, 0, 0, 0, 0, 0], solved = null;
    for (var e = 0; e <= epochs; e++) {
      for (var k = 0; k < 9; k++) W[e * 9 + k] = p[k];
      var f = forward(p, o);
      L[e] = f.loss;
      if (solved === null && correct(f.outs) === 4) solved = e;
      if (e < epochs) epochStep(p, vel, o);
    }
    return { W: W, L: L, solved: solved, epochs: epochs, o: o,
      at: function (e) { return Array.prototype.slice.call(W, e * 9, e * 9 + 9); } };
  }
  // Exposed for the browser test: retrain a cell's example net and return its final weights.
  window.xorsweepRetrain = function (id, role) {
    var c = byId[id], ex = c && c.ex.filter(function (x) { return x.role === (role || 'first'); })[0];
    if (!ex || !ex.p0) return null;
    var ep = data.epochs[c.ei];
    var t = train(ex.p0, trainerOptions(ex, c.lr), ep[ep.length - 1]);
    return { got: t.at(t.epochs), want: ex.p, solved: t.solved, wantSolved: ex.solved };
  };

  // ---- Small SVG panels. ----
  function el(name, attrs, parent) {
    var e = doc.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  var FONT = 12;
  function text(parent, x, y, s, anchor, size, colour) {
    var t = el('text', { x: x, y: y, 'text-anchor': anchor || 'middle', 'font-size': size || FONT,
      fill: colour || '#333' }, parent);
    t.textContent = s;
    return t;
  }
  var VIR = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
    [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
  function viridis(t) {
    if (!isFinite(t)) t = 0;
    t = Math.max(0, Math.min(1, t)) * (VIR.length - 1);
    var i = Math.min(Math.floor(t), VIR.length - 2), f = t - i, a = VIR[i], b = VIR[i + 1];
    return [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * f); });
  }
  function rgb(c) { return 'rgb(' + c.join(',') + ')'; }
  var BLUE = 'rgb(0,114,178)', ORANGE = 'rgb(213,94,0)', GREY = '#aaa';

  function ok(v) { return v !== null && v !== undefined && isFinite(v); }
  // An axis: kind 'lin', 'log' or 'log1p' (log of 1 + x, for epochs from 0) over [lo, hi].
  function axis(kind, lo, hi) {
    var f = kind === 'log' ? Math.log10 : kind === 'log1p' ? function (x) { return Math.log10(1 + x); } : function (x) { return x; };
    var a = f(lo), b = f(hi);
    if (!(b > a)) { b = a + 1; }
    return { kind: kind, lo: lo, hi: hi, t: function (x) { return (f(x) - a) / (b - a); },
      valid: function (x) { return ok(x) && (kind !== 'log' || x > 0) && (kind !== 'log1p' || x > -1); } };
  }
  function logTicks(lo, hi) {
    var out = [], d0 = Math.floor(Math.log10(lo)), d1 = Math.ceil(Math.log10(hi));
    var step = Math.max(1, Math.ceil((d1 - d0) / 5));
    for (var d = d0; d <= d1; d += step) {
      var v = Math.pow(10, d);
      if (v >= lo * 0.999 && v <= hi * 1.001) out.push([v, d >= -3 && d <= 4 ? fmt(v) : '1e' + d]);
    }
    return out;
  }
  function epochTicks(hi) {
    var out = [[0, '0']];
    for (var p = 1; p <= hi; p *= 10) out.push([p, p >= 1000 ? (p / 1000) + 'k' : String(p)]);
    return out;
  }
  function linTicks(lo, hi, n) {
    var raw = (hi - lo) / (n || 4), mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).filter(function (s) { return s >= raw; })[0];
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push([v, Math.abs(v) >= 10000 ? fmt(v / 1000) + 'k' : fmt(v)]);
    return out;
  }
  function range(vals, log) {
    var v = vals.filter(function (x) { return ok(x) && (!log || x > 0); });
    if (!v.length) return null;
    return [Math.min.apply(null, v), Math.max.apply(null, v)];
  }

  // One panel: spec = { title, x: {kind, lo, hi, label, ticks}, y: {...}, shade: [x0, x1],
  // series: [{ type: 'line' | 'pts' | 'band', name, x, y, lo, hi, colour, dash, width }] }.
  // Returns the panel's element and its mappers; pointing at it shows the nearest point's values.
  var W = 360, H = 250, PL = 58, PR = 12, PT = 26, PB = 42;
  function panel(parent, spec) {
    var box = doc.createElement('div');
    box.className = 'panel';
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': spec.title || '' });
    box.appendChild(svg);
    var read = doc.createElement('p');
    read.className = 'readout';
    read.setAttribute('aria-live', 'polite');
    read.textContent = spec.hint || '';
    box.appendChild(read);
    parent.appendChild(box);
    var x = spec.x, y = spec.y;
    var mx = function (v) { return PL + (W - PL - PR) * x.ax.t(v); };
    var my = function (v) { return PT + (H - PT - PB) * (1 - y.ax.t(v)); };
    text(svg, W / 2, 16, spec.title || '', 'middle', 13, '#000').setAttribute('font-weight', 'bold');
    el('rect', { x: PL, y: PT, width: W - PL - PR, height: H - PT - PB, fill: '#fff', stroke: '#999' }, svg);
    if (spec.shade && ok(spec.shade[0])) {
      var s0 = mx(spec.shade[0]), s1 = mx(spec.shade[1]);
      el('rect', { x: Math.min(s0, s1) - 4, y: PT, width: Math.abs(s1 - s0) + 8, height: H - PT - PB,
        fill: 'rgba(240,180,60,0.22)', class: 'shade' }, svg);
    }
    (x.ticks || []).forEach(function (t) {
      var xx = mx(t[0]);
      el('line', { x1: xx, x2: xx, y1: PT, y2: H - PB, stroke: '#eee' }, svg);
      text(svg, xx, H - PB + 15, t[1]);
    });
    (y.ticks || []).forEach(function (t) {
      var yy = my(t[0]);
      el('line', { x1: PL, x2: W - PR, y1: yy, y2: yy, stroke: '#eee' }, svg);
      text(svg, PL - 4, yy + 4, t[1], 'end');
    });
    text(svg, PL + (W - PL - PR) / 2, H - 8, x.label || '');
    var lab = text(svg, 13, PT + (H - PT - PB) / 2, y.label || '');
    lab.setAttribute('transform', 'rotate(-90 13 ' + (PT + (H - PT - PB) / 2) + ')');
    var points = [];
    var clip = function (v) { return Math.max(PT - 2, Math.min(H - PB + 2, v)); };
    (spec.series || []).forEach(function (s) {
      var good = function (i) { return x.ax.valid(s.x[i]) && y.ax.valid(s.y[i]); };
      if (s.type === 'band') {
        var top = [], bot = [];
        s.x.forEach(function (xv, i) {
          if (!x.ax.valid(xv) || !y.ax.valid(s.lo[i]) || !y.ax.valid(s.hi[i])) return;
          top.push(mx(xv).toFixed(1) + ',' + clip(my(s.hi[i])).toFixed(1));
          bot.unshift(mx(xv).toFixed(1) + ',' + clip(my(s.lo[i])).toFixed(1));
        });
        if (top.length > 1) el('polygon', { points: top.concat(bot).join(' '), fill: s.colour, class: s.cls || 'band' }, svg);
        return;
      }
      if (s.type === 'line') {
        var d = '', pen = false;
        s.x.forEach(function (xv, i) {
          if (!good(i)) { pen = false; return; }
          d += (pen ? 'L' : 'M') + mx(xv).toFixed(1) + ',' + clip(my(s.y[i])).toFixed(1);
          pen = true;
        });
        el('path', { d: d, fill: 'none', stroke: s.colour, 'stroke-width': s.width || 2,
          'stroke-dasharray': s.dash || 'none', class: s.cls || 'line' }, svg);
      }
      s.x.forEach(function (xv, i) {
        if (!good(i)) return;
        var px = mx(xv), py = clip(my(s.y[i]));
        if (s.type === 'pts') {
          if (s.lo && y.ax.valid(s.lo[i]) && y.ax.valid(s.hi[i])) {
            el('line', { x1: px, x2: px, y1: clip(my(s.lo[i])), y2: clip(my(s.hi[i])), stroke: s.colour, 'stroke-width': 2 }, svg);
          }
          el('circle', { cx: px, cy: py, r: s.r || 3.5, fill: s.colour, class: s.cls || 'pt' }, svg);
        }
        if (s.name !== undefined) points.push({ px: px, py: py, s: s, i: i });
      });
    });
    var mark = el('circle', { r: 5, fill: 'none', stroke: '#000', 'stroke-width': 2, visibility: 'hidden' }, svg);
    var show = function (ev) {
      var r = svg.getBoundingClientRect();
      if (!r.width || !points.length) return;
      var sx = (ev.clientX - r.left) * W / r.width, sy = (ev.clientY - r.top) * H / r.height;
      var best = null, bd = Infinity;
      points.forEach(function (p) {
        var dd = (p.px - sx) * (p.px - sx) + (p.py - sy) * (p.py - sy);
        if (dd < bd) { bd = dd; best = p; }
      });
      mark.setAttribute('cx', best.px);
      mark.setAttribute('cy', best.py);
      mark.setAttribute('visibility', 'visible');
      var s = best.s, i = best.i;
      read.textContent = (s.name ? s.name + ': ' : '') + (s.xText ? s.xText(s.x[i]) : x.label + ' ' + fmt(s.x[i])) +
        ', ' + (s.yText ? s.yText(s.y[i], i) : (y.name || y.label) + ' ' + fmt(s.y[i]));
    };
    svg.addEventListener('pointermove', show);
    svg.addEventListener('pointerdown', show);
    return { box: box, svg: svg, x: mx, y: my, read: read };
  }
  function lrAxis(lrs) {
    var r = range(lrs, true) || [0.1, 10];
    return { ax: axis('log', r[0] / 1.4, r[1] * 1.4), label: 'learning rate (log scale)', ticks: logTicks(r[0] / 1.4, r[1] * 1.4) };
  }
  function epochAxis(maxE) {
    return { ax: axis('log1p', 0, maxE), label: 'epoch (log scale of 1 + epoch)', ticks: epochTicks(maxE) };
  }
  var SHARE = { ax: axis('lin', -0.03, 1.05), label: 'nets solved', name: 'solved',
    ticks: [[0, '0%'], [0.25, '25%'], [0.5, '50%'], [0.75, '75%'], [1, '100%']] };
  function lossAxis(vals, label) {
    var r = range(vals, true) || [1e-3, 1];
    var lo = Math.pow(10, Math.floor(Math.log10(r[0] * 0.8))), hi = Math.pow(10, Math.ceil(Math.log10(r[1] * 1.25)));
    return { ax: axis('log', lo, hi), label: label || 'loss (log scale)', name: 'loss', ticks: logTicks(lo, hi) };
  }
  function cellsOf(ids) { return ids.map(function (id) { return byId[id]; }).filter(Boolean); }
  function pick(arr, f) { return arr.map(f); }
  function lrText(v) { return 'learning rate ' + fmt(v); }
  function epochT(v) { return 'epoch ' + epochText(v); }
  function shareText(c) { return function (v) { return pct(v) + ' solved (' + c.solved + ' of ' + c.nets + ')'; }; }

  // ---- The charts, drawn in the page from the embedded data. ----
  var LIVE = {
    baseline_loss: function (box) {
      var b = data.baseline;
      if (!b) return false;
      var p = panel(box, { title: 'The lesson\u2019s run at learning rate ' + fmt(b.lr),
        x: { ax: axis('lin', 0, b.e[b.e.length - 1]), label: 'epoch', ticks: linTicks(0, b.e[b.e.length - 1], 4) },
        y: lossAxis(b.l, 'MSE loss (log scale)'),
        series: [{ type: 'line', name: '', x: b.e, y: b.l, colour: BLUE, width: 2.5, xText: epochT,
          yText: function (v) { return 'loss ' + fmt(v); } }] });
      if (b.solved !== null) {
        var sx = p.x(b.solved);
        el('line', { x1: sx, x2: sx, y1: PT, y2: H - PB, stroke: '#333', 'stroke-dasharray': '3 3' }, p.svg);
        text(p.svg, sx + 4, PT + 14, 'solved at ' + b.solved, 'start');
      }
      return true;
    },
    solved_by_lr: function (box) {
      var gs = data.groups.filter(function (g) { return g.indep; });
      if (!gs.length) return false;
      gs.forEach(function (g) {
        var cs = cellsOf(g.cells), lrs = pick(cs, function (c) { return c.lr; });
        var tied = cellsOf(g.tied), shade = tied.length ? [tied[0].lr, tied[tied.length - 1].lr] : null;
        var xa = lrAxis(lrs);
        panel(box, { title: g.label + ': share solved (95% interval)', x: xa, y: SHARE, shade: shade,
          series: [{ type: 'line', x: lrs, y: pick(cs, function (c) { return c.share; }), colour: BLUE },
            { type: 'pts', name: g.label, x: lrs, y: pick(cs, function (c) { return c.share; }),
              lo: pick(cs, function (c) { return c.ci[0]; }), hi: pick(cs, function (c) { return c.ci[1]; }), colour: BLUE,
              xText: lrText, yText: function (v, i) { return pct(v) + ' solved, 95% interval ' + pct(cs[i].ci[0]) + '–' + pct(cs[i].ci[1]); } }] });
        var med = pick(cs, function (c) { return c.se[1]; });
        panel(box, { title: g.label + ': median epoch of solving', x: xa,
          y: lossAxis(cs.map(function (c) { return c.se[0]; }).concat(cs.map(function (c) { return c.se[2]; })), 'epoch solved (log scale)'),
          shade: shade,
          series: [{ type: 'line', x: lrs, y: med, colour: ORANGE },
            { type: 'pts', name: g.label, x: lrs, y: med, lo: pick(cs, function (c) { return c.se[0]; }),
              hi: pick(cs, function (c) { return c.se[2]; }), colour: ORANGE, xText: lrText,
              yText: function (v, i) { return 'median epoch ' + epochText(v) + ', quartiles ' + epochText(cs[i].se[0]) + '–' + epochText(cs[i].se[2]); } }] });
      });
      return true;
    },
    loss_by_lr: function (box) {
      var g = data.groups.filter(function (k) { return k.label === data.chart_group; })[0];
      if (!g) return false;
      // The learning rates loss_by_lr.png draws (the best, the fastest, the lesson's, spread).
      var cs = cellsOf(data.loss_cells);
      if (!cs.length) return false;
      var all = [];
      cs.forEach(function (c) { all = all.concat(c.q1, c.q3, c.l); });
      var ya = lossAxis(all, 'MSE loss (log scale)');
      cs.forEach(function (c) {
        var ep = data.epochs[c.ei], xa = epochAxis(ep[ep.length - 1]);
        var others = cellsOf(g.cells).filter(function (k) { return k !== c; }).map(function (k) {
          return { type: 'line', x: data.epochs[k.ei], y: k.l, colour: '#ddd', width: 1 };
        });
        panel(box, { title: g.label + ' at learning rate ' + fmt(c.lr), x: xa, y: ya,
          series: others.concat([{ type: 'band', x: ep, lo: c.q1, hi: c.q3, colour: 'rgba(0,114,178,0.25)' },
            { type: 'line', name: 'median', x: ep, y: c.l, colour: BLUE, width: 2.5, xText: epochT,
              yText: function (v, i) { return 'loss ' + fmt(v) + ', middle half ' + fmt(c.q1[i]) + '–' + fmt(c.q3[i]); } }]) });
      });
      return true;
    },
    convergence_heatmap: function (box) {
      var gs = data.groups.filter(function (g) { return g.indep; });
      if (!gs.length) return false;
      var lrs = [];
      gs.forEach(function (g) { cellsOf(g.cells).forEach(function (c) { if (lrs.indexOf(c.lr) < 0) lrs.push(c.lr); }); });
      lrs.sort(function (a, b) { return a - b; });
      var cw = (W - 70 - PR) / lrs.length, ch = Math.min(26, (H - PT - PB) / gs.length);
      var div = doc.createElement('div');
      div.className = 'panel';
      var h = PT + ch * gs.length + 44;
      var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + h, role: 'img', 'aria-label': 'share solved per init and learning rate' });
      div.appendChild(svg);
      var read = doc.createElement('p');
      read.className = 'readout';
      read.textContent = 'Colour: share solved, dark 0 to yellow 100%. Point at a square to read it.';
      div.appendChild(read);
      box.appendChild(div);
      text(svg, W / 2, 16, 'Share of nets solved', 'middle', 13, '#000').setAttribute('font-weight', 'bold');
      gs.forEach(function (g, r) {
        text(svg, 66, PT + ch * r + ch / 2 + 4, g.label.replace(/^uniform:/, 'U ').replace(/^normal:/, 'N '), 'end');
        cellsOf(g.cells).forEach(function (c) {
          var k = lrs.indexOf(c.lr), col = viridis(c.share);
          var sq = el('rect', { x: 70 + cw * k, y: PT + ch * r, width: cw - 1, height: ch - 1, fill: rgb(col), class: 'sq' }, svg);
          var say = function () { read.textContent = g.label + ' at ' + lrText(c.lr) + ': ' + pct(c.share) + ' solved (' + c.solved + ' of ' + c.nets + ')'; };
          sq.addEventListener('pointermove', say);
          sq.addEventListener('pointerdown', say);
        });
      });
      var ticks = logTicks(lrs[0], lrs[lrs.length - 1]);
      ticks.forEach(function (t) {
        var i = lrs.reduce(function (b, v, j) { return Math.abs(Math.log(v / t[0])) < Math.abs(Math.log(lrs[b] / t[0])) ? j : b; }, 0);
        text(svg, 70 + cw * (i + 0.5), PT + ch * gs.length + 15, t[1]);
      });
      text(svg, 70 + (W - 70) / 2, h - 8, 'learning rate (log scale)');
      return true;
    },
    epochs_to_solve: function (box) {
      var g = data.groups.filter(function (k) { return k.label === data.chart_group; })[0];
      if (!g) return false;
      var cs = cellsOf(g.cells);
      if (!cs.length) return false;
      var maxE = Math.max.apply(null, cs.map(function (c) { var e = data.epochs[c.ei]; return e[e.length - 1]; }));
      panel(box, { title: g.label + ': share solved by each epoch', x: epochAxis(maxE), y: SHARE,
        hint: 'One line per learning rate (dark: small, yellow: large).',
        series: cs.map(function (c, i) {
          return { type: 'line', name: lrText(c.lr), x: data.epochs[c.ei], y: c.s, colour: rgb(viridis(cs.length > 1 ? i / (cs.length - 1) : 0)),
            xText: epochT, yText: function (v) { return pct(v) + ' solved'; } };
        }) });
      return true;
    },
    symmetry_breaking: function (box) {
      var sy = data.sym;
      if (!sy) return false;
      var near = cellsOf(sy.near), sym = sy.sym !== null ? byId[sy.sym] : null;
      if (!near.length && !sym) return false;
      var all = [];
      near.forEach(function (c) { all = all.concat(c.g); });
      if (near.length) {
        var maxE = Math.max.apply(null, near.map(function (c) { var e = data.epochs[c.ei]; return e[e.length - 1]; }));
        panel(box, { title: '(a) median hidden gap, learning rate ' + fmt(sy.lr), x: epochAxis(maxE),
          y: lossAxis(all, 'hidden gap (log scale)'),
          series: near.map(function (c, i) {
            return { type: 'line', name: 'ε = ' + fmt(c.eps), x: data.epochs[c.ei], y: c.g,
              colour: rgb(viridis(near.length > 1 ? i / (near.length - 1) : 0)), xText: epochT,
              yText: function (v) { return 'gap ' + fmt(v); } };
          }) });
        var eps = pick(near, function (c) { return c.eps; });
        var r = range(eps, true), xa = { ax: axis('log', r[0] / 3, r[1] * 3), label: 'ε: initial difference (log scale)', ticks: logTicks(r[0] / 3, r[1] * 3) };
        panel(box, { title: '(b) nets that solve XOR (95% interval)', x: xa, y: SHARE,
          hint: sym ? 'ε = 0 (' + sym.init + '): ' + sym.solved + ' of ' + sym.nets + ' solved.' : undefined,
          series: [{ type: 'line', x: eps, y: pick(near, function (c) { return c.share; }), colour: BLUE },
            { type: 'pts', name: '', x: eps, y: pick(near, function (c) { return c.share; }), lo: pick(near, function (c) { return c.ci[0]; }),
              hi: pick(near, function (c) { return c.ci[1]; }), colour: BLUE, xText: function (v) { return 'ε = ' + fmt(v); },
              yText: function (v, i) { return pct(v) + ' solved (' + near[i].solved + ' of ' + near[i].nets + '), 95% interval ' + pct(near[i].ci[0]) + '–' + pct(near[i].ci[1]); } }] });
        var med = pick(near, function (c) { return c.se[1]; });
        panel(box, { title: '(c) epoch at which they solve', x: xa,
          y: lossAxis(near.map(function (c) { return c.se[0]; }).concat(near.map(function (c) { return c.se[2]; })), 'epoch (log scale)'),
          series: [{ type: 'pts', name: '', x: eps, y: med, lo: pick(near, function (c) { return c.se[0]; }), hi: pick(near, function (c) { return c.se[2]; }),
            colour: ORANGE, xText: function (v) { return 'ε = ' + fmt(v); },
            yText: function (v, i) { return 'median epoch ' + epochText(v) + ' over ' + near[i].solved + ' solved nets'; } }] });
      }
      return true;
    },
    decision_boundaries: function (box) {
      var cs = cellsOf(data.bnd);
      if (!cs.length) return false;
      cs.forEach(function (c) {
        var ex = c.ex[0];
        var div = doc.createElement('div');
        div.className = 'panel';
        var t = doc.createElement('p');
        t.className = 'ptitle';
        t.textContent = c.init + ' at ' + lrText(c.lr) + ' (run ' + ex.run + ')';
        div.appendChild(t);
        var cv = doc.createElement('canvas');
        cv.width = cv.height = 240;
        div.appendChild(cv);
        var read = doc.createElement('p');
        read.className = 'readout';
        div.appendChild(read);
        box.appendChild(div);
        boundary(cv, ex.p, trainerOptions(ex, c.lr), read);
        read.textContent = verdict(ex.correct, ex.solved) + '. Point at the square to read the output.';
      });
      return true;
    }
  };
  function verdict(k, solved) {
    return (k === 4 ? 'all 4 cases right' : k + ' of 4 cases right') + (solved !== null && solved !== undefined ? ', solved at epoch ' + solved : '');
  }

  // A net's output over the input square [−0.5, 1.5]², the 0.5 contour in white, the four cases.
  function boundary(cv, p, o, read) {
    var g = cv.getContext('2d'), n = cv.width, lo = -0.5, hi = 1.5;
    g.fillStyle = '#eee';
    g.fillRect(0, 0, n, n);
    if (!p.every(ok)) {
      g.fillStyle = '#333';
      g.font = '14px sans-serif';
      g.textAlign = 'center';
      g.fillText('diverged: weights not finite', n / 2, n / 2);
      return;
    }
    var net = function (x1, x2) {
      var h1 = activate(o, p[0] * x1 + p[1] * x2 + p[2]), h2 = activate(o, p[3] * x1 + p[4] * x2 + p[5]);
      return outUnit(o, p[6] * h1 + p[7] * h2 + p[8]);
    };
    var img = g.createImageData(n, n), out = new Float64Array(n * n);
    var at = function (i) { return lo + (hi - lo) * (i + 0.5) / n; };
    for (var j = 0; j < n; j++) for (var i = 0; i < n; i++) out[j * n + i] = net(at(i), at(n - 1 - j));
    for (var k = 0; k < n * n; k++) {
      var i2 = k % n, j2 = (k - i2) / n, above = out[k] >= 0.5, edge = false;
      for (var d = -1; d <= 1 && !edge; d++) {
        for (var f = -1; f <= 1 && !edge; f++) {
          var ii = i2 + d, jj = j2 + f;
          if (ii >= 0 && jj >= 0 && ii < n && jj < n && (out[jj * n + ii] >= 0.5) !== above) edge = true;
        }
      }
      var col = edge ? [255, 255, 255] : viridis(out[k]);
      img.data[4 * k] = col[0]; img.data[4 * k + 1] = col[1]; img.data[4 * k + 2] = col[2]; img.data[4 * k + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    CASES.forEach(function (q) {
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
      g.font = 'bold 13px sans-serif';
      g.textAlign = 'center';
      var s = 'out ' + fmt(net(q[0], q[1]), 2);
      g.strokeText(s, px, py + 25);
      g.fillText(s, px, py + 25);
    });
    if (read) {
      var say = function (ev) {
        var r = cv.getBoundingClientRect();
        var x1 = lo + (hi - lo) * (ev.clientX - r.left) / r.width, x2 = hi - (hi - lo) * (ev.clientY - r.top) / r.height;
        read.textContent = 'x₁ = ' + x1.toFixed(2) + ', x₂ = ' + x2.toFixed(2) + ': output ' + fmt(net(x1, x2), 3);
      };
      cv.onpointermove = say;
      cv.onpointerdown = say;
    }
  }

  if (data) {
    Array.prototype.forEach.call(doc.querySelectorAll('figure[data-chart]'), function (fig) {
      var draw = LIVE[fig.getAttribute('data-chart')], box = fig.querySelector('.live');
      if (draw && box && draw(box)) {
        fig.classList.add('live-on');
        if (box.children.length === 1) box.classList.add('single');
      }
    });
  }

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
    var apply = function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r) {
        var okRow = words.every(function (w) {
          if (r.xsText.indexOf(w) >= 0) return true;
          return NUM.test(w) && r.xsNums.some(function (v) { return matchesNumber(w, v); });
        });
        r.hidden = !okRow;
        if (okRow) shown++;
      });
      count.textContent = shown + ' of ' + rows.length + ' cells shown';
    };
    if (filter) { filter.addEventListener('input', apply); apply(); }
  }

  // ---- The explorer. ----
  var ex = doc.getElementById('explorer');
  if (!data || !ex) return;
  var cells = data.cells;
  var selInit = doc.getElementById('ex-init');
  var selLr = doc.getElementById('ex-lr');
  var state = { cell: null, role: 'first', epoch: 0 };

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
        b.textContent = ok(c.share) ? Math.round(100 * c.share) + '%' : '–';
        b.title = init + ' @ learning rate ' + fmt(lr) + ': ' + c.solved + ' of ' + c.nets + ' solved';
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
      o.textContent = fmt(c.lr);
      if (c.lr === lr) o.selected = true;
      selLr.appendChild(o);
    });
  }
  selInit.addEventListener('change', function () {
    var cur = byId[state.cell];
    // The same learning rate in the new init if it has it, else its closest.
    var same = cells.filter(function (c) { return c.init === selInit.value; });
    var best = same[0];
    same.forEach(function (c) {
      if (Math.abs(Math.log(c.lr / cur.lr)) < Math.abs(Math.log(best.lr / cur.lr))) best = c;
    });
    select(best.id);
  });
  selLr.addEventListener('change', function () { select(Number(selLr.value)); });

  function frame(svg, maxEpoch, ya) {
    svg.textContent = '';
    var box = doc.createElement('div');
    var p = panel(box, { x: epochAxis(maxEpoch), y: ya, series: [] });
    while (p.svg.firstChild) svg.appendChild(p.svg.firstChild);
    return p;
  }
  function lossChart(c) {
    var svg = doc.getElementById('ex-loss'), ep = data.epochs[c.ei];
    var m = frame(svg, ep[ep.length - 1], lossAxis(c.l.concat(c.q1, c.q3)));
    var top = [], bottom = [];
    for (var i = 0; i < ep.length; i++) {
      var a = c.q1[i], b = c.q3[i];
      if (!ok(a) || !ok(b) || !(a > 0) || !(b > 0)) continue;
      top.push(m.x(ep[i]).toFixed(1) + ',' + m.y(b).toFixed(1));
      bottom.unshift(m.x(ep[i]).toFixed(1) + ',' + m.y(a).toFixed(1));
    }
    if (top.length > 1) el('polygon', { points: top.concat(bottom).join(' '), fill: 'rgba(0,114,178,0.25)', class: 'band' }, svg);
    el('path', { d: pathOf(ep, c.l, m, true), fill: 'none', stroke: BLUE, 'stroke-width': 2.5, class: 'median' }, svg);
  }
  function pathOf(xs, ys, m, log) {
    var d = '', pen = false;
    for (var i = 0; i < xs.length; i++) {
      var v = ys[i];
      if (!ok(v) || (log && !(v > 0))) { pen = false; continue; }
      d += (pen ? 'L' : 'M') + m.x(xs[i]).toFixed(1) + ',' + m.y(v).toFixed(1);
      pen = true;
    }
    return d;
  }
  function solvedChart(c) {
    var svg = doc.getElementById('ex-solved'), ep = data.epochs[c.ei];
    var m = frame(svg, ep[ep.length - 1], SHARE);
    var sx = [], sy = [];
    for (var i = 0; i < ep.length; i++) {
      if (i > 0) { sx.push(ep[i]); sy.push(c.s[i - 1]); }
      sx.push(ep[i]); sy.push(c.s[i]);
    }
    el('path', { d: pathOf(sx, sy, m, false), fill: 'none', stroke: ORANGE, 'stroke-width': 2.5, class: 'cdf' }, svg);
  }

  // ---- Watch a net learn. ----
  var ROLES = [['first', 'its first net'], ['first_solved', 'its first net that solved'], ['first_failed', 'its first net that failed']];
  var run = null, timer = null;
  var slider = doc.getElementById('w-epoch'), playB = doc.getElementById('w-play');
  var netsBox = doc.getElementById('w-nets');
  function example(c, role) { return c.ex.filter(function (x) { return x.role === role; })[0]; }
  // Which rows a runs.csv of this sweep holds (src/report/schema.rs keep_run).
  function inRunsCsv(c, runId) {
    var r = data.runs_csv;
    if (r === 'all') return true;
    if (r === 'none') return false;
    var n = Number(r.split(':')[1]), stride = Math.max(1, Math.ceil(data.total_runs / n));
    return runId % stride === 0 || c.init === 'lesson';
  }
  function watch(c, role) {
    stop();
    var exN = example(c, role) || example(c, 'first');
    state.role = exN ? exN.role : 'first';
    netsBox.textContent = '';
    var lab = doc.createElement('span');
    lab.textContent = 'net:';
    netsBox.appendChild(lab);
    ROLES.forEach(function (r) {
      var e = example(c, r[0]);
      var b = doc.createElement('button');
      b.type = 'button';
      b.setAttribute('data-role', r[0]);
      b.textContent = r[1] + (e ? ' (run ' + e.run + ')' : '');
      b.setAttribute('aria-pressed', String(!!exN && e === exN));
      if (!e) {
        b.disabled = true;
        b.title = r[0] === 'first' ? 'no example net' : r[0] === 'first_solved' ?
          (c.solved ? 'the first net is the first that solved' : 'no net of this cell solved') :
          (c.solved === c.nets ? 'every net of this cell solved' : 'the first net is the first that failed');
      }
      b.addEventListener('click', function () { watch(c, r[0]); state.epoch = run ? run.epochs : 0; showEpoch(); saveHash(); });
      netsBox.appendChild(b);
    });
    var check = doc.getElementById('w-check'), cmd = doc.getElementById('w-replay'), note = doc.getElementById('w-replay-note');
    if (!exN || !exN.p0) {
      run = null;
      slider.max = 0;
      check.textContent = exN ? 'examples.csv has no initial weights for this net (written by an older xorsweep): rerun the sweep to watch it learn.' : 'No example net for this cell.';
      cmd.textContent = '';
      note.textContent = '';
      doc.getElementById('w-loss').textContent = '';
      return;
    }
    var ep = data.epochs[c.ei], epochs = ep[ep.length - 1];
    var o = trainerOptions(exN, c.lr);
    run = train(exN.p0, o, epochs);
    run.ex = exN;
    run.cell = c;
    slider.max = epochs;
    slider.step = 1;
    // How far the weights retrained here are from examples.csv's (exact) final weights.
    var got = run.at(epochs), dev = 0;
    exN.p.forEach(function (w, k) { dev = Math.max(dev, ok(w) && ok(got[k]) ? Math.abs(w - got[k]) : (ok(w) === ok(got[k]) ? 0 : Infinity)); });
    var same = run.solved === exN.solved;
    check.textContent = 'Retrained here from its initial weights (' + (exN.d || 'the lesson\u2019s trainer') +
      (o.lr_hidden !== o.lr_out ? ', learning rates ' + fmt(o.lr_hidden) + ' hidden / ' + fmt(o.lr_out) + ' output' : '') +
      '): its final weights differ from examples.csv\u2019s by at most ' + (dev === 0 ? '0 (identical)' : dev.toExponential(1)) +
      (same ? '; it solves at the same epoch (' + epochText(exN.solved) + ').' : '; xorsweep says it solved at epoch ' + epochText(exN.solved) + ', the page at ' + epochText(run.solved) + ' (this net is sensitive to rounding: browsers\u2019 exp() may differ in the last bit).');
    check.setAttribute('data-dev', String(dev));
    cmd.textContent = 'xorsweep replay runs.csv ' + exN.run;
    note.textContent = inRunsCsv(c, exN.run) ? '' : '(runs.csv is ' + (data.runs_csv === 'none' ? 'not written' : 'a sample without this net') + ' for this sweep: rerun with --runs-csv all)';
    // The loss curve of this net at every epoch, thinned to at most ~600 points.
    var svg = doc.getElementById('w-loss'), every = Math.max(1, Math.floor(epochs / 600));
    var xs = [], ys = [];
    for (var e = 0; e <= epochs; e += every) { xs.push(e); ys.push(run.L[e]); }
    if (xs[xs.length - 1] !== epochs) { xs.push(epochs); ys.push(run.L[epochs]); }
    var m = frame(svg, epochs, lossAxis(ys, o.loss === 'bce' ? 'cross-entropy loss (log scale)' : 'MSE loss (log scale)'));
    el('path', { d: pathOf(xs, ys, m, true), fill: 'none', stroke: BLUE, 'stroke-width': 2.5, class: 'net' }, svg);
    run.m = m;
    run.marker = el('line', { y1: PT, y2: H - PB, stroke: ORANGE, 'stroke-width': 2, class: 'at' }, svg);
    if (run.solved !== null) {
      var sx = m.x(run.solved);
      el('line', { x1: sx, x2: sx, y1: PT, y2: H - PB, stroke: '#333', 'stroke-dasharray': '3 3' }, svg);
    }
  }
  function showEpoch() {
    if (!run) return;
    var e = Math.max(0, Math.min(run.epochs, Math.round(state.epoch)));
    state.epoch = e;
    slider.value = e;
    var p = run.at(e), f = forward(p, run.o), k = correct(f.outs);
    doc.getElementById('w-epoch-out').textContent = e + ' of ' + run.epochs;
    var x = run.m.x(e);
    run.marker.setAttribute('x1', x);
    run.marker.setAttribute('x2', x);
    var tb = doc.querySelector('#w-out tbody');
    tb.textContent = '';
    CASES.forEach(function (q, i) {
      var tr = tb.insertRow(), v = f.outs[i], right = q[2] > 0.5 ? v > 0.5 : v < 0.5;
      tr.insertCell().textContent = q[0] + ' ' + q[1];
      var t = tr.insertCell(); t.className = 'n'; t.textContent = q[2];
      var o = tr.insertCell(); o.className = 'n'; o.textContent = fmt(v, 3);
      var bar = tr.insertCell(), s = doc.createElement('span');
      s.className = 'bar' + (right ? ' right' : ' wrong');
      s.style.width = (100 * Math.max(0, Math.min(1, v))) + '%';
      bar.appendChild(s);
    });
    doc.getElementById('w-state').textContent = 'Epoch ' + e + ': loss ' + fmt(f.loss) + ', ' + verdict(k, null) +
      (run.solved !== null ? (e >= run.solved ? ' (solved from epoch ' + run.solved + ')' : ' (solves at epoch ' + run.solved + ')') : ' (never solves)') + '.';
    boundary(doc.getElementById('w-boundary'), p, run.o, null);
    doc.getElementById('w-boundary-note').textContent = 'Run ' + run.ex.run + ' at epoch ' + e +
      ': colour is the output over inputs x₁ (across) and x₂ (up) from −0.5 to 1.5 (dark 0, yellow 1); white line: output 0.5; circles: the four cases (white: target 1).';
  }
  // Play: about 8 seconds over a log scale of epochs, so that the early epochs are seen.
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    playB.textContent = '▶ play';
  }
  playB.addEventListener('click', function () {
    if (timer !== null || !run) { stop(); saveHash(); return; }
    var total = run.epochs, frames = 160, k = state.epoch >= total ? 0 : Math.round(frames * Math.log(1 + state.epoch) / Math.log(1 + total));
    playB.textContent = '❚❚ pause';
    timer = setInterval(function () {
      k++;
      state.epoch = Math.min(total, Math.round(Math.exp(k / frames * Math.log(1 + total)) - 1));
      showEpoch();
      if (state.epoch >= total) { stop(); saveHash(); }
    }, 50);
  });
  slider.addEventListener('input', function () { stop(); state.epoch = Number(slider.value); showEpoch(); saveHash(); });
  doc.getElementById('w-copy').addEventListener('click', function () {
    var s = doc.getElementById('w-replay').textContent, b = this;
    var done = function () { b.textContent = 'copied'; setTimeout(function () { b.textContent = 'copy'; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(s).then(done, function () { selectText(); });
    else selectText();
  });
  function selectText() {
    var r = doc.createRange();
    r.selectNodeContents(doc.getElementById('w-replay'));
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }

  // The selection in the address: #cell=ID&net=ROLE&epoch=E.
  function saveHash() {
    if (state.cell === null) return;
    var h = '#cell=' + state.cell + '&net=' + state.role + '&epoch=' + state.epoch;
    if (location.hash !== h && history.replaceState) history.replaceState(null, '', h);
  }
  function readHash() {
    var m = /^#cell=(\d+)(?:&net=(\w+))?(?:&epoch=(\d+))?$/.exec(location.hash);
    return m && byId[m[1]] ? { cell: Number(m[1]), role: m[2] || 'first', epoch: m[3] === undefined ? null : Number(m[3]) } : null;
  }

  // `save`: put the selection in the address (not on opening the page, which may be opening a
  // figure by its address).
  function select(id, role, epoch, save) {
    var c = byId[id];
    if (!c) return;
    state.cell = id;
    ex.setAttribute('data-cell', String(id));
    Object.keys(buttons).forEach(function (k) { buttons[k].setAttribute('aria-pressed', String(Number(k) === id)); });
    selInit.value = c.init;
    fillLrs(c.init, c.lr);
    doc.getElementById('ex-title').textContent = c.init + ' at learning rate ' + fmt(c.lr) + ': ' +
      c.solved + ' of ' + c.nets + ' nets solved XOR (' + pct(c.share) + ', 95% interval ' +
      pct(c.ci[0]) + '–' + pct(c.ci[1]) + ')' +
      (c.se[1] !== null ? '; median epoch of solving ' + epochText(c.se[1]) : '') + '.';
    lossChart(c);
    solvedChart(c);
    watch(c, role || 'first');
    state.epoch = epoch === null || epoch === undefined ? (run ? run.epochs : 0) : epoch;
    showEpoch();
    if (save !== false) saveHash();
  }
  window.addEventListener('hashchange', function () {
    var h = readHash();
    if (h && (h.cell !== state.cell || h.role !== state.role || h.epoch !== state.epoch)) select(h.cell, h.role, h.epoch);
  });
  var start = readHash();
  if (start) select(start.cell, start.role, start.epoch, false);
  else select(data.initial, 'first', null, false);
})();
