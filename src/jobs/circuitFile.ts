/**
 * Circuit files and result files on disk, for every command and the editor.
 * - Writing: a temporary file in the same folder (same file system, so rename is atomic), renamed over the
 *   target; a cancelled or failed run never leaves a half-written file. `checkWritable` says before a long
 *   run whether that write can succeed.
 * - Reading: the one circuit reader, for our circuit.json and the reference implementation's Circuit.save()
 *   layout; `circuitForModel` is the one check against the loaded model.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { checkCircuitForModel, CIRCUIT_VERSION, validateCircuit, type Circuit, type CircuitNeuron } from '../cna/circuit';
import { CancelledError, UserError } from '../errors';
import type { InspectResult } from '../protocol';
import { attributeJson, modelIdentity } from './attribute';

function tempNameFor(file: string): string {
  const target = path.resolve(file);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** A system error as the user can act on it, about the user's path (never our temporary file's). */
function writeError(file: string, err: unknown): UserError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    ENOENT: `the folder ${path.dirname(path.resolve(file))} does not exist`,
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied (in a shared folder such as /tmp only the owner may replace a file)',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    ENAMETOOLONG: 'the name is too long',
    EBUSY: 'the file is busy',
    EEXIST: 'a file of that name is in the way',
    EXDEV: 'it is on another device',
  };
  if (code === undefined || !(code in why)) return undefined;
  return new UserError(`Cannot write ${file}: ${why[code]}.`);
}

export async function writeFileAtomic(file: string, text: string, signal?: AbortSignal): Promise<void> {
  const temp = tempNameFor(file);
  if (signal?.aborted) throw new CancelledError();
  try {
    await writeFile(temp, text, { encoding: 'utf8', signal });
    // A cancel that arrives while writing must leave the old file (or none) in place.
    signal?.throwIfAborted();
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    if (signal?.aborted) throw new CancelledError();
    throw writeError(file, err) ?? err;
  }
}

/**
 * Fails now, with one line, when `writeFileAtomic(file)` would fail at the end of a long run: the folder is
 * missing or not writable, the target is a folder, or it belongs to another user in a sticky folder (/tmp).
 */
export async function checkWritable(file: string): Promise<void> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const folder = await stat(dir).catch((err: unknown) => {
    throw writeError(file, err) ?? err;
  });
  if (!folder.isDirectory()) throw new UserError(`Cannot write ${file}: ${dir} is not a folder.`);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new UserError(`Cannot write ${file}: it is a folder.`);
  // Creating a file is the only honest test (access() ignores read-only mounts and ACLs).
  const probe = tempNameFor(file);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw writeError(file, err) ?? err;
  }
  await unlink(probe).catch(() => undefined);
  const uid = process.getuid?.();
  const sticky = (folder.mode & 0o1000) !== 0;
  if (existing && sticky && uid !== undefined && uid !== 0 && existing.uid !== uid && folder.uid !== uid) {
    throw new UserError(`Cannot write ${file}: it belongs to another user and ${dir} only lets owners replace files; choose another name.`);
  }
}

/** circuit.json text; an attribute result's per-neuron deltas stay out (the chart's data, not the circuit's). */
export function circuitJson(value: unknown): string {
  return attributeJson(value, { indent: 2 }) + '\n';
}

/** A circuit read from disk: the neurons to steer, and for our format everything the file says. */
export interface CircuitFile {
  file: string;
  /** Ours, with the model it was found on; absent for the reference implementation's layout. */
  circuit?: Circuit;
  /** Best first; `delta` as the file gives it. */
  neurons: { layer: number; index: number; delta: number }[];
}

/**
 * Reads circuit.json (ours, `version` 1) or the reference implementation's Circuit.save() layout
 * (`{"neurons": {"layer,position,neuron": value}, ...}`; a neuron found at several positions counts once).
 * Unreadable: exit 2; not a circuit, or a corrupt one: exit 1.
 */
export async function readCircuitFile(file: string): Promise<CircuitFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UserError(`Cannot read the circuit ${file}: ${why}. Write one with 'cna attribute FILE --out ${file}'.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UserError(`${file} is not JSON (${(err as Error).message}). Write it again with 'cna attribute FILE --out ${file}'.`, 1);
  }
  const root = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const refNeurons = root?.neurons;
  if (root && root.version === undefined && typeof refNeurons === 'object' && refNeurons !== null && !Array.isArray(refNeurons)) {
    return { file, neurons: referenceNeurons(refNeurons as Record<string, unknown>, file) };
  }
  const circuit = validateCircuit(json, file);
  return { file, circuit, neurons: circuit.neurons.map(({ layer, index, delta }) => ({ layer, index, delta })) };
}

function referenceNeurons(entries: Record<string, unknown>, file: string): CircuitFile['neurons'] {
  const seen = new Map<string, { layer: number; index: number; delta: number }>();
  for (const [key, value] of Object.entries(entries)) {
    const m = /^(\d+),(-?\d+),(\d+)$/.exec(key);
    if (!m) throw new UserError(`${file}: neuron key '${key}' is not "layer,position,neuron" (the reference implementation's layout).`, 1);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new UserError(`${file}: the value of neuron '${key}' must be a number.`, 1);
    const id = `${m[1]},${m[3]}`;
    const prev = seen.get(id);
    if (!prev || Math.abs(value) > Math.abs(prev.delta)) seen.set(id, { layer: Number(m[1]), index: Number(m[3]), delta: value });
  }
  return [...seen.values()].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
}

/**
 * The circuit to steer `info`'s model with, after the one check (checkCircuitForModel): refusal for another
 * architecture, errors for an empty circuit or neurons outside the model, warnings (to `onWarning`) for other
 * weights. A reference-layout file becomes a circuit on the loaded model.
 */
export function circuitForModel(source: CircuitFile, info: InspectResult, onWarning: (message: string) => void): Circuit {
  const warnings = checkCircuitForModel(source.circuit ?? { neurons: source.neurons }, info, source.file);
  for (const w of warnings) onWarning(w);
  if (source.circuit) return source.circuit;
  const k = source.neurons.length;
  const neurons: CircuitNeuron[] = source.neurons.map((n) => ({ ...n, meanPositive: 0, meanNegative: 0 }));
  return {
    version: CIRCUIT_VERSION,
    feature: path.basename(source.file).replace(/\.json$/i, ''),
    model: modelIdentity(info),
    settings: { top: String(k), k, excludeLayers: [], universalFilter: false },
    k,
    neurons,
    universal: [],
    pairs: [],
    notes: [`read from ${source.file} (the reference implementation's layout: no statistics, no model identity)`],
  };
}
