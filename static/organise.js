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

  function say(s) { text(msg, s); }

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

  function row(p) {
    var tr = el('tr', { className: p.deleted ? 'deleted' : '' });
    tr.setAttribute('data-person', p.id);
    var thumb = p.photos.length ? YB.img(p.photos[0].thumb, '', 'thumb') : el('span', { className: 'muted' }, ['no photo']);
    tr.appendChild(el('td', {}, [thumb]));
    if (p.deleted) {
      tr.appendChild(el('td', { colSpan: 5 }, [el('s', {}, [p.name]), ' (deleted)']));
      var undo = el('button', { type: 'button', className: 'btn quiet' }, ['Undo']);
      undo.addEventListener('click', function () { save(p, { deleted: false }); });
      tr.appendChild(el('td', {}, [undo]));
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
        say(p.name + ' deleted. Undo on the row.');
        reload();
      });
    });
    tr.appendChild(el('td', {}, [del]));
    return tr;
  }

  function save(p, patch) {
    patch.version = p.version;
    var by = YB.local.get('yearbook.organiser.name');
    if (by) patch.by = by;
    say('Saving…');
    YB.fetchJson(api + '/people/' + p.id, { method: 'PATCH', body: patch }).then(function (r) {
      if (r.ok) { say('Saved.'); reload(); return; }
      say(YB.errorText(r, 'Could not save.'));
      if (r.status === 409) reload(true);
    }, function () { say('No connection: the change was not saved. Try again.'); });
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
    var body = { name: $('add-name').value, gender: $('add-gender').value || null, photos: [] };
    var file = $('add-photo').files && $('add-photo').files[0];
    function send() {
      YB.fetchJson(api + '/people', { body: body }).then(function (r) {
        if (!r.ok) { say(YB.errorText(r, 'Could not add.')); return; }
        say(body.name + ' added.');
        $('add-person').reset();
        reload(true);
      });
    }
    if (!file) { send(); return; }
    // JSON bodies are capped at 64 KiB, and base64 grows a file by a third.
    if (file.size > 45 * 1024) {
      say('This photo is too large to add here (over 45 KB). Add the person without it, then upload the scan with the folder upload.');
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      var s = String(reader.result);
      body.photos.push({ data: s.slice(s.indexOf(',') + 1) });
      send();
    };
    reader.readAsDataURL(file);
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

  $('set-title').value = data.reunion.title;
  $('set-memoriam').checked = !!data.reunion.memoriam_default;
  $('my-name').value = YB.local.get('yearbook.organiser.name') || '';
  $('settings-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var me = $('my-name').value.trim();
    if (me) YB.local.set('yearbook.organiser.name', me); else YB.local.remove('yearbook.organiser.name');
    var body = { title: $('set-title').value, memoriam_default: $('set-memoriam').checked };
    YB.fetchJson(api, { method: 'PATCH', body: body }).then(function (r) {
      if (!r.ok) { say(YB.errorText(r, 'Could not save the settings.')); return; }
      say('Settings saved.');
      reload(true);
    }, function () { say('No connection: the settings were not saved. Try again.'); });
  });

  $('invite-btn').addEventListener('click', function () {
    YB.fetchJson(api + '/invites', { body: {} }).then(function (r) {
      if (r.status !== 201) { say(YB.errorText(r, 'Could not make the link.')); return; }
      var box = $('invite-url');
      box.value = r.data.url;
      YB.show(box, true);
      box.select();
      say('Send this link to your co-organiser. It works once.');
    });
  });

  draw();
})();
