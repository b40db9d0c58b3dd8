/* yearbook — the projector's sounds, made in the browser with Web Audio (no files, no CDN).
   Browsers only let a page make sound after a person's key or click: nothing is created before
   unlock(), which the host page calls from its first key or click. The mute choice is kept in
   localStorage, so a reload stays quiet. Phones never load this file. */
(function () {
  'use strict';

  var MUTE_STORE = 'yearbook.muted';
  var VOLUME = 0.7;          // master level when not muted
  var PLAYED_CAP = 200;      // the test view keeps the last names only

  var ctx = null, master = null, noiseBuf = null;
  var muted = YB.local.get(MUTE_STORE) === '1';
  var played = [];
  var lobbyTimer = null, lobbyStep = 0, busyUntil = 0;
  var onChange = null;

  function AudioCtor() { return window.AudioContext || window.webkitAudioContext || null; }

  /** Creates (once) and resumes the audio context; call it from a key or click handler only. */
  function unlock() {
    var Ctor = AudioCtor();
    if (!Ctor) return;
    if (!ctx) {
      try { ctx = new Ctor(); } catch (e) { ctx = null; return; }
      master = ctx.createGain();
      master.gain.value = muted ? 0 : VOLUME;
      master.connect(ctx.destination);
    }
    if (ctx.state === 'suspended' && ctx.resume) ctx.resume().catch(function () { /* blocked: next key tries again */ });
  }

  function live() { return !!ctx && !muted; }

  // ---------- building blocks ----------

  /** One note: `type` oscillator from `start` for `dur` s, a soft attack and decay, optional glide. */
  function tone(freq, start, dur, type, vol, glideTo, out) {
    var o = ctx.createOscillator(), g = ctx.createGain();
    o.type = type || 'sine';
    o.frequency.setValueAtTime(freq, start);
    if (glideTo) o.frequency.exponentialRampToValueAtTime(glideTo, start + dur);
    g.gain.setValueAtTime(0.0001, start);
    g.gain.exponentialRampToValueAtTime(vol, start + Math.min(0.02, dur / 4));
    g.gain.exponentialRampToValueAtTime(0.0001, start + dur);
    o.connect(g);
    g.connect(out || master);
    o.start(start);
    o.stop(start + dur + 0.05);
  }

  /** A mellow brass-like voice: a sawtooth through a low-pass filter. */
  function brass(freq, start, dur, vol) {
    var f = ctx.createBiquadFilter();
    f.type = 'lowpass';
    f.frequency.setValueAtTime(freq * 3, start);
    f.connect(master);
    tone(freq, start, dur, 'sawtooth', vol, null, f);
    tone(freq * 1.003, start, dur, 'sawtooth', vol * 0.6, null, f);
  }

  /** Applause: white noise through a band-pass, in many short random claps that swell and fade. */
  function applause(start, dur, vol) {
    if (!noiseBuf) {
      noiseBuf = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
      var d = noiseBuf.getChannelData(0);
      for (var i = 0; i < d.length; i++) d[i] = Math.random() * 2 - 1;
    }
    var src = ctx.createBufferSource(), band = ctx.createBiquadFilter(), g = ctx.createGain();
    src.buffer = noiseBuf;
    src.loop = true;
    band.type = 'bandpass';
    band.frequency.value = 1800;
    band.Q.value = 0.7;
    g.gain.setValueAtTime(0.0001, start);
    for (var t = 0; t < dur; t += 0.03 + Math.random() * 0.04) {
      var swell = Math.sin(Math.PI * Math.min(1, t / dur)) * 0.7 + 0.3;
      g.gain.setValueAtTime(vol * swell * (0.4 + Math.random() * 0.6), start + t);
      g.gain.setValueAtTime(vol * swell * 0.15, start + t + 0.015);
    }
    g.gain.setValueAtTime(0.0001, start + dur);
    src.connect(band);
    band.connect(g);
    g.connect(master);
    src.start(start);
    src.stop(start + dur + 0.05);
  }

  var C5 = 523.25, E5 = 659.25, G5 = 783.99, C6 = 1046.5, G4 = 392.0, A4 = 440.0;

  /** Each sound schedules its notes from `t` and returns how long it lasts. */
  var SOUNDS = {
    tick: function (t) { tone(1000, t, 0.08, 'triangle', 0.35); return 0.1; },
    tock: function (t) { tone(1500, t, 0.12, 'triangle', 0.45); return 0.15; },   // the last second
    timesup: function (t) {
      tone(A4, t, 0.55, 'square', 0.12, 220);
      tone(A4 * 1.06, t, 0.55, 'square', 0.08, 233);
      return 0.6;
    },
    reveal: function (t) {
      [C5, E5, G5].forEach(function (f, i) { tone(f, t + i * 0.08, 0.18, 'triangle', 0.3); });
      tone(C6, t + 0.24, 0.7, 'triangle', 0.35);
      tone(C5, t + 0.24, 0.7, 'sine', 0.2);
      return 1;
    },
    fanfare: function (t) {
      [G4, G4, G4].forEach(function (f, i) { brass(f, t + i * 0.14, 0.12, 0.18); });
      brass(C5, t + 0.45, 0.35, 0.2);
      brass(E5, t + 0.8, 0.2, 0.2);
      [C5, E5, G5, C6].forEach(function (f) { brass(f, t + 1.05, 1.3, 0.12); });
      applause(t + 1.3, 3.5, 0.5);
      return 4.8;
    }
  };

  /** Plays a sound by name; false (and nothing recorded) when muted or not started yet. */
  function play(name) {
    if (!live() || !SOUNDS[name]) return false;
    if (ctx.state === 'suspended' && ctx.resume) ctx.resume().catch(function () { /* ignore */ });
    // Back to back (time's up, then the reveal a moment later): one after the other.
    var t = Math.max(ctx.currentTime + 0.02, name === 'tick' || name === 'tock' ? 0 : busyUntil);
    var len = SOUNDS[name](t);
    if (name !== 'tick' && name !== 'tock') busyUntil = t + len * 0.6;
    record(name);
    return true;
  }

  function record(name) {
    played.push(name);
    if (played.length > PLAYED_CAP) played.shift();
  }

  // ---------- the lobby loop: a soft pentatonic arpeggio while guests join ----------

  var LOOP = [C5, E5, G5, A4 * 2, G5, E5, 587.33, G4];
  function lobbyNote() {
    if (!live()) return;
    var t = ctx.currentTime + 0.02;
    tone(LOOP[lobbyStep % LOOP.length], t, 0.5, 'sine', 0.05);
    if (lobbyStep % 4 === 0) tone(LOOP[lobbyStep % LOOP.length] / 4, t, 1.6, 'sine', 0.04);
    lobbyStep++;
  }
  function lobby(on) {
    if (on && !lobbyTimer && live()) {
      lobbyStep = 0;
      record('lobby');
      lobbyNote();
      lobbyTimer = setInterval(lobbyNote, 450);
    } else if (!on && lobbyTimer) {
      clearInterval(lobbyTimer);
      lobbyTimer = null;
    }
  }

  // ---------- mute ----------

  function setMuted(on) {
    muted = !!on;
    YB.local.set(MUTE_STORE, muted ? '1' : '0');
    if (master) {
      master.gain.cancelScheduledValues(0);
      master.gain.value = muted ? 0 : VOLUME;
    }
    if (muted) lobby(false);
    if (onChange) onChange(muted);
  }

  YB.sound = {
    unlock: unlock,
    play: play,
    lobby: lobby,
    started: function () { return !!ctx; },
    muted: function () { return muted; },
    toggleMute: function () { setMuted(!muted); return muted; },
    onChange: function (fn) { onChange = fn; },
    /** A read-only view for tests and for the curious: what the audio graph is doing. */
    state: function () {
      return {
        context: ctx ? ctx.state : null,
        muted: muted,
        master_gain: master ? master.gain.value : null,
        lobby_loop: !!lobbyTimer,
        played: played.slice()
      };
    }
  };
})();
