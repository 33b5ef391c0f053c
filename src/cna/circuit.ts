/**
 * circuit.json: what `cna attribute --out` writes and every other command reads. It names the model it was
 * found on (so it is never applied to another), the settings that produced it, and the neurons with their
 * statistics. Also: export in the reference implementation's layout, and the steering mask.
 */
import { UserError } from '../errors';
import { NeuronRef } from './neurons';

export const CIRCUIT_VERSION = 1;

export interface ModelIdentity {
  path: string;
  /** A fingerprint of the model's graph (structure), computed by the engine. */
  fingerprint: string;
  /** A fingerprint of a sample of its weight values; absent in circuits written before it existed. */
  weightsFingerprint?: string;
  layers: number;
  intermediateSize: number;
  totalNeurons: number;
}

export interface CircuitSettings {
  /** The size as given: `0.1%` or `200`. */
  top: string;
  k: number;
  excludeLayers: number[];
  universalFilter: boolean;
  genericPrompts?: string[];
  universalTopPerLayer?: number;
  universalThreshold?: number;
  [extra: string]: unknown;
}

export interface CircuitNeuron extends NeuronRef {
  delta: number;
  meanPositive: number;
  meanNegative: number;
}

export interface CircuitPair {
  line: number;
  contribution: number;
  leaveOneOutOverlap: number | null;
}

export interface Circuit {
  version: number;
  feature: string;
  model: ModelIdentity;
  settings: CircuitSettings;
  k: number;
  /** Best first (largest |delta|). */
  neurons: CircuitNeuron[];
  universal: NeuronRef[];
  pairs: CircuitPair[];
  notes: string[];
}

type Obj = Record<string, unknown>;

/**
 * Checks a parsed circuit.json and returns it typed, or throws a UserError naming the first problem and
 * where it is (exit code 1: the input has errors).
 */
export function validateCircuit(json: unknown, source = 'circuit.json'): Circuit {
  const fail = (what: string): never => {
    throw new UserError(`${source}: ${what}. Run 'cna attribute' again to write a fresh circuit file.`, 1);
  };
  const obj = (v: unknown, at: string): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : fail(`${at} must be an object`));
  const arr = (v: unknown, at: string): unknown[] => (Array.isArray(v) ? v : fail(`${at} must be a list`));
  const str = (v: unknown, at: string): string => (typeof v === 'string' ? v : fail(`${at} must be a string`));
  const num = (v: unknown, at: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(`${at} must be a number`));
  const int = (v: unknown, at: string, min: number, max = Number.MAX_SAFE_INTEGER): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(`${at} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${JSON.stringify(v)}`);

  const root = obj(json, 'the file');
  const version = int(root.version, 'version', 1);
  if (version > CIRCUIT_VERSION) {
    fail(`version ${version} was written by a newer CNA (this one reads version ${CIRCUIT_VERSION}); update CNA`);
  }
  const feature = str(root.feature, 'feature');
  const m = obj(root.model, 'model');
  const model: ModelIdentity = {
    path: str(m.path, 'model.path'),
    fingerprint: str(m.fingerprint, 'model.fingerprint'),
    ...(m.weightsFingerprint === undefined ? {} : { weightsFingerprint: str(m.weightsFingerprint, 'model.weightsFingerprint') }),
    layers: int(m.layers, 'model.layers', 1),
    intermediateSize: int(m.intermediateSize, 'model.intermediateSize', 1),
    totalNeurons: int(m.totalNeurons, 'model.totalNeurons', 1),
  };
  if (model.totalNeurons !== model.layers * model.intermediateSize) {
    fail(`model.totalNeurons (${model.totalNeurons}) must equal layers x intermediateSize (${model.layers * model.intermediateSize})`);
  }
  const s = obj(root.settings, 'settings');
  const settings: CircuitSettings = {
    ...s,
    top: str(s.top, 'settings.top'),
    k: int(s.k, 'settings.k', 0),
    excludeLayers: arr(s.excludeLayers, 'settings.excludeLayers').map((v, i) => int(v, `settings.excludeLayers[${i}]`, 0, model.layers - 1)),
    universalFilter: typeof s.universalFilter === 'boolean' ? s.universalFilter : fail('settings.universalFilter must be true or false'),
  };
  if (s.genericPrompts !== undefined) {
    settings.genericPrompts = arr(s.genericPrompts, 'settings.genericPrompts').map((v, i) => str(v, `settings.genericPrompts[${i}]`));
  }
  const k = int(root.k, 'k', 0);
  const neuronRef = (v: unknown, at: string): NeuronRef => {
    const o = obj(v, at);
    return {
      layer: int(o.layer, `${at}.layer`, 0, model.layers - 1),
      index: int(o.index, `${at}.index`, 0, model.intermediateSize - 1),
    };
  };
  const seen = new Set<number>();
  const neurons = arr(root.neurons, 'neurons').map((v, i): CircuitNeuron => {
    const at = `neurons[${i}]`;
    const o = obj(v, at);
    const ref = neuronRef(o, at);
    const key = ref.layer * model.intermediateSize + ref.index;
    if (seen.has(key)) fail(`${at} (layer ${ref.layer}, index ${ref.index}) appears twice`);
    seen.add(key);
    return {
      ...ref,
      delta: num(o.delta, `${at}.delta`),
      meanPositive: num(o.meanPositive, `${at}.meanPositive`),
      meanNegative: num(o.meanNegative, `${at}.meanNegative`),
    };
  });
  if (neurons.length !== k) fail(`k is ${k} but the file lists ${neurons.length} neurons`);
  const universal = arr(root.universal, 'universal').map((v, i) => neuronRef(v, `universal[${i}]`));
  const pairs = arr(root.pairs, 'pairs').map((v, i): CircuitPair => {
    const at = `pairs[${i}]`;
    const o = obj(v, at);
    const overlap = o.leaveOneOutOverlap;
    return {
      line: int(o.line, `${at}.line`, 1),
      contribution: num(o.contribution, `${at}.contribution`),
      leaveOneOutOverlap: overlap === null ? null : num(overlap, `${at}.leaveOneOutOverlap`),
    };
  });
  const notes = root.notes === undefined ? [] : arr(root.notes, 'notes').map((v, i) => str(v, `notes[${i}]`));
  return { version, feature, model, settings, k, neurons, universal, pairs, notes };
}

/** What the engine reports about the loaded model, to compare with the circuit's. */
export interface LoadedModelIdentity {
  path?: string;
  fingerprint: string;
  weightsFingerprint?: string;
  layers: number;
  intermediateSize: number;
}

/** The neurons to steer, and the model they were found on when the file says (ours does, the reference's does not). */
export interface CircuitNeurons {
  neurons: readonly NeuronRef[];
  model?: ModelIdentity;
}

/**
 * The one check before a circuit steers a model, for every command and the editor. Refuses (exit 2) a
 * circuit found on another architecture; rejects (exit 1) an empty circuit and neurons outside the model.
 * Returns warnings: the same architecture with other weights (a base model and its fine-tune) is allowed,
 * but said.
 */
export function checkCircuitForModel(circuit: CircuitNeurons, model: LoadedModelIdentity, source = 'the circuit'): string[] {
  const c = circuit.model;
  const where = model.path ? ` (${model.path})` : '';
  const warnings: string[] = [];
  if (c) {
    if (c.layers !== model.layers || c.intermediateSize !== model.intermediateSize) {
      throw new UserError(
        `${source} was found on a model with ${c.layers} layers x ${c.intermediateSize} MLP neurons (${c.path}), ` +
          `but this model${where} has ${model.layers} x ${model.intermediateSize}: run 'cna attribute' with this model.`,
      );
    }
    if (c.fingerprint !== model.fingerprint) {
      throw new UserError(
        `${source} was found on a model of another architecture (${c.path}, graph fingerprint ${c.fingerprint.slice(0, 12)}) ` +
          `than this one${where} (graph fingerprint ${model.fingerprint.slice(0, 12)}): run 'cna attribute' with this model.`,
      );
    }
    if (c.weightsFingerprint !== undefined && model.weightsFingerprint !== undefined && c.weightsFingerprint !== model.weightsFingerprint) {
      warnings.push(
        `${source} was found on ${c.path}, which has the same architecture but other weights than this model${where} ` +
          `(a base model and its fine-tune?): its neurons may not carry the same behaviour here.`,
      );
    }
  }
  if (circuit.neurons.length === 0) throw new UserError(`${source} has no neurons: nothing to steer.`, 1);
  const outside = circuit.neurons.find((n) => n.layer >= model.layers || n.index >= model.intermediateSize);
  if (outside) {
    throw new UserError(
      `${source}: neuron (layer ${outside.layer}, index ${outside.index}) is outside this model${where}, ` + `which has ${model.layers} layers x ${model.intermediateSize} MLP neurons.`,
      1,
    );
  }
  return warnings;
}

/**
 * The reference implementation's circuit layout (its Circuit.save): neurons keyed "layer,position,neuron"
 * with position -1 (the contrastive circuit is position-independent), value delta, best first. The
 * remaining fields are there so its Circuit.load accepts the file; a contrastive circuit has no target
 * token or logit difference.
 */
export function toReferenceJson(circuit: Circuit): {
  neurons: Record<string, number>;
  prompt: string;
  target_token: string;
  total_logit_diff: number;
} {
  const neurons: Record<string, number> = {};
  for (const n of circuit.neurons) neurons[`${n.layer},-1,${n.index}`] = n.delta;
  return { neurons, prompt: circuit.feature, target_token: '', total_logit_diff: 0 };
}

/** Per-layer multipliers for steering: 1 everywhere, m on the circuit's neurons (or a control's list). */
export function multiplierMask(source: Circuit | readonly NeuronRef[], layers: number, intermediateSize: number, m: number): Float32Array[] {
  const neurons: readonly NeuronRef[] = Array.isArray(source) ? source : (source as Circuit).neurons;
  const mask = Array.from({ length: layers }, () => new Float32Array(intermediateSize).fill(1));
  for (const n of neurons) {
    if (n.layer < 0 || n.layer >= layers || n.index < 0 || n.index >= intermediateSize) {
      throw new Error(`Neuron (${n.layer}, ${n.index}) is outside a ${layers} x ${intermediateSize} model.`);
    }
    mask[n.layer][n.index] = m;
  }
  return mask;
}
