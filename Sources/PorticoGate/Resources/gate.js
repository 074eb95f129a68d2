/* Portico gate v2: decrypts a gated page in the browser (docs/design/gate-format.md) and
   enhances the page (brand colours, images, watermark, sign-out, feedback, search).
   No dependencies. Loaded without a DOM (Node tests) it only defines its helpers and exports
   them as globalThis.PorticoGateInternals. */
(function () {
  'use strict';
  var G = globalThis, S = G.crypto.subtle, enc = new TextEncoder(), VERSION = 2;

  // ---- bytes and base64 ----
  function bytes(s) { return typeof s === 'string' ? enc.encode(s) : s; }
  function unb64(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s, { lastChunkHandling: 'loose' });   // native: a page is ~40 kB
    var b = atob(s + '==='.slice((s.length + 3) % 4)), a = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) a[i] = b.charCodeAt(i);
    return a;
  }
  function b64(a) {
    a = new Uint8Array(a);
    for (var s = '', i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
    return btoa(s);
  }
  function b64u(a) { return b64(a).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''); }
  function isKey(k) { return typeof CryptoKey !== 'undefined' && k instanceof CryptoKey; }
  function raw(k) { return typeof k === 'string' ? unb64(k) : k; }   // base64 text or bytes

  // ---- crypto ----
  function hkdfKey(ikm) { return S.importKey('raw', bytes(ikm), 'HKDF', false, ['deriveBits']); }
  async function hkdf(ikm, info, n) {   // ikm: bytes, or an HKDF CryptoKey (one import for several derivations)
    var k = isKey(ikm) ? ikm : await hkdfKey(ikm);
    return new Uint8Array(await S.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('portico/v1'), info: enc.encode(info) }, k, n * 8));
  }
  async function hmac(key, msg) {   // key: bytes, or a non-extractable HMAC CryptoKey
    var k = isKey(key) ? key : await S.importKey('raw', bytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await S.sign('HMAC', k, bytes(msg)));
  }
  async function open(key, iv, ct, ad) {   // AES-256-GCM, ct = ciphertext || tag; key: bytes or CryptoKey
    var k = isKey(key) ? key : await S.importKey('raw', bytes(key), 'AES-GCM', false, ['decrypt']);
    return new Uint8Array(await S.decrypt({ name: 'AES-GCM', iv: iv, additionalData: enc.encode(ad) }, k, ct));
  }
  function unpad(m) {   // P || 0x80 || 0x00...
    var i = m.length - 1;
    while (i >= 0 && m[i] === 0) i--;
    if (i < 0 || m[i] !== 0x80) throw new Error('padding');
    return m.slice(0, i);
  }

  // ---- format ----
  // Each WebCrypto call is a trip to another thread and back through this page's task queue: independent ones at once.
  async function deriveFromToken(token, kc) {
    var t = unb64(token);
    if (t.length !== 16) throw new Error('token');
    var k = await hkdfKey(t), d = await Promise.all([hkdf(k, 'id\0' + kc, 9), hkdf(k, 'wrap', 32), hkdf(k, 'feedback\0' + kc, 32)]);
    return { keyId: b64u(d[0]), wrapKeyB64: b64(d[1]), feedbackKeyB64: b64(d[2]) };
  }
  async function keyCheck(kB64) { return b64u(await hkdf(unb64(kB64), 'check', 12)); }
  async function unwrap(entry, wrapKeyB64, path) {   // -> {k, v, n, x}
    return JSON.parse(new TextDecoder().decode(unpad(
      await open(unb64(wrapKeyB64), unb64(entry.iv), unb64(entry.ct), 'portico-keyring\0' + path))));
  }
  // The AES key of pages and assets: a CryptoKey already, or derived from the base64 content key.
  async function aesKey(k) { return isKey(k) ? k : hkdf(unb64(k), 'aes-gcm', 32); }
  // What a browser keeps: non-extractable keys, usable here, never readable as bytes by any script.
  async function sessionKeys(kB64, fkB64) {
    var k = await Promise.all([
      hkdf(unb64(kB64), 'aes-gcm', 32).then(function (b) { return S.importKey('raw', b, 'AES-GCM', false, ['decrypt']); }),
      S.importKey('raw', unb64(fkB64), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    ]);
    return { aes: k[0], fk: k[1] };
  }
  async function decryptPage(page, key, path) {
    return new TextDecoder('utf-8', { fatal: true }).decode(unpad(
      await open(await aesKey(key), unb64(page.iv), unb64(page.ct), 'portico-page\0' + path + '\0' + page.p)));
  }
  async function decryptAsset(file, key, path, name) {   // file = iv (12) || ct
    file = new Uint8Array(raw(file));
    return unpad(await open(await aesKey(key), file.slice(0, 12), file.slice(12), 'portico-asset\0' + path + '\0' + name));
  }
  async function proof(fk, body) { return b64u(await hmac(isKey(fk) ? fk : unb64(fk), body)); }
  // The file must be at <any prefix>/<account path>/<page path> (or its folder, for index.html).
  function servedAt(pathname, accountPath, pagePath) {
    var want = '/' + accountPath + '/' + pagePath, here;
    try { here = decodeURIComponent(pathname); } catch (_) { return false; }
    function ends(x) { return here.length >= x.length && here.slice(here.length - x.length) === x; }
    return ends(want) || (/(^|\/)index\.html$/.test(pagePath) && ends(want.slice(0, -'index.html'.length)));
  }

  // ---- search matching (pure) ----
  var CJ = '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]',
    CJK = new RegExp(CJ, 'u'), SEP = /[^\p{L}\p{N}]+/u;
  function norm(t) { return String(t || '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase(); }
  // ' w1 w2 …': Latin words, and each CJK character on its own (so 'AI' in '使用AI' is a word)
  function words(t) { return ' ' + norm(t).replace(new RegExp(CJ, 'gu'), ' $& ').split(SEP).join(' '); }
  function hit(term, text, w) { return CJK.test(term) ? text.indexOf(term) >= 0 : w.indexOf(' ' + term) >= 0; }
  function prepare(idx) {
    return idx.map(function (e) {
      var all = [e.t, e.s, e.k, e.x].join(' ');
      return { e: e, tt: norm(e.t), tw: words(e.t), at: norm(all), aw: words(all) };
    });
  }
  function find(rows, query) {   // -> index entries, title hits first, else index order
    var terms = norm(query).split(SEP).filter(Boolean), res = [];
    if (!terms.length) return res;
    rows.forEach(function (r, i) {
      if (!terms.every(function (q) { return hit(q, r.at, r.aw); })) return;
      res.push({ e: r.e, score: terms.filter(function (q) { return hit(q, r.tt, r.tw); }).length * 1e6 - i });
    });
    return res.sort(function (a, b) { return b.score - a.score; }).map(function (x) { return x.e; });
  }

  var I = {
    unb64: unb64, b64: b64, b64u: b64u, hkdf: hkdf, hmac: hmac, open: open, unpad: unpad,
    deriveFromToken: deriveFromToken, keyCheck: keyCheck, unwrap: unwrap, sessionKeys: sessionKeys,
    decryptPage: decryptPage, decryptAsset: decryptAsset, proof: proof, servedAt: servedAt,
    prepare: prepare, find: find
  };
  if (typeof document === 'undefined') { G.PorticoGateInternals = I; return; }
  if (G.PorticoGate) return;   // loaded twice
  G.PorticoGate = { deriveFromToken: deriveFromToken };

  // ---- DOM helpers ----
  var doc = document;
  // A page opened by a stored session waits longest for the browser to open the key store (tens of ms): it is asked
  // first, before the rest of this script runs. A magic link needs it only after the page is shown, and opening it
  // first would hold the decryption up.
  var conn = null;
  if (!/(^#|&)k=/.test(location.hash) && doc.getElementById('portico-keyring')) connect().catch(function () {});
  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function readJSON(id) { var e = doc.getElementById(id); try { return e && JSON.parse(e.textContent); } catch (_) { return null; } }
  function today() { return new Date(Date.now() - new Date().getTimezoneOffset() * 6e4).toISOString().slice(0, 10); }

  // ---- key store ----
  // Sessions live in IndexedDB as non-extractable CryptoKeys: a script on this origin can use them while it runs
  // but never read their bytes (hosting.md asks for an origin of the portal's own). Web Storage holds only a
  // random tab id, which stands in for sessionStorage's "this tab only": a tab's record opens pages in that tab;
  // the "device" record ("remember this device") opens them in any tab until the viewer's expiry.
  var DAY = 864e5;
  // One connection per page, opened as soon as the script runs. The first open in a new profile creates the database
  // and is slow: only reading a stored session waits for it, storing one happens after the page is shown.
  function connect() {
    if (!conn) conn = new Promise(function (ok, no) {
      var r = G.indexedDB.open('portico', 1);
      r.onupgradeneeded = function () { r.result.createObjectStore('keys'); };
      r.onerror = function () { conn = null; no(r.error); };
      r.onsuccess = function () {
        var db = r.result;
        function close() { db.close(); conn = null; }
        db.onversionchange = close;   // another page deletes or upgrades it
        G.addEventListener('pagehide', close);   // the page is left: no connection kept from a page in the back/forward cache
        ok(db);
      };
    });
    return conn;
  }
  function idb(mode, fn) {   // fn(objectStore) in one transaction; resolves with its request's result
    return connect().then(function (db) {
      return new Promise(function (ok, no) {
        var t = db.transaction('keys', mode), q = fn(t.objectStore('keys'));
        t.oncomplete = function () { ok(q && q.result); };
        t.onabort = t.onerror = function () { no(t.error); };
      });
    });
  }
  function load(id) { return idb('readonly', function (st) { return st.get(id); }).catch(function () { return null; }); }
  // Two records in one transaction, as soon as the second is read: the transaction's end is one more trip to the
  // browser's database, which a read need not wait for.
  function loadBoth(a, b) {
    return connect().then(function (db) {
      return new Promise(function (ok, no) {
        var t = db.transaction('keys', 'readonly'), st = t.objectStore('keys'), qa = st.get(a), qb = st.get(b);
        qb.onsuccess = function () { ok([qa.result, qb.result]); };
        t.onabort = t.onerror = function () { no(t.error); };
      });
    }).catch(function () { return [null, null]; });
  }
  function save(id, rec) {
    return idb('readwrite', function (st) { return rec ? st.put(rec, id) : st.delete(id); }).catch(function () {});
  }
  function stale(rec) { return !!(rec && rec.tab && !(rec.t > Date.now() - DAY)); }
  function sweep() {   // tab records idle for a day: their tab is most likely closed
    return idb('readwrite', function (st) {
      var c = st.openCursor();
      c.onsuccess = function () {
        var cur = c.result;
        if (!cur) return;
        if (stale(cur.value)) cur.delete();
        cur.continue();
      };
    }).catch(function () {});
  }
  function tabId() {
    var ss = null, t = null;
    try { ss = G.sessionStorage; t = ss.getItem('portico:tab'); } catch (_) {}
    if (!t) {
      t = b64u(G.crypto.getRandomValues(new Uint8Array(12)));
      try { ss.setItem('portico:tab', t); } catch (_) {}
    }
    return t;
  }
  function dropLegacy(path) {   // format v1 kept the raw keys in Web Storage
    ['sessionStorage', 'localStorage'].forEach(function (kind) {
      try { G[kind].removeItem('portico:' + path); } catch (_) {}
    });
  }
  function record(s, tab) {
    return { aes: s.aes, fk: s.fk, kc: s.kc, v: s.v, n: s.n, x: s.x, tab: tab, t: Date.now() };
  }

  // ---- gate ----
  // Marks in the page's performance timeline (bench/first_open.py reads them): where a first open spends its time.
  function mark(name) { try { G.performance.mark('portico:' + name); } catch (_) {} }
  // The gate page's notice is hidden until the script knows what to say, so a page that opens at once never lays out
  // or paints it; "working" is shown only if opening takes longer than SLOW_MS.
  var SLOW_MS = 300, decided = false;
  function show(state) {   // the gate page's body may not be parsed yet when the script runs from its head
    var p = parsed();
    if (p) return p.then(function () { show(state); });
    if (state === 'working' ? decided : !(decided = true)) return;
    var box = doc.getElementById('portico-gate');
    if (box) box.hidden = false;
    $$('#portico-gate [data-state]').forEach(function (e) { e.hidden = e.getAttribute('data-state') !== state; });
  }

  // Opens the page with as little as possible in between: the keys come from the token (no storage read) or from
  // this tab's record, the page is decrypted and swapped in, and only then is the session stored, the device record
  // refreshed and old tab records swept (c.ready: sign-out and "remember" wait for it).
  async function gate(ring, page) {
    var path = ring.a, s, m, book, tab = null, c = {
      path: path, device: 'device\n' + path,
      get tab() { return tab || (tab = 'tab\n' + tabId() + '\n' + path); }   // Web Storage is slow the first time: when needed
    };
    G.setTimeout(function () { show('working'); }, SLOW_MS);
    m = /(?:^#|&)k=([A-Za-z0-9_-]+)/.exec(location.hash);
    if (m) history.replaceState(history.state, '', location.pathname + location.search);
    if (ring.v !== VERSION || page.v !== VERSION) {
      if (G.console) console.error('Portico: this page is in gate format v' + page.v + ', this script reads v' + VERSION + '; rebuild the site');
      return show('damaged');
    }
    // A whole page copied to another path, or into another account's folder, decrypts: refuse it here.
    if (!servedAt(location.pathname, path, page.p)) return show('damaged');
    mark('gate');
    if (m) {
      var d, e, o;
      try { d = await deriveFromToken(m[1], ring.kc); } catch (_) { return show('invalid'); }
      e = (ring.e || []).filter(function (x) { return x.id === d.keyId; })[0];
      if (!e) return show('invalid');
      try {
        o = await unwrap(e, d.wrapKeyB64, path);
        var checked = await Promise.all([keyCheck(o.k), sessionKeys(o.k, d.feedbackKeyB64)]), keys = checked[1];
        if (checked[0] !== ring.kc) throw 0;
      } catch (_) { return show('damaged'); }
      s = { aes: keys.aes, fk: keys.fk, kc: ring.kc, v: o.v, n: o.n, x: o.x };
      book = async function () {
        await save(c.tab, record(s, true));
        if (await load(c.device)) await save(c.device, record(s, false));   // remembered device: keep the newest key
      };
    } else {
      var recs = await loadBoth(c.tab, c.device);
      s = recs[0];
      if (stale(s)) s = null;   // what the sweep deletes opens nothing
      if (s) book = function () { return save(c.tab, record(s, true)); };   // still in use
      else {
        s = recs[1];
        if (s && s.x && s.x < today()) { await save(c.device, null); s = null; }
      }
      if (!s) { sweep(); return show('locked'); }
      if (s.kc !== ring.kc) { await save(c.tab, null); await save(c.device, null); sweep(); return show('changed'); }
    }
    mark('keys');
    var html;
    try { html = await decryptPage(page, s.aes, path); } catch (_) {
      if (book) await book().catch(function () {});   // the link was good: its session opens the undamaged pages
      return show('damaged');
    }
    mark('decrypted');
    var nd = new DOMParser().parseFromString(html, 'text/html');
    c.s = s;
    c.page = page.p;
    await parsed();
    swap(nd);
    brand();
    watermark(c);
    mark('swapped');
    // A task of its own, after this one has shown the page (the tab id is read from Web Storage, slow the first time).
    c.ready = new Promise(function (ok) { G.setTimeout(ok, 0); })
      .then(function () { return book && book(); }).then(sweep).catch(function () {})
      .then(function () { return load(c.device); })
      .then(function (dev) { mark('stored'); return !!dev; });
    c.shown = here();
    links(c);
    // The rest in a task of its own, the page's text shown first: the images (a first fetch costs 5-10 ms),
    // listeners, forms, search and reading.
    later(c);
  }

  // ---- in-page navigation ----
  // The next page of this account is opened without leaving the document: the keys are in memory, so a click fetches
  // the page's sealed file, checks and decrypts it exactly as a first open does, swaps it in and pushes its address.
  // Opening a new document would wait tens of ms for the browser's key store. Whatever is not a page of this account,
  // and any page that does not open here (another keyring, a changed viewer set, a damaged file, a fetch error), is
  // left to an ordinary navigation, where the gate says what is wrong. Until the session is stored (c.ready) such a
  // navigation waits for it, or the next page would open on the locked screen.
  var PREFETCH_MS = 10000;
  function here() { return location.pathname + location.search; }
  function links(c) {
    var stored = false, seq = 0, early = {};
    c.ready.then(function () { stored = true; });
    c.base = accountFolder(c.page);
    try { history.scrollRestoration = 'manual'; } catch (_) {}   // a page comes back after its text: scrolled by visit()
    function follow(a, url) { if (stored) location.assign(url); else c.ready.then(function () { location.assign(url); }); }
    function target(ev) {   // the link a plain click follows in this tab, or null
      var a = ev.target && ev.target.closest ? ev.target.closest('a[href]') : null;
      if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return null;
      if ((a.target && a.target !== '_self') || a.hasAttribute('download') || a.origin !== location.origin) return null;
      if (a.pathname + a.search === here()) return null;   // a fragment of this page
      return a;
    }
    function ours(a) {   // a page of this account: under its folder, a folder or an .html file
      var at;
      try { at = decodeURIComponent(a.pathname); } catch (_) { return false; }
      return a.origin === location.origin && at.indexOf(c.base) === 0 && /(\/|\.html)$/.test(at);
    }
    doc.addEventListener('click', function (ev) {
      var a = target(ev);
      if (!a) return;
      if (ours(a)) { ev.preventDefault(); visit(a.href, true); }
      else if (!stored) { ev.preventDefault(); follow(a, a.href); }
    });
    // A pointer on a link for a moment, or pressed on it: the sealed file is asked for before the click.
    var hover = null;
    function prefetch(ev) {
      var a = ev.target && ev.target.closest ? ev.target.closest('a[href]') : null;
      G.clearTimeout(hover);
      if (!a || !ours(a) || a.pathname + a.search === here()) return;
      if (ev.type === 'pointerdown') fetchPage(a.href);
      else hover = G.setTimeout(function () { fetchPage(a.href); }, 65);
    }
    doc.addEventListener('pointerover', prefetch, { passive: true });
    doc.addEventListener('pointerdown', prefetch, { passive: true });
    function fetchPage(url) {
      var key = url.split('#')[0], got = early[key], now = Date.now();
      if (got && now - got.t < PREFETCH_MS) return got.p;
      Object.keys(early).forEach(function (k) { if (now - early[k].t >= PREFETCH_MS) delete early[k]; });   // kept 10 s
      got = early[key] = { t: now, p: fetch(key, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok || r.redirected || !/^text\/html/.test(r.headers.get('Content-Type') || '')) throw new Error('not a page');
        return r.text();
      }) };
      got.p.catch(function () {});
      return got.p;
    }
    // A remembered scroll position per history entry, for back and forward.
    var saving = null;
    G.addEventListener('scroll', function () {
      G.clearTimeout(saving);
      saving = G.setTimeout(function () { keepScroll(); }, 150);
    }, { passive: true });
    function keepScroll() {
      var st = history.state && typeof history.state === 'object' ? history.state : {};
      try { history.replaceState(Object.assign({}, st, { porticoScroll: [G.scrollX, G.scrollY] }), ''); } catch (_) {}
    }
    G.addEventListener('popstate', function (ev) {
      var st = ev.state && ev.state.porticoScroll;
      if (here() === c.shown) { if (st) G.scrollTo(st[0], st[1]); return; }   // a fragment of the page shown
      visit(location.href, false, st);
    });
    async function visit(url, push, scroll) {
      var my = ++seq, page, html;
      mark('visit');
      try {
        var text = await fetchPage(url);
        delete early[url.split('#')[0]];
        mark('visit-fetched');
        var d = new DOMParser().parseFromString(text, 'text/html'), ring = jsonIn(d, 'portico-keyring');
        page = jsonIn(d, 'portico-page');
        if (!ring || !page || ring.v !== VERSION || page.v !== VERSION) throw new Error('not a gated page');
        if (ring.a !== c.path || ring.kc !== c.s.kc || (c.s.x && c.s.x < today())) throw new Error('another key');
        if (!servedAt(new URL(url).pathname, c.path, page.p)) throw new Error('moved');
        html = await decryptPage(page, c.s.aes, c.path);
        mark('visit-decrypted');
      } catch (_) {
        if (my !== seq) return;
        if (push) follow(null, url); else location.reload();   // popped: the address is already this page's
        return;
      }
      if (my !== seq) return;   // a later click won
      var nd = new DOMParser().parseFromString(html, 'text/html');
      if (c.reading) c.reading.stop();   // the page left: its reading signals go now
      c.reading = null;
      if (push) { keepScroll(); history.pushState({}, '', url); }
      c.page = page.p;
      c.shown = here();
      swap(nd);
      watermark(c);
      mark('swapped');
      // Scrolling and focus need the new page laid out: in the frame's own layout, not in one forced here first.
      G.requestAnimationFrame(function () { if (my === seq) arrive(scroll); });
      later(c);
    }
    function arrive(scroll) {
      var hash = location.hash.slice(1), anchor = null;
      try { anchor = hash && doc.getElementById(decodeURIComponent(hash)); } catch (_) {}
      if (scroll) G.scrollTo(scroll[0], scroll[1]);
      else if (anchor) anchor.scrollIntoView();
      else G.scrollTo(0, 0);
      // as a new document would: a screen reader starts at the page's heading
      var h = $('main h1') || $('main') || doc.body;
      if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
      h.focus({ preventScroll: true });
    }
  }
  function later(c) {   // wires the page shown, unless another has been swapped in meanwhile
    var view = c.view = (c.view || 0) + 1;
    G.setTimeout(function () { if (c.view === view) { assets(c, doc); enhance(c, true); } }, 0);
  }
  function accountFolder(p) {   // the decoded address of this account's folder (servedAt held: the address ends with p)
    var at = decodeURIComponent(location.pathname), tail = at.slice(-p.length) === p ? p : p.replace(/index\.html$/, '');
    return at.slice(0, at.length - tail.length);
  }
  function jsonIn(d, id) { var e = d.getElementById(id); try { return e && JSON.parse(e.textContent); } catch (_) { return null; } }
  function parsed() {   // the gate page's parser is done (an async gate.js may run before the last bytes)
    return doc.readyState !== 'loading' ? null : new Promise(function (ok) { doc.addEventListener('DOMContentLoaded', ok); });
  }
  // Replaces the gate page by the decrypted one. A stylesheet both pages link stays the same element: a new one
  // would load again and, inserted by script, would not hold rendering back, so the page would flash unstyled.
  // The other nodes both heads have (charset, viewport, color-scheme …) stay too: inserted again, each would be
  // processed again (a new viewport or color scheme restyles the whole page).
  function swap(nd) {
    var root = doc.documentElement, head = doc.head, old = Array.prototype.slice.call(head.childNodes), last = -1, prev = null;
    Array.prototype.slice.call(root.attributes).forEach(function (a) {   // a page opened in place: the last one's go
      if (a.name !== 'style' && !nd.documentElement.hasAttribute(a.name)) root.removeAttribute(a.name);
    });
    Array.prototype.forEach.call(nd.documentElement.attributes, function (a) {
      if (a.name !== 'style') root.setAttribute(a.name, a.value);
    });
    var nodes = Array.prototype.slice.call(nd.head.childNodes).map(function (n) {
      var i = old.findIndex(function (o, j) { return j > last && same(o, n); });
      if (i > last) { last = i; return old[i]; }   // kept in the same order only
      return doc.adoptNode(n);
    });
    Array.prototype.slice.call(head.childNodes).forEach(function (n) { if (nodes.indexOf(n) < 0) head.removeChild(n); });
    nodes.forEach(function (n) {
      if (n.parentNode !== head) head.insertBefore(n, prev ? prev.nextSibling : head.firstChild);
      prev = n;
    });
    root.replaceChild(doc.adoptNode(nd.body), doc.body);
  }
  function same(a, b) {   // the same node; a link: the same resolved address, the same other attributes
    if (a.nodeName !== b.nodeName) return false;
    if (b.nodeName !== 'LINK') return a.isEqualNode(b);
    if (a.attributes.length !== b.attributes.length) return false;
    return Array.prototype.every.call(b.attributes, function (x) {
      if (x.name !== 'href') return a.getAttribute(x.name) === x.value;
      try { return new URL(x.value, location.href).href === a.href; } catch (_) { return false; }
    });
  }

  // ---- enhancements (gated and preview) ----
  function brand() {
    var root = doc.documentElement;
    ['accent', 'accent-ink', 'accent-soft', 'on-accent'].forEach(function (n) {   // CSSOM: allowed by CSP
      var v = root.getAttribute('data-brand-' + n);
      if (v) root.style.setProperty('--' + n, v);
    });
  }
  // Images and linked files (PDFs …) are encrypted; show or link them through blob: URLs.
  function assets(c, root) {
    $$('[data-portico-asset]', root).forEach(function (el) {
      fetch(el.getAttribute('data-portico-asset'))
        .then(function (r) { if (!r.ok) throw 0; return r.arrayBuffer(); })
        .then(function (buf) { return decryptAsset(buf, c.s.aes, c.path, el.getAttribute('data-portico-name')); })
        .then(function (pt) {
          var url = URL.createObjectURL(new Blob([pt], { type: el.getAttribute('data-portico-type') || '' }));
          if (el.tagName === 'A') { el.href = url; el.download = el.getAttribute('data-portico-name').split('/').pop(); } else el.src = url;
        })
        .catch(function () {});
    });
  }
  function watermark(c) {
    $$('[data-portico-watermark]').forEach(function (e) {
      e.textContent = (e.getAttribute('data-label') || '{name}').replace('{name}', c.s.n || c.s.v);
    });
  }
  // shown: the gate has already branded the page and written its watermark.
  function enhance(c, shown) {
    var s = c && c.s;
    if (!shown) brand();
    // Tag filters on list pages: one tag at a time; pressing it again shows every card.
    var chips = $$('[data-portico-tag]');
    chips.forEach(function (b) {
      b.addEventListener('click', function () {
        var on = b.getAttribute('aria-pressed') !== 'true', tag = on ? ' ' + b.getAttribute('data-portico-tag') + ' ' : null;
        chips.forEach(function (o) { o.setAttribute('aria-pressed', o === b && on ? 'true' : 'false'); });
        $$('.pt-card[data-tags]').forEach(function (card) { card.hidden = !!tag && card.getAttribute('data-tags').indexOf(tag) < 0; });
      });
    });
    if (s) {
      $$('[data-portico-signout]').forEach(function (e) {
        e.addEventListener('click', function (ev) {
          ev.preventDefault();
          c.ready.then(function () { return Promise.all([save(c.tab, null), save(c.device, null)]); })
            .then(function () { location.reload(); });
        });
      });
      $$('input[data-portico-remember]').forEach(function (e) {
        var touched = false;
        c.ready.then(function (remembered) {   // on a page opened in place, what was chosen on an earlier one
          if (c.remembered === undefined) c.remembered = remembered;
          if (!touched) e.checked = c.remembered;
        });
        e.addEventListener('change', function () {
          touched = true;
          c.remembered = e.checked;
          c.ready.then(function () { return save(c.device, e.checked ? record(s, false) : null); });
        });
      });
    }
    $$('form[data-portico-feedback], form[data-portico-workshop]').forEach(function (f) { feedback(f, s); });
    search(c);
    reading(c);
  }

  // ---- reading signals (docs/engagement.md) ----
  // Per page view: when it began, active seconds (tab visible and the reader active in the last 30 s), the deepest
  // point of the page that has been on screen, and clicks on the account's files. Sent with sendBeacon when the tab
  // is hidden or the page left; the batch is signed ahead of time (every 2 s), because WebCrypto answers too late
  // for a page that is unloading. Nothing is sent when the portal has reading off (no footer line), the reader
  // turned it off here, or the browser sends Global Privacy Control.
  var READING_OFF = 'portico:reading-off', ACTIVE_MS = 30000, MAX_ACTIVE = 14400, MAX_EVENTS = 50;
  function readingRefused() {
    if (G.navigator && G.navigator.globalPrivacyControl === true) return 'gpc';
    try { if (G.localStorage.getItem(READING_OFF) === '1') return 'reader'; } catch (_) {}
    return '';
  }
  function reading(c) {
    var box = $('[data-portico-reading]');
    if (!box) return;
    if (!c || !c.s || !c.s.fk) { box.hidden = true; return; }   // preview or unencrypted: no key, nothing recorded
    var view = c.view;   // reads Web Storage (slow the first time): after the page is shown
    G.setTimeout(function () { if (c.view === view) c.reading = readingFor(c, box); }, 0);
  }
  function readingFor(c, box) {
    var share = $('[data-portico-reading-share]', box), status = $('[data-portico-reading-status]', box),
      refused = readingRefused();
    if (refused === 'gpc') {
      if (share) { share.checked = false; share.disabled = true; }
      if (status) { status.textContent = status.getAttribute('data-gpc') || ''; status.hidden = false; }
      return;
    }
    var rec = recorder(c, box.getAttribute('data-endpoint'), !refused);
    if (share) {
      share.checked = !refused;
      share.addEventListener('change', function () {
        try {
          if (share.checked) G.localStorage.removeItem(READING_OFF); else G.localStorage.setItem(READING_OFF, '1');
        } catch (_) {}
        rec.turn(share.checked);
      });
    }
    return rec;
  }
  function recorder(c, endpoint, on) {
    var s = c.s, page = c.page, t0 = Date.now(), r = {
      on: on, ready: null, gen: 0, started: Math.floor(t0 / 1000), active: 0, sentActive: 0, scroll: 0, sentScroll: -1,
      downloads: [], last: t0, input: t0, visible: doc.visibilityState === 'visible'
    };
    function depth() {   // the share of the page's height that has been on screen, in percent
      var h = Math.max(doc.documentElement.scrollHeight, doc.body ? doc.body.scrollHeight : 0);
      return h ? Math.max(0, Math.min(100, Math.round((G.scrollY + G.innerHeight) / h * 100))) : 0;
    }
    function tick() {   // credits the time since the last tick that was visible and within 30 s of an input
      var t = Date.now(), from = r.last;
      r.last = t;
      if (r.visible) r.active += Math.max(0, Math.min(t, r.input + ACTIVE_MS) - Math.max(from, r.input));
      if (r.visible) r.scroll = Math.max(r.scroll, depth());
    }
    function events() {
      var ev = [], delta = Math.min(MAX_ACTIVE, Math.floor((r.active - r.sentActive) / 1000));
      if (r.sentScroll < 0 || delta > 0 || r.scroll > r.sentScroll)
        ev.push({ page: page, kind: 'view', started_at: r.started, active_seconds: delta, scroll_percent: r.scroll });
      return ev.concat(r.downloads.slice(0, MAX_EVENTS - ev.length));
    }
    async function prepare() {
      if (!r.on) return;
      tick();
      var gen = r.gen, ev = events();
      if (!ev.length) { r.ready = null; return; }
      var nonce = new Uint8Array(16);
      G.crypto.getRandomValues(nonce);
      var batch = JSON.stringify({ account: c.path, viewer: s.v, timestamp: Math.floor(Date.now() / 1000), nonce: b64u(nonce), events: ev }),
        view = ev[0].kind === 'view' ? ev[0] : null, body;
      try { body = JSON.stringify({ proof: await proof(s.fk, batch), batch: batch }); } catch (_) { return; }
      if (gen !== r.gen || !r.on) return;   // sent or turned off meanwhile: this batch would count twice
      r.ready = { body: body, active: r.sentActive + (view ? view.active_seconds * 1000 : 0),
                  scroll: view ? view.scroll_percent : r.sentScroll, downloads: ev.length - (view ? 1 : 0) };
    }
    function flush() {
      tick();
      var x = r.ready;
      if (!r.on || !x) return;
      r.ready = null;
      r.gen++;
      var sent = false;
      try { sent = G.navigator.sendBeacon(endpoint, x.body); } catch (_) {}
      if (sent) { r.sentActive = x.active; r.sentScroll = x.scroll; r.downloads = r.downloads.slice(x.downloads); }
    }
    function activity() { tick(); r.input = Date.now(); }
    var INPUTS = ['scroll', 'keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'];
    INPUTS.forEach(function (n) { G.addEventListener(n, activity, { passive: true, capture: true }); });
    function download(ev) {
      var a = ev.target && ev.target.closest && ev.target.closest('a[data-portico-asset]');
      if (!a || !r.on) return;
      r.downloads.push({ page: page, kind: 'download', started_at: Math.floor(Date.now() / 1000), file: a.getAttribute('data-portico-name') });
      prepare();
    }
    function visibility() {
      tick();
      r.visible = doc.visibilityState === 'visible';
      if (r.visible) { r.input = Date.now(); prepare(); } else flush();
    }
    doc.addEventListener('click', download, true);
    doc.addEventListener('visibilitychange', visibility);
    G.addEventListener('pagehide', flush);
    var every = G.setInterval(function () { if (r.visible) prepare(); }, 2000);
    prepare();
    return {
      // Another page is opened in place: this view ends as if its page were left, and its batch is signed now (the
      // page is not unloading, so there is time to wait for WebCrypto).
      stop: function () {
        INPUTS.forEach(function (n) { G.removeEventListener(n, activity, { passive: true, capture: true }); });
        doc.removeEventListener('click', download, true);
        doc.removeEventListener('visibilitychange', visibility);
        G.removeEventListener('pagehide', flush);
        G.clearInterval(every);
        r.gen++;   // a batch being signed now would count twice
        prepare().then(flush);
      },
      turn: function (yes) {   // turned on again: what happened while off is not sent
        r.on = yes; r.ready = null; r.gen++;
        tick();
        r.sentActive = r.active; r.sentScroll = r.scroll; r.downloads = [];
        if (yes) prepare();
      }
    };
  }

  // ---- feedback and workshop requests: one signed JSON post each, to the form's data-endpoint ----
  function feedback(form, s) {
    var status = $('[data-portico-feedback-status]', form) || $('[data-portico-feedback-status]');
    function say(t) { if (status) status.textContent = t; }
    form.addEventListener('submit', async function (ev) {
      ev.preventDefault();
      var fields = {}, btn = $('[type=submit]', form);
      Array.prototype.forEach.call(form.elements, function (el) {
        var n = el.name, t = el.type;
        if (!n || el.disabled || t === 'submit' || t === 'button' || t === 'reset' || t === 'file') return;
        if (t === 'checkbox') { fields[n] = el.checked; return; }
        if (t === 'radio' && !el.checked) return;
        if (el.closest('[data-portico-rating]')) { if (el.value !== '') fields[n] = parseInt(el.value, 10); return; }
        if (t === 'number') { if (el.value !== '') fields[n] = Number(el.value); return; }
        fields[n] = el.value;
      });
      var nonce = new Uint8Array(16);
      G.crypto.getRandomValues(nonce);
      var body = JSON.stringify({
        account: form.getAttribute('data-account'), page: form.getAttribute('data-page'),
        viewer: s ? s.v : '', timestamp: Math.floor(Date.now() / 1000), nonce: b64u(nonce),
        fields: fields
      });
      var h = { 'Content-Type': 'application/json' };
      if (btn) btn.disabled = true;
      say('');
      try {
        if (s && s.fk) h['X-Portico-Proof'] = await proof(s.fk, body);
        var r = await fetch(form.getAttribute('data-endpoint'), { method: 'POST', headers: h, body: body });
        if (r.ok) { say(form.getAttribute('data-success') || ''); form.reset(); }
        else {
          var detail = '';
          try { detail = (await r.json()).detail || ''; } catch (_) {}
          say((form.getAttribute('data-error') || '') + (detail ? ' ' + detail : ''));
        }
      } catch (_) { say(form.getAttribute('data-error') || ''); }
      if (btn) btn.disabled = false;
    });
  }

  // ---- search ----
  // The page holds the index ({"shards": [file names]}, or the whole array from older themes). Shards are fetched
  // at once and searched in order as each arrives, so the first results show before the last shard is in.
  function search(c) {
    var idx = readJSON('portico-search-index'), input = $('input[data-portico-search]'),
      out = $('[data-portico-search-results]'), rows = [];
    if (!idx || !input || !out) return;
    function run() {
      var res = find(rows, input.value), none = $('[data-portico-search-empty]');
      out.textContent = '';
      if (none) none.hidden = !input.value.trim() || res.length > 0 || out.hasAttribute('aria-busy');
      if (!input.value.trim()) return;
      res.forEach(function (x) {
        var li = doc.createElement('li'), a = doc.createElement('a'), p = doc.createElement('p');
        a.href = x.u; a.textContent = x.t; p.textContent = x.s || '';
        li.appendChild(a); li.appendChild(p); out.appendChild(li);
      });
    }
    input.addEventListener('input', run);
    var q = new URLSearchParams(location.search).get('q');
    if (q && !input.value) input.value = q;
    if (Array.isArray(idx)) { rows = prepare(idx); if (input.value) run(); return; }
    var names = idx.shards || [], loads = names.map(function (n) { return shard(n, c); });
    out.setAttribute('aria-busy', 'true');
    (async function () {
      for (var i = 0; i < loads.length; i++) {
        rows = rows.concat(prepare(await loads[i]));
        if (i === loads.length - 1) out.removeAttribute('aria-busy');
        if (input.value) run();
      }
    })().catch(function () { out.removeAttribute('aria-busy'); });
  }
  // One shard: plain JSON in an unencrypted site; in a gated one a sealed page, bound to its own path.
  async function shard(name, c) {
    var r = await fetch(name);
    if (!r.ok) throw new Error('shard');
    var text = await r.text();
    if (!c || !c.s) return JSON.parse(text);
    var page = JSON.parse(new DOMParser().parseFromString(text, 'text/html').getElementById('portico-page').textContent);
    if (page.p !== c.page.replace(/[^/]*$/, '') + name) throw new Error('shard');
    return JSON.parse(await decryptPage(page, c.s.aes, c.path));
  }

  // ---- start ----
  function start(ring, page) {
    ring = ring || readJSON('portico-keyring');
    page = page || readJSON('portico-page');
    if (ring && page) {
      if (!/(^#|&)k=/.test(location.hash)) connect().catch(function () {});   // a theme that loads this script first
      gate(ring, page).catch(function () { show('damaged'); })
        // a task of its own once the page is shown or refused: Web Storage is slow the first time (~5 ms a store)
        .then(function () { G.setTimeout(function () { dropLegacy(ring.a); }, 0); });
      // a link pasted into this tab only changes the hash: start again with it
      G.addEventListener('hashchange', function () { if (/(^#|&)k=/.test(location.hash)) location.reload(); });
    }
    else enhance(null);
  }
  // The theme's gate page has this script inline in its head, after the keyring and payload and before the stylesheet
  // (or loads it async there): it runs while the page is parsed, the notice it hides costs no layout, and the page is
  // swapped in once the rest is parsed. A theme that loads it before them still works: it waits until they are parsed.
  mark('start');
  var ring = readJSON('portico-keyring'), page = ring && readJSON('portico-page');
  if (doc.readyState === 'loading' && !(ring && page)) doc.addEventListener('DOMContentLoaded', function () { start(); });
  else start(ring, page);
})();
