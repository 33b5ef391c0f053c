// The runtime on every graph layout and quantization the surgery supports (optimum, genai with
// GroupQueryAttention, merged If decoders; float32, fp16, q4, int8), built by the independent writer in
// test/fixtures and checked against its plain TypeScript forward pass (test/fixtures/reference-forward.ts).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeTinyModel, type Layout, type Quant, type TinyModel } from '../../fixtures/tiny-llama';
import { writeTinyFolder } from '../../fixtures/tiny-llama-folder';
import { referenceForward } from '../../fixtures/reference-forward';
import { captureTokenBatches } from '../../../src/engine/capture';
import { generateBatch } from '../../../src/engine/generate';
import { loadModel, type EngineModel } from '../../../src/engine/session';

async function engineFor(m: TinyModel): Promise<EngineModel> {
  return loadModel({ path: writeTinyFolder(m, 'cna-layout-') }, { threads: 1 });
}

/** Reference: one unpadded row, down_proj inputs at its last token, and logits there. */
function reference(m: TinyModel, ids: number[]): { caps: Float64Array[]; logits: Float64Array } {
  const S = ids.length;
  const out = referenceForward(m, { ids: [ids], attentionMask: [ids.map(() => 1)], positionIds: [ids.map((_, i) => i)] });
  const I = m.cfg.intermediate;
  const V = m.cfg.vocab;
  return {
    caps: out.downIn.map((layer) => layer[0].subarray((S - 1) * I, S * I)),
    logits: out.logits[0].subarray((S - 1) * V, S * V),
  };
}

function referenceGreedy(m: TinyModel, ids: number[], n: number): number[] {
  const seq = ids.slice();
  const out: number[] = [];
  for (let s = 0; s < n; s++) {
    const { logits } = reference(m, seq);
    let best = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
    out.push(best);
    seq.push(best);
  }
  return out;
}

const PROMPTS = [
  [3, 7, 1, 9, 4],
  [5, 2, 8],
  [11, 12, 13, 14, 15, 16, 17],
  [6, 6, 6],
];

const cases: { layout: Layout; quant: Quant; tol: number; greedy: boolean }[] = [
  { layout: 'optimum', quant: 'none', tol: 1e-4, greedy: true },
  { layout: 'optimum', quant: 'q4', tol: 1e-4, greedy: true },
  { layout: 'optimum', quant: 'fp16', tol: 2e-2, greedy: false },
  { layout: 'optimum', quant: 'int8', tol: 5e-3, greedy: false },
  { layout: 'genai', quant: 'none', tol: 1e-4, greedy: true },
  { layout: 'merged-if', quant: 'none', tol: 1e-4, greedy: true },
];

for (const c of cases) {
  test(`${c.layout}/${c.quant}: batched captures match the reference forward pass`, async () => {
    const m = makeTinyModel({ layout: c.layout, quant: c.quant });
    const model = await engineFor(m);
    try {
      const got: Float32Array[][] = PROMPTS.map(() => []);
      const I = m.cfg.intermediate;
      await captureTokenBatches(
        model,
        PROMPTS,
        (b) => {
          b.indices.forEach((p, r) => {
            got[p] = b.mlpInputs.map((l) => l.slice(r * I, (r + 1) * I));
          });
        },
        { batchSize: 4 },
      );
      PROMPTS.forEach((ids, p) => {
        const want = reference(m, ids).caps;
        want.forEach((layer, l) =>
          layer.forEach((v, i) => {
            const d = Math.abs(got[p][l][i] - v);
            assert.ok(d <= c.tol * Math.max(1, Math.abs(v)), `prompt ${p} layer ${l}[${i}]: ${got[p][l][i]} vs ${v}`);
          }),
        );
      });
      if (c.greedy) {
        // Rows of one batch (equal lengths where the layout cannot take padding) vs the reference, 6 tokens.
        const rows = c.layout === 'genai' ? [PROMPTS[1], PROMPTS[3]] : PROMPTS;
        const outs = await generateBatch(
          model,
          rows.map((ids) => ({ ids })),
          { maxNewTokens: 6 },
        );
        rows.forEach((ids, p) => assert.deepEqual(outs[p].tokens, referenceGreedy(m, ids, 6), `row ${p}`));
      }
    } finally {
      await model.release();
    }
  });
}

test('genai graphs are never fed left padding: mixed lengths are split into equal-length batches', async () => {
  const m = makeTinyModel({ layout: 'genai' });
  const model = await engineFor(m);
  try {
    const shapes: number[][] = [];
    await captureTokenBatches(
      model,
      PROMPTS,
      (b) => {
        shapes.push(b.tokenCounts);
      },
      { batchSize: 8 },
    );
    assert.equal(shapes.flat().length, PROMPTS.length);
    for (const counts of shapes) assert.equal(new Set(counts).size, 1, `one length per batch: ${counts}`);
  } finally {
    await model.release();
  }
});
