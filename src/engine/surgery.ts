/**
 * ONNX graph surgery for CNA: find each decoder layer's `mlp.down_proj` input (act(gate) * up) and add
 *  - inputs  `cna_multiplier_{L}` float32 [batch, 1, I], multiplied into that tensor before every consumer,
 *  - input   `cna_capture_index` int64 [batch], the position to capture in each row,
 *  - outputs `cna_capture_{L}` float32 [batch, I], the scaled tensor at that position,
 *  - with `additive`: inputs `cna_additive_{L}` float32 [batch, 1, H] added to the down_proj output and
 *    outputs `cna_mlp_output_{L}` float32 [batch, H], the down_proj output at the capture index (before the add).
 * Works on the protobuf bytes (see ./onnx/model.ts): weights are never parsed, unknown fields are kept.
 *
 * Loading the edited bytes (checked with onnxruntime-node 1.30, test/unit/surgery/external-data.test.ts):
 * the bytes keep every `external_data` reference (`location` relative to the model folder), but a model given
 * as a buffer has no folder: ORT then resolves the locations against the process working directory and fails
 * ("External data path does not exist: <cwd>/model.onnx_data"), or worse, finds a stranger's file there.
 * Always pass the model folder as a session config entry; ORT then opens and memory-maps `model.onnx_data`,
 * `model.onnx.data`, `model.onnx_data_1`, ... itself (both side files show up in /proc/self/maps):
 *
 *   InferenceSession.create(bytes, { extra: { session: { model_external_initializers_file_folder_path: dir } } })
 *
 * ORT also refuses side files whose real path leaves that folder (Hugging Face cache symlinks into blobs/);
 * ./externalData.ts picks or stages a folder that satisfies this.
 * The alternative `externalData: [{ path: 'model.onnx_data', data }]` also works, but the Node binding only
 * accepts `data` as a Buffer/typed array (a bare path string is rejected: "sessionOptions.externalData value
 * must be an object in Node.js binding"), so every weight would be read into JavaScript memory first: do not
 * use it for real models.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors';
import { ELEM_FLOAT, ELEM_FLOAT16, ELEM_INT64, GraphView, ModelView, NewNode, NodeView, TensorInfo, TensorType, elemTypeName } from './onnx/model';
import { WireError } from './onnx/wire';
import { weightsFingerprint, type ExternalReader } from './weights';

export interface MlpSite {
  layer: number;
  tensor: string;
  downProjNode: string;
}
export type Quantization = 'none' | 'fp16' | 'q4' | 'q4f16' | 'int8';
export interface GraphInfo {
  layout: 'optimum' | 'genai' | 'merged-if';
  quantization: Quantization;
  dtype: 'float32' | 'float16';
  layers: number;
  hiddenSize: number;
  intermediateSize: number;
  sites: MlpSite[];
  inputs: { name: string; elemType: string; shape: (number | string)[] }[];
  outputs: { name: string; elemType: string; shape: (number | string)[] }[];
  fingerprint: string;
  /** A sample of the weight values (weights.ts): tells a fine-tune from its base. */
  weightsFingerprint: string;
  opsets: { domain: string; version: number }[];
}
/**
 * What the session running the graph is for:
 *  - `full` (default): every original output, logits at every position.
 *  - `capture`: only the capture outputs; every node after the last captured tensor (the rest of the last
 *    layer, the final norm, the language-model head, the key/value outputs) is removed, since ONNX Runtime
 *    runs every node of a graph whatever outputs are fetched.
 *  - `generate`: every original output, but the head reads only the last position of each row, so logits
 *    are [batch, 1, vocab] (a prefill pays for one row of the head, not one per token). Left as `full` where
 *    the head's input is quantized per tensor (int8: slicing first would change its scale and the numbers).
 *  - `positions`: like `capture`, but every position of chosen neurons: inputs `cna_select_{L}` int64 [n]
 *    (neuron indices of layer L, possibly none) and outputs `cna_positions_{L}` float32 [batch, seq, n]
 *    instead of the last-position captures (circuit activity over a prompt's tokens).
 */
export type GraphPurpose = 'full' | 'capture' | 'generate' | 'positions';
export interface InstrumentOptions {
  additive?: boolean;
  purpose?: GraphPurpose;
}
export interface InstrumentedModel {
  bytes: Uint8Array;
  info: GraphInfo;
  /** `generate`: whether the head now reads the last position only. `capture`: original nodes removed. */
  logitsLastOnly: boolean;
  removedNodes: number;
}
export interface ModelHint {
  intermediateSize?: number;
  layers?: number;
  /** Reads external weight bytes for the weights fingerprint; without it only their references count. */
  readExternal?: ExternalReader;
}

const MATMUL_OPS = new Set(['MatMul', 'MatMulNBits', 'MatMulInteger', 'MatMulIntegerToFloat']);
/** `layers.N` ... `mlp` ... `down_proj`, with `/`, `.` or `_` between parts and any prefix. */
const DOWN_PROJ_NAME = /(?:^|[/._])layers[/._](\d+)[/._]mlp[/._]down_proj(?:[/._]|$)/;

/** One matmul-like node with what surgery needs to know about it. */
interface MatmulSite {
  graph: GraphView;
  /** The MatMul / MatMulNBits / MatMulInteger(ToFloat) node. */
  node: NodeView;
  /** Float tensor that carries the activation into the matmul (before any DynamicQuantizeLinear). */
  tensor: string;
  /** Tensor holding the matmul's float output (after Cast/Mul rescaling for MatMulInteger). */
  output: string;
  outputNode: NodeView;
  k: number;
  n: number;
  actType: number;
  layer?: number;
  nameMatched: boolean;
}

interface GraphScope {
  graph: GraphView;
  /** The If node in the main graph and the branch index, for subgraphs; undefined for the main graph. */
  parent?: { node: NodeView; branch: number };
  depth: number;
  producers: Map<string, NodeView>;
  consumers: Map<string, NodeView[]>;
}

interface Analysis {
  model: ModelView;
  scopes: GraphScope[];
  initializers: Map<string, TensorInfo>;
  /** Sites grouped by graph (in scope order), each sorted by layer. */
  siteGroups: { scope: GraphScope; sites: MatmulSite[] }[];
  info: GraphInfo;
}

export function inspectGraph(model: Uint8Array, hint?: ModelHint): GraphInfo {
  return analyse(model, hint).info;
}

export function instrumentModel(model: Uint8Array, opts: InstrumentOptions = {}, hint?: ModelHint): InstrumentedModel {
  const a = analyse(model, hint);
  const additive = opts.additive === true;
  const purpose = opts.purpose ?? 'full';
  // Liveness is worked out on the original wiring, before instrumenting renames the down_proj inputs.
  const prune = purpose === 'capture' || purpose === 'positions' ? planCapturePrune(a, additive) : undefined;
  instrument(a, additive, purpose === 'positions');
  let removedNodes = 0;
  if (prune) removedNodes = applyCapturePrune(a, prune);
  const logitsLastOnly = purpose === 'generate' ? headOnLastPosition(a) : false;
  return { bytes: a.model.encode(), info: a.info, logitsLastOnly, removedNodes };
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

function parseModel(bytes: Uint8Array): ModelView {
  if (bytes.length === 0) throw new UserError('Not an ONNX file: the file is empty.');
  let model: ModelView;
  try {
    model = new ModelView(bytes);
  } catch (e) {
    if (!(e instanceof WireError) && !(e instanceof Error && e.message === 'ModelProto has no graph')) throw e;
    // A ModelProto starts with ir_version (field 1, varint: byte 0x08); anything else is not ONNX.
    const looksOnnx = bytes[0] === 0x08 && bytes.length > 1 && bytes[1] > 0 && bytes[1] < 0x20;
    if (looksOnnx && e instanceof WireError) {
      throw new UserError(`The ONNX file is truncated or corrupt (${e.message} at byte ${e.offset} of ${bytes.length}); download it again.`);
    }
    throw new UserError('Not an ONNX file: the bytes are not an ONNX ModelProto (no graph found). Point to the model .onnx file.');
  }
  if (model.irVersion <= 0 || model.irVersion > 64) {
    throw new UserError(`Not an ONNX file: ir_version ${model.irVersion} is not a valid ONNX IR version.`);
  }
  return model;
}

function buildScopes(model: ModelView): GraphScope[] {
  const scopes: GraphScope[] = [];
  const visit = (graph: GraphView, depth: number, parent?: GraphScope['parent']) => {
    const producers = new Map<string, NodeView>();
    const consumers = new Map<string, NodeView[]>();
    for (const n of graph.nodes) {
      for (const o of n.outputs) if (o) producers.set(o, n);
      for (const i of n.inputs) {
        if (!i) continue;
        const list = consumers.get(i) ?? [];
        if (!list.includes(n)) list.push(n);
        consumers.set(i, list);
      }
    }
    scopes.push({ graph, parent, depth, producers, consumers });
    for (const n of graph.nodes) {
      n.subgraphs().forEach((g, branch) => visit(g, depth + 1, { node: n, branch }));
    }
  };
  visit(model.graph, 0);
  return scopes;
}

// ---------------------------------------------------------------------------------------------------------
// Finding the down_proj matmuls

/** Element type and [K, N] of a MatMul weight: an initializer, possibly behind Cast/Identity/DequantizeLinear. */
function weightOf(name: string, scope: GraphScope, inits: Map<string, TensorInfo>): { dims: number[]; type: number; init: string } | undefined {
  let current = name;
  let castTo: number | undefined;
  for (let hop = 0; hop < 4; hop++) {
    const init = inits.get(current);
    if (init) return { dims: init.dims, type: castTo ?? init.dataType, init: init.name };
    const p = scope.producers.get(current);
    if (!p) return undefined;
    if (p.opType === 'Cast') castTo ??= p.attribute('to')?.int;
    else if (p.opType === 'DequantizeLinear') {
      castTo ??= inits.get(p.inputs[1])?.dataType ?? ELEM_FLOAT;
    } else if (p.opType !== 'Identity') return undefined;
    current = p.inputs[0];
  }
  return undefined;
}

function describeMatmul(node: NodeView, scope: GraphScope, inits: Map<string, TensorInfo>): MatmulSite | undefined {
  const base = { graph: scope.graph, node, output: node.outputs[0], outputNode: node, nameMatched: false };
  let weightName = '';
  let site: MatmulSite | undefined;
  if (node.opType === 'MatMul') {
    const w = weightOf(node.inputs[1], scope, inits);
    if (!w || w.dims.length !== 2) return undefined;
    weightName = w.init;
    site = { ...base, tensor: node.inputs[0], k: w.dims[0], n: w.dims[1], actType: w.type };
  } else if (node.opType === 'MatMulNBits') {
    const k = node.attribute('K')?.int;
    const n = node.attribute('N')?.int;
    if (k === undefined || n === undefined) return undefined;
    weightName = node.inputs[1];
    const scales = inits.get(node.inputs[2]);
    site = { ...base, tensor: node.inputs[0], k, n, actType: scales?.dataType ?? ELEM_FLOAT };
  } else {
    // MatMulInteger / MatMulIntegerToFloat: the activation is quantized by DynamicQuantizeLinear first.
    const w = inits.get(node.inputs[1]);
    const dql = scope.producers.get(node.inputs[0]);
    if (!w || w.dims.length !== 2 || !dql || dql.opType !== 'DynamicQuantizeLinear') return undefined;
    weightName = w.name;
    site = { ...base, tensor: dql.inputs[0], k: w.dims[0], n: w.dims[1], actType: ELEM_FLOAT };
    if (node.opType === 'MatMulInteger') {
      // int32 result -> Cast(float) -> Mul(scale): the rescaled tensor is the down_proj output.
      const cast = single(scope.consumers.get(node.outputs[0]));
      const mul = cast?.opType === 'Cast' ? single(scope.consumers.get(cast.outputs[0])) : undefined;
      if (mul?.opType === 'Mul') site = { ...site, output: mul.outputs[0], outputNode: mul };
    }
  }
  const m = DOWN_PROJ_NAME.exec(node.name) ?? DOWN_PROJ_NAME.exec(weightName);
  if (m) site = { ...site, layer: Number(m[1]), nameMatched: true };
  return site;
}

function single<T>(list: T[] | undefined): T | undefined {
  return list && list.length === 1 ? list[0] : undefined;
}

/** The intermediate size of a gated MLP: a width that is the input of one matmul per layer and the output
 *  of two (gate and up), and is not the hidden size (the most common input width). */
function inferIntermediate(matmuls: MatmulSite[]): number | undefined {
  const kCount = new Map<number, number>();
  const nCount = new Map<number, number>();
  for (const m of matmuls) {
    kCount.set(m.k, (kCount.get(m.k) ?? 0) + 1);
    nCount.set(m.n, (nCount.get(m.n) ?? 0) + 1);
  }
  let hidden = 0;
  let hiddenCount = 0;
  for (const [k, c] of kCount) if (c > hiddenCount || (c === hiddenCount && k < hidden)) [hidden, hiddenCount] = [k, c];
  let best: number | undefined;
  let bestCount = 0;
  for (const [k, c] of kCount) {
    if (k === hidden || (nCount.get(k) ?? 0) < 2 * c) continue;
    if (c > bestCount || (c === bestCount && best !== undefined && k > best)) [best, bestCount] = [k, c];
  }
  return best;
}

function findSites(scopes: GraphScope[], inits: Map<string, TensorInfo>, hint?: ModelHint): { scope: GraphScope; sites: MatmulSite[] }[] {
  const all: { scope: GraphScope; matmuls: MatmulSite[] }[] = scopes.map((scope) => ({
    scope,
    matmuls: scope.graph.nodes
      .filter((n) => MATMUL_OPS.has(n.opType))
      .map((n) => describeMatmul(n, scope, inits))
      .filter((m): m is MatmulSite => m !== undefined),
  }));
  const flat = all.flatMap((g) => g.matmuls);
  const named = flat.filter((m) => m.nameMatched);
  const intermediate = named.length > 0 ? mostCommon(named.map((m) => m.k)) : (hint?.intermediateSize ?? largestGroupIntermediate(all));

  const groups: { scope: GraphScope; sites: MatmulSite[] }[] = [];
  for (const { scope, matmuls } of all) {
    let sites: MatmulSite[];
    if (named.length > 0) {
      sites = matmuls.filter((m) => m.nameMatched && m.k === intermediate);
    } else {
      sites = matmuls.filter((m) => m.k === intermediate).map((m, i) => ({ ...m, layer: i }));
      // Structural fallback needs the gate/up pair too: two matmuls per layer producing width I.
      const producing = matmuls.filter((m) => m.n === intermediate).length;
      if (producing < 2 * sites.length) sites = [];
    }
    if (sites.length === 0) continue;
    sites.sort((x, y) => (x.layer as number) - (y.layer as number));
    groups.push({ scope, sites });
  }
  if (groups.length === 0) throw noGatedMlp(scopes, flat, intermediate);
  return groups;
}

function largestGroupIntermediate(all: { matmuls: MatmulSite[] }[]): number | undefined {
  // Merged decoders repeat every layer per branch; widths counted per graph keep the per-layer ratios exact.
  const biggest = [...all].sort((a, b) => b.matmuls.length - a.matmuls.length)[0];
  return biggest ? inferIntermediate(biggest.matmuls) : undefined;
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

function noGatedMlp(scopes: GraphScope[], matmuls: MatmulSite[], intermediate: number | undefined): UserError {
  const ops = new Map<string, number>();
  for (const s of scopes) for (const n of s.graph.nodes) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
  const mm = [...MATMUL_OPS].filter((o) => ops.has(o)).map((o) => `${ops.get(o)} ${o}`);
  const widths = [...new Set(matmuls.map((m) => m.k))].sort((a, b) => a - b);
  const seen = mm.length ? `found ${mm.join(', ')} node(s)` : `found no MatMul-like nodes (ops: ${[...ops.keys()].slice(0, 12).join(', ') || 'none'})`;
  const width =
    intermediate !== undefined
      ? `but none named .../layers.N/mlp/down_proj and none whose input width is intermediate_size ${intermediate}`
      : `(input widths of those with weights: ${widths.join(', ') || 'none'}), but none named .../layers.N/mlp/down_proj and no width that two matmuls per layer produce (gate and up) and one consumes (down)`;
  return new UserError(`No gated MLP found in this ONNX model: ${seen} ${width}. CNA needs a Llama/Qwen-style MLP (down_proj(act(gate_proj(x)) * up_proj(x))).`);
}

/** ONNX Runtime's fused mixture-of-experts operators (com.microsoft): the experts are inside one node. */
const FUSED_MOE_OPS = new Set(['MoE', 'QMoE', 'SparseMoE']);
/** Expert modules as exporters name them: Qwen2-MoE/Qwen3-MoE/OLMoE `mlp.experts.N` and `mlp.shared_expert`,
 *  Mixtral `block_sparse_moe.experts.N`, DeepSeek `mlp.shared_experts`. */
const EXPERT_NAME = /(?:^|[/._])(?:experts[/._]\d+|shared_experts?|block_sparse_moe)(?:[/._]|$)/;

/**
 * A mixture-of-experts MLP is several gated MLPs per layer behind a router: taking one of them (or all of
 * them as if they were layers) as "the MLP" would capture and steer a part of it silently. CNA's neuron
 * addressing is (layer, index) over one dense MLP, so these models are refused in one line.
 */
function refuseMixtureOfExperts(scopes: GraphScope[]): void {
  for (const s of scopes) {
    for (const n of s.graph.nodes) {
      if (FUSED_MOE_OPS.has(n.opType)) {
        throw new UserError(
          `This model is a mixture of experts: its experts sit inside ONNX Runtime's fused ${n.opType} operator (node "${n.name}"), whose neurons cannot be captured or steered. CNA supports dense gated MLPs (Llama, Qwen2, Mistral, Gemma, Phi-3, OLMo2, ...).`,
        );
      }
    }
  }
  for (const s of scopes) {
    const expert = s.graph.nodes.find((n) => MATMUL_OPS.has(n.opType) && EXPERT_NAME.test(n.name));
    if (expert) {
      throw new UserError(
        `This model is a mixture of experts (routed expert MLPs, e.g. node "${expert.name}"); CNA supports dense gated MLPs only (Llama, Qwen2, Mistral, Gemma, Phi-3, OLMo2, ...), and steering one expert as if it were the layer's MLP would be wrong.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Describing the graph

function analyse(bytes: Uint8Array, hint?: ModelHint): Analysis {
  const model = parseModel(bytes);
  let scopes: GraphScope[];
  try {
    scopes = buildScopes(model);
  } catch (e) {
    if (e instanceof WireError) throw new UserError(`The ONNX file is truncated or corrupt (${e.message}); download it again.`);
    throw e;
  }
  const initializers = new Map<string, TensorInfo>();
  for (const s of scopes) for (const t of s.graph.initializers) initializers.set(t.name, t);
  refuseMixtureOfExperts(scopes);
  const siteGroups = findSites(scopes, initializers, hint);

  const primary = siteGroups[0];
  const layers = primary.sites.map((s) => s.layer as number);
  for (const g of siteGroups) {
    const l = g.sites.map((s) => s.layer as number);
    if (new Set(l).size !== l.length) {
      throw new UserError(`Found two down_proj matmuls for the same layer in graph "${g.scope.graph.name}"; cannot tell which one is the MLP.`);
    }
    if (l.join(',') !== layers.join(',')) {
      throw new UserError(`The branches of this merged decoder disagree on the MLP layers (${layers.join(',')} vs ${l.join(',')}).`);
    }
    if (g.scope.depth > 1 || (g.scope.parent && g.scope.parent.node.opType !== 'If')) {
      throw new UserError(`The MLP layers sit inside a ${g.scope.parent?.node.opType ?? 'nested'} subgraph; only the main graph or the branches of an If node are supported.`);
    }
  }
  if (hint?.layers !== undefined && hint.layers !== layers.length) {
    throw new UserError(`Found ${layers.length} down_proj sites in the ONNX graph but config.json says num_hidden_layers = ${hint.layers}.`);
  }
  const first = primary.sites[0];
  const actType = first.actType;
  if (actType !== ELEM_FLOAT && actType !== ELEM_FLOAT16) {
    throw new UserError(`The MLP activations are ${elemTypeName(actType)}; only float32 and float16 models are supported.`);
  }
  const allOps = new Set(scopes.flatMap((s) => s.graph.nodes.map((n) => n.opType)));
  const layout: GraphInfo['layout'] = siteGroups.some((g) => g.scope.depth > 0)
    ? 'merged-if'
    : allOps.has('GroupQueryAttention') || allOps.has('SkipSimplifiedLayerNormalization')
      ? 'genai'
      : 'optimum';
  const op = first.node.opType;
  const quantization: Quantization =
    op === 'MatMulNBits' ? (actType === ELEM_FLOAT16 ? 'q4f16' : 'q4') : op === 'MatMulInteger' || op === 'MatMulIntegerToFloat' ? 'int8' : actType === ELEM_FLOAT16 ? 'fp16' : 'none';
  const io = (v: GraphView['inputs']) =>
    v.map((x) => ({
      name: x.name,
      elemType: x.type ? elemTypeName(x.type.elemType) : 'unknown',
      shape: x.type?.shape ?? [],
    }));
  const initNames = new Set(model.graph.initializers.map((t) => t.name));
  const info: GraphInfo = {
    layout,
    quantization,
    dtype: actType === ELEM_FLOAT16 ? 'float16' : 'float32',
    layers: layers.length,
    hiddenSize: first.n,
    intermediateSize: first.k,
    sites: primary.sites.map((s) => ({ layer: s.layer as number, tensor: s.tensor, downProjNode: s.node.name })),
    // Old exporters list initializers as inputs too; they are not inputs a caller feeds.
    inputs: io(model.graph.inputs.filter((i) => !initNames.has(i.name))),
    outputs: io(model.graph.outputs),
    fingerprint: fingerprint(model),
    weightsFingerprint: weightsFingerprint(initializers.values(), hint?.readExternal),
    opsets: model.opsets.map((o) => ({ ...o })),
  };
  return { model, scopes, initializers, siteGroups, info };
}

/** sha256 over what the graph computes and how it is wired, not over weight values. */
function fingerprint(model: ModelView): string {
  const h = createHash('sha256');
  const graph = (g: GraphView) => {
    h.update(`graph ${g.name}\n`);
    for (const v of g.inputs) h.update(`in ${v.name} ${JSON.stringify(v.type ?? null)}\n`);
    for (const v of g.outputs) h.update(`out ${v.name} ${JSON.stringify(v.type ?? null)}\n`);
    for (const t of g.initializers) h.update(`init ${t.name} ${t.dataType} ${t.dims.join('x')}\n`);
    for (const n of g.nodes) {
      h.update(`node ${n.domain}:${n.opType} ${n.name} ${n.inputs.join(',')} -> ${n.outputs.join(',')}\n`);
      for (const a of n.attributes.values()) {
        if (a.graphs.size) for (const sub of a.graphs.values()) graph(sub);
        else h.update(a.bytes);
      }
    }
  };
  for (const o of model.opsets) h.update(`opset ${o.domain} ${o.version}\n`);
  graph(model.graph);
  return h.digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// Editing

const CAPTURE_INDEX = 'cna_capture_index';
const CAPTURE_INDEX_2D = 'cna/capture_index_2d';
const CAPTURE_SHAPE = 'cna/capture_index_shape';

function instrument(a: Analysis, additive: boolean, positions = false): void {
  const { model, info } = a;
  const opset = model.opsetVersion('') ?? 0;
  if (opset < 12) {
    throw new UserError(`The model uses ONNX opset ${opset}; CNA needs opset 12 or newer (GatherND with batch_dims). Re-export the model with a newer opset.`);
  }
  const main = model.graph;
  const batch = batchSymbol(main);
  const I = info.intermediateSize;
  const H = info.hiddenSize;
  for (const s of info.sites) {
    main.addInput(`cna_multiplier_${s.layer}`, { elemType: ELEM_FLOAT, shape: [batch, 1, I] });
  }
  main.addInput(CAPTURE_INDEX, { elemType: ELEM_INT64, shape: [batch] });
  if (positions) {
    for (const s of info.sites) main.addInput(`cna_select_${s.layer}`, { elemType: ELEM_INT64, shape: [`cna_select_${s.layer}_count`] });
  }
  if (additive) {
    for (const s of info.sites) main.addInput(`cna_additive_${s.layer}`, { elemType: ELEM_FLOAT, shape: [batch, 1, H] });
  }
  // [batch] -> [batch, 1] once, at the top of the main graph; subgraphs see it as an outer-scope value.
  const shape = new Uint8Array(16);
  new DataView(shape.buffer).setBigInt64(0, -1n, true);
  new DataView(shape.buffer).setBigInt64(8, 1n, true);
  main.addInitializer({ name: CAPTURE_SHAPE, dataType: ELEM_INT64, dims: [2], raw: shape });
  main.insertBefore(undefined, [{ name: 'cna/capture_index_reshape', opType: 'Reshape', inputs: [CAPTURE_INDEX, CAPTURE_SHAPE], outputs: [CAPTURE_INDEX_2D] }]);

  const branchOutputs = new Map<NodeView, string[]>();
  for (const { scope, sites } of a.siteGroups) {
    const p = scope.parent ? `cna/${scope.parent.node.name || 'if'}/${scope.parent.branch}/` : 'cna/';
    const outputs: { local: string; name: string; width: number | string }[] = [];
    for (const site of sites) {
      outputs.push(...instrumentSite(scope, site, p, additive, positions));
    }
    for (const o of outputs) {
      const type: TensorType = { elemType: ELEM_FLOAT, shape: positions && o.name.startsWith('cna_positions_') ? [batch, 'sequence_length', o.width] : [batch, o.width] };
      scope.graph.addOutput(o.local, type);
      if (scope.parent) {
        // If-branch outputs become outputs of the If node; both branches add them in the same order.
        const ifNode = scope.parent.node;
        const names = branchOutputs.get(ifNode) ?? [];
        if (!names.includes(o.name)) {
          names.push(o.name);
          ifNode.addOutput(o.name);
          main.addOutput(o.name, type);
        }
        branchOutputs.set(ifNode, names);
      }
    }
  }
  // An If node whose branches were not all instrumented would have mismatched output counts.
  for (const [ifNode] of branchOutputs) {
    const instrumented = a.siteGroups.filter((g) => g.scope.parent?.node === ifNode).length;
    if (instrumented !== ifNode.subgraphs().length) {
      throw new UserError(`Only ${instrumented} of the ${ifNode.subgraphs().length} branches of If node "${ifNode.name}" contain the MLP layers; cannot instrument this merged decoder.`);
    }
  }
}

function batchSymbol(main: GraphView): string | number {
  for (const name of ['input_ids', 'inputs_embeds', 'attention_mask']) {
    const d = main.inputs.find((i) => i.name === name)?.type?.shape?.[0];
    if (typeof d === 'string' && d) return d;
  }
  return 'batch_size';
}

/** Adds the multiplier, capture and (optionally) additive nodes of one layer; returns the outputs to expose. */
function instrumentSite(scope: GraphScope, site: MatmulSite, prefix: string, additive: boolean, positions: boolean): { local: string; name: string; width: number | string }[] {
  const L = site.layer as number;
  const fp16 = site.actType === ELEM_FLOAT16;
  const p = `${prefix}L${L}/`;
  const inMain = scope.parent === undefined;
  const exposed: { local: string; name: string; width: number | string }[] = [];

  // Multiply the down_proj input right after it is produced, then capture the scaled value.
  const scaled = `${p}scaled`;
  const nodes: NewNode[] = [];
  let multiplier = `cna_multiplier_${L}`;
  if (fp16) {
    nodes.push({ name: `${p}multiplier_cast`, opType: 'Cast', inputs: [multiplier], outputs: [`${p}multiplier_f16`], attributes: [{ name: 'to', i: ELEM_FLOAT16 }] });
    multiplier = `${p}multiplier_f16`;
  }
  nodes.push({ name: `${p}multiply`, opType: 'Mul', inputs: [site.tensor, multiplier], outputs: [scaled] });
  if (positions) {
    // Every position, the chosen neurons only: Gather(axis -1) by this layer's `cna_select_L`.
    const name = `cna_positions_${L}`;
    const local = inMain ? name : `${p}${name}`;
    const gathered = fp16 ? `${p}positions_f16` : local;
    nodes.push({ name: `${p}positions_gather`, opType: 'Gather', inputs: [scaled, `cna_select_${L}`], outputs: [gathered], attributes: [{ name: 'axis', i: -1 }] });
    if (fp16) nodes.push({ name: `${p}positions_cast`, opType: 'Cast', inputs: [gathered], outputs: [local], attributes: [{ name: 'to', i: ELEM_FLOAT }] });
    exposed.push({ local, name, width: `cna_select_${L}_count` });
  } else {
    const captureName = `cna_capture_${L}`;
    const captureLocal = inMain ? captureName : `${p}${captureName}`;
    nodes.push(...gatherAt(scaled, captureLocal, `${p}capture`, fp16));
    exposed.push({ local: captureLocal, name: captureName, width: site.k });
  }
  const consumers = (scope.consumers.get(site.tensor) ?? []).slice();
  insertAfterProducer(scope, site.tensor, nodes);
  for (const c of consumers) renameInput(c, site.tensor, scaled);

  if (additive) {
    const y = site.output;
    const steered = `${p}mlp_output_steered`;
    const outName = `cna_mlp_output_${L}`;
    const outLocal = inMain ? outName : `${p}${outName}`;
    const more: NewNode[] = [...gatherAt(y, outLocal, `${p}mlp_output_capture`, fp16)];
    let add = `cna_additive_${L}`;
    if (fp16) {
      more.push({ name: `${p}additive_cast`, opType: 'Cast', inputs: [add], outputs: [`${p}additive_f16`], attributes: [{ name: 'to', i: ELEM_FLOAT16 }] });
      add = `${p}additive_f16`;
    }
    more.push({ name: `${p}add`, opType: 'Add', inputs: [y, add], outputs: [steered] });
    const yConsumers = (scope.consumers.get(y) ?? []).slice();
    scope.graph.insertAfter(site.outputNode, more);
    for (const c of yConsumers) renameInput(c, y, steered);
    exposed.push({ local: outLocal, name: outName, width: site.n });
  }
  return exposed;
}

/** GatherND(x, index [batch,1], batch_dims=1): [batch, seq, W] -> [batch, W], cast to float32 when needed. */
function gatherAt(x: string, out: string, p: string, fp16: boolean): NewNode[] {
  const gathered = fp16 ? `${p}_f16` : out;
  const nodes: NewNode[] = [{ name: `${p}_gather`, opType: 'GatherND', inputs: [x, CAPTURE_INDEX_2D], outputs: [gathered], attributes: [{ name: 'batch_dims', i: 1 }] }];
  if (fp16) nodes.push({ name: `${p}_cast`, opType: 'Cast', inputs: [gathered], outputs: [out], attributes: [{ name: 'to', i: ELEM_FLOAT }] });
  return nodes;
}

function insertAfterProducer(scope: GraphScope, tensor: string, nodes: NewNode[]): void {
  const producer = scope.producers.get(tensor);
  if (producer) scope.graph.insertAfter(producer, nodes);
  else scope.graph.insertBefore(undefined, nodes); // a graph input or outer-scope value
}

/** Points every use of `from` in `node` (and in its subgraphs, which may read outer values) to `to`. */
function renameInput(node: NodeView, from: string, to: string): void {
  node.inputs.forEach((name, i) => {
    if (name === from) node.setInput(i, to);
  });
  for (const g of node.subgraphs()) {
    for (const n of g.nodes) renameInput(n, from, to);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Capture-only graphs: nothing after the last captured tensor

interface CapturePrune {
  dead: { scope: GraphScope; nodes: NodeView[] }[];
  /** Original outputs of the main graph, and of each If node holding the layers (with their count). */
  mainOutputs: Set<string>;
  ifNodes: { node: NodeView; count: number }[];
}

/** Nodes of each graph holding MLP sites that no capture depends on. */
function planCapturePrune(a: Analysis, additive: boolean): CapturePrune {
  const dead: CapturePrune['dead'] = [];
  const ifNodes: CapturePrune['ifNodes'] = [];
  for (const { scope, sites } of a.siteGroups) {
    const roots = sites.flatMap((s) => (additive ? [s.tensor, s.output] : [s.tensor]));
    const live = liveNodes(scope, roots);
    dead.push({ scope, nodes: scope.graph.nodes.filter((n) => !live.has(n)) });
    const parent = scope.parent?.node;
    if (parent && !ifNodes.some((x) => x.node === parent)) ifNodes.push({ node: parent, count: parent.outputs.length });
  }
  return { dead, mainOutputs: new Set(a.model.graph.outputs.map((o) => o.name)), ifNodes };
}

/** The nodes `roots` depend on within one graph (values from outer scopes are simply not followed). */
function liveNodes(scope: GraphScope, roots: string[]): Set<NodeView> {
  const live = new Set<NodeView>();
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const t = stack.pop() as string;
    if (seen.has(t)) continue;
    seen.add(t);
    const p = scope.producers.get(t);
    if (!p || live.has(p)) continue;
    live.add(p);
    stack.push(...p.inputs.filter((i) => i));
    for (const g of p.subgraphs()) stack.push(...referencedNames(g));
  }
  return live;
}

function referencedNames(g: GraphView): string[] {
  return g.nodes.flatMap((n) => [...n.inputs.filter((i) => i), ...n.subgraphs().flatMap(referencedNames)]);
}

function applyCapturePrune(a: Analysis, prune: CapturePrune): number {
  let removed = 0;
  for (const { scope, nodes } of prune.dead) {
    for (const n of nodes) scope.graph.removeNode(n);
    removed += nodes.length;
    if (scope.parent) scope.graph.removeOutputs(new Set(scope.graph.outputs.map((o) => o.name)));
  }
  // Branch outputs and If outputs match by position: drop the original ones of both, keep the captures.
  for (const { node, count } of prune.ifNodes) node.removeOutputsAt(Array.from({ length: count }, (_, i) => i));
  a.model.graph.removeOutputs(prune.mainOutputs);
  return removed;
}

// ---------------------------------------------------------------------------------------------------------
// Generation graphs: the head reads the last position only

const LAST_POSITION = { starts: 'cna/last_position_starts', ends: 'cna/last_position_ends', axes: 'cna/last_position_axes' };

/** Inserts Slice(x, -1:, axis 1) before the language-model head wherever `logits` is computed. */
function headOnLastPosition(a: Analysis): boolean {
  const main = a.scopes[0];
  const logits = a.model.graph.outputs.find((o) => o.name === 'logits');
  if (!logits) return false;
  // [scope, tensor] pairs that hold the logits: the main graph, or each branch of the If producing them.
  const targets: { scope: GraphScope; tensor: string }[] = [];
  const producer = main.producers.get('logits');
  if (producer?.opType === 'If') {
    const k = producer.outputs.indexOf('logits');
    for (const scope of a.scopes.filter((s) => s.parent?.node === producer)) {
      const name = scope.graph.outputs[k]?.name;
      if (name) targets.push({ scope, tensor: name });
    }
  } else targets.push({ scope: main, tensor: 'logits' });
  const heads = targets.map((t) => findHead(t.scope, t.tensor));
  if (heads.length === 0 || heads.some((h) => h === undefined)) return false;
  const int64s = (v: bigint) => {
    const raw = new Uint8Array(8);
    new DataView(raw.buffer).setBigInt64(0, v, true);
    return raw;
  };
  a.model.graph.addInitializer({ name: LAST_POSITION.starts, dataType: ELEM_INT64, dims: [1], raw: int64s(-1n) });
  a.model.graph.addInitializer({ name: LAST_POSITION.ends, dataType: ELEM_INT64, dims: [1], raw: int64s(2n ** 62n) });
  a.model.graph.addInitializer({ name: LAST_POSITION.axes, dataType: ELEM_INT64, dims: [1], raw: int64s(1n) });
  heads.forEach((h, i) => {
    const { scope, node } = h as { scope: GraphScope; node: NodeView };
    const x = node.inputs[0];
    const sliced = `cna/last_position/${i}`;
    scope.graph.insertBefore(node, [{ name: `cna/last_position_slice/${i}`, opType: 'Slice', inputs: [x, LAST_POSITION.starts, LAST_POSITION.ends, LAST_POSITION.axes], outputs: [sliced] }]);
    node.setInput(0, sliced);
  });
  return true;
}

/** The head: the matmul producing `tensor` (behind Cast/Identity), unless its input is quantized per tensor. */
function findHead(scope: GraphScope, tensor: string): { scope: GraphScope; node: NodeView } | undefined {
  let t = tensor;
  for (let hop = 0; hop < 4; hop++) {
    const p = scope.producers.get(t);
    if (!p) return undefined;
    if (p.opType === 'Cast' || p.opType === 'Identity') {
      t = p.inputs[0];
      continue;
    }
    if (p.opType !== 'MatMul' && p.opType !== 'MatMulNBits') return undefined;
    if (scope.producers.get(p.inputs[0])?.opType === 'DynamicQuantizeLinear') return undefined;
    return { scope, node: p };
  }
  return undefined;
}
