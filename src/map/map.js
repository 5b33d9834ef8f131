// map.html: under the pointer, the net's axis values (as many digits as tell neighbouring
// pixels apart) and its outcome, read back from its colour in the frame's grid image; a click
// prints the command that zooms into that point. Every frame (figure.map-frame) answers alike;
// the page's data (#map-data) holds each frame's axes and which colours mean what.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('map-data').textContent);

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

  // The net under a pointer event on a frame's grid image: {i, j, row} (j = 0 the lowest
  // row), or null off the grid.
  function net(d, img, ev) {
    var r = img.getBoundingClientRect();
    var fx = (ev.clientX - r.left) / r.width, fy = (ev.clientY - r.top) / r.height;
    if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return null;
    var row = Math.min(d.y.n - 1, Math.floor(fy * d.y.n));
    return { i: Math.min(d.x.n - 1, Math.floor(fx * d.x.n)), j: d.y.n - 1 - row, row: row };
  }

  // The colours of a frame's grid image, one pixel per net; null until it has loaded (or
  // where the browser refuses to read it).
  function pixelsOf(img) {
    try {
      var c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      var g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, c.width, c.height);
    } catch (e) {
      return null;
    }
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
  function outcome(L, rgb) {
    var k;
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

  function readout(d, pixels, p) {
    var c = null;
    if (pixels) {
      var k = 4 * (p.row * pixels.width + p.i);
      c = [pixels.data[k], pixels.data[k + 1], pixels.data[k + 2]];
    }
    return d.x.name + ' ' + digits(value(d.x, p.i), step(d.x, p.i)) + ', ' +
      d.y.name + ' ' + digits(value(d.y, p.j), step(d.y, p.j)) +
      ' (pixel ' + (p.i + 1) + ' of ' + d.x.n + ', ' + (p.j + 1) + ' of ' + d.y.n + '): ' +
      (c ? outcome(d.legend, c) : 'outcome not readable here');
  }

  function quote(s) {
    return /^[A-Za-z0-9_\/.,:+=@%-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'";
  }
  // The command that zooms zoom_factor deeper than frame d around net p: from the map's
  // map.toml (the first frame's window), so the zoom is the frame's depth times the factor, and
  // a single map even where map.toml holds a zoom sequence.
  function zoomCommand(d, p) {
    var dir = location.protocol === 'file:'
      ? decodeURIComponent(location.pathname).replace(/\/[^\/]*$/, '') : '';
    var config = dir ? dir + '/map.toml' : 'map.toml';
    var at = digits(value(d.x, p.i), step(d.x, p.i) / 10) + ',' +
      digits(value(d.y, p.j), step(d.y, p.j) / 10) + ',' +
      String(Number((d.depth * data.zoom_factor).toPrecision(15)));
    // A fresh folder for each point, so that every command the page suggests can be run.
    return 'xorsweep map --config ' + quote(config) + ' --zoom ' + quote(at) +
      (data.sequence ? ' --zoom-sequence 1' : '') +
      ' --out ' + quote((dir || 'map') + '-at-' + p.i + '-' + p.j);
  }

  Array.prototype.forEach.call(document.querySelectorAll('figure.map-frame'), function (fig) {
    var d = data.frames[Number(fig.getAttribute('data-frame'))];
    var img = fig.querySelector('img.map-grid');
    var out = fig.querySelector('.map-readout');
    var cmd = fig.querySelector('.map-zoom-command');
    var copy = fig.querySelector('.map-copy');
    var hint = out.textContent;
    var pixels = null;
    function load() { pixels = pixelsOf(img); }
    if (img.complete && img.naturalWidth) load(); else img.addEventListener('load', load);
    img.addEventListener('mousemove', function (ev) {
      var p = net(d, img, ev);
      out.textContent = p ? readout(d, pixels, p) : hint;
    });
    img.addEventListener('mouseleave', function () { out.textContent = hint; });
    img.addEventListener('click', function (ev) {
      var p = net(d, img, ev);
      if (!p) return;
      out.textContent = readout(d, pixels, p);
      cmd.textContent = zoomCommand(d, p);
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
  });
})();
