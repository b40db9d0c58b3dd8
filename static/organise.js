/* yearbook — the organiser's event page: the people table, saved as edited. */
(function () {
  'use strict';
  var $ = YB.$, text = YB.text, el = YB.el;
  var root = $('reunion');
  if (!root) return;
  var id = root.getAttribute('data-id');
  var data = JSON.parse($('reunion-data').textContent);
  var msg = $('r-msg');
  var api = '/api/organise/reunions/' + id;

  // Errors are said in red (`.msg`); progress and success calmly (`.msg.ok`).
  function say(s) { text(msg, s); msg.classList.remove('ok'); }
  function sayDone(s) { text(msg, s); msg.classList.add('ok'); }

  // Undo: each saved change pushes what undoes it; undoing is itself a
  // saved change, made on the person's version as it is now.
  var history = [];
  var MAX_UNDO = 50;

  // The version this page's last change gave each person: an undo on a
  // person someone else changed since would overwrite their change.
  var mine = {};

  function own(pid, r) {
    var d = r && r.data;
    // A change of several people at once: each row's version.
    if (d && d.people && d.people.forEach) {
      d.people.forEach(function (row) { if (row.version) mine[row.id] = row.version; });
      return;
    }
    var v = d && (d.person ? d.person.version : d.version);
    if (v) {
      mine[pid] = v;
      if (!(latest[pid] > v)) latest[pid] = v;
    }
  }

  /** `pid`: one person's id, or an array of ids for a step that changed several. */
  function remember(pid, what, undo, key) {
    history.push({ pid: pid, what: what, undo: undo, key: key });
    if (history.length > MAX_UNDO) history.shift();
    drawUndo();
  }

  function drawUndo() {
    var btn = $('undo');
    var last = history[history.length - 1];
    btn.disabled = !last;
    text(btn, last ? YB.t('organise-undo-step', { what: last.what }) : YB.t('organise-undo'));
  }

  // The newest version of each person this page knows of: a PATCH answer
  // may be newer than the last drawn table (its reload still on the way).
  var latest = {};

  function versionOf(pid) {
    var p = person(pid);
    var v = p ? p.version : 0;
    return latest[pid] > v ? latest[pid] : v;
  }

  // A row's saves go one at a time, each on the version the previous
  // answer gave: two quick changes to one row never conflict with each other.
  var queues = {};

  function inTurn(pid, job) {
    var q = queues[pid] || (queues[pid] = []);
    q.push(job);
    if (q.length === 1) next(pid);
  }

  function next(pid) {
    var q = queues[pid];
    q[0](function () {
      q.shift();
      if (q.length) next(pid); else delete queues[pid];
    });
  }

  function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

  function person(pid) {
    for (var i = 0; i < data.people.length; i++) if (data.people[i].id === pid) return data.people[i];
    return null;
  }

  function undo() {
    var step = history.pop();
    drawUndo();
    if (!step) return;
    sayDone(YB.t('organise-undoing'));
    // The person's current version: the page may be behind the server.
    YB.fetchJson(api).then(function (r) {
      if (!r.ok) { history.push(step); drawUndo(); say(YB.errorText(r)); return; }
      data = r.data;
      draw();
      var pids = [].concat(step.pid);
      for (var i = 0; i < pids.length; i++) {
        var p = person(pids[i]);
        if (p && mine[pids[i]] && p.version !== mine[pids[i]]) {
          say(YB.t('organise-not-undone', { who: p.updated_by ? cap(p.updated_by) : YB.t('organise-someone'),
            name: p.name, what: step.what }));
          return;
        }
      }
      step.undo(function (res) {
        if (res.ok) { own(step.pid, res); sayDone(YB.t('organise-undone', { what: step.what })); reload(true); return; }
        say(YB.errorText(res, YB.t('organise-could-not-undo')));
        if (res.status === 409) reload(true);
      });
    }, function () { history.push(step); drawUndo(); say(YB.t('organise-no-connection-undo')); });
  }

  /** PATCH on the person's current version; `done(result)`. */
  function patchNow(pid, patch, done) {
    var p = person(pid);
    if (!p) { done({ ok: false, status: 404, data: { message: YB.t('organise-person-gone') } }); return; }
    patch.version = versionOf(pid);
    var by = YB.local.get('yearbook.organiser.name');
    if (by) patch.by = by;
    YB.fetchJson(api + '/people/' + pid, { method: 'PATCH', body: patch }).then(done, function () {
      done({ ok: false, status: 0, data: { message: YB.t('organise-no-connection-undo') } });
    });
  }

  function rotateNow(pid, idx, turns, done) {
    var p = person(pid);
    if (!p) { done({ ok: false, status: 404, data: { message: YB.t('organise-person-gone') } }); return; }
    var body = { version: versionOf(pid), turns: turns };
    var by = YB.local.get('yearbook.organiser.name');
    if (by) body.by = by;
    YB.fetchJson(api + '/people/' + pid + '/photos/' + idx + '/rotate', { body: body }).then(done, function () {
      done({ ok: false, status: 0, data: { message: YB.t('organise-no-connection-turn') } });
    });
  }

  var FIELD_KEYS = { name: 'organise-field-name', known_as: 'organise-field-known-as', gender: 'organise-field-gender',
    in_memoriam: 'organise-field-memoriam', included: 'organise-field-included' };

  function draw() {
    text($('r-title'), data.reunion.title);
    document.title = YB.t('organise-page-title', { title: data.reunion.title });
    var alive = data.people.filter(function (p) { return !p.deleted; });
    text($('r-summary'), YB.t('organise-summary', { people: alive.length, playable: data.playable, rooms: data.rooms }) +
      (data.warnings.length ? ' ' + data.warnings.join(' ') : ''));
    var body = YB.clear($('people-rows'));
    data.people.forEach(function (p) { body.appendChild(row(p)); });
  }

  function field(p, key, label) {
    var input = el('input', { type: 'text', value: p[key] || '', maxLength: 120 });
    input.setAttribute('aria-label', YB.t('organise-cell-of', { field: label, name: p.name }));
    input.addEventListener('change', function () {
      var patch = {};
      patch[key] = key === 'name' ? input.value : (input.value.trim() ? input.value : null);
      save(p, patch);
    });
    return el('td', {}, [input]);
  }

  function check(p, key, label) {
    var box = el('input', { type: 'checkbox' });
    box.checked = !!p[key];
    box.setAttribute('aria-label', label + ': ' + p.name);
    box.addEventListener('change', function () {
      var patch = {};
      patch[key] = box.checked;
      save(p, patch);
    });
    return el('td', {}, [box]);
  }

  function photoCell(p) {
    if (!p.photos.length) return el('td', {}, [el('span', { className: 'muted' }, [YB.t('organise-no-photo')])]);
    var first = p.photos[0];
    var cell = el('td', { className: 'photo-cell' }, [YB.img(first.thumb, '', 'thumb')]);
    // Several photos: their labels, so a drop that added one shows here.
    if (p.photos.length > 1) {
      cell.appendChild(el('span', { className: 'photo-labels muted small' }, [p.photos.map(function (ph) {
        return ph.label || YB.t('organise-no-label');
      }).join(', ')]));
    }
    if (p.deleted) return cell;
    var turn = el('button', { type: 'button', className: 'btn quiet small rotate' }, ['⟳']);
    turn.setAttribute('aria-label', YB.t('organise-turn-label', { name: p.name }));
    turn.addEventListener('click', function () {
      sayDone(YB.t('organise-turning'));
      rotateNow(p.id, first.idx, 1, function (r) {
        if (!r.ok) { say(YB.errorText(r, YB.t('organise-could-not-turn'))); if (r.status === 409) reload(true); return; }
        sayDone(YB.t('organise-turned'));
        own(p.id, r);
        remember(p.id, YB.t('organise-step-turn', { name: p.name }), function (done) { rotateNow(p.id, first.idx, -1, done); });
        reload(true);
      });
    });
    var pick = el('input', { type: 'file', accept: 'image/png,image/jpeg', className: 'replace-file' });
    pick.setAttribute('aria-label', YB.t('organise-replace-label', { name: p.name }));
    pick.addEventListener('change', function () {
      var file = pick.files && pick.files[0];
      if (!file) return;
      sayDone(YB.t('organise-sending-photo'));
      putPhoto(p.id, first.idx, '?version=' + versionOf(p.id), file).then(function (r) {
        if (!r.ok) { say(YB.errorText(r, YB.t('organise-could-not-replace'))); if (r.status === 409) reload(true); return; }
        sayDone(YB.t('organise-replaced'));
        reload(true);
      }, function () { say(YB.t('organise-no-connection-replace')); });
    });
    var replace = el('label', { className: 'btn quiet small' }, [YB.t('organise-replace'), pick]);
    cell.appendChild(el('span', { className: 'photo-tools' }, [turn, replace]));
    return cell;
  }

  function row(p) {
    var tr = el('tr', { className: p.deleted ? 'deleted' : '' });
    tr.setAttribute('data-person', p.id);
    tr.appendChild(photoCell(p));
    if (p.deleted) {
      tr.appendChild(el('td', { colSpan: 5 }, [el('s', {}, [p.name]), ' ' + YB.t('organise-deleted')]));
      var restore = el('button', { type: 'button', className: 'btn quiet' }, [YB.t('organise-undo')]);
      restore.setAttribute('aria-label', YB.t('organise-undo-delete-label', { name: p.name }));
      restore.addEventListener('click', function () {
        // Undone here: the Undo button has nothing left to do for it.
        history = history.filter(function (h) { return h.key !== 'delete:' + p.id; });
        drawUndo();
        save(p, { deleted: false }, YB.t('organise-step-delete', { name: p.name }));
      });
      tr.appendChild(el('td', {}, [restore]));
      return tr;
    }
    var name = field(p, 'name', YB.t('organise-col-name'));
    if (p.problems.length) {
      name.appendChild(el('p', { className: 'problem' }, [p.problems.join('; ')]));
    }
    tr.appendChild(name);
    tr.appendChild(field(p, 'known_as', YB.t('organise-col-known-as')));
    tr.appendChild(field(p, 'gender', YB.t('organise-col-gender')));
    tr.appendChild(check(p, 'in_memoriam', YB.t('organise-col-memoriam')));
    tr.appendChild(check(p, 'included', YB.t('organise-col-included')));
    var del = el('button', { type: 'button', className: 'btn quiet' }, [YB.t('organise-delete')]);
    del.addEventListener('click', function () {
      YB.fetchJson(api + '/people/' + p.id, { method: 'DELETE' }).then(function (r) {
        if (!r.ok) { say(YB.errorText(r)); return; }
        sayDone(YB.t('organise-deleted-said', { name: p.name }));
        own(p.id, r);
        remember(p.id, YB.t('organise-step-delete', { name: p.name }), function (done) { patchNow(p.id, { deleted: false }, done); }, 'delete:' + p.id);
        reload(true);
      });
    });
    tr.appendChild(el('td', {}, [del]));
    return tr;
  }

  /** Saves `patch` to `p`, remembered for Undo; with `undoing` (what a
      row's own Undo button undoes) it is not remembered. Waits for the
      row's earlier saves to be answered. */
  function save(p, patch, undoing) {
    var before = {};
    var keys = Object.keys(patch);
    keys.forEach(function (k) { before[k] = p[k] === undefined ? null : p[k]; });
    var what = YB.t('organise-step-fields', {
      fields: keys.map(function (k) { return FIELD_KEYS[k] ? YB.t(FIELD_KEYS[k]) : k; }).join(', '), name: p.name });
    // What the row shows now, before any answer redraws it: a second
    // change queued behind this one undoes to this one's value.
    keys.forEach(function (k) { p[k] = patch[k]; });
    sayDone(YB.t('organise-saving'));
    inTurn(p.id, function (done) {
      patch.version = versionOf(p.id);
      var by = YB.local.get('yearbook.organiser.name');
      if (by) patch.by = by;
      YB.fetchJson(api + '/people/' + p.id, { method: 'PATCH', body: patch }).then(function (r) {
        if (r.ok) {
          own(p.id, r);
          if (undoing) {
            sayDone(YB.t('organise-undone', { what: undoing }));
          } else {
            sayDone(YB.t('organise-saved'));
            remember(p.id, what, function (finished) { patchNow(p.id, before, finished); });
          }
          done();
          // The table again once the row's last change is in.
          if (!queues[p.id]) reload();
          return;
        }
        say(YB.errorText(r, YB.t('organise-could-not-save')));
        done();
        // The row as saved, not as typed.
        reload(true);
      }, function () {
        say(YB.t('organise-no-connection-save'));
        done();
      });
    });
  }

  // The image goes as the raw body (up to 25 MiB), not inside JSON.
  function putPhoto(person, idx, q, file) {
    var by = YB.local.get('yearbook.organiser.name');
    if (by) q += (q ? '&' : '?') + 'by=' + encodeURIComponent(by);
    return fetch(YB.url(api + '/people/' + person + '/photos/' + idx + q), {
      method: 'PUT', body: file, credentials: 'same-origin', headers: { 'Accept': 'application/json' }
    }).then(function (res) {
      return res.text().then(function (t) {
        var d = null;
        try { d = JSON.parse(t); } catch (e) { d = null; }
        return { ok: res.ok, status: res.status, data: d };
      });
    });
  }

  function reload(keepMessage) {
    YB.fetchJson(api).then(function (r) {
      if (!r.ok) { if (!keepMessage) say(YB.errorText(r)); return; }
      data = r.data;
      draw();
    });
  }

  $('add-person').addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { name: $('add-name').value, gender: $('add-gender').value || null };
    var file = $('add-photo').files && $('add-photo').files[0];
    function forget(id) {
      return YB.fetchJson(api + '/people/' + id, { method: 'DELETE' });
    }
    YB.fetchJson(api + '/people', { body: body }).then(function (r) {
      if (!r.ok) { say(YB.errorText(r, YB.t('organise-could-not-add'))); return; }
      var added = r.data && r.data.id;
      if (!file || !added) { done(r, added); return; }
      sayDone(YB.t('organise-sending-photo'));
      putPhoto(added, 0, '', file).then(function (pr) {
        if (pr.ok) { done(r, added); return; }
        // No half-added person: without their photo they are taken out again.
        forget(added).then(function () { reload(true); });
        say(YB.errorText(pr, YB.t('organise-could-not-add-photo')) + ' ' + YB.t('organise-not-added', { name: body.name }));
      }, function () {
        forget(added);
        say(YB.t('organise-no-connection-not-added', { name: body.name }));
      });
    }, function () { say(YB.t('organise-no-connection-add')); });
    function done(r, added) {
      sayDone(YB.t('organise-added', { name: body.name }));
      if (added) {
        own(added, r);
        remember(added, YB.t('organise-step-add', { name: body.name }), function (done) {
          YB.fetchJson(api + '/people/' + added, { method: 'DELETE' }).then(done, function () {
            done({ ok: false, status: 0, data: { message: YB.t('organise-no-connection-undo') } });
          });
        });
      }
      $('add-person').reset();
      reload(true);
    }
  });

  $('host-game').addEventListener('click', function () {
    var btn = $('host-game');
    btn.disabled = true;
    YB.fetchJson('/api/rooms', { body: { reunion: Number(id) } }).then(function (r) {
      btn.disabled = false;
      if (r.status !== 201) { say(YB.errorText(r, YB.t('organise-could-not-create-game'))); return; }
      var d = r.data;
      YB.local.set('yearbook.hostkey.' + d.code, d.host_key);
      location.href = d.host_url.indexOf('#key=') < 0 ? d.host_url + '#key=' + encodeURIComponent(d.host_key) : d.host_url;
    }, function () { btn.disabled = false; say(YB.t('organise-no-connection')); });
  });

  // End event: guests' photos of today go for good, after a confirm.
  $('end-event').addEventListener('click', function () {
    if (!window.confirm(YB.t('organise-end-confirm'))) return;
    var btn = $('end-event');
    btn.disabled = true;
    YB.fetchJson(api + '/end', { body: {} }).then(function (r) {
      btn.disabled = false;
      $('end-said').textContent = r.status === 200
        ? YB.t('organise-ended', { count: r.data.deleted })
        : YB.errorText(r, YB.t('organise-could-not-end'));
    }, function () { btn.disabled = false; $('end-said').textContent = YB.t('organise-no-connection'); });
  });

  // Settings: each one saved as it changes; the guest code's problem said
  // under its box, in the server's words.
  var settings = {
    title: { box: 'set-title', value: function (b) { return b.value; }, what: 'organise-setting-title' },
    guest_code: { box: 'set-code', value: function (b) { return b.value.trim() || null; }, what: 'organise-setting-guest-code' },
    solo_open: { box: 'set-solo', value: function (b) { return b.checked; }, what: 'organise-setting-solo' },
    memoriam_default: { box: 'set-memoriam', value: function (b) { return b.checked; }, what: 'organise-setting-memoriam' },
    then_now: { box: 'set-thennow', value: function (b) { return b.checked; }, what: 'organise-setting-thennow' },
    // Not a whole number (empty, 2.5): sent as typed, the server says why not.
    today_keep_days: { box: 'set-keep-days', value: function (b) { return Number(b.value); }, what: 'organise-setting-keep-days' }
  };

  function fillSettings() {
    $('set-title').value = data.reunion.title;
    $('set-code').value = data.reunion.guest_code || '';
    $('set-solo').checked = !!data.reunion.solo_open;
    $('set-memoriam').checked = !!data.reunion.memoriam_default;
    $('set-thennow').checked = !!data.reunion.then_now;
    $('set-keep-days').value = String(data.reunion.today_keep_days);
  }

  function codeProblem(s) {
    var box = $('set-code-error');
    text(box, s || '');
    YB.show(box, !!s);
    $('set-code').setAttribute('aria-invalid', s ? 'true' : 'false');
  }

  // Only the newest save's success redraws the form: an older answer
  // arriving late would put back what was typed since.
  var saves = 0;

  /** PATCHes `keys` of the settings; says what was saved or why not. */
  function saveSettings(keys) {
    var body = {};
    var mine = ++saves;
    keys.forEach(function (k) { body[k] = settings[k].value($(settings[k].box)); });
    return YB.fetchJson(api, { method: 'PATCH', body: body }).then(function (r) {
      if (r.ok && mine !== saves) return;
      if (!r.ok) {
        var why = YB.errorText(r, YB.t('organise-could-not-save-settings'));
        if (r.data && r.data.field === 'guest_code') codeProblem(why);
        say(why);
        return;
      }
      if ('guest_code' in body) codeProblem('');
      data.reunion = r.data.reunion;
      fillSettings();
      text($('r-title'), data.reunion.title);
      sayDone(keys.length === 1 ? YB.t('organise-saved-setting', { what: YB.t(settings[keys[0]].what) }) : YB.t('organise-settings-saved'));
    }, function () { say(YB.t('organise-no-connection-settings')); });
  }

  fillSettings();
  $('my-name').value = YB.local.get('yearbook.organiser.name') || '';
  Object.keys(settings).forEach(function (k) {
    $(settings[k].box).addEventListener('change', function () { saveSettings([k]); });
  });
  $('my-name').addEventListener('change', function () {
    var me = $('my-name').value.trim();
    if (me) YB.local.set('yearbook.organiser.name', me); else YB.local.remove('yearbook.organiser.name');
  });
  $('settings-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var me = $('my-name').value.trim();
    if (me) YB.local.set('yearbook.organiser.name', me); else YB.local.remove('yearbook.organiser.name');
    saveSettings(Object.keys(settings));
  });

  $('invite-btn').addEventListener('click', function () {
    YB.fetchJson(api + '/invites', { body: {} }).then(function (r) {
      if (r.status !== 201) { say(YB.errorText(r, YB.t('organise-could-not-make-link'))); return; }
      var box = $('invite-url');
      box.value = r.data.url;
      YB.show(box, true);
      box.select();
      sayDone(YB.t('organise-link-made'));
    });
  });

  // The drop zone above the table: the table follows as photos land, but
  // not under a field being typed in (a redraw would lose what is typed).
  var reloadOnBlur = false;
  function landed() {
    var a = document.activeElement;
    if (a && a.tagName === 'INPUT' && a.type === 'text' && $('people-rows').contains(a)) {
      if (reloadOnBlur) return;
      reloadOnBlur = true;
      a.addEventListener('blur', function () {
        reloadOnBlur = false;
        setTimeout(function () { reload(true); }, 0);
      }, { once: true });
      return;
    }
    reload(true);
  }
  document.addEventListener('yb:people-changed', landed);
  document.addEventListener('yb:uploaded', landed);

  $('undo').addEventListener('click', undo);
  document.addEventListener('keydown', function (e) {
    if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || (e.key !== 'z' && e.key !== 'Z')) return;
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) &&
      !/^(checkbox|radio|button|submit|file)$/.test(t.type || ''));
    // In a text field the browser's own undo edits the text.
    if (typing) return;
    e.preventDefault();
    undo();
  });

  // ---- The name list: compare with the people here, accept, apply. ----
  var nl = { list: null, list_base64: null, accepted: [], shown: null };

  function nlSay(s) { text($('nl-msg'), s); $('nl-msg').classList.remove('ok'); }
  function nlSayDone(s) { text($('nl-msg'), s); $('nl-msg').classList.add('ok'); }

  function nlBody() {
    var body = { accepted: nl.accepted };
    if (nl.list_base64 !== null) body.list_base64 = nl.list_base64; else body.list = $('nl-text').value;
    var by = YB.local.get('yearbook.organiser.name');
    if (by) body.by = by;
    return body;
  }

  function pct(score) { return Math.round(score * 100); }

  function changeWords(c) {
    var words = [];
    function shown(v) { return v === null || v === undefined || v === '' ? YB.t('organise-nl-blank') : YB.t('organise-nl-quoted', { value: v }); }
    if (c.gender) words.push(YB.t('organise-nl-change-gender', { from: shown(c.gender.from), to: shown(c.gender.to) }));
    if (c.known_as) words.push(YB.t('organise-nl-change-known-as', { from: shown(c.known_as.from), to: shown(c.known_as.to) }));
    if (c.in_memoriam) words.push(YB.t(c.in_memoriam.to ? 'organise-nl-change-memoriam' : 'organise-nl-change-not-memoriam'));
    return words.join(', ');
  }

  function accept(line, pid) {
    nl.accepted.push({ list_line: line, person: pid });
    nlCompare();
  }

  function unaccept(line) {
    nl.accepted = nl.accepted.filter(function (a) { return a.list_line !== line; });
    nlCompare();
  }

  function suggestionButton(line, pid, listName, personName, score) {
    var b = el('button', { type: 'button', className: 'btn small nl-accept', 'data-line': line, 'data-person': pid },
      [YB.t('organise-nl-same', { percent: pct(score) })]);
    b.setAttribute('aria-label', YB.t('organise-nl-accept-label', { line: line, listname: listName, name: personName }));
    b.addEventListener('click', function () { accept(line, pid); });
    return b;
  }

  function nlDraw(c) {
    nl.shown = c;
    var problems = YB.clear($('nl-problems'));
    c.problems.forEach(function (p) {
      problems.appendChild(el('li', {}, [p.line ? YB.t('organise-nl-problem-line', { line: p.line, message: p.message })
        : YB.t('organise-nl-problem', { message: p.message })]));
    });
    var matched = YB.clear($('nl-matched'));
    c.matched.forEach(function (m) {
      var words = changeWords(m.changes);
      var li = el('li', { 'data-line': m.list_line, 'data-person': m.person }, [
        YB.t('organise-nl-line', { line: m.list_line }) + ' ', el('strong', {}, [m.name]),
        m.list_name !== m.name ? ' ' + YB.t('organise-nl-on-list-as', { name: m.list_name }) : '',
        ' \u2014 ', el('span', { className: 'nl-change' }, [words || YB.t('organise-nl-nothing-to-change')])
      ]);
      if (m.how === 'accepted') {
        var b = el('button', { type: 'button', className: 'btn quiet small nl-unaccept' }, [YB.t('organise-nl-not-same')]);
        b.setAttribute('aria-label', YB.t('organise-nl-unaccept-label', { line: m.list_line, name: m.name }));
        b.addEventListener('click', function () { unaccept(m.list_line); });
        li.appendChild(b);
      }
      matched.appendChild(li);
    });
    if (!c.matched.length) matched.appendChild(el('li', { className: 'muted' }, [YB.t('organise-nl-nobody-yet')]));
    var left = YB.clear($('nl-unmatched-list'));
    c.unmatched_list.forEach(function (u) {
      var li = el('li', { 'data-line': u.list_line }, [YB.t('organise-nl-line', { line: u.list_line }) + ' ', el('strong', {}, [u.name])]);
      u.suggestions.forEach(function (s) {
        li.appendChild(el('br'));
        li.appendChild(document.createTextNode('\u2194 ' + s.name));
        li.appendChild(suggestionButton(u.list_line, s.person, u.name, s.name, s.score));
      });
      if (!u.suggestions.length) li.appendChild(el('span', { className: 'muted' }, [' \u2014 ' + YB.t('organise-nl-nobody-close')]));
      left.appendChild(li);
    });
    if (!c.unmatched_list.length) left.appendChild(el('li', { className: 'muted' }, [YB.t('organise-nl-nobody')]));
    var right = YB.clear($('nl-unmatched-people'));
    c.unmatched_people.forEach(function (u) {
      var li = el('li', { 'data-person': u.person }, [el('strong', {}, [u.name])]);
      u.suggestions.forEach(function (s) {
        li.appendChild(el('br'));
        li.appendChild(document.createTextNode('\u2194 ' + YB.t('organise-nl-suggest-line', { line: s.list_line, name: s.list_name })));
        li.appendChild(suggestionButton(s.list_line, u.person, s.list_name, u.name, s.score));
      });
      right.appendChild(li);
    });
    if (!c.unmatched_people.length) right.appendChild(el('li', { className: 'muted' }, [YB.t('organise-nl-everyone-listed')]));
    var edits = c.matched.filter(function (m) { return changeWords(m.changes); }).length;
    var apply = $('nl-apply');
    apply.disabled = !edits;
    text(apply, edits ? YB.t('organise-nl-apply-count', { count: edits }) : YB.t('organise-nl-nothing-to-apply'));
    YB.show($('nl-result'), true);
  }

  function nlCompare() {
    if (nl.list_base64 === null && !$('nl-text').value.trim()) {
      nlSay(YB.t('organise-nl-paste-first'));
      return;
    }
    nlSayDone(YB.t('organise-nl-comparing'));
    YB.fetchJson(api + '/namelist/preview', { body: nlBody() }).then(function (r) {
      if (!r.ok) { nlSay(YB.errorText(r, YB.t('organise-nl-could-not-read'))); return; }
      nlSay('');
      nlDraw(r.data);
    }, function () { nlSay(YB.t('organise-nl-no-connection-compare')); });
  }

  function nlApply() {
    var c = nl.shown;
    if (!c) return;
    var body = nlBody();
    body.seen = {};
    c.matched.forEach(function (m) { body.seen[m.person] = m.version; });
    $('nl-apply').disabled = true;
    nlSayDone(YB.t('organise-nl-applying'));
    YB.fetchJson(api + '/namelist/apply', { body: body }).then(function (r) {
      if (!r.ok) {
        nlSay(YB.errorText(r, YB.t('organise-nl-could-not-apply')) + (r.status === 409 ? ' ' + YB.t('organise-nl-compared-again') : ''));
        reload(true);
        // Compared again quietly, so the sentence above stays.
        if (r.status === 409) nlCompareQuiet(); else $('nl-apply').disabled = false;
        return;
      }
      var d = r.data;
      var ids = d.changed.map(function (p) { return p.id; });
      d.changed.forEach(function (p) { mine[p.id] = p.version; });
      var what = YB.t('organise-step-namelist', { count: d.changed.length });
      if (d.changed.length) {
        remember(ids, what, function (done) {
          var changes = d.changed.map(function (p) {
            var ch = { id: p.id, version: (person(p.id) || {}).version };
            Object.keys(p.before).forEach(function (k) { ch[k] = p.before[k]; });
            return ch;
          });
          var undoBody = { changes: changes };
          var by = YB.local.get('yearbook.organiser.name');
          if (by) undoBody.by = by;
          YB.fetchJson(api + '/people/batch', { body: undoBody }).then(done, function () {
            done({ ok: false, status: 0, data: { message: YB.t('organise-no-connection-undo') } });
          });
        });
      }
      var said = YB.t('organise-nl-applied', { count: d.changed.length });
      if (d.no_row.length) {
        said += ' ' + YB.t('organise-nl-no-row', { names: d.no_row.map(function (p) { return p.name; }).join(', ') });
      }
      nlSayDone(said);
      sayDone(said);
      reload(true);
      nlCompareQuiet();
    }, function () { $('nl-apply').disabled = false; nlSay(YB.t('organise-nl-no-connection-apply')); });
  }

  /** Compares again after an apply, keeping the apply's message. */
  function nlCompareQuiet() {
    YB.fetchJson(api + '/namelist/preview', { body: nlBody() }).then(function (r) { if (r.ok) nlDraw(r.data); });
  }

  function nlUseFile(file) {
    if (!file) return;
    if (file.size > 45 * 1024) {
      nlSay(YB.t('organise-nl-too-large'));
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var s = String(reader.result);
      // The file's bytes go as they are: the server reads Windows-1252, BOMs and semicolons.
      nl.list_base64 = s.slice(s.indexOf(',') + 1);
      nl.accepted = [];
      text($('nl-source'), YB.t('organise-nl-using-file', { name: file.name }));
      nlCompare();
    };
    reader.onerror = function () { nlSay(YB.t('organise-nl-unreadable')); };
    reader.readAsDataURL(file);
  }

  $('nl-file').addEventListener('change', function () { nlUseFile($('nl-file').files && $('nl-file').files[0]); });
  $('nl-text').addEventListener('input', function () {
    if (nl.list_base64 !== null) { nl.list_base64 = null; $('nl-file').value = ''; text($('nl-source'), ''); }
    nl.accepted = [];
  });
  $('nl-compare').addEventListener('click', nlCompare);
  $('nl-apply').addEventListener('click', nlApply);
  var zone = $('namelist');
  zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
  zone.addEventListener('drop', function (e) {
    e.preventDefault();
    zone.classList.remove('over');
    nlUseFile(e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]);
  });

  draw();
  drawUndo();
})();
