/**
 * Lint rules over a parsed `.cnapairs` file (docs/cnapairs.md, CNA004-CNA011). Structural problems
 * (CNA001-CNA003, CNA009, CNA014, CNA015) come from the parser; this adds the rules about what the pairs say.
 * Every rule is linear or near-linear in the number of pairs, so a 10,000-pair file lints in milliseconds.
 */
import { findNearDuplicates } from './nearDuplicates';
import { parsePairs } from './parse';
import { countWords, normalise } from './text';
import type { LintContext, Pair, PairsDiagnostic, ParsedPairs, Range } from './types';

/** The default of the `cna.maxPromptTokens` setting. */
export const DEFAULT_MAX_PROMPT_TOKENS = 2048;
/** Below this many discovery pairs the circuit is noisy (CNA010). */
export const MIN_DISCOVERY_PAIRS = 8;
/** File-level confounds (CNA007) are only judged on at least this many pairs. */
export const MIN_PAIRS_FOR_CONFOUND = 5;

interface Measured {
  pair: Pair;
  positiveLength: number;
  negativeLength: number;
  /** Normalised texts (`normalise`), computed once for the rules that compare prompts. */
  positive: string;
  negative: string;
}

/** All diagnostics of a file: the parser's and the rules', sorted by position. */
export function lintPairs(parsed: ParsedPairs, context: LintContext = {}): PairsDiagnostic[] {
  const count = context.countTokens ?? countWords;
  const unit = context.countTokens ? 'tokens' : 'words';
  const measured: Measured[] = parsed.pairs.map((pair) => ({
    pair,
    positiveLength: count(pair.positive.text),
    negativeLength: count(pair.negative.text),
    positive: normalise(pair.positive.text),
    negative: normalise(pair.negative.text),
  }));
  const out = [...parsed.diagnostics];
  identicalSides(measured, out);
  duplicates(measured, out);
  lengthImbalance(measured, unit, out);
  confounds(
    measured.filter((m) => m.pair.split === 'discover'),
    unit,
    out,
  );
  nearDuplicates(measured, out);
  fewPairs(parsed, out);
  longPrompts(measured, unit, context, out);
  return sortDiagnostics(out);
}

/** Parses and lints in one call. */
export function lintText(text: string, context: LintContext = {}): { parsed: ParsedPairs; diagnostics: PairsDiagnostic[] } {
  const parsed = parsePairs(text);
  return { parsed, diagnostics: lintPairs(parsed, context) };
}

export function sortDiagnostics(ds: PairsDiagnostic[]): PairsDiagnostic[] {
  return ds.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** CNA004: both sides say the same thing, so the pair contrasts nothing. */
function identicalSides(measured: Measured[], out: PairsDiagnostic[]): void {
  for (const { pair: p, positive, negative } of measured) {
    if (positive === negative) {
      out.push({
        range: p.range,
        severity: 'error',
        code: 'CNA004',
        message: 'The positive and negative prompts are the same (ignoring case and white space), so the pair contrasts nothing: change the negative so that it lacks the behaviour.',
      });
    }
  }
}

/** CNA005: a repeated pair, or one prompt on both sides in different pairs. */
function duplicates(measured: Measured[], out: PairsDiagnostic[]): void {
  const seenPairs = new Map<string, Pair>();
  const positives = new Map<string, Pair>();
  const negatives = new Map<string, Pair>();
  for (const { pair: p, positive: pos, negative: neg } of measured) {
    const key = pos + '\u0000' + neg;
    const twin = seenPairs.get(key);
    if (twin) {
      out.push({ range: p.range, severity: 'warning', code: 'CNA005', message: `This pair repeats the pair on line ${twin.line + 1}: delete it; a repeated pair adds weight, not information.` });
    } else {
      seenPairs.set(key, p);
    }
    const asNegative = negatives.get(pos);
    if (asNegative && pos !== neg) {
      out.push({
        range: p.positive.range,
        severity: 'warning',
        code: 'CNA005',
        message: `This positive prompt is the negative prompt of the pair on line ${asNegative.line + 1}: the two pairs contradict each other; remove or change one of them.`,
      });
    }
    const asPositive = positives.get(neg);
    if (asPositive && pos !== neg) {
      out.push({
        range: p.negative.range,
        severity: 'warning',
        code: 'CNA005',
        message: `This negative prompt is the positive prompt of the pair on line ${asPositive.line + 1}: the two pairs contradict each other; remove or change one of them.`,
      });
    }
    if (!positives.has(pos)) positives.set(pos, p);
    if (!negatives.has(neg)) negatives.set(neg, p);
  }
}

/** CNA006: one side much longer than the other, so length could explain the contrast. */
function lengthImbalance(measured: Measured[], unit: string, out: PairsDiagnostic[]): void {
  for (const { pair, positiveLength: p, negativeLength: n } of measured) {
    const longer = Math.max(p, n);
    const shorter = Math.min(p, n);
    if (longer > 2 * shorter && longer - shorter >= 8) {
      const range = p > n ? pair.positive.range : pair.negative.range;
      out.push({
        range,
        severity: 'warning',
        code: 'CNA006',
        message: `Length imbalance: the positive has ${p} ${unit}, the negative ${n}: length is then a confound; make the two sides about as long.`,
      });
    }
  }
}

interface SurfaceFeature {
  describe: string;
  test: (text: string) => boolean;
}

const SURFACE_FEATURES: SurfaceFeature[] = [
  { describe: "ends with '?'", test: (t) => t.endsWith('?') },
  { describe: "ends with '.'", test: (t) => t.endsWith('.') },
  { describe: "ends with '!'", test: (t) => t.endsWith('!') },
  { describe: 'spans several lines', test: (t) => t.includes('\n') },
  { describe: 'starts with a lower-case letter', test: (t) => /^\p{Ll}/u.test(t) },
  { describe: 'contains a digit', test: (t) => /\p{Nd}/u.test(t) },
];

/** CNA007: a surface feature that tells the sides apart on most pairs, which the circuit could learn instead. */
function confounds(measured: Measured[], unit: string, out: PairsDiagnostic[]): void {
  const n = measured.length;
  if (n < MIN_PAIRS_FOR_CONFOUND) return;
  const need = Math.ceil(0.8 * n - 1e-9);
  for (const f of SURFACE_FEATURES) {
    let onlyPositive = 0;
    let onlyNegative = 0;
    let firstPositive: Pair | undefined;
    let firstNegative: Pair | undefined;
    for (const { pair } of measured) {
      const p = f.test(pair.positive.text);
      const q = f.test(pair.negative.text);
      if (p && !q) {
        onlyPositive++;
        firstPositive ??= pair;
      } else if (q && !p) {
        onlyNegative++;
        firstNegative ??= pair;
      }
    }
    for (const [count, side, other, first] of [
      [onlyPositive, 'positive', 'negative', firstPositive],
      [onlyNegative, 'negative', 'positive', firstNegative],
    ] as const) {
      if (count >= need && first) {
        out.push({
          range: first.range,
          severity: 'warning',
          code: 'CNA007',
          message: `Confound: in ${count} of ${n} discovery pairs the ${side} prompt ${f.describe} and the ${other} does not, so the circuit may learn that instead of the behaviour; vary it on both sides.`,
        });
      }
    }
  }
  const meanPositive = measured.reduce((s, m) => s + m.positiveLength, 0) / n;
  const meanNegative = measured.reduce((s, m) => s + m.negativeLength, 0) / n;
  const ratio = meanPositive / meanNegative;
  if (meanNegative > 0 && meanPositive > 0 && (ratio >= 1.5 || ratio <= 1 / 1.5)) {
    const longer = ratio >= 1.5 ? 'positive' : 'negative';
    const shorter = ratio >= 1.5 ? 'negative' : 'positive';
    out.push({
      range: measured[0].pair.range,
      severity: 'warning',
      code: 'CNA007',
      message: `Confound: ${longer} prompts are on average ${Math.max(ratio, 1 / ratio).toFixed(1)}x longer than ${shorter} ones (${meanPositive.toFixed(1)} vs ${meanNegative.toFixed(1)} ${unit}), so the circuit may learn length; balance the lengths.`,
    });
  }
}

/** CNA008: pairs that share over 90% of their words on both sides (exact repeats are CNA005). */
function nearDuplicates(measured: Measured[], out: PairsDiagnostic[]): void {
  const exact = new Set<string>();
  const pairs = measured.map((m) => m.pair);
  const items = measured.map(({ positive, negative }) => {
    const key = positive + '\u0000' + negative;
    if (exact.has(key)) return undefined;
    exact.add(key);
    return { positive, negative };
  });
  for (const [earlier, later] of findNearDuplicates(items, 0.9)) {
    out.push({
      range: pairs[later].range,
      severity: 'warning',
      code: 'CNA008',
      message: `Near-duplicate of the pair on line ${pairs[earlier].line + 1} (over 90% of the words shared on both sides): it adds weight, not information; delete it or vary it.`,
    });
  }
}

/** CNA010: too few discovery pairs for a stable circuit. */
function fewPairs(parsed: ParsedPairs, out: PairsDiagnostic[]): void {
  const n = parsed.pairs.filter((p) => p.split === 'discover').length;
  if (n >= MIN_DISCOVERY_PAIRS) return;
  const first = parsed.pairs.find((p) => p.split === 'discover');
  const range: Range = first ? first.range : { start: { line: 0, character: 0 }, end: { line: 0, character: parsed.lines[0].length } };
  out.push({
    range,
    severity: 'information',
    code: 'CNA010',
    message: `Only ${n} discovery pair${n === 1 ? '' : 's'}: the circuit will be noisy; add pairs until there are at least ${MIN_DISCOVERY_PAIRS} (dozens are better).`,
  });
}

/** CNA011: a prompt that does not fit the model's context or the `cna.maxPromptTokens` limit. */
function longPrompts(measured: Measured[], unit: string, context: LintContext, out: PairsDiagnostic[]): void {
  const setting = context.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS;
  const contextLength = context.contextLength ?? Infinity;
  const limit = Math.min(setting, contextLength);
  const why = contextLength < setting ? `the model's context length (${contextLength})` : `the cna.maxPromptTokens limit (${setting})`;
  for (const { pair, positiveLength, negativeLength } of measured) {
    for (const [prompt, length] of [
      [pair.positive, positiveLength],
      [pair.negative, negativeLength],
    ] as const) {
      if (length > limit) {
        out.push({
          range: prompt.range,
          severity: 'warning',
          code: 'CNA011',
          message: `This prompt has ${length} ${unit}, more than ${why}: shorten it${contextLength < setting ? '' : ', or raise the setting'}.`,
        });
      }
    }
  }
}
