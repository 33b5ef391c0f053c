/**
 * A .cnapairs file as the jobs use it: the discovery pairs (before any `@split eval`), the held-out
 * evaluation pairs, and the header directives. Lint errors stop a job (exit 1) with the first one's
 * position; warnings do not.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../errors';
import { lintText } from '../pairs/lint';
import type { Header, Pair, PairsDiagnostic, ParsedPairs } from '../pairs/types';

export interface PairsInput {
  /** The file as given (for messages), and its absolute path. */
  file: string;
  absolutePath: string;
  parsed: ParsedPairs;
  header: Header;
  /** `@feature`, else the file name without extension. */
  feature: string;
  /** Pairs used to find the circuit (split `discover`). */
  discovery: Pair[];
  /** Pairs held out for evaluation (after `@split eval`). */
  evaluation: Pair[];
  /** `@model`, resolved against the file's folder. */
  modelDirective?: string;
}

/** Builds the input from text already in memory. */
export function pairsFromText(text: string, file: string): PairsInput {
  const { parsed, diagnostics } = lintText(text);
  return pairsFromParsed(parsed, diagnostics, file, `Run 'cna lint ${file}' for the full list.`);
}

/**
 * Builds the input from a parse and its lint (the editor passes the document's own, computed once per
 * version). Errors stop the job with the first one; `fullList` says where to see them all.
 */
export function pairsFromParsed(parsed: ParsedPairs, diagnostics: readonly PairsDiagnostic[], file: string, fullList: string): PairsInput {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const e = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : '';
    throw new UserError(`${file}:${e.range.start.line + 1}:${e.range.start.character + 1}: ${e.code} ${e.message}${more} ${fullList}`, 1);
  }
  const absolutePath = path.resolve(file);
  const header = parsed.header;
  return {
    file,
    absolutePath,
    parsed,
    header,
    feature: header.feature ?? path.basename(file).replace(/\.[^.]*$/, ''),
    discovery: parsed.pairs.filter((p) => p.split === 'discover'),
    evaluation: parsed.pairs.filter((p) => p.split === 'eval'),
    modelDirective: header.model === undefined ? undefined : path.resolve(path.dirname(absolutePath), header.model),
  };
}

export async function readPairsFile(file: string): Promise<PairsInput> {
  return pairsFromText(await readTextFile(file), file);
}

/** Reads a UTF-8 file, turning a missing or unreadable file into a one-line usage error. */
export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new UserError(`Cannot read ${file}: ${why}.`);
  }
}
