/* yearbook — the event page's scanned class pages (issue 23): send pages, fix the boxes
   found on them and the names read, then add them to the class as uploaded photos. */
(function () {
  'use strict';
  var section = YB.$('class-pages');
  if (!section) return;
  var $ = YB.$, el = YB.el, text = YB.text, t = YB.t;
  var api = '/api/organise/reunions/' + section.dataset.reunion + '/pages';
  var pages = [];
  var saving = {};
  var listed = {};

  function say(line, ok) { $('cp-msg').classList.toggle('ok', !!ok); text($('cp-msg'), line); }

  function fetchBody(path, method, body) {
    return fetch(YB.url(path), {
      method: method, body: body, credentials: 'same-origin', cache: 'no-store',
      headers: { 'Accept': 'application/json' }
    }).then(function (res) {
      return res.text().then(function (txt) {
        var d = null;
        try { d = txt ? JSON.parse(txt) : null; } catch (e) { d = null; }
        return { ok: res.ok, status: res.status, data: d };
      });
    });
  }

  function pageOf(id) {
    for (var i = 0; i < pages.length; i++) if (pages[i].id === id) return pages[i];
    return null;
  }

  // ---------- saving: a page's boxes go whole, shortly after the last change ----------

  function save(page) {
    clearTimeout(saving[page.id]);
    saving[page.id] = setTimeout(function () {
      delete saving[page.id];
      YB.fetchJson(api + '/' + page.id, { method: 'PUT', body: { label: page.label, boxes: page.boxes } })
        .then(function (r) {
          if (!r.ok) { say(t('pages-save-trouble', { why: YB.errorText(r) })); return; }
          say(t('pages-saved'), true);
        }, function () { say(t('pages-save-trouble', { why: t('pages-network') })); });
    }, 400);
  }

  /** Resolves when no page waits to be saved (Add to the class sends what is on screen). */
  function flush() {
    var ids = Object.keys(saving);
    return Promise.all(ids.map(function (id) {
      clearTimeout(saving[id]);
      delete saving[id];
      var page = pageOf(Number(id));
      if (!page) return null;
      return YB.fetchJson(api + '/' + page.id, { method: 'PUT', body: { label: page.label, boxes: page.boxes } });
    }));
  }

  // ---------- drawing ----------

  function pct(v, of) { return (v / of * 100) + '%'; }

  function place(page, n, node) {
    var b = page.boxes[n];
    node.style.left = pct(b.x0, page.width);
    node.style.top = pct(b.y0, page.height);
    node.style.width = pct(b.x1 - b.x0, page.width);
    node.style.height = pct(b.y1 - b.y0, page.height);
  }

  function boxLabel(page, n) {
    var name = page.boxes[n].name;
    return name ? t('pages-box-named', { n: n + 1, name: name }) : t('pages-box-unnamed', { n: n + 1 });
  }

  function drawAll() {
    var list = YB.clear($('cp-pages'));
    pages.forEach(function (page, i) { list.appendChild(drawPage(page, i)); });
    YB.show($('cp-actions'), pages.length > 0);
    YB.show($('cp-keys'), pages.length > 0);
    suggest();
  }

  function redraw(page, focus) {
    var old = section.querySelector('[data-page="' + page.id + '"]');
    if (!old) return;
    var fresh = drawPage(page, pages.indexOf(page));
    old.parentNode.replaceChild(fresh, old);
    showSuggestions();
    if (focus) {
      var target = fresh.querySelector(focus);
      if (target) target.focus();
    }
  }

  function drawPage(page, i) {
    var stage = el('div', { className: 'cp-stage' });
    var img = el('img', { src: YB.url(page.image), alt: '', draggable: false });
    stage.appendChild(img);
    var items = el('ol', { className: 'cp-items' });
    page.boxes.forEach(function (b, n) {
      stage.appendChild(drawBox(page, n));
      items.appendChild(drawItem(page, n));
    });
    var label = el('input', { type: 'text', className: 'cp-label', id: 'cp-label-' + page.id, maxLength: 40, value: page.label || '' });
    label.addEventListener('input', function () { page.label = label.value; save(page); });
    var remove = el('button', { type: 'button', className: 'btn', text: t('pages-remove') });
    remove.addEventListener('click', function () { removePage(page); });
    var add = el('button', { type: 'button', className: 'btn cp-add', text: t('pages-add-box') });
    add.addEventListener('click', function () { addBox(page); });
    return el('article', { className: 'cp-page', dataset: { page: String(page.id) } }, [
      el('h3', { text: t('pages-page-title', { n: i + 1, file: page.file }) }),
      el('label', { 'for': 'cp-label-' + page.id, text: t('pages-label') }),
      label,
      stage,
      el('div', { className: 'cp-tools' }, [add, remove]),
      items
    ]);
  }

  function drawBox(page, n) {
    var b = page.boxes[n];
    var node = el('div', {
      className: 'cp-box' + (b.name ? '' : ' unnamed'),
      tabindex: '0',
      role: 'button',
      dataset: { n: String(n) }
    });
    node.setAttribute('aria-label', boxLabel(page, n));
    place(page, n, node);
    var handle = el('span', { className: 'cp-handle', 'aria-hidden': 'true' });
    node.appendChild(handle);
    node.appendChild(el('span', { className: 'cp-caption', text: b.name || '?' }));
    drag(page, n, node, handle);
    node.addEventListener('keydown', function (e) { boxKey(page, n, node, e); });
    node.addEventListener('focus', function () { mark(page, n, true); });
    node.addEventListener('blur', function () { mark(page, n, false); });
    return node;
  }

  function mark(page, n, on) {
    var root = section.querySelector('[data-page="' + page.id + '"]');
    if (!root) return;
    var box = root.querySelector('.cp-box[data-n="' + n + '"]');
    var item = root.querySelector('.cp-item[data-n="' + n + '"]');
    if (box) box.classList.toggle('sel', on);
    if (item) item.classList.toggle('sel', on);
  }

  function drawItem(page, n) {
    var b = page.boxes[n];
    var id = 'cp-name-' + page.id + '-' + n;
    var input = el('input', { type: 'text', id: id, className: 'cp-name', maxLength: 120, value: b.name, autocomplete: 'off', spellcheck: false });
    input.addEventListener('input', function () {
      b.name = input.value.trim();
      var box = section.querySelector('[data-page="' + page.id + '"] .cp-box[data-n="' + n + '"]');
      if (box) {
        box.classList.toggle('unnamed', !b.name);
        text(box.querySelector('.cp-caption'), b.name || '?');
        box.setAttribute('aria-label', boxLabel(page, n));
      }
      save(page);
      suggestSoon();
    });
    input.addEventListener('focus', function () { mark(page, n, true); });
    input.addEventListener('blur', function () { mark(page, n, false); });
    var drop = el('button', { type: 'button', className: 'btn cp-drop', text: t('pages-drop') });
    drop.setAttribute('aria-label', t('pages-drop') + ': ' + t('pages-box', { n: n + 1 }));
    drop.addEventListener('click', function () { dropBox(page, n); });
    var merge = el('select', { className: 'cp-merge', id: 'cp-merge-' + page.id + '-' + n });
    merge.appendChild(el('option', { value: '', text: t('pages-merge-none') }));
    page.boxes.forEach(function (o, m) {
      if (m !== n) merge.appendChild(el('option', { value: String(m), text: t('pages-box', { n: m + 1 }) + (o.name ? ' — ' + o.name : '') }));
    });
    merge.addEventListener('change', function () { if (merge.value !== '') mergeBoxes(page, n, Number(merge.value)); });
    var kids = [
      el('label', { 'for': id, text: t('pages-name', { n: n + 1 }) }),
      input
    ];
    if (b.flag && !b.name) kids.push(el('p', { className: 'hint cp-flag', text: t('pages-unread', { why: b.flag }) }));
    kids.push(el('p', { className: 'cp-suggest' }));
    kids.push(el('div', { className: 'cp-item-tools' }, [
      el('label', { 'for': merge.id, text: t('pages-merge') }), merge, drop
    ]));
    return el('li', { className: 'cp-item', dataset: { n: String(n) } }, kids);
  }

  // ---------- moving and resizing: pointer and keyboard ----------

  function clampBox(page, b) {
    var w = b.x1 - b.x0, h = b.y1 - b.y0;
    w = Math.max(8, Math.min(w, page.width));
    h = Math.max(8, Math.min(h, page.height));
    b.x0 = Math.max(0, Math.min(b.x0, page.width - w));
    b.y0 = Math.max(0, Math.min(b.y0, page.height - h));
    b.x1 = Math.min(page.width, b.x0 + w);
    b.y1 = Math.min(page.height, b.y0 + h);
  }

  function drag(page, n, node, handle) {
    var start = null;
    node.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) return;
      var b = page.boxes[n];
      var stage = node.parentNode;
      start = {
        x: e.clientX, y: e.clientY,
        scale: page.width / stage.getBoundingClientRect().width,
        box: { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 },
        resize: e.target === handle
      };
      node.focus();
      if (node.setPointerCapture) node.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    node.addEventListener('pointermove', function (e) {
      if (!start) return;
      var dx = Math.round((e.clientX - start.x) * start.scale);
      var dy = Math.round((e.clientY - start.y) * start.scale);
      var b = page.boxes[n], s = start.box;
      if (start.resize) {
        b.x0 = s.x0; b.y0 = s.y0;
        b.x1 = Math.min(page.width, Math.max(s.x0 + 8, s.x1 + dx));
        b.y1 = Math.min(page.height, Math.max(s.y0 + 8, s.y1 + dy));
      } else {
        b.x0 = s.x0 + dx; b.y0 = s.y0 + dy; b.x1 = s.x1 + dx; b.y1 = s.y1 + dy;
        clampBox(page, b);
      }
      place(page, n, node);
    });
    function end() {
      if (!start) return;
      var s = start.box, b = page.boxes[n];
      start = null;
      if (s.x0 !== b.x0 || s.y0 !== b.y0 || s.x1 !== b.x1 || s.y1 !== b.y1) save(page);
    }
    node.addEventListener('pointerup', end);
    node.addEventListener('pointercancel', end);
  }

  function boxKey(page, n, node, e) {
    var b = page.boxes[n];
    var step = Math.max(1, Math.round(page.width / 200));
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var m = moves[e.key];
    if (m) {
      if (e.shiftKey) {
        b.x1 = Math.min(page.width, Math.max(b.x0 + 8, b.x1 + m[0]));
        b.y1 = Math.min(page.height, Math.max(b.y0 + 8, b.y1 + m[1]));
      } else {
        b.x0 += m[0]; b.x1 += m[0]; b.y0 += m[1]; b.y1 += m[1];
        clampBox(page, b);
      }
      place(page, n, node);
      save(page);
      e.preventDefault();
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      dropBox(page, n);
      e.preventDefault();
    } else if (e.key === 'Enter') {
      var input = $('cp-name-' + page.id + '-' + n);
      if (input) input.focus();
      e.preventDefault();
    }
  }

  // ---------- boxes added, dropped, merged ----------

  function addBox(page) {
    var ws = page.boxes.map(function (b) { return b.x1 - b.x0; }).sort(function (a, b) { return a - b; });
    var hs = page.boxes.map(function (b) { return b.y1 - b.y0; }).sort(function (a, b) { return a - b; });
    var w = ws.length ? ws[ws.length >> 1] : Math.round(page.width / 5);
    var h = hs.length ? hs[hs.length >> 1] : Math.round(page.height / 6);
    var b = { x0: Math.round((page.width - w) / 2), y0: Math.round((page.height - h) / 2), name: '', read: '', flag: null };
    b.x1 = b.x0 + w; b.y1 = b.y0 + h;
    clampBox(page, b);
    page.boxes.push(b);
    save(page);
    redraw(page, '.cp-box[data-n="' + (page.boxes.length - 1) + '"]');
  }

  function dropBox(page, n) {
    page.boxes.splice(n, 1);
    save(page);
    var next = Math.min(n, page.boxes.length - 1);
    redraw(page, next >= 0 ? '.cp-box[data-n="' + next + '"]' : '.cp-add');
  }

  function mergeBoxes(page, n, m) {
    var a = page.boxes[n], b = page.boxes[m];
    a.x0 = Math.min(a.x0, b.x0); a.y0 = Math.min(a.y0, b.y0);
    a.x1 = Math.max(a.x1, b.x1); a.y1 = Math.max(a.y1, b.y1);
    if (!a.name) { a.name = b.name; a.read = b.read; a.flag = b.flag; }
    page.boxes.splice(m, 1);
    var kept = m < n ? n - 1 : n;
    save(page);
    say(t('pages-merged', { a: n + 1, b: m + 1 }), true);
    redraw(page, '.cp-box[data-n="' + kept + '"]');
  }

  function removePage(page) {
    if (!window.confirm(t('pages-confirm-remove'))) return;
    clearTimeout(saving[page.id]);
    delete saving[page.id];
    YB.fetchJson(api + '/' + page.id, { method: 'DELETE' }).then(function (r) {
      if (!r.ok && r.status !== 404) { say(YB.errorText(r)); return; }
      pages = pages.filter(function (p) { return p !== page; });
      drawAll();
    }, function () { say(t('pages-network')); });
  }

  // ---------- the name list's close matches (the list import's own plan) ----------

  var suggestTimer = null;
  function suggestSoon() {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 600);
  }

  // The name list section's list: its chosen file's bytes, else the text pasted.
  var listFile = null;
  function listBody() {
    if (listFile !== null) return { list_base64: listFile };
    var box = $('nl-text');
    return box && box.value.trim() ? { list: box.value } : null;
  }

  function suggest() {
    var body = listBody();
    listed = {};
    if (!body || !pages.length) { showSuggestions(); return; }
    var files = [];
    pages.forEach(function (p) {
      p.boxes.forEach(function (b) { if (b.name && files.indexOf(b.name + '.png') < 0) files.push(b.name + '.png'); });
    });
    body.files = files;
    YB.fetchJson('/api/organise/namelist/preview', { body: body }).then(function (r) {
      if (!r.ok || !r.data) return;
      listed = {};
      (r.data.matched || []).forEach(function (m) { listed[m.file] = { on: true }; });
      (r.data.unmatched_files || []).forEach(function (u) {
        (u.files || []).forEach(function (f) { listed[f] = { on: false, suggestions: u.suggestions || [] }; });
      });
      showSuggestions();
    }, function () { /* the suggestions are a help: without them the names stay as typed */ });
  }

  function showSuggestions() {
    var any = Object.keys(listed).length > 0;
    pages.forEach(function (page) {
      var root = section.querySelector('[data-page="' + page.id + '"]');
      if (!root) return;
      page.boxes.forEach(function (b, n) {
        var spot = root.querySelector('.cp-item[data-n="' + n + '"] .cp-suggest');
        if (!spot) return;
        YB.clear(spot);
        var seen = b.name && listed[b.name + '.png'];
        if (!any || !seen) return;
        if (seen.on) { text(spot, t('pages-listed')); return; }
        if (!seen.suggestions.length) { text(spot, t('pages-not-listed')); return; }
        seen.suggestions.forEach(function (s) {
          var use = el('button', { type: 'button', className: 'btn cp-use',
            text: t('pages-on-list', { name: s.list_name, score: Math.round(s.score * 100) }) });
          use.addEventListener('click', function () {
            b.name = s.list_name;
            save(page);
            redraw(page, '#cp-name-' + page.id + '-' + n);
            suggestSoon();
          });
          spot.appendChild(use);
        });
      });
    });
  }

  // ---------- pages sent, and the class made of them ----------

  function send(files) {
    var i = 0;
    function next() {
      if (i >= files.length) { $('cp-pick').value = ''; return; }
      var file = files[i++];
      say(t('pages-reading', { file: file.name }), true);
      fetchBody(api + '?file=' + encodeURIComponent(file.name), 'POST', file).then(function (r) {
        if (!r.ok || !r.data) {
          say(t('pages-refused', { file: file.name, why: YB.errorText(r) }));
          $('cp-outcome').appendChild(el('li', { className: 'error', text: t('pages-refused', { file: file.name, why: YB.errorText(r) }) }));
          next();
          return;
        }
        // A PDF gives a page each (`pages`), its pages with no class on
        // them in `refused`; an image gives one.
        (r.data.pages || [r.data]).forEach(function (page) {
          pages.push(page);
          var unnamed = page.boxes.filter(function (b) { return !b.name; }).length;
          say(t('pages-read', { file: page.file, count: page.boxes.length, unnamed: unnamed }), true);
        });
        (r.data.refused || []).forEach(function (no) {
          $('cp-outcome').appendChild(el('li', { className: 'error', text: t('pages-refused', { file: no.file, why: no.message }) }));
        });
        drawAll();
        next();
      }, function () { say(t('pages-network')); next(); });
    }
    YB.clear($('cp-outcome'));
    next();
  }

  $('cp-pick').addEventListener('change', function () {
    var files = Array.prototype.slice.call($('cp-pick').files || []);
    if (files.length) send(files);
  });

  $('cp-roster').addEventListener('click', function () {
    var button = $('cp-roster');
    button.disabled = true;
    say(t('pages-adding'), true);
    YB.clear($('cp-outcome'));
    flush().then(function () {
      return YB.fetchJson(api + '/roster', { body: {} });
    }).then(function (r) {
      button.disabled = false;
      if (!r.ok) {
        say(YB.errorText(r));
        // The first box still without a name, ready to type in.
        var empty = Array.prototype.filter.call(section.querySelectorAll('.cp-name'), function (i) { return !i.value.trim(); })[0];
        if (r.data && r.data.error === 'names_missing' && empty) empty.focus();
        return;
      }
      say(t('pages-added', { count: r.data.added }), true);
      (r.data.uploads || []).forEach(function (u) {
        (u.refused || []).forEach(function (f) {
          $('cp-outcome').appendChild(el('li', { className: 'error', text: f.file + ': ' + f.message }));
        });
      });
      pages = [];
      drawAll();
      document.dispatchEvent(new CustomEvent('yb:people-changed'));
    }, function () { button.disabled = false; say(t('pages-network')); });
  });

  var nl = $('nl-text');
  if (nl) nl.addEventListener('input', function () { listFile = null; suggestSoon(); });
  var nlFile = $('nl-file');
  if (nlFile) nlFile.addEventListener('change', function () {
    var file = nlFile.files && nlFile.files[0];
    listFile = null;
    if (!file) { suggestSoon(); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var data = String(reader.result);
      listFile = data.slice(data.indexOf(',') + 1);
      suggestSoon();
    };
    reader.readAsDataURL(file);
  });

  YB.fetchJson(api).then(function (r) {
    if (!r.ok || !r.data) return;
    pages = r.data.pages || [];
    drawAll();
  });
})();
