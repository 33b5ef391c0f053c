/**
 * A cheap fingerprint of a model's weight values (the graph fingerprint covers only structure): for every
 * initializer, its name and a few short slices spread over its bytes. A fine-tune changes every value of the
 * matrices it touches, so a base and an instruct model differ here while sharing a graph; the cost is a few
 * hundred bytes per tensor, read from the external weights file at the tensor's offset when it is external.
 */
import { createHash } from 'node:crypto';
import { TensorInfo } from './onnx/model';
import { decodeString, parseFields, WIRE_LEN } from './onnx/wire';

const SLICES = 4;
const SLICE_BYTES = 64;

/** Reads `length` bytes at `offset` of an external weights file (named as the model references it). */
export type ExternalReader = (location: string, offset: number, length: number) => Uint8Array;

export function weightsFingerprint(initializers: Iterable<TensorInfo>, readExternal?: ExternalReader): string {
  const h = createHash('sha256');
  const sorted = [...initializers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of sorted) {
    h.update(`${t.name}\n`);
    if (!t.external) {
      for (const [at, len] of slices(t.bytes.length)) h.update(t.bytes.subarray(at, at + len));
      continue;
    }
    const ref = externalRef(t.bytes);
    h.update(`${ref.location} ${ref.offset} ${ref.length}\n`);
    if (!readExternal || ref.length === undefined) continue;
    for (const [at, len] of slices(ref.length)) h.update(readExternal(ref.location, ref.offset + at, len));
  }
  return h.digest('hex').slice(0, 16);
}

/** SLICES evenly spaced [start, length] ranges of SLICE_BYTES over `size` bytes (all of it when small). */
function slices(size: number): [number, number][] {
  if (size <= SLICES * SLICE_BYTES) return [[0, size]];
  const step = (size - SLICE_BYTES) / (SLICES - 1);
  return Array.from({ length: SLICES }, (_, i) => [Math.floor(i * step), SLICE_BYTES]);
}

/** TensorProto field 13: external_data, StringStringEntryProto {1: key, 2: value}. */
export function externalRef(tensor: Uint8Array): { location: string; offset: number; length?: number } {
  const entries = new Map<string, string>();
  for (const f of parseFields(tensor)) {
    if (f.num !== 13 || f.wire !== WIRE_LEN) continue;
    const kv = parseFields(f.data);
    const key = kv.find((e) => e.num === 1);
    const value = kv.find((e) => e.num === 2);
    if (key && value) entries.set(decodeString(key.data), decodeString(value.data));
  }
  const length = entries.has('length') ? Number(entries.get('length')) : undefined;
  return { location: entries.get('location') ?? '', offset: Number(entries.get('offset') ?? 0), length };
}
