// xorsweep serve's page: a clicked pixel's net. Its initial weights and trainer come from the
// server (/net); its training is replayed here by the report's trainer (trainer.js, the one
// browser copy of src/train/reference.rs), drawn as the loss per epoch and the decision
// boundary moving with it, and set beside what the map kernel made of the same net.
(function () {
  'use strict';
  var XS = window.xorsweep;
  var NAMES = ['w11', 'w12', 'b1', 'w21', 'w22', 'b2', 'v1', 'v2', 'c'];
  // Longer runs are not replayed (the trainer keeps every epoch's weights: 72 bytes each).
  var MAX_REPLAY = 200000, REPLAY_MS = 1500;
  var replaying = 0;
  function el(id) { return document.getElementById(id); }

  XS.openNet = function (px) {
    var t = px.t;
    var url = '/net?z=' + t.L + '&tx=' + t.tx + '&ty=' + t.ty + '&n=' + t.n + '&i=' + px.i + '&j=' + px.j +
      XS.serve.suffix();
    el('net').hidden = false;
    el('net-outcome').textContent = 'training it on the server…';
    fetch(url).then(function (r) {
      if (!r.ok) return r.text().then(function (m) { throw new Error(m); });
      return r.json();
    }).then(function (net) { show(net, px); }).catch(function (e) {
      el('net-outcome').textContent = 'could not open the net: ' + e.message;
    });
  };

  function kernelText(k) {
    if (k.diverged) return 'diverged';
    return (k.trained ? 'trained' : 'not trained') +
      (k.solved_epoch === null ? ', never solved' : ', first solved at epoch ' + k.solved_epoch) +
      ', final loss ' + XS.fmt(k.final_loss);
  }

  function show(net, px) {
    var D = XS.serve.digits;
    el('net-title').textContent = 'The net at ' + net.x.name + ' ' + D(net.x.value, px.sx) + ', ' +
      net.y.name + ' ' + D(net.y.value, px.sy);
    var o = XS.trainer.options({ o: net.o }, net.o.lr_hidden);
    var run = net.epochs <= MAX_REPLAY ? XS.trainer.train(net.p0, o, net.epochs) : null;
    var text = 'The map kernel (' + net.precision + ' lanes): ' + kernelText(net.kernel) + '. ';
    if (run) {
      var last = XS.trainer.forward(run.at(net.epochs), o);
      var trained = XS.trainer.correct(last.outs) === 4;
      var agree = trained === net.kernel.trained && run.solved === net.kernel.solved_epoch;
      text += 'Replayed here: ' + (trained ? 'trained' : 'not trained') +
        (run.solved === null ? ', never solved' : ', first solved at epoch ' + run.solved) +
        ', final loss ' + XS.fmt(last.loss) + (agree ? ' \u2014 the same.' :
          ' \u2014 not the same: ' + (net.precision === 'f32' ? 'the map trains in f32, the page in f64.' :
            'the page\u2019s arithmetic rounds differently, and this net is where rounding decides.'));
    } else {
      text += 'Too many epochs (' + net.epochs + ') to replay in the page.';
    }
    el('net-outcome').textContent = text;
    weights(net, run);
    el('net-command').textContent = 'xorsweep map ' + XS.serve.V.flags + ' ' + net.tile_axes +
      ' --csv -o net-tile\n# the net: ' + net.pixel;
    if (run) animate(run, o);
    window.xorsweepServe.lastNet = { net: net, replay: run && { solved: run.solved,
      final: run.at(net.epochs) } };
  }

  function weights(net, run) {
    var rows = '<tr><th></th><th>initial</th>' + (run ? '<th>after ' + net.epochs + ' epochs (replayed)</th>' : '') + '</tr>';
    var fin = run && run.at(net.epochs);
    NAMES.forEach(function (n, k) {
      rows += '<tr><th>' + n + '</th><td>' + XS.fmt(net.p0[k], 6) + '</td>' +
        (run ? '<td>' + XS.fmt(fin[k], 6) + '</td>' : '') + '</tr>';
    });
    el('weights').innerHTML = rows;
  }

  function animate(run, o) {
    var id = ++replaying, t0 = performance.now();
    function frame(now) {
      if (id !== replaying) return;
      var f = Math.min(1, (now - t0) / REPLAY_MS), e = Math.round(f * run.epochs);
      lossCurve(run, e);
      boundary(run.at(e), o, e);
      if (f < 1) requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  }

  function lossCurve(run, upTo) {
    var c = el('loss'), g = c.getContext('2d'), w = c.width, h = c.height;
    var L = run.L, lo = Infinity, hi = -Infinity;
    for (var e = 0; e <= run.epochs; e++) {
      if (L[e] > 0 && isFinite(L[e])) { lo = Math.min(lo, L[e]); hi = Math.max(hi, L[e]); }
    }
    g.clearRect(0, 0, w, h);
    g.font = '12px system-ui, sans-serif'; g.fillStyle = '#222';
    if (!(hi > 0)) { g.fillText('no finite loss to draw', 10, 20); return; }
    var l0 = Math.log10(lo), l1 = Math.max(Math.log10(hi), l0 + 1e-9), px = 50, pw = w - 60, ph = h - 30;
    var X = function (e) { return px + pw * e / Math.max(1, run.epochs); };
    var Y = function (v) { return 8 + ph * (1 - (Math.log10(v) - l0) / (l1 - l0)); };
    g.strokeStyle = '#888'; g.strokeRect(px, 8, pw, ph);
    g.textAlign = 'right'; g.textBaseline = 'middle';
    g.fillText(XS.fmt(hi, 2), px - 4, 8); g.fillText(XS.fmt(lo, 2), px - 4, 8 + ph);
    g.textAlign = 'center'; g.textBaseline = 'top';
    g.fillText('0', px, 10 + ph); g.fillText(String(run.epochs), px + pw, 10 + ph);
    g.fillText('epoch ' + upTo, px + pw / 2, 10 + ph);
    g.strokeStyle = 'rgb(33,145,140)'; g.lineWidth = 1.5; g.beginPath();
    var step = Math.max(1, Math.floor(run.epochs / pw));
    for (var k = 0; k <= upTo; k += step) {
      if (L[k] > 0 && isFinite(L[k])) g.lineTo(X(k), Y(L[k]));
    }
    g.stroke();
  }

  // The net's output over the inputs −0.5..1.5, coloured by the viridis palette view.json
  // carries, with the four XOR cases marked (filled: target 1).
  function boundary(p, o, e) {
    var c = el('boundary'), g = c.getContext('2d'), n = 44, s = c.width / n;
    var pal = XS.serve.V.colourings.filter(function (k) { return k.name === 'mean-loss'; })[0].bars[0].palette;
    var T = XS.trainer;
    for (var a = 0; a < n; a++) {
      for (var b = 0; b < n; b++) {
        var x1 = -0.5 + 2 * (a + 0.5) / n, x2 = -0.5 + 2 * (b + 0.5) / n;
        var h1 = T.activate(o, p[0] * x1 + p[1] * x2 + p[2]);
        var h2 = T.activate(o, p[3] * x1 + p[4] * x2 + p[5]);
        var out = T.outUnit(o, p[6] * h1 + p[7] * h2 + p[8]);
        var rgb = pal[Math.round(Math.max(0, Math.min(1, isNaN(out) ? 0 : out)) * 255)];
        g.fillStyle = 'rgb(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ')';
        g.fillRect(a * s, c.height - (b + 1) * s, s + 1, s + 1);
      }
    }
    T.CASES.forEach(function (q) {
      var x = (q[0] + 0.5) / 2 * c.width, y = c.height - (q[1] + 0.5) / 2 * c.height;
      g.beginPath(); g.arc(x, y, 7, 0, 2 * Math.PI);
      g.fillStyle = q[2] ? '#fff' : '#000'; g.fill();
      g.strokeStyle = q[2] ? '#000' : '#fff'; g.stroke();
    });
    el('boundary-caption').textContent = 'output at epoch ' + e + ' over inputs \u22120.5..1.5 (viridis: 0 to 1; white dots: XOR 1, black: 0)';
  }
})();
