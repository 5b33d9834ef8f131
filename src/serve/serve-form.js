// xorsweep serve's page: the form that chooses the map. It is built from view.json's fields
// (the flags of `xorsweep map` a page may set, with the names each offers, read by the server
// from the map command's own definition) and filled with the shown map's values. Submitting
// writes the flags as a query (`x=lr%3A0.1..1000%3A512%3Alog&activation=tanh…`), composed from
// the inputs and never parsed here: the server parses and checks it, and its reason for a
// refusal is shown under the form.
(function () {
  'use strict';
  var XS = window.xorsweep;
  var form = document.getElementById('choice-form'), errorEl = document.getElementById('choice-error');
  var axesEl = document.getElementById('choice-axes'), fieldsEl = document.getElementById('choice-fields');
  // Flags the form leaves to the page (the axes have inputs of their own; the colouring is
  // the page's own select).
  var OWN = ['x', 'y', 'measure'];
  var built = false, pixels = {};

  function node(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }
  function select(id, names) {
    var s = node('select', { id: id });
    names.forEach(function (n) { s.appendChild(node('option', { value: n }, n)); });
    return s;
  }
  function labelled(text, input, title) {
    var l = node('label', title ? { title: title } : {}, text + ' ');
    l.appendChild(input);
    return l;
  }

  // An axis: its name, its range and whether it is logarithmic.
  function axisRow(which, field) {
    var row = node('div', { class: 'axis' });
    row.appendChild(node('strong', {}, which + ' axis'));
    row.appendChild(labelled('', select('choice-' + which, field.values), field.help));
    row.appendChild(labelled('from', node('input', { id: 'choice-' + which + '-lo', type: 'text', inputmode: 'decimal' })));
    row.appendChild(labelled('to', node('input', { id: 'choice-' + which + '-hi', type: 'text', inputmode: 'decimal' })));
    row.appendChild(labelled('log', node('input', { id: 'choice-' + which + '-log', type: 'checkbox' })));
    return row;
  }

  function build(V) {
    var byKey = {};
    V.fields.forEach(function (f) { byKey[f.key] = f; });
    axesEl.appendChild(axisRow('x', byKey.x));
    axesEl.appendChild(axisRow('y', byKey.y));
    V.fields.forEach(function (f) {
      if (OWN.indexOf(f.key) >= 0) return;
      // Text, with the names the flag offers as suggestions (an init takes a parameter:
      // uniform:0.5, so a closed list would not do).
      var input = node('input', { id: 'choice-f-' + f.key, type: 'text', placeholder: 'default' });
      fieldsEl.appendChild(labelled(f.key, input, f.help));
      if (!f.values.length) return;
      var list = node('datalist', { id: 'choice-l-' + f.key });
      f.values.forEach(function (n) { list.appendChild(node('option', { value: n })); });
      input.setAttribute('list', list.id);
      fieldsEl.appendChild(list);
    });
    built = true;
  }
  function el(id) { return document.getElementById(id); }

  XS.fillForm = function (V) {
    if (!built) build(V);
    ['x', 'y'].forEach(function (w) {
      var a = V[w];
      el('choice-' + w).value = a.name;
      el('choice-' + w + '-lo').value = String(a.lo);
      el('choice-' + w + '-hi').value = String(a.hi);
      el('choice-' + w + '-log').checked = a.log;
      pixels[w] = a.n;
    });
    V.fields.forEach(function (f) {
      var input = el('choice-f-' + f.key);
      if (input) input.value = f.value === null ? '' : f.value;
    });
    errorEl.hidden = true;
  };
  XS.formError = function (text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
    if (text) el('choose').open = true;
  };

  // The form as `xorsweep map` flags, in a query: `--x NAME:LO..HI:N[:log]` and every field
  // given.
  function query() {
    var parts = ['x', 'y'].map(function (w) {
      var spec = el('choice-' + w).value + ':' + el('choice-' + w + '-lo').value.trim() + '..' +
        el('choice-' + w + '-hi').value.trim() + ':' + pixels[w] + (el('choice-' + w + '-log').checked ? ':log' : '');
      return w + '=' + encodeURIComponent(spec);
    });
    XS.serve.V.fields.forEach(function (f) {
      var input = el('choice-f-' + f.key), v = input && input.value.trim();
      if (v) parts.push(f.key + '=' + encodeURIComponent(v));
    });
    return parts.join('&');
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    XS.formError('');
    XS.serve.choose(query()).then(function (refused) {
      if (refused) XS.formError('The server refused this map: ' + refused);
    });
  });
  el('choice-opened').addEventListener('click', function () { XS.serve.choose(''); });
})();
