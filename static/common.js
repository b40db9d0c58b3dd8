/* yearbook — helpers shared by every page. Plain ES2017, no modules: old phones must run it.
   Everything a person typed goes into the page through textContent, never innerHTML. */
(function () {
  'use strict';

  var YB = (window.YB = {});

  /** The base path without a trailing slash ("" at the root). Every URL we build starts with it. */
  YB.base = (document.body && document.body.dataset.base) || '';
  YB.url = function (path) { return YB.base + path; };

  YB.wsUrl = function (code) {
    return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + YB.base + '/ws/' + encodeURIComponent(code);
  };

  YB.$ = function (id) { return document.getElementById(id); };

  /** el('p', {className: 'x', text: 'hello'}, [children]) — text always via textContent. */
  YB.el = function (tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === undefined || v === null) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'className') node.className = v;
        else if (k === 'dataset') Object.keys(v).forEach(function (d) { node.dataset[d] = v[d]; });
        else if (k === 'style') Object.keys(v).forEach(function (s) { node.style[s] = v[s]; });
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') node.addEventListener(k.slice(2), v);
        else if (k === 'hidden' || k === 'disabled') node[k] = !!v;
        else node.setAttribute(k, v);
      });
    }
    if (children) {
      children.forEach(function (c) {
        if (c === null || c === undefined || c === false) return;
        node.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
      });
    }
    return node;
  };

  YB.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); return node; };
  YB.text = function (node, s) { node.textContent = s === undefined || s === null ? '' : String(s); return node; };
  YB.show = function (node, on) { node.hidden = !on; return node; };

  YB.LETTERS = ['A', 'B', 'C', 'D'];

  YB.randomId = function () {
    var s = '';
    for (var i = 0; i < 4; i++) s += Math.floor(Math.random() * 0x100000000).toString(36);
    return s + Date.now().toString(36);
  };

  // ---------- the page's language (src/i18n.rs, docs/translating.md) ----------

  /**
   * The page's messages, rendered by the server from the Fluent catalogues as JSON: a message is
   * a string or a list of parts: strings, {$: var}, {select: var, variants, default, ordinal}.
   * Pages not in the guest's language yet get English `common-` messages.
   */
  var strings = { lang: 'en', languages: [], messages: {} };
  try {
    var stringsNode = document.getElementById('yb-strings');
    if (stringsNode) strings = JSON.parse(stringsNode.textContent) || strings;
  } catch (e) { /* keys show instead of words: the catalogue test keeps this from happening */ }
  YB.lang = strings.lang || 'en';

  var pluralRules = {};
  function pluralOf(n, ordinal) {
    var kind = ordinal ? 'ordinal' : 'cardinal';
    try {
      if (!pluralRules[kind]) pluralRules[kind] = new Intl.PluralRules(YB.lang, { type: kind });
      return pluralRules[kind].select(n);
    } catch (e) { return n === 1 ? 'one' : 'other'; }
  }
  function render(m, args) {
    if (typeof m === 'string') return m;
    if (!Array.isArray(m)) return '';
    return m.map(function (p) {
      if (typeof p === 'string') return p;
      var v;
      if (p.$ !== undefined) {
        v = args[p.$];
        return typeof v === 'number' ? YB.fmt(v) : (v === undefined || v === null ? '' : String(v));
      }
      if (p.select === undefined) return '';
      // As Fluent does: an exact key ([0], [male]) first, then the number's plural form.
      v = args[p.select];
      var variants = p.variants || {};
      var key = variants[String(v)] !== undefined ? String(v) : (typeof v === 'number' ? pluralOf(v, p.ordinal) : '');
      return render(variants[key] !== undefined ? variants[key] : variants[p['default']], args);
    }).join('');
  }
  /** The message `key` in the page's language, with its variables: YB.t('join-round', {round: 2, of: 10}). */
  YB.t = function (key, args) {
    var m = strings.messages[key];
    return m === undefined ? key : render(m, args || {});
  };

  var numberFormat = null;
  YB.fmt = function (n) {
    n = Number(n) || 0;
    try {
      if (!numberFormat) numberFormat = new Intl.NumberFormat(YB.lang);
      return numberFormat.format(n);
    } catch (e) { return String(n); }
  };
  /** 3rd, 3., 3.º: the page's language's ordinal. */
  YB.ordinal = function (n) { return YB.t('common-ordinal', { n: n }); };
  /**
   * Writes the message `key` into `node`, its number `args[name]` in <span id="{id}"> (the
   * server's `Tr::num_marked` in a script: tests and scripts read the number alone).
   */
  YB.tMarked = function (node, key, args, name, id) {
    var line = YB.t(key, args), num = YB.fmt(args[name]), at = line.indexOf(num);
    YB.clear(node);
    if (at < 0) { node.textContent = line; return node; }
    node.appendChild(document.createTextNode(line.slice(0, at)));
    node.appendChild(YB.el('span', { id: id, text: num }));
    node.appendChild(document.createTextNode(line.slice(at + num.length)));
    return node;
  };
  /** English-only count for pages not converted yet (the host's); guests' pages use YB.t. */
  YB.plural = function (n, one, many) { return n + ' ' + (n === 1 ? one : many); };

  /**
   * The guest's language: chosen with the switch (kept in localStorage, sent to the server as a
   * cookie so every page comes in it), else the browser's. A page says how the server chose its
   * language (`data-lang-source`); when the browser sent no Accept-Language, navigator.languages
   * decides here. Pages without the attribute are not in the guest's language yet.
   */
  var LANG_KEY = 'yearbook.lang';
  var LANG_COOKIE = 'yb_lang';
  function offered(tag) {
    tag = String(tag || '').toLowerCase().split(/[-_]/)[0];
    return (strings.languages || []).some(function (l) { return l.tag === tag; }) ? tag : null;
  }
  function langCookie() {
    var m = new RegExp('(?:^|;\\s*)' + LANG_COOKIE + '=([^;]*)').exec(document.cookie || '');
    return m ? m[1] : null;
  }
  function setLangCookie(tag, keep) {
    document.cookie = LANG_COOKIE + '=' + tag + '; path=' + (YB.base || '/') + '; SameSite=Lax' +
      (keep ? '; max-age=31536000' : '');
  }
  /** Reloads the page in `tag` (the server renders it); false when nothing changes. */
  YB.setLang = function (tag) {
    tag = offered(tag);
    if (!tag) return false;
    YB.local.set(LANG_KEY, tag);
    setLangCookie(tag, true);
    if (tag === YB.lang) return false;
    YB.reloading = true;
    location.reload();
    return true;
  };
  YB.reloading = false;
  function settleLang() {
    var source = document.documentElement.getAttribute('data-lang-source');
    if (!source) return;
    var chosen = offered(YB.local.get(LANG_KEY));
    var want = chosen;
    if (!want && source === 'default') {
      var asked = navigator.languages || [navigator.language];
      for (var i = 0; i < asked.length && !want; i++) want = offered(asked[i]);
    }
    // The cookie already saying so means the server would not change: no reload loop.
    if (want && want !== YB.lang && langCookie() !== want) {
      setLangCookie(want, !!chosen);
      YB.reloading = true;
      location.reload();
    }
  }
  function wireSwitch() {
    var picks = document.querySelectorAll('#lang-switch .lang-pick');
    Array.prototype.forEach.call(picks, function (b) {
      b.addEventListener('click', function () {
        if (!YB.setLang(b.getAttribute('data-lang'))) document.getElementById('lang-switch').open = false;
      });
    });
  }

  /**
   * Long names in fixed columns: shrink the type of each node that would be cut (down to `min` of
   * its size) instead of ending it with "…". Run it once the nodes are in the page.
   */
  YB.fitText = function (nodes, min) {
    Array.prototype.forEach.call(nodes, function (n) {
      n.style.fontSize = '';
      if (!n.clientWidth || n.scrollWidth <= n.clientWidth + 1) return;
      // Shrink from the element's own size, a few steps at most, until it fits.
      var base = parseFloat(window.getComputedStyle(n).fontSize) || 16;
      var scale = 1;
      for (var i = 0; i < 6 && n.scrollWidth > n.clientWidth + 1 && scale > (min || 0.7); i++) {
        scale = Math.max(min || 0.7, scale * (n.clientWidth / n.scrollWidth) - 0.01);
        n.style.fontSize = (base * scale).toFixed(2) + 'px';
      }
    });
  };

  YB.reducedMotion = function () {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  };

  /** localStorage that never throws (private mode, storage full, disabled cookies). */
  function safeStore(kind) {
    var s = null;
    try { s = window[kind]; var t = '__yb'; s.setItem(t, t); s.removeItem(t); } catch (e) { s = null; }
    var mem = {};
    return {
      get: function (k) { try { return s ? s.getItem(k) : (k in mem ? mem[k] : null); } catch (e) { return null; } },
      set: function (k, v) { try { if (s) s.setItem(k, v); else mem[k] = v; } catch (e) { mem[k] = v; } },
      remove: function (k) { try { if (s) s.removeItem(k); } catch (e) { /* ignore */ } delete mem[k]; }
    };
  }
  YB.local = safeStore('localStorage');
  YB.session = safeStore('sessionStorage');

  /** fetch + JSON; resolves {ok, status, data}; rejects only on network failure. */
  YB.fetchJson = function (path, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.headers) Object.keys(opts.headers).forEach(function (h) { headers[h] = opts.headers[h]; });
    return fetch(YB.url(path), {
      method: opts.method || (opts.body !== undefined ? 'POST' : 'GET'),
      headers: headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (res) {
      return res.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
        return { ok: res.ok, status: res.status, data: data };
      });
    });
  };

  /** The human sentence from an error JSON, or a fallback. */
  YB.errorText = function (r, fallback) {
    if (r && r.status === 429) return YB.t('common-too-many-tries');
    return (r && r.data && r.data.message) || fallback || YB.t('common-went-wrong');
  };

  /** A photo that retries a couple of times on flaky Wi-Fi before giving up. */
  YB.img = function (src, alt, cls, size) {
    var img = YB.el('img', { src: src, alt: alt, className: cls || '', decoding: 'async', draggable: 'false' });
    if (size) { img.width = size[0]; img.height = size[1]; }
    var tries = 0;
    img.addEventListener('error', function () {
      if (tries >= 3) { img.classList.add('broken'); return; }
      tries++;
      setTimeout(function () {
        img.src = src + (src.indexOf('?') < 0 ? '?' : '&') + 'retry=' + tries;
      }, 700 * tries);
    });
    return img;
  };

  /**
   * A WebSocket that comes back on its own.
   * opts: url, onOpen(sock) (send the first frame there), onMessage(msg), onStatus(connected), onClose(event)
   * Backoff 0.5 s doubling to 10 s with jitter; reconnects at once when the page becomes visible or the
   * network comes back; pings every 15 s and drops a socket that has been silent for 40 s.
   */
  function Socket(opts) {
    this.opts = opts;
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.beatTimer = null;
    this.openTimer = null;
    this.stopped = true;
    this.connected = false;
    this.lastRx = 0;
    var self = this;
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') self.wake();
    });
    window.addEventListener('online', function () { self.wake(); });
    window.addEventListener('pageshow', function (e) { if (e.persisted) self.wake(); });
    window.addEventListener('focus', function () { self.wake(); });
  }

  Socket.prototype.start = function () {
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  };

  Socket.prototype.connect = function () {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    var self = this;
    var ws;
    try { ws = new WebSocket(this.opts.url); } catch (e) { this.scheduleRetry(); return; }
    this.ws = ws;
    // A socket that never opens on bad Wi-Fi: give up on it after 10 s and try again.
    this.openTimer = setTimeout(function () { if (self.ws === ws && ws.readyState !== 1) self.drop(ws, null); }, 10000);
    ws.onopen = function () {
      if (self.ws !== ws) return;
      clearTimeout(self.openTimer);
      self.connected = true;
      self.lastRx = Date.now();
      self.startBeat();
      if (self.opts.onStatus) self.opts.onStatus(true);
      if (self.opts.onOpen) self.opts.onOpen(self);
    };
    ws.onmessage = function (ev) {
      if (self.ws !== ws) return;
      self.lastRx = Date.now();
      self.attempt = 0;
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'pong') return;
      if (self.opts.onMessage) self.opts.onMessage(msg);
    };
    ws.onclose = function (ev) { self.drop(ws, ev); };
    ws.onerror = function () { /* a close event follows */ };
  };

  /** Forget a socket at once (a dead one may take minutes to report its close). */
  Socket.prototype.drop = function (ws, ev) {
    if (this.ws !== ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try { ws.close(); } catch (e) { /* ignore */ }
    this.ws = null;
    clearTimeout(this.openTimer);
    clearInterval(this.beatTimer);
    var was = this.connected;
    this.connected = false;
    if (was && this.opts.onStatus) this.opts.onStatus(false);
    if (this.opts.onClose) this.opts.onClose(ev || { code: 1006, reason: 'timeout' });
    if (!this.stopped) {
      if (!was && this.opts.onStatus) this.opts.onStatus(false);
      this.scheduleRetry();
    }
  };

  Socket.prototype.scheduleRetry = function () {
    if (this.stopped || this.retryTimer) return;
    var self = this;
    var ceiling = Math.min(10000, 500 * Math.pow(2, this.attempt));
    var delay = ceiling / 2 + Math.random() * ceiling / 2;
    this.attempt = Math.min(this.attempt + 1, 10);
    this.retryTimer = setTimeout(function () { self.retryTimer = null; self.connect(); }, delay);
  };

  /** Page visible again, network back: reconnect now instead of waiting out the backoff. */
  Socket.prototype.wake = function () {
    if (this.stopped) return;
    if (this.ws && this.connected && Date.now() - this.lastRx > 20000) {
      // Probably a socket that died while the phone slept: check it, drop it if it stays silent.
      this.send({ type: 'ping' });
      var self = this, ws = this.ws, seen = this.lastRx;
      setTimeout(function () { if (self.ws === ws && self.lastRx === seen) self.drop(ws, null); }, 4000);
      return;
    }
    if (!this.ws) { this.attempt = 0; this.connect(); }
  };

  Socket.prototype.startBeat = function () {
    var self = this;
    clearInterval(this.beatTimer);
    this.beatTimer = setInterval(function () {
      if (!self.ws || !self.connected) return;
      if (Date.now() - self.lastRx > 40000) { self.drop(self.ws, null); return; }
      self.send({ type: 'ping' });
    }, 15000);
  };

  Socket.prototype.send = function (obj) {
    if (!this.ws || this.ws.readyState !== 1) return false;
    try { this.ws.send(JSON.stringify(obj)); return true; } catch (e) { return false; }
  };

  /** Stop for good (kicked, replaced, wrong key). start() again to resume. */
  Socket.prototype.stop = function () {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws) {
      var ws = this.ws;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch (e) { /* ignore */ }
      this.ws = null;
    }
    clearTimeout(this.openTimer);
    clearInterval(this.beatTimer);
    if (this.connected && this.opts.onStatus) this.opts.onStatus(false);
    this.connected = false;
  };

  YB.Socket = Socket;

  function hostKeyStore(code) { return 'yearbook.hostkey.' + code; }
  /**
   * A room's host key (projector and phone remote): from the URL fragment (`#key=…`, never a
   * query string), then kept in storage and taken off the address bar, so a reload finds it and
   * nobody reads it off the screen. null when this browser was never given it.
   */
  YB.hostKey = function (code) {
    var store = hostKeyStore(code);
    var h = location.hash ? location.hash.slice(1) : '';
    var m = /(?:^|&)key=([^&]*)/.exec(h);
    if (m && m[1]) {
      var k;
      try { k = decodeURIComponent(m[1]); } catch (e) { k = m[1]; }
      YB.session.set(store, k);
      YB.local.set(store, k);
      try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* ignore */ }
      return k;
    }
    return YB.session.get(store) || YB.local.get(store);
  };
  /** Forgets a host key the server refused. */
  YB.forgetHostKey = function (code) {
    YB.local.remove(hostKeyStore(code));
    YB.session.remove(hostKeyStore(code));
  };

  /** A clock that only moves forward (a wall clock can jump when the laptop syncs its time). */
  var now = (window.performance && typeof performance.now === 'function')
    ? function () { return performance.now(); }
    : function () { return Date.now(); };

  /**
   * Countdown from a server's remaining_ms: every `round` or `state` restarts it from what the
   * server says. onTick(msLeft, fraction) about 10 times a second. Given a `key` (the round), a
   * restart for the same key never shows more time than is shown now: after an outage the phone
   * kept counting while the server may have stopped or given extra time, and a timer that jumps
   * up reads as a glitch. It holds still until the server's time comes down to it; a server that
   * says less is followed at once.
   */
  function Countdown(onTick) {
    this.onTick = onTick;
    this.deadline = 0;
    this.total = 1;
    this.timer = null;
    this.key = undefined;
    this.cap = Infinity;     // the most time shown from now on (ms), while held after a restart
    this.frozen = null;      // the time shown while paused (ms), or null
  }
  Countdown.prototype.left = function () {
    if (this.frozen !== null) return this.frozen;
    return Math.max(0, Math.min(this.cap, this.deadline - now()));
  };
  /** What is shown now, if this restart is for the same `key`; else no limit. */
  Countdown.prototype.shownFor = function (key) {
    return key !== undefined && key === this.key ? this.left() : Infinity;
  };
  Countdown.prototype.start = function (remainingMs, totalMs, key) {
    var self = this;
    var remaining = Math.max(0, Number(remainingMs) || 0);
    var shown = this.shownFor(key);
    this.key = key;
    this.frozen = null;
    this.deadline = now() + remaining;
    this.cap = remaining > shown ? shown : Infinity;
    this.total = Math.max(1, Number(totalMs) || remaining || 1);
    clearInterval(this.timer);
    var tick = function () {
      var left = self.left();
      if (left < self.cap) self.cap = Infinity;   // the server's time caught up: follow it
      self.onTick(left, Math.min(1, left / self.total));
      if (left <= 0) { clearInterval(self.timer); self.timer = null; }
    };
    tick();
    this.timer = setInterval(tick, 100);
  };
  Countdown.prototype.stop = function () { clearInterval(this.timer); this.timer = null; };
  /**
   * Paused by the host: shows remainingMs (never more than is shown now, for the same key) and
   * stands still there until the next start().
   */
  Countdown.prototype.hold = function (remainingMs, totalMs, key) {
    this.stop();
    var left = Math.min(Math.max(0, Number(remainingMs) || 0), this.shownFor(key));
    this.key = key;
    this.cap = Infinity;
    this.frozen = left;
    this.total = Math.max(1, Number(totalMs) || left || 1);
    this.deadline = now() + left;
    this.onTick(left, Math.min(1, left / this.total));
  };
  YB.Countdown = Countdown;

  /**
   * Starts downloading photos into the browser's cache: a round's the moment its message arrives,
   * before anything is drawn, so the four appear together; the next round's (`slot` 'next', from a
   * `preload` message) while the current screen is still up. Each slot's images stay referenced
   * until that slot is filled again (or they may be dropped mid-download).
   */
  var preloading = {};
  YB.preload = function (urls, slot) {
    var kept = preloading[slot || 'now'] = [];
    (urls || []).forEach(function (u) {
      if (!u || typeof u !== 'string') return;
      var im = new Image();
      im.decoding = 'async';
      im.src = u;
      kept.push(im);
    });
  };

  /**
   * Calls `done` once `img` is loaded and decoded, so it paints at once (at most one call); also
   * once YB.img gave up on it (marked `broken`), so a photo that never comes never locks a tile.
   */
  YB.whenShown = function (img, done) {
    var called = false;
    var once = function () { if (!called) { called = true; done(); } };
    var ready = function () {
      if (img.decode) img.decode().then(once, once); else once();
    };
    if (img.classList.contains('broken')) { once(); return; }
    if (img.complete && img.naturalWidth > 0) ready();
    else img.addEventListener('load', ready);
    // YB.img's own listener, added first, marks the last failure `broken` before this one runs.
    img.addEventListener('error', function () { if (img.classList.contains('broken')) once(); });
  };

  /** Every photo URL of one size in a round-like message ({prompt, choices}). */
  YB.photoUrls = function (m, key) {
    var out = [];
    var other = key === 'thumb' ? 'photo' : 'thumb';
    var add = function (o) { if (o && (o[key] || o[other])) out.push(o[key] || o[other]); };
    if (m) { add(m.prompt); (m.choices || []).forEach(add); }
    return out;
  };

  /**
   * Screen Wake Lock where the browser has it (it needs a secure context: on plain-HTTP LAN hosting
   * it is simply absent). request() again after the page comes back into view.
   */
  function Wake() { this.lock = null; this.wanted = false; var self = this;
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && self.wanted) self.request();
    });
  }
  Wake.prototype.request = function () {
    this.wanted = true;
    var self = this;
    if (this.lock || !('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
    try {
      navigator.wakeLock.request('screen').then(function (w) {
        self.lock = w;
        w.addEventListener('release', function () { if (self.lock === w) self.lock = null; });
        if (!self.wanted) self.release();
      }, function () { /* not allowed now (battery saver, no user gesture yet) */ });
    } catch (e) { /* ignore */ }
  };
  Wake.prototype.release = function () {
    this.wanted = false;
    if (this.lock) { var w = this.lock; this.lock = null; try { w.release(); } catch (e) { /* ignore */ } }
  };
  YB.Wake = Wake;

  /** Choices are {photo, thumb} or {name}; prompts {name, known_as} or {photo, thumb}. */
  YB.isPhotoMode = function (mode, choices) {
    if (mode === 'photo_to_name') return false;
    if (mode === 'name_to_photo') return true;
    return !!(choices && choices[0] && (choices[0].photo || choices[0].thumb));
  };

  settleLang();
  wireSwitch();
})();
