// map.html: under the pointer, the net's axis values (as many digits as tell neighbouring
// pixels apart) and its outcome, read back from its colour in map.png; a click prints the
// command that zooms into that point. The page's data (#map-data) says where the grid lies in
// the image, the axes, and which colours mean what.
(function () {
  'use strict';
  var d = JSON.parse(document.getElementById('map-data').textContent);
  var img = document.getElementById('map-image');
  var out = document.getElementById('map-readout');
  var cmd = document.getElementById('map-zoom-command');
  var copy = document.getElementById('map-copy');
  var hint = out.textContent;
  var pixels = null;

  function load() {
    try {
      var c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      var g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      pixels = g.getImageData(0, 0, c.width, c.height);
    } catch (e) {
      pixels = null;
    }
  }
  if (img.complete && img.naturalWidth) load(); else img.addEventListener('load', load);

  // The value of pixel i, as the map computed it (its centre).
  function value(a, i) {
    var f = (i + 0.5) / a.n;
    if (a.log) return Math.exp(Math.log(a.lo) + (Math.log(a.hi) - Math.log(a.lo)) * f);
    return a.lo + (a.hi - a.lo) * f;
  }
  function step(a, i) {
    if (a.n < 2) return a.hi - a.lo;
    return Math.abs(value(a, i + 1 < a.n ? i + 1 : i - 1) - value(a, i));
  }
  // v with just enough significant digits to tell it from a value s away.
  function digits(v, s) {
    if (v === 0 || !isFinite(v) || !(s > 0)) return String(v);
    var n = Math.min(17, Math.max(1, Math.ceil(Math.log10(Math.abs(v) / s)) + 1));
    return String(Number(v.toPrecision(n)));
  }

  // The net under a pointer event: {i, j} (j = 0 the lowest row), or null off the grid.
  function net(ev) {
    var r = img.getBoundingClientRect();
    var g = d.placed.grid;
    var px = (ev.clientX - r.left) * img.naturalWidth / r.width;
    var py = (ev.clientY - r.top) * img.naturalHeight / r.height;
    var fx = (px - g[0]) / g[2], fy = (py - g[1]) / g[3];
    if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return null;
    var row = Math.min(d.ny - 1, Math.floor(fy * d.ny));
    return { i: Math.min(d.nx - 1, Math.floor(fx * d.nx)), j: d.ny - 1 - row, row: row };
  }

  function onOutline(x, y) {
    var o = d.placed.outline;
    if (!o) return false;
    var vx = (x >= o[0] - 1 && x <= o[0]) || (x >= o[2] && x <= o[2] + 1);
    var hy = (y >= o[1] - 1 && y <= o[1]) || (y >= o[3] && y <= o[3] + 1);
    return (vx && y >= o[1] - 1 && y <= o[3] + 1) || (hy && x >= o[0] - 1 && x <= o[2] + 1);
  }

  // The colour of a net's cell in map.png, away from the zoom box's outline; null if none.
  function colour(p) {
    if (!pixels) return null;
    var g = d.placed.grid;
    var x0 = g[0] + Math.ceil(p.i * g[2] / d.nx), x1 = g[0] + Math.ceil((p.i + 1) * g[2] / d.nx);
    var y0 = g[1] + Math.ceil(p.row * g[3] / d.ny), y1 = g[1] + Math.ceil((p.row + 1) * g[3] / d.ny);
    for (var y = y0; y < y1; y++) {
      for (var x = x0; x < x1; x++) {
        if (onOutline(x, y)) continue;
        var k = 4 * (y * pixels.width + x);
        return [pixels.data[k], pixels.data[k + 1], pixels.data[k + 2]];
      }
    }
    return null;
  }

  function distance(a, b) {
    return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
  }
  function along(s, t) {
    var c = s.lo + (s.hi - s.lo) * t;
    if (s.scale === 'log') return Math.pow(10, c);
    if (s.scale === 'epoch') return Math.max(0, Math.pow(10, c) - 1);
    return c;
  }
  // The values a colour can stand for on bar s, fractions tlo..thi of the way up.
  function span(s, tlo, thi) {
    var f = s.scale === 'epoch'
      ? function (v) { return String(Math.round(v)); }
      : function (v) { return String(Number(v.toPrecision(3))); };
    var a = f(along(s, tlo)), b = f(along(s, thi));
    if (s.clamped[1] && thi >= 1) return a + ' or more';
    if (s.clamped[0] && tlo <= 0) return b + ' or less';
    return a === b ? a : a + '–' + b;
  }
  function outcome(rgb) {
    var L = d.legend, k;
    for (k = 0; k < L.classes.length; k++) {
      if (distance(L.classes[k][0], rgb) === 0) return L.classes[k][1];
    }
    var best = null;
    L.scales.forEach(function (s, si) {
      if (!s.text) return;
      s.palette.forEach(function (c) {
        var e = distance(c, rgb);
        if (!best || e < best.e) best = { e: e, s: si };
      });
    });
    if (!best || best.e > 12) return 'a colour on no bar';
    var s = L.scales[best.s], lo = 1, hi = 0;
    s.palette.forEach(function (c, k) {
      if (distance(c, rgb) <= best.e + 3) {
        lo = Math.min(lo, k / 255);
        hi = Math.max(hi, k / 255);
      }
    });
    lo = Math.max(0, lo - 0.5 / 255);
    hi = Math.min(1, hi + 0.5 / 255);
    return s.text.replace('{v}', span(s, lo, hi)) + ' (read from its colour)';
  }

  function readout(p) {
    var c = colour(p);
    return d.x.name + ' ' + digits(value(d.x, p.i), step(d.x, p.i)) + ', ' +
      d.y.name + ' ' + digits(value(d.y, p.j), step(d.y, p.j)) +
      ' (pixel ' + (p.i + 1) + ' of ' + d.nx + ', ' + (p.j + 1) + ' of ' + d.ny + '): ' +
      (c ? outcome(c) : 'under the zoom box outline');
  }

  function quote(s) {
    return /^[A-Za-z0-9_\/.,:+=@%-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
  }
  function zoomCommand(p) {
    var dir = location.protocol === 'file:'
      ? decodeURIComponent(location.pathname).replace(/\/[^\/]*$/, '') : '';
    var config = dir ? dir + '/map.toml' : 'map.toml';
    var at = digits(value(d.x, p.i), step(d.x, p.i) / 10) + ',' +
      digits(value(d.y, p.j), step(d.y, p.j) / 10) + ',' + d.zoom_factor;
    // A fresh folder for each point, so that every command the page suggests can be run.
    return 'xorsweep map --config ' + quote(config) + ' --zoom ' + quote(at) +
      ' --out ' + quote((dir || 'map') + '-at-' + p.i + '-' + p.j);
  }

  img.addEventListener('mousemove', function (ev) {
    var p = net(ev);
    out.textContent = p ? readout(p) : hint;
  });
  img.addEventListener('mouseleave', function () { out.textContent = hint; });
  img.addEventListener('click', function (ev) {
    var p = net(ev);
    if (!p) return;
    out.textContent = readout(p);
    cmd.textContent = zoomCommand(p);
    copy.hidden = false;
  });
  copy.addEventListener('click', function () {
    var r = document.createRange();
    r.selectNodeContents(cmd);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    if (navigator.clipboard) navigator.clipboard.writeText(cmd.textContent).catch(function () {});
  });
})();
