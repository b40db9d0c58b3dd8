/* yearbook — start page: join with a code, host a game. */
(function () {
  'use strict';
  var $ = YB.$, text = YB.text, show = YB.show;

  // ---------- join with a code ----------
  var codeInput = $('join-code');
  codeInput.addEventListener('input', function () {
    var v = codeInput.value.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 6);
    if (v !== codeInput.value) codeInput.value = v;
  });
  $('join-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var c = codeInput.value.toUpperCase().replace(/[^A-Z]/g, '');
    if (c.length < 4 || c.length > 6) {
      text($('join-msg'), 'The room code is 4 to 6 letters — it is on the big screen.');
      codeInput.focus();
      return;
    }
    location.href = YB.url('/join/' + encodeURIComponent(c));
  });

  // ---------- host a game ----------
  var form = $('host-form');
  var needPassword = false;

  function clamp(v, lo, hi, dflt) {
    var n = parseInt(v, 10);
    if (isNaN(n)) return dflt;
    return Math.max(lo, Math.min(hi, n));
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var hostMsg = $('host-msg');
    text(hostMsg, '');
    var modeEl = form.querySelector('input[name="mode"]:checked');
    var body = {
      rounds: clamp($('rounds').value, 1, 200, 10),
      seconds: clamp($('seconds').value, 2, 300, 20),
      mode: modeEl ? modeEl.value : 'name_to_photo',
      include_memoriam: $('memoriam').checked
    };
    var headers = {};
    var pw = $('password').value;
    if (needPassword) {
      if (!pw) { text(hostMsg, 'Please type the host password.'); $('password').focus(); return; }
      headers.Authorization = 'Bearer ' + pw;
    }
    var btn = $('host-submit');
    btn.disabled = true;
    text(btn, 'Creating…');
    YB.fetchJson('/api/rooms', { body: body, headers: headers }).then(function (r) {
      btn.disabled = false;
      text(btn, 'Create game');
      if (r.status === 201 || (r.ok && r.data && r.data.host_url)) {
        var d = r.data || {};
        var url = d.host_url || YB.url('/host/' + d.code);
        if (d.host_key && url.indexOf('#key=') < 0) url += '#key=' + encodeURIComponent(d.host_key);
        if (d.host_key && d.code) YB.local.set('yearbook.hostkey.' + d.code, d.host_key);
        location.href = url;
        return;
      }
      if (r.status === 401) {
        var first = !needPassword;
        needPassword = true;
        show($('password-box'), true);
        text(hostMsg, first ? 'This server needs the host password.' : 'That password didn’t work. Try again.');
        $('password').focus();
        if (!first) $('password').select();
        return;
      }
      text(hostMsg, YB.errorText(r, 'Could not create the game.'));
    }, function () {
      btn.disabled = false;
      text(btn, 'Create game');
      text(hostMsg, 'Could not reach the game server. Check the connection and try again.');
    });
  });
})();
