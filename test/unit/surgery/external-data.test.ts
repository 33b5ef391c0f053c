/**
 * Models whose weights live in side files (`model.onnx_data`, chunked `model.onnx_data_1`): surgery keeps the
 * external_data references, and this pins down how onnxruntime-node 1.30 must load the edited bytes
 * (documented at the top of src/engine/surgery.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { instrumentModel } from '../../../src/engine/surgery';
import { ModelView } from '../../../src/engine/onnx/model';
import { buildTinyOnnx, makeTinyModel } from '../../fixtures/tiny-llama';
import { cnaFeeds, makeScenario, maxDiff, ones, runModel } from '../../fixtures/tiny-llama-run';

const m = makeTinyModel();
// Big tensors go to side files: token embeddings to the second chunk, the other large ones to the first.
const external = {
  fileFor: (name: string, bytes: number) => (bytes < 256 ? undefined : name.includes('embed_tokens') ? 'model.onnx_data_1' : 'model.onnx_data'),
};
const inline = buildTinyOnnx(m);
const split = buildTinyOnnx(m, { external });
const sc = { batch: 2, seq: 4, past: 2, paddedRows: [], captureIndex: [3, 1] };
const data = makeScenario(m, sc);

function writeModel(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-ext-'));
  fs.writeFileSync(path.join(dir, 'model.onnx'), split.bytes);
  for (const [name, bytes] of split.files) fs.writeFileSync(path.join(dir, name), bytes);
  return dir;
}

test('the fixture really stores its weights outside the .onnx file', () => {
  assert.deepEqual([...split.files.keys()].sort(), ['model.onnx_data', 'model.onnx_data_1']);
  const externals = new ModelView(split.bytes).graph.initializers.filter((t) => t.external).length;
  assert.ok(externals >= 20, `${externals} external initializers`);
  assert.ok(split.bytes.length < inline.bytes.length / 3);
});

test('instrumented bytes + session.model_external_initializers_file_folder_path load the side files', async (t) => {
  const dir = writeModel();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inst = instrumentModel(split.bytes);
  const before = new ModelView(split.bytes).graph.initializers.filter((x) => x.external).map((x) => x.name);
  const after = new ModelView(inst.bytes).graph.initializers.filter((x) => x.external).map((x) => x.name);
  assert.deepEqual(after, before, 'external_data references kept');

  const feeds = { ...data.feeds, ...cnaFeeds(m, sc, ones(m, 2)) };
  const expected = await runModel(inline.bytes, data.feeds);
  const options = { logSeverityLevel: 3 as const, extra: { session: { model_external_initializers_file_folder_path: dir } } };
  const got = await runModel(inst.bytes, feeds, options);
  assert.equal(maxDiff(got.logits, expected.logits), 0);
  if (fs.existsSync('/proc/self/maps')) {
    // ORT maps the side files instead of copying them into the heap.
    const session = await ort.InferenceSession.create(inst.bytes, options);
    const maps = fs.readFileSync('/proc/self/maps', 'utf8');
    await session.release();
    for (const name of split.files.keys()) assert.ok(maps.includes(path.join(dir, name)), `${name} is memory-mapped`);
  }
  // The original file loaded by path finds its side files too (the baseline the runtime replaces).
  const byPath = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), { logSeverityLevel: 3 });
  await byPath.release();
});

test('without a folder, bytes with external data fail to load (so the runtime must pass one)', async (t) => {
  const dir = writeModel();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inst = instrumentModel(split.bytes);
  await assert.rejects(ort.InferenceSession.create(inst.bytes, { logSeverityLevel: 3 }));
  // externalData with in-memory buffers works, but reads the weights into JavaScript memory.
  const externalData = [...split.files.keys()].map((name) => ({ path: name, data: fs.readFileSync(path.join(dir, name)) }));
  const got = await runModel(inst.bytes, { ...data.feeds, ...cnaFeeds(m, sc, ones(m, 2)) }, { externalData });
  const expected = await runModel(inline.bytes, data.feeds);
  assert.equal(maxDiff(got.logits, expected.logits), 0);
  // A bare path (allowed by the TypeScript type) is rejected by the Node binding.
  await assert.rejects(ort.InferenceSession.create(inst.bytes, { logSeverityLevel: 3, externalData: [path.join(dir, 'model.onnx_data')] }));
});
