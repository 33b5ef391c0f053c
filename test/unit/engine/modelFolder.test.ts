// Model folders: variant choice, Hugging Face cache layouts (symlinks into blobs/), external weights, EOS ids.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { openModelFolder } from '../../../src/engine/modelFolder';
import { externalDataFolder, externalLocations } from '../../../src/engine/externalData';
import { loadModel, resolveEos } from '../../../src/engine/session';
import { TextTokenizer } from '../../../src/engine/tokenizer';
import { UserError } from '../../../src/errors';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures');
const TINY = path.join(FIXTURES, 'tiny-llama');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cna-folder-'));
}

function folderWith(files: Record<string, string | Buffer>): string {
  const dir = tmp();
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const tokenizer = fs.readFileSync(path.join(TINY, 'tokenizer.json'));
const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

/** A Hugging Face cache repo: every file a symlink from snapshots/<rev>/ into blobs/. */
function hfCache(files: Record<string, string>): { repo: string; snapshot: string } {
  const repo = path.join(tmp(), 'models--org--tiny');
  const snapshot = path.join(repo, 'snapshots', 'rev1');
  fs.mkdirSync(path.join(repo, 'blobs'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'refs'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'refs', 'main'), 'rev1\n');
  let n = 0;
  for (const [name, source] of Object.entries(files)) {
    const blob = path.join(repo, 'blobs', `blob${n++}`);
    fs.copyFileSync(source, blob);
    const link = path.join(snapshot, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(link), blob), link);
  }
  return { repo, snapshot };
}

test('onnx/ variants: float32 first, then q4; --variant picks by short or file name', () => {
  const dir = folderWith({
    'tokenizer.json': tokenizer,
    'onnx/model.onnx': 'x',
    'onnx/model_fp16.onnx': 'x',
    'onnx/model_q4.onnx': 'x',
    'onnx/model_q4f16.onnx': 'x',
  });
  assert.equal(openModelFolder(dir).variant, 'model');
  assert.equal(openModelFolder(dir, { variant: 'fp16' }).onnxPath, path.join(dir, 'onnx', 'model_fp16.onnx'));
  assert.equal(openModelFolder(dir, { variant: 'model_q4f16.onnx' }).variant, 'model_q4f16');
  assert.throws(() => openModelFolder(dir, { variant: 'int2' }), userError(/No ONNX variant 'int2'.*model_q4/));
  fs.unlinkSync(path.join(dir, 'onnx', 'model.onnx'));
  assert.equal(openModelFolder(dir).variant, 'model_q4');
  // Pointing at the onnx/ folder itself finds the tokenizer one level up.
  assert.equal(openModelFolder(path.join(dir, 'onnx')).root, fs.realpathSync(dir));
});

test('missing folder, missing ONNX and missing tokenizer are user errors', () => {
  assert.throws(() => openModelFolder('/nonexistent/model'), userError(/not found.*--model/));
  assert.throws(() => openModelFolder(folderWith({ 'tokenizer.json': tokenizer })), userError(/No ONNX model/));
  assert.throws(() => openModelFolder(folderWith({ 'model.onnx': 'x' })), userError(/No tokenizer\.json/));
  assert.throws(() => openModelFolder(folderWith({ 'tokenizer.json': tokenizer, 'model.onnx': 'x', 'config.json': '{oops' })), userError(/config\.json is not valid JSON/));
});

test('a Hugging Face cache repo folder loads through its symlinks', async () => {
  const names = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.onnx'];
  const { repo, snapshot } = hfCache(Object.fromEntries(names.map((n) => [n === 'model.onnx' ? 'onnx/model.onnx' : n, path.join(TINY, n)])));
  const folder = openModelFolder(repo);
  assert.equal(folder.root, fs.realpathSync(snapshot));
  assert.equal(folder.variant, 'model');
  const model = await loadModel({ path: repo }, { threads: 1 });
  assert.equal(model.info.layers, 3);
  assert.deepEqual(model.eos, [259, 257]);
  await model.release();
});

test('external weights: found, checked, and staged as hard links when they are HF cache symlinks', async () => {
  const ext = path.join(FIXTURES, 'external');
  const bytes = fs.readFileSync(path.join(ext, 'model.onnx'));
  assert.deepEqual(externalLocations(bytes), ['model.onnx_data']);
  assert.deepEqual(externalLocations(fs.readFileSync(path.join(TINY, 'model.onnx'))), []);
  // Plain folder: ORT reads it in place.
  assert.equal(externalDataFolder(path.join(ext, 'model.onnx'), bytes), fs.realpathSync(ext));

  const { snapshot } = hfCache({ 'model.onnx': path.join(ext, 'model.onnx'), 'model.onnx_data': path.join(ext, 'model.onnx_data') });
  const folder = externalDataFolder(path.join(snapshot, 'model.onnx'), bytes);
  assert.ok(folder && folder !== snapshot);
  const session = await ort.InferenceSession.create(bytes, { extra: { session: { model_external_initializers_file_folder_path: folder } } });
  const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 0, 2]), [1, 3]) });
  // W = arange(12).reshape(3, 4): row 0 + 2 * row 2.
  assert.deepEqual(Array.from(out.y.data as Float32Array), [16, 19, 22, 25]);
  await session.release();

  const missing = folderWith({ 'model.onnx': bytes });
  assert.throws(() => externalDataFolder(path.join(missing, 'model.onnx'), bytes), userError(/Missing external weights file model\.onnx_data/));
});

test("EOS ids: genai_config.json, then generation_config (number or list), then config.json, then the tokenizer's eos_token", () => {
  const cfg = JSON.stringify({ eos_token_id: 5 });
  const tokCfg = JSON.stringify({ eos_token: { content: '<|eot_id|>' } });
  const eos = (files: Record<string, string | Buffer>) => {
    const folder = openModelFolder(folderWith({ 'tokenizer.json': tokenizer, 'model.onnx': 'x', ...files }));
    return resolveEos(folder, new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig)).ids;
  };
  const genai = JSON.stringify({ model: { eos_token_id: [9, 10], decoder: { filename: 'model.onnx' } } });
  assert.deepEqual(eos({ 'genai_config.json': genai, 'generation_config.json': '{"eos_token_id": 7}', 'config.json': cfg }), [9, 10]);
  assert.deepEqual(eos({ 'generation_config.json': '{"eos_token_id": 7}', 'config.json': cfg }), [7]);
  assert.deepEqual(eos({ 'generation_config.json': '{"eos_token_id": [7, 8]}', 'config.json': cfg }), [7, 8]);
  assert.deepEqual(eos({ 'generation_config.json': '{}', 'config.json': cfg }), [5]);
  assert.deepEqual(eos({ 'tokenizer_config.json': tokCfg }), [261]);
});

test('repetition_penalty is read from generation_config.json (1.0 means none)', () => {
  const f = (g: string) => openModelFolder(folderWith({ 'tokenizer.json': tokenizer, 'model.onnx': 'x', 'generation_config.json': g })).generation.repetitionPenalty;
  assert.equal(f('{"repetition_penalty": 1.1}'), 1.1);
  assert.equal(f('{"repetition_penalty": 1.0}'), undefined);
  assert.equal(f('{}'), undefined);
});
