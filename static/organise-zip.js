/* yearbook — the organiser's list page: a new event from a zipped roster folder. */
(function () {
  'use strict';
  var $ = YB.$, text = YB.text, el = YB.el;
  var form = $('zip-form');
  if (!form) return;
  var msg = $('zip-msg');
  var bar = $('zip-progress');
  var list = $('zip-problems');
  var button = form.querySelector('button');

  function done(status, data) {
    button.disabled = false;
    YB.show(bar, false);
    if (status === 201 && data && data.url) {
      text(msg, YB.t('organise-zip-created', { count: data.people }));
      window.location.href = data.url;
      return;
    }
    text(msg, YB.errorText({ status: status, data: data },
      YB.t('organise-zip-failed')));
    ((data && data.problems) || []).forEach(function (p) { list.appendChild(el('li', {}, [p])); });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var file = $('zip-file').files[0];
    if (!file) return;
    YB.clear(list);
    text(msg, YB.t('organise-zip-uploading', { name: file.name }));
    button.disabled = true;
    bar.value = 0;
    YB.show(bar, true);
    // XHR, not fetch: its upload progress drives the bar.
    var xhr = new XMLHttpRequest();
    var title = $('zip-title').value.trim();
    xhr.open('POST', YB.url('/api/organise/reunions/from-roster' +
      (title ? '?title=' + encodeURIComponent(title) : '')));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/zip');
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) bar.value = Math.round(100 * ev.loaded / ev.total);
      if (ev.loaded === ev.total) text(msg, YB.t('organise-zip-checking'));
    };
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
      done(xhr.status, data);
    };
    xhr.onerror = function () { done(0, null); };
    xhr.send(file);
  });
})();
