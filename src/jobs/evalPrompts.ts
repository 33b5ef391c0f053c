/**
 * Which prompts a sweep evaluates (`--eval`) and which benign prompts measure damage (first-token KL):
 * - `positive` (default): the positives of the `@split eval` pairs if there are any, else all positives;
 * - `negative`: the negatives, chosen the same way;
 * - a `.cnapairs` file: its positives, chosen the same way; or any other file: one prompt per line.
 * KL prompts are the negatives of the same pair selection (of FILE2 when it is a .cnapairs file).
 */
import type { Pair } from '../pairs/types';
import { readPairsFile, readTextFile, type PairsInput } from './pairsInput';

export interface EvalSelection {
  prompts: string[];
  klPrompts: string[];
  /** Where the prompts came from, for the report. */
  description: string;
  /** `file:line` of each prompt, for messages. */
  where?: string[];
}

/** The held-out pairs if the file has any, else every pair. */
export function evaluationPairs(pairs: PairsInput): { pairs: Pair[]; heldOut: boolean } {
  return pairs.evaluation.length > 0 ? { pairs: pairs.evaluation, heldOut: true } : { pairs: pairs.parsed.pairs, heldOut: false };
}

export function selectFromPairs(pairs: PairsInput, side: 'positive' | 'negative'): EvalSelection {
  const { pairs: chosen, heldOut } = evaluationPairs(pairs);
  const which = heldOut ? `the ${chosen.length} @split eval pairs` : `all ${chosen.length} pairs (no @split eval)`;
  return {
    prompts: chosen.map((p) => (side === 'positive' ? p.positive.text : p.negative.text)),
    klPrompts: chosen.map((p) => p.negative.text),
    description: `${side}s of ${which} of ${pairs.file}`,
    where: chosen.map((p) => `${pairs.file}:${(side === 'positive' ? p.positive : p.negative).range.start.line + 1}`),
  };
}

/** One prompt per non-blank line; a trailing carriage return and surrounding white space are dropped. */
export function parsePromptList(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export async function selectEvalPrompts(pairs: PairsInput, choice = 'positive'): Promise<EvalSelection> {
  if (choice === 'positive' || choice === 'negative') return selectFromPairs(pairs, choice);
  if (choice.toLowerCase().endsWith('.cnapairs')) {
    const other = selectFromPairs(await readPairsFile(choice), 'positive');
    return other;
  }
  const text = await readTextFile(choice);
  const prompts = parsePromptList(text);
  const where = text.split(/\r?\n/).flatMap((l, i) => (l.replace(/^\uFEFF/, '').trim() === '' ? [] : [`${choice}:${i + 1}`]));
  const own = selectFromPairs(pairs, 'positive');
  return { prompts, klPrompts: own.klPrompts, description: `${prompts.length} prompts of ${choice} (one per line)`, where };
}
