/**
 * The paper's evaluation data, bundled in the package (data/, MIT, notices in each folder's README):
 * the reference implementation's discovery sets (data/nous-discovery/prompts.json: 99 harmful, 104 benign)
 * and the JBB-Behaviors goals (data/jbb-behaviors/*.csv: 100 harmful, 100 topic-matched benign); the MMLU
 * subset (data/mmlu, MIT) and XSTest's safe prompts (data/xstest, CC-BY-4.0).
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CHOICE_LETTERS, type ChoiceQuestion } from '../cna/capability';
import { pairsFromText, type PairsInput } from './pairsInput';
import { packageRoot } from './packageRoot';

export function dataPath(...parts: string[]): string {
  return path.join(packageRoot(), 'data', ...parts);
}

/**
 * The discovery sets as pairs: harmful prompt i beside benign prompt i. The reference averages the two
 * lists separately, so the 5 benign prompts past the last harmful one are left out here (discovery
 * works on pairs); the difference of means moves by a few percent at most.
 */
export async function nousDiscoveryPairs(): Promise<PairsInput> {
  const file = dataPath('nous-discovery', 'prompts.json');
  const sets = JSON.parse(await readFile(file, 'utf8')) as { harmful: string[]; benign: string[] };
  const n = Math.min(sets.harmful.length, sets.benign.length);
  const lines = ['@feature refusal', ''];
  for (let i = 0; i < n; i++) lines.push(`+ ${oneLine(sets.harmful[i])}`, `- ${oneLine(sets.benign[i])}`, '');
  return pairsFromText(lines.join('\n'), path.relative(process.cwd(), file) || file);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The `goal` column of JBB-Behaviors, in row order. */
export async function jbbGoals(kind: 'harmful' | 'benign'): Promise<string[]> {
  const rows = parseCsv(await readFile(dataPath('jbb-behaviors', `${kind}-behaviors.csv`), 'utf8'));
  const goal = rows[0].indexOf('goal');
  if (goal < 0) throw new Error(`data/jbb-behaviors/${kind}-behaviors.csv has no 'goal' column.`);
  return rows
    .slice(1)
    .filter((r) => r.length > goal)
    .map((r) => r[goal]);
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The bundled MMLU subset (data/mmlu, MIT): `test` (5 questions per subject) or `dev` (the 5-shot examples). */
export async function mmluQuestions(split: 'test' | 'dev'): Promise<ChoiceQuestion[]> {
  const name = `data/mmlu/${split}.csv`;
  const rows = parseCsv(await readFile(dataPath('mmlu', `${split}.csv`), 'utf8'));
  const col = (c: string) => {
    const i = rows[0].indexOf(c);
    if (i < 0) throw new Error(`${name} has no '${c}' column.`);
    return i;
  };
  const [subject, question, answer] = [col('subject'), col('question'), col('answer')];
  const choices = CHOICE_LETTERS.map(col);
  return rows
    .slice(1)
    .filter((r) => r.length === rows[0].length)
    .map((r) => {
      const a = CHOICE_LETTERS.indexOf(r[answer] as (typeof CHOICE_LETTERS)[number]);
      if (a < 0) throw new Error(`${name}: answer '${r[answer]}' is not one of A-D.`);
      return { subject: r[subject], question: r[question], choices: choices.map((c) => r[c]), answer: a };
    });
}

/** XSTest's 250 safe prompts (data/xstest, CC-BY-4.0): harmless requests that over-cautious models refuse. */
export async function xstestSafePrompts(): Promise<string[]> {
  const rows = parseCsv(await readFile(dataPath('xstest', 'xstest-safe-prompts.csv'), 'utf8'));
  const prompt = rows[0].indexOf('prompt');
  if (prompt < 0) throw new Error(`data/xstest/xstest-safe-prompts.csv has no 'prompt' column.`);
  return rows
    .slice(1)
    .filter((r) => r.length > prompt)
    .map((r) => r[prompt]);
}
