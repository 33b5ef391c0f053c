/**
 * Capability under steering (the paper: MMLU "stayed within one point of baseline"): multiple-choice
 * questions formatted as Hendrycks et al.'s evaluate.py formats them, scored by the log-probability of each
 * answer letter as the model's next token, accuracy with a Wilson 95% interval. Pure: the engine produces the
 * logits, src/jobs/capability.ts drives it.
 */
import { UserError } from '../errors';

export const CHOICE_LETTERS = ['A', 'B', 'C', 'D'] as const;
/** What guessing scores on four choices. */
export const CHANCE_ACCURACY = 1 / CHOICE_LETTERS.length;

export interface ChoiceQuestion {
  /** The MMLU subject, e.g. `abstract_algebra`. */
  subject: string;
  question: string;
  choices: readonly string[];
  /** Index of the right choice (0 = A). */
  answer: number;
}

/** `abstract_algebra` -> `abstract algebra`. */
export function subjectWords(subject: string): string {
  return subject.replace(/_/g, ' ');
}

function example(q: ChoiceQuestion, withAnswer: boolean): string {
  const lines = [q.question, ...q.choices.map((c, i) => `${CHOICE_LETTERS[i]}. ${c}`), 'Answer:'].join('\n');
  return withAnswer ? `${lines} ${CHOICE_LETTERS[q.answer]}\n\n` : lines;
}

/**
 * The prompt text (the user message under a chat template): the subject line, the solved examples, then the
 * question ending in `Answer:`; the model's next token is its answer.
 */
export function formatQuestion(q: ChoiceQuestion, shots: readonly ChoiceQuestion[] = []): string {
  const head = `The following are multiple choice questions (with answers) about ${subjectWords(q.subject)}.\n\n`;
  return head + shots.map((s) => example(s, true)).join('') + example(q, false);
}

/** The texts whose tokens stand for a letter: the bare letter and the letter after a space. */
export function letterPieces(): string[] {
  return CHOICE_LETTERS.flatMap((l) => [l, ` ${l}`]);
}

/**
 * Per letter, the token ids that answer it, from the encodings of letterPieces() (same order): every piece
 * that is one token (a letter split into several tokens, e.g. space then letter, is no answer by itself);
 * when neither form is one token, the first token of the bare letter. The four sets must be disjoint.
 */
export function letterTokenIds(pieceIds: readonly (readonly number[])[]): number[][] {
  const perLetter = CHOICE_LETTERS.map((letter, i) => {
    const forms = [pieceIds[2 * i], pieceIds[2 * i + 1]];
    const single = forms.filter((f) => f.length === 1).map((f) => f[0]);
    const ids = single.length > 0 ? [...new Set(single)] : forms[0].slice(0, 1);
    if (ids.length === 0) throw new UserError(`The tokenizer encodes the answer letter ${letter} to no token.`);
    return ids;
  });
  const seen = new Map<number, string>();
  perLetter.forEach((ids, i) => {
    for (const id of ids) {
      const other = seen.get(id);
      if (other) throw new UserError(`The tokenizer gives the answer letters ${other} and ${CHOICE_LETTERS[i]} the same token (${id}): cannot score multiple choice.`);
      seen.set(id, CHOICE_LETTERS[i]);
    }
  });
  return perLetter;
}

/** log P(letter) for each letter: log-softmax over the whole vocabulary, summed over the letter's tokens. */
export function letterLogProbs(logits: ArrayLike<number>, letterIds: readonly (readonly number[])[]): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logZ = max + Math.log(sum);
  return letterIds.map((ids) => {
    let m = -Infinity;
    for (const id of ids) m = Math.max(m, logits[id]);
    let s = 0;
    for (const id of ids) s += Math.exp(logits[id] - m);
    return m + Math.log(s) - logZ;
  });
}

/** The chosen letter: the most likely one (the first on a tie). */
export function predictedChoice(logProbs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < logProbs.length; i++) if (logProbs[i] > logProbs[best]) best = i;
  return best;
}

/** Wilson score interval of a proportion (z = 1.96 for 95%); [0, 1] without observations. */
export function wilsonInterval(correct: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = correct / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface AccuracyScore {
  accuracy: number;
  low: number;
  high: number;
  /** Questions scored. */
  n: number;
  correct: number;
}

/** Accuracy of predictions against answers, with its 95% interval (NaN accuracy when nothing was scored). */
export function accuracyScore(predicted: readonly number[], answers: readonly number[]): AccuracyScore {
  const correct = predicted.filter((p, i) => p === answers[i]).length;
  const n = predicted.length;
  return { accuracy: n === 0 ? NaN : correct / n, ...wilsonInterval(correct, n), n, correct };
}

/** One shots setting at one steering. */
export interface CapabilityRun extends AccuracyScore {
  shots: number;
  /** Solved examples actually in the prompts (fewer than `shots` where the context is too short). */
  meanShots: number;
  /** Questions that do not fit the context even without examples. */
  skipped: number;
}

/** What a sweep point carries: the run with the most shots as the headline, every run in `runs`. */
export interface CapabilityPoint extends CapabilityRun {
  /** The check, e.g. `mmlu`. */
  name: string;
  /** Accuracy by guessing. */
  chance: number;
  runs: CapabilityRun[];
}

/** `31% [26-37%], 5-shot` */
export function capabilityText(p: Pick<CapabilityPoint, 'accuracy' | 'low' | 'high'>): string {
  if (Number.isNaN(p.accuracy)) return '-';
  const r = (x: number) => Math.round(x * 100);
  return `${r(p.accuracy)}% [${r(p.low)}-${r(p.high)}]`;
}
