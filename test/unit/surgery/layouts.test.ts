/**
 * Instrumented fixture models of every supported layout, run in onnxruntime-node, against the plain
 * TypeScript reference forward pass (test/fixtures/reference-forward.ts) and against the original model.
 *
 * Tolerances (absolute; logits and activations are O(1) here, largest |logit| about 5):
 *  - float32 activations (fp32, q4, int8, genai, merged): 1e-4. q4 is exact because the reference uses the
 *    same dequantized weights; int8 is exact because the reference emulates DynamicQuantizeLinear and
 *    MatMulInteger bit for bit (it agrees to ~1e-6).
 *  - float16 activations (fp16, q4f16): 0.05. Every op rounds to half precision (relative step 2^-11 ~ 5e-4)
 *    and ORT's kernels accumulate in a different order than the reference, so a few half-precision ulps
 *    per op add up over 3 layers; measured maxima are about 0.01-0.02.
 *  - Ones multipliers vs the original model (same runtime): 1e-5 in float32, 0.02 in float16 (the added
 *    Mul by 1 is exact; only ORT's fusions may differ between the two graphs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectGraph, instrumentModel } from '../../../src/engine/surgery';
import { Layout, Naming, Quant, buildTinyOnnx, makeTinyModel, zeroDownRow } from '../../fixtures/tiny-llama';
import { referenceForward } from '../../fixtures/reference-forward';
import { Scenario, atPositions, cnaFeeds, concat, makeScenario, maxDiff, ones, randomVectors, runModel } from '../../fixtures/tiny-llama-run';

interface Case {
  name: string;
  layout: Layout;
  quant: Quant;
  naming?: Naming;
  tol: number;
  same: number;
  scenario: Scenario;
  expectNodeName?: RegExp;
}

const withPast: Scenario = { batch: 2, seq: 5, past: 3, paddedRows: [1], captureIndex: [4, 2], useCacheBranch: true };
const fp32 = { tol: 1e-4, same: 1e-5 };
const fp16 = { tol: 0.05, same: 0.02 };
const cases: Case[] = [
  { name: 'optimum fp32', layout: 'optimum', quant: 'none', ...fp32, scenario: withPast, expectNodeName: /^\/model\/layers\.\d\/mlp\/down_proj\/MatMul$/ },
  { name: 'optimum fp16 (float32 I/O)', layout: 'optimum', quant: 'fp16', ...fp16, scenario: withPast },
  { name: 'optimum q4 (MatMulNBits, zero points)', layout: 'optimum', quant: 'q4', ...fp32, scenario: withPast, expectNodeName: /down_proj\/MatMul_Q4$/ },
  { name: 'optimum q4f16 (MatMulNBits fp16)', layout: 'optimum', quant: 'q4f16', ...fp16, scenario: withPast },
  { name: 'optimum int8 (DynamicQuantizeLinear + MatMulInteger)', layout: 'optimum', quant: 'int8', ...fp32, scenario: withPast, expectNodeName: /down_proj\/MatMul_quant$/ },
  { name: 'optimum fp32, dotted weight names', layout: 'optimum', quant: 'none', naming: 'dotted', ...fp32, scenario: withPast },
  { name: 'optimum fp32, anonymous names (structural)', layout: 'optimum', quant: 'none', naming: 'anonymous', ...fp32, scenario: withPast },
  { name: 'genai fp32 (GQA, SkipSimplifiedLayerNorm)', layout: 'genai', quant: 'none', ...fp32, scenario: { batch: 2, seq: 5, past: 0, paddedRows: [], captureIndex: [4, 1] } },
  { name: 'genai q4', layout: 'genai', quant: 'q4', ...fp32, scenario: { batch: 1, seq: 4, past: 2, paddedRows: [], captureIndex: [3] } },
  { name: 'merged-if, cache branch', layout: 'merged-if', quant: 'none', ...fp32, scenario: withPast },
  { name: 'merged-if, no-cache branch', layout: 'merged-if', quant: 'none', ...fp32, scenario: { batch: 2, seq: 5, past: 0, paddedRows: [], captureIndex: [4, 3], useCacheBranch: false } },
];

for (const c of cases) {
  test(`surgery on ${c.name}`, async (t) => {
    const m = makeTinyModel({ layout: c.layout, quant: c.quant });
    const built = buildTinyOnnx(m, { naming: c.naming });
    const { layers, intermediate: I, hidden: H } = m.cfg;

    const info = inspectGraph(built.bytes);
    assert.equal(info.layout, c.layout);
    assert.equal(info.quantization, c.quant);
    assert.equal(info.dtype, c.quant === 'fp16' || c.quant === 'q4f16' ? 'float16' : 'float32');
    assert.equal(info.layers, layers);
    assert.equal(info.intermediateSize, I);
    assert.equal(info.hiddenSize, H);
    assert.deepEqual(
      info.sites.map((s) => s.layer),
      [0, 1, 2],
    );
    if (c.expectNodeName) for (const s of info.sites) assert.match(s.downProjNode, c.expectNodeName);
    assert.ok(info.inputs.some((i) => i.name === 'input_ids' && i.elemType === 'int64' && i.shape[0] === 'batch_size'));
    assert.match(info.fingerprint, /^[0-9a-f]{64}$/);

    const inst = instrumentModel(built.bytes, { additive: true });
    assert.deepEqual(inst.info.sites, info.sites);
    const sc = c.scenario;
    const data = makeScenario(m, sc);
    const B = sc.batch;
    const zeroAdd = randomVectors(m, B, H, 0, 0, 1);
    const original = await runModel(built.bytes, data.feeds);

    // (c) ones multipliers: the original model's outputs, (a) captures = reference down_proj inputs.
    const base = await runModel(inst.bytes, { ...data.feeds, ...cnaFeeds(m, sc, ones(m, B), zeroAdd) });
    const ref = referenceForward(m, data.ref);
    const dSame = Math.max(maxDiff(base.logits, original.logits), maxDiff(base['present.2.key'], original['present.2.key']));
    t.diagnostic(`ones vs original: ${dSame.toExponential(2)}`);
    assert.ok(dSame <= c.same, `ones multipliers changed the outputs by ${dSame}`);
    let dCap = 0;
    for (let l = 0; l < layers; l++) {
      dCap = Math.max(dCap, maxDiff(base[`cna_capture_${l}`], atPositions(ref.downIn[l], sc.captureIndex, I)));
      dCap = Math.max(dCap, maxDiff(base[`cna_mlp_output_${l}`], atPositions(ref.mlpOut[l], sc.captureIndex, H)));
    }
    t.diagnostic(`captures vs reference: ${dCap.toExponential(2)}`);
    assert.ok(dCap <= c.tol, `captures differ from the reference by ${dCap}`);

    // (a) random multipliers act before every consumer and before the capture.
    const mult = randomVectors(m, B, I, 0, 2, 11);
    const scaled = await runModel(inst.bytes, { ...data.feeds, ...cnaFeeds(m, sc, mult, zeroAdd) });
    const refScaled = referenceForward(m, data.ref, { multipliers: mult });
    let dScaled = maxDiff(scaled.logits, concat(refScaled.logits));
    for (let l = 0; l < layers; l++) dScaled = Math.max(dScaled, maxDiff(scaled[`cna_capture_${l}`], atPositions(refScaled.downIn[l], sc.captureIndex, I)));
    t.diagnostic(`random multipliers vs reference: ${dScaled.toExponential(2)}`);
    assert.ok(dScaled <= c.tol, `scaled run differs from the reference by ${dScaled}`);
    assert.ok(maxDiff(scaled.logits, base.logits) > 10 * c.tol, 'multipliers had no visible effect');

    // Capture-only graph: the same captures, no logits, nothing after the last captured tensor.
    const capture = instrumentModel(built.bytes, { additive: true, purpose: 'capture' });
    assert.ok(capture.removedNodes > 0, 'the capture graph kept every node');
    const captured = await runModel(capture.bytes, { ...data.feeds, ...cnaFeeds(m, sc, mult, zeroAdd) });
    assert.deepEqual(
      Object.keys(captured).filter((k) => !k.startsWith('cna_')),
      [],
      'the capture graph still has non-capture outputs',
    );
    let dCapOnly = 0;
    for (let l = 0; l < layers; l++) {
      dCapOnly = Math.max(dCapOnly, maxDiff(captured[`cna_capture_${l}`], scaled[`cna_capture_${l}`]), maxDiff(captured[`cna_mlp_output_${l}`], scaled[`cna_mlp_output_${l}`]));
    }
    t.diagnostic(`capture-only graph (${capture.removedNodes} nodes removed) vs full graph: ${dCapOnly.toExponential(2)}`);
    assert.ok(dCapOnly <= c.same, `the capture-only graph changed the captures by ${dCapOnly}`);

    // Generation graph: logits of each row's last position only, equal to the full graph's there.
    const generation = instrumentModel(built.bytes, { additive: true, purpose: 'generate' });
    assert.equal(generation.logitsLastOnly, c.quant !== 'int8', 'head on the last position (not for int8: per-tensor scale)');
    const generated = await runModel(generation.bytes, { ...data.feeds, ...cnaFeeds(m, sc, mult, zeroAdd) });
    const V = m.cfg.vocab;
    const lastRows = generation.logitsLastOnly ? lastPositions(scaled.logits, B, V) : scaled.logits;
    assert.equal(generated.logits.length, lastRows.length);
    const dGen = Math.max(maxDiff(generated.logits, lastRows), maxDiff(generated['present.2.key'], scaled['present.2.key']));
    t.diagnostic(`generation graph vs full graph at the last position: ${dGen.toExponential(2)}`);
    assert.ok(dGen <= c.same, `the generation graph changed the logits by ${dGen}`);

    // (b) a zero multiplier = the matching row of down_proj's [I, H] weight zeroed.
    const zero = ones(m, B);
    for (const row of zero[1]) row[7] = 0;
    const ablated = await runModel(inst.bytes, { ...data.feeds, ...cnaFeeds(m, sc, zero, zeroAdd) });
    const zeroedModel = zeroDownRow(m, 1, 7);
    const refZero = referenceForward(zeroedModel, data.ref);
    const dZero = maxDiff(ablated.logits, concat(refZero.logits));
    const zeroedOnnx = await runModel(buildTinyOnnx(zeroedModel, { naming: c.naming }).bytes, data.feeds);
    const dZeroOrt = maxDiff(ablated.logits, zeroedOnnx.logits);
    t.diagnostic(`zero multiplier vs zeroed weight row: reference ${dZero.toExponential(2)}, onnxruntime ${dZeroOrt.toExponential(2)}`);
    assert.ok(dZero <= c.tol, `ablation differs from the zeroed-row reference by ${dZero}`);
    assert.ok(dZeroOrt <= c.tol, `ablation differs from the zeroed-row model by ${dZeroOrt}`);
    for (let b = 0; b < B; b++) assert.equal(Math.abs(ablated.cna_capture_1[b * I + 7]), 0);

    // (d) the additive input = adding the vector to the MLP output; cna_mlp_output is taken before it.
    const add = randomVectors(m, B, H, -0.5, 0.5, 5);
    const steered = await runModel(inst.bytes, { ...data.feeds, ...cnaFeeds(m, sc, ones(m, B), add) });
    const refAdd = referenceForward(m, data.ref, { additive: add });
    let dAdd = maxDiff(steered.logits, concat(refAdd.logits));
    for (let l = 0; l < layers; l++) dAdd = Math.max(dAdd, maxDiff(steered[`cna_mlp_output_${l}`], atPositions(refAdd.mlpOut[l], sc.captureIndex, H)));
    t.diagnostic(`additive vs reference: ${dAdd.toExponential(2)}`);
    assert.ok(dAdd <= c.tol, `additive run differs from the reference by ${dAdd}`);
  });
}

function lastPositions(logits: Float32Array, rows: number, vocab: number): Float32Array {
  const seq = logits.length / (rows * vocab);
  const out = new Float32Array(rows * vocab);
  for (let b = 0; b < rows; b++) out.set(logits.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
  return out;
}

test('instrumentation without additive adds only multipliers, the capture index and captures', async () => {
  const m = makeTinyModel();
  const built = buildTinyOnnx(m);
  const inst = instrumentModel(built.bytes);
  const ort = await import('onnxruntime-node');
  const s = await ort.InferenceSession.create(inst.bytes, { logSeverityLevel: 3 });
  const added = s.inputNames.filter((n) => n.startsWith('cna_'));
  assert.deepEqual(added.sort(), ['cna_capture_index', 'cna_multiplier_0', 'cna_multiplier_1', 'cna_multiplier_2']);
  assert.deepEqual(s.outputNames.filter((n) => n.startsWith('cna_')).sort(), ['cna_capture_0', 'cna_capture_1', 'cna_capture_2']);
  const meta = s.inputMetadata.find((x) => x.name === 'cna_multiplier_0');
  assert.ok(meta && meta.isTensor);
  assert.deepEqual(meta.isTensor && meta.shape, ['batch_size', 1, 40]);
  // Every original input and output is still there.
  const orig = await ort.InferenceSession.create(built.bytes, { logSeverityLevel: 3 });
  for (const n of orig.inputNames) assert.ok(s.inputNames.includes(n), n);
  for (const n of orig.outputNames) assert.ok(s.outputNames.includes(n), n);
  await s.release();
  await orig.release();
});

test('the hint supplies intermediate_size and checks the layer count', () => {
  const built = buildTinyOnnx(makeTinyModel(), { naming: 'anonymous' });
  assert.equal(inspectGraph(built.bytes, { intermediateSize: 40, layers: 3 }).sites.length, 3);
  assert.throws(() => inspectGraph(built.bytes, { layers: 4 }), /Found 3 down_proj sites .* num_hidden_layers = 4/);
});
