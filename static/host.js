/* yearbook — the projector page. Speaks the host side of /ws/{code}. */
(function () {
  'use strict';
  var $ = YB.$, el = YB.el, clear = YB.clear, text = YB.text, show = YB.show;

  var root = $('host');
  var code = root.dataset.code;

  var S = {
    key: null,
    phase: 'lobby',
    round: 0,
    of: 0,
    mode: null,
    settings: null,
    prompt: null,
    choices: null,
    seconds: 20,
    players: [],
    seen: {},          // player ids already drawn in the lobby (new ones pop in)
    boards: {},        // round -> {name: [rank, row]} of that reveal's leaderboard (movement arrows)
    busy: false,       // a command is on its way; ignore repeats until the phase moves
    paused: false,     // the open question's clock stands still (the host paused it)
    kicked: [],        // players the host removed, who may be let back
    everConnected: false
  };

  var sock = null;
  var wake = new YB.Wake();   // keep the projector laptop from dimming mid-game, where allowed
  var countdown = new YB.Countdown(function (left, frac) { drawTimer(left, frac); timerSounds(left); });
  var sound = YB.sound;
  var busyTimer = null;

  // ---------- host key: from the fragment, never a query string ----------

  // Kept off the projected address bar; a reload finds it in storage.
  function readKey() { return YB.hostKey(code); }

  function noKey(message) {
    var note = $('host-note');
    text(note, message);
    show(note, true);
    $('start-btn').hidden = true;
    show($('settings'), false);
    show($('download'), false);
    show($('conn'), false);
  }

  // ---------- screens ----------

  function setPhase(phase) {
    // The server's reveal at the deadline can come before the countdown's last tick.
    if (S.phase === 'question' && phase === 'reveal' && S.left < 1500) sayTime(S.round + ':up', YB.t('host-times-up'));
    S.phase = phase;
    ['lobby', 'question', 'reveal', 'over'].forEach(function (p) { show($(p), p === phase); });
    root.dataset.phase = phase;
    if (phase !== 'question') { countdown.stop(); S.paused = false; }
    sound.lobby(phase === 'lobby');
    updateControls();
  }

  function updateControls() {
    var p = S.phase, live = !!(sock && sock.connected);
    show($('reveal-btn'), p === 'question');
    show($('pause-btn'), p === 'question');
    text($('pause-btn'), YB.t(S.paused ? 'host-resume' : 'host-pause'));
    $('pause-btn').disabled = !live;
    show($('next-btn'), p === 'reveal');
    show($('end-btn'), p === 'question' || p === 'reveal');
    if ($('new-game')) show($('new-game'), p === 'over');
    text($('next-btn'), YB.t(isLastRound() ? 'host-final' : 'host-next'));
    $('start-btn').disabled = !live;
    $('next-btn').disabled = !live;
    $('reveal-btn').disabled = !live;
    $('end-btn').disabled = !live;
  }

  function isLastRound() { return S.of > 0 && S.round >= S.of; }

  function roundLine() {
    return S.of ? YB.t('host-round', { round: S.round, of: S.of }) : YB.t('host-round-open', { round: S.round });
  }

  function setBusy() {
    S.busy = true;
    clearTimeout(busyTimer);
    busyTimer = setTimeout(function () { S.busy = false; }, 4000);
  }
  function clearBusy() { S.busy = false; clearTimeout(busyTimer); }

  var toastTimer = null;
  function toast(msg) {
    var t = $('toast');
    text(t, msg);
    show(t, true);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { show(t, false); }, 5000);
  }

  // ---------- fitting names to their boxes ----------

  /** The projector layout (one screen, nothing scrolls); a narrow or zoomed window scrolls instead. */
  var PROJECTOR = window.matchMedia ? window.matchMedia('(min-width: 1101px) and (min-height: 561px)') : null;
  function projector() { return !!(PROJECTOR && PROJECTOR.matches); }
  // Strict: a box that ends its text with "…" does so for the least overflow.
  function overflowsX(n) { return n.scrollWidth > n.clientWidth; }

  /** Smaller type (down to `min` of its size) until the node's text is as wide as its box at most. */
  function shrinkToWidth(n, min) {
    n.style.fontSize = '';
    if (!n.clientWidth || !overflowsX(n)) return;
    var base = parseFloat(getComputedStyle(n).fontSize) || 16;
    var scale = 1;
    for (var i = 0; i < 8 && overflowsX(n) && scale > min; i++) {
      scale = Math.max(min, scale * n.clientWidth / n.scrollWidth - 0.01);
      n.style.fontSize = (base * scale).toFixed(2) + 'px';
    }
  }

  /**
   * Long names: on one line in smaller type (down to `min` of their size); if that is not enough,
   * over lines broken between words only, never inside one; a single word still too wide for the
   * box gets smaller still.
   */
  function fitNames(nodes, min) {
    Array.prototype.forEach.call(nodes, function (n) {
      n.classList.remove('wrap');
      n.style.whiteSpace = 'nowrap';
      shrinkToWidth(n, min);
      if (!overflowsX(n)) return;
      n.style.whiteSpace = 'normal';
      n.classList.add('wrap');
      if (overflowsX(n)) shrinkToWidth(n, 0.4);
    });
  }

  /** A heading on at most `lines` lines, in smaller type (down to `min` of its size) if need be. */
  function fitLines(n, lines, min) {
    n.style.fontSize = '';
    var base = parseFloat(getComputedStyle(n).fontSize) || 16;
    for (var scale = 1; scale > min; scale -= 0.05) {
      var lh = parseFloat(getComputedStyle(n).lineHeight) || base * scale * 1.1;
      if (!overflowsX(n) && n.offsetHeight <= lines * lh + 2) return;
      n.style.fontSize = (base * (scale - 0.05)).toFixed(1) + 'px';
    }
  }

  /** Makes `inner`'s type smaller in steps (down to `min` of its size now) while `box` shows more than it holds. */
  function shrinkUntilHeld(box, inner, min) {
    var base = parseFloat(getComputedStyle(inner).fontSize) || 16;
    for (var scale = 1; scale > min && box.scrollHeight > box.clientHeight + 1; scale -= 0.05) {
      inner.style.fontSize = (base * (scale - 0.05)).toFixed(1) + 'px';
    }
  }

  // ---------- lobby ----------

  function drawLobby(players, count) {
    if (Array.isArray(players)) { S.players = players.slice(); drawClaims(); loadToday(); }
    var n = typeof count === 'number' ? count : S.players.length;
    S.count = Math.max(n, S.players.length);
    YB.tMarked($('player-line'), 'host-players-joined', { count: n }, 'count', 'player-count');
    // Phones that left (or throw-away joins): offered for removal at once.
    var away = S.players.filter(function (p) { return p.connected === false; }).length;
    $('remove-away-btn').hidden = away === 0;
    layoutPlayers();
  }

  /**
   * The names, newest first, as big as lets them all fit (never under about 40 px at 1080 lines,
   * legible at the back); when even that is too many, the newest that fit and "+ N more". Names
   * are never cut in half or faded: a name is either on the screen or counted in the last chip.
   * More than a few players get the whole width under a smaller code.
   */
  var CHIP_CAP = 400;  // a screen never shows more; keeps a room of thousands cheap
  var CHIP_SIZES = [2, 1.75, 1.5];   // em of the projector's type, largest first
  var ROOMY = 6;
  var chipBox = { w: -1, h: -1 };
  function layoutPlayers() {
    var ul = $('players');
    clear(ul);
    var total = S.count || S.players.length;
    $('lobby').classList.toggle('crowd', total > ROOMY);
    var list = S.players.slice().sort(function (a, b) { return (b.id || 0) - (a.id || 0); }).slice(0, CHIP_CAP);
    var chips = list.map(function (p) {
      var isNew = !S.seen[p.id];
      S.seen[p.id] = true;
      var li = el('li', { className: 'chip' + (p.connected === false ? ' away' : '') + (isNew ? ' new' : '') }, [
        el('span', { className: 'chip-name', text: p.name }),
        el('button', {
          type: 'button', className: 'kick', 'aria-label': YB.t('host-kick-label', { name: p.name }), title: YB.t('host-kick-title'), text: '×',
          onclick: function () { kick(p); }
        })
      ]);
      ul.appendChild(li);
      return li;
    });
    var more = null;
    var shown = chips.length;
    function setMore() {
      var hidden = total - shown;
      if (hidden <= 0) { if (more) { ul.removeChild(more); more = null; } return; }
      if (!more) more = ul.appendChild(el('li', { className: 'chip more' }));
      text(more, YB.t('host-more', { count: hidden }));
    }
    setMore();
    var overflows = function () { return ul.scrollHeight > ul.clientHeight + 1; };
    for (var i = 0; i < CHIP_SIZES.length; i++) {
      ul.style.fontSize = CHIP_SIZES[i] + 'em';
      if (!overflows()) break;
    }
    fitNames(ul.querySelectorAll('.chip-name'), 0.9);
    if (overflows()) trim();
    chipBox = { w: ul.clientWidth, h: ul.clientHeight };
    // Drop every name that does not wholly fit, then make room for the "+ N more" chip.
    function trim() {
      var limit = ul.clientHeight;
      var fits = function (node) { return node.offsetTop + node.offsetHeight <= limit + 0.5; };
      while (shown > 0 && !fits(chips[shown - 1])) { ul.removeChild(chips[shown - 1]); shown--; }
      setMore();
      while (shown > 0 && more && !fits(more)) { ul.removeChild(chips[shown - 1]); shown--; setMore(); }
    }
  }

  // The box changes size when the window does or the settings panel opens: fit the names again.
  if (window.ResizeObserver) {
    // Laid out on the next frame: laying out inside the callback can move the box again.
    new ResizeObserver(function () {
      window.requestAnimationFrame(function () {
        var ul = $('players');
        if (S.phase !== 'lobby' || (ul.clientWidth === chipBox.w && ul.clientHeight === chipBox.h)) return;
        layoutPlayers();
      });
    }).observe($('players'));
  } else {
    window.addEventListener('resize', function () { if (S.phase === 'lobby') layoutPlayers(); });
  }

  /** Players the host removed, each with a way back in (lobby only: the list lives there). */
  function drawKicked(kicked) {
    if (!Array.isArray(kicked)) return;
    S.kicked = kicked.slice();
    var ul = clear($('kicked-list'));
    S.kicked.forEach(function (p) {
      ul.appendChild(el('li', { className: 'kicked-one' }, [
        el('span', { className: 'kicked-name', text: p.name }),
        el('button', {
          type: 'button', className: 'btn quiet let-back', text: YB.t('host-let-back'),
          'aria-label': YB.t('host-let-back-label', { name: p.name }),
          onclick: function () { sock.send({ type: 'let_back', player_id: p.id }); }
        })
      ]));
    });
    show($('kicked'), S.kicked.length > 0);
  }

  /**
   * Guests who said which classmate they are. A classmate claimed twice waits
   * here for the host: give it to the second guest or turn them down; any
   * claim can be undone (a prank, a wrong tap).
   */
  function drawClaims() {
    var ul = clear($('claims-list'));
    var claimed = S.players.filter(function (p) { return p.claim; });
    claimed.sort(function (a, b) { return (a.claim.held ? 1 : 0) - (b.claim.held ? 1 : 0); });
    claimed.forEach(function (p) {
      var who = p.claim.known_as ? YB.t('host-claim-who-now', { name: p.claim.name, now: p.claim.known_as }) : p.claim.name;
      var send = function (msg) { return function () { sock.send(msg); }; };
      var buttons = p.claim.held ? [
        el('button', { type: 'button', className: 'btn quiet', text: YB.t('host-undo'), 'aria-label': YB.t('host-undo-label', { name: p.name }),
          onclick: send({ type: 'undo_claim', player_id: p.id }) })
      ] : [
        el('button', { type: 'button', className: 'btn quiet claim-give', text: YB.t('host-give'), 'aria-label': YB.t('host-give-label', { who: who, name: p.name }),
          onclick: send({ type: 'decide_claim', player_id: p.id, give: true }) }),
        el('button', { type: 'button', className: 'btn quiet claim-refuse', text: YB.t('host-refuse'), 'aria-label': YB.t('host-refuse-label', { name: p.name }),
          onclick: send({ type: 'decide_claim', player_id: p.id, give: false }) })
      ];
      var line = YB.t(p.claim.held ? 'host-claim-held' : 'host-claim-asked', { name: p.name, who: who });
      ul.appendChild(el('li', { className: 'kicked-one' + (p.claim.held ? '' : ' claim-asked') },
        [el('span', { className: 'kicked-name', text: line })].concat(buttons)));
    });
    show($('claims'), claimed.length > 0);
  }

  // ---------- then & now: the guests' photos of today ----------

  /** How many guests added a photo of today, each with a one-tap Hide (a prank, a wrong person). */
  function drawToday(data) {
    var shown = (data.photos || []).filter(function (p) { return !p.hidden; });
    YB.tMarked($('today-line'), 'host-today-photos', { count: data.count || 0 }, 'count', 'today-count');
    // The settings say how many then & now photos there are against the 4 needed.
    if ($('tn-need')) YB.tMarked($('tn-need'), 'host-tn-need', { count: typeof data.faces === 'number' ? data.faces : data.count || 0 }, 'count', 'tn-count');
    var ul = clear($('today-list'));
    shown.forEach(function (p) {
      ul.appendChild(el('li', { className: 'today-one' }, [
        YB.img(p.thumb, YB.t('host-today-alt', { name: p.name }), 'today-thumb', [96, 120]),
        el('span', { className: 'kicked-name', text: p.name }),
        el('button', {
          type: 'button', className: 'btn quiet today-hide', text: YB.t('host-hide'), 'aria-label': YB.t('host-hide-label', { name: p.name }),
          onclick: function () { hideToday(p.player_id); }
        })
      ]));
    });
    // Shown from the first photo on, hidden ones included: "0" after a hide says it worked.
    show($('today'), (data.photos || []).length > 0);
  }

  function todayFetch(path, method) {
    return fetch(YB.url('/api/rooms/' + encodeURIComponent(code) + path), {
      method: method || 'GET', headers: { 'Authorization': 'Bearer ' + S.key }, cache: 'no-store'
    });
  }

  var todayAt = 0;
  function loadToday() {
    // Lobby updates come up to five a second: one look a second is enough.
    // Then & now switched off for this event: no photos to count.
    if (root.dataset.thenNow !== 'on' || !S.key || S.phase !== 'lobby' || Date.now() - todayAt < 1000) return;
    todayAt = Date.now();
    todayFetch('/today-photos').then(function (res) {
      return res.ok ? res.json().then(drawToday) : null;
    }).catch(function () { /* offline: the next look */ });
  }

  function hideToday(id) {
    todayFetch('/today-photos/' + id + '/hide', 'POST').then(function () { todayAt = 0; loadToday(); }, function () {
      toast(YB.t('host-hide-offline'));
    });
  }
  // The lobby looks every few seconds: photos come over HTTP, not the game's socket.
  setInterval(loadToday, 4000);

  function kick(p) {
    if (!window.confirm(YB.t('host-kick-confirm', { name: p.name }))) return;
    sock.send({ type: 'kick', player_id: p.id });
  }

  $('remove-away-btn').addEventListener('click', function () {
    if (!window.confirm(YB.t('host-remove-away-confirm'))) return;
    sock.send({ type: 'remove_disconnected' });
  });

  // ---------- lobby settings ----------

  /** A mode as the settings' summary line says it. */
  function modeLine(mode) {
    var key = 'host-line-' + String(mode).replace(/_/g, '-');
    var line = YB.t(key);
    return line === key ? mode : line;
  }
  /** Then & now: the yearbook and today's photos of the guests. */
  function isThenNow(mode) { return mode === 'then_to_now' || mode === 'now_to_then'; }
  var cfg = { pending: {}, timer: null, sentAt: 0, asked: null };

  function drawSettings(st) {
    if (!st) return;
    S.settings = st;
    var parts = [];
    // The room now speaks another language: the page comes again in it (the key stays in the hash).
    if (st.lang && st.lang !== YB.lang) { location.reload(); return; }
    if (st.rounds) parts.push(YB.t('host-line-rounds', { count: st.rounds }));
    if (st.seconds) parts.push(YB.t('host-line-seconds', { count: st.seconds }));
    if (st.mode) parts.push(modeLine(st.mode));
    if (st.include_memoriam === false) parts.push(YB.t('host-line-no-memoriam'));
    if (st.labels && st.labels.length) parts.push(YB.t('host-line-labels', { labels: st.labels.join(', ') }));
    text($('settings-line'), parts.join(' · '));
    fillSettings(false);
    // The server caps rounds at the number of classmates who can be asked: say so.
    if (cfg.asked && typeof cfg.asked.rounds === 'number' && st.rounds < cfg.asked.rounds) {
      settingsMsg(YB.t('host-set-capped', { count: st.rounds }), false);
    }
    cfg.asked = null;
  }

  /** Shows the server's settings in the panel; a field being edited keeps what is typed unless `force`. */
  function fillSettings(force) {
    var st = S.settings;
    if (!st) return;
    [['set-rounds', st.rounds], ['set-seconds', st.seconds]].forEach(function (f) {
      var input = $(f[0]);
      if (typeof f[1] !== 'number') return;
      if (!force && input.dataset.dirty) return;
      input.value = String(f[1]);
      delete input.dataset.dirty;
      input.removeAttribute('aria-invalid');
    });
    if (st.mode) $('set-mode').value = st.mode;
    if (st.lang) $('set-lang').value = st.lang;
    if (typeof st.include_memoriam === 'boolean') $('set-memoriam').checked = st.include_memoriam;
    if (typeof st.profanity_filter === 'boolean') $('set-filter').checked = st.profanity_filter;
    show($('set-filter').parentNode, typeof st.profanity_filter === 'boolean');
    var chosen = st.labels || [];
    Array.prototype.forEach.call($('set-labels').querySelectorAll('input'), function (box) {
      box.checked = chosen.indexOf(box.value) >= 0;
    });
  }

  /** The class's photo labels (state.labels, only when there are two or more) as checkboxes. */
  function drawLabelChoices(labels) {
    var set = $('set-labels');
    var boxes = set.querySelectorAll('.set-check');
    var have = Array.prototype.map.call(set.querySelectorAll('input'), function (b) { return b.value; });
    labels = labels || [];
    if (have.join('\n') !== labels.join('\n')) {
      Array.prototype.forEach.call(boxes, function (b) { set.removeChild(b); });
      labels.forEach(function (label) {
        var box = el('input', { type: 'checkbox', value: label });
        box.addEventListener('change', function () {
          var ticked = Array.prototype.filter.call(set.querySelectorAll('input'), function (b) { return b.checked; });
          queueConfigure('labels', ticked.map(function (b) { return b.value; }));
        });
        set.appendChild(el('label', { className: 'set-check' }, [box, document.createTextNode(' ' + label)]));
      });
    }
    show(set, labels.length > 1);
    fillSettings(false);
  }

  var msgTimer = null;
  function settingsMsg(msg, isError) {
    var p = $('settings-msg');
    text(p, msg || '');
    p.classList.toggle('error', !!isError);
    clearTimeout(msgTimer);
    if (msg && !isError) msgTimer = setTimeout(function () { text(p, ''); }, 8000);
  }

  /** "rounds must be between 1 and 200" → "Rounds must be between 1 and 200." */
  function sentence(s) {
    s = String(s || '').trim();
    if (!s) return '';
    s = s.charAt(0).toUpperCase() + s.slice(1);
    return /[.!?]$/.test(s) ? s : s + '.';
  }

  /** A number field after the emcee committed it (Enter, leaving it, the arrows). */
  function numberField(input, key, label) {
    var raw = String(input.value || '').trim();
    if (!/^\d{1,4}$/.test(raw)) {
      var min = input.getAttribute('min'), max = input.getAttribute('max');
      settingsMsg(YB.t('host-set-whole', { label: label, min: Number(min), max: Number(max) }), true);
      fillSettings(true);
      return;
    }
    var n = parseInt(raw, 10);
    var justSent = cfg.asked && cfg.asked[key] === n && Date.now() - cfg.sentAt < 2000;
    if ((S.settings && S.settings[key] === n) || justSent || cfg.pending[key] === n) { delete input.dataset.dirty; return; }
    queueConfigure(key, n);
  }

  function queueConfigure(key, value) {
    cfg.pending[key] = value;
    clearTimeout(cfg.timer);
    // Holding a spinner arrow changes the value many times a second: send the last one.
    cfg.timer = setTimeout(flushConfigure, 250);
  }

  function flushConfigure() {
    clearTimeout(cfg.timer);
    cfg.timer = null;
    var keys = Object.keys(cfg.pending);
    if (!keys.length) return;
    if (!sock || !sock.connected) {
      settingsMsg(YB.t('host-set-offline'), true);
      cfg.timer = setTimeout(flushConfigure, 1500);
      return;
    }
    var msg = { type: 'configure' };
    keys.forEach(function (k) { msg[k] = cfg.pending[k]; });
    cfg.pending = {};
    if (sock.send(msg)) {
      cfg.sentAt = Date.now();
      cfg.asked = msg;
      settingsMsg('', false);
      ['set-rounds', 'set-seconds'].forEach(function (id) { delete $(id).dataset.dirty; });
    }
  }

  function settingsError(m) {
    var msg = sentence(m.message) || YB.t('host-set-failed');
    cfg.asked = null;
    fillSettings(true);
    if (S.phase === 'lobby') {
      settingsMsg(msg + ' ' + YB.t('host-set-not-changed'), true);
      $('settings').open = true;
    } else {
      toast(msg);
    }
  }

  (function wireSettings() {
    var form = $('settings-form');
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    [['set-rounds', 'rounds', YB.t('host-rounds')], ['set-seconds', 'seconds', YB.t('host-seconds-per-round')]].forEach(function (f) {
      var input = $(f[0]);
      input.addEventListener('input', function () { input.dataset.dirty = '1'; });
      input.addEventListener('change', function () { numberField(input, f[1], f[2]); });
      input.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') { e.preventDefault(); numberField(input, f[1], f[2]); flushConfigure(); }
      });
    });
    $('set-mode').addEventListener('change', function () { queueConfigure('mode', $('set-mode').value); });
    // The lobby's next message in the chosen language reloads the page in it.
    $('set-lang').addEventListener('change', function () { queueConfigure('lang', $('set-lang').value); });
    $('set-memoriam').addEventListener('change', function () { queueConfigure('include_memoriam', $('set-memoriam').checked); });
    $('set-filter').addEventListener('change', function () { queueConfigure('profanity_filter', $('set-filter').checked); });
    // Escape leaves the panel: closed, focus back on its summary.
    $('settings').addEventListener('keydown', function (e) {
      if (e.key !== 'Escape') return;
      var d = $('settings');
      if (!d.open) return;
      e.preventDefault();
      var a = document.activeElement;
      if (a && a.dataset && a.dataset.dirty) numberField(a, a.name, YB.t(a.name === 'rounds' ? 'host-rounds' : 'host-seconds-per-round'));
      d.open = false;
      d.querySelector('summary').focus();
    });
  })();

  // ---------- question ----------

  function drawQuestion(m) {
    YB.preload(YB.photoUrls(m, 'photo'));
    S.round = m.round || S.round;
    if (m.of) S.of = m.of;
    S.mode = m.mode || S.mode;
    S.prompt = m.prompt || null;
    S.choices = m.choices || [];
    S.seconds = m.seconds || (S.settings && S.settings.seconds) || S.seconds;
    setPhase('question');
    text($('q-round'), roundLine());
    var photoChoices = YB.isPhotoMode(S.mode, S.choices);
    var body = clear($('q-body'));
    var prompt = S.prompt || {};
    var known = $('q-known');
    if (isThenNow(S.mode)) {
      // The prompt's photo (yearbook or today's), then the four to choose from.
      var thenToNow = S.mode === 'then_to_now';
      text($('q-name'), YB.t(thenToNow ? 'host-q-today' : 'host-q-then'));
      show(known, false);
      var tnRow = el('div', { className: 'choices photos' });
      S.choices.forEach(function (c, i) {
        tnRow.appendChild(el('figure', { className: 'choice c' + i }, [
          el('div', { className: 'pic' }, [YB.img(c.photo || c.thumb, YB.t('host-photo-alt', { letter: YB.LETTERS[i] }), '', [576, 720])]),
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })
        ]));
      });
      body.appendChild(el('div', { className: 'tn-q' }, [
        el('figure', { className: 'tn-prompt' }, [
          el('div', { className: 'pic' }, [YB.img(prompt.photo || prompt.thumb, YB.t(thenToNow ? 'host-yearbook-photo' : 'host-photo-today'), '', [576, 720])]),
          el('figcaption', { className: 'tn-cap', text: YB.t(thenToNow ? 'host-then' : 'host-today') })
        ]),
        tnRow
      ]));
    } else if (photoChoices) {
      text($('q-name'), prompt.name || '');
      text(known, prompt.known_as ? YB.t('host-now', { name: prompt.known_as }) : '');
      show(known, !!prompt.known_as);
      var row = el('div', { className: 'choices photos' });
      S.choices.forEach(function (c, i) {
        row.appendChild(el('figure', { className: 'choice c' + i }, [
          el('div', { className: 'pic' }, [YB.img(c.photo || c.thumb, YB.t('host-photo-alt', { letter: YB.LETTERS[i] }), '', [576, 720])]),
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })
        ]));
      });
      body.appendChild(row);
    } else {
      text($('q-name'), YB.t('host-q-who'));
      show(known, false);
      var names = el('ol', { className: 'name-choices' });
      S.choices.forEach(function (c, i) {
        names.appendChild(el('li', { className: 'name-choice c' + i }, [
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] }),
          el('span', { className: 'name-text', text: c.name || '' })
        ]));
      });
      body.appendChild(el('div', { className: 'pn' }, [
        el('div', { className: 'pn-photo pic' }, [YB.img(prompt.photo || prompt.thumb, YB.t('host-q-who'), '', [576, 720])]),
        names
      ]));
    }
    if (S.saidRound !== S.round) { S.saidRound = S.round; text($('timer-live'), ''); }
    drawPaused(!!m.paused, m.remaining_ms);
    drawProgress(m.answered || 0, typeof m.players_voting === 'number' ? m.players_voting : (typeof m.players === 'number' ? m.players : S.players.length));
    sizeQuestion();
  }

  /**
   * The prompt on two lines at most, then the photos (or the photo and the names) as big as the
   * room left under it allows, so nothing reaches the footer however long the names are.
   */
  function sizeQuestion() {
    var body = $('q-body');
    fitLines($('q-name'), 2, 0.6);
    body.style.removeProperty('--pic');
    var names = body.querySelector('.name-choices');
    if (names) { names.style.fontSize = ''; fitNames(names.querySelectorAll('.name-text'), 0.9); }
    if (!projector()) return;
    var cs = getComputedStyle(body);
    var h = body.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    var tn = body.querySelector('.tn-q');
    if (tn) {
      // Five photos side by side, the prompt 1.3 times the others, and its caption under it.
      var cap = tn.querySelector('.tn-cap');
      var tall = (h - (cap ? cap.offsetHeight : 0)) / (1.3 * 1.25);
      body.style.setProperty('--pic', Math.max(50, Math.floor(Math.min(window.innerWidth * 0.15, tall * 0.95))) + 'px');
      return;
    }
    if (!names) {
      // The letter badges stand out half their size above the photos.
      var badge = body.querySelector('.letter');
      var room = h - (badge ? badge.offsetHeight / 2 : 0);
      body.style.setProperty('--pic', Math.max(60, Math.floor(Math.min(window.innerWidth * 0.215, room * 0.8))) + 'px');
      return;
    }
    body.style.setProperty('--pic', Math.max(60, Math.floor(Math.min(window.innerWidth * 0.34, h * 0.8))) + 'px');
    fitNames(names.querySelectorAll('.name-text'), 0.9);
    shrinkUntilHeld(body, names, 0.85);
  }

  // Seconds left at which screen readers hear the time (every second would drown the room's noise).
  var SAY_AT = [10, 5];
  var saidTime = '';
  function sayTime(moment, words) {
    if (saidTime === moment) return;
    saidTime = moment;
    text($('timer-live'), words);
  }

  /** The question's clock runs, or stands still at remainingMs with a big "Paused". */
  function drawPaused(paused, remainingMs) {
    S.paused = paused;
    // Keyed by round, as on the phones: a state after an outage never makes the time go up.
    if (paused) countdown.hold(remainingMs, S.seconds * 1000, S.round);
    else countdown.start(remainingMs, S.seconds * 1000, S.round);
    show($('q-paused'), paused);
    $('timer').classList.toggle('paused', paused);
    updateControls();
  }

  var RING = 2 * Math.PI * 52;
  function drawTimer(left, frac) {
    var secs = Math.ceil(left / 1000);
    S.left = left;
    if (SAY_AT.indexOf(secs) >= 0) sayTime(S.round + ':' + secs, YB.t('host-seconds-left', { count: secs }));
    if (left <= 0) sayTime(S.round + ':up', YB.t('host-times-up'));
    text($('timer-num'), String(secs));
    var fg = $('ring-fg');
    fg.style.strokeDasharray = RING.toFixed(1);
    fg.style.strokeDashoffset = (RING * (1 - frac)).toFixed(1);
    $('timer').classList.toggle('low', secs <= 5);
    $('timer').classList.toggle('done', left <= 0);
  }

  function drawProgress(answered, players) {
    text($('answered'), YB.t('host-answered', { answered: answered, players: players }));
  }

  // ---------- reveal ----------

  function drawReveal(m) {
    if (m.round) S.round = m.round;
    if (m.of) S.of = m.of;
    if (m.mode) S.mode = m.mode;
    if (m.choices) S.choices = m.choices;
    var prompt = m.prompt || S.prompt || {};
    S.prompt = prompt;
    setPhase('reveal');
    text($('r-round'), roundLine());
    var photoChoices = YB.isPhotoMode(S.mode, S.choices);
    var rightName = m.name || prompt.name || '';
    text($('r-name'), rightName);
    var known = $('r-known');
    // A photo prompt carries no name: the reveal names the person (and who they are now).
    var knownAs = m.known_as || prompt.known_as;
    var thenNow = isThenNow(S.mode);
    text(known, knownAs ? YB.t(thenNow ? 'host-known-as' : 'host-now', { name: knownAs }) : '');
    show(known, !!knownAs);
    show($('r-memoriam'), !!m.in_memoriam);
    drawAlso(m.also);

    var counts = m.counts || [0, 0, 0, 0];
    var total = counts.reduce(function (a, b) { return a + (b || 0); }, 0);
    var max = Math.max.apply(null, counts.concat([1]));
    var chart = clear($('r-chart'));
    if (thenNow) {
      drawThenNow(chart, m, prompt, counts, total, rightName);
      sizeReveal();
      drawBoard($('board'), m.leaderboard || [], S.round);
      return;
    }
    chart.className = 'r-chart ' + (photoChoices ? 'photos' : 'names');
    if (!photoChoices && (prompt.photo || prompt.thumb)) {
      chart.appendChild(el('div', { className: 'r-prompt pic' }, [YB.img(prompt.photo || prompt.thumb, rightName, '', [576, 720])]));
    }
    var rows = el('ol', { className: 'bars', 'aria-label': YB.t('host-votes-label') });
    var choices = S.choices && S.choices.length === 4 ? S.choices : [{}, {}, {}, {}];
    choices.forEach(function (c, i) {
      var n = counts[i] || 0;
      var right = i === m.answer;
      var pct = total ? Math.round(n * 100 / total) : 0;
      var fill = el('div', { className: 'bar-fill f' + i });
      var label = total ? YB.t('host-votes-share', { count: n, pct: pct }) : YB.t('host-votes', { count: n });
      var bits = [el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })];
      if (photoChoices) {
        bits.push(el('div', { className: 'pic' }, [YB.img(c.photo || c.thumb, YB.t('host-photo-alt', { letter: YB.LETTERS[i] }), '', [576, 720])]));
      }
      // The count sits above its bar, on the dark background: readable whatever the bar's colour or length.
      bits.push(el('div', { className: 'bar-col' }, [
        el('div', { className: 'bar-head' }, [
          photoChoices ? null : el('span', { className: 'bar-name', text: c.name || '' }),
          el('span', { className: 'bar-num', text: label })
        ]),
        el('div', { className: 'bar-track' }, [fill])
      ]));
      if (right) bits.push(el('span', { className: 'tick', text: '✓', 'aria-label': YB.t('host-right-answer') }));
      rows.appendChild(el('li', { className: 'bar-row ' + (right ? 'right' : 'wrong') }, bits));
      // Grow the bars after they are on screen.
      var w = (n / max * 100).toFixed(1) + '%';
      if (YB.reducedMotion()) fill.style.width = w;
      else setTimeout(function () { fill.style.width = w; }, 60);
    });
    chart.appendChild(rows);
    sizeReveal();
    drawBoard($('board'), m.leaderboard || [], S.round);
  }

  /**
   * Then & now's reveal: the yearbook photo and today's side by side, as large as the screen
   * allows, and how many knew. The right choice is one of the two, the prompt the other.
   */
  function drawThenNow(chart, m, prompt, counts, total, name) {
    chart.className = 'r-chart thennow';
    var right = (S.choices || [])[m.answer] || {};
    var thenToNow = S.mode === 'then_to_now';
    var then = thenToNow ? prompt : right;
    var now = thenToNow ? right : prompt;
    var side = function (cls, shown, cap, alt) {
      return el('figure', { className: 'tn-side ' + cls }, [
        el('div', { className: 'pic' }, [YB.img(shown.photo || shown.thumb, alt, '', [576, 720])]),
        el('figcaption', { className: 'tn-cap', text: cap })
      ]);
    };
    chart.appendChild(el('div', { className: 'tn-pair' }, [
      side('then', then, YB.t('host-then'), YB.t('host-in-yearbook', { name: name })),
      side('now', now, YB.t('host-today'), YB.t('host-today-alt', { name: name }))
    ]));
    var knew = counts[m.answer] || 0;
    chart.appendChild(el('p', {
      className: 'tn-votes',
      text: total ? YB.t('host-got-right', { right: knew, total: total }) : YB.t('host-nobody-answered')
    }));
  }

  /** The person's other photos, small under their name: "also in 1983". */
  function drawAlso(also) {
    var box = clear($('r-also'));
    (also || []).forEach(function (a) {
      box.appendChild(el('figure', { className: 'also' }, [
        YB.img(a.thumb, YB.t('host-also-alt', { label: a.label }), '', [160, 200]),
        el('figcaption', { text: YB.t('host-also', { label: a.label }) })
      ]));
    });
    show(box, !!(also && also.length));
  }

  /** Names beside a photo: one width for every count, so the tracks beside them are as long as each other. */
  function evenCounts(chart) {
    var nums = Array.prototype.slice.call(chart.querySelectorAll('.bar-num'));
    nums.forEach(function (n) { n.style.minWidth = ''; });
    var widest = Math.max.apply(null, nums.map(function (n) { return n.offsetWidth; }).concat([0]));
    nums.forEach(function (n) { n.style.minWidth = widest + 'px'; });
  }

  /**
   * The name on one line if smaller type allows; the photos as big as the room under it allows
   * (the right one twice the others: everyone looks at it); in photo → name mode the names fitted
   * beside the photo, which gives up width until the four bars fit above the footer.
   */
  function sizeReveal() {
    var chart = $('r-chart');
    fitLines($('r-name'), 1, 0.6);
    chart.style.removeProperty('--pic');
    chart.style.removeProperty('--prompt');
    var barNames = chart.querySelectorAll('.bar-name');
    fitNames(barNames, 0.9);
    if (chart.classList.contains('names')) evenCounts(chart);
    if (!projector()) return;
    var body = chart.parentNode;
    var cs = getComputedStyle(body);
    var h = body.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    var pair = chart.querySelector('.tn-pair');
    if (pair) {
      // Two photos side by side (4:5), their captions and the count under them.
      var below = chart.querySelector('.tn-votes').offsetHeight + pair.querySelector('.tn-cap').offsetHeight;
      var gap = parseFloat(getComputedStyle(pair).columnGap) || 0;
      var byHeight = (h - below) * 0.92 / 1.25;
      var byWidth = (chart.clientWidth - gap) / 2;
      chart.style.setProperty('--tn', Math.max(60, Math.floor(Math.min(byHeight, byWidth))) + 'px');
      return;
    }
    var bars = chart.querySelector('.bars');
    bars.style.fontSize = '';
    if (chart.classList.contains('photos')) {
      // Measure what is not photo (rows' padding, gaps, badges), then share the rest: 3 × 1.25 + 2.5.
      var probe = 100;
      chart.style.setProperty('--pic', probe + 'px');
      var other = bars.offsetHeight - 6.25 * probe;
      var badge = chart.querySelector('.letter');
      other += badge ? badge.offsetHeight / 2 : 0;
      chart.style.setProperty('--pic', Math.max(40, Math.floor(Math.min((h - other) / 6.25, chart.clientWidth / 5))) + 'px');
      return;
    }
    var prompt = Math.floor(Math.min(h * 0.8, window.innerWidth * 0.22));
    for (var i = 0; i < 6; i++) {
      chart.style.setProperty('--prompt', prompt + 'px');
      fitNames(barNames, 0.9);
      if (bars.offsetHeight <= h) break;
      prompt = Math.floor(prompt * 0.85);
    }
    shrinkUntilHeld(body, bars, 0.85);
  }

  // ---------- leaderboard with movement since the previous reveal ----------

  var BOARDS_STORE = 'yearbook.boards.' + code;
  try { S.boards = JSON.parse(YB.session.get(BOARDS_STORE) || '{}') || {}; } catch (e) { S.boards = {}; }

  function rememberBoard(round, list) {
    var b = {};
    list.forEach(function (e, i) { b[e.name] = [e.rank, i]; });
    S.boards[round] = b;
    // Enough to draw this reveal and the next one again after a reload.
    Object.keys(S.boards).forEach(function (r) { if (Number(r) < round - 1) delete S.boards[r]; });
    YB.session.set(BOARDS_STORE, JSON.stringify(S.boards));
  }

  /** "▲ 2", "▼ 1", "new" or "" against the previous round's board (none after the first round). */
  function movement(prev, e) {
    if (!prev) return null;
    var was = prev[e.name];
    if (!was) return { cls: 'new', text: YB.t('host-move-new'), label: YB.t('host-move-new-label') };
    var d = was[0] - e.rank;
    if (d > 0) return { cls: 'up', text: '▲ ' + YB.fmt(d), label: YB.t('host-move-up', { count: d }) };
    if (d < 0) return { cls: 'down', text: '▼ ' + YB.fmt(-d), label: YB.t('host-move-down', { count: -d }) };
    return { cls: 'same', text: '', label: '' };
  }

  function drawBoard(ol, list, round) {
    list = list.slice(0, 10);
    var prev = round > 1 ? S.boards[round - 1] : null;
    var redraw = !!S.boards[round];   // the same reveal again (a reconnect): no animation
    rememberBoard(round, list);
    clear(ol);
    var rows = [];
    list.forEach(function (e, i) {
      var mv = movement(prev, e);
      var li = el('li', { className: 'board-row' + (i < 3 && e.score > 0 ? ' top' + (i + 1) : '') }, [
        el('span', { className: 'b-rank', text: e.rank }),
        el('span', { className: 'b-name', text: e.name }),
        el('span', { className: 'b-move' + (mv ? ' ' + mv.cls : ''), text: mv ? mv.text : '', title: mv ? mv.label : null,
          'aria-label': mv && mv.label ? mv.label : null }),
        el('span', { className: 'b-score', text: YB.fmt(e.score) })
      ]);
      li.dataset.was = prev && prev[e.name] ? prev[e.name][1] : '';
      ol.appendChild(li);
      rows.push(li);
    });
    if (!list.length) ol.appendChild(el('li', { className: 'board-empty', text: YB.t('host-no-scores') }));
    ol.classList.toggle('has-moves', !!prev);
    fitNames(ol.querySelectorAll('.b-name'), 0.9);
    // As many of the top ten as the screen holds, whole (a long name can take two lines).
    while (projector() && rows.length > 1 && ol.scrollHeight > ol.clientHeight + 1) ol.removeChild(rows.pop());
    ol.classList.toggle('moving', !redraw);
    if (redraw || YB.reducedMotion() || !rows.length) return;
    // Each row starts where it stood after the previous reveal and slides to its new place;
    // newcomers slide in from the side. The arrows pop in once the rows have moved.
    var h = rows.length > 1
      ? rows[1].getBoundingClientRect().top - rows[0].getBoundingClientRect().top
      : rows[0].getBoundingClientRect().height;
    if (!h) h = 60;
    rows.forEach(function (li, i) {
      var was = li.dataset.was === '' ? null : Number(li.dataset.was);
      li.style.transition = 'none';
      if (was === null) { li.style.opacity = '0'; li.style.transform = 'translateX(3rem)'; }
      else if (was !== i) li.style.transform = 'translateY(' + ((was - i) * h) + 'px)';
    });
    void ol.offsetHeight;
    setTimeout(function () {
      rows.forEach(function (li, i) {
        li.style.transition = '';
        li.style.transitionDelay = (0.9 + i * 0.05) + 's';
        li.style.transform = '';
        li.style.opacity = '';
      });
    }, 30);
  }

  // ---------- game over ----------

  function drawOver(m) {
    setPhase('over');
    var lb = m.leaderboard || [];
    S.final = lb;
    var podium = clear($('podium'));
    var order = [1, 0, 2];
    order.forEach(function (i) {
      var e = lb[i];
      if (!e) { podium.appendChild(el('div', { className: 'step empty p' + (i + 1) })); return; }
      podium.appendChild(el('div', { className: 'step p' + (i + 1) }, [
        el('p', { className: 'step-name', text: e.name }),
        el('p', { className: 'step-score' }, [el('span', { className: 'step-pts', text: YB.fmt(e.score) }), ' ' + YB.t('host-points-word', { count: e.score })]),
        el('div', { className: 'block' }, [el('span', { className: 'block-rank', text: YB.ordinal(e.rank || i + 1) })])
      ]));
    });
    if (!lb.length) podium.appendChild(el('p', { className: 'muted', text: YB.t('host-nobody-played') }));

    var stats = clear($('stats'));
    var st = m.stats || {};
    statCard(stats, YB.t('host-most'), st.most_recognized);
    // After a single question both are the same classmate: show them once.
    var most = st.most_recognized, least = st.least_recognized;
    if (!most || !least || least.name !== most.name) statCard(stats, YB.t('host-least'), least);
    fitOver();
    layoutFinal();
  }

  /**
   * The podium's names break between words; a word too wide for its step, or a step taller than
   * the podium (it would reach the heading), makes that name smaller. The stat cards likewise.
   */
  function fitOver() {
    Array.prototype.forEach.call(document.querySelectorAll('#podium .step:not(.empty)'), function (step) {
      var name = step.querySelector('.step-name');
      shrinkToWidth(name, 0.5);
      if (projector()) shrinkUntilHeld(step, name, 0.6);
      if (overflowsX(name)) shrinkToWidth(name, 0.4);
    });
    Array.prototype.forEach.call(document.querySelectorAll('#stats .stat'), function (card) {
      var cap = card.querySelector('figcaption');
      cap.style.fontSize = '';
      shrinkToWidth(card.querySelector('.stat-name'), 0.6);
      if (projector()) shrinkUntilHeld(card, cap, 0.75);
    });
  }

  /**
   * Everyone, on one screen and never in a scrolling box, in type the back of the room reads: as
   * many columns as the longest names allow, and in a big room the top of the list and "and N
   * more" (each phone shows its own rank).
   */
  var FINAL_SIZES = [1.75, 1.5];   // em of the projector's type, largest first; 1.5em is about 40 px at 1080 lines
  var finalBox = { w: -1, h: -1 };
  function finalRow(e) {
    return el('li', {}, [
      el('span', { className: 'b-rank', text: e.rank }),
      el('span', { className: 'b-name', text: e.name }),
      el('span', { className: 'b-score', text: YB.fmt(e.score) })
    ]);
  }
  function layoutFinal() {
    var lb = S.final || [];
    var fb = clear($('final-board'));
    fb.style.fontSize = '';
    fb.style.gridTemplateColumns = '';
    fb.style.gridTemplateRows = '';
    fb.classList.remove('fitted');
    var H = fb.clientHeight, W = fb.clientWidth;
    finalBox = { w: W, h: H };
    if (!lb.length) return;
    // A page that scrolls (narrow window, zoomed in) lists everyone in one or two columns.
    if (!H || getComputedStyle(fb).overflowY === 'visible') {
      lb.forEach(function (e) { fb.appendChild(finalRow(e)); });
      fitNames(fb.querySelectorAll('.b-name'), 0.75);
      return;
    }
    fb.classList.add('fitted');
    var sample = fb.appendChild(finalRow(lb[0]));
    var sampleName = sample.querySelector('.b-name');
    var gap = parseFloat(getComputedStyle(fb).columnGap) || 0;
    var pick = null;
    for (var i = 0; i < FINAL_SIZES.length && !pick; i++) {
      fb.style.fontSize = FINAL_SIZES[i] + 'em';
      var rowH = sample.getBoundingClientRect().height || 40;
      var rowsFit = Math.max(1, Math.floor(H / rowH));
      // A column is as wide as the widest name it may show (a little smaller), its rank and score.
      var widest = 0;
      lb.slice(0, rowsFit * 3).forEach(function (e) {
        text(sampleName, e.name);
        widest = Math.max(widest, sampleName.scrollWidth);
      });
      text(sampleName, lb[0].name);
      var rest = sample.getBoundingClientRect().width - sampleName.clientWidth;
      var need = widest * 0.9 + rest;
      var maxCols = Math.max(1, Math.min(3, Math.floor((W + gap) / (need + gap))));
      var cols = Math.ceil(lb.length / rowsFit);
      if (cols <= maxCols) pick = { size: FINAL_SIZES[i], cols: cols, rows: Math.ceil(lb.length / cols), show: lb.length };
      else if (i === FINAL_SIZES.length - 1) pick = { size: FINAL_SIZES[i], cols: maxCols, rows: rowsFit, show: maxCols * rowsFit - 1 };
    }
    clear(fb);
    fb.style.fontSize = pick.size + 'em';
    fb.style.gridTemplateColumns = 'repeat(' + pick.cols + ', minmax(0, 1fr))';
    fb.style.gridTemplateRows = 'repeat(' + pick.rows + ', auto)';
    lb.slice(0, pick.show).forEach(function (e) { fb.appendChild(finalRow(e)); });
    if (pick.show < lb.length) {
      fb.appendChild(el('li', { className: 'final-more', text: YB.t('host-and-more', { count: lb.length - pick.show }) }));
    }
    // Fit names once the grid is complete, and again after the browser has
    // laid it out (fonts and the podium above can still move it).
    var names = fb.querySelectorAll('.b-name');
    fitNames(names, 0.9);
    window.requestAnimationFrame(function () { fitNames(names, 0.9); });
  }
  window.addEventListener('resize', function () {
    var fb = $('final-board');
    if (S.phase === 'question') sizeQuestion();
    if (S.phase === 'reveal') sizeReveal();
    if (S.phase === 'over') fitOver();
    if (S.phase === 'over' && (fb.clientWidth !== finalBox.w || fb.clientHeight !== finalBox.h)) layoutFinal();
  });

  function statCard(parent, title, s) {
    if (!s) return;
    var line = typeof s.correct === 'number' && typeof s.answered === 'number'
      ? YB.t('host-got-right', { right: s.correct, total: s.answered }) : '';
    parent.appendChild(el('figure', { className: 'stat' }, [
      s.photo || s.thumb ? el('div', { className: 'pic' }, [YB.img(s.photo || s.thumb, s.name || '', '', [576, 720])]) : null,
      el('figcaption', {}, [
        el('span', { className: 'stat-title', text: title }),
        el('span', { className: 'stat-name', text: s.name || '' }),
        s.known_as ? el('span', { className: 'stat-known', text: YB.t('host-now', { name: s.known_as }) }) : null,
        el('span', { className: 'stat-line', text: line })
      ])
    ]));
  }

  // ---------- messages ----------

  function onMessage(m) {
    switch (m.type) {
      case 'state':
        clearBusy();
        if (m.of) S.of = m.of;
        if (typeof m.round === 'number') S.round = m.round;
        drawSettings(m.settings);
        drawLabelChoices(m.labels);
        // In the reveal phase `players` is the reveal's head count, not the list.
        if (Array.isArray(m.players)) drawLobby(m.players, m.count);
        drawKicked(m.kicked);
        if (m.phase === 'question') drawQuestion(m);
        else if (m.phase === 'reveal') drawReveal(m);
        else if (m.phase === 'over') drawOver(m);
        else setPhase('lobby');
        break;
      case 'lobby':
        drawSettings(m.settings);
        drawLobby(m.players, m.count);
        drawKicked(m.kicked);
        break;
      case 'timer':
        clearBusy();
        if (S.phase === 'question' && m.round === S.round) drawPaused(!!m.paused, m.remaining_ms);
        break;
      case 'round':
        clearBusy();
        drawQuestion(m);
        break;
      case 'progress':
        if (!m.round || m.round === S.round) drawProgress(m.answered || 0, m.players || 0);
        break;
      case 'reveal':
        clearBusy();
        revealSounds();
        drawReveal(m);
        break;
      case 'game_over':
        clearBusy();
        drawOver(m);
        sound.play('fanfare');
        break;
      case 'error':
        clearBusy();
        onError(m);
        break;
      case 'storage':
        if (m.ok) storageDown(null);
        break;
      default:
        break;
    }
  }

  // While the server cannot save, it shows nothing new (a round that ends
  // waits for its reveal): say so until it can again.
  function storageDown(message) {
    var b = $('storage');
    if (message) text(b, message);
    show(b, !!message);
  }

  function onError(m) {
    if (m.code === 'not_host') {
      sock.stop();
      YB.forgetHostKey(code);
      noKey(YB.t('host-not-host'));
      return;
    }
    // bad_request answers only a `configure`; its message says which value is out of range.
    if (m.code === 'bad_request') { settingsError(m); return; }
    // Too few photos of today for then & now: refused as a setting, or as a start.
    if (m.code === 'too_few_today_photos') {
      if (S.phase === 'lobby' && Date.now() - cfg.sentAt < 5000) settingsError(m);
      else toast(m.message);
      return;
    }
    if (m.code === 'wrong_phase' && Date.now() - cfg.sentAt < 5000 && S.phase !== 'lobby') {
      toast(YB.t('host-lobby-only'));
      return;
    }
    if (m.code === 'storage_unavailable') {
      storageDown(m.message || YB.t('host-storage-down'));
      return;
    }
    if (m.code === 'rate_limited') { toast(YB.t('host-slow-down')); return; }
    if (m.code === 'wrong_phase') { toast(m.message || YB.t('host-not-now')); return; }
    toast(m.message || YB.t('common-went-wrong'));
  }

  // ---------- commands ----------

  function command(type) {
    if (!sock || !sock.connected) { toast(YB.t('host-not-connected')); return; }
    if (S.busy) return;
    if (sock.send({ type: type })) setBusy();
  }

  function startOrNext() {
    if (S.phase === 'lobby') {
      // A setting still on its way goes first: the game starts with what the panel shows.
      flushConfigure();
      command('start_round');
    }
    else if (S.phase === 'reveal') command(isLastRound() ? 'end_game' : 'start_round');
  }
  function revealNow() { if (S.phase === 'question') command('reveal'); }
  /** Stops or restarts the question's clock (the server holds it); the P key calls this too. */
  function pauseOrResume() { if (S.phase === 'question') command(S.paused ? 'unpause' : 'pause'); }
  function endGame() {
    if (S.phase !== 'question' && S.phase !== 'reveal') return;
    if (window.confirm(YB.t('host-end-confirm'))) command('end_game');
  }

  function toggleFullscreen() {
    var d = document, de = d.documentElement;
    var fs = d.fullscreenElement || d.webkitFullscreenElement;
    try {
      if (fs) (d.exitFullscreen || d.webkitExitFullscreen).call(d);
      else (de.requestFullscreen || de.webkitRequestFullscreen).call(de);
    } catch (e) { /* not allowed here */ }
  }

  function download(ev) {
    ev.preventDefault();
    if (!S.key) { toast(YB.t('host-need-key-download')); return; }
    fetch(YB.url('/api/rooms/' + encodeURIComponent(code) + '/results.csv'), {
      headers: { 'Authorization': 'Bearer ' + S.key }, cache: 'no-store'
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var a = el('a', { href: url, download: 'yearbook-' + code + '-results.csv' });
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.parentNode.removeChild(a); }, 2000);
    }).catch(function () { toast(YB.t('host-download-failed')); });
  }

  /** Whether a key belongs to the focused control rather than to the emcee's shortcuts. */
  function typing(t) {
    if (!t || !t.tagName) return false;
    if (t.isContentEditable || t.tagName === 'TEXTAREA') return true;
    if (t.tagName !== 'INPUT') return false;
    return !/^(checkbox|radio|button|submit|reset|range|color|file)$/i.test(t.type || '');
  }
  /**
   * Space toggles a checkbox, opens a list or folds the settings only for someone moving through
   * the page by keyboard (the control got the focus from Tab or arrows); after a mouse click on
   * one of them Space still starts the game.
   */
  var lastInput = 'pointer', focusByKeyboard = false;
  ['mousedown', 'pointerdown', 'touchstart'].forEach(function (t) {
    document.addEventListener(t, function () { lastInput = 'pointer'; }, true);
  });
  document.addEventListener('keydown', function (e) { if (e.key !== ' ') lastInput = 'keyboard'; }, true);
  document.addEventListener('focusin', function () { focusByKeyboard = lastInput === 'keyboard'; }, true);
  function spaceIsTheirs(t) {
    if (typing(t)) return true;
    if (!t || !t.tagName || !/^(INPUT|SELECT|SUMMARY)$/.test(t.tagName)) return false;
    return focusByKeyboard;
  }

  /** Whether a next or back key (Space, Enter, arrows, Page Up/Down) belongs to the focused control. */
  function keyIsTheirs(t, k) {
    if (k === ' ' || k === 'Spacebar') return spaceIsTheirs(t);
    if (typing(t)) return true;
    if (!t || !t.tagName) return false;
    // Enter clicks a button reached by Tab; after a mouse click it is the clicker's "next".
    if (k === 'Enter') return /^(BUTTON|A|SUMMARY|SELECT|INPUT)$/.test(t.tagName) && focusByKeyboard;
    return t.tagName === 'SELECT' || (t.tagName === 'INPUT' && focusByKeyboard);
  }

  // ---------- the emcee: clicker keys, a black screen, sound, controls out of sight ----------

  // What presentation clickers send: forward is Page Down or →, back is Page Up or ←.
  var NEXT_KEYS = { ' ': 1, Spacebar: 1, Enter: 1, ArrowRight: 1, PageDown: 1 };
  var BACK_KEYS = { ArrowLeft: 1, PageUp: 1 };

  /** The one "next" of a clicker: start, reveal now, next question, final results. */
  function next() {
    if (S.phase === 'question') revealNow();
    else startOrNext();
  }

  /** "Back" never undoes the game: it only brings the screen back (black screen, key help). */
  var blanked = false;   // B or ".": the projector shows black
  function back() {
    if (blanked) setBlank(false);
    else if (!$('keys-help').hidden) setHelp(false);
  }

  function setBlank(on) {
    blanked = !!on;
    show($('blank'), blanked);
    root.dataset.blank = blanked ? 'yes' : 'no';
  }

  // The controls show for a few seconds after the mouse moves, while the key help is open,
  // and while Tab is in them (CSS :focus-visible); the room sees a clean screen otherwise.
  var AWAKE_MS = 3500;
  var awakeTimer = null;
  function wakeControls() {
    root.classList.add('awake');
    clearTimeout(awakeTimer);
    awakeTimer = setTimeout(function () {
      if (!$('keys-help').hidden) return;
      root.classList.remove('awake');
    }, AWAKE_MS);
  }
  function setHelp(on) {
    show($('keys-help'), on);
    $('keys-btn').setAttribute('aria-expanded', on ? 'true' : 'false');
    if (on) wakeControls();
    else { root.classList.remove('awake'); clearTimeout(awakeTimer); }
  }

  function drawMute(muted) {
    text($('mute-btn'), YB.t(muted ? 'host-sound-off' : 'host-sound-on'));
    $('mute-btn').setAttribute('aria-pressed', muted ? 'true' : 'false');
    show($('mute-ind'), muted);
  }
  function toggleMute() {
    sound.toggleMute();
    sound.lobby(S.phase === 'lobby');
  }

  /** Ticks in the last five seconds of a round, and time's up once when it runs out. */
  var tickAt = { round: -1, secs: -1, left: Infinity, up: -1 };
  function timerSounds(left) {
    if (S.phase !== 'question') return;
    var secs = Math.ceil(left / 1000);
    if (tickAt.round !== S.round) tickAt = { round: S.round, secs: -1, left: Infinity, up: -1 };
    tickAt.left = left;
    if (secs === tickAt.secs) return;
    tickAt.secs = secs;
    if (secs <= 0) timesUp();
    else if (secs <= 5) sound.play(secs === 1 ? 'tock' : 'tick');
  }
  function timesUp() {
    if (tickAt.up === S.round) return;
    tickAt.up = S.round;
    sound.play('timesup');
  }
  /**
   * The server's reveal at the deadline can land a moment before this page's countdown ends
   * (it started a network trip later): time's up still sounds, then the reveal.
   */
  function revealSounds() {
    if (S.phase === 'question' && tickAt.round === S.round && tickAt.left <= 1000) timesUp();
    sound.play('reveal');
  }

  /** Browsers allow sound only after a person's key or click: the first one starts it. */
  function unlockSound() {
    var first = !sound.started();
    sound.unlock();
    if (first) sound.lobby(S.phase === 'lobby');
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    var t = e.target;
    var k = e.key;
    if (NEXT_KEYS[k] || BACK_KEYS[k]) {
      if (keyIsTheirs(t, k)) return;
      e.preventDefault();
      if (e.repeat) return;
      // The emcee is presenting again: the controls leave the screen at once (focus too, or
      // a button still focused from the keyboard would keep them up).
      root.classList.remove('awake');
      if (t && t !== document.body && $('emcee-bar').contains(t) && t.blur) t.blur();
      // A next key while the screen is black only brings the screen back.
      if (BACK_KEYS[k] || blanked) back();
      else next();
      return;
    }
    if (typing(t) || e.repeat) return;
    switch (k) {
      case 'r': case 'R': revealNow(); break;
      case 'f': case 'F': toggleFullscreen(); break;
      case 'b': case 'B': case '.': setBlank(!blanked); break;
      case 'p': case 'P': pauseOrResume(); break;
      case 'm': case 'M': toggleMute(); break;
      case 'E': if (e.shiftKey) endGame(); break;
      case '?': setHelp($('keys-help').hidden); break;
      case 'Escape': if (!$('keys-help').hidden) setHelp(false); break;
      case 'Tab': wakeControls(); break;
      default: return;
    }
  }

  // ---------- wiring ----------

  $('start-btn').addEventListener('click', startOrNext);
  $('next-btn').addEventListener('click', startOrNext);
  $('reveal-btn').addEventListener('click', revealNow);
  $('pause-btn').addEventListener('click', pauseOrResume);
  $('end-btn').addEventListener('click', endGame);
  $('fs-btn').addEventListener('click', toggleFullscreen);
  $('download').addEventListener('click', download);
  $('mute-btn').addEventListener('click', toggleMute);
  $('keys-btn').addEventListener('click', function () { setHelp($('keys-help').hidden); });
  $('blank').addEventListener('click', function () { setBlank(false); });
  document.addEventListener('keydown', unlockSound, true);
  document.addEventListener('pointerdown', unlockSound, true);
  document.addEventListener('mousemove', wakeControls);
  sound.onChange(drawMute);
  drawMute(sound.muted());
  document.addEventListener('keydown', onKey);
  // Space on a focused button would click it as well; Space is ours on this page.
  document.addEventListener('keyup', function (e) {
    var t = e.target;
    if ((e.key === ' ' || e.key === 'Spacebar') && t && t.tagName && !spaceIsTheirs(t) && /^(BUTTON|INPUT|SUMMARY)$/.test(t.tagName)) e.preventDefault();
  });

  function connect() {
    S.key = readKey();
    if (!S.key) {
      noKey(YB.t('host-no-key', { code: code }));
      return;
    }
    show($('host-note'), false);
    $('start-btn').hidden = false;
    show($('download'), true);
    if (sock) sock.stop();
    sock = new YB.Socket({
      // role=host: read ahead of the phones (docs/protocol.md, WebSocket URL).
      url: YB.wsUrl(code) + '?role=host',
      // A store still failing says so again right after hello.
      onOpen: function (s) { storageDown(null); s.send({ type: 'hello', key: S.key, lang: YB.lang }); },
      onMessage: onMessage,
      onStatus: function (up) {
        if (up) { S.everConnected = true; wake.request(); }
        text($('conn'), YB.t(S.everConnected ? 'host-reconnecting' : 'host-connecting'));
        show($('conn'), !up);
        if (!up) clearBusy();
        updateControls();
      }
    });
    show($('conn'), true);
    text($('conn'), YB.t('host-connecting'));
    sock.start();
  }

  window.addEventListener('hashchange', function () {
    if (/(?:^|&)key=/.test(location.hash.slice(1))) connect();
  });

  // Let a long join URL break after a slash rather than in the middle of a word.
  Array.prototype.forEach.call(document.querySelectorAll('.join-url, .join-hint-url, .late-url'), function (node) {
    var parts = node.textContent.split(/(\/+)/);
    clear(node);
    parts.forEach(function (part) {
      if (!part) return;
      node.appendChild(document.createTextNode(part));
      if (part.charAt(0) === '/') node.appendChild(document.createElement('wbr'));
    });
  });

  // Latecomers' corner during play: the lobby's QR code again, small (sent once in the page).
  var lobbyQr = document.querySelector('.lobby-qr svg');
  Array.prototype.forEach.call(document.querySelectorAll('.late .qr'), function (box) {
    if (lobbyQr) box.appendChild(lobbyQr.cloneNode(true));
  });

  setPhase('lobby');
  connect();
})();
