/* yearbook — the emcee's phone remote: a second host screen of the room (/ws/{code}?role=host),
   with big buttons and the player list, so the night runs from the floor. */
(function () {
  'use strict';
  var $ = YB.$, el = YB.el, clear = YB.clear, text = YB.text, show = YB.show;

  var code = $('remote').dataset.code;
  var S = {
    key: null,
    phase: 'lobby',
    round: 0,
    of: 0,
    answered: 0,
    voting: 0,
    paused: false,
    players: [],
    count: 0,
    kicked: [],
    busy: false
  };
  var sock = null;
  var busyTimer = null, toastTimer = null;
  var countdown = new YB.Countdown(function (ms) { drawDetail(ms); });
  var leftMs = null;
  // The player whose "Remove" was tapped once; a second tap within a few seconds removes them.
  var arming = { id: null, timer: null };

  // ---------- what the screen shows ----------

  function phaseName(phase) {
    var key = 'remote-phase-' + phase;
    var name = YB.t(key);
    return name === key ? phase : name;
  }

  function roundLine() {
    if (!(S.round > 0)) return '';
    return S.of ? YB.t('remote-round', { round: S.round, of: S.of }) : YB.t('remote-round-open', { round: S.round });
  }

  function drawPhase() {
    var line = phaseName(S.phase);
    if (S.phase === 'question' || S.phase === 'reveal') line += ' · ' + roundLine();
    if (S.phase === 'question' && S.paused) line += ' · ' + YB.t('remote-paused');
    text($('rm-phase'), line);
    $('remote').dataset.phase = S.phase;
    drawDetail(leftMs);
    drawControls();
  }

  function drawDetail(ms) {
    leftMs = ms;
    var d = '';
    if (S.phase === 'lobby') d = YB.t('remote-joined', { count: S.count });
    else if (S.phase === 'question') {
      d = YB.t('remote-answered', { answered: S.answered, players: S.voting });
      if (S.paused) d += ' · ' + YB.t('remote-timer-paused');
      else if (typeof ms === 'number') d += ' · ' + YB.t('remote-left', { count: Math.ceil(ms / 1000) });
    } else if (S.phase === 'reveal') d = isLastRound() ? YB.t('remote-last') : YB.t('remote-next-question', { round: S.round + 1 });
    else if (S.phase === 'over') d = YB.t('remote-over');
    text($('rm-detail'), d);
  }

  function isLastRound() { return S.of > 0 && S.round >= S.of; }

  function drawControls() {
    var on = !!(sock && sock.connected);
    show($('rm-start'), S.phase === 'lobby');
    show($('rm-reveal'), S.phase === 'question');
    show($('rm-pause'), S.phase === 'question');
    text($('rm-pause'), YB.t(S.paused ? 'remote-resume' : 'remote-pause'));
    $('rm-pause').setAttribute('aria-pressed', S.paused ? 'true' : 'false');
    show($('rm-next'), S.phase === 'reveal');
    text($('rm-next'), YB.t(isLastRound() ? 'remote-final' : 'remote-next'));
    show($('rm-end'), S.phase === 'question' || S.phase === 'reveal');
    if (S.phase !== 'question' && S.phase !== 'reveal') show($('rm-confirm'), false);
    ['rm-start', 'rm-reveal', 'rm-next', 'rm-pause', 'rm-end', 'rm-confirm-yes'].forEach(function (id) {
      $(id).disabled = !on || S.busy;
    });
  }

  function drawPlayers(players, count, kicked) {
    if (Array.isArray(players)) S.players = players.slice();
    if (typeof count === 'number') S.count = Math.max(count, S.players.length);
    else if (Array.isArray(players)) S.count = S.players.length;
    if (Array.isArray(kicked)) S.kicked = kicked.slice();
    text($('rm-count'), YB.fmt(S.count));
    var ul = clear($('rm-players'));
    // Newest first, as on the projector: a rude name that just joined is at the top.
    S.players.slice().sort(function (a, b) { return (b.id || 0) - (a.id || 0); }).forEach(function (p) {
      var armed = arming.id === p.id;
      ul.appendChild(el('li', { className: 'rm-player' + (p.connected === false ? ' away' : '') }, [
        el('span', { className: 'rm-name', text: p.name }),
        p.connected === false ? el('span', { className: 'rm-away', text: YB.t('remote-away') }) : null,
        el('button', {
          type: 'button',
          className: 'btn rm-kick' + (armed ? ' armed' : ''),
          dataset: { id: String(p.id) },
          'aria-label': YB.t(armed ? 'remote-sure-label' : 'remote-remove-label', { name: p.name }),
          text: YB.t(armed ? 'remote-sure' : 'remote-remove'),
          onclick: function () { kick(p.id); }
        })
      ]));
    });
    var kul = clear($('rm-kicked'));
    S.kicked.forEach(function (p) {
      kul.appendChild(el('li', { className: 'rm-player away' }, [
        el('span', { className: 'rm-name', text: p.name }),
        el('button', {
          type: 'button', className: 'btn rm-kick', 'aria-label': YB.t('remote-let-back-label', { name: p.name }), text: YB.t('remote-let-back'),
          onclick: function () { send({ type: 'let_back', player_id: p.id }); }
        })
      ]));
    });
    show($('rm-kicked-wrap'), S.kicked.length > 0);
    drawDetail(leftMs);
  }

  function toast(msg) {
    var t = $('rm-toast');
    text(t, msg);
    show(t, true);
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { show(t, false); }, 5000);
  }

  function noKey(message) {
    text($('rm-note'), message);
    show($('rm-note'), true);
    show($('rm-controls'), false);
    show($('rm-confirm'), false);
    show($('rm-people'), false);
    show($('conn'), false);
    text($('rm-phase'), '');
    text($('rm-detail'), '');
  }

  // ---------- messages ----------

  function startTimer(remaining, seconds) {
    if (S.paused) { countdown.stop(); drawDetail(remaining); return; }
    countdown.start(remaining, (seconds || 20) * 1000, S.round);
  }

  function onMessage(m) {
    switch (m.type) {
      case 'state':
        clearBusy();
        S.phase = m.phase || 'lobby';
        if (typeof m.round === 'number') S.round = m.round;
        if (m.of) S.of = m.of;
        S.paused = !!m.paused;
        // Whatever the phase: the removed players (and a way back) show too.
        drawPlayers(m.players, m.count, m.kicked);
        if (S.phase === 'question') {
          S.answered = m.answered || 0;
          S.voting = m.players_voting || S.count;
          startTimer(m.remaining_ms, m.seconds);
        } else countdown.stop();
        break;
      case 'lobby':
        drawPlayers(m.players, m.count, m.kicked);
        return;
      case 'round':
        clearBusy();
        S.phase = 'question';
        S.round = m.round;
        if (m.of) S.of = m.of;
        S.answered = 0;
        S.voting = S.count;
        S.paused = false;
        startTimer(m.remaining_ms, m.seconds);
        break;
      case 'progress':
        if (m.round && m.round !== S.round) return;
        S.answered = m.answered || 0;
        S.voting = m.players || S.voting;
        drawDetail(leftMs);
        return;
      case 'timer':
        if (m.round && m.round !== S.round) return;
        clearBusy();
        S.paused = !!m.paused;
        startTimer(m.remaining_ms, null);
        break;
      case 'reveal':
        clearBusy();
        S.phase = 'reveal';
        S.round = m.round || S.round;
        S.paused = false;
        countdown.stop();
        break;
      case 'game_over':
        clearBusy();
        S.phase = 'over';
        countdown.stop();
        break;
      case 'error':
        clearBusy();
        onError(m);
        return;
      default:
        return;
    }
    drawPhase();
  }

  function onError(m) {
    if (m.code === 'not_host') {
      sock.stop();
      YB.forgetHostKey(code);
      noKey(YB.t('remote-not-host'));
      return;
    }
    if (m.code === 'too_many_hosts') {
      // A locked phone's old socket may hold a place for a while: keep
      // trying (the socket reconnects by itself) rather than give up.
      toast(m.message || YB.t('remote-too-many'));
      return;
    }
    if (m.code === 'bad_message' && S.lastSent && /pause|let_back/.test(S.lastSent)) {
      toast(YB.t('remote-cannot-yet'));
      return;
    }
    toast(m.message || YB.t('remote-failed'));
  }

  // ---------- commands ----------

  function setBusy() {
    S.busy = true;
    clearTimeout(busyTimer);
    // An answer that never comes (a lost socket) must not lock the buttons for good.
    busyTimer = setTimeout(clearBusy, 4000);
    drawControls();
  }
  function clearBusy() {
    S.busy = false;
    clearTimeout(busyTimer);
    drawControls();
  }

  function send(msg) {
    if (!sock || !sock.connected) { toast(YB.t('remote-not-connected')); return false; }
    S.lastSent = msg.type;
    return sock.send(msg);
  }
  function command(type) {
    if (S.busy) return;
    if (send({ type: type })) setBusy();
  }

  function kick(id) {
    if (arming.id !== id) {
      arming.id = id;
      clearTimeout(arming.timer);
      arming.timer = setTimeout(function () { arming.id = null; drawPlayers(); }, 4000);
      drawPlayers();
      return;
    }
    arming.id = null;
    clearTimeout(arming.timer);
    send({ type: 'kick', player_id: id });
    drawPlayers();
  }

  $('rm-start').addEventListener('click', function () { command('start_round'); });
  $('rm-reveal').addEventListener('click', function () { command('reveal'); });
  $('rm-next').addEventListener('click', function () { command(isLastRound() ? 'end_game' : 'start_round'); });
  $('rm-pause').addEventListener('click', function () { command(S.paused ? 'unpause' : 'pause'); });
  $('rm-end').addEventListener('click', function () {
    show($('rm-confirm'), true);
    $('rm-confirm-no').focus();
  });
  $('rm-confirm-no').addEventListener('click', function () { show($('rm-confirm'), false); });
  $('rm-confirm-yes').addEventListener('click', function () {
    show($('rm-confirm'), false);
    command('end_game');
  });

  function connect() {
    S.key = YB.hostKey(code);
    if (!S.key) {
      noKey(YB.t('remote-no-key'));
      return;
    }
    show($('rm-note'), false);
    show($('rm-controls'), true);
    show($('rm-people'), true);
    if (sock) sock.stop();
    sock = new YB.Socket({
      url: YB.wsUrl(code) + '?role=host',
      onOpen: function (s) { s.send({ type: 'hello', key: S.key, lang: YB.lang }); },
      onMessage: onMessage,
      onStatus: function (up) {
        text($('conn'), up ? '' : YB.t('remote-reconnecting'));
        show($('conn'), !up);
        if (!up) clearBusy();
        drawControls();
      }
    });
    text($('conn'), YB.t('remote-connecting'));
    show($('conn'), true);
    sock.start();
  }

  window.addEventListener('hashchange', function () {
    if (/(?:^|&)key=/.test(location.hash.slice(1))) connect();
  });

  drawPhase();
  connect();
})();
