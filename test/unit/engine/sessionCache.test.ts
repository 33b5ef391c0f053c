// The session cache (src/engine/sessionCache.ts) on the tiny Llama: a cached load gives the same captures,
// logits and greedy tokens as an uncached one, a changed model gets a new entry, and a cache that cannot be
// written or read never breaks a load.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureTokenBatches } from '../../../src/engine/capture';
import { generateBatch } from '../../../src/engine/generate';
import { loadModel, type EngineModel, type LoadOptions } from '../../../src/engine/session';
import { defaultCacheDir, SessionCache } from '../../../src/engine/sessionCache';

const TINY = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures', 'tiny-llama');
const PROMPTS = [
  [1, 5, 9, 13, 2],
  [1, 7, 7, 30, 41, 8, 3],
];

/** A private copy of the tiny model (its files' times and sizes key the cache) and an empty cache folder. */
const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function workspace(): { model: string; cache: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-cache-test-'));
  roots.push(root);
  const model = path.join(root, 'model');
  fs.cpSync(TINY, model, { recursive: true });
  return { model, cache: path.join(root, 'cache') };
}

async function withModel<T>(dir: string, opts: LoadOptions, fn: (m: EngineModel) => Promise<T>): Promise<T> {
  const model = await loadModel({ path: dir }, { threads: 1, ...opts });
  try {
    return await fn(model);
  } finally {
    await model.release();
  }
}

/** Captures of every layer, first-step logits and greedy tokens: what each session computes. */
async function results(model: EngineModel): Promise<{ captures: number[][]; tokens: number[][] }> {
  const captures: number[][] = [];
  await captureTokenBatches(
    model,
    PROMPTS,
    (b) => {
      for (const layer of b.mlpInputs) captures.push(Array.from(layer));
    },
    { batchSize: 2 },
  );
  const outs = await generateBatch(
    model,
    PROMPTS.map((ids) => ({ ids })),
    { maxNewTokens: 6 },
  );
  return { captures, tokens: outs.map((o) => o.tokens) };
}

const entries = (cache: string): string[] => (fs.existsSync(cache) ? fs.readdirSync(cache).filter((e) => !e.startsWith('.')) : []);

test('a cached load computes exactly what an uncached one does, and the second load reads the cache', async () => {
  const { model, cache } = workspace();
  const opts: LoadOptions = { cache: { dir: cache, minModelBytes: 0 } };
  const plain = await withModel(model, {}, results);
  const first = await withModel(model, opts, results);
  const [entry] = entries(cache);
  assert.ok(entry, 'an entry was written');
  for (const session of ['capture', 'generate']) {
    assert.ok(fs.existsSync(path.join(cache, entry, session, 'model.onnx')), `${session} graph cached`);
  }
  assert.deepEqual(first, plain);
  // Mark the cached description: the next load must take it from the cache, not from the model.
  const infoFile = path.join(cache, entry, 'info.json');
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
  fs.writeFileSync(infoFile, JSON.stringify({ ...info, fingerprint: 'from-the-cache' }));
  const second = await withModel(model, opts, async (m) => {
    assert.equal(m.info.fingerprint, 'from-the-cache');
    return results(m);
  });
  assert.deepEqual(second, plain);
});

test('a changed model file makes a new entry; the old one is not read', async () => {
  const { model, cache } = workspace();
  const opts: LoadOptions = { cache: { dir: cache, minModelBytes: 0 } };
  await withModel(model, opts, async () => undefined);
  assert.equal(entries(cache).length, 1);
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(model, 'model.onnx'), later, later);
  await withModel(model, opts, async () => undefined);
  assert.equal(entries(cache).length, 2);
});

test('a corrupt cached graph is dropped and the model loads the ordinary way', async () => {
  const { model, cache } = workspace();
  const opts: LoadOptions = { cache: { dir: cache, minModelBytes: 0 } };
  const plain = await withModel(model, {}, results);
  await withModel(model, opts, results);
  const [entry] = entries(cache);
  fs.writeFileSync(path.join(cache, entry, 'capture', 'model.onnx'), 'not a graph');
  fs.writeFileSync(path.join(cache, entry, 'info.json'), '{ truncated');
  assert.deepEqual(await withModel(model, opts, results), plain);
});

test('a cache folder that cannot be written never breaks a load', async () => {
  const { model, cache } = workspace();
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  fs.writeFileSync(cache, 'a file where the cache folder should be');
  const plain = await withModel(model, {}, results);
  assert.deepEqual(await withModel(model, { cache: { dir: cache, minModelBytes: 0 } }, results), plain);
});

test('small models are not cached by default; no folder, no cache', async () => {
  const { model, cache } = workspace();
  assert.equal(SessionCache.open(path.join(model, 'model.onnx'), 'ort', { dir: cache }), undefined);
  assert.equal(SessionCache.open(path.join(model, 'model.onnx'), 'ort', {}), undefined);
  assert.ok(SessionCache.open(path.join(model, 'model.onnx'), 'ort', { dir: cache, minModelBytes: 0 }));
});

test('the CLI cache folder: CNA_CACHE_DIR, off, XDG_CACHE_HOME, ~/.cache', () => {
  assert.equal(defaultCacheDir({ CNA_CACHE_DIR: '/x/cna' }), '/x/cna');
  assert.equal(defaultCacheDir({ CNA_CACHE_DIR: 'off' }), undefined);
  assert.equal(defaultCacheDir({ CNA_CACHE_DIR: '' }), undefined);
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }), path.join('/xdg', 'cna'));
  assert.equal(defaultCacheDir({}), path.join(os.homedir(), '.cache', 'cna'));
});
