/** Directive names and their value parsers (docs/cnapairs.md, "Directives"). */
import type { DirectiveName, DirectiveValue, Split, TopValue } from './types';

export const DIRECTIVE_NAMES: readonly DirectiveName[] = ['feature', 'model', 'template', 'system', 'top', 'exclude-layers', 'multipliers', 'split'];

/** Directives that describe the whole file; only `@split` changes meaning along the file. */
export const HEADER_DIRECTIVES: ReadonlySet<string> = new Set(DIRECTIVE_NAMES.filter((n) => n !== 'split'));

export function isDirectiveName(name: string): name is DirectiveName {
  return (DIRECTIVE_NAMES as readonly string[]).includes(name);
}

/** Either the parsed value, or a message that says what a good value looks like. */
export type ValueResult = { ok: true; value: DirectiveValue } | { ok: false; message: string };

export function parseDirectiveValue(name: DirectiveName, raw: string): ValueResult {
  switch (name) {
    case 'feature':
    case 'model':
    case 'system':
      return raw === '' ? { ok: false, message: `@${name} needs a value, e.g. ${example(name)}.` } : { ok: true, value: { name, value: raw } };
    case 'template':
      return raw === 'chat' || raw === 'raw' || raw === 'reference'
        ? { ok: true, value: { name, value: raw } }
        : { ok: false, message: `@template must be 'chat', 'raw' or 'reference', not '${raw}'.` };
    case 'split':
      return raw === 'discover' || raw === 'eval' ? { ok: true, value: { name, value: raw as Split } } : { ok: false, message: `@split must be 'discover' or 'eval', not '${raw}'.` };
    case 'top': {
      const top = parseTop(raw);
      return top ? { ok: true, value: { name, value: top } } : { ok: false, message: `@top ${TOP_RULE}, not '${raw}'.` };
    }
    case 'exclude-layers': {
      const layers = parseLayers(raw);
      return layers ? { ok: true, value: { name, value: layers } } : { ok: false, message: `@exclude-layers ${LAYERS_RULE}, not '${raw}'.` };
    }
    case 'multipliers': {
      const ms = parseNumberList(raw, { what: 'multiplier', min: 0 });
      return ms.ok ? { ok: true, value: { name, value: ms.value } } : { ok: false, message: `@multipliers: ${ms.message}` };
    }
  }
}

function example(name: 'feature' | 'model' | 'system'): string {
  if (name === 'feature') return '@feature refusal';
  if (name === 'model') return '@model ../models/qwen2.5-1.5b-instruct';
  return '@system You are a helpful assistant.';
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What a good circuit size / layer list looks like, for messages of every front end. */
export const TOP_RULE = 'must be a percentage of all MLP neurons (e.g. 0.1%) or a neuron count (e.g. 200)';
export const LAYERS_RULE = "must list layer numbers and ranges, e.g. 0-1 or 0,1,5 (or 'none')";

/** A plain decimal number (`0.5`, `-1`, `2e-3`); never hex (`0x10`), `Infinity` or an empty string. */
export function parseDecimal(raw: string): number | undefined {
  const text = raw.trim();
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** A whole number written in decimal digits (`8`, `-1`); never `1.5`, `1e3` or `0x10`. */
export function parseWholeNumber(raw: string): number | undefined {
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * A list of numbers separated by commas or spaces (`0, 0.5 1`), each given once: an empty entry (`0,,1`), a
 * repeated value (it would run twice) or one below `min` is an error with a message saying which.
 */
export function parseNumberList(raw: string, opts: { what: string; min?: number }): { ok: true; value: number[] } | { ok: false; message: string } {
  const example = opts.min !== undefined && opts.min >= 0 ? '0 0.5 1' : '-1 0 1';
  const text = raw.trim();
  if (text === '') return { ok: false, message: `the ${opts.what} list is empty: give numbers such as ${example}.` };
  const parts = text.split(/\s*,\s*|\s+/);
  const seen = new Set<number>();
  const value: number[] = [];
  for (const part of parts) {
    if (part === '') return { ok: false, message: `'${raw}' has an empty entry: give numbers such as ${example}, separated by commas or spaces.` };
    const n = parseDecimal(part);
    if (n === undefined) return { ok: false, message: `${opts.what} '${part}' is not a decimal number: give numbers such as ${example}.` };
    if (opts.min !== undefined && n < opts.min) {
      return { ok: false, message: `${opts.what} ${part} is below ${opts.min}${opts.what === 'multiplier' ? ' (0 ablates, 1 leaves the model unchanged, above 1 amplifies)' : ''}.` };
    }
    if (seen.has(n)) return { ok: false, message: `${opts.what} ${part} is listed twice.` };
    seen.add(n);
    value.push(n);
  }
  return { ok: true, value };
}

export function parseTop(input: string): TopValue | undefined {
  const raw = input.trim();
  if (raw.endsWith('%')) {
    const body = raw.slice(0, -1).trim();
    if (!NUMBER.test(body)) return undefined;
    const percent = Number(body);
    return percent > 0 && percent <= 100 ? { kind: 'percent', percent } : undefined;
  }
  if (!/^\d+$/.test(raw)) return undefined;
  const count = Number(raw);
  return count >= 1 && Number.isSafeInteger(count) ? { kind: 'count', count } : undefined;
}

export function parseLayers(raw: string): number[] | undefined {
  if (raw === 'none') return [];
  if (raw === '') return undefined;
  const layers = new Set<number>();
  for (const part of raw.split(',')) {
    const m = /^\s*(\d{1,4})\s*(?:-\s*(\d{1,4})\s*)?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return undefined;
    for (let l = from; l <= to; l++) layers.add(l);
  }
  return [...layers].sort((a, b) => a - b);
}

/** The known name closest to a misspelt one, for "did you mean" messages. */
export function closestDirective(name: string): DirectiveName | undefined {
  let best: DirectiveName | undefined;
  let bestDistance = 3;
  for (const known of DIRECTIVE_NAMES) {
    const d = editDistance(name.toLowerCase(), known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 40) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
