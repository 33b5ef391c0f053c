/**
 * The quality score (docs/method.md, "Quality"; the paper's ">0.97"): quality = 1 - degradation on the first 200
 * characters of an answer, averaged over prompts.
 *
 * degradation = min(1, 0.20*tri + 0.20*four + 0.15*(1-ttr) + 0.10*sentRep + 0.20*esc + 0.05*nonAscii + 0.10*dom)
 *
 * Readings that follow the reference's Python (stated because a port can drift on them):
 * - "characters" are code points (Python str), not UTF-16 units; "whitespace" is Python's str.split() /
 *   str.strip() set.
 * - tri/four: n-grams over lower-cased whitespace tokens built with range(len - n), which drops the final
 *   n-gram. With fewer than n tokens, or exactly n (no n-gram left), the term is 0.
 * - ttr, dom: over the lower-cased tokens. esc: over the tokens of the original-case text (case cannot
 *   change the match). sentRep: on the original-case text, pieces split on . ! ? and newline, stripped,
 *   empty ones dropped; fewer than 2 sentences gives 0; otherwise (repeats of the previous) / (sentences).
 * - Empty or whitespace-only text: degradation 1.
 * - The reference rounds each score to 4 decimals; docs/method.md does not, and neither do we.
 */

export const QUALITY_CHARS = 200;

// Python's str.isspace() set, so split/strip agree with the reference.
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPLIT_RE = new RegExp(`[${PY_SPACE}]+`);
const STRIP_RE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const ESCAPE_TOKEN = /^\\+[[\](){}a-zA-Z_-]*$/;

/** Python's str.split() with no argument: runs of whitespace, no empty tokens. */
function pySplit(text: string): string[] {
  return text.split(SPLIT_RE).filter((t) => t !== '');
}

function pyStrip(text: string): string {
  return text.replace(STRIP_RE, '');
}

/** 1 - unique/total of word n-grams, built with range(len - n) (the final n-gram is dropped). */
export function ngramRepetition(tokens: readonly string[], n: number): number {
  const count = tokens.length - n;
  if (count <= 0) return 0;
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) seen.add(tokens.slice(i, i + n).join('\u0000'));
  return 1 - seen.size / count;
}

function sentenceRepetition(text: string): number {
  const sentences = text
    .split(/[.!?\n]/)
    .map(pyStrip)
    .filter((s) => s !== '');
  if (sentences.length < 2) return 0;
  let reps = 0;
  for (let i = 1; i < sentences.length; i++) if (sentences[i] === sentences[i - 1]) reps++;
  return reps / sentences.length;
}

/** The seven terms, for reports and tests. */
export interface DegradationTerms {
  tri: number;
  four: number;
  ttr: number;
  sentRep: number;
  esc: number;
  nonAscii: number;
  dom: number;
}

/** The terms on an already truncated text; undefined for empty or whitespace-only text. */
export function degradationTerms(text: string): DegradationTerms | undefined {
  if (pyStrip(text) === '') return undefined;
  const tokens = pySplit(text.toLowerCase());
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let most = 0;
  for (const c of counts.values()) most = Math.max(most, c);
  const rawTokens = pySplit(text);
  const escapes = rawTokens.filter((t) => ESCAPE_TOKEN.test(t)).length;
  const chars = Array.from(text);
  const nonAscii = chars.filter((c) => c.codePointAt(0)! > 127).length;
  return {
    tri: ngramRepetition(tokens, 3),
    four: ngramRepetition(tokens, 4),
    ttr: tokens.length === 0 ? 1 : counts.size / tokens.length,
    sentRep: sentenceRepetition(text),
    esc: rawTokens.length === 0 ? 0 : escapes / rawTokens.length,
    nonAscii: chars.length === 0 ? 0 : nonAscii / chars.length,
    dom: tokens.length === 0 ? 0 : most / tokens.length,
  };
}

/** Degradation of one answer, on its first 200 characters. */
export function degradation(answer: string): number {
  const t = degradationTerms(Array.from(answer).slice(0, QUALITY_CHARS).join(''));
  if (!t) return 1;
  const score = 0.2 * t.tri + 0.2 * t.four + 0.15 * (1 - t.ttr) + 0.1 * t.sentRep + 0.2 * t.esc + 0.05 * t.nonAscii + 0.1 * t.dom;
  return Math.min(1, score);
}

/** Mean of 1 - degradation over the answers; NaN for no answers. */
export function quality(answers: readonly string[]): number {
  if (answers.length === 0) return NaN;
  let sum = 0;
  for (const a of answers) sum += 1 - degradation(a);
  return sum / answers.length;
}
