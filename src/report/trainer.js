// report.html's script, part 2 of 3: the net trainer, src/train/reference.rs line by line, so
// that the explorer (explorer.js) can retrain an example net in the page and show it learning;
// and the one number writer the page keeps, for the numbers it computes itself as a net trains
// (format::significant's rule; every other number on the page is written by src/format.rs).
// The parts share window.xorsweep (report.js makes it). `xorsweep serve`'s page loads this same
// file (src/serve/page.rs embeds it) to replay a clicked map pixel's net: one browser copy of
// the trainer.
(function () {
  'use strict';
  var XS = window.xorsweep;
  var data = XS.data;

  // ---- A number computed in the page, as src/format.rs's `significant` writes it
  // (tests/report_browser.rs compares the two): `digits` significant digits (4 by default),
  // "–" for none or NaN.
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
  XS.fmt = fmt;
  // Exposed for the browser test, to hold it to format.rs.
  window.xorsweepFormat = { significant: fmt };

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
      case 'relu': return Math.max(z, 0); // NaN stays NaN, as in the reference
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
  // softplus(x) = ln(1 + e^x), stable: −ln σ(z) = softplus(−z), −ln(1−σ(z)) = softplus(z).
  function softplus(x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
  // bce from the output's pre-activation z, as the reference (exact where σ(z) rounds to 0 or 1).
  function caseLoss(o, z, out, y) {
    if (o.loss === 'bce') return y === 1 ? softplus(-z) : softplus(z);
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
      var z = p[6] * h1 + p[7] * h2 + p[8], out = outUnit(o, z);
      outs.push(out);
      loss += caseLoss(o, z, out, q[2]);
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
    var c = XS.byId[id], ex = c && c.ex.filter(function (x) { return x.role === (role || 'first'); })[0];
    if (!ex || !ex.p0) return null;
    var ep = data.epochs[c.ei];
    var t = train(ex.p0, trainerOptions(ex, c.lr), ep[ep.length - 1]);
    return { got: t.at(t.epochs), want: ex.p, solved: t.solved, wantSolved: ex.solved };
  };
  XS.trainer = { CASES: CASES, options: trainerOptions, train: train, forward: forward,
    correct: correct, activate: activate, outUnit: outUnit };
})();
