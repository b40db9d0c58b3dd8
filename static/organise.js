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
    text(btn, last ? 'Undo: ' + last.what : 'Undo');
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
    sayDone('Undoing…');
    // The person's current version: the page may be behind the server.
    YB.fetchJson(api).then(function (r) {
      if (!r.ok) { history.push(step); drawUndo(); say(YB.errorText(r)); return; }
      data = r.data;
      draw();
      var pids = [].concat(step.pid);
      for (var i = 0; i < pids.length; i++) {
        var p = person(pids[i]);
        if (p && mine[pids[i]] && p.version !== mine[pids[i]]) {
          say(cap(p.updated_by || 'someone') + ' changed ' + p.name + ' after you, so "' + step.what +
            '" was not undone: look at the row and change it by hand if needed.');
          return;
        }
      }
      step.undo(function (res) {
        if (res.ok) { own(step.pid, res); sayDone('Undone: ' + step.what + '.'); reload(true); return; }
        say(YB.errorText(res, 'Could not undo.'));
        if (res.status === 409) reload(true);
      });
    }, function () { history.push(step); drawUndo(); say('No connection: nothing was undone. Try again.'); });
  }

  /** PATCH on the person's current version; `done(result)`. */
  function patchNow(pid, patch, done) {
    var p = person(pid);
    if (!p) { done({ ok: false, status: 404, data: { message: 'That person is no longer here.' } }); return; }
    patch.version = versionOf(pid);
    var by = YB.local.get('yearbook.organiser.name');
    if (by) patch.by = by;
    YB.fetchJson(api + '/people/' + pid, { method: 'PATCH', body: patch }).then(done, function () {
      done({ ok: false, status: 0, data: { message: 'No connection: nothing was undone. Try again.' } });
    });
  }

  function rotateNow(pid, idx, turns, done) {
    var p = person(pid);
    if (!p) { done({ ok: false, status: 404, data: { message: 'That person is no longer here.' } }); return; }
    var body = { version: versionOf(pid), turns: turns };
    var by = YB.local.get('yearbook.organiser.name');
    if (by) body.by = by;
    YB.fetchJson(api + '/people/' + pid + '/photos/' + idx + '/rotate', { body: body }).then(done, function () {
      done({ ok: false, status: 0, data: { message: 'No connection: the photo was not turned. Try again.' } });
    });
  }

  var FIELD_WORDS = { name: 'name', known_as: 'known as', gender: 'gender', in_memoriam: 'in memoriam', included: 'included' };

  function draw() {
    text($('r-title'), data.reunion.title);
    document.title = data.reunion.title + ' — organiser';
    var alive = data.people.filter(function (p) { return !p.deleted; });
    text($('r-summary'), YB.plural(alive.length, 'person', 'people') + ', ' +
      data.playable + ' in the game, ' + YB.plural(data.rooms, 'room', 'rooms') + '.' +
      (data.warnings.length ? ' ' + data.warnings.join(' ') : ''));
    var body = YB.clear($('people-rows'));
    data.people.forEach(function (p) { body.appendChild(row(p)); });
  }

  function field(p, key, label) {
    var input = el('input', { type: 'text', value: p[key] || '', maxLength: 120 });
    input.setAttribute('aria-label', label + ' of ' + p.name);
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
    if (!p.photos.length) return el('td', {}, [el('span', { className: 'muted' }, ['no photo'])]);
    var first = p.photos[0];
    var cell = el('td', { className: 'photo-cell' }, [YB.img(first.thumb, '', 'thumb')]);
    // Several photos: their labels, so a drop that added one shows here.
    if (p.photos.length > 1) {
      cell.appendChild(el('span', { className: 'photo-labels muted small' }, [p.photos.map(function (ph) {
        return ph.label || 'no label';
      }).join(', ')]));
    }
    if (p.deleted) return cell;
    var turn = el('button', { type: 'button', className: 'btn quiet small rotate' }, ['⟳']);
    turn.setAttribute('aria-label', 'Turn the photo of ' + p.name + ' a quarter to the right');
    turn.addEventListener('click', function () {
      sayDone('Turning…');
      rotateNow(p.id, first.idx, 1, function (r) {
        if (!r.ok) { say(YB.errorText(r, 'Could not turn the photo.')); if (r.status === 409) reload(true); return; }
        sayDone('Photo turned.');
        own(p.id, r);
        remember(p.id, 'turning ' + p.name + '\u2019s photo', function (done) { rotateNow(p.id, first.idx, -1, done); });
        reload(true);
      });
    });
    var pick = el('input', { type: 'file', accept: 'image/png,image/jpeg', className: 'replace-file' });
    pick.setAttribute('aria-label', 'Replace the photo of ' + p.name);
    pick.addEventListener('change', function () {
      var file = pick.files && pick.files[0];
      if (!file) return;
      sayDone('Sending the photo…');
      putPhoto(p.id, first.idx, '?version=' + versionOf(p.id), file).then(function (r) {
        if (!r.ok) { say(YB.errorText(r, 'Could not replace the photo.')); if (r.status === 409) reload(true); return; }
        sayDone('Photo replaced (this cannot be undone here: replace it again to change it back).');
        reload(true);
      }, function () { say('No connection: the photo was not replaced. Try again.'); });
    });
    var replace = el('label', { className: 'btn quiet small' }, ['Replace', pick]);
    cell.appendChild(el('span', { className: 'photo-tools' }, [turn, replace]));
    return cell;
  }

  function row(p) {
    var tr = el('tr', { className: p.deleted ? 'deleted' : '' });
    tr.setAttribute('data-person', p.id);
    tr.appendChild(photoCell(p));
    if (p.deleted) {
      tr.appendChild(el('td', { colSpan: 5 }, [el('s', {}, [p.name]), ' (deleted)']));
      var restore = el('button', { type: 'button', className: 'btn quiet' }, ['Undo']);
      restore.setAttribute('aria-label', 'Undo deleting ' + p.name);
      restore.addEventListener('click', function () {
        // Undone here: the Undo button has nothing left to do for it.
        history = history.filter(function (h) { return h.key !== 'delete:' + p.id; });
        drawUndo();
        save(p, { deleted: false }, 'deleting ' + p.name);
      });
      tr.appendChild(el('td', {}, [restore]));
      return tr;
    }
    var name = field(p, 'name', 'Name');
    if (p.problems.length) {
      name.appendChild(el('p', { className: 'problem' }, [p.problems.join('; ')]));
    }
    tr.appendChild(name);
    tr.appendChild(field(p, 'known_as', 'Known as'));
    tr.appendChild(field(p, 'gender', 'Gender'));
    tr.appendChild(check(p, 'in_memoriam', 'In memoriam'));
    tr.appendChild(check(p, 'included', 'Included'));
    var del = el('button', { type: 'button', className: 'btn quiet' }, ['Delete']);
    del.addEventListener('click', function () {
      YB.fetchJson(api + '/people/' + p.id, { method: 'DELETE' }).then(function (r) {
        if (!r.ok) { say(YB.errorText(r)); return; }
        sayDone(p.name + ' deleted.');
        own(p.id, r);
        remember(p.id, 'deleting ' + p.name, function (done) { patchNow(p.id, { deleted: false }, done); }, 'delete:' + p.id);
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
    var what = keys.map(function (k) { return FIELD_WORDS[k] || k; }).join(', ') + ' of ' + p.name;
    // What the row shows now, before any answer redraws it: a second
    // change queued behind this one undoes to this one's value.
    keys.forEach(function (k) { p[k] = patch[k]; });
    sayDone('Saving…');
    inTurn(p.id, function (done) {
      patch.version = versionOf(p.id);
      var by = YB.local.get('yearbook.organiser.name');
      if (by) patch.by = by;
      YB.fetchJson(api + '/people/' + p.id, { method: 'PATCH', body: patch }).then(function (r) {
        if (r.ok) {
          own(p.id, r);
          if (undoing) {
            sayDone('Undone: ' + undoing + '.');
          } else {
            sayDone('Saved.');
            remember(p.id, 'the ' + what, function (finished) { patchNow(p.id, before, finished); });
          }
          done();
          // The table again once the row's last change is in.
          if (!queues[p.id]) reload();
          return;
        }
        say(YB.errorText(r, 'Could not save.'));
        done();
        // The row as saved, not as typed.
        reload(true);
      }, function () {
        say('No connection: the change was not saved. Try again.');
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
      if (!r.ok) { say(YB.errorText(r, 'Could not add.')); return; }
      var added = r.data && r.data.id;
      if (!file || !added) { done(r, added); return; }
      sayDone('Sending the photo…');
      putPhoto(added, 0, '', file).then(function (pr) {
        if (pr.ok) { done(r, added); return; }
        // No half-added person: without their photo they are taken out again.
        forget(added).then(function () { reload(true); });
        say(YB.errorText(pr, 'Could not add the photo.') + ' ' + body.name + ' was not added.');
      }, function () {
        forget(added);
        say('No connection: ' + body.name + ' was not added. Try again.');
      });
    }, function () { say('No connection: nothing was added. Try again.'); });
    function done(r, added) {
      sayDone(body.name + ' added.');
      if (added) {
        own(added, r);
        remember(added, 'adding ' + body.name, function (done) {
          YB.fetchJson(api + '/people/' + added, { method: 'DELETE' }).then(done, function () {
            done({ ok: false, status: 0, data: { message: 'No connection: nothing was undone. Try again.' } });
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
      if (r.status !== 201) { say(YB.errorText(r, 'Could not create the game.')); return; }
      var d = r.data;
      YB.local.set('yearbook.hostkey.' + d.code, d.host_key);
      location.href = d.host_url.indexOf('#key=') < 0 ? d.host_url + '#key=' + encodeURIComponent(d.host_key) : d.host_url;
    }, function () { btn.disabled = false; say('No connection. Try again.'); });
  });

  // End event: guests' photos of today go for good, after a confirm.
  $('end-event').addEventListener('click', function () {
    if (!window.confirm('End the event? Every guest\'s photo of today is deleted for good.')) return;
    var btn = $('end-event');
    btn.disabled = true;
    YB.fetchJson(api + '/end', { body: {} }).then(function (r) {
      btn.disabled = false;
      $('end-said').textContent = r.status === 200
        ? 'Event ended: ' + r.data.deleted + ' photo(s) of today deleted for good.'
        : YB.errorText(r, 'Could not end the event. Try again.');
    }, function () { btn.disabled = false; $('end-said').textContent = 'No connection. Try again.'; });
  });

  // Settings: each one saved as it changes; the guest code's problem said
  // under its box, in the server's words.
  var settings = {
    title: { box: 'set-title', value: function (b) { return b.value; }, what: 'title' },
    guest_code: { box: 'set-code', value: function (b) { return b.value.trim() || null; }, what: 'guest code' },
    solo_open: { box: 'set-solo', value: function (b) { return b.checked; }, what: 'solo setting' },
    memoriam_default: { box: 'set-memoriam', value: function (b) { return b.checked; }, what: 'in memoriam setting' },
    then_now: { box: 'set-thennow', value: function (b) { return b.checked; }, what: 'then & now setting' },
    // Not a whole number (empty, 2.5): sent as typed, the server says why not.
    today_keep_days: { box: 'set-keep-days', value: function (b) { return Number(b.value); }, what: 'days to keep photos of today' }
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
        var why = YB.errorText(r, 'Could not save the settings.');
        if ('guest_code' in body && /guest code/i.test(why)) codeProblem(why);
        say(why);
        return;
      }
      if ('guest_code' in body) codeProblem('');
      data.reunion = r.data.reunion;
      fillSettings();
      text($('r-title'), data.reunion.title);
      sayDone(keys.length === 1 ? 'Saved: the ' + settings[keys[0]].what + '.' : 'Settings saved.');
    }, function () { say('No connection: the settings were not saved. Try again.'); });
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
      if (r.status !== 201) { say(YB.errorText(r, 'Could not make the link.')); return; }
      var box = $('invite-url');
      box.value = r.data.url;
      YB.show(box, true);
      box.select();
      sayDone('Send this link to your co-organiser. It works once.');
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

  function pct(score) { return Math.round(score * 100) + '%'; }

  function changeWords(c) {
    var words = [];
    function shown(v) { return v === null || v === undefined || v === '' ? '(blank)' : '\u201c' + v + '\u201d'; }
    if (c.gender) words.push('gender ' + shown(c.gender.from) + ' \u2192 ' + shown(c.gender.to));
    if (c.known_as) words.push('known as ' + shown(c.known_as.from) + ' \u2192 ' + shown(c.known_as.to));
    if (c.in_memoriam) words.push(c.in_memoriam.to ? 'in memoriam' : 'no longer in memoriam');
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
      ['Same person (' + pct(score) + ')']);
    b.setAttribute('aria-label', 'Accept: list line ' + line + ' \u201c' + listName + '\u201d is ' + personName);
    b.addEventListener('click', function () { accept(line, pid); });
    return b;
  }

  function nlDraw(c) {
    nl.shown = c;
    var problems = YB.clear($('nl-problems'));
    c.problems.forEach(function (p) {
      problems.appendChild(el('li', {}, [(p.line ? 'Line ' + p.line + ': ' : '') + p.message + '.']));
    });
    var matched = YB.clear($('nl-matched'));
    c.matched.forEach(function (m) {
      var words = changeWords(m.changes);
      var li = el('li', { 'data-line': m.list_line, 'data-person': m.person }, [
        'Line ' + m.list_line + ': ', el('strong', {}, [m.name]),
        m.list_name !== m.name ? ' (\u201c' + m.list_name + '\u201d on the list)' : '',
        ' \u2014 ', el('span', { className: 'nl-change' }, [words || 'nothing to change'])
      ]);
      if (m.how === 'accepted') {
        var b = el('button', { type: 'button', className: 'btn quiet small nl-unaccept' }, ['Not the same']);
        b.setAttribute('aria-label', 'Undo accepting line ' + m.list_line + ' as ' + m.name);
        b.addEventListener('click', function () { unaccept(m.list_line); });
        li.appendChild(b);
      }
      matched.appendChild(li);
    });
    if (!c.matched.length) matched.appendChild(el('li', { className: 'muted' }, ['Nobody yet.']));
    var left = YB.clear($('nl-unmatched-list'));
    c.unmatched_list.forEach(function (u) {
      var li = el('li', { 'data-line': u.list_line }, ['Line ' + u.list_line + ': ', el('strong', {}, [u.name])]);
      u.suggestions.forEach(function (s) {
        li.appendChild(el('br'));
        li.appendChild(document.createTextNode('\u2194 ' + s.name));
        li.appendChild(suggestionButton(u.list_line, s.person, u.name, s.name, s.score));
      });
      if (!u.suggestions.length) li.appendChild(el('span', { className: 'muted' }, [' \u2014 nobody here is close: add them with \u201cAdd a person\u201d.']));
      left.appendChild(li);
    });
    if (!c.unmatched_list.length) left.appendChild(el('li', { className: 'muted' }, ['Nobody.']));
    var right = YB.clear($('nl-unmatched-people'));
    c.unmatched_people.forEach(function (u) {
      var li = el('li', { 'data-person': u.person }, [el('strong', {}, [u.name])]);
      u.suggestions.forEach(function (s) {
        li.appendChild(el('br'));
        li.appendChild(document.createTextNode('\u2194 line ' + s.list_line + ': ' + s.list_name));
        li.appendChild(suggestionButton(s.list_line, u.person, s.list_name, u.name, s.score));
      });
      right.appendChild(li);
    });
    if (!c.unmatched_people.length) right.appendChild(el('li', { className: 'muted' }, ['Nobody: everyone here is on the list.']));
    var edits = c.matched.filter(function (m) { return changeWords(m.changes); }).length;
    var apply = $('nl-apply');
    apply.disabled = !edits;
    text(apply, edits ? 'Apply: change ' + YB.plural(edits, 'person', 'people') : 'Nothing to apply');
    YB.show($('nl-result'), true);
  }

  function nlCompare() {
    if (nl.list_base64 === null && !$('nl-text').value.trim()) {
      nlSay('Paste the list into the box, or choose its file, first.');
      return;
    }
    nlSayDone('Comparing…');
    YB.fetchJson(api + '/namelist/preview', { body: nlBody() }).then(function (r) {
      if (!r.ok) { nlSay(YB.errorText(r, 'Could not read the list.')); return; }
      nlSay('');
      nlDraw(r.data);
    }, function () { nlSay('No connection: the list was not compared. Try again.'); });
  }

  function nlApply() {
    var c = nl.shown;
    if (!c) return;
    var body = nlBody();
    body.seen = {};
    c.matched.forEach(function (m) { body.seen[m.person] = m.version; });
    $('nl-apply').disabled = true;
    nlSayDone('Applying…');
    YB.fetchJson(api + '/namelist/apply', { body: body }).then(function (r) {
      if (!r.ok) {
        nlSay(YB.errorText(r, 'Could not apply the list.') + (r.status === 409 ? ' Nothing was changed; the list is compared again.' : ''));
        reload(true);
        // Compared again quietly, so the sentence above stays.
        if (r.status === 409) nlCompareQuiet(); else $('nl-apply').disabled = false;
        return;
      }
      var d = r.data;
      var ids = d.changed.map(function (p) { return p.id; });
      d.changed.forEach(function (p) { mine[p.id] = p.version; });
      var what = 'the name list (' + YB.plural(d.changed.length, 'person', 'people') + ')';
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
            done({ ok: false, status: 0, data: { message: 'No connection: nothing was undone. Try again.' } });
          });
        });
      }
      var said = 'Applied: ' + YB.plural(d.changed.length, 'person', 'people') + ' changed.';
      if (d.no_row.length) {
        said += ' No row on the list for: ' + d.no_row.map(function (p) { return p.name; }).join(', ') + ' (left as they were).';
      }
      nlSayDone(said);
      sayDone(said);
      reload(true);
      nlCompareQuiet();
    }, function () { $('nl-apply').disabled = false; nlSay('No connection: nothing was applied. Try again.'); });
  }

  /** Compares again after an apply, keeping the apply's message. */
  function nlCompareQuiet() {
    YB.fetchJson(api + '/namelist/preview', { body: nlBody() }).then(function (r) { if (r.ok) nlDraw(r.data); });
  }

  function nlUseFile(file) {
    if (!file) return;
    if (file.size > 45 * 1024) {
      nlSay('This file is too large for a name list here (over 45 KB). Save only the name, gender, known as and in memoriam columns, or paste the rows.');
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var s = String(reader.result);
      // The file's bytes go as they are: the server reads Windows-1252, BOMs and semicolons.
      nl.list_base64 = s.slice(s.indexOf(',') + 1);
      nl.accepted = [];
      text($('nl-source'), 'Using the file \u201c' + file.name + '\u201d. Type in the box to use the box instead.');
      nlCompare();
    };
    reader.onerror = function () { nlSay('That file could not be read. Choose it again.'); };
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
