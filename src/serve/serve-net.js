// xorsweep serve's page: a clicked pixel's net. Its initial weights and trainer come from the
// server (/net); its training is replayed here by the report's trainer (trainer.js, the one
// browser copy of src/train/reference.rs), drawn as the loss per epoch and the decision
// boundary moving with it, and set beside what the map kernel made of the same net. An f32 or
// dd map's net comes with its run in the map's own lanes (/net's `lanes`: f64 arithmetic is not
// theirs), which is then what is drawn; the f64 replay is set beside it.
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

  // An outcome (the kernel's, or the lanes' run's: the same names) in words.
  function kernelText(k) {
    if (k.diverged) return 'diverged';
    return (k.trained ? 'trained' : 'not trained') +
      (k.solved_epoch === null ? ', never solved' : ', first solved at epoch ' + k.solved_epoch) +
      ', final loss ' + XS.fmt(k.final_loss);
  }

  // The run the page draws: E, the epochs with a loss L; at(e), the weights of epoch e's frame.
  // The server's run in the map's lanes (an f32 or dd map): its frames, the nearest one to e.
  function lanesReplay(l, epochs) {
    var nearest = function (e) {
      var k = 0;
      while (k + 1 < l.frames.length && Math.abs(l.frames[k + 1] - e) <= Math.abs(l.frames[k] - e)) k++;
      return k;
    };
    return { source: 'lanes', epochs: epochs, E: l.loss_epochs, L: l.loss, solved: l.solved_epoch,
      frame: function (e) { return l.frames[nearest(e)]; },
      // JSON writes a weight that is not finite as null: NaN here, as in the page's trainer.
      at: function (e) { return l.weights[nearest(e)].map(function (v) { return v === null ? NaN : v; }); } };
  }

  // The page's own f64 replay (trainer.js): every epoch.
  function pageReplay(run) {
    var E = [];
    for (var e = 0; e <= run.epochs; e++) E.push(e);
    return { source: 'page', epochs: run.epochs, E: E, L: run.L, solved: run.solved, at: run.at,
      frame: function (e) { return e; } };
  }

  // The lanes' run against the kernel's pixel: the same numbers, f32's final loss to the bit.
  function lanesText(net) {
    var l = net.lanes, k = net.kernel;
    var same = l.trained === k.trained && l.solved_epoch === k.solved_epoch &&
      Math.fround(l.final_loss) === Math.fround(k.final_loss);
    return 'Replayed on the server in ' + net.precision + ' lanes: ' + kernelText(l) +
      (same ? ', the same.' : ', not the same: the server\u2019s lanes should be the kernel\u2019s (a bug).');
  }

  // The f64 replay in the page against the kernel's pixel.
  function pageText(net, run, o) {
    var head = net.lanes ? 'In f64 here (the report\u2019s trainer): ' : 'Replayed here: ';
    if (!run) return head + 'too many epochs (' + net.epochs + ') to replay in the page.';
    var last = XS.trainer.forward(run.at(net.epochs), o);
    var trained = XS.trainer.correct(last.outs) === 4;
    var agree = trained === net.kernel.trained && run.solved === net.kernel.solved_epoch;
    return head + (trained ? 'trained' : 'not trained') +
      (run.solved === null ? ', never solved' : ', first solved at epoch ' + run.solved) +
      ', final loss ' + XS.fmt(last.loss) + (agree ? ' \u2014 the same.' : net.lanes ?
        ' \u2014 differs: the map trains in ' + net.precision + '.' :
        ' \u2014 not the same: the page\u2019s arithmetic rounds differently, and this net is where rounding decides.');
  }

  function show(net, px) {
    var D = XS.serve.digits;
    el('net-title').textContent = 'The net at ' + net.x.name + ' ' + D(net.x.value, px.sx) + ', ' +
      net.y.name + ' ' + D(net.y.value, px.sy);
    var o = XS.trainer.options({ o: net.o }, net.o.lr_hidden);
    var run = net.epochs <= MAX_REPLAY ? XS.trainer.train(net.p0, o, net.epochs) : null;
    var replay = net.lanes ? lanesReplay(net.lanes, net.epochs) : run && pageReplay(run);
    el('net-outcome').textContent = 'The map kernel (' + net.precision + ' lanes): ' +
      kernelText(net.kernel) + '. ' + (net.lanes ? lanesText(net) + '\n' : '') + pageText(net, run, o);
    el('loss-caption').textContent = 'loss per epoch (log scale), ' + (net.lanes ?
      'the server\u2019s run in the map\u2019s ' + net.precision + ' lanes' : 'replayed in this page');
    weights(net, replay);
    el('net-command').textContent = 'xorsweep map ' + XS.serve.V.flags + ' ' + net.tile_axes +
      ' --csv -o net-tile\n# the net: ' + net.pixel;
    if (replay) animate(replay, o);
    window.xorsweepServe.lastNet = { net: net, replay: replay && { source: replay.source,
      solved: replay.solved, final: replay.at(net.epochs) } };
  }

  function weights(net, replay) {
    var label = replay && (replay.source === 'lanes' ? net.precision + ' lanes, on the server' : 'replayed');
    var rows = '<tr><th></th><th>initial</th>' + (replay ? '<th>after ' + net.epochs + ' epochs (' + label + ')</th>' : '') + '</tr>';
    var fin = replay && replay.at(net.epochs);
    NAMES.forEach(function (n, k) {
      rows += '<tr><th>' + n + '</th><td>' + XS.fmt(net.p0[k], 6) + '</td>' +
        (replay ? '<td>' + XS.fmt(fin[k], 6) + '</td>' : '') + '</tr>';
    });
    el('weights').innerHTML = rows;
  }

  function animate(run, o) {
    var id = ++replaying, t0 = performance.now();
    function frame(now) {
      if (id !== replaying) return;
      var f = Math.min(1, (now - t0) / REPLAY_MS), e = Math.round(f * run.epochs);
      lossCurve(run, e);
      boundary(run.at(e), o, run.frame(e));
      if (f < 1) requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  }

  function lossCurve(run, upTo) {
    var c = el('loss'), g = c.getContext('2d'), w = c.width, h = c.height;
    var E = run.E, L = run.L, lo = Infinity, hi = -Infinity;
    for (var k = 0; k < L.length; k++) {
      if (L[k] > 0 && isFinite(L[k])) { lo = Math.min(lo, L[k]); hi = Math.max(hi, L[k]); }
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
    var step = Math.max(1, Math.floor(E.length / pw));
    for (k = 0; k < E.length && E[k] <= upTo; k += step) {
      if (L[k] > 0 && isFinite(L[k])) g.lineTo(X(E[k]), Y(L[k]));
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
