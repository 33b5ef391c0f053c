// The neuron inspector's engine parts against independent computations on the tiny Llama fixtures, whose
// weights the test holds itself (test/fixtures/tiny-llama.ts keeps the effective, dequantised weights):
//  - promoted / suppressed tokens: W_U (g * W_down[i, :]) computed here from those weights, for float32,
//    fp16, q4, q4f16 and int8 graphs, the genai layout, tied embeddings and external weights;
//  - per-position captures: the reference forward pass's down_proj input at every position;
//  - one ablated neuron per row (rowSteering): the reference forward pass with that neuron's multiplier at 0.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeTinyModel, type Layout, type Quant, type TinyModel } from '../../fixtures/tiny-llama';
import { writeTinyFolder } from '../../fixtures/tiny-llama-folder';
import { referenceForward } from '../../fixtures/reference-forward';
import { captureTokenBatches } from '../../../src/engine/capture';
import { neuronTokens } from '../../../src/engine/neuronTokens';
import { capturePositions } from '../../../src/engine/positions';
import { loadModel, type EngineModel } from '../../../src/engine/session';
import type { NeuronRef } from '../../../src/protocol';

async function engineFor(m: TinyModel, external = false): Promise<EngineModel> {
  const dir = writeTinyFolder(m, 'cna-neuron-', external ? { external: { fileFor: (_n, bytes) => (bytes > 64 ? 'model.onnx_data' : undefined) } } : {});
  return loadModel({ path: dir }, { threads: 1 });
}

/** The logit effect of neuron (l, i) on every token, from the fixture's own effective weights. */
function expectedEffect(m: TinyModel, l: number, i: number): Float64Array {
  const { hidden: H, vocab: V } = m.cfg;
  const down = m.layers[l].down.w;
  const out = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    let s = 0;
    for (let d = 0; d < H; d++) s += m.lmHead.w[d * V + v] * m.finalNorm[d] * down[i * H + d];
    out[v] = s;
  }
  return out;
}

const NEURONS: NeuronRef[] = [
  { layer: 2, index: 5 },
  { layer: 0, index: 39 },
  { layer: 2, index: 17 },
  { layer: 1, index: 0 },
];

const weightCases: { name: string; layout?: Layout; quant?: Quant; tied?: boolean; external?: boolean }[] = [
  { name: 'float32' },
  { name: 'fp16', quant: 'fp16' },
  { name: 'q4 (MatMulNBits, zero points)', quant: 'q4' },
  { name: 'q4f16 (MatMulNBits, float16 scales, default zero point)', quant: 'q4f16' },
  { name: 'int8 (MatMulInteger)', quant: 'int8' },
  { name: 'genai layout (SkipSimplifiedLayerNormalization before the head)', layout: 'genai' },
  { name: 'tied embeddings (MatMul by Transpose(embed_tokens))', tied: true },
  { name: 'external weights', external: true },
];

for (const c of weightCases) {
  test(`promoted and suppressed tokens equal W_U (g * W_down[i]) from the fixture's weights: ${c.name}`, async () => {
    const m = makeTinyModel({ layout: c.layout, quant: c.quant, tied: c.tied });
    const model = await engineFor(m, c.external);
    try {
      const V = m.cfg.vocab;
      const r = neuronTokens(model, NEURONS, V);
      assert.equal(r.vocabSize, V);
      NEURONS.forEach((n, j) => {
        const want = expectedEffect(m, n.layer, n.index);
        const got = r.neurons[j];
        assert.deepEqual([got.layer, got.index], [n.layer, n.index]);
        assert.equal(got.promoted.length, V);
        const scale = Math.max(...want.map(Math.abs));
        for (const t of got.promoted) assert.ok(Math.abs(t.score - want[t.id]) <= 1e-6 * scale, `${n.layer}:${n.index} token ${t.id}: ${t.score} vs ${want[t.id]}`);
        const order = Array.from(want.keys()).sort((a, b) => want[b] - want[a]);
        assert.deepEqual(
          got.promoted.slice(0, 5).map((t) => t.id),
          order.slice(0, 5),
        );
        assert.deepEqual(
          got.suppressed.slice(0, 5).map((t) => t.id),
          order.slice(-5).reverse(),
        );
      });
    } finally {
      await model.release();
    }
  });
}

test('a neuron outside the model is refused in one line', async () => {
  const m = makeTinyModel();
  const model = await engineFor(m);
  try {
    assert.throws(() => neuronTokens(model, [{ layer: 3, index: 0 }], 5), /Neuron 3:0 is outside this model \(layers 0-2, neurons 0-39\)/);
  } finally {
    await model.release();
  }
});

const PROMPTS = [
  [3, 7, 1, 9, 4],
  [5, 2, 8],
  [11, 12, 13, 14, 15, 16, 17],
];

const positionCases: { quant: Quant; layout: Layout; tol: number }[] = [
  { quant: 'none', layout: 'optimum', tol: 1e-4 },
  { quant: 'q4', layout: 'optimum', tol: 1e-4 },
  { quant: 'fp16', layout: 'optimum', tol: 2e-2 },
  { quant: 'int8', layout: 'optimum', tol: 5e-3 },
  { quant: 'none', layout: 'merged-if', tol: 1e-4 },
];

for (const c of positionCases) {
  test(`${c.layout}/${c.quant}: circuit neurons at every position equal the reference forward pass`, async () => {
    const m = makeTinyModel({ quant: c.quant, layout: c.layout });
    const model = await engineFor(m);
    try {
      const got: Float32Array[] = [];
      const tokens: number[][] = [];
      await capturePositions(
        model,
        PROMPTS,
        NEURONS,
        (b) => {
          b.indices.forEach((p, r) => {
            got[p] = b.values[r];
            tokens[p] = b.tokens[r];
          });
        },
        { batchSize: 3 },
      );
      const I = m.cfg.intermediate;
      PROMPTS.forEach((ids, p) => {
        assert.deepEqual(tokens[p], ids);
        assert.equal(got[p].length, ids.length * NEURONS.length);
        const ref = referenceForward(m, { ids: [ids], attentionMask: [ids.map(() => 1)], positionIds: [ids.map((_, t) => t)] });
        for (let t = 0; t < ids.length; t++) {
          NEURONS.forEach((n, j) => {
            const want = ref.downIn[n.layer][0][t * I + n.index];
            const v = got[p][t * NEURONS.length + j];
            assert.ok(Math.abs(v - want) <= c.tol * Math.max(1, Math.abs(want)), `prompt ${p} token ${t} neuron ${n.layer}:${n.index}: ${v} vs ${want}`);
          });
        }
      });
    } finally {
      await model.release();
    }
  });
}

for (const quant of ['none', 'q4', 'int8'] as Quant[]) {
  test(`${quant}: one ablated neuron per row gives the reference forward pass's logits with that neuron at 0`, async () => {
    const m = makeTinyModel({ quant });
    const model = await engineFor(m);
    try {
      const ids = PROMPTS[0];
      const rows = [null, ...NEURONS.map((n) => ({ neurons: [n], multiplier: 0 }))];
      const logits: Float32Array[] = [];
      const V = m.cfg.vocab;
      await captureTokenBatches(
        model,
        rows.map(() => ids),
        (b) => b.indices.forEach((p, r) => (logits[p] = (b.logits as Float32Array).slice(r * V, (r + 1) * V))),
        { logits: true, rowSteering: rows, batchSize: 8 },
      );
      const S = ids.length;
      rows.forEach((row, p) => {
        const multipliers = Array.from({ length: m.cfg.layers }, (_, l) => {
          const mult = new Float64Array(m.cfg.intermediate).fill(1);
          for (const n of row?.neurons ?? []) if (n.layer === l) mult[n.index] = 0;
          return [mult];
        });
        const ref = referenceForward(m, { ids: [ids], attentionMask: [ids.map(() => 1)], positionIds: [ids.map((_, t) => t)] }, { multipliers });
        const want = ref.logits[0].subarray((S - 1) * V, S * V);
        const tol = quant === 'int8' ? 2e-2 : 1e-3;
        want.forEach((w, v) => assert.ok(Math.abs(logits[p][v] - w) <= tol * Math.max(1, Math.abs(w)), `row ${p} token ${v}: ${logits[p][v]} vs ${w}`));
      });
    } finally {
      await model.release();
    }
  });
}
