/* yearbook — on the projector page, the emcee's "Phone remote": a QR code of the remote's link
   (with the host key) shown only on request, hidden again by any key, a click, the game moving
   on or 30 s passing: the room must not get to scan it. The key is sent in a header, never in
   a URL, and the code is dropped from the page once hidden. */
(function () {
  'use strict';
  var $ = YB.$, el = YB.el, clear = YB.clear, show = YB.show;
  var root = $('host');
  if (!root) return;
  var code = root.dataset.code;

  var box = el('div', { id: 'remote-qr', className: 'remote-qr', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'remote-qr-h', hidden: true }, [
    el('div', { className: 'remote-qr-card' }, [
      el('h2', { id: 'remote-qr-h', className: 'remote-qr-h', text: YB.t('host-remote') }),
      el('p', { className: 'remote-qr-lead', text: YB.t('host-remote-lead') }),
      el('div', { id: 'remote-qr-code', className: 'qr remote-qr-code', role: 'img', 'aria-label': YB.t('host-remote-qr-label') }),
      el('p', { id: 'remote-qr-msg', className: 'remote-qr-msg', role: 'status' }),
      // The join link names this computer only: so does the remote's, and a phone cannot open it.
      $('loopback-warning') ? el('p', { className: 'remote-qr-reach', text: YB.t('host-remote-reach') }) : null,
      el('p', { className: 'remote-qr-hint', text: YB.t('host-remote-hint') })
    ])
  ]);
  document.body.appendChild(box);

  var btn = el('button', { id: 'remote-btn', type: 'button', className: 'btn quiet', text: YB.t('host-remote') });
  // Among the emcee's own controls, wherever the page keeps them.
  var controls = root.querySelector('.control-buttons') || root;
  controls.appendChild(btn);

  var HIDE_AFTER_MS = 30000;
  var hideTimer = null;

  function hide() {
    clearTimeout(hideTimer);
    if (box.hidden) return;
    show(box, false);
    clear($('remote-qr-code'));
    btn.focus();
  }

  function open() {
    var key = YB.hostKey(code);
    var msg = $('remote-qr-msg');
    clear($('remote-qr-code'));
    msg.textContent = YB.t(key ? 'host-remote-loading' : 'host-remote-need-key');
    show(box, true);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_AFTER_MS);
    if (!key) return;
    fetch(YB.url('/api/rooms/' + encodeURIComponent(code) + '/remote-qr'), {
      headers: { 'Authorization': 'Bearer ' + key }, cache: 'no-store'
    }).then(function (res) {
      if (!res.ok) throw new Error(YB.t(res.status === 403 ? 'host-remote-bad-key' : 'host-remote-failed'));
      return res.text();
    }).then(function (svg) {
      if (box.hidden) return;
      var doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      var node = doc.documentElement;
      if (!node || node.nodeName.toLowerCase() !== 'svg') throw new Error(YB.t('host-remote-failed'));
      $('remote-qr-code').appendChild(document.importNode(node, true));
      msg.textContent = '';
    }).catch(function (e) { msg.textContent = e.message || YB.t('host-remote-failed'); });
  }

  btn.addEventListener('click', function (e) {
    e.stopPropagation();
    if (box.hidden) open(); else hide();
  });
  box.addEventListener('click', hide);
  // Capture: any key (a clicker's too) only hides the code; no other shortcut of the page sees it.
  document.addEventListener('keydown', function (e) {
    if (box.hidden || e.key === 'Shift' || e.key === 'Control' || e.key === 'Alt' || e.key === 'Meta') return;
    e.preventDefault(); e.stopPropagation(); hide();
  }, true);
  // The game moved on (from the remote, say): the code goes.
  new MutationObserver(hide).observe(root, { attributes: true, attributeFilter: ['data-phase'] });
})();
