import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectGraph, instrumentModel } from '../../../src/engine/surgery';
import { GraphView, ModelView } from '../../../src/engine/onnx/model';
import { GraphBuilder, T, buildModel, rng } from '../../fixtures/onnx-writer';
import { Layout, Quant, buildTinyOnnx, makeTinyModel } from '../../fixtures/tiny-llama';

/** Each node's inputs are graph inputs, initializers, outer-scope names or outputs of earlier nodes. */
function assertTopological(g: GraphView, outer: Set<string>): void {
  const known = new Set([...outer, ...g.inputs.map((i) => i.name), ...g.initializers.map((t) => t.name), '']);
  for (const n of g.nodes) {
    for (const i of n.inputs) assert.ok(known.has(i), `${g.name}: node ${n.name} reads ${i} before it is produced`);
    for (const sub of n.subgraphs()) assertTopological(sub, known);
    for (const o of n.outputs) known.add(o);
  }
  for (const o of g.outputs) assert.ok(known.has(o.name), `${g.name}: output ${o.name} is never produced`);
}

const layouts: { layout: Layout; quant: Quant }[] = [
  { layout: 'optimum', quant: 'none' },
  { layout: 'optimum', quant: 'fp16' },
  { layout: 'optimum', quant: 'int8' },
  { layout: 'optimum', quant: 'q4f16' },
  { layout: 'genai', quant: 'q4' },
  { layout: 'merged-if', quant: 'none' },
];
for (const v of layouts) {
  test(`instrumented ${v.layout} ${v.quant} keeps nodes in topological order`, () => {
    const inst = instrumentModel(buildTinyOnnx(makeTinyModel(v)).bytes, { additive: true });
    assertTopological(new ModelView(inst.bytes).graph, new Set());
  });
}

/** Two MLP-only "layers" with chosen down_proj node names, for the name patterns. */
function mlpOnly(downName: (l: number) => string): Uint8Array {
  const r = rng(1);
  const g = new GraphBuilder('mlp');
  const w = (name: string, a: number, b: number) =>
    g.f32(
      name,
      [a, b],
      Array.from({ length: a * b }, () => r() - 0.5),
    );
  let x = g.input('input_ids', T.FLOAT, ['batch', 'seq', 8]);
  for (let l = 0; l < 2; l++) {
    const gate = g.op('MatMul', [x, w(`w_gate_${l}`, 8, 12)]);
    const up = g.op('MatMul', [x, w(`w_up_${l}`, 8, 12)]);
    const act = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
    x = g.op('MatMul', [g.op('Mul', [act, up]), w(`w_down_${l}`, 12, 8)], { name: downName(l) });
  }
  g.op('Identity', [x], { outputs: ['y'] });
  g.output('y', T.FLOAT, ['batch', 'seq', 8]);
  return buildModel(g).bytes;
}

test('down_proj is found by name with any prefix and separator style', () => {
  for (const name of [
    (l: number) => `model.layers.${l}.mlp.down_proj`,
    (l: number) => `/model/layers.${l}/mlp/down_proj/MatMul`,
    (l: number) => `/transformer/decoder/layers.${l}/mlp/down_proj/MatMul`,
    (l: number) => `layers_${l}_mlp_down_proj_MatMul`,
  ]) {
    const info = inspectGraph(mlpOnly(name));
    assert.deepEqual(
      info.sites.map((s) => [s.layer, s.downProjNode]),
      [
        [0, name(0)],
        [1, name(1)],
      ],
    );
    assert.equal(info.intermediateSize, 12);
    assert.equal(info.hiddenSize, 8);
  }
  // Lookalikes are not matched by name; the structure still finds both layers, in graph order.
  const info = inspectGraph(mlpOnly((l) => `mlp.down_proj_without_layer_${l}`));
  assert.deepEqual(
    info.sites.map((s) => s.layer),
    [0, 1],
  );
});

test('the fingerprint follows the structure, not the weights', () => {
  const a = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 1 })).bytes).fingerprint;
  const b = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 2 })).bytes).fingerprint;
  const c = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 1, cfg: { layers: 2 } })).bytes).fingerprint;
  const d = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 1 }), { naming: 'anonymous' }).bytes).fingerprint;
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.notEqual(a, d);
});

test('inspectGraph reports the original inputs, outputs and opsets', () => {
  const info = inspectGraph(buildTinyOnnx(makeTinyModel({ layout: 'genai' })).bytes);
  assert.deepEqual(
    info.inputs.map((i) => i.name),
    ['input_ids', 'attention_mask', 'past_key_values.0.key', 'past_key_values.0.value', 'past_key_values.1.key', 'past_key_values.1.value', 'past_key_values.2.key', 'past_key_values.2.value'],
  );
  assert.deepEqual(info.inputs[2], { name: 'past_key_values.0.key', elemType: 'float32', shape: ['batch_size', 1, 'past_sequence_length', 8] });
  assert.equal(info.outputs[0].name, 'logits');
  assert.deepEqual(info.opsets, [
    { domain: '', version: 17 },
    { domain: 'com.microsoft', version: 1 },
  ]);
});
