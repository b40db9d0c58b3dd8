/* yearbook — the organiser drops a folder of scans (or picks files, or a .zip): each file is
   announced, then sent in 1 MiB chunks at the offset the server holds (docs/protocol.md, "Uploads").
   A dropped connection is retried with backoff from the server's offset; a file the browser was
   closed on is finished by dropping it again. Refusals are shown on the file's row, in the server's
   words. A photo that would take the place of one a person has waits for the organiser's choice,
   asked on its row (Replace / Add as another photo / Skip, Skip the default). */
(function () {
  'use strict';

  var CHUNK = 1024 * 1024;
  /** Files sent at once: two keep a home line busy without starving the page. */
  var PARALLEL = 2;
  /** Waits between tries after a dropped connection (ms); the last repeats. */
  var BACKOFF = [1000, 2000, 4000, 8000, 15000, 30000];

  var root = document.querySelector('[data-uploads]');
  if (!root) return;
  var reunion = root.dataset.reunion;
  var zone = root.querySelector('.drop-zone');
  var pick = root.querySelector('.uploads-pick');
  var pickFolder = root.querySelector('.uploads-pick-folder');
  var folderLabel = root.querySelector('.uploads-folder-label');
  var list = root.querySelector('.uploads-list');
  var overall = root.querySelector('.uploads-overall');
  var overallBar = root.querySelector('.uploads-overall-bar');
  var overallText = root.querySelector('.uploads-overall-text');
  var waitingNote = root.querySelector('.uploads-waiting');

  /** Every file of this visit: {file, label, id, offset, size, row, bar, state, note}. */
  var items = [];
  var queue = [];
  var running = 0;
  /** Unfinished uploads the server holds from an earlier visit, by name and size. */
  var unfinished = {};

  if ('webkitdirectory' in pickFolder) folderLabel.hidden = false;

  function clutter(name) {
    return name.charAt(0) === '.' || /^(thumbs\.db|desktop\.ini)$/i.test(name);
  }

  function partsOf(path) { return String(path || '').split('/').filter(function (p) { return p; }); }

  /** Each file's label: the folder it was in, once the one folder holding everything (the folder
     picked or dropped) is set aside, as the server reads a zip. Dropping "1983" and "1986"
     together labels their files 1983 and 1986. */
  function labelled(entries) {
    var tops = {};
    entries.forEach(function (e) { var p = partsOf(e.path); tops[p.length > 1 ? p[0] : ''] = true; });
    var keys = Object.keys(tops);
    var strip = keys.length === 1 && keys[0] !== '' ? 1 : 0;
    return entries.map(function (e) {
      var p = partsOf(e.path).slice(strip);
      return { file: e.file, label: p.length >= 2 ? p[p.length - 2] : '' };
    });
  }

  function mb(bytes) { return YB.t('organise-up-mb', { mb: Math.round(bytes / 104857.6) / 10 }); }

  function row(item) {
    var name = YB.el('span', { className: 'upload-name', text: item.file.name });
    var bar = YB.el('progress', { max: '100', value: '0', 'aria-label': item.file.name });
    var status = YB.el('span', { className: 'upload-status', role: 'status', text: YB.t('organise-up-waiting') });
    var li = YB.el('li', { className: 'upload-row' }, [name, bar, status]);
    item.row = li;
    item.bar = bar;
    item.status = status;
    list.appendChild(li);
  }

  function show(item, state, text) {
    item.state = state;
    item.row.className = 'upload-row ' + state;
    YB.text(item.status, text);
    var pct = item.size ? Math.floor(100 * item.offset / item.size) : 0;
    if (landed(state)) pct = 100;
    item.bar.value = pct;
    item.bar.setAttribute('aria-valuetext', YB.t('organise-up-percent', { percent: pct }));
    updateOverall();
  }

  /** Whether a row's file is all in (whatever became of it). */
  function landed(state) { return state === 'done' || state === 'refused' || state === 'skipped' || state === 'asking'; }

  function updateOverall() {
    var total = 0, sent = 0, done = 0, refused = 0, asking = 0;
    items.forEach(function (it) {
      total += it.size;
      sent += landed(it.state) ? it.size : it.offset;
      if (it.state === 'done' || it.state === 'skipped') done++;
      if (it.state === 'refused') refused++;
      if (it.state === 'asking') asking++;
    });
    overall.hidden = items.length === 0;
    var pct = total ? Math.floor(100 * sent / total) : 0;
    overallBar.value = pct;
    var text = YB.t('organise-up-overall', { percent: pct, done: done, total: items.length });
    if (refused) text += YB.t('organise-up-refused', { count: refused });
    if (asking) text += YB.t('organise-up-asking', { count: asking });
    YB.text(overallText, text);
  }

  /** The buttons of one photo's question: Replace / Add as another photo (with its label) / Skip. */
  function askBox(item, upload, photo, several) {
    var ask = photo.ask;
    var box = YB.el('div', { className: 'upload-ask', role: 'group' });
    box.setAttribute('aria-label', ask.message);
    var said = YB.el('p', { className: 'upload-ask-text', text: (several ? photo.file + ': ' : '') + ask.message + ' ' + YB.t('organise-up-what-to-do') });
    var error = YB.el('p', { className: 'upload-ask-error', role: 'alert' });
    var buttons = YB.el('div', { className: 'upload-ask-buttons' });
    var label = null;
    function send(choice) {
      var body = { file: photo.file, choice: choice };
      if (label) body.label = label.value;
      var by = YB.local.get('yearbook.organiser.name');
      if (by) body.by = by;
      box.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      YB.text(error, '');
      YB.fetchJson('/api/organise/uploads/' + upload.id + '/choice', { body: body }).then(function (r) {
        box.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
        if (!r.ok || !r.data) {
          YB.text(error, YB.errorText(r, YB.t('organise-up-could-not')));
          if (label && r.data && /^label_/.test(r.data.error || '')) label.focus();
          return;
        }
        finished(item, r.data, true, choice);
        document.dispatchEvent(new CustomEvent('yb:people-changed'));
      }, function () {
        box.querySelectorAll('button').forEach(function (b) { b.disabled = false; });
        YB.text(error, YB.t('organise-up-no-connection'));
      });
    }
    ask.choices.forEach(function (choice) {
      var words = choice === 'replace' ? (ask.replace_label ? YB.t('organise-up-replace-labelled', { label: ask.replace_label })
        : YB.t('organise-up-replace')) : YB.t(choice === 'add' ? 'organise-up-add' : 'organise-up-skip');
      if (choice === 'add') {
        label = YB.el('input', { type: 'text', className: 'upload-ask-label', maxLength: 40, placeholder: YB.t('organise-up-label-placeholder') });
        label.setAttribute('aria-label', YB.t('organise-up-label-label'));
        buttons.appendChild(label);
      }
      // Skip is the default: nothing the person has is changed unless the organiser says so.
      var btn = YB.el('button', { type: 'button', className: 'btn small ' + (choice === 'skip' ? 'primary' : 'quiet'), text: words });
      btn.setAttribute('data-choice', choice);
      btn.addEventListener('click', function () { send(choice); });
      buttons.appendChild(btn);
    });
    box.appendChild(said);
    box.appendChild(buttons);
    box.appendChild(error);
    return box;
  }

  /** Skipped, not refused: the same photo again, or the organiser's "Skip". */
  function isSkip(r) { return r.code === 'already_there' || r.code === 'skipped'; }

  /** What a finished file gave, on its row: people taken in, questions to answer, and each
     refusal's sentence; `choice`: the organiser's answer to its question, if it was one. */
  function finished(item, data, quiet, choice) {
    var all = data.accepted || [];
    var refusedList = data.refused || [];
    var asked = all.filter(function (a) { return a.ask; });
    var accepted = all.filter(function (a) { return !a.ask; });
    [].slice.call(item.row.querySelectorAll('.upload-refusals, .upload-ask')).forEach(function (n) {
      n.parentNode.removeChild(n);
    });
    if (all.length === 0 && refusedList.length === 0) {
      show(item, 'refused', YB.t('organise-up-no-photos'));
    } else if (accepted.length === 0 && asked.length) {
      show(item, 'asking', YB.t('organise-up-waiting-choice'));
    } else if (accepted.length === 0) {
      show(item, refusedList.every(isSkip) ? 'skipped' : 'refused', refusedList[0].message);
    } else {
      var names = accepted.map(function (a) { return a.label ? a.name + ' (' + a.label + ')' : a.name; });
      var waiting = accepted.some(function (a) { return a.person === null || a.person === undefined; });
      var who = names.length <= 3 ? names.join(', ') : YB.t('organise-up-photos', { count: names.length });
      show(item, 'done', YB.t(waiting ? 'organise-up-received' : choice === 'replace' ? 'organise-up-replaced' : 'organise-up-added', { who: who }));
    }
    if (refusedList.length > (accepted.length === 0 && asked.length === 0 ? 1 : 0)) {
      var ul = YB.el('ul', { className: 'upload-refusals' });
      refusedList.forEach(function (r) { ul.appendChild(YB.el('li', { text: r.file + ': ' + r.message })); });
      item.row.appendChild(ul);
    }
    asked.forEach(function (a) { item.row.appendChild(askBox(item, data, a, all.length > 1)); });
    if (!quiet) document.dispatchEvent(new CustomEvent('yb:uploaded', { detail: data }));
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  /** One chunk from item.offset; resolves to the answer, rejects on a dropped connection. */
  function sendChunk(item) {
    var end = Math.min(item.offset + CHUNK, item.size);
    return fetch(YB.url('/api/organise/uploads/' + item.id), {
      method: 'PATCH',
      headers: { 'Upload-Offset': String(item.offset), 'Content-Type': 'application/offset+octet-stream' },
      body: item.file.slice(item.offset, end),
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (data) {
        return { ok: res.ok, status: res.status, data: data };
      });
    });
  }

  /** Where the server stands on this file (after a dropped connection). */
  function askOffset(item) {
    return YB.fetchJson('/api/organise/uploads/' + item.id).then(function (r) {
      if (r.ok && r.data) item.offset = r.data.offset;
      return r;
    });
  }

  function transfer(item, tries) {
    show(item, 'sending', YB.t('organise-up-progress', { sent: mb(item.offset), size: mb(item.size) }));
    return sendChunk(item).then(function (r) {
      if (r.ok && r.data) {
        item.offset = r.data.offset;
        if (r.data.state === 'done') return finished(item, r.data);
        return transfer(item, 0);
      }
      if (r.status === 409 && r.data && typeof r.data.offset === 'number') {
        item.offset = r.data.offset;
        return transfer(item, 0);
      }
      if (r.status >= 500 || r.status === 408 || r.status === 429) throw new Error('retry');
      show(item, 'refused', YB.errorText(r, YB.t('organise-up-could-not-send')));
    }).catch(function () {
      var delay = BACKOFF[Math.min(tries, BACKOFF.length - 1)];
      show(item, 'retrying', YB.t('organise-up-retrying', { seconds: Math.round(delay / 1000) }));
      return wait(delay).then(function () {
        return askOffset(item).catch(function () { /* still offline: the next try says so */ });
      }).then(function () { return transfer(item, tries + 1); });
    });
  }

  /** Announces the file (or finds the upload an earlier visit left), then sends it. */
  function announce(item) {
    var key = item.file.name + '\n' + item.size;
    var earlier = unfinished[key];
    if (earlier) {
      delete unfinished[key];
      item.id = earlier.id;
      item.offset = earlier.offset;
      return Promise.resolve(true);
    }
    return YB.fetchJson('/api/organise/reunions/' + reunion + '/uploads', {
      body: { name: item.file.name, size: item.size, type: item.file.type, label: item.label }
    }).then(function (r) {
      if (r.ok && r.data) {
        item.id = r.data.id;
        item.offset = 0;
        return true;
      }
      show(item, 'refused', YB.errorText(r, YB.t('organise-up-cannot-take')));
      return false;
    });
  }

  function next() {
    while (running < PARALLEL && queue.length) {
      var item = queue.shift();
      running++;
      transfer(item, 0).then(done, done);
    }
    function done() {
      running--;
      next();
      if (running === 0 && queue.length === 0) settled();
    }
  }

  /** Once every file is in: what became of each photo (added, or refused when it was handed
     on, e.g. a name already in the event), from the server's list. */
  function settled() {
    YB.fetchJson('/api/organise/reunions/' + reunion + '/uploads').then(function (r) {
      if (!r.ok || !r.data) return;
      var byId = {};
      r.data.uploads.forEach(function (u) { byId[u.id] = u; });
      var added = 0;
      items.forEach(function (item) {
        var u = item.id && byId[item.id];
        if (!u || u.state !== 'done') return;
        finished(item, u, true);
        u.accepted.forEach(function (a) { if (a.person !== null && a.person !== undefined) added++; });
      });
      if (added) {
        YB.text(overallText, overallText.textContent + ' — ' + YB.t('organise-up-added-to-event', { count: added }));
        document.dispatchEvent(new CustomEvent('yb:people-changed'));
      }
    });
  }

  /** Adds files (each with the path it had below what was dropped): all are announced first,
     so the server sees the whole drop before any file finishes, then sent. */
  function add(entries) {
    entries = entries.filter(function (e) {
      return !clutter(e.file.name) && !partsOf(e.path).some(function (p) { return p.charAt(0) === '.' || p === '__MACOSX'; });
    });
    var fresh = labelled(entries).map(function (e) {
      var item = { file: e.file, label: e.label, size: e.file.size, offset: 0, state: 'waiting' };
      items.push(item);
      row(item);
      show(item, 'waiting', YB.t('organise-up-waiting'));
      return item;
    });
    // Every file is announced before any is sent: photos wait on the server while files of the
    // event are still arriving, so one person's photos in several files become one person.
    fresh.reduce(function (chain, item) {
      return chain.then(function () { return announced(item, 0); });
    }, Promise.resolve()).then(function () {
      fresh.forEach(function (item) { if (item.id) queue.push(item); });
      next();
    });
  }

  /** Resolves once the file is announced (retrying while offline) or refused. */
  function announced(item, tries) {
    return announce(item).catch(function () {
      var delay = BACKOFF[Math.min(tries, BACKOFF.length - 1)];
      show(item, 'retrying', YB.t('organise-up-retrying', { seconds: Math.round(delay / 1000) }));
      return wait(delay).then(function () { return announced(item, tries + 1); });
    });
  }

  /** Every file inside a dropped folder (Chrome, Edge, Firefox, Safari). */
  function walk(entry) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) { resolve([{ file: f, path: entry.fullPath }]); }, function () { resolve([]); });
        return;
      }
      var reader = entry.createReader();
      var all = [];
      (function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            Promise.all(all.map(walk)).then(function (lists) { resolve([].concat.apply([], lists)); });
            return;
          }
          all = all.concat(Array.prototype.slice.call(batch));
          more();
        }, function () { resolve([]); });
      })();
    });
  }

  zone.addEventListener('dragover', function (e) {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
  zone.addEventListener('drop', function (e) {
    e.preventDefault();
    zone.classList.remove('over');
    var dt = e.dataTransfer;
    var entries = dt.items ? Array.prototype.map.call(dt.items, function (i) {
      return i.webkitGetAsEntry ? i.webkitGetAsEntry() : null;
    }).filter(function (x) { return x; }) : [];
    if (entries.length) {
      Promise.all(entries.map(walk)).then(function (lists) { add([].concat.apply([], lists)); });
    } else {
      add(Array.prototype.map.call(dt.files, function (f) { return { file: f, path: f.name }; }));
    }
  });
  zone.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick.click(); }
  });
  function picked(input) {
    add(Array.prototype.map.call(input.files, function (f) {
      return { file: f, path: f.webkitRelativePath || f.name };
    }));
    input.value = '';
  }
  pick.addEventListener('change', function () { picked(pick); });
  pickFolder.addEventListener('change', function () { picked(pickFolder); });

  /** Gives up the unfinished files of an earlier visit: the photos that waited for them are added. */
  function forget() {
    var ids = Object.keys(unfinished).map(function (k) { return unfinished[k].id; });
    unfinished = {};
    waitingNote.hidden = true;
    ids.reduce(function (chain, id) {
      return chain.then(function () {
        return YB.fetchJson('/api/organise/uploads/' + id, { method: 'DELETE' }).catch(function () { /* gone already */ });
      });
    }, Promise.resolve()).then(function () {
      return YB.fetchJson('/api/organise/reunions/' + reunion + '/uploads/add', { method: 'POST', body: {} });
    }).then(function () { document.dispatchEvent(new CustomEvent('yb:people-changed')); });
  }

  /** What an earlier visit left: unfinished files wait to be dropped again. */
  YB.fetchJson('/api/organise/reunions/' + reunion + '/uploads').then(function (r) {
    if (!r.ok || !r.data) return;
    var names = [];
    r.data.uploads.forEach(function (u) {
      if (u.state !== 'done') {
        unfinished[u.name + '\n' + u.size] = u;
        names.push(u.name);
      } else if ((u.accepted || []).some(function (a) { return a.ask; })) {
        // A question left open last time (a day, then it is skipped): asked again here.
        var item = { file: { name: u.name }, label: u.label, id: u.id, size: u.size, offset: u.size, state: 'asking' };
        items.push(item);
        row(item);
        finished(item, u, true);
      }
    });
    if (names.length) {
      YB.clear(waitingNote);
      waitingNote.appendChild(document.createTextNode(
        YB.t('organise-up-unfinished', { count: names.length,
          names: names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '') }) + ' '));
      waitingNote.appendChild(YB.el('button', { type: 'button', className: 'btn quiet uploads-forget', text: YB.t('organise-up-forget'), onclick: forget }));
      waitingNote.hidden = false;
    }
  });
})();
