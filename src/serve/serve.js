// xorsweep serve's page: the opened map in tiles that the server trains on demand. The view is
// a centre (a fraction of the opened window along each axis, in log space on a log axis) and a
// zoom level z (the window is 256·2^z CSS px wide); it lives in the address's hash. Tiles of
// level L = floor(z) cover the window in 2^L × 2^L squares; each is asked for twice, coarse
// (64²) then fine (256²), the nearest the centre first, a few at a time, and a tile that leaves
// the view while in flight is aborted and cancelled on the server. Colours come from view.json,
// the palettes of the project's colour tables as data; a click opens the pixel's net and
// replays its training with the report's trainer (trainer.js). The map itself may be chosen
// in the page (serve-form.js): the choice is `xorsweep map`'s flags as a query, sent with every
// request and kept in the hash; the server parses and checks it. Once a view's tiles are in,
// the server measures its boundary chaos (/chaos), and the page says whether rounding decides
// its pixels, in map's words, optionally marking the boundary pixels that flip.
(function () {
  'use strict';
  var XS = window.xorsweep;
  var S = XS.scale, value = S.value, digits = S.digits;
  var colourOf = S.colourOf;
  var canvas = document.getElementById('map'), ctx = canvas.getContext('2d');
  var barsCanvas = document.getElementById('bars');
  var statusEl = document.getElementById('status'), readout = document.getElementById('readout');
  var noteEl = document.getElementById('note'), chaosEl = document.getElementById('chaos');
  var flipsBox = document.getElementById('flips');
  // V: the map shown (view.json); O: the server's own; choice: the flags that chose V ('' for O).
  var V = null, O = null, choice = '';
  var chaos = { key: null, data: null, ctrl: null, id: 0 }, marks = 0;
  var M = { left: 70, right: 10, top: 8, bottom: 40 };
  var FONT = '12px system-ui, sans-serif';
  var MAX_IN_FLIGHT = 4, MAX_TILES = 400, DEEPEST = 0;
  var client = 1 + Math.floor(Math.random() * 4294967294), nextId = 1;
  var view = { x: 0.5, y: 0.5, z: 0 }, colouring = 0;
  var tiles = new Map(), inFlight = 0, started = performance.now(), firstView = null;
  var pending = false, notes = {};

  // ---- Geometry ----
  function plot() {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    return { x: M.left, y: M.top, w: Math.max(10, w - M.left - M.right),
      h: Math.max(10, h - M.top - M.bottom) };
  }
  function ppw() { return 256 * Math.pow(2, view.z); }
  function wholeZoom() { var p = plot(); return Math.log2(Math.min(p.w, p.h) / 256); }
  function level() { return Math.max(0, Math.min(DEEPEST, Math.floor(view.z))); }
  function screenX(f) { var p = plot(); return p.x + p.w / 2 + (f - view.x) * ppw(); }
  function screenY(f) { var p = plot(); return p.y + p.h / 2 - (f - view.y) * ppw(); }
  function fracX(sx) { var p = plot(); return view.x + (sx - p.x - p.w / 2) / ppw(); }
  function fracY(sy) { var p = plot(); return view.y - (sy - p.y - p.h / 2) / ppw(); }
  function visibleRange() {
    var p = plot();
    return { x0: fracX(p.x), x1: fracX(p.x + p.w), y0: fracY(p.y + p.h), y1: fracY(p.y) };
  }
  // The tiles of level L in view, nearest the centre first, within the server's range.
  function visibleTiles() {
    var L = level(), side = Math.pow(2, L), r = visibleRange(), out = [];
    var lo = -V.beyond * side, hi = (1 + V.beyond) * side - 1;
    var tx0 = Math.max(lo, Math.floor(r.x0 * side)), tx1 = Math.min(hi, Math.floor(r.x1 * side));
    var ty0 = Math.max(lo, Math.floor(r.y0 * side)), ty1 = Math.min(hi, Math.floor(r.y1 * side));
    for (var ty = ty0; ty <= ty1; ty++) {
      for (var tx = tx0; tx <= tx1; tx++) {
        var d = Math.abs((tx + 0.5) / side - view.x) + Math.abs((ty + 0.5) / side - view.y);
        out.push({ L: L, tx: tx, ty: ty, d: d });
      }
    }
    return out.sort(function (a, b) { return a.d - b.d; });
  }

  // ---- Tiles ----
  function record(L, tx, ty, n) {
    var k = L + '/' + tx + '/' + ty + '/' + n, t = tiles.get(k);
    if (!t) {
      t = { key: k, L: L, tx: tx, ty: ty, n: n, state: 'idle' };
      tiles.set(k, t);
      if (tiles.size > MAX_TILES) evict();
    }
    return t;
  }
  function evict() {
    var it = tiles.values(), t;
    while (tiles.size > MAX_TILES && !(t = it.next()).done) {
      if (t.value.state !== 'loading') tiles.delete(t.value.key);
    }
  }
  function touch(t) { tiles.delete(t.key); tiles.set(t.key, t); }
  function request(t) {
    var ctrl = new AbortController();
    t.ctrl = ctrl; t.id = nextId++; t.state = 'loading'; inFlight++;
    var url = '/tile?z=' + t.L + '&tx=' + t.tx + '&ty=' + t.ty + '&n=' + t.n +
      '&c=' + client + '&r=' + t.id + suffix();
    fetch(url, { signal: ctrl.signal }).then(function (r) {
      if (r.ok) return r.arrayBuffer().then(function (b) { arrived(t, b); });
      return r.text().then(function (msg) { refused(t, r.status, msg.trim()); });
    }).catch(function () {
      if (t.state === 'loading') t.state = 'idle';
    }).then(function () {
      inFlight--; t.ctrl = null; schedule();
    });
  }
  function suffix() { return choice ? '&' + choice : ''; }
  function cancel(t) {
    t.ctrl.abort();
    t.state = 'idle';
    fetch('/cancel?c=' + client + '&r=' + t.id).catch(function () {});
  }
  // Forget every tile (the map changed); those in flight are cancelled.
  function resetTiles() {
    tiles.forEach(function (t) { if (t.state === 'loading') cancel(t); });
    tiles = new Map();
    dropChaos();
    firstView = null; started = performance.now();
  }
  function arrived(t, buf) {
    var n2 = t.n * t.n;
    t.data = { fl: new Float32Array(buf, 0, n2), ml: new Float32Array(buf, 4 * n2, n2),
      se: new Float32Array(buf, 8 * n2, n2), fg: new Uint8Array(buf, 12 * n2, n2) };
    t.state = 'done';
    t.image = null;
  }
  function refused(t, status, msg) {
    t.state = status === 503 ? 'idle' : 'failed';
    // Past the window's edge an axis may leave its hyperparameter's range (a momentum of
    // 1.2): those tiles stay grey, without a note.
    if (status === 400 && inside(t)) {
      notes.refused = /apart/.test(msg)
        ? 'At this depth floating point can no longer tell neighbouring pixels\u2019 axis values apart (' +
          msg + '): zoom out.'
        : 'The server refused tiles here: ' + msg;
      showNotes();
    }
  }
  function inside(v) {
    var side = Math.pow(2, v.L);
    return v.tx >= 0 && v.ty >= 0 && v.tx < side && v.ty < side;
  }
  // Ask for what the view lacks: the opened window's tiles coarse then fine, then those past
  // its edge likewise; abort what left the view.
  function pump() {
    var vis = visibleTiles(), keep = new Set(), wanted = [];
    var groups = [vis.filter(inside), vis.filter(function (v) { return !inside(v); })];
    groups.forEach(function (group) {
      [V.coarse, V.tile].forEach(function (n) {
        group.forEach(function (v) {
          var t = record(v.L, v.tx, v.ty, n);
          keep.add(t.key);
          if (t.state === 'idle') wanted.push(t);
        });
      });
    });
    tiles.forEach(function (t) { if (t.state === 'loading' && !keep.has(t.key)) cancel(t); });
    while (inFlight < MAX_IN_FLIGHT && wanted.length) request(wanted.shift());
    var own = groups[0], fine = own.filter(function (v) {
      return record(v.L, v.tx, v.ty, V.tile).state === 'done';
    });
    // The first view: the opened window's tiles in view, trained at full size.
    if (firstView === null && fine.length === own.length) {
      firstView = (performance.now() - started) / 1000;
    }
    statusEl.textContent = fine.length + ' of ' + own.length + ' tiles trained (' +
      V.tile + '\u00b2 nets each, ' + V.epochs + ' epochs)' +
      (firstView === null ? '' : '; first view in ' + firstView.toFixed(2) + ' s');
    var c = chaosPlace();
    if (chaos.key !== (c && c.key)) dropChaos();
    var done = vis.every(function (v) { return record(v.L, v.tx, v.ty, V.tile).state !== 'loading'; });
    if (c && chaos.key === null && done && inFlight === 0) askChaos(c);
  }

  // ---- Whether rounding decides the view's pixels: the boundary chaos of the tile of level
  // L under the view's centre, measured by the server on a V.chaos² map of it ----
  function chaosPlace() {
    var L = level(), side = Math.pow(2, L);
    var tx = Math.floor(view.x * side), ty = Math.floor(view.y * side);
    if (Math.min(tx, ty) < -V.beyond * side || Math.max(tx, ty) >= (1 + V.beyond) * side) return null;
    var v = V.colourings[colouring].name === 'converged' ? 'converged' : 'trained';
    return { L: L, tx: tx, ty: ty, v: v, key: [L, tx, ty, v, choice].join('/') };
  }
  function dropChaos() {
    if (chaos.ctrl) {
      chaos.ctrl.abort();
      fetch('/cancel?c=' + client + '&r=' + chaos.id).catch(function () {});
    }
    chaos = { key: null, data: null, ctrl: null, id: 0 };
    showChaos();
  }
  function askChaos(c) {
    var ctrl = new AbortController(), mine = { key: c.key, data: null, ctrl: ctrl, id: nextId++, at: c };
    chaos = mine;
    showChaos();
    fetch('/chaos?z=' + c.L + '&tx=' + c.tx + '&ty=' + c.ty + '&v=' + c.v + '&c=' + client +
      '&r=' + mine.id + suffix(), { signal: ctrl.signal }).then(function (r) {
      if (r.ok) return r.json();
      return r.text().then(function (m) { throw new Error(m.trim()); });
    }).then(function (d) {
      mine.data = d; mine.ctrl = null;
      if (chaos === mine) { showChaos(); schedule(); }
    }).catch(function (e) {
      mine.ctrl = null;
      if (chaos === mine && e.name !== 'AbortError') { mine.error = e.message; showChaos(); }
    });
  }
  function showChaos() {
    var d = chaos.data;
    chaosEl.hidden = !chaos.key;
    chaosEl.className = d && d.rounding_dominated ? 'note' : 'quiet';
    chaosEl.textContent = d ? 'The tile under the view\u2019s centre (measured on ' + d.n + '\u00b2 pixels, its ' +
      d.verdict + ' boundary): ' + d.text + '.' : chaos.error ? 'Rounding here not measured: ' + chaos.error
      : 'Measuring whether rounding decides pixels here\u2026';
  }
  // The boundary pixels of the chaos map whose verdict a one-ulp nudge flipped, outlined.
  function flipMarks() {
    var d = chaos.data;
    marks = 0;
    if (!flipsBox.checked || !d) return;
    marks = d.flipped.length;
    var c = chaos.at, side = Math.pow(2, c.L), s = Math.max(3, ppw() / side / d.n);
    ctx.strokeStyle = '#e00'; ctx.lineWidth = 1.5;
    d.flipped.forEach(function (k) {
      var fx = (c.tx + (k % d.n + 0.5) / d.n) / side, fy = (c.ty + (Math.floor(k / d.n) + 0.5) / d.n) / side;
      ctx.strokeRect(screenX(fx) - s / 2, screenY(fy) - s / 2, s, s);
    });
  }

  function image(t) {
    if (t.image && t.imageFor === colouring) return t.image;
    var n = t.n, c = V.colourings[colouring], cv = document.createElement('canvas');
    cv.width = cv.height = n;
    var g = cv.getContext('2d'), img = g.createImageData(n, n);
    for (var k = 0; k < n * n; k++) {
      var rgb = colourOf(c, t.data, k), row = n - 1 - Math.floor(k / n), o = 4 * (row * n + k % n);
      img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    t.image = cv; t.imageFor = colouring;
    return cv;
  }
  // The best trained tile covering tile (L, tx, ty): fine, coarse, then an ancestor's part.
  function cover(L, tx, ty) {
    for (var d = 0; d <= Math.min(L, 8); d++) {
      var s = Math.pow(2, d), ax = Math.floor(tx / s), ay = Math.floor(ty / s);
      for (var n of [V.tile, V.coarse]) {
        var t = tiles.get((L - d) + '/' + ax + '/' + ay + '/' + n);
        if (t && t.state === 'done') return { t: t, s: s, ix: tx - ax * s, iy: ty - ay * s };
      }
    }
    return null;
  }

  // ---- Drawing ----
  function draw() {
    pending = false;
    var dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, w, h);
    var p = plot();
    ctx.save();
    ctx.beginPath(); ctx.rect(p.x, p.y, p.w, p.h); ctx.clip();
    ctx.fillStyle = '#ddd'; ctx.fillRect(p.x, p.y, p.w, p.h);
    ctx.imageSmoothingEnabled = false;
    var L = level(), side = Math.pow(2, L);
    visibleTiles().forEach(function (v) {
      var c = cover(v.L, v.tx, v.ty);
      var x0 = screenX(v.tx / side), x1 = screenX((v.tx + 1) / side);
      var y0 = screenY((v.ty + 1) / side), y1 = screenY(v.ty / side);
      if (!c) return;
      touch(c.t);
      var n = c.t.n, sw = n / c.s;
      ctx.drawImage(image(c.t), c.ix * sw, n - (c.iy + 1) * sw, sw, sw, x0, y0, x1 - x0, y1 - y0);
    });
    outline();
    flipMarks();
    ctx.restore();
    axes(p);
    pump();
    saveHash();
  }
  // The opened window's edge, where the view reaches past it.
  function outline() {
    ctx.strokeStyle = 'rgba(0,0,0,0.5)'; ctx.lineWidth = 1;
    ctx.strokeRect(screenX(0), screenY(1), screenX(1) - screenX(0), screenY(0) - screenY(1));
  }
  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  function bars() { S.drawBars(barsCanvas, V.colourings[colouring], FONT); }
  function axes(p) {
    S.axes(ctx, p, V, visibleRange(), { x: screenX, y: screenY }, FONT);
  }

  // ---- The pixel under a point: its tile, column and row, values ----
  function pixelAt(sx, sy) {
    var fx = fracX(sx), fy = fracY(sy), L = level(), side = Math.pow(2, L);
    var c = cover(L, Math.floor(fx * side), Math.floor(fy * side));
    if (!c) return null;
    var t = c.t, tside = Math.pow(2, t.L);
    var i = Math.floor((fx * tside - t.tx) * t.n), j = Math.floor((fy * tside - t.ty) * t.n);
    if (i < 0 || j < 0 || i >= t.n || j >= t.n) return null;
    var step = 1 / (tside * t.n), cx = (t.tx + (i + 0.5) / t.n) / tside, cy = (t.ty + (j + 0.5) / t.n) / tside;
    return { t: t, i: i, j: j, fx: cx, fy: cy, k: j * t.n + i,
      x: value(V.x, cx), y: value(V.y, cy),
      sx: Math.abs(value(V.x, cx + step) - value(V.x, cx)),
      sy: Math.abs(value(V.y, cy + step) - value(V.y, cy)) };
  }
  function pointText(px) {
    return V.x.name + ' ' + digits(px.x, px.sx) + ', ' + V.y.name + ' ' + digits(px.y, px.sy) +
      ': ' + S.outcomeText(px.t.data, px.k) + (px.t.n < V.tile ? ' (coarse pass)' : '');
  }

  // ---- The hash holds the view ----
  function saveHash() {
    var h = '#cx=' + view.x + '&cy=' + view.y + '&z=' + Number(view.z.toFixed(3)) +
      '&m=' + V.colourings[colouring].name + suffix();
    if (location.hash !== h) history.replaceState(null, '', h);
    document.getElementById('view-command').textContent = S.viewCommand(V, view, visibleRange(), plot());
  }
  // The hash's view and colouring; what else it holds is the map's choice, returned as sent.
  function loadHash() {
    var h = {}, rest = [];
    location.hash.slice(1).split('&').filter(Boolean).forEach(function (kv) {
      var p = kv.split('='), k = p[0];
      if (['cx', 'cy', 'z', 'm'].indexOf(k) >= 0) h[k] = decodeURIComponent(p[1] || '');
      else rest.push(kv);
    });
    var x = Number(h.cx), y = Number(h.cy), z = Number(h.z);
    if (h.cx && isFinite(x) && isFinite(y) && isFinite(z)) view = { x: x, y: y, z: clampZoom(z) };
    else view = { x: 0.5, y: 0.5, z: wholeZoom() };
    V.colourings.forEach(function (c, k) { if (c.name === h.m) colouring = k; });
    return rest.join('&');
  }
  function clampZoom(z) { return Math.max(wholeZoom() - 2, Math.min(V.max_zoom - 6, z)); }
  function zoomAt(sx, sy, dz) {
    var fx = fracX(sx), fy = fracY(sy);
    view.z = clampZoom(view.z + dz);
    view.x = fx - (fracX(sx) - view.x);
    view.y = fy - (fracY(sy) - view.y);
    schedule();
  }

  function showNotes() {
    var text = Object.keys(notes).map(function (k) { return notes[k]; }).filter(Boolean).join(' ');
    noteEl.textContent = text; noteEl.hidden = !text;
  }

  // The page's state for tests and the console, set once view.json is in.
  var hooks = {
    view: function () { return { x: view.x, y: view.y, z: view.z, level: level() }; },
    setView: function (x, y, z) { view = { x: x, y: y, z: clampZoom(z) }; schedule(); },
    chaos: function () { return chaos.data; },
    // Boundary pixels marked as flipping in the last frame drawn.
    marks: function () { return marks; },
    choice: function () { return choice; },
    firstView: function () { return firstView; },
    // Counts of the visible tiles at each size that are trained, and of those refused.
    loaded: function () {
      var vis = visibleTiles(), count = function (n) {
        return vis.filter(function (v) { return record(v.L, v.tx, v.ty, n).state === 'done'; }).length;
      };
      var failed = vis.filter(function (v) { return record(v.L, v.tx, v.ty, V.tile).state === 'failed'; });
      return { visible: vis.length, fine: count(V.tile), coarse: count(V.coarse), inFlight: inFlight,
        failed: failed.length };
    },
    // A trained tile's numbers, as the page decoded them (null until it is trained).
    tile: function (L, tx, ty, n) {
      var t = tiles.get(L + '/' + tx + '/' + ty + '/' + n);
      if (!t || t.state !== 'done') return null;
      var plain = function (a) { return Array.from(a, function (v) { return isNaN(v) ? null : v; }); };
      return { fl: plain(t.data.fl), ml: plain(t.data.ml), se: plain(t.data.se), fg: Array.from(t.data.fg) };
    },
    pixelAt: pixelAt,
    zoomAt: zoomAt,
    openAt: function (sx, sy) { var px = pixelAt(sx, sy); if (px) XS.openNet(px); return px; }
  };
  XS.serve = { get V() { return V; }, get O() { return O; }, pointText: pointText, digits: digits,
    suffix: suffix, choose: choose };

  // ---- The map: the server's own, or one chosen in the page ----
  // Show map v (chosen by the query q, '' for the server's own) from its whole window.
  function useMap(v, q) {
    var name = V && V.colourings[colouring].name;
    V = v; choice = q; DEEPEST = V.max_zoom; colouring = 0;
    V.colourings.forEach(function (c, k) { if (c.name === name) colouring = k; });
    document.getElementById('trainer').textContent = V.x.desc + ' \u00d7 ' + V.y.desc + '; ' +
      V.trainer + '; ' + V.epochs + ' epochs per net (' + V.precision + ')';
    var sel = document.getElementById('measure');
    sel.textContent = '';
    V.colourings.forEach(function (c, k) {
      var o = document.createElement('option');
      o.value = k; o.textContent = c.name === 'default' ? 'solved epoch / final loss' : c.name;
      sel.appendChild(o);
    });
    sel.value = colouring;
    resetTiles();
    delete notes.refused; showNotes();
    if (XS.fillForm) XS.fillForm(V);
    bars();
  }
  // Ask the server for the map the query q chooses: resolves to null once it is shown, or to
  // the server's reason for refusing it (the map shown stays).
  function choose(q) {
    if (!q) { useMap(O, ''); return Promise.resolve(null); }
    return fetch('/view.json?' + q).then(function (r) {
      if (!r.ok) return r.text().then(function (m) { return m.trim(); });
      return r.json().then(function (v) {
        useMap(v, q);
        view = { x: 0.5, y: 0.5, z: wholeZoom() };
        schedule();
        return null;
      });
    });
  }

  // ---- Start ----
  // A hash's map: shown if the server takes it (the view it holds kept), else the reason said.
  function openHash() {
    var saved = view, q = loadHash(), kept = view;
    if (q === choice) { bars(); schedule(); return Promise.resolve(); }
    view = saved;
    return choose(q).then(function (refused) {
      if (refused) XS.formError('The server refused the map in the address: ' + refused);
      else { view = kept; loadHash(); document.getElementById('measure').value = colouring; }
      bars(); schedule();
    });
  }

  fetch('/view.json').then(function (r) { return r.json(); }).then(function (v) {
    O = v;
    useMap(O, '');
    loadHash();
    window.xorsweepServe = hooks;
    var sel = document.getElementById('measure');
    sel.value = colouring;
    sel.addEventListener('change', function () {
      colouring = Number(sel.value); bars(); showChaos(); schedule();
    });
    flipsBox.addEventListener('change', schedule);
    document.getElementById('reset').addEventListener('click', function () {
      view = { x: 0.5, y: 0.5, z: wholeZoom() }; schedule();
    });
    window.addEventListener('resize', function () { bars(); schedule(); });
    window.addEventListener('hashchange', openHash);
    XS.servePointer(canvas, { fracX: fracX, fracY: fracY, ppw: ppw, zoomAt: zoomAt,
      pan: function (dx, dy) { view.x -= dx / ppw(); view.y += dy / ppw(); schedule(); },
      hover: function (sx, sy) {
        var px = pixelAt(sx, sy);
        readout.textContent = px ? pointText(px) : 'no trained tile under the pointer yet';
      },
      click: function (sx, sy) { var px = pixelAt(sx, sy); if (px) XS.openNet(px); } });
    openHash();
  });
})();
