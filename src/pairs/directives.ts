/** Directive names and their value parsers (docs/cnapairs.md, "Directives"). */
import type { DirectiveName, DirectiveValue, Split, TopValue } from './types';

export const DIRECTIVE_NAMES: readonly DirectiveName[] = [
  'feature', 'model', 'template', 'system', 'top', 'exclude-layers', 'multipliers', 'split',
];

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
      return raw === ''
        ? { ok: false, message: `@${name} needs a value, e.g. ${example(name)}.` }
        : { ok: true, value: { name, value: raw } };
    case 'template':
      return raw === 'chat' || raw === 'raw' || raw === 'reference'
        ? { ok: true, value: { name, value: raw } }
        : { ok: false, message: `@template must be 'chat', 'raw' or 'reference', not '${raw}'.` };
    case 'split':
      return raw === 'discover' || raw === 'eval'
        ? { ok: true, value: { name, value: raw as Split } }
        : { ok: false, message: `@split must be 'discover' or 'eval', not '${raw}'.` };
    case 'top': {
      const top = parseTop(raw);
      return top ? { ok: true, value: { name, value: top } }
        : { ok: false, message: `@top must be a percentage of all MLP neurons (e.g. 0.1%) or a neuron count (e.g. 200), not '${raw}'.` };
    }
    case 'exclude-layers': {
      const layers = parseLayers(raw);
      return layers ? { ok: true, value: { name, value: layers } }
        : { ok: false, message: `@exclude-layers must list layer numbers and ranges, e.g. 0-1 or 0,1,5 (or 'none'), not '${raw}'.` };
    }
    case 'multipliers': {
      const ms = parseNumbers(raw);
      return ms ? { ok: true, value: { name, value: ms } }
        : { ok: false, message: `@multipliers must be numbers separated by spaces or commas, e.g. 0 0.25 0.5 1 2, not '${raw}'.` };
    }
  }
}

function example(name: 'feature' | 'model' | 'system'): string {
  if (name === 'feature') return '@feature refusal';
  if (name === 'model') return '@model ../models/qwen2.5-1.5b-instruct';
  return '@system You are a helpful assistant.';
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseTop(raw: string): TopValue | undefined {
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

function parseLayers(raw: string): number[] | undefined {
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

function parseNumbers(raw: string): number[] | undefined {
  const parts = raw.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || !parts.every((p) => NUMBER.test(p))) return undefined;
  return parts.map(Number);
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
