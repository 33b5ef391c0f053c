/**
 * What an MLP neuron writes into the vocabulary, read from the model's own weights: the logit effect
 * `W_U · (g ⊙ W_down[:, i])` (g the final norm's weight, W_U the language-model head or, for tied
 * embeddings, the embedding matrix the head reads). Weights are read from the ONNX initializers and
 * dequantised here: float32, float16, bfloat16, MatMulNBits (q4, q4f16, 8-bit) and MatMulInteger /
 * MatMulIntegerToFloat (int8, per-tensor or per-column scales and zero points). External weights are read
 * at their offsets a slice at a time (a neuron's row, a layer's down_proj, the head in chunks), so a model's
 * weights never sit in JavaScript memory all at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { halfToFloat } from './forward';
import { ELEM_FLOAT, ELEM_FLOAT16, GraphView, ModelView, NodeView, TensorInfo } from './onnx/model';
import { parseFields, WIRE_LEN } from './onnx/wire';
import type { GraphInfo } from './surgery';
import { externalRef } from './weights';

const ELEM_UINT8 = 2;
const ELEM_INT8 = 3;
const ELEM_BFLOAT16 = 16;
/** Bytes read from a weight tensor per step (the head of a large vocabulary is hundreds of MB). */
const CHUNK_BYTES = 16 << 20;

/** One initializer's elements, read by element range from the model bytes or its external file. */
class TensorData {
  readonly count: number;
  readonly elemBytes: number;
  private readonly raw?: Uint8Array;
  private readonly external?: { file: string; offset: number };

  constructor(
    readonly info: TensorInfo,
    modelDir: string,
  ) {
    this.count = info.dims.reduce((a, b) => a * b, 1);
    this.elemBytes = elementBytes(info.dataType, info.name);
    if (info.external) {
      const ref = externalRef(info.bytes);
      this.external = { file: path.join(modelDir, ref.location), offset: ref.offset };
      return;
    }
    const raw = parseFields(info.bytes).find((f) => f.num === 9 && f.wire === WIRE_LEN);
    if (!raw) throw new UserError(`Cannot read the weight ${info.name}: it is not stored as raw bytes (raw_data or external data), the layout exporters use.`);
    this.raw = raw.data;
  }

  /** Elements [start, start + n) decoded to float64 (quantized types as their integer values). */
  read(start: number, n: number): Float64Array {
    return decode(this.bytes(start * this.elemBytes, n * this.elemBytes), this.info.dataType);
  }

  /** Bytes [at, at + length) of the tensor's data. */
  bytes(at: number, length: number): Uint8Array {
    if (this.raw) return this.raw.subarray(at, at + length);
    const { file, offset } = this.external as { file: string; offset: number };
    const buf = Buffer.alloc(length);
    const fd = fs.openSync(file, 'r');
    try {
      const got = fs.readSync(fd, buf, 0, length, offset + at);
      if (got !== length) throw new UserError(`The external weights file ${file} ends before the weight ${this.info.name} does: download it again.`);
    } finally {
      fs.closeSync(fd);
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, length);
  }
}

function elementBytes(type: number, name: string): number {
  switch (type) {
    case ELEM_FLOAT:
      return 4;
    case ELEM_FLOAT16:
    case ELEM_BFLOAT16:
      return 2;
    case ELEM_INT8:
    case ELEM_UINT8:
      return 1;
    default:
      throw new UserError(`Cannot read the weight ${name}: element type ${type} is not float32, float16, bfloat16, int8 or uint8.`);
  }
}

function decode(b: Uint8Array, type: number): Float64Array {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength / elementBytes(type, '');
  const out = new Float64Array(n);
  switch (type) {
    case ELEM_FLOAT:
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case ELEM_FLOAT16:
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case ELEM_BFLOAT16:
      for (let i = 0; i < n; i++) out[i] = bfloatToFloat(view.getUint16(i * 2, true));
      break;
    case ELEM_INT8:
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = b[i];
  }
  return out;
}

function bfloatToFloat(h: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, h << 16);
  return view.getFloat32(0);
}

/**
 * A linear layer `y = x W` with W [K, N] (K inputs, N outputs), however the graph stores it. Two reads:
 * a few rows of W (a down_proj's row k is what neuron k writes into the residual stream), and `v W` for a
 * whole vector (the head: one score per token), both streamed in chunks.
 */
export interface LinearWeights {
  k: number;
  n: number;
  rows(ks: readonly number[]): Float64Array[];
  multiply(v: ArrayLike<number>): Float64Array;
}

/**
 * A dense or int8 matrix, stored [K, N] (`kn`) or transposed [N, K] (`nk`: Gemm transB, Transpose, tied
 * embeddings); element (k, n) is `(q - zero[n]) * scale[n]` (plain floats: zero 0, scale alpha).
 */
class AffineMatrix implements LinearWeights {
  constructor(
    private readonly data: TensorData,
    readonly k: number,
    readonly n: number,
    private readonly order: 'kn' | 'nk',
    private readonly scale: (n: number) => number,
    private readonly zero: (n: number) => number,
  ) {}

  rows(ks: readonly number[]): Float64Array[] {
    const { k: K, n: N } = this;
    if (this.order === 'kn') {
      return ks.map((k) => {
        const row = this.data.read(k * N, N);
        for (let n = 0; n < N; n++) row[n] = (row[n] - this.zero(n)) * this.scale(n);
        return row;
      });
    }
    const out = ks.map(() => new Float64Array(N));
    this.eachChunk(N, K, (n0, block, count) => {
      for (let r = 0; r < count; r++) {
        const n = n0 + r;
        ks.forEach((k, j) => (out[j][n] = (block[r * K + k] - this.zero(n)) * this.scale(n)));
      }
    });
    return out;
  }

  multiply(v: ArrayLike<number>): Float64Array {
    const { k: K, n: N } = this;
    const acc = new Float64Array(N);
    if (this.order === 'kn') {
      // acc[n] = sum_k v[k] (q[k,n] - zero[n]) scale[n]: sum the raw values first, correct per column after.
      let vSum = 0;
      this.eachChunk(K, N, (k0, block, count) => {
        for (let r = 0; r < count; r++) {
          const vk = v[k0 + r];
          vSum += vk;
          if (vk === 0) continue;
          for (let n = 0; n < N; n++) acc[n] += vk * block[r * N + n];
        }
      });
      for (let n = 0; n < N; n++) acc[n] = (acc[n] - vSum * this.zero(n)) * this.scale(n);
      return acc;
    }
    this.eachChunk(N, K, (n0, block, count) => {
      for (let r = 0; r < count; r++) {
        let s = 0;
        let z = 0;
        for (let k = 0; k < K; k++) {
          s += v[k] * block[r * K + k];
          z += v[k];
        }
        acc[n0 + r] = (s - z * this.zero(n0 + r)) * this.scale(n0 + r);
      }
    });
    return acc;
  }

  /** Streams the stored matrix `outer` rows of `inner` elements at a time. */
  private eachChunk(outer: number, inner: number, fn: (first: number, block: Float64Array, count: number) => void): void {
    const per = Math.max(1, Math.floor(CHUNK_BYTES / (inner * this.data.elemBytes)));
    for (let r = 0; r < outer; r += per) {
      const count = Math.min(per, outer - r);
      fn(r, this.data.read(r * inner, count * inner), count);
    }
  }
}

/** com.microsoft MatMulNBits: B [N, blocks, blockSize * bits / 8], scales [N * blocks], packed zero points. */
class BlockQuantized implements LinearWeights {
  private readonly blocks: number;
  private readonly blob: number;
  private readonly zpRow: number;

  constructor(
    private readonly b: TensorData,
    private readonly scales: TensorData,
    private readonly zeros: TensorData | undefined,
    readonly k: number,
    readonly n: number,
    private readonly bits: number,
    private readonly blockSize: number,
  ) {
    this.blocks = Math.ceil(k / blockSize);
    this.blob = (blockSize * bits) / 8;
    this.zpRow = Math.ceil((this.blocks * bits) / 8);
    if (zeros && zeros.info.dataType !== ELEM_UINT8) {
      throw new UserError(`Cannot read the MatMulNBits weight ${b.info.name}: its zero points are not packed uint8.`);
    }
  }

  /** Dequantised row n of the stored [N, K] matrix (= column n of W). */
  private column(packed: Uint8Array, scales: Float64Array, zeros: Uint8Array | undefined): Float64Array {
    const { k: K, bits, blockSize, blob, blocks } = this;
    const mask = (1 << bits) - 1;
    const out = new Float64Array(K);
    for (let blk = 0; blk < blocks; blk++) {
      const scale = scales[blk];
      const bitAt = blk * bits;
      const zero = zeros ? (zeros[bitAt >> 3] >> (bitAt & 7)) & mask : 1 << (bits - 1);
      for (let j = 0; j < blockSize; j++) {
        const k = blk * blockSize + j;
        if (k >= K) break;
        const at = j * bits;
        const q = (packed[blk * blob + (at >> 3)] >> (at & 7)) & mask;
        out[k] = (q - zero) * scale;
      }
    }
    return out;
  }

  private eachColumn(fn: (n: number, col: Float64Array) => void): void {
    const rowBytes = this.blocks * this.blob;
    const per = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
    for (let n0 = 0; n0 < this.n; n0 += per) {
      const count = Math.min(per, this.n - n0);
      const packed = this.b.bytes(n0 * rowBytes, count * rowBytes);
      const scales = this.scales.read(n0 * this.blocks, count * this.blocks);
      const zeros = this.zeros?.bytes(n0 * this.zpRow, count * this.zpRow);
      for (let r = 0; r < count; r++) {
        const col = this.column(packed.subarray(r * rowBytes, (r + 1) * rowBytes), scales.subarray(r * this.blocks, (r + 1) * this.blocks), zeros?.subarray(r * this.zpRow, (r + 1) * this.zpRow));
        fn(n0 + r, col);
      }
    }
  }

  rows(ks: readonly number[]): Float64Array[] {
    const out = ks.map(() => new Float64Array(this.n));
    this.eachColumn((n, col) => ks.forEach((k, j) => (out[j][n] = col[k])));
    return out;
  }

  multiply(v: ArrayLike<number>): Float64Array {
    const acc = new Float64Array(this.n);
    this.eachColumn((n, col) => {
      let s = 0;
      for (let k = 0; k < this.k; k++) s += v[k] * col[k];
      acc[n] = s;
    });
    return acc;
  }
}

interface Graphs {
  producers: Map<string, NodeView>;
  consumers: Map<string, NodeView[]>;
  byName: Map<string, NodeView>;
  initializers: Map<string, TensorInfo>;
  main: GraphView;
  /** Subgraph outputs by If node output, for a `logits` produced by an If (merged decoders). */
  branchOutput: (node: NodeView, output: string) => string | undefined;
}

function indexGraphs(model: ModelView): Graphs {
  const producers = new Map<string, NodeView>();
  const consumers = new Map<string, NodeView[]>();
  const byName = new Map<string, NodeView>();
  const initializers = new Map<string, TensorInfo>();
  const visit = (g: GraphView) => {
    for (const t of g.initializers) initializers.set(t.name, t);
    for (const node of g.nodes) {
      for (const o of node.outputs) if (o && !producers.has(o)) producers.set(o, node);
      for (const i of node.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), node]);
      if (node.name && !byName.has(node.name)) byName.set(node.name, node);
      node.subgraphs().forEach(visit);
    }
  };
  visit(model.graph);
  const branchOutput = (node: NodeView, output: string) => {
    const k = node.outputs.indexOf(output);
    return node.subgraphs()[0]?.outputs[k]?.name;
  };
  return { producers, consumers, byName, initializers, main: model.graph, branchOutput };
}

/** The weights the neuron page needs, from one model file. */
export class ModelWeights {
  private readonly g: Graphs;
  private readonly dir: string;

  private constructor(
    model: ModelView,
    onnxPath: string,
    private readonly info: GraphInfo,
  ) {
    this.g = indexGraphs(model);
    this.dir = path.dirname(onnxPath);
  }

  /** Reads the graph of `onnxPath` (weights stay in their files until asked for). */
  static open(onnxPath: string, info: GraphInfo): ModelWeights {
    return new ModelWeights(new ModelView(fs.readFileSync(onnxPath)), onnxPath, info);
  }

  /** Layer `layer`'s down_proj as [I, H]: row i is what neuron i adds to the residual stream per unit of activation. */
  downProj(layer: number): LinearWeights {
    const site = this.info.sites.find((s) => s.layer === layer);
    const node = site && this.g.byName.get(site.downProjNode);
    if (!site || !node) throw new UserError(`Layer ${layer} has no down_proj in this model (it has ${this.info.layers} layers).`);
    return this.linear(node, `layer ${layer}'s down_proj`);
  }

  /** The final norm's weight g (per hidden unit), between the last layer and the head. */
  finalNorm(): Float64Array {
    const head = this.headNode();
    let t = head.inputs[0];
    for (let hop = 0; hop < 8; hop++) {
      const p = this.g.producers.get(t);
      if (!p) break;
      if (PASS_THROUGH.has(p.opType) || p.opType === 'DynamicQuantizeLinear') {
        t = p.inputs[0];
        continue;
      }
      if (p.opType === 'SimplifiedLayerNormalization' || p.opType === 'LayerNormalization' || p.opType === 'RMSNormalization') return this.vector(p.inputs[1]);
      if (p.opType === 'SkipSimplifiedLayerNormalization' || p.opType === 'SkipLayerNormalization') return this.vector(p.inputs[2]);
      if (p.opType === 'Mul') {
        const w = p.inputs.find((i) => this.constant(i) !== undefined);
        if (w) return this.vector(w);
      }
      break;
    }
    throw new UserError("Cannot find the final norm's weight before this model's language-model head (expected an RMSNorm or a Mul by a constant vector).");
  }

  /** The language-model head as [H, V] (tied embeddings: the embedding matrix, read transposed). */
  head(): LinearWeights {
    return this.linear(this.headNode(), 'the language-model head');
  }

  private headNode(): NodeView {
    let t = 'logits';
    for (let hop = 0; hop < 10; hop++) {
      const p = this.g.producers.get(t);
      if (!p) break;
      if (p.opType === 'If') {
        const inner = this.g.branchOutput(p, t);
        if (!inner) break;
        t = inner;
        continue;
      }
      if (MATMULS.has(p.opType) || this.int8Output(p)) return this.int8Output(p) ?? p;
      if (!PASS_THROUGH.has(p.opType)) break;
      t = p.inputs[0];
    }
    throw new UserError("Cannot find this model's language-model head: 'logits' is not computed by a MatMul, Gemm, MatMulNBits or MatMulInteger.");
  }

  /** For `Mul(Cast(MatMulInteger(...)), scale)`, the MatMulInteger node. */
  private int8Output(node: NodeView): NodeView | undefined {
    if (node.opType !== 'Mul') return undefined;
    for (const i of node.inputs) {
      const cast = this.g.producers.get(i);
      const mmi = cast?.opType === 'Cast' ? this.g.producers.get(cast.inputs[0]) : undefined;
      if (mmi?.opType === 'MatMulInteger') return mmi;
    }
    return undefined;
  }

  private linear(node: NodeView, what: string): LinearWeights {
    const fail = (why: string): never => {
      throw new UserError(`Cannot read the weights of ${what} (${node.opType} node "${node.name}"): ${why}.`);
    };
    switch (node.opType) {
      case 'MatMul':
      case 'Gemm': {
        const w = this.resolve(node.inputs[1]) ?? fail('its weight is not a constant initializer');
        let transposed = w.transposed;
        if (node.opType === 'Gemm' && node.attribute('transB')?.int === 1) transposed = !transposed;
        const alpha = node.opType === 'Gemm' ? (node.attribute('alpha')?.float ?? 1) : 1;
        const dims = w.tensor.dims;
        if (dims.length !== 2) fail(`its weight has ${dims.length} dimensions`);
        const [k, n] = transposed ? [dims[1], dims[0]] : dims;
        return new AffineMatrix(
          this.data(w.tensor),
          k,
          n,
          transposed ? 'nk' : 'kn',
          () => alpha,
          () => 0,
        );
      }
      case 'MatMulNBits': {
        const k = node.attribute('K')?.int ?? fail('it has no K attribute');
        const n = node.attribute('N')?.int ?? fail('it has no N attribute');
        const bits = node.attribute('bits')?.int ?? 4;
        const blockSize = node.attribute('block_size')?.int ?? fail('it has no block_size attribute');
        if (node.inputs[4]) fail('it uses g_idx (act-order), which this reader does not support');
        const init = (name: string | undefined) => (name ? this.g.initializers.get(name) : undefined);
        const b = init(node.inputs[1]) ?? fail('B is not an initializer');
        const scales = init(node.inputs[2]) ?? fail('its scales are not an initializer');
        const zeros = init(node.inputs[3]);
        return new BlockQuantized(this.data(b), this.data(scales), zeros ? this.data(zeros) : undefined, k, n, bits, blockSize);
      }
      case 'MatMulInteger':
      case 'MatMulIntegerToFloat': {
        const w = this.g.initializers.get(node.inputs[1]) ?? fail('its weight is not an initializer');
        if (w.dims.length !== 2) fail(`its weight has ${w.dims.length} dimensions`);
        const [k, n] = w.dims;
        const zpName = node.opType === 'MatMulInteger' ? node.inputs[3] : node.inputs[5];
        const scaleName = node.opType === 'MatMulInteger' ? this.int8Scale(node) : node.inputs[3];
        const scale = scaleName ? this.vector(scaleName) : fail("its weight's scale is not a constant");
        const zero = zpName ? this.vector(zpName) : new Float64Array([0]);
        const perColumn = (a: Float64Array) => (a.length === 1 ? () => a[0] : (j: number) => a[j]);
        return new AffineMatrix(this.data(w), k, n, 'kn', perColumn(scale), perColumn(zero));
      }
      default:
        return fail('not a matrix multiplication this reader knows');
    }
  }

  /**
   * MatMulInteger's weight scale: onnxruntime's dynamic quantization rescales with
   * `Mul(Cast(MatMulInteger), Mul(x_scale, w_scale))`; w_scale is the constant operand of the inner Mul.
   */
  private int8Scale(node: NodeView): string | undefined {
    const cast = this.g.consumers.get(node.outputs[0])?.find((c) => c.opType === 'Cast');
    const mul = cast && this.g.consumers.get(cast.outputs[0])?.find((c) => c.opType === 'Mul');
    if (!mul) return undefined;
    const other = mul.inputs.find((i) => i !== cast.outputs[0]);
    if (other === undefined) return undefined;
    if (this.constant(other)) return other;
    const inner = this.g.producers.get(other);
    return inner?.opType === 'Mul' ? inner.inputs.find((i) => this.constant(i) !== undefined) : undefined;
  }

  /** The initializer behind a weight input, through Cast / Identity / Transpose (which flips it). */
  private resolve(name: string): { tensor: TensorInfo; transposed: boolean } | undefined {
    let t = name;
    let transposed = false;
    for (let hop = 0; hop < 4; hop++) {
      const init = this.g.initializers.get(t);
      if (init) return { tensor: init, transposed };
      const p = this.g.producers.get(t);
      if (!p) return undefined;
      if (p.opType === 'Transpose') {
        const perm = p.attribute('perm')?.ints ?? [1, 0];
        if (perm.length !== 2 || perm[0] !== 1) return undefined;
        transposed = !transposed;
      } else if (p.opType !== 'Cast' && p.opType !== 'Identity') return undefined;
      t = p.inputs[0];
    }
    return undefined;
  }

  private constant(name: string): TensorInfo | undefined {
    return this.resolve(name)?.tensor;
  }

  /** A small constant tensor (a norm weight, scales, zero points) as float64. */
  private vector(name: string): Float64Array {
    const t = this.constant(name);
    if (!t) throw new UserError(`Cannot read ${name}: it is not a constant initializer.`);
    const d = this.data(t);
    return d.read(0, d.count);
  }

  private data(t: TensorInfo): TensorData {
    return new TensorData(t, this.dir);
  }
}

const MATMULS = new Set(['MatMul', 'Gemm', 'MatMulNBits', 'MatMulIntegerToFloat']);
/** Ops between the final norm, the head and `logits` that do not change the values that matter here. */
const PASS_THROUGH = new Set(['Cast', 'Identity', 'Reshape', 'Slice', 'Squeeze', 'Unsqueeze', 'Flatten']);

/** Per neuron (layer, index): its logit effect on every token, W_U · (g ⊙ W_down[index, :]). */
export function neuronLogitEffects(weights: ModelWeights, neurons: readonly { layer: number; index: number }[]): Float64Array[] {
  const g = weights.finalNorm();
  const head = weights.head();
  const out: Float64Array[] = new Array<Float64Array>(neurons.length);
  const byLayer = new Map<number, number[]>();
  neurons.forEach((n, j) => byLayer.set(n.layer, [...(byLayer.get(n.layer) ?? []), j]));
  for (const [layer, js] of byLayer) {
    const down = weights.downProj(layer);
    if (down.n !== g.length || head.k !== g.length) {
      throw new UserError(`The hidden sizes disagree: down_proj writes ${down.n}, the final norm has ${g.length}, the head reads ${head.k}.`);
    }
    const rows = down.rows(js.map((j) => neurons[j].index));
    js.forEach((j, r) => {
      const v = rows[r].map((x, h) => x * g[h]);
      out[j] = head.multiply(v);
    });
  }
  return out;
}
