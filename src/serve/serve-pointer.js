// xorsweep serve's page: the map's pointer handling. One pointer drags to pan, two pinch to
// zoom around their midpoint, the wheel zooms around the pointer, a press that hardly moves is
// a click (it opens the net); the page's script (serve.js) does the rest through `m`.
(function () {
  'use strict';
  // Pixels a press may move and still be a click.
  var CLICK_SLOP = 4;
  window.xorsweep.servePointer = function (canvas, m) {
    var down = new Map(), moved = 0, pinch = null;
    function local(ev) {
      var r = canvas.getBoundingClientRect();
      return { x: ev.clientX - r.left, y: ev.clientY - r.top };
    }
    function spread() {
      var p = Array.from(down.values());
      return { d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y),
        x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 };
    }
    canvas.addEventListener('pointerdown', function (ev) {
      canvas.setPointerCapture(ev.pointerId);
      down.set(ev.pointerId, local(ev));
      moved = down.size > 1 ? CLICK_SLOP + 1 : 0;
      pinch = down.size === 2 ? spread() : null;
      canvas.classList.add('dragging');
    });
    canvas.addEventListener('pointermove', function (ev) {
      var p = local(ev), was = down.get(ev.pointerId);
      if (!was) { m.hover(p.x, p.y); return; }
      down.set(ev.pointerId, p);
      if (down.size === 2 && pinch) {
        var s = spread();
        if (pinch.d > 0 && s.d > 0) m.zoomAt(s.x, s.y, Math.log2(s.d / pinch.d));
        m.pan(s.x - pinch.x, s.y - pinch.y);
        pinch = s;
        return;
      }
      moved += Math.abs(p.x - was.x) + Math.abs(p.y - was.y);
      m.pan(p.x - was.x, p.y - was.y);
    });
    function up(ev) {
      var was = down.get(ev.pointerId);
      down.delete(ev.pointerId);
      pinch = null;
      if (down.size === 0) canvas.classList.remove('dragging');
      if (was && ev.type === 'pointerup' && down.size === 0 && moved <= CLICK_SLOP) {
        var p = local(ev);
        m.click(p.x, p.y);
      }
    }
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var p = local(ev), lines = ev.deltaMode === 1 ? 40 : ev.deltaMode === 2 ? 800 : 1;
      m.zoomAt(p.x, p.y, -ev.deltaY * lines / 400);
    }, { passive: false });
  };
})();
