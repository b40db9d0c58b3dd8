/* yearbook — solo game: one name, four photos, at your own pace. */
(function () {
  'use strict';
  var $ = YB.$, el = YB.el, clear = YB.clear, text = YB.text, show = YB.show;

  // `?reunion=ID`: an organiser's preview of that event's class.
  var reunion = Number(new URLSearchParams(location.search).get('reunion')) || 0;
  var SESSION = 'yearbook.solo.session';
  var SCORE = 'yearbook.solo.score' + (reunion ? '.' + reunion : '');
  var session = YB.session.get(SESSION);
  if (!session) { session = YB.randomId(); YB.session.set(SESSION, session); }

  var tally = { score: 0, asked: 0, streak: 0, best: 0 };
  try { var saved = JSON.parse(YB.session.get(SCORE) || 'null'); if (saved) tally = saved; } catch (e) { /* fresh */ }

  var round = null;      // the current round from the server
  var answered = false;
  var loading = false;

  function drawTally() {
    text($('score'), tally.score);
    text($('asked'), tally.asked);
    text($('streak'), tally.streak);
    YB.session.set(SCORE, JSON.stringify(tally));
  }

  function msg(s) { text($('solo-msg'), s || ''); }

  function next() {
    if (loading) return;
    loading = true;
    msg('');
    show($('solo-next'), false);
    text($('solo-result'), '');
    $('solo-result').className = 'solo-result';
    YB.fetchJson('/api/solo/round', { body: reunion ? { session: session, reunion: reunion } : { session: session } }).then(function (r) {
      loading = false;
      // The server's own words: solo paused or off, or how long to wait.
      if (!r.ok || !r.data) { failed((r.data && r.data.message) || YB.errorText(r, YB.t('solo-load-failed'))); return; }
      draw(r.data);
    }, function () {
      loading = false;
      failed(YB.t('solo-offline'));
    });
  }

  function failed(s) {
    msg(s);
    var b = $('solo-next');
    text(b, YB.t('solo-try-again'));
    show(b, true);
  }

  function draw(d) {
    round = d;
    answered = false;
    text($('solo-name'), d.name || '');
    var known = $('solo-known');
    text(known, d.known_as ? YB.t('solo-now-known', { name: d.known_as }) : '');
    show(known, !!d.known_as);
    var box = clear($('solo-choices'));
    box.className = 'pq-choices tiles';
    var pics = d.thumbs && d.thumbs.length === 4 ? d.thumbs : d.choices || [];
    pics.forEach(function (src, i) {
      box.appendChild(el('button', { type: 'button', className: 'tile c' + i, dataset: { choice: i }, onclick: function () { answer(i); } }, [
        el('span', { className: 'pic' }, [YB.img(src, YB.t('solo-photo-letter', { letter: YB.LETTERS[i] }), '', [192, 240])]),
        el('span', { className: 'letter l' + i, 'aria-hidden': 'true', text: YB.LETTERS[i] })
      ]));
    });
    text($('solo-next'), YB.t('solo-next'));
  }

  function answer(i) {
    if (!round || answered) return;
    answered = true;
    var tiles = $('solo-choices').children;
    Array.prototype.forEach.call(tiles, function (b, j) {
      b.disabled = true;
      b.classList.toggle('picked', i === j);
      b.classList.toggle('dim', i !== j);
    });
    YB.fetchJson('/api/solo/answer', { body: { round_id: round.round_id, choice: i } }).then(function (r) {
      if (r.status === 404) { msg(YB.t('solo-expired')); setTimeout(next, 1200); return; }
      if (!r.ok || !r.data) { unlock(); msg(YB.errorText(r, YB.t('solo-check-failed'))); return; }
      result(i, r.data);
    }, function () {
      unlock();
      msg(YB.t('solo-offline-tap'));
    });
  }

  function unlock() {
    answered = false;
    Array.prototype.forEach.call($('solo-choices').children, function (b) {
      b.disabled = false; b.classList.remove('picked'); b.classList.remove('dim');
    });
  }

  function result(i, d) {
    tally.asked++;
    if (d.correct) { tally.score++; tally.streak++; tally.best = Math.max(tally.best || 0, tally.streak); }
    else tally.streak = 0;
    drawTally();
    Array.prototype.forEach.call($('solo-choices').children, function (b, j) {
      b.classList.toggle('right', j === d.answer);
      b.classList.toggle('wrong', j === i && !d.correct);
      b.classList.toggle('dim', j !== d.answer && j !== i);
    });
    var res = $('solo-result');
    var who = d.name || (round && round.name) || '';
    if (d.correct) {
      res.className = 'solo-result right';
      text(res, YB.t('solo-right', { streak: tally.streak }));
    } else {
      res.className = 'solo-result wrong';
      text(res, YB.t('solo-wrong', { name: who, letter: YB.LETTERS[d.answer] }));
    }
    var b = $('solo-next');
    text(b, YB.t('solo-next'));
    show(b, true);
    try { b.focus({ preventScroll: true }); } catch (e) { b.focus(); }
  }

  $('solo-next').addEventListener('click', next);
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var k = (e.key || '').toUpperCase();
    var i = ['1', '2', '3', '4'].indexOf(k);
    if (i < 0) i = YB.LETTERS.indexOf(k);
    if (i >= 0 && !answered && round) { e.preventDefault(); answer(i); }
  });

  drawTally();
  // common.js reloads the page in the guest's chosen language: ask after that.
  if (!YB.reloading) next();
})();
