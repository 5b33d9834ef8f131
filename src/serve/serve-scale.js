// xorsweep serve's scales, pure functions of view.json's data: an axis value at a fraction of
// the opened window and back, its ticks and the digits that tell pixels apart (map.js's rule),
// a pixel's colour by the rules of map/draw.rs, the colour bars under the map, a pixel's
// outcome in words and the commands that reproduce a view.
(function () {
  'use strict';
  // The axis value at fraction f of the opened window.
  function value(a, f) {
    if (a.log) return Math.exp(Math.log(a.lo) + (Math.log(a.hi) - Math.log(a.lo)) * f);
    return a.lo + (a.hi - a.lo) * f;
  }
  // v with the significant digits that tell it from a value s away (map.js's rule).
  function digits(v, s) {
    if (v === 0 || !isFinite(v) || !(s > 0)) return String(v);
    var n = Math.min(17, Math.max(1, Math.ceil(Math.log10(Math.abs(v) / s)) + 1));
    return String(Number(v.toPrecision(n)));
  }

  // ---- Axes: ticks at decades (1, 2, 5 within one) on a log axis, else round values ----
  function nice(span, count) {
    var raw = span / Math.max(1, count), p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function ticks(a, f0, f1, count) {
    var v0 = value(a, f0), v1 = value(a, f1), out = [];
    if (a.log && Math.log10(v1 / v0) >= 1.2) {
      var d0 = Math.ceil(Math.log10(v0)), d1 = Math.floor(Math.log10(v1));
      var every = Math.max(1, Math.ceil((d1 - d0 + 1) / count));
      var subs = (d1 - d0 + 1) * 3 <= count ? [1, 2, 5] : [1];
      for (var d = d0 - 1; d <= d1; d++) {
        if (((d % every) + every) % every) continue;
        subs.forEach(function (m) {
          var v = m * Math.pow(10, d);
          if (v >= v0 && v <= v1) out.push({ v: v, label: String(Number(v.toPrecision(2))) });
        });
      }
      return out;
    }
    var step = nice(v1 - v0, count);
    for (var v = Math.ceil(v0 / step) * step; v <= v1 && out.length < 50; v += step) {
      out.push({ v: v, label: digits(v, step / 2) });
    }
    return out;
  }
  // Fraction of the opened window at value v.
  function frac(a, v) {
    if (a.log) return (Math.log(v) - Math.log(a.lo)) / (Math.log(a.hi) - Math.log(a.lo));
    return (v - a.lo) / (a.hi - a.lo);
  }

  // ---- Colours: view.json's palettes and classes, by the rules of map/draw.rs ----
  function along(bar, v) {
    var c = bar.scale === 'log' ? Math.log10(v) : bar.scale === 'epoch' ? Math.log10(1 + v) : v;
    return (c - bar.lo) / (bar.hi - bar.lo);
  }
  function paint(bar, t) {
    if (!(t >= 0)) t = 0;
    return bar.palette[Math.round(Math.min(1, t) * 255)];
  }
  function colourOf(c, d, k) {
    var f = d.fg[k], b = c.bars;
    if (f & 4) return c.classes[0][0];
    switch (c.name) {
      case 'final-loss': return paint(b[0], along(b[0], d.fl[k]));
      case 'mean-loss': return paint(b[0], along(b[0], d.ml[k]));
      case 'solved-epoch': return isNaN(d.se[k]) ? c.classes[1][0] : paint(b[0], along(b[0], d.se[k]));
      case 'trained': return f & 1 ? c.classes[2][0] : c.classes[1][0];
      case 'converged': return f & 2 ? paint(b[0], along(b[0], d.ml[k])) : c.classes[1][0];
      default: return f & 1 ? paint(b[0], along(b[0], d.se[k])) : paint(b[1], along(b[1], d.fl[k]));
    }
  }

  // ---- Colour bars, under the map ----
  // Colouring c's bars and classes on barsCanvas, in font FONT.
  function drawBars(barsCanvas, c, FONT) {
    var dpr = window.devicePixelRatio || 1;
    var w = barsCanvas.clientWidth, rows = c.bars.length * 52 + c.classes.length * 18 + 4;
    barsCanvas.style.height = rows + 'px';
    barsCanvas.width = Math.round(w * dpr); barsCanvas.height = Math.round(rows * dpr);
    var g = barsCanvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.font = FONT; g.fillStyle = '#222';
    var bw = Math.min(w - 20, 480), y = 2;
    c.bars.forEach(function (b) {
      g.textAlign = 'left'; g.textBaseline = 'top';
      g.fillStyle = '#222'; g.fillText(b.desc, 10, y);
      for (var k = 0; k < 256; k++) {
        var rgb = b.palette[k];
        g.fillStyle = 'rgb(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ')';
        g.fillRect(10 + k * bw / 256, y + 16, bw / 256 + 1, 12);
      }
      g.fillStyle = '#222'; g.textAlign = 'center';
      b.ticks.forEach(function (t) {
        var x = 10 + bw * (t[0] - b.lo) / (b.hi - b.lo);
        g.fillRect(x - 0.5, y + 28, 1, 4);
        g.fillText(t[1], Math.min(Math.max(x, 16), w - 16), y + 33);
      });
      y += 52;
    });
    c.classes.forEach(function (cl) {
      var rgb = cl[0];
      g.fillStyle = 'rgb(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ')';
      g.fillRect(10, y + 2, 12, 12);
      g.strokeStyle = '#888'; g.strokeRect(10, y + 2, 12, 12);
      g.fillStyle = '#222'; g.textAlign = 'left'; g.textBaseline = 'top';
      g.fillText(cl[1], 28, y + 1);
      y += 18;
    });
  }

  // The axes' ticks and names around plot area p of ctx, over the visible range r, placed by
  // the view's screen functions at.x and at.y.
  function axes(ctx, p, V, r, at, FONT) {
    ctx.font = FONT; ctx.fillStyle = '#222'; ctx.strokeStyle = '#222';
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    ticks(V.x, r.x0, r.x1, Math.floor(p.w / 110)).forEach(function (t) {
      var x = at.x(frac(V.x, t.v));
      ctx.beginPath(); ctx.moveTo(x, p.y + p.h); ctx.lineTo(x, p.y + p.h + 4); ctx.stroke();
      ctx.fillText(t.label, x, p.y + p.h + 6);
    });
    ctx.fillText(V.x.name + (V.x.log ? ' (log scale)' : ''), p.x + p.w / 2, p.y + p.h + 22);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ticks(V.y, r.y0, r.y1, Math.floor(p.h / 40)).forEach(function (t) {
      var y = at.y(frac(V.y, t.v));
      ctx.beginPath(); ctx.moveTo(p.x - 4, y); ctx.lineTo(p.x, y); ctx.stroke();
      ctx.fillText(t.label, p.x - 6, y);
    });
    ctx.save();
    ctx.translate(12, p.y + p.h / 2); ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(V.y.name + (V.y.log ? ' (log scale)' : ''), 0, 0);
    ctx.restore();
  }

  // Pixel k's outcome in tile data d, in words.
  function outcomeText(d, k) {
    var f = d.fg[k];
    if (f & 4) return 'diverged (a loss not finite)';
    var s = f & 1 ? 'trained' : 'not trained';
    if (!isNaN(d.se[k])) s += ', first solved at epoch ' + d.se[k];
    s += ', final loss ' + window.xorsweep.fmt(d.fl[k]) + ', mean loss/loss\u2080 ' + window.xorsweep.fmt(d.ml[k]);
    return s + (f & 2 ? ' (converged)' : ' (not converged)');
  }

  // ---- Commands that reproduce the view ----
  function axisArg(a, f0, f1, n) {
    var v0 = value(a, f0), v1 = value(a, f1), s = Math.abs(v1 - v0) / n;
    return a.name + ':' + digits(v0, s / 10) + '..' + digits(v1, s / 10) + ':' + n + (a.log ? ':log' : '');
  }
  // The commands of the visible window r (plot area p) and of the opened map zoomed around
  // the view's centre.
  function viewCommand(V, view, r, p) {
    var n = Math.min(2048, Math.round(Math.max(p.w, p.h) / 2) * 2);
    var f = Math.pow(2, view.z) * 256 / Math.min(p.w, p.h);
    var open = function (a) { return a.name + ':' + a.lo + '..' + a.hi + ':' + a.n + (a.log ? ':log' : ''); };
    var sx = Math.abs(value(V.x, view.x + 1e-6) - value(V.x, view.x)) * 1e6 / (f * V.x.n);
    var sy = Math.abs(value(V.y, view.y + 1e-6) - value(V.y, view.y)) * 1e6 / (f * V.y.n);
    return '# the visible window, ' + n + ' pixels a side (your command line may need quotes):\n' +
      'xorsweep map ' + V.flags + ' --x ' + axisArg(V.x, r.x0, r.x1, n) + ' --y ' +
      axisArg(V.y, r.y0, r.y1, n) + ' -o view\n' +
      '# or the opened map zoomed around the view\u2019s centre:\n' +
      'xorsweep map ' + V.flags + ' --x ' + open(V.x) + ' --y ' + open(V.y) + ' --zoom ' +
      digits(value(V.x, view.x), sx / 10) + ',' + digits(value(V.y, view.y), sy / 10) + ',' +
      Number(Math.max(1, f).toPrecision(4)) + ' -o zoomed';
  }

  window.xorsweep.scale = {
    value: value, digits: digits, ticks: ticks, frac: frac, colourOf: colourOf, drawBars: drawBars,
    axes: axes, outcomeText: outcomeText, viewCommand: viewCommand
  };
})();
