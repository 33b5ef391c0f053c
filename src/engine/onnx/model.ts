/**
 * Editable views of the ONNX messages that graph surgery touches: ModelProto -> GraphProto -> NodeProto /
 * ValueInfoProto (and AttributeProto, to reach If/Loop/Scan subgraphs). Everything else, unknown fields of
 * newer ONNX versions included, stays as raw bytes and is written back verbatim, in its original position.
 * Initializers (TensorProto) are never decoded beyond name, dims and data type; their bytes are views.
 *
 * Field numbers follow onnx/onnx.proto3.
 */
import { Chunks, RawField, WIRE_I32, WIRE_LEN, WIRE_VARINT, decodeString, parseFields, readPackedVarints } from './wire';

export const ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};
export const ELEM_FLOAT = 1;
export const ELEM_INT64 = 7;
export const ELEM_FLOAT16 = 10;

export function elemTypeName(t: number): string {
  return ELEM_TYPES[t] ?? `type${t}`;
}

export type Dim = number | string;

/** Shape and element type of a ValueInfoProto / TypeProto.Tensor; `shape` is undefined when unknown. */
export interface TensorType {
  elemType: number;
  shape?: Dim[];
}

/** Emits a field list, replacing or extending given field indices; untouched fields are copied as views. */
function emitFields(buf: Uint8Array, fields: RawField[], replace: Map<number, Chunks | null>, after: Map<number, Chunks[]>, atEnd: Chunks[]): Chunks {
  const out = new Chunks();
  fields.forEach((f, i) => {
    const r = replace.get(i);
    if (r === undefined) out.push(buf.subarray(f.start, f.end));
    else if (r !== null) out.append(r);
    for (const extra of after.get(i) ?? []) out.append(extra);
  });
  for (const extra of atEnd) out.append(extra);
  return out;
}

function stringField(fields: RawField[], num: number): string {
  const f = fields.find((x) => x.num === num && x.wire === WIRE_LEN);
  return f ? decodeString(f.data) : '';
}

function lastIndexOf(fields: RawField[], num: number): number {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i].num === num) return i;
  return -1;
}

export function parseTensorType(typeProto: Uint8Array): TensorType | undefined {
  const tensor = parseFields(typeProto).find((f) => f.num === 1 && f.wire === WIRE_LEN);
  if (!tensor) return undefined;
  const tf = parseFields(tensor.data);
  const elemType = tf.find((f) => f.num === 1 && f.wire === WIRE_VARINT)?.varint ?? 0;
  const shapeField = tf.find((f) => f.num === 2 && f.wire === WIRE_LEN);
  if (!shapeField) return { elemType };
  const shape: Dim[] = [];
  for (const d of parseFields(shapeField.data)) {
    if (d.num !== 1 || d.wire !== WIRE_LEN) continue;
    const df = parseFields(d.data);
    const value = df.find((x) => x.num === 1 && x.wire === WIRE_VARINT);
    const param = df.find((x) => x.num === 2 && x.wire === WIRE_LEN);
    shape.push(value ? value.varint : param ? decodeString(param.data) : '?');
  }
  return { elemType, shape };
}

/** ValueInfoProto {1: name, 2: type}. */
export class ValueInfoView {
  readonly name: string;
  readonly type: TensorType | undefined;
  constructor(readonly bytes: Uint8Array) {
    const fields = parseFields(bytes);
    this.name = stringField(fields, 1);
    const t = fields.find((f) => f.num === 2 && f.wire === WIRE_LEN);
    this.type = t ? parseTensorType(t.data) : undefined;
  }
}

export function encodeValueInfo(name: string, type: TensorType): Chunks {
  const shape = new Chunks();
  for (const d of type.shape ?? []) {
    const dim = new Chunks();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensor = new Chunks().int(1, type.elemType);
  if (type.shape) tensor.message(2, shape);
  const typeProto = new Chunks().message(1, tensor);
  return new Chunks().string(1, name).message(2, typeProto);
}

/** TensorProto header only: {1: dims, 2: data_type, 8: name, 13: external_data, 14: data_location}. */
export class TensorInfo {
  readonly name: string;
  readonly dims: number[];
  readonly dataType: number;
  readonly external: boolean;
  constructor(readonly bytes: Uint8Array) {
    const fields = parseFields(bytes);
    this.name = stringField(fields, 8);
    this.dims = readPackedVarints(fields, 1);
    this.dataType = fields.find((f) => f.num === 2 && f.wire === WIRE_VARINT)?.varint ?? 0;
    this.external = fields.some((f) => f.num === 14 && f.wire === WIRE_VARINT && f.varint === 1);
  }
}

export interface NewTensor {
  name: string;
  dataType: number;
  dims: number[];
  raw: Uint8Array;
}

export function encodeTensor(t: NewTensor): Chunks {
  const c = new Chunks();
  for (const d of t.dims) c.int(1, d);
  c.int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
  return c;
}

/** AttributeProto: {1: name, 20: type, 2: f, 3: i, 4: s, 6: g, 7: floats, 8: ints, 11: graphs}. */
export class AttributeView {
  readonly name: string;
  readonly fields: RawField[];
  /** Subgraphs held by this attribute, keyed by field index (field 6 `g` or each of field 11 `graphs`). */
  readonly graphs = new Map<number, GraphView>();
  constructor(readonly bytes: Uint8Array) {
    this.fields = parseFields(bytes);
    this.name = stringField(this.fields, 1);
    this.fields.forEach((f, i) => {
      if ((f.num === 6 || f.num === 11) && f.wire === WIRE_LEN) this.graphs.set(i, new GraphView(f.data));
    });
  }

  get int(): number | undefined {
    return this.fields.find((f) => f.num === 3 && f.wire === WIRE_VARINT)?.varint;
  }

  get ints(): number[] {
    return readPackedVarints(this.fields, 8);
  }

  /** Field 2 `f` (a 4-byte little-endian float), e.g. Gemm's alpha. */
  get float(): number | undefined {
    const f = this.fields.find((x) => x.num === 2 && x.wire === WIRE_I32);
    return f ? new DataView(this.bytes.buffer, this.bytes.byteOffset + f.end - 4, 4).getFloat32(0, true) : undefined;
  }

  get dirty(): boolean {
    for (const g of this.graphs.values()) if (g.dirty) return true;
    return false;
  }

  /** `force` re-emits field by field even when nothing changed (used to test the round trip). */
  encode(force = false): Chunks {
    if (!this.dirty && !force) return new Chunks().push(this.bytes);
    const replace = new Map<number, Chunks | null>();
    for (const [i, g] of this.graphs) {
      if (g.dirty || force) replace.set(i, new Chunks().message(this.fields[i].num, g.encode(force)));
    }
    return emitFields(this.bytes, this.fields, replace, new Map(), []);
  }
}

export interface NewAttribute {
  name: string;
  i?: number;
  f?: number;
  ints?: number[];
  t?: NewTensor;
}

// AttributeProto.AttributeType values.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_TENSOR = 4;
const ATTR_INTS = 7;

function encodeAttribute(a: NewAttribute): Chunks {
  const c = new Chunks().string(1, a.name);
  if (a.i !== undefined) c.int(3, a.i).int(20, ATTR_INT);
  else if (a.f !== undefined) c.float(2, a.f).int(20, ATTR_FLOAT);
  else if (a.ints !== undefined) {
    for (const v of a.ints) c.int(8, v);
    c.int(20, ATTR_INTS);
  } else if (a.t !== undefined) c.message(5, encodeTensor(a.t)).int(20, ATTR_TENSOR);
  return c;
}

/** A node to add. */
export interface NewNode {
  name: string;
  opType: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attributes?: NewAttribute[];
}

export function encodeNode(n: NewNode): Chunks {
  const c = new Chunks();
  for (const i of n.inputs) c.string(1, i);
  for (const o of n.outputs) c.string(2, o);
  c.string(3, n.name).string(4, n.opType);
  if (n.domain) c.string(7, n.domain);
  for (const a of n.attributes ?? []) c.message(5, encodeAttribute(a));
  return c;
}

/** NodeProto: {1: input, 2: output, 3: name, 4: op_type, 7: domain, 5: attribute}. */
export class NodeView {
  readonly fields: RawField[];
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attributes = new Map<number, AttributeView>();
  private ioDirty = false;

  constructor(readonly bytes: Uint8Array) {
    this.fields = parseFields(bytes);
    this.name = stringField(this.fields, 3);
    this.opType = stringField(this.fields, 4);
    this.domain = stringField(this.fields, 7);
    this.inputs = this.fields.filter((f) => f.num === 1 && f.wire === WIRE_LEN).map((f) => decodeString(f.data));
    this.outputs = this.fields.filter((f) => f.num === 2 && f.wire === WIRE_LEN).map((f) => decodeString(f.data));
    this.fields.forEach((f, i) => {
      if (f.num === 5 && f.wire === WIRE_LEN) this.attributes.set(i, new AttributeView(f.data));
    });
  }

  attribute(name: string): AttributeView | undefined {
    for (const a of this.attributes.values()) if (a.name === name) return a;
    return undefined;
  }

  /** Subgraphs of this node (If branches, Loop/Scan bodies), in field order. */
  subgraphs(): GraphView[] {
    const out: GraphView[] = [];
    for (const a of this.attributes.values()) out.push(...a.graphs.values());
    return out;
  }

  setInput(index: number, name: string): void {
    this.inputs[index] = name;
    this.ioDirty = true;
  }

  addOutput(name: string): void {
    this.outputs.push(name);
    this.ioDirty = true;
  }

  /** Drops the outputs at these positions (If nodes: together with the same positions of every branch). */
  removeOutputsAt(indices: number[]): void {
    for (const i of [...indices].sort((a, b) => b - a)) this.outputs.splice(i, 1);
    this.ioDirty = true;
  }

  get dirty(): boolean {
    if (this.ioDirty) return true;
    for (const a of this.attributes.values()) if (a.dirty) return true;
    return false;
  }

  encode(force = false): Chunks {
    if (!this.dirty && !force) return new Chunks().push(this.bytes);
    const replace = new Map<number, Chunks | null>();
    const after = new Map<number, Chunks[]>();
    const end: Chunks[] = [];
    if (this.ioDirty) {
      // Inputs/outputs are rewritten where the first of them stood; order among them is what matters.
      for (const [num, list] of [
        [1, this.inputs],
        [2, this.outputs],
      ] as const) {
        const idx = this.fields.map((f, i) => (f.num === num ? i : -1)).filter((i) => i >= 0);
        const body = new Chunks();
        for (const s of list) body.string(num, s);
        if (idx.length === 0) end.push(body);
        else {
          replace.set(idx[0], body);
          for (const i of idx.slice(1)) replace.set(i, null);
        }
      }
    }
    for (const [i, a] of this.attributes) {
      if (a.dirty || force) replace.set(i, new Chunks().message(5, a.encode(force)));
    }
    return emitFields(this.bytes, this.fields, replace, after, end);
  }
}

/** GraphProto: {1: node, 2: name, 5: initializer, 11: input, 12: output, 13: value_info}. */
export class GraphView {
  readonly fields: RawField[];
  readonly name: string;
  readonly nodes: NodeView[] = [];
  readonly inputs: ValueInfoView[] = [];
  readonly outputs: ValueInfoView[] = [];
  readonly valueInfo: ValueInfoView[] = [];
  readonly initializers: TensorInfo[] = [];
  private readonly nodeIndex = new Map<NodeView, number>();
  private readonly before = new Map<number, Chunks[]>();
  private readonly after = new Map<number, Chunks[]>();
  private readonly newInputs: Chunks[] = [];
  private readonly newOutputs: Chunks[] = [];
  private readonly newInitializers: Chunks[] = [];
  private readonly newNodesAtEnd: Chunks[] = [];
  private readonly removedNodes = new Set<NodeView>();
  private readonly outputIndex = new Map<ValueInfoView, number>();
  private readonly removedOutputs = new Set<number>();

  constructor(readonly bytes: Uint8Array) {
    this.fields = parseFields(bytes);
    this.name = stringField(this.fields, 2);
    this.fields.forEach((f, i) => {
      if (f.wire !== WIRE_LEN) return;
      if (f.num === 1) {
        const n = new NodeView(f.data);
        this.nodeIndex.set(n, i);
        this.nodes.push(n);
      } else if (f.num === 5) this.initializers.push(new TensorInfo(f.data));
      else if (f.num === 11) this.inputs.push(new ValueInfoView(f.data));
      else if (f.num === 12) {
        const o = new ValueInfoView(f.data);
        this.outputIndex.set(o, i);
        this.outputs.push(o);
      } else if (f.num === 13) this.valueInfo.push(new ValueInfoView(f.data));
    });
  }

  /** Adds nodes right before `anchor` (or at the very start of the graph when anchor is undefined). */
  insertBefore(anchor: NodeView | undefined, nodes: NewNode[]): void {
    const first = anchor ?? this.nodes[0];
    if (!first) {
      this.newNodesAtEnd.push(...nodes.map(encodeNode));
      return;
    }
    const idx = this.nodeIndex.get(first);
    if (idx === undefined) throw new Error(`node ${first.name} is not in graph ${this.name}`);
    const list = this.before.get(idx) ?? [];
    list.push(...nodes.map(encodeNode));
    this.before.set(idx, list);
  }

  /** Adds nodes right after `anchor`, after any nodes added there before. */
  insertAfter(anchor: NodeView, nodes: NewNode[]): void {
    const idx = this.nodeIndex.get(anchor);
    if (idx === undefined) throw new Error(`node ${anchor.name} is not in graph ${this.name}`);
    const list = this.after.get(idx) ?? [];
    list.push(...nodes.map(encodeNode));
    this.after.set(idx, list);
  }

  addInput(name: string, type: TensorType): void {
    this.newInputs.push(new Chunks().message(11, encodeValueInfo(name, type)));
  }

  addOutput(name: string, type: TensorType): void {
    this.newOutputs.push(new Chunks().message(12, encodeValueInfo(name, type)));
  }

  addInitializer(t: NewTensor): void {
    this.newInitializers.push(new Chunks().message(5, encodeTensor(t)));
  }

  /** Drops an original node (nodes inserted before or after it stay). */
  removeNode(node: NodeView): void {
    if (!this.nodeIndex.has(node)) throw new Error(`node ${node.name} is not in graph ${this.name}`);
    this.removedNodes.add(node);
  }

  /** Drops original graph outputs by name. */
  removeOutputs(names: Set<string>): void {
    for (const o of this.outputs) if (names.has(o.name)) this.removedOutputs.add(this.outputIndex.get(o) as number);
  }

  get dirty(): boolean {
    if (this.before.size || this.after.size || this.newInputs.length || this.newOutputs.length) return true;
    if (this.removedNodes.size || this.removedOutputs.size) return true;
    if (this.newInitializers.length || this.newNodesAtEnd.length) return true;
    return this.nodes.some((n) => n.dirty);
  }

  encode(force = false): Chunks {
    if (!this.dirty && !force) return new Chunks().push(this.bytes);
    const replace = new Map<number, Chunks | null>();
    const after = new Map<number, Chunks[]>();
    const end: Chunks[] = [];
    const push = (i: number, c: Chunks) => after.set(i, [...(after.get(i) ?? []), c]);
    for (const n of this.nodes) {
      const i = this.nodeIndex.get(n) as number;
      const body = new Chunks();
      for (const c of this.before.get(i) ?? []) body.message(1, c);
      const removed = this.removedNodes.has(n);
      if (!removed) body.message(1, n.encode(force));
      for (const c of this.after.get(i) ?? []) body.message(1, c);
      if (force || removed || n.dirty || this.before.has(i) || this.after.has(i)) replace.set(i, body);
    }
    for (const i of this.removedOutputs) replace.set(i, null);
    const lastNode = lastIndexOf(this.fields, 1);
    for (const c of this.newNodesAtEnd) {
      const wrapped = new Chunks().message(1, c);
      if (lastNode >= 0) push(lastNode, wrapped);
      else end.push(wrapped);
    }
    for (const [num, list] of [
      [5, this.newInitializers],
      [11, this.newInputs],
      [12, this.newOutputs],
    ] as const) {
      const at = lastIndexOf(this.fields, num);
      for (const c of list) {
        if (at >= 0) push(at, c);
        else end.push(c);
      }
    }
    return emitFields(this.bytes, this.fields, replace, after, end);
  }
}

/** ModelProto: {1: ir_version, 7: graph, 8: opset_import}. */
export class ModelView {
  readonly fields: RawField[];
  readonly irVersion: number;
  readonly opsets: { domain: string; version: number }[] = [];
  readonly graph: GraphView;
  private readonly graphIndex: number;

  constructor(readonly bytes: Uint8Array) {
    this.fields = parseFields(bytes);
    this.irVersion = this.fields.find((f) => f.num === 1 && f.wire === WIRE_VARINT)?.varint ?? 0;
    for (const f of this.fields) {
      if (f.num !== 8 || f.wire !== WIRE_LEN) continue;
      const of = parseFields(f.data);
      this.opsets.push({ domain: stringField(of, 1), version: of.find((x) => x.num === 2)?.varint ?? 0 });
    }
    this.graphIndex = this.fields.findIndex((f) => f.num === 7 && f.wire === WIRE_LEN);
    if (this.graphIndex < 0) throw new Error('ModelProto has no graph');
    this.graph = new GraphView(this.fields[this.graphIndex].data);
  }

  opsetVersion(domain: string): number | undefined {
    const d = domain === 'ai.onnx' ? '' : domain;
    return this.opsets.find((o) => (o.domain === 'ai.onnx' ? '' : o.domain) === d)?.version;
  }

  private readonly newOpsets: Chunks[] = [];

  addOpset(domain: string, version: number): void {
    this.newOpsets.push(new Chunks().message(8, new Chunks().string(1, domain).int(2, version)));
    this.opsets.push({ domain, version });
  }

  /** The edited model; `force` re-emits every decoded message field by field (round-trip tests). */
  encode(force = false): Uint8Array {
    if (!this.graph.dirty && this.newOpsets.length === 0 && !force) return this.bytes;
    const replace = new Map<number, Chunks | null>();
    if (this.graph.dirty || force) replace.set(this.graphIndex, new Chunks().message(7, this.graph.encode(force)));
    const after = new Map<number, Chunks[]>();
    const end: Chunks[] = [];
    const lastOpset = lastIndexOf(this.fields, 8);
    if (lastOpset >= 0) after.set(lastOpset, this.newOpsets);
    else end.push(...this.newOpsets);
    return emitFields(this.bytes, this.fields, replace, after, end).concat();
  }
}
