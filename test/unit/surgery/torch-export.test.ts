/**
 * Surgery on models exported by torch.onnx (optimum layout), checked against PyTorch's own down_proj inputs
 * (reference.json written by the fixture's Python script, never by the code under test). Uses whichever
 * torch-exported fixture exists; skips when none has been generated yet.
 * Expected reference.json keys: prompts (token ids), circuit ([layer, neuron] pairs), activations
 * ([prompt][layer][I], last token, unsteered) and steered ({"0.0"|"3.0": same shape, circuit scaled}).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { inspectGraph, instrumentModel } from '../../../src/engine/surgery';

const ROOT = path.join(__dirname, '../../../..');
const CANDIDATES = ['test/fixtures/torch-llama', 'test/unit/engine/fixtures/tiny-llama'].map((p) => path.join(ROOT, p));

interface Reference {
  prompts: number[][];
  circuit: [number, number][];
  activations: number[][][];
  steered: Record<string, number[][][]>;
}

function findFixture(): { dir: string; ref: Reference } | undefined {
  for (const dir of CANDIDATES) {
    const refPath = path.join(dir, 'reference.json');
    if (!fs.existsSync(path.join(dir, 'model.onnx')) || !fs.existsSync(refPath)) continue;
    const ref = JSON.parse(fs.readFileSync(refPath, 'utf8')) as Partial<Reference>;
    if (Array.isArray(ref.prompts) && Array.isArray(ref.activations) && Array.isArray(ref.circuit) && ref.steered) return { dir, ref: ref as Reference };
  }
  return undefined;
}

const fixture = findFixture();

test('torch-exported Llama: captures and multipliers match PyTorch', { skip: fixture ? false : 'no torch-exported fixture with reference.json yet' }, async (t) => {
  const { dir, ref } = fixture as NonNullable<typeof fixture>;
  t.diagnostic(`fixture: ${path.relative(ROOT, dir)}`);
  const bytes = fs.readFileSync(path.join(dir, 'model.onnx'));
  const info = inspectGraph(bytes);
  const layers = ref.activations[0].length;
  const I = ref.activations[0][0].length;
  assert.equal(info.layout, 'optimum');
  assert.equal(info.layers, layers);
  assert.equal(info.intermediateSize, I);
  for (const s of info.sites) assert.match(s.downProjNode, new RegExp(`layers\\.${s.layer}/mlp/down_proj/MatMul$`));

  const inst = instrumentModel(bytes);
  const session = await ort.InferenceSession.create(inst.bytes, { logSeverityLevel: 3 });
  const past = info.inputs.find((i) => i.name === 'past_key_values.0.key');
  const kvHeads = Number(past?.shape[1]);
  const headDim = Number(past?.shape[3]);
  let worst = 0;
  try {
    const run = async (ids: number[], scale: (layer: number) => Float32Array) => {
      const T = ids.length;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, T]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, T]),
        cna_capture_index: new ort.Tensor('int64', BigInt64Array.from([BigInt(T - 1)]), [1]),
      };
      for (let l = 0; l < layers; l++) {
        for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
        feeds[`cna_multiplier_${l}`] = new ort.Tensor('float32', scale(l), [1, 1, I]);
      }
      return session.run(feeds);
    };
    const cases: [Record<string, number[][][]>[string], (l: number) => Float32Array][] = [[ref.activations, () => new Float32Array(I).fill(1)]];
    for (const [key, acts] of Object.entries(ref.steered)) {
      const m = Number(key);
      cases.push([
        acts,
        (l) => {
          const s = new Float32Array(I).fill(1);
          for (const [layer, idx] of ref.circuit) if (layer === l) s[idx] = m;
          return s;
        },
      ]);
    }
    for (const [expected, scale] of cases) {
      for (let p = 0; p < ref.prompts.length; p++) {
        const out = await run(ref.prompts[p], scale);
        for (let l = 0; l < layers; l++) {
          const got = out[`cna_capture_${l}`].data as Float32Array;
          const want = expected[p][l];
          const tol = 1e-4 * Math.max(1, ...want.map(Math.abs));
          for (let i = 0; i < I; i++) {
            const d = Math.abs(got[i] - want[i]);
            worst = Math.max(worst, d);
            assert.ok(d <= tol, `prompt ${p} layer ${l} neuron ${i}: ${got[i]} vs ${want[i]}`);
          }
        }
      }
    }
  } finally {
    await session.release();
  }
  t.diagnostic(`largest difference to PyTorch: ${worst.toExponential(2)}`);
});
