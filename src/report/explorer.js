// report.html's script, part 3 of 3: the explorer. Pick a cell (the grid, coloured and
// written by Rust, or the menus) to see its loss and solved-by-epoch panels, and watch one of
// its example nets learn: trainer.js retrains it here from its initial weights, and its loss,
// outputs and decision boundary follow the slider. The panels' axes, colours and every number
// that does not change as the net trains come from the embedded JSON (src/report/explorer.rs).
(function () {
  'use strict';
  var doc = document, XS = window.xorsweep, data = XS.data, byId = XS.byId;
  var T = XS.trainer, fmt = XS.fmt, el = XS.el;
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
    var settings = data.inits.some(function (i) { return i.indexOf(' · ') >= 0; });
    corner.textContent = (settings ? 'init · trainer setting' : 'init') + ' \\ learning rate';
    head.appendChild(corner);
    data.lrs_text.forEach(function (lr) {
      var th = doc.createElement('th');
      th.textContent = lr;
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
        b.style.background = c.bg;
        b.style.color = c.fg;
        b.textContent = c.st;
        b.title = c.tip;
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
      o.textContent = c.lt;
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

  // ---- The explorer's panels: a frame from Rust's axes (src/report/charts/axis.rs, in the
  // JSON as ranges and labelled ticks), the cell's curves or the live net's drawn in it.
  var W = 360, H = 260, PL = 64, PR = 12, PT = 12, PB = 50, FONT = 13;
  var BLUE = 'rgb(0,114,178)', ORANGE = 'rgb(213,94,0)';
  function ok(v) { return v !== null && v !== undefined && isFinite(v); }
  // A value's place along frame f, 0 to 1 (NaN where it cannot be drawn).
  function along(f, v) {
    if (!ok(v)) return NaN;
    var t = f.scale === 'log' ? (v > 0 ? Math.log10(v) : NaN) : f.scale === 'epoch' ? (v >= 0 ? Math.log10(1 + v) : NaN) : v;
    return (t - f.lo) / (f.hi - f.lo);
  }
  function label(svg, x, y, s, anchor) {
    var t = el('text', { x: x, y: y, 'text-anchor': anchor || 'middle', 'font-size': FONT, fill: '#333' }, svg);
    t.textContent = s;
    return t;
  }
  function frame(svg, xf, yf, xLabel, yLabel) {
    svg.textContent = '';
    var w = W - PL - PR, h = H - PT - PB;
    var m = { x: function (v) { return PL + w * Math.max(-0.02, Math.min(1.02, along(xf, v))); },
      y: function (v) { return PT + h * (1 - Math.max(-0.02, Math.min(1.02, along(yf, v)))); } };
    el('rect', { x: PL, y: PT, width: w, height: h, fill: '#fff', stroke: '#999' }, svg);
    var at = function (f, t) { return (t - f.lo) / (f.hi - f.lo); };
    xf.minor.forEach(function (t) { var x = PL + w * at(xf, t); el('line', { x1: x, x2: x, y1: PT, y2: PT + h, stroke: '#f3f3f3' }, svg); });
    yf.minor.forEach(function (t) { var y = PT + h * (1 - at(yf, t)); el('line', { x1: PL, x2: PL + w, y1: y, y2: y, stroke: '#f3f3f3' }, svg); });
    xf.ticks.forEach(function (t) {
      var x = PL + w * at(xf, t[0]);
      el('line', { x1: x, x2: x, y1: PT, y2: PT + h, stroke: '#ddd' }, svg);
      label(svg, x, PT + h + 17, t[1]);
    });
    yf.ticks.forEach(function (t) {
      var y = PT + h * (1 - at(yf, t[0]));
      el('line', { x1: PL, x2: PL + w, y1: y, y2: y, stroke: '#ddd' }, svg);
      label(svg, PL - 5, y + 4, t[1], 'end');
    });
    label(svg, PL + w / 2, H - 8, xLabel);
    label(svg, 15, PT + h / 2, yLabel).setAttribute('transform', 'rotate(-90 15 ' + (PT + h / 2) + ')');
    return m;
  }
  var EPOCH = 'epoch (log scale of 1 + epoch)';
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
  function lossChart(c) {
    var svg = doc.getElementById('ex-loss'), ep = data.epochs[c.ei];
    var m = frame(svg, data.ef[c.ei], c.lf, EPOCH, 'loss (log scale)');
    var top = [], bottom = [];
    for (var i = 0; i < ep.length; i++) {
      var a = c.q1[i], b = c.q3[i];
      if (!ok(a) || !ok(b) || !(a > 0) || !(b > 0)) continue;
      top.push(m.x(ep[i]).toFixed(1) + ',' + m.y(b).toFixed(1));
      bottom.unshift(m.x(ep[i]).toFixed(1) + ',' + m.y(a).toFixed(1));
    }
    if (top.length > 1) el('polygon', { points: top.concat(bottom).join(' '), fill: 'rgba(0,114,178,0.25)', 'class': 'band' }, svg);
    el('path', { d: pathOf(ep, c.l, m, true), fill: 'none', stroke: BLUE, 'stroke-width': 2.5, 'class': 'median' }, svg);
  }
  function solvedChart(c) {
    var svg = doc.getElementById('ex-solved'), ep = data.epochs[c.ei];
    var m = frame(svg, data.ef[c.ei], data.sf, EPOCH, 'nets solved');
    var sx = [], sy = [];
    for (var i = 0; i < ep.length; i++) {
      if (i > 0) { sx.push(ep[i]); sy.push(c.s[i - 1]); }
      sx.push(ep[i]); sy.push(c.s[i]);
    }
    el('path', { d: pathOf(sx, sy, m, false), fill: 'none', stroke: ORANGE, 'stroke-width': 2.5, 'class': 'cdf' }, svg);
  }

  function verdict(k, solved) {
    return (k === 4 ? 'all 4 cases right' : k + ' of 4 cases right') + (solved !== null && solved !== undefined ? ', solved at epoch ' + solved : '');
  }

  // A net's output over the input square [−0.5, 1.5]², the 0.5 contour in white, the four cases.
  function boundary(cv, p, o) {
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
      var h1 = T.activate(o, p[0] * x1 + p[1] * x2 + p[2]), h2 = T.activate(o, p[3] * x1 + p[4] * x2 + p[5]);
      return T.outUnit(o, p[6] * h1 + p[7] * h2 + p[8]);
    };
    var VIR = data.vir, viridis = function (v) { return VIR[Math.round(255 * Math.max(0, Math.min(1, isFinite(v) ? v : 0)))]; };
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
    T.CASES.forEach(function (q) {
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
    var o = T.options(exN, c.lr);
    run = T.train(exN.p0, o, epochs);
    run.ex = exN;
    run.cell = c;
    slider.max = epochs;
    slider.step = 1;
    // How far the weights retrained here are from examples.csv's (exact) final weights.
    var got = run.at(epochs), dev = 0;
    exN.p.forEach(function (w, k) { dev = Math.max(dev, ok(w) && ok(got[k]) ? Math.abs(w - got[k]) : (ok(w) === ok(got[k]) ? 0 : Infinity)); });
    var same = run.solved === exN.solved;
    var epochText = function (e) { return e === null || e === undefined ? '–' : String(e); };
    check.textContent = 'Retrained here from its initial weights (' + (exN.d || 'the lesson\u2019s trainer') +
      (exN.rates ? ', learning rates ' + exN.rates : '') +
      '): its final weights differ from examples.csv\u2019s by at most ' + (dev === 0 ? '0 (identical)' : fmt(dev, 2)) +
      (same ? '; it solves at the same epoch (' + epochText(exN.solved) + ').' : '; xorsweep says it solved at epoch ' + epochText(exN.solved) + ', the page at ' + epochText(run.solved) + ' (this net is sensitive to rounding: browsers\u2019 exp() may differ in the last bit).');
    check.setAttribute('data-dev', String(dev));
    cmd.textContent = 'xorsweep replay runs.csv ' + exN.run;
    note.textContent = inRunsCsv(c, exN.run) ? '' : '(runs.csv is ' + (data.runs_csv === 'none' ? 'not written' : 'a sample without this net') + ' for this sweep: rerun with --runs-csv all)';
    // The loss curve of this net at every epoch, thinned to at most ~600 points.
    var svg = doc.getElementById('w-loss'), every = Math.max(1, Math.floor(epochs / 600));
    var xs = [], ys = [];
    for (var e = 0; e <= epochs; e += every) { xs.push(e); ys.push(run.L[e]); }
    if (xs[xs.length - 1] !== epochs) { xs.push(epochs); ys.push(run.L[epochs]); }
    var m = frame(svg, data.ef[c.ei], c.lf, EPOCH, o.loss === 'bce' ? 'cross-entropy loss (log scale)' : 'MSE loss (log scale)');
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
    var p = run.at(e), f = T.forward(p, run.o), k = T.correct(f.outs);
    doc.getElementById('w-epoch-out').textContent = e + ' of ' + run.epochs;
    var x = run.m.x(e);
    run.marker.setAttribute('x1', x);
    run.marker.setAttribute('x2', x);
    var tb = doc.querySelector('#w-out tbody');
    tb.textContent = '';
    T.CASES.forEach(function (q, i) {
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
    boundary(doc.getElementById('w-boundary'), p, run.o);
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
    doc.getElementById('ex-title').textContent = c.head;
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
