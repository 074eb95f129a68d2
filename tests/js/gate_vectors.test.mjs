// gate.js against Tests/Fixtures/gate-vectors.json (made by tests/tools/make_gate_vectors.py).
// Run: node --test tests/js/      (Node 20+: globalThis.crypto.subtle, atob/btoa)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('../../', import.meta.url));
const V = JSON.parse(readFileSync(root + 'Tests/Fixtures/gate-vectors.json', 'utf8'));
// The source by default; GATE_JS=Sources/PorticoGate/Resources/gate.min.js runs the same tests on the shipped script.
const gateFile = process.env.GATE_JS || 'Sources/PorticoGate/Resources/gate.js';
vm.runInThisContext(readFileSync(root + gateFile, 'utf8'), { filename: gateFile });
const G = globalThis.PorticoGateInternals;

const hex = (a) => Buffer.from(a).toString('hex');
const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const b64OfHex = (h) => Buffer.from(h, 'hex').toString('base64');
const viewers = V.viewers;

test('loads without a DOM and exports only internals', () => {
  assert.equal(typeof G.deriveFromToken, 'function');
  assert.equal(globalThis.PorticoGate, undefined);
});

test('base64 helpers', () => {
  for (const v of viewers) {
    assert.equal(hex(G.unb64(V.tokens[v])), V.tokensHex[v]);
    assert.equal(G.b64u(fromHex(V.tokensHex[v])), V.tokens[v]);
  }
  assert.equal(G.b64(fromHex(V.contentKeyHex)), V.contentKeyB64);
  assert.equal(hex(G.unb64(V.contentKeyB64)), V.contentKeyHex);
});

test('key id, wrap key, feedback key from each token and the key check', async () => {
  for (const v of viewers) {
    const d = await G.deriveFromToken(V.tokens[v], V.keyCheck);
    assert.equal(d.keyId, V.keyIds[v], v);
    assert.equal(d.keyId.length, 12);
    assert.equal(hex(G.unb64(d.wrapKeyB64)), V.wrapKeysHex[v], v);
    assert.equal(hex(G.unb64(d.feedbackKeyB64)), V.feedbackKeysHex[v], v);
  }
  // another key check (the viewer set changed): another key id and feedback key, unlinkable to these
  const r = await G.deriveFromToken(V.tokens.alice, V.rotation.keyCheck);
  assert.equal(r.keyId, V.rotation.keyIdAlice);
  assert.equal(hex(G.unb64(r.feedbackKeyB64)), V.rotation.feedbackKeyAliceHex);
  assert.notEqual(r.keyId, V.keyIds.alice);
});

test('separate keys: AES-GCM and the IV key derive from the content key, neither is it', async () => {
  const k = fromHex(V.contentKeyHex);
  assert.equal(hex(await G.hkdf(k, 'aes-gcm', 32)), V.contentAesKeyHex);
  assert.equal(hex(await G.hkdf(k, 'iv', 32)), V.contentIvKeyHex);
  assert.notEqual(V.contentAesKeyHex, V.contentKeyHex);
  assert.notEqual(V.contentIvKeyHex, V.contentAesKeyHex);
  // the content key itself does not open the page
  const page = JSON.parse(V.page.payload);
  await assert.rejects(G.open(k, G.unb64(page.iv), G.unb64(page.ct), V.page.additionalData));
  // the IV is the IV key's HMAC of the padded page
  const padded = new Uint8Array(V.page.paddedSize);
  padded.set(new TextEncoder().encode(V.page.plaintext));
  padded[new TextEncoder().encode(V.page.plaintext).length] = 0x80;
  const mac = await G.hmac(fromHex(V.contentIvKeyHex), new Uint8Array([...new TextEncoder().encode('iv\0' + V.page.additionalData + '\0'), ...padded]));
  assert.equal(hex(mac.slice(0, 12)), V.page.ivHex);
});

test('non-extractable session keys open the page and sign like the raw keys', async () => {
  const ks = await G.sessionKeys(V.contentKeyB64, V.feedbackKeysB64.alice);
  assert.equal(ks.aes.extractable, false);
  assert.equal(ks.fk.extractable, false);
  await assert.rejects(crypto.subtle.exportKey('raw', ks.aes));
  await assert.rejects(crypto.subtle.exportKey('raw', ks.fk));
  assert.equal(await G.decryptPage(JSON.parse(V.page.payload), ks.aes, V.accountPath), V.page.plaintext);
  assert.equal(await G.proof(ks.fk, V.feedback.body), V.feedback.proof);
});

test('padding: removed exactly, malformed refused', () => {
  assert.deepEqual([...G.unpad(new Uint8Array([1, 0, 0x80, 0, 0]))], [1, 0]);
  assert.deepEqual([...G.unpad(new Uint8Array([0x80]))], []);
  assert.throws(() => G.unpad(new Uint8Array([1, 0, 0])));
  assert.throws(() => G.unpad(new Uint8Array([])));
});

test('served at: the page path and account path must be where the file is', () => {
  const a = 'e47069cefb1f07890593';
  assert.ok(G.servedAt('/' + a + '/insights/x/index.html', a, 'insights/x/index.html'));
  assert.ok(G.servedAt('/' + a + '/insights/x/', a, 'insights/x/index.html'));
  assert.ok(G.servedAt('/portal/sub/' + a + '/', a, 'index.html'));   // hosted under a sub-folder
  assert.ok(G.servedAt('/' + a + '/insights/%C3%A9t%C3%A9/', a, 'insights/été/index.html'));
  assert.ok(!G.servedAt('/' + a + '/insights/y/', a, 'insights/x/index.html'));   // moved within the account
  assert.ok(!G.servedAt('/ffffffffffffffffffff/insights/x/', a, 'insights/x/index.html'));   // other account
  assert.ok(!G.servedAt('/x' + a + '/index.html', a, 'index.html'));   // not a whole folder name
  assert.ok(!G.servedAt('/' + a + '/insights/x/other.html', a, 'insights/x/index.html'));
  assert.ok(!G.servedAt('/' + a + '/%E0%A4%A', a, 'index.html'));   // malformed escape
});

test('malformed tokens are rejected', async () => {
  await assert.rejects(G.deriveFromToken(V.tokens.alice.slice(0, 20)));
  await assert.rejects(G.deriveFromToken(V.tokens.alice + 'AAAA'));
});

test('key check of the content key', async () => {
  assert.equal(await G.keyCheck(V.contentKeyB64), V.keyCheck);
  assert.equal(await G.keyCheck(b64OfHex(V.rotation.contentKeyHex)), V.rotation.keyCheck);
  assert.notEqual(V.rotation.contentKeyHex, V.contentKeyHex);
});

test('keyring: sorted, padded with dummies to 8 entries of one size, each viewer unwraps to the exact entry', async () => {
  const ring = JSON.parse(V.keyring);
  assert.equal(ring.v, 2);
  assert.equal(ring.a, V.accountPath);
  assert.equal(ring.kc, V.keyCheck);
  const ids = ring.e.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(ring.e.length, V.keyringEntryCount);
  assert.equal(new Set(ring.e.map((e) => e.ct.length)).size, 1);
  assert.equal(G.unb64(ring.e[0].ct).length, V.keyringEntrySize + 16);
  for (const v of viewers) {
    const d = await G.deriveFromToken(V.tokens[v], ring.kc);
    const entry = ring.e.find((e) => e.id === d.keyId);
    assert.ok(entry, v);
    const o = await G.unwrap(entry, d.wrapKeyB64, ring.a);
    assert.deepEqual(o, JSON.parse(V.keyringEntryPlaintexts[v]));
    assert.equal(JSON.stringify(o), V.keyringEntryPlaintexts[v]);   // key order, no spaces
    assert.equal(o.k, V.contentKeyB64);
    assert.equal(o.v, v);
    assert.equal(o.n, V.viewerNames[v]);
    assert.equal(o.x, V.viewerExpires[v]);
    assert.equal(await G.keyCheck(o.k), ring.kc);
  }
});

test("keyring: another viewer's wrap key or another account path fails", async () => {
  const ring = JSON.parse(V.keyring);
  const a = await G.deriveFromToken(V.tokens.alice, ring.kc);
  const b = await G.deriveFromToken(V.tokens.bob, ring.kc);
  const entryA = ring.e.find((e) => e.id === a.keyId);
  await assert.rejects(G.unwrap(entryA, b.wrapKeyB64, ring.a));
  await assert.rejects(G.unwrap(entryA, a.wrapKeyB64, 'ffffffffffffffffffff'));
});

test('page payload decrypts to the exact plaintext', async () => {
  const page = JSON.parse(V.page.payload);
  assert.deepEqual(Object.keys(page), ['v', 'p', 'iv', 'ct']);
  assert.equal(page.p, V.page.path);
  assert.equal(page.v, 2);
  assert.equal(G.unb64(page.ct).length, V.page.paddedSize + 16);
  assert.equal(hex(G.unb64(page.iv)), V.page.ivHex);
  const html = await G.decryptPage(page, V.contentKeyB64, V.accountPath);
  assert.equal(html, V.page.plaintext);
  assert.match(html, /ZEBRAFISH/);
});

test('page payload: tampering fails', async () => {
  const page = JSON.parse(V.page.payload);
  const ct = G.unb64(page.ct);
  for (const i of [0, ct.length - 1]) {   // one flipped byte, in the ciphertext and in the tag
    const bad = ct.slice();
    bad[i] ^= 1;
    await assert.rejects(G.decryptPage({ ...page, ct: G.b64(bad) }, V.contentKeyB64, V.accountPath));
  }
  const iv = G.unb64(page.iv);
  iv[0] ^= 0x80;
  await assert.rejects(G.decryptPage({ ...page, iv: G.b64(iv) }, V.contentKeyB64, V.accountPath));
  // the path is bound through the additional data
  await assert.rejects(G.decryptPage({ ...page, p: 'index.html' }, V.contentKeyB64, V.accountPath));
  // the rotated key (bob dropped) does not open the old page
  await assert.rejects(G.decryptPage(page, b64OfHex(V.rotation.contentKeyHex), V.accountPath));
});

test('asset decrypts; tampering fails', async () => {
  assert.match(V.asset.fileName, /^assets\/[0-9a-f]{20}\.bin$/);
  const file = G.unb64(V.asset.fileB64);
  const pt = await G.decryptAsset(file.buffer, V.contentKeyB64, V.accountPath, V.asset.name);
  assert.equal(hex(pt), V.asset.bytesHex);
  assert.equal(file.length, 12 + V.asset.paddedSize + 16);
  const bad = file.slice();
  bad[20] ^= 1;
  await assert.rejects(G.decryptAsset(bad, V.contentKeyB64, V.accountPath, V.asset.name));
  await assert.rejects(G.decryptAsset(file, V.contentKeyB64, V.accountPath, 'assets/y.bin'));
});

test('feedback proof matches', async () => {
  const fk = b64OfHex(V.feedback.feedbackKeyHex);
  assert.equal(V.feedback.feedbackKeyHex, V.feedbackKeysHex[V.feedback.viewer]);
  assert.equal(await G.proof(fk, V.feedback.body), V.feedback.proof);
  assert.notEqual(await G.proof(fk, V.feedback.body + ' '), V.feedback.proof);
  // the browser's JSON.stringify gives the same raw body as the reference
  assert.equal(JSON.stringify(JSON.parse(V.feedback.body)), V.feedback.body);
});

test('search: CJK substring, Latin word prefix, title hits first', () => {
  const rows = G.prepare([
    { t: 'Quarterly outlook', u: 'a/', s: 'Markets', k: 'Insight', x: 'We discuss pricing and 数据分析 for 2026.' },
    { t: '数据平台', u: 'b/', s: '概要', k: '方案', x: '使用AI模型进行预测' },
    { t: 'Pricing strategy', u: 'c/', s: 'How to price', k: 'Insight', x: 'Café culture and margins.' },
  ]);
  const urls = (q) => G.find(rows, q).map((e) => e.u);
  assert.deepEqual(urls('数据'), ['b/', 'a/']);   // two-character Chinese query; title hit first
  assert.deepEqual(urls('分析'), ['a/']);
  assert.deepEqual(urls('预测'), ['b/']);
  assert.deepEqual(urls('pric'), ['c/', 'a/']);   // word prefix, title first
  assert.deepEqual(urls('ricing'), []);           // not a word prefix
  assert.deepEqual(urls('PRICING margins'), ['c/']);   // all words must match
  assert.deepEqual(urls('cafe'), ['c/']);         // diacritics folded
  assert.deepEqual(urls('ai'), ['b/']);           // Latin run inside CJK text
  assert.deepEqual(urls('  '), []);
});

// The build keeps only each distinct word of a page's text in the index (SearchIndex.terms in Swift: runs
// between ASCII separators, first-seen order). Search must find exactly the same pages in that as in the text.
const terms = (t) => [...new Set(t.split(/[\x00-\x2F\x3A-\x40\x5B-\x60\x7B-\x7F]+/).filter(Boolean))].join(' ');

test('search: the reduced index text finds what the full text finds', () => {
  // the same example as SearchIndexTests.termsKeepEachWordOnceInFirstSeenOrder
  assert.equal(terms('The battery, the Battery; battery-pack (v2.0) 数据分析 使用AI。使用AI cafe\u0301s café x_y\nthe battery'),
    'The battery the Battery pack v2 0 数据分析 使用AI。使用AI cafe\u0301s café x y');
  const vocab = ['battery', 'Battery', 'pack', 'v2', 'cafe\u0301s', 'café', 'Ｆｕｌｌ', 'x_y', '数据', '分析', '使用AI', '预测。模型',
    'naïve', 'ﬁle', '½', 'über', 'ÜBER', '2026', 'AI'];
  const seps = [' ', ', ', '; ', '-', '.', '\n', '(', ') ', '/', '', '。'];
  let state = 12345;
  const next = (n) => { state = (state * 1103515245 + 12345) % 2147483648; return state % n; };
  const text = () => Array.from({ length: 8 + next(30) }, () => vocab[next(vocab.length)] + seps[next(seps.length)]).join('');
  const docs = Array.from({ length: 60 }, (_, i) => ({ t: 'Page ' + i, u: i + '/', s: '', k: 'Insight', x: text() }));
  const full = G.prepare(docs), reduced = G.prepare(docs.map((d) => ({ ...d, x: terms(d.x) })));
  const queries = new Set(['cafes', 'cafe', 'uber', 'full', 'file', '12', 'x', 'y', 'pack', 'batt', 'ai', '数据分析', '据分',
    '使用ai', 'AI模型', '预测', '分析 使用', 'battery pack', 'v2 0', 'naive', '½']);
  for (const d of docs) {
    const s = d.x; const a = next(s.length), b = a + 1 + next(6);
    queries.add(s.slice(a, b));   // arbitrary slices, separators included
  }
  let found = 0;
  for (const q of queries) {
    const want = G.find(full, q).map((e) => e.u), got = G.find(reduced, q).map((e) => e.u);
    assert.deepEqual(got, want, 'query ' + JSON.stringify(q));
    found += want.length;
  }
  assert.ok(found > 100, 'the queries find pages (' + found + ')');
});

