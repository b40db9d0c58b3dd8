/* yearbook — the projector page. Speaks the host side of /ws/{code}. */
(function () {
  'use strict';
  var $ = YB.$, el = YB.el, clear = YB.clear, text = YB.text, show = YB.show;

  var root = $('host');
  var code = root.dataset.code;
  var KEY_STORE = 'yearbook.hostkey.' + code;

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
    boardIndex: {},    // name -> row index of the last leaderboard drawn (for the animation)
    busy: false,       // a command is on its way; ignore repeats until the phase moves
    everConnected: false
  };

  var sock = null;
  var countdown = new YB.Countdown(drawTimer);
  var busyTimer = null;

  // ---------- host key: from the fragment, never a query string ----------

  function readKey() {
    var h = location.hash ? location.hash.slice(1) : '';
    var m = /(?:^|&)key=([^&]*)/.exec(h);
    if (m && m[1]) {
      var k;
      try { k = decodeURIComponent(m[1]); } catch (e) { k = m[1]; }
      YB.session.set(KEY_STORE, k);
      YB.local.set(KEY_STORE, k);
      // Keep the key off the projected address bar; a reload finds it in storage.
      try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* ignore */ }
      return k;
    }
    return YB.session.get(KEY_STORE) || YB.local.get(KEY_STORE);
  }

  function noKey(message) {
    var note = $('host-note');
    text(note, message);
    show(note, true);
    $('start-btn').hidden = true;
    show($('download'), false);
    show($('conn'), false);
  }

  // ---------- screens ----------

  function setPhase(phase) {
    S.phase = phase;
    ['lobby', 'question', 'reveal', 'over'].forEach(function (p) { show($(p), p === phase); });
    root.dataset.phase = phase;
    if (phase !== 'question') countdown.stop();
    updateControls();
  }

  function updateControls() {
    var p = S.phase, live = !!(sock && sock.connected);
    show($('reveal-btn'), p === 'question');
    show($('next-btn'), p === 'reveal');
    show($('end-btn'), p === 'question' || p === 'reveal');
    if ($('new-game')) show($('new-game'), p === 'over');
    text($('next-btn'), isLastRound() ? 'Final results' : 'Next');
    $('start-btn').disabled = !live;
    $('next-btn').disabled = !live;
    $('reveal-btn').disabled = !live;
    $('end-btn').disabled = !live;
  }

  function isLastRound() { return S.of > 0 && S.round >= S.of; }

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

  // ---------- lobby ----------

  function drawLobby(players, count) {
    if (Array.isArray(players)) S.players = players.slice();
    var n = typeof count === 'number' ? count : S.players.length;
    text($('player-count'), YB.fmt(n));
    text($('player-word'), n === 1 ? 'player' : 'players');
    var ul = $('players');
    clear(ul);
    ul.classList.toggle('many', S.players.length > 40);
    ul.classList.toggle('lots', S.players.length > 120);
    // Newest first, so a phone that just joined sees its name appear at the top.
    var list = S.players.slice().sort(function (a, b) { return (b.id || 0) - (a.id || 0); });
    var more = list.length - 200;
    if (more > 0) list = list.slice(0, 200);   // the screen shows far fewer; keep big rooms cheap
    list.forEach(function (p) {
      var isNew = !S.seen[p.id];
      S.seen[p.id] = true;
      var li = el('li', { className: 'chip' + (p.connected === false ? ' away' : '') + (isNew ? ' new' : '') }, [
        el('span', { className: 'chip-name', text: p.name }),
        el('button', {
          type: 'button', className: 'kick', 'aria-label': 'Remove ' + p.name, title: 'Remove from the game', text: '×',
          onclick: function () { kick(p); }
        })
      ]);
      ul.appendChild(li);
    });
    if (more > 0) ul.appendChild(el('li', { className: 'chip more', text: '+ ' + YB.fmt(more) + ' more' }));
    // Newest first: in a big room the oldest names fall off the bottom. Fade them out
    // rather than cut a row of names in half.
    ul.classList.toggle('clipped', ul.scrollHeight > ul.clientHeight + 1);
  }

  function kick(p) {
    if (!window.confirm('Remove “' + p.name + '” from the game?')) return;
    sock.send({ type: 'kick', player_id: p.id });
  }

  function drawSettings(st) {
    if (!st) return;
    S.settings = st;
    var parts = [];
    if (st.rounds) parts.push(YB.plural(st.rounds, 'round', 'rounds'));
    if (st.seconds) parts.push(st.seconds + ' seconds each');
    if (st.mode) parts.push(st.mode === 'photo_to_name' ? 'see a photo, pick the name' : 'see a name, pick the photo');
    text($('settings-line'), parts.join(' · '));
  }

  // ---------- question ----------

  function drawQuestion(m) {
    S.round = m.round || S.round;
    if (m.of) S.of = m.of;
    S.mode = m.mode || S.mode;
    S.prompt = m.prompt || null;
    S.choices = m.choices || [];
    S.seconds = m.seconds || (S.settings && S.settings.seconds) || S.seconds;
    setPhase('question');
    text($('q-round'), 'Round ' + S.round + (S.of ? ' of ' + S.of : ''));
    var photoChoices = YB.isPhotoMode(S.mode, S.choices);
    var body = clear($('q-body'));
    var prompt = S.prompt || {};
    var known = $('q-known');
    if (photoChoices) {
      text($('q-name'), prompt.name || '');
      text(known, prompt.known_as ? 'now ' + prompt.known_as : '');
      show(known, !!prompt.known_as);
      var row = el('div', { className: 'choices photos' });
      S.choices.forEach(function (c, i) {
        row.appendChild(el('figure', { className: 'choice c' + i }, [
          el('div', { className: 'pic' }, [YB.img(c.photo || c.thumb, 'Photo ' + YB.LETTERS[i], '', [576, 720])]),
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })
        ]));
      });
      body.appendChild(row);
    } else {
      text($('q-name'), 'Who is this?');
      show(known, false);
      var names = el('ol', { className: 'name-choices' });
      S.choices.forEach(function (c, i) {
        names.appendChild(el('li', { className: 'name-choice c' + i }, [
          el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] }),
          el('span', { className: 'name-text', text: c.name || '' })
        ]));
      });
      body.appendChild(el('div', { className: 'pn' }, [
        el('div', { className: 'pn-photo pic' }, [YB.img(prompt.photo || prompt.thumb, 'Who is this?', '', [576, 720])]),
        names
      ]));
    }
    countdown.start(m.remaining_ms, S.seconds * 1000);
    drawProgress(m.answered || 0, typeof m.players_voting === 'number' ? m.players_voting : (typeof m.players === 'number' ? m.players : S.players.length));
  }

  var RING = 2 * Math.PI * 52;
  function drawTimer(left, frac) {
    var secs = Math.ceil(left / 1000);
    text($('timer-num'), String(secs));
    var fg = $('ring-fg');
    fg.style.strokeDasharray = RING.toFixed(1);
    fg.style.strokeDashoffset = (RING * (1 - frac)).toFixed(1);
    $('timer').classList.toggle('low', secs <= 5);
    $('timer').classList.toggle('done', left <= 0);
  }

  function drawProgress(answered, players) {
    text($('answered'), YB.fmt(answered) + ' of ' + YB.fmt(players) + ' answered');
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
    text($('r-round'), 'Round ' + S.round + (S.of ? ' of ' + S.of : ''));
    var photoChoices = YB.isPhotoMode(S.mode, S.choices);
    var rightName = m.name || prompt.name || '';
    text($('r-name'), rightName);
    var known = $('r-known');
    // A photo prompt carries no name: the reveal names the person (and who they are now).
    var knownAs = m.known_as || prompt.known_as;
    text(known, knownAs ? 'now ' + knownAs : '');
    show(known, !!knownAs);
    show($('r-memoriam'), !!m.in_memoriam);

    var counts = m.counts || [0, 0, 0, 0];
    var total = counts.reduce(function (a, b) { return a + (b || 0); }, 0);
    var max = Math.max.apply(null, counts.concat([1]));
    var chart = clear($('r-chart'));
    chart.className = 'r-chart ' + (photoChoices ? 'photos' : 'names');
    if (!photoChoices && (prompt.photo || prompt.thumb)) {
      chart.appendChild(el('div', { className: 'r-prompt pic' }, [YB.img(prompt.photo || prompt.thumb, rightName, '', [576, 720])]));
    }
    var rows = el('ol', { className: 'bars', 'aria-label': 'How people voted' });
    var choices = S.choices && S.choices.length === 4 ? S.choices : [{}, {}, {}, {}];
    choices.forEach(function (c, i) {
      var n = counts[i] || 0;
      var right = i === m.answer;
      var pct = total ? Math.round(n * 100 / total) : 0;
      var fill = el('div', { className: 'bar-fill l' + i });
      var label = YB.plural(n, 'vote', 'votes') + (total ? ' · ' + pct + '%' : '');
      var bits = [el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })];
      if (photoChoices) {
        bits.push(el('div', { className: 'pic' }, [YB.img(c.photo || c.thumb, 'Photo ' + YB.LETTERS[i], '', [576, 720])]));
      }
      var barBits = [];
      if (!photoChoices) barBits.push(el('span', { className: 'bar-name', text: c.name || '' }));
      barBits.push(el('div', { className: 'bar-track' }, [fill, el('span', { className: 'bar-num', text: label })]));
      bits.push(el('div', { className: 'bar-col' }, barBits));
      if (right) bits.push(el('span', { className: 'tick', text: '✓', 'aria-label': 'Right answer' }));
      rows.appendChild(el('li', { className: 'bar-row ' + (right ? 'right' : 'wrong') }, bits));
      // Grow the bars after they are on screen.
      var w = (n / max * 100).toFixed(1) + '%';
      if (YB.reducedMotion()) fill.style.width = w;
      else setTimeout(function () { fill.style.width = w; }, 60);
    });
    chart.appendChild(rows);
    drawBoard($('board'), m.leaderboard || [], true);
  }

  function drawBoard(ol, list, animate) {
    var old = S.boardIndex;
    clear(ol);
    var index = {};
    var rows = [];
    list.slice(0, 10).forEach(function (e, i) {
      index[e.name] = i;
      var li = el('li', { className: 'board-row' + (i < 3 && e.score > 0 ? ' top' + (i + 1) : '') }, [
        el('span', { className: 'b-rank', text: e.rank }),
        el('span', { className: 'b-name', text: e.name }),
        el('span', { className: 'b-score', text: YB.fmt(e.score) })
      ]);
      ol.appendChild(li);
      rows.push(li);
    });
    S.boardIndex = index;
    if (!list.length) ol.appendChild(el('li', { className: 'board-empty', text: 'No scores yet' }));
    if (!animate || YB.reducedMotion() || !rows.length) return;
    var h = rows.length > 1
      ? rows[1].getBoundingClientRect().top - rows[0].getBoundingClientRect().top
      : rows[0].getBoundingClientRect().height;
    if (!h) h = 60;
    rows.forEach(function (li, i) {
      var name = li.querySelector('.b-name').textContent;
      var was = old[name];
      li.style.transition = 'none';
      if (was === undefined) { li.style.opacity = '0'; li.style.transform = 'translateX(3rem)'; }
      else if (was !== i) { li.style.transform = 'translateY(' + ((was - i) * h) + 'px)'; li.classList.add(was > i ? 'up' : 'down'); }
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
    var podium = clear($('podium'));
    var order = [1, 0, 2];
    order.forEach(function (i) {
      var e = lb[i];
      if (!e) { podium.appendChild(el('div', { className: 'step empty p' + (i + 1) })); return; }
      podium.appendChild(el('div', { className: 'step p' + (i + 1) }, [
        el('p', { className: 'step-name', text: e.name }),
        el('p', { className: 'step-score', text: YB.fmt(e.score) + ' pts' }),
        el('div', { className: 'block' }, [el('span', { className: 'block-rank', text: YB.ordinal(e.rank || i + 1) })])
      ]));
    });
    if (!lb.length) podium.appendChild(el('p', { className: 'muted', text: 'Nobody played this time.' }));

    var fb = clear($('final-board'));
    fb.classList.toggle('many', lb.length > 24);
    lb.forEach(function (e) {
      fb.appendChild(el('li', {}, [
        el('span', { className: 'b-rank', text: e.rank }),
        el('span', { className: 'b-name', text: e.name }),
        el('span', { className: 'b-score', text: YB.fmt(e.score) })
      ]));
    });

    var stats = clear($('stats'));
    var st = m.stats || {};
    statCard(stats, 'Most recognised', st.most_recognized);
    // After a single question both are the same classmate: show them once.
    var most = st.most_recognized, least = st.least_recognized;
    if (!most || !least || least.name !== most.name) statCard(stats, 'Least recognised', least);
  }

  function statCard(parent, title, s) {
    if (!s) return;
    var line = typeof s.correct === 'number' && typeof s.answered === 'number'
      ? s.correct + ' of ' + s.answered + ' got it right' : '';
    parent.appendChild(el('figure', { className: 'stat' }, [
      s.photo || s.thumb ? el('div', { className: 'pic' }, [YB.img(s.photo || s.thumb, s.name || '', '', [576, 720])]) : null,
      el('figcaption', {}, [
        el('span', { className: 'stat-title', text: title }),
        el('span', { className: 'stat-name', text: s.name || '' }),
        s.known_as ? el('span', { className: 'stat-known', text: 'now ' + s.known_as }) : null,
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
        // In the reveal phase `players` is the reveal's head count, not the list.
        if (Array.isArray(m.players)) drawLobby(m.players, m.count);
        if (m.phase === 'question') drawQuestion(m);
        else if (m.phase === 'reveal') drawReveal(m);
        else if (m.phase === 'over') drawOver(m);
        else setPhase('lobby');
        break;
      case 'lobby':
        drawLobby(m.players, m.count);
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
        drawReveal(m);
        break;
      case 'game_over':
        clearBusy();
        drawOver(m);
        break;
      case 'error':
        clearBusy();
        onError(m);
        break;
      default:
        break;
    }
  }

  function onError(m) {
    if (m.code === 'not_host') {
      sock.stop();
      YB.local.remove(KEY_STORE);
      YB.session.remove(KEY_STORE);
      noKey('That host key does not match this game. Open the link you got when you created it.');
      return;
    }
    if (m.code === 'rate_limited') { toast('Slow down a little — too many commands at once.'); return; }
    if (m.code === 'wrong_phase') { toast(m.message || 'That can’t be done right now.'); return; }
    toast(m.message || 'Something went wrong.');
  }

  // ---------- commands ----------

  function command(type) {
    if (!sock || !sock.connected) { toast('Not connected — reconnecting…'); return; }
    if (S.busy) return;
    if (sock.send({ type: type })) setBusy();
  }

  function startOrNext() {
    if (S.phase === 'lobby') command('start_round');
    else if (S.phase === 'reveal') command(isLastRound() ? 'end_game' : 'start_round');
  }
  function revealNow() { if (S.phase === 'question') command('reveal'); }
  function endGame() {
    if (S.phase === 'over') return;
    if (window.confirm('End the game now and show the final results?')) command('end_game');
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
    if (!S.key) { toast('The host key is needed to download results.'); return; }
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
    }).catch(function () { toast('Could not download the results. Try again.'); });
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    var k = e.key;
    if (k === ' ' || k === 'Spacebar') {
      e.preventDefault();
      if (!e.repeat) startOrNext();
    } else if ((k === 'r' || k === 'R') && !e.repeat) {
      revealNow();
    } else if ((k === 'f' || k === 'F') && !e.repeat) {
      toggleFullscreen();
    }
  }

  // ---------- wiring ----------

  $('start-btn').addEventListener('click', startOrNext);
  $('next-btn').addEventListener('click', startOrNext);
  $('reveal-btn').addEventListener('click', revealNow);
  $('end-btn').addEventListener('click', endGame);
  $('fs-btn').addEventListener('click', toggleFullscreen);
  $('download').addEventListener('click', download);
  document.addEventListener('keydown', onKey);
  // Space on a focused button would click it as well; Space is ours on this page.
  document.addEventListener('keyup', function (e) {
    if ((e.key === ' ' || e.key === 'Spacebar') && e.target && e.target.tagName === 'BUTTON') e.preventDefault();
  });

  function connect() {
    S.key = readKey();
    if (!S.key) {
      noKey('This is the big-screen page for room ' + code + '. To run the game, open the host link you got when you created it — it ends in #key=…');
      return;
    }
    show($('host-note'), false);
    $('start-btn').hidden = false;
    show($('download'), true);
    if (sock) sock.stop();
    sock = new YB.Socket({
      url: YB.wsUrl(code),
      onOpen: function (s) { s.send({ type: 'hello', key: S.key }); },
      onMessage: onMessage,
      onStatus: function (up) {
        if (up) S.everConnected = true;
        text($('conn'), S.everConnected ? 'Reconnecting…' : 'Connecting…');
        show($('conn'), !up);
        if (!up) clearBusy();
        updateControls();
      }
    });
    show($('conn'), true);
    text($('conn'), 'Connecting…');
    sock.start();
  }

  window.addEventListener('hashchange', function () {
    if (/(?:^|&)key=/.test(location.hash.slice(1))) connect();
  });

  // Let a long join URL break after a slash rather than in the middle of a word.
  Array.prototype.forEach.call(document.querySelectorAll('.join-url, .join-hint-url'), function (node) {
    var parts = node.textContent.split(/(\/+)/);
    clear(node);
    parts.forEach(function (part) {
      if (!part) return;
      node.appendChild(document.createTextNode(part));
      if (part.charAt(0) === '/') node.appendChild(document.createElement('wbr'));
    });
  });

  setPhase('lobby');
  connect();
})();
