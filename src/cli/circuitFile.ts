/**
 * Reads the neurons of a circuit file. Minimal for now: `{neurons: [{layer, index}]}` (what `attribute --out`
 * writes) or the reference implementation's layout (`"layer,position,neuron"` keys). The full format is
 * src/cna's; only this function needs to change when it grows.
 */
import * as fs from 'node:fs';
import { UserError } from '../errors';
import type { NeuronRef } from '../protocol';

export function readCircuitNeurons(file: string): NeuronRef[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cannot read circuit ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`);
  }
  const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (json && typeof json === 'object' && Array.isArray((json as { neurons?: unknown }).neurons)) {
    const neurons = (json as { neurons: unknown[] }).neurons;
    return neurons.map((n, i) => {
      const { layer, index } = (n ?? {}) as { layer?: unknown; index?: unknown };
      if (!isIndex(layer) || !isIndex(index)) throw new UserError(`${file}: neurons[${i}] needs whole-number "layer" and "index".`);
      return { layer, index };
    });
  }
  if (json && typeof json === 'object') {
    const keys = Object.keys(json).filter((k) => /^\d+,-?\d+,\d+$/.test(k));
    if (keys.length > 0) return keys.map((k) => { const [layer, , index] = k.split(',').map(Number); return { layer, index }; });
  }
  throw new UserError(`${file} is not a circuit file: expected {"neurons": [{"layer": L, "index": I}, ...]}.`);
}
