/* yearbook — the phone page. Speaks the phone side of /ws/{code}. */
(function () {
  'use strict';
  var $ = YB.$, el = YB.el, clear = YB.clear, text = YB.text, show = YB.show;

  var root = $('join');
  var S = {
    code: (root.dataset.code || '').toUpperCase(),
    token: null,
    name: '',
    joining: null,       // the name we are trying to join with (no welcome yet)
    phase: null,
    round: 0,
    of: 0,
    mode: null,
    choices: null,
    locked: null,        // the choice tapped this round
    shown: [],           // per choice: its photo (or the prompt's) is on screen, so it may be tapped
    drawn: 0,            // questions drawn so far: a late photo of an earlier one changes nothing
    acked: false,
    count: 0,
    score: 0,
    everConnected: false,
    failedOpens: 0,
    claim: null,         // who this guest says they are: {person, name, known_as, held}
    thenNow: root.dataset.thenNow || '',  // 'on', 'off', or '' (not known before joining)
    itsYou: 0            // the round that is about this guest (they watch it)
  };
  var sock = null;
  var countdown = new YB.Countdown(drawTime);

  function tokenKey() { return 'yearbook.token.' + S.code; }
  function voteKey() { return 'yearbook.vote.' + S.code; }

  // ---------- screens and messages ----------

  var SCREENS = ['s-form', 's-connecting', 's-wait', 's-question', 's-reveal', 's-over', 's-gone'];
  function screen(id) {
    SCREENS.forEach(function (s) { show($(s), s === id); });
    if (id !== 's-question') countdown.stop();
    root.dataset.screen = id;
    if (id === 's-wait') fitWords([$('wait-name')]);
  }

  var msgTimer = null;
  function say(msg) {
    var p = $('phone-msg');
    text(p, msg);
    p.classList.toggle('on', !!msg);
    clearTimeout(msgTimer);
    if (msg) msgTimer = setTimeout(function () { text(p, ''); p.classList.remove('on'); }, 6000);
  }

  // A form message is about one field ('name', 'room') or none: editing that
  // field (any field, for a general one) clears it, so no stale error stays up.
  var msgField = null;
  function formMsg(msg, field) {
    text($('form-msg'), msg || '');
    msgField = msg ? (field || null) : null;
  }
  function edited(field) {
    if (msgField === null || msgField === field) formMsg('');
  }

  function showForm(msg, field) {
    if (sock) sock.stop();
    screen('s-form');
    show($('conn'), false);
    formMsg(msg, field);
    var name = $('name');
    if (!name.value) name.value = YB.local.get('yearbook.name') || '';
    showNameLength();
    if (msg) { try { name.focus(); name.select(); } catch (e) { /* ignore */ } }
  }

  function gone(msg, buttonLabel, action) {
    if (sock) sock.stop();
    releaseWake();
    show($('conn'), false);
    screen('s-gone');
    text($('gone-msg'), msg);
    var b = $('gone-btn');
    show(b, !!buttonLabel);
    text(b, buttonLabel || '');
    b.onclick = action || null;
  }

  // ---------- the form ----------

  var roomInput = $('room');
  if (roomInput) {
    roomInput.addEventListener('input', function () {
      var v = roomInput.value.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 6);
      if (v !== roomInput.value) roomInput.value = v;
      edited('room');
    });
  }

  // The server's limit is display columns (docs/protocol.md): letters count
  // one, accents none, wide characters (漢字, emoji) two. This mirrors it
  // closely enough to warn while typing; the server still decides.
  var NAME_MAX = Number($('name').dataset.max) || 24;
  // Built at run time: an older browser without Unicode regexps still gets
  // a page (counting every character as one) instead of a script error.
  function uRe(src, fallback) { try { return new RegExp(src, 'u'); } catch (e) { return fallback; } }
  var WIDE = uRe('[\\u1100-\\u115F\\u2E80-\\u303E\\u3041-\\u33FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uA000-\\uA4CF' +
    '\\uAC00-\\uD7A3\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFF60\\uFFE0-\\uFFE6\\u{1F000}-\\u{1FAFF}\\u{20000}-\\u{3FFFD}]', /$^/);
  var ZERO = uRe('[\\p{M}\\u200B-\\u200F\\uFE00-\\uFE0F]', /[\u0300-\u036F\u200B-\u200F\uFE00-\uFE0F]/);
  var PICTO = uRe('\\p{Extended_Pictographic}', /$^/);
  function nameWidth(s) {
    var w = 0, prev = '', joined = false;
    Array.from(s.normalize ? s.normalize('NFC') : s).forEach(function (ch) {
      if (ch === '\uFE0F' && PICTO.test(prev) && !WIDE.test(prev) && !joined) w += 1;  // ❤️ is drawn wide
      if (ZERO.test(ch)) { joined = ch === '\u200D'; prev = ch === '\u200D' ? prev : ch; return; }
      if (!(joined && PICTO.test(ch))) w += WIDE.test(ch) ? 2 : 1;  // 👩‍🚀 is one emoji
      joined = false;
      prev = ch;
    });
    return w;
  }
  function cleanName() { return $('name').value.replace(/\s+/g, ' ').trim(); }
  function showNameLength() {
    var n = nameWidth(cleanName());
    var count = $('name-count');
    text(count, n + ' / ' + NAME_MAX);
    count.classList.toggle('full', n === NAME_MAX);
    count.classList.toggle('over', n > NAME_MAX);
    var limit = $('name-limit');
    limit.classList.toggle('over', n > NAME_MAX);
    if (n > NAME_MAX) {
      text(limit, YB.t('join-too-long', { over: n - NAME_MAX, max: NAME_MAX }));
    } else {
      text(limit, n === NAME_MAX ? YB.t('join-at-limit', { max: NAME_MAX }) : '');
    }
    return n;
  }
  $('name').addEventListener('input', function () {
    showNameLength();
    edited('name');
  });

  $('join-form').addEventListener('submit', function (e) {
    e.preventDefault();
    formMsg('');
    var name = cleanName();
    if (!name) { formMsg(YB.t('join-name-empty'), 'name'); $('name').focus(); return; }
    if (showNameLength() > NAME_MAX) { formMsg(YB.t('join-name-long', { max: NAME_MAX }), 'name'); $('name').focus(); return; }
    if (roomInput) {
      var c = roomInput.value.toUpperCase().replace(/[^A-Z]/g, '');
      if (c.length < 4 || c.length > 6) { formMsg(YB.t('join-code-length'), 'room'); roomInput.focus(); return; }
      var btn = $('join-btn');
      btn.disabled = true;
      YB.fetchJson('/api/rooms/' + encodeURIComponent(c)).then(function (r) {
        btn.disabled = false;
        if (r.status === 404) { formMsg(YB.t('join-no-room', { code: c }), 'room'); roomInput.focus(); return; }
        if (r.status === 429) { formMsg(YB.errorText(r)); return; }
        setCode(c);
        join(name);
      }, function () {
        btn.disabled = false;
        setCode(c);
        join(name);
      });
      return;
    }
    join(name);
  });

  function setCode(c) {
    if (c === S.code) return;
    if (sock) { sock.stop(); sock = null; }
    S.code = c;
    S.token = YB.local.get(tokenKey());
    try { history.replaceState(null, '', YB.url('/join/' + c)); } catch (e) { /* ignore */ }
  }

  /**
   * This phone's own id, made once and kept: what a host's kick keeps out besides the name
   * (docs/protocol.md, "Kick and let back"). One per room, so that no
   * two games' logs share an id for the same phone.
   */
  function deviceKey() { return 'yearbook.device.' + S.code; }
  function deviceId() {
    var id = YB.local.get(deviceKey());
    if (id && /^[A-Za-z0-9_-]{1,64}$/.test(id)) return id;
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    id = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
    YB.local.set(deviceKey(), id);
    return id;
  }

  function join(name) {
    S.name = name;
    S.joining = name;
    YB.local.set('yearbook.name', name);
    S.token = null;
    screen('s-connecting');
    connect();
  }

  // ---------- socket ----------

  function connect() {
    if (!sock) {
      sock = new YB.Socket({
        url: YB.wsUrl(S.code),
        onOpen: function (s) {
          S.failedOpens = 0;
          if (S.token) s.send({ type: 'resume', token: S.token, lang: YB.lang });
          else if (S.joining) s.send({ type: 'join', name: S.joining, device: deviceId(), lang: YB.lang });
        },
        onMessage: onMessage,
        onStatus: function (up) {
          if (up) S.everConnected = true;
          var inGame = root.dataset.screen !== 's-form' && root.dataset.screen !== 's-gone';
          text($('conn'), YB.t(S.everConnected ? 'join-reconnecting' : 'join-connecting'));
          show($('conn'), !up && inGame);
        },
        onClose: function () {
          if (S.everConnected) return;
          S.failedOpens++;
          if (S.failedOpens === 2) checkRoom();
        }
      });
    }
    sock.start();
  }

  /** Sockets that never open: is there such a room at all? */
  function checkRoom() {
    YB.fetchJson('/api/rooms/' + encodeURIComponent(S.code)).then(function (r) {
      if (r.status === 404) {
        YB.local.remove(tokenKey());
        gone(YB.t('join-no-room-gone', { code: S.code }), YB.t('join-enter-code'), function () {
          location.href = YB.url('/join');
        });
      }
    }, function () { /* offline: keep trying */ });
  }

  function onMessage(m) {
    switch (m.type) {
      case 'welcome':
        S.token = m.token;
        if (m.code) S.code = String(m.code).toUpperCase();
        YB.local.set(tokenKey(), m.token);
        S.name = m.name || S.name;
        S.joining = null;
        S.score = m.score || 0;
        text($('wait-name'), S.name);
        fitWords([$('wait-name')]);
        requestWake();
        loadThenNow();
        if (!S.phase) screen('s-wait');
        break;
      case 'state': onState(m); break;
      case 'lobby':
        if (typeof m.count === 'number') setCount(m.count);
        break;
      case 'round':
        YB.preload(YB.photoUrls(m, 'thumb'));
        clearPending();
        drawQuestion(m, null);
        break;
      case 'timer':
        if (S.phase === 'question' && m.round === S.round) drawPaused(!!m.paused, m.remaining_ms);
        break;
      case 'vote_ack':
        if (m.round === S.round) {
          S.locked = m.choice;
          S.acked = true;
          clearPending();
          markTiles();
        }
        break;
      case 'preload':
        // The next question's photos, fetched now so they are on hand when it starts.
        YB.preload(m.photos, 'next');
        break;
      case 'classmates': drawClassmates(m); break;
      case 'claim': drawClaim(m.claim); break;
      case 'its_you':
        S.itsYou = m.round;
        if (S.phase === 'question' && m.round === S.round) drawItsYou();
        break;
      case 'reveal': drawReveal(m); buzz(m.you); break;
      case 'game_over': drawOver(m, m.you); break;
      case 'error': onError(m); break;
      default: break;
    }
  }

  function onState(m) {
    if (typeof m.count === 'number') setCount(m.count);
    if (m.you) { S.score = m.you.score || 0; if (m.you.name) { S.name = m.you.name; text($('wait-name'), S.name); } }
    if (m.you) {
      drawClaim(m.you.claim || null);
      if (m.you.its_you) S.itsYou = m.round;
    }
    if (m.of) S.of = m.of;
    if (m.phase === 'question') {
      YB.preload(YB.photoUrls(m, 'thumb'));
      drawQuestion(m, m.voted === undefined ? null : m.voted);
    } else if (m.phase === 'reveal') {
      S.round = m.round || S.round;
      S.mode = m.mode || S.mode;
      if (m.choices) S.choices = m.choices;
      drawReveal(m);
    } else if (m.phase === 'over') {
      drawOver(m, m.you);
    } else {
      S.phase = 'lobby';
      screen('s-wait');
    }
  }

  function setCount(n) {
    S.count = n;
    text($('wait-count'), YB.t('join-count', { count: n }));
  }

  function onError(m) {
    switch (m.code) {
      case 'name_taken':
        S.joining = null;
        // The server says why: taken now, or the name of a player the host removed.
        showForm(m.message || YB.t('join-name-taken'), 'name');
        break;
      case 'bad_name':
        S.joining = null;
        showForm(m.message || YB.t('join-bad-name'), 'name');
        break;
      case 'room_full':
        S.joining = null;
        showForm(YB.t('join-full'));
        break;
      case 'unknown_token':
        YB.local.remove(tokenKey());
        YB.local.remove(voteKey());
        S.token = null;
        showForm(YB.t('join-again'));
        break;
      case 'kicked':
        YB.local.remove(tokenKey());
        S.token = null;
        S.joining = null;
        // No way back from here: only the host can let them in again.
        gone(YB.t('join-kicked'));
        break;
      case 'replaced':
        gone(YB.t('join-replaced'), YB.t('join-play-here'), function () {
          screen('s-connecting');
          S.phase = null;
          connect();
        });
        break;
      case 'its_you':
        clearPending();
        S.itsYou = S.round;
        drawItsYou();
        break;
      case 'unknown_person':
        say(m.message || YB.t('join-unknown-person'));
        break;
      case 'round_closed':
        clearPending();
        if (S.phase === 'question' && !S.acked) { S.locked = null; markTiles(); text($('locked'), YB.t('join-too-late')); }
        break;
      case 'already_voted':
        clearPending();
        S.acked = true;
        say(YB.t('join-already'));
        break;
      case 'bad_choice':
        clearPending();
        S.locked = null;
        markTiles();
        say(YB.t('join-tap-again'));
        break;
      case 'storage_unavailable':
        clearPending();
        S.locked = null;
        markTiles();
        say(YB.t('join-not-saved'));
        break;
      case 'rate_limited':
        // Many phones joining at once from one network: the join is paced,
        // the socket stays open; ask again in a moment, spread out.
        if (S.joining && !S.token) {
          var name = S.joining;
          setTimeout(function () {
            if (sock && S.joining === name && !S.token) sock.send({ type: 'join', name: name, device: deviceId(), lang: YB.lang });
          }, 1000 + Math.random() * 2000);
          break;
        }
        say(YB.t('join-easy'));
        break;
      default:
        say(m.message || YB.t('common-went-wrong'));
    }
  }

  // ---------- question ----------

  function drawQuestion(m, voted) {
    var newRound = m.round !== S.round || S.phase !== 'question';
    S.phase = 'question';
    S.round = m.round || S.round;
    if (m.of) S.of = m.of;
    S.mode = m.mode || S.mode;
    S.choices = m.choices || [];
    if (newRound) { S.locked = null; S.acked = false; }
    // After a resume: the server tells us our vote; a vote it never acknowledged goes again.
    var pending = readPending();
    if (voted !== null && voted !== undefined) {
      S.locked = voted; S.acked = true; clearPending();
    } else if (pending && pending.round === S.round) {
      S.locked = pending.choice; S.acked = false;
      sock.send({ type: 'vote', round: S.round, choice: pending.choice });
    } else if (pending) {
      clearPending();
    }

    screen('s-question');
    text($('pq-round'), S.of ? YB.t('join-round', { round: S.round, of: S.of }) : YB.t('join-round-only', { round: S.round }));
    var prompt = m.prompt || {};
    var photoChoices = YB.isPhotoMode(S.mode, S.choices);
    var pr = clear($('pq-prompt'));
    pr.className = 'pq-prompt ' + (photoChoices ? 'by-name' : 'by-photo');
    var box = clear($('pq-choices'));
    box.className = 'pq-choices ' + (photoChoices ? 'tiles' : 'names');
    // A choice cannot be tapped before its photo (or the prompt's) is on screen: no guessing at a
    // blank tile while a speed-scored clock runs.
    var drawn = ++S.drawn;
    S.shown = [false, false, false, false];
    var showing = function (which) {
      return function () {
        if (S.drawn !== drawn) return;
        which.forEach(function (i) { S.shown[i] = true; });
        markTiles();
      };
    };
    if (photoChoices) {
      if (S.mode === 'then_to_now' || S.mode === 'now_to_then') {
        // Then & now: the face asked about is on the big screen; the phone shows the four to choose.
        pr.appendChild(el('h1', { className: 'pq-name', text: YB.t(S.mode === 'then_to_now' ? 'join-who-today' : 'join-who-then') }));
        pr.appendChild(el('p', { className: 'pq-ask', text: YB.t('join-look-at-screen') }));
      } else {
        pr.appendChild(el('p', { className: 'pq-ask', text: YB.t('join-which-one') }));
        pr.appendChild(el('h1', { className: 'pq-name', text: prompt.name || '' }));
        if (prompt.known_as) pr.appendChild(el('p', { className: 'q-known', text: YB.t('join-now-known', { name: prompt.known_as }) }));
      }
      S.choices.forEach(function (c, i) {
        var img = YB.img(c.thumb || c.photo, YB.t('join-photo-letter', { letter: YB.LETTERS[i] }), '', [192, 240]);
        box.appendChild(el('button', { type: 'button', className: 'tile c' + i, dataset: { choice: i }, onclick: function () { vote(i); } }, [
          el('span', { className: 'pic' }, [img]),
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })
        ]));
        YB.whenShown(img, showing([i]));
      });
    } else {
      // The box takes the height the names leave; the photo fits in it.
      var face = YB.img(prompt.thumb || prompt.photo, YB.t('join-who-is-this'), '', [192, 240]);
      pr.appendChild(el('div', { className: 'pq-photo-box' }, [
        el('div', { className: 'pq-photo pic' }, [face])
      ]));
      YB.whenShown(face, showing([0, 1, 2, 3]));
      pr.appendChild(el('h1', { className: 'pq-ask', text: YB.t('join-who-is-this') }));
      S.choices.forEach(function (c, i) {
        box.appendChild(el('button', { type: 'button', className: 'name-btn c' + i, dataset: { choice: i }, onclick: function () { vote(i); } }, [
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] }),
          el('span', { className: 'name-text', text: c.name || '' })
        ]));
      });
    }
    markTiles();
    S.seconds = m.seconds || (m.settings && m.settings.seconds) || 20;
    text($('pq-live'), '');
    // Keyed by round (see drawPaused): a state for the same round never makes the time go up.
    drawPaused(!!m.paused, m.remaining_ms);
    fitWords($('pq-choices').querySelectorAll('.name-text'));
    fitWords([$('pq-prompt').querySelector('.pq-name')].filter(Boolean));
    if (S.itsYou === S.round) drawItsYou();
  }

  /**
   * Long names on a narrow or big-font screen: lines break between words
   * only (CSS), and a word wider than its box shrinks the name's type
   * until it fits; only a word that is still too wide at half size breaks.
   */
  function fitWords(nodes) {
    Array.prototype.forEach.call(nodes, function (n) {
      n.style.fontSize = '';
      n.classList.remove('break-anywhere');
      var wide = function () { return n.scrollWidth > n.clientWidth + 1; };
      if (!n.clientWidth || !wide()) return;
      var base = parseFloat(window.getComputedStyle(n).fontSize) || 16;
      var scale = 1;
      for (var i = 0; i < 8 && wide() && scale > 0.5; i++) {
        scale = Math.max(0.5, scale * (n.clientWidth / n.scrollWidth) - 0.02);
        n.style.fontSize = (base * scale).toFixed(2) + 'px';
      }
      if (wide()) n.classList.add('break-anywhere');
    });
  }

  /** The host paused the question (its seconds stand still under "Paused") or resumed it. */
  /** The question is about this guest: no choices, they watch. */
  function drawItsYou() {
    $('pq-choices').classList.add('its-you');
    markTiles();
  }

  // ---------- "I'm…": which classmate this guest is ----------

  function claimLabel(c) {
    return c.known_as ? YB.t('join-claim-who', { name: c.name, now: c.known_as }) : c.name;
  }

  function drawClaim(c) {
    S.claim = c;
    var now = $('claim-now');
    if (!c) text(now, '');
    else if (c.held) text(now, YB.t('join-you-are', { who: claimLabel(c) }));
    else text(now, YB.t('join-claim-asked', { who: claimLabel(c) }));
    if (c) $('claim-q').value = '';
    show($('claim-undo'), !!c);
    show($('claim-form'), !c);
    clear($('claim-list'));
  }

  var searchTimer = null;
  $('claim-q').addEventListener('input', function () {
    clearTimeout(searchTimer);
    var q = $('claim-q').value.trim();
    if (!q) { clear($('claim-list')); return; }
    // One search per pause in typing: the socket allows 10 messages a second.
    searchTimer = setTimeout(function () {
      if (sock) sock.send({ type: 'find_classmate', query: q.slice(0, 100) });
    }, 300);
  });
  $('claim-form').addEventListener('submit', function (e) { e.preventDefault(); });
  $('claim-undo').addEventListener('click', function () {
    if (sock) sock.send({ type: 'unclaim' });
  });

  function drawClassmates(m) {
    if (m.query !== $('claim-q').value.trim().slice(0, 100)) return;
    var list = clear($('claim-list'));
    if (!m.people.length) {
      list.appendChild(el('li', { className: 'hint', text: YB.t('join-nobody') }));
      return;
    }
    m.people.forEach(function (p) {
      list.appendChild(el('li', {}, [
        el('button', { type: 'button', className: 'btn claim-pick', dataset: { person: p.person }, text: YB.t('join-im', { who: claimLabel(p) }),
          onclick: function () { if (sock) sock.send({ type: 'claim', person: p.person }); } })
      ]));
    });
  }

  // ---------- then & now: a photo of today ----------

  var picked = null;       // the file chosen, not sent yet
  var previewUrl = null;   // its local preview, revoked when replaced

  /** `ok`: good news, not in the alert colour. */
  function todayMsg(msg, ok) {
    text($('today-msg'), msg || '');
    $('today-msg').classList.toggle('ok', !!ok);
  }

  /** The photo shown: the local one picked (`local`), the server's, or none. */
  function drawToday(src, stored) {
    var img = $('today-preview');
    if (src) img.src = src; else img.removeAttribute('src');
    if (src || stored) $('today-more').open = true;
    show(img, !!src);
    show($('today-use'), !!picked);
    show($('today-delete'), !!stored && !picked);
    text($('today-camera-btn'), YB.t(src ? 'join-today-retake' : 'join-today-camera'));
  }

  function pick(input) {
    var f = input.files && input.files[0];
    input.value = '';
    if (!f) return;
    picked = f;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    todayMsg('');
    // Most browsers cannot draw an iPhone HEIC: no preview (the server says why it cannot use it).
    if (/hei[cf]/i.test(f.type || '') || /\.hei[cf]$/i.test(f.name || '')) { drawToday(null, false); return; }
    previewUrl = URL.createObjectURL(f);
    drawToday(previewUrl, false);
  }
  $('today-camera').addEventListener('change', function () { pick($('today-camera')); });
  $('today-gallery').addEventListener('change', function () { pick($('today-gallery')); });

  function todayRequest(method, body) {
    return fetch(YB.url('/api/rooms/' + encodeURIComponent(S.code) + '/today'), {
      method: method,
      headers: { 'Authorization': 'Bearer ' + S.token, 'Accept': 'application/json' },
      body: body,
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (res) {
      return res.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { data = null; }
        return { ok: res.ok, status: res.status, data: data };
      });
    });
  }

  $('today-use').addEventListener('click', function () {
    if (!picked || !S.token) return;
    var use = $('today-use');
    use.disabled = true;
    todayMsg(YB.t('join-today-sending'), true);
    todayRequest('PUT', picked).then(function (r) {
      use.disabled = false;
      if (!r.ok) { todayMsg(YB.errorText(r, YB.t('join-today-failed'))); return; }
      picked = null;
      todayMsg(YB.t('join-today-in'), true);
      drawToday(r.data.thumb, true);
    }, function () {
      use.disabled = false;
      // Nothing is kept of a cut-off upload: sending it again is safe.
      todayMsg(YB.t('join-today-cut'));
    });
  });

  $('today-delete').addEventListener('click', function () {
    if (!S.token) return;
    todayRequest('DELETE').then(function (r) {
      if (!r.ok) { todayMsg(YB.errorText(r)); return; }
      todayMsg(YB.t('join-today-deleted'), true);
      drawToday(null, false);
    }, function () { todayMsg(YB.t('join-today-offline')); });
  });

  /**
   * Whether this room has then & now (the organiser may switch it off per
   * event), and how long its photos are kept: the steps shown or not.
   */
  function drawThenNow(t) {
    S.thenNow = t.on ? 'on' : 'off';
    show($('claim-box'), t.on);
    show($('today-box'), t.on);
    if (t.keep_days) drawConsent(t.keep_days);
  }

  /** The consent line for `days`, the number in `#today-days` as the server wrote it. */
  function drawConsent(days) {
    var line = YB.t('join-today-consent', { days: days });
    var num = YB.fmt(days);
    var at = line.indexOf(num);
    var p = clear($('today-consent'));
    if (at < 0) { text(p, line); return; }
    p.appendChild(document.createTextNode(line.slice(0, at)));
    p.appendChild(el('span', { id: 'today-days', text: num }));
    p.appendChild(document.createTextNode(line.slice(at + num.length)));
  }

  /** After joining or coming back: the room's then & now, then this guest's photo. */
  function loadThenNow() {
    YB.fetchJson('/api/rooms/' + encodeURIComponent(S.code)).then(function (r) {
      if (r.ok && r.data && r.data.then_now) drawThenNow(r.data.then_now);
      loadToday();
    }, function () { loadToday(); });
  }

  /** The photo this guest already added. */
  function loadToday() {
    if (!S.token || picked || S.thenNow !== 'on') return;
    todayRequest('GET').then(function (r) {
      if (r.ok && r.data && !r.data.hidden) drawToday(r.data.thumb, true);
      else if (r.ok && r.data && r.data.hidden) { drawToday(null, true); todayMsg(YB.t('join-today-hidden')); }
    }, function () { /* offline: the buttons still work later */ });
  }

  function drawPaused(paused, remainingMs) {
    if (paused) countdown.hold(remainingMs, S.seconds * 1000, S.round);
    else countdown.start(remainingMs, S.seconds * 1000, S.round);
    var was = $('s-question').classList.contains('paused');
    show($('pq-paused'), paused);
    $('s-question').classList.toggle('paused', paused);
    if (paused) text($('pq-live'), YB.t('join-paused'));
    else if (was) text($('pq-live'), YB.t('join-resumed'));
  }

  // Seconds left at which screen readers hear the time (every second would drown the question).
  var SAY_AT = [10, 5];
  var saidTime = '';
  function drawTime(left, frac) {
    var secs = Math.ceil(left / 1000);
    text($('pq-time'), YB.t('join-seconds', { seconds: secs }));
    var moment = S.round + ':' + secs;
    if (SAY_AT.indexOf(secs) >= 0 && saidTime !== moment) {
      saidTime = moment;
      text($('pq-live'), YB.t('join-seconds-left', { seconds: secs }));
    }
    $('p-bar').style.width = (frac * 100).toFixed(1) + '%';
    $('p-bar').classList.toggle('low', left <= 5000);
    if (left <= 0 && S.locked === null && S.phase === 'question') text($('locked'), YB.t('join-times-up'));
    if (left <= 0 && saidTime !== S.round + ':up') { saidTime = S.round + ':up'; text($('pq-live'), YB.t('join-times-up-live')); }
  }

  function vote(i) {
    if (S.phase !== 'question' || S.locked !== null || !S.shown[i]) return;
    S.locked = i;
    S.acked = false;
    YB.local.set(voteKey(), JSON.stringify({ round: S.round, choice: i }));
    if (navigator.vibrate) { try { navigator.vibrate(25); } catch (e) { /* ignore */ } }
    markTiles();
    if (sock) sock.send({ type: 'vote', round: S.round, choice: i });
  }

  function markTiles() {
    var box = $('pq-choices');
    // A question about this guest: they watch (a photo loading later enables nothing).
    var mine = S.phase === 'question' && S.itsYou === S.round;
    Array.prototype.forEach.call(box.children, function (b) {
      var i = Number(b.dataset.choice);
      b.classList.toggle('picked', S.locked === i);
      b.classList.toggle('dim', S.locked !== null && S.locked !== i);
      b.disabled = mine || S.locked !== null || !S.shown[i];
      b.setAttribute('aria-busy', S.shown[i] ? 'false' : 'true');
      b.setAttribute('aria-pressed', S.locked === i ? 'true' : 'false');
    });
    var line = $('locked');
    if (mine) text(line, YB.t('join-its-you-watch'));
    else if (S.locked === null) text(line, '');
    else text(line, YB.t('join-locked', { letter: YB.LETTERS[S.locked] }));
    show($('saved'), S.locked !== null && S.acked);
  }

  function readPending() {
    var raw = YB.local.get(voteKey());
    if (!raw) return null;
    try { var p = JSON.parse(raw); return p && typeof p.round === 'number' ? p : null; } catch (e) { return null; }
  }
  function clearPending() { YB.local.remove(voteKey()); }

  // ---------- reveal and the end ----------

  /** Phones stay silent; a right answer gives a short buzz where the phone can (none for wrong). */
  function buzz(you) {
    if (!you || !you.correct || !navigator.vibrate) return;
    // Chrome refuses (and logs an error) before the guest has touched the page, e.g. after a reload.
    if (navigator.userActivation && !navigator.userActivation.hasBeenActive) return;
    try { navigator.vibrate(120); } catch (e) { /* not allowed here */ }
  }

  /** "3rd", "Tied 5th with 15 others", or no place at all before any points. */
  function placeText(you, score) {
    if (!you.rank) return '–';
    if (!score) return YB.t('join-no-points-yet');
    var place = YB.ordinal(you.rank);
    return you.tied > 0 ? YB.t('join-tied', { place: place, others: you.tied }) : place;
  }

  function drawReveal(m) {
    S.phase = 'reveal';
    clearPending();
    if (m.round) S.round = m.round;
    var you = m.you || {};
    var picked = typeof you.choice === 'number' ? you.choice : null;
    var v = $('rv-verdict');
    v.className = 'verdict';
    if (you.its_you) { text(v, YB.t('join-its-you')); v.classList.add('none'); }
    else if (you.correct) { text(v, YB.t('join-right')); v.classList.add('right'); }
    else if (picked === null) { text(v, YB.t('join-no-answer')); v.classList.add('none'); }
    else { text(v, YB.t('join-wrong')); v.classList.add('wrong'); }
    text($('rv-points'), you.correct ? YB.t('join-points', { points: you.points || 0 }) : '');
    // Display only, as Kahoot does: two or more right in a row.
    var streak = you.correct && you.streak >= 2 ? YB.t('join-streak', { count: you.streak }) : '';
    text($('rv-streak'), streak);
    show($('rv-streak'), !!streak);

    var ans = clear($('rv-answer'));
    var choices = m.choices || S.choices || [];
    var c = choices[m.answer] || {};
    var photoChoices = YB.isPhotoMode(m.mode || S.mode, choices);
    var name = m.name || (m.prompt && m.prompt.name) || c.name || '';
    var wrongPick = picked !== null && picked !== m.answer ? choices[picked] || {} : null;
    if (photoChoices && (c.thumb || c.photo)) {
      // Beside the right photo, a wrong pick's photo: what you took for them.
      var figs = el('div', { className: 'rv-photos' });
      if (wrongPick && (wrongPick.thumb || wrongPick.photo)) {
        figs.appendChild(figure(wrongPick, picked, YB.t('join-your-pick'), 'wrong'));
      }
      figs.appendChild(figure(c, m.answer, YB.t(picked === m.answer ? 'join-your-pick-right' : 'join-right-caption'), 'right'));
      ans.appendChild(figs);
    } else if (!photoChoices && m.prompt && (m.prompt.thumb || m.prompt.photo)) {
      // Photo to name: the face again, now with its name under it.
      ans.appendChild(el('div', { className: 'rv-photos' }, [
        el('div', { className: 'rv-fig' }, [
          el('div', { className: 'pic small' }, [YB.img(m.prompt.thumb || m.prompt.photo, YB.t('join-photo-asked'), '', [192, 240])])
        ])
      ]));
    }
    ans.appendChild(el('p', { className: 'rv-name' }, [
      el('span', { className: 'rv-was', text: YB.t('join-it-was') }),
      el('span', { className: 'letter l' + m.answer, 'aria-hidden': 'true', text: YB.LETTERS[m.answer] || '' }),
      el('span', { className: 'rv-name-text', text: name })
    ]));
    var known = m.known_as || (m.prompt && m.prompt.known_as) || '';
    text($('rv-known'), known ? YB.t('join-now-known', { name: known }) : '');
    show($('rv-known'), !!known);
    show($('rv-memoriam'), !!m.in_memoriam);
    // The other photos are the projector's to show; a small phone names their labels only.
    var also = (m.also || []).map(function (a) { return a.label; });
    text($('rv-also'), also.length ? YB.t('join-also-in', { labels: also.join(', ') }) : '');
    show($('rv-also'), also.length > 0);

    var pick = clear($('rv-pick'));
    if (picked !== null) {
      pick.className = 'rv-pick ' + (picked === m.answer ? 'right' : 'wrong');
      pick.appendChild(el('span', { text: YB.t('join-you-picked') }));
      pick.appendChild(el('span', { className: 'letter l' + picked, text: YB.LETTERS[picked] || '' }));
      // A right pick's name is the answer just above: say it once, so a small phone need not scroll.
      if (!photoChoices && picked !== m.answer && choices[picked] && choices[picked].name) {
        pick.appendChild(el('span', { className: 'rv-pick-name', text: choices[picked].name }));
      }
      pick.appendChild(el('span', { className: 'rv-pick-mark', text: YB.t(picked === m.answer ? 'join-pick-right' : 'join-pick-wrong') }));
    }
    show(pick, picked !== null);

    if (typeof you.score === 'number') S.score = you.score;
    text($('rv-score'), YB.fmt(S.score));
    var place = placeText(you, S.score);
    text($('rv-rank'), place);
    $('rv-rank').classList.toggle('long', place.length > 5);
    var last = S.of > 0 && S.round >= S.of;
    text($('rv-next'), YB.t(last ? 'join-last' : 'join-next'));
    screen('s-reveal');
    fitWords(document.querySelectorAll('#s-reveal .rv-name-text, #s-reveal .rv-pick-name'));
  }

  function figure(c, i, caption, cls) {
    return el('figure', { className: 'rv-fig ' + cls }, [
      el('div', { className: 'pic small' }, [YB.img(c.thumb || c.photo, YB.t(cls === 'right' ? 'join-right-photo' : 'join-picked-photo'), '', [192, 240])]),
      el('figcaption', {}, [
        el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] || '' }),
        el('span', { text: caption })
      ])
    ]);
  }

  function drawOver(m, you) {
    S.phase = 'over';
    clearPending();
    you = you || {};
    var lb = m.leaderboard || [];
    var total = m.leaderboard_size || lb.length;
    if (!you.rank) {
      for (var i = 0; i < lb.length; i++) {
        if (lb[i].name !== S.name) continue;
        var r = lb[i].rank;
        you = { rank: r, score: lb[i].score, tied: lb.filter(function (e) { return e.rank === r; }).length - 1 };
        break;
      }
    }
    var score = typeof you.score === 'number' ? you.score : S.score;
    var line = '';
    if (you.rank && !score) line = YB.t('join-no-points-game');
    else if (you.rank) {
      var finish = { place: YB.ordinal(you.rank), total: total || lb.length, others: you.tied };
      line = YB.t(you.tied > 0 ? 'join-finished-tied' : 'join-finished', finish);
    }
    text($('ov-rank'), line);
    text($('ov-score'), YB.t('common-points', { count: score }));
    var top = clear($('ov-top'));
    lb.slice(0, 3).forEach(function (e) {
      top.appendChild(el('li', {}, [
        el('span', { className: 'b-rank', text: YB.ordinal(e.rank) }),
        el('span', { className: 'b-name', text: e.name }),
        el('span', { className: 'b-score', text: YB.fmt(e.score) })
      ]));
    });
    screen('s-over');
    fitWords(top.querySelectorAll('.b-name'));
    releaseWake();
  }

  // A turned phone or a changed font size: fit the names on screen again.
  var refit = null;
  window.addEventListener('resize', function () {
    clearTimeout(refit);
    refit = setTimeout(function () {
      fitWords(document.querySelectorAll('#wait-name, .pq-name, #pq-choices .name-text, .rv-name-text, .rv-pick-name, #ov-top .b-name'));
    }, 150);
  });

  // ---------- keep the screen on (where the browser can) ----------

  var wake = new YB.Wake();
  function requestWake() { if (S.phase !== 'over') wake.request(); }
  function releaseWake() { wake.release(); }

  // ---------- start ----------

  if (S.code) S.token = YB.local.get(tokenKey());
  if (YB.reloading) {
    // common.js reloads the page in the guest's chosen language: connect after that.
  } else if (S.code && S.token) {
    screen('s-connecting');
    connect();
  } else {
    showForm('');
    if (!$('name').value) { try { $('name').focus(); } catch (e) { /* ignore */ } }
  }
})();
