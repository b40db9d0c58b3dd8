/* yearbook — start page: join with a code, host a game. */
(function () {
  'use strict';
  var $ = YB.$, text = YB.text, show = YB.show;

  // ---------- join with a code ----------
  var codeInput = $('join-code');
  var joinMsg = $('join-msg');
  var checking = 0; // which lookup is current: an edit makes older answers stale
  function refuse(msg) {
    text(joinMsg, msg);
    codeInput.setAttribute('aria-invalid', 'true');
    codeInput.focus();
  }
  codeInput.addEventListener('input', function () {
    var v = codeInput.value.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 6);
    if (v !== codeInput.value) codeInput.value = v;
    // A stale error must not stay up while the guest retypes.
    checking++;
    text(joinMsg, '');
    codeInput.removeAttribute('aria-invalid');
  });
  $('join-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var c = codeInput.value.toUpperCase().replace(/[^A-Z]/g, '');
    if (c.length < 4 || c.length > 6) {
      refuse(YB.t('landing-code-length'));
      return;
    }
    var go = YB.url('/join/' + encodeURIComponent(c));
    var mine = ++checking;
    // Ask first, so a wrong code is said here and what was typed stays.
    YB.fetchJson('/api/rooms/' + encodeURIComponent(c)).then(function (r) {
      if (mine !== checking) return;
      if (r.status === 404) {
        refuse(YB.t('landing-no-room', { code: c }));
      } else if (r.ok || r.status === 401) {
        // 401: the event-code gate; the join page shows its form.
        location.href = go;
      } else {
        refuse(YB.errorText(r, YB.t('landing-lookup-failed')));
      }
    }, function () {
      if (mine !== checking) return;
      refuse(YB.t('landing-offline'));
    });
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
      if (!pw) { text(hostMsg, YB.t('landing-password-empty')); $('password').focus(); return; }
      headers.Authorization = 'Bearer ' + pw;
    }
    var btn = $('host-submit');
    btn.disabled = true;
    text(btn, YB.t('landing-creating'));
    YB.fetchJson('/api/rooms', { body: body, headers: headers }).then(function (r) {
      btn.disabled = false;
      text(btn, YB.t('landing-create'));
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
        text(hostMsg, YB.t(first ? 'landing-password-needed' : 'landing-password-wrong'));
        $('password').focus();
        if (!first) $('password').select();
        return;
      }
      text(hostMsg, YB.errorText(r, YB.t('landing-create-failed')));
    }, function () {
      btn.disabled = false;
      text(btn, YB.t('landing-create'));
      text(hostMsg, YB.t('landing-offline'));
    });
  });
})();
