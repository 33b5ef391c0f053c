/**
 * Writing results so that a cancelled or failed run never leaves a half-written file: write a temporary
 * file in the same folder (same file system, so rename is atomic), then rename it over the target.
 * Also reads circuit.json back, with one-line messages for the usual mistakes.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { validateCircuit, type Circuit } from '../cna/circuit';
import { CancelledError, UserError } from '../errors';
import { attributeJson } from './attribute';

export async function writeFileAtomic(file: string, text: string, signal?: AbortSignal): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  if (signal?.aborted) throw new CancelledError();
  try {
    await writeFile(temp, text, { encoding: 'utf8', signal });
    // A cancel that arrives while writing must leave the old file (or none) in place.
    signal?.throwIfAborted();
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    if (signal?.aborted) throw new CancelledError();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EROFS' || code === 'EISDIR' || code === 'ENOTDIR') {
      throw new UserError(`Cannot write ${file}: ${(err as Error).message}.`);
    }
    throw err;
  }
}

/** circuit.json text; an attribute result's per-neuron deltas stay out (the chart's data, not the circuit's). */
export function circuitJson(value: unknown): string {
  return attributeJson(value, { indent: 2 }) + '\n';
}

export async function readCircuitFile(file: string): Promise<Circuit> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UserError(`Cannot read the circuit ${file}: ${why}. Write one with 'cna attribute FILE --out ${file}'.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file} is not JSON (${(err as Error).message}). Write it again with 'cna attribute FILE --out ${file}'.`, 1);
  }
  return validateCircuit(json, file);
}
