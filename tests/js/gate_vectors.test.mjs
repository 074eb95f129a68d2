// gate.js against Tests/Fixtures/gate-vectors.json (made by tests/tools/make_gate_vectors.py).
// Run: node --test tests/js/      (Node 20+: globalThis.crypto.subtle, atob/btoa)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('../../', import.meta.url));
const V = JSON.parse(readFileSync(root + 'Tests/Fixtures/gate-vectors.json', 'utf8'));
vm.runInThisContext(readFileSync(root + 'Sources/PorticoGate/Resources/gate.js', 'utf8'),
  { filename: 'gate.js' });
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

test('key id, wrap key, feedback key from each token', async () => {
  for (const v of viewers) {
    const d = await G.deriveFromToken(V.tokens[v]);
    assert.equal(d.keyId, V.keyIds[v], v);
    assert.equal(d.keyId.length, 12);
    assert.equal(hex(G.unb64(d.wrapKeyB64)), V.wrapKeysHex[v], v);
    assert.equal(hex(G.unb64(d.feedbackKeyB64)), V.feedbackKeysHex[v], v);
  }
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

test('keyring: sorted, one entry per viewer, each unwraps to the exact entry', async () => {
  const ring = JSON.parse(V.keyring);
  assert.equal(ring.v, 1);
  assert.equal(ring.a, V.accountPath);
  assert.equal(ring.kc, V.keyCheck);
  const ids = ring.e.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(ring.e.length, viewers.length);
  for (const v of viewers) {
    const d = await G.deriveFromToken(V.tokens[v]);
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
  const a = await G.deriveFromToken(V.tokens.alice);
  const b = await G.deriveFromToken(V.tokens.bob);
  const entryA = ring.e.find((e) => e.id === a.keyId);
  await assert.rejects(G.unwrap(entryA, b.wrapKeyB64, ring.a));
  await assert.rejects(G.unwrap(entryA, a.wrapKeyB64, 'ffffffffffffffffffff'));
});

test('page payload decrypts to the exact plaintext', async () => {
  const page = JSON.parse(V.page.payload);
  assert.deepEqual(Object.keys(page), ['v', 'p', 'iv', 'ct']);
  assert.equal(page.p, V.page.path);
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

