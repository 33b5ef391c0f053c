// Bench section: ONNX graph surgery (inspect + instrument) on a synthetic decoder shaped like Qwen2.5-0.5B q4
// (24 layers, hidden 896, MLP 4864, MatMulNBits weights as random bytes, about 180 MB), built in memory with
// the test fixture writer. Measures the protobuf pass, not ONNX Runtime.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'surgery';

const LAYERS = 24;
const H = 896;
const I = 4864;
const KV = 128;
const BLOCK = 32;
const REPEATS = 3;

function buildModel(root) {
  const require = createRequire(import.meta.url);
  const { GraphBuilder, T, buildModel: encode } = require(join(root, 'out/test/fixtures/onnx-writer.js'));
  const g = new GraphBuilder('main_graph');
  const random = new Uint8Array(I * Math.ceil(H / BLOCK) * (BLOCK / 2));
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const q4 = (x, k, n, layer, part) => {
    const blocks = Math.ceil(k / BLOCK);
    const w = g.init(`model.layers.${layer}.${part}.q4`, T.UINT8, [n, blocks, BLOCK / 2], random.subarray(0, n * blocks * (BLOCK / 2)));
    const s = g.f32(`model.layers.${layer}.${part}.scales`, [n * blocks], new Float32Array(n * blocks).fill(0.01));
    return g.op('MatMulNBits', [x, w, s], { name: `/model/layers.${layer}/${part.replace('.', '/')}/MatMulNBits`, domain: 'com.microsoft', attrs: { K: k, N: n, bits: 4, block_size: BLOCK } });
  };
  let h = g.input('inputs_embeds', T.FLOAT, ['batch_size', 'sequence_length', H]);
  for (let l = 0; l < LAYERS; l++) {
    const q = q4(h, H, H, l, 'self_attn.q_proj');
    const k = q4(h, H, KV, l, 'self_attn.k_proj');
    const v = q4(h, H, KV, l, 'self_attn.v_proj');
    const attn = g.op('Add', [q, g.op('Add', [g.op('ReduceMean', [k], { attrs: { axes: [-1] } }), g.op('ReduceMean', [v], { attrs: { axes: [-1] } })])]);
    h = g.op('Add', [h, q4(attn, H, H, l, 'self_attn.o_proj')]);
    const gate = q4(h, H, I, l, 'mlp.gate_proj');
    const up = q4(h, H, I, l, 'mlp.up_proj');
    const act = g.op('Mul', [gate, g.op('Sigmoid', [gate])], { name: `/model/layers.${l}/mlp/act_fn/Mul` });
    const prod = g.op('Mul', [act, up], { name: `/model/layers.${l}/mlp/Mul` });
    h = g.op('Add', [h, q4(prod, I, H, l, 'mlp.down_proj')]);
  }
  g.op('Identity', [h], { outputs: ['last_hidden_state'] });
  g.output('last_hidden_state', T.FLOAT, ['batch_size', 'sequence_length', H]);
  return encode(g).bytes;
}

export async function run() {
  const require = createRequire(import.meta.url);
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const { inspectGraph, instrumentModel } = require(join(root, 'out/src/engine/surgery.js'));
  const bytes = buildModel(root);
  const inspect = [];
  const instrument = [];
  let out = 0;
  let sites = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    sites = inspectGraph(bytes).sites.length;
    const t1 = performance.now();
    out = instrumentModel(bytes, { additive: true }).bytes.length;
    const t2 = performance.now();
    inspect.push(t1 - t0);
    instrument.push(t2 - t1);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const mb = bytes.length / 2 ** 20;
  return [
    { metric: 'model size (q4, 24 layers)', value: mb, unit: 'MiB' },
    { metric: 'down_proj sites found', value: sites, unit: 'layers' },
    { metric: 'inspectGraph (median of 3)', value: median(inspect), unit: 'ms' },
    { metric: 'instrumentModel + additive (median of 3)', value: median(instrument), unit: 'ms' },
    { metric: 'instrument throughput', value: mb / (median(instrument) / 1000), unit: 'MiB/s' },
    { metric: 'bytes added by instrumentation', value: (out - bytes.length) / 1024, unit: 'KiB' },
  ];
}
