// Forward passes, captures and generation on a tiny Llama exported from PyTorch, checked against values
// PyTorch computed (fixtures/tiny-llama/reference.json, see make-tiny-llama.py), never against the engine.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { CaptureBatch, Steering } from '../../../src/protocol';
import { captureTokenBatches, encodePrompts, planBatches } from '../../../src/engine/capture';
import { generateBatch } from '../../../src/engine/generate';
import { lastLogits, leftPad, prefillFeeds } from '../../../src/engine/forward';
import { loadModel, type EngineModel } from '../../../src/engine/session';
import { CancelToken } from '../../../src/engine/cancel';
import { CancelledError, UserError } from '../../../src/errors';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures');
const TINY = path.join(FIXTURES, 'tiny-llama');

interface Reference {
  prompts: number[][];
  circuit: [number, number][];
  activations: number[][][];
  steered: Record<string, number[][][]>;
  greedy: number[][];
  greedyPenalty: number[][];
  greedySteered: Record<string, number[][]>;
}
const ref: Reference = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8'));
const circuit = (m: number): Steering => ({ neurons: ref.circuit.map(([layer, index]) => ({ layer, index })), multiplier: m });

let model: EngineModel;
before(async () => {
  model = await loadModel({ path: TINY }, { threads: 1 });
});
after(async () => {
  await model.release();
});

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol * Math.max(1, Math.abs(expected[i])))) {
      assert.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]} (diff ${d})`);
    }
  }
}

/** Captures for token-id prompts, reassembled per prompt: [prompt][layer] -> Float32Array. */
async function capture(ids: number[][], steering?: Steering, batchSize = 8): Promise<{ rows: Float32Array[][]; batches: CaptureBatch[] }> {
  const size = model.info.intermediateSize;
  const rows: Float32Array[][] = ids.map(() => []);
  const batches: CaptureBatch[] = [];
  await captureTokenBatches(
    model,
    ids,
    (b) => {
      batches.push(b);
      b.indices.forEach((p, r) => {
        rows[p] = b.mlpInputs.map((layer) => layer.slice(r * size, (r + 1) * size));
      });
    },
    { batchSize, steering },
  );
  return { rows, batches };
}

test('the graph is found: 3 layers of 80 neurons, past key/values, position ids', () => {
  assert.equal(model.info.layers, 3);
  assert.equal(model.info.intermediateSize, 80);
  assert.ok(model.hasPositionIds);
  assert.equal(model.kv?.pairs.length, 6);
  assert.deepEqual(model.eos, [259, 257]);
});

test('captures of a left-padded batch match PyTorch run prompt by prompt (1e-4)', async () => {
  const { rows, batches } = await capture(ref.prompts);
  assert.equal(batches.length, 1, 'all three prompts in one padded batch');
  ref.prompts.forEach((_, p) => {
    for (let l = 0; l < 3; l++) assertClose(rows[p][l], ref.activations[p][l], 1e-4, `prompt ${p} layer ${l}`);
  });
});

test('padded batches equal single-prompt runs', async () => {
  const batched = (await capture(ref.prompts)).rows;
  for (let p = 0; p < ref.prompts.length; p++) {
    const single = (await capture([ref.prompts[p]])).rows[0];
    for (let l = 0; l < 3; l++) assertClose(batched[p][l], single[l], 1e-4, `prompt ${p} layer ${l}`);
  }
});

test('steered captures (m = 0 and m = 3) match PyTorch with the same neurons scaled', async () => {
  for (const m of [0, 3]) {
    const { rows } = await capture(ref.prompts, circuit(m));
    const expected = ref.steered[m.toFixed(1)];
    ref.prompts.forEach((_, p) => {
      for (let l = 0; l < 3; l++) assertClose(rows[p][l], expected[p][l], 1e-4, `m=${m} prompt ${p} layer ${l}`);
    });
  }
});

test('KV-cached greedy generation equals PyTorch greedy recomputed from scratch, token for token', async () => {
  const outs = await generateBatch(
    model,
    ref.prompts.map((ids) => ({ ids })),
    { maxNewTokens: 12 },
  );
  outs.forEach((o, p) => {
    assert.deepEqual(o.tokens, ref.greedy[p], `prompt ${p}`);
    assert.equal(o.stop, 'length');
  });
});

test('KV-cached generation equals the engine recomputing every step without a cache', async () => {
  // Independent loop: the whole sequence through the graph with an empty cache each step.
  for (let p = 0; p < ref.prompts.length; p++) {
    const seq = ref.prompts[p].slice();
    const fresh: number[] = [];
    for (let s = 0; s < 12; s++) {
      const out = await (await model.generationSession()).run(prefillFeeds(model, leftPad([seq], 0), [undefined]), ['logits']);
      const { data } = lastLogits(out.logits);
      let best = 0;
      for (let v = 1; v < data.length; v++) if (data[v] > data[best]) best = v;
      fresh.push(best);
      seq.push(best);
    }
    const [cached] = await generateBatch(model, [{ ids: ref.prompts[p] }], { maxNewTokens: 12 });
    assert.deepEqual(cached.tokens, fresh, `prompt ${p}`);
  }
});

test('captures run a graph without the head; generation logits cover the last position only; both agree', async () => {
  const capture = await model.captureSession();
  const generation = await model.generationSession();
  assert.deepEqual(
    capture.outputNames.filter((n) => !n.startsWith('cna_capture_')),
    [],
    'the capture graph has outputs besides captures',
  );
  assert.ok(generation.outputNames.includes('logits'));
  const ids = [ref.prompts[0], ref.prompts[1].slice(0, 3)];
  const batch = leftPad(ids, 0);
  const feeds = prefillFeeds(model, batch, [undefined, undefined]);
  const fetches = Array.from({ length: model.info.layers }, (_, l) => `cna_capture_${l}`);
  const a = await capture.run(feeds, fetches);
  const b = await generation.run(feeds, [...fetches, 'logits']);
  for (const f of fetches) assert.deepEqual(a[f].data, b[f].data, f);
  assert.deepEqual(b.logits.dims, [2, 1, model.vocabSize]);
});

test('repetition penalty follows Hugging Face (PyTorch reference with 1.8)', async () => {
  const outs = await generateBatch(
    model,
    ref.prompts.map((ids) => ({ ids })),
    { maxNewTokens: 12, repetitionPenalty: 1.8 },
  );
  outs.forEach((o, p) => assert.deepEqual(o.tokens, ref.greedyPenalty[p], `prompt ${p}`));
});

test('different multipliers as rows of one batch equal PyTorch steered runs and separate runs', async () => {
  const rows = [
    { ids: ref.prompts[0], steering: circuit(0) },
    { ids: ref.prompts[0] },
    { ids: ref.prompts[0], steering: circuit(3) },
    { ids: ref.prompts[2], steering: circuit(3) },
    { ids: ref.prompts[1], steering: circuit(0) },
  ];
  const outs = await generateBatch(model, rows, { maxNewTokens: 12 });
  assert.deepEqual(outs[0].tokens, ref.greedySteered['0.0'][0]);
  assert.deepEqual(outs[1].tokens, ref.greedy[0]);
  assert.deepEqual(outs[2].tokens, ref.greedySteered['3.0'][0]);
  assert.deepEqual(outs[3].tokens, ref.greedySteered['3.0'][2]);
  assert.deepEqual(outs[4].tokens, ref.greedySteered['0.0'][1]);
  for (let i = 0; i < rows.length; i++) {
    const [alone] = await generateBatch(model, [rows[i]], { maxNewTokens: 12 });
    assert.deepEqual(alone.tokens, outs[i].tokens, `row ${i} alone`);
  }
});

test('each row stops on its own EOS; the others continue', async () => {
  const eos = ref.greedy[0][4];
  assert.ok(!ref.greedy[0].slice(0, 4).includes(eos) && !ref.greedy[1].includes(eos));
  const saved = model.eos;
  model.eos = [eos];
  try {
    const outs = await generateBatch(model, [{ ids: ref.prompts[0] }, { ids: ref.prompts[1] }], { maxNewTokens: 12 });
    assert.deepEqual(outs[0], { tokens: ref.greedy[0].slice(0, 4), stop: 'eos' });
    assert.deepEqual(outs[1], { tokens: ref.greedy[1], stop: 'length' });
  } finally {
    model.eos = saved;
  }
});

test('generation stops at the context length; longer prompts are a user error', async () => {
  const saved = model.maxPositions;
  model.maxPositions = ref.prompts[0].length + 3;
  try {
    const [out] = await generateBatch(model, [{ ids: ref.prompts[0] }], { maxNewTokens: 12 });
    assert.equal(out.stop, 'context');
    // The 4th token would sit at position length + 3, one past the context.
    assert.deepEqual(out.tokens, ref.greedy[0].slice(0, 4));
    model.maxPositions = 5;
    assert.throws(
      () => encodePrompts(model, [{ text: 'a long prompt', raw: true }]),
      (e: unknown) => e instanceof UserError && /context of 5/.test(e.message),
    );
  } finally {
    model.maxPositions = saved;
  }
});

test('a cancelled capture stops before the next forward pass', async () => {
  const cancel = new CancelToken();
  let seen = 0;
  const ids = Array.from({ length: 20 }, (_, i) => [1 + i, 2, 3]);
  await assert.rejects(
    captureTokenBatches(
      model,
      ids,
      () => {
        seen++;
        cancel.cancel();
      },
      { batchSize: 2, cancel },
    ),
    (e: unknown) => e instanceof CancelledError,
  );
  assert.equal(seen, 1);
});

test('batches are planned by length within the row and token budgets', () => {
  assert.deepEqual(planBatches([3, 10, 5, 10, 1], 2, 1000), [[1, 3], [2, 0], [4]]);
  // 3 rows of 10 tokens exceed a budget of 25: split.
  assert.deepEqual(planBatches([10, 10, 10], 8, 25), [[0, 1], [2]]);
  assert.deepEqual(planBatches([40], 8, 25), [[0]]);
});
