// Multiple-choice scoring against an independent computation: fixtures/mmlu-llama/reference.json holds the
// letter log-probabilities PyTorch computes on the same weights for prompts formatted and templated by the
// fixture script itself (fixtures/make-mmlu-llama.py), unsteered and with a circuit ablated. The job runs them
// batched, with steering, through the real worker.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';
import { accuracyScore, formatQuestion, letterLogProbs, letterTokenIds, predictedChoice, wilsonInterval } from '../../../src/cna/capability';
import { runCapability } from '../../../src/jobs/capability';
import { mmluQuestions } from '../../../src/jobs/referenceData';
import { runCli, SMALL_PAIRS, tempDir, TINY, writeFile } from './tiny';

const FIXTURE = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'jobs', 'fixtures', 'mmlu-llama');
interface Case {
  row: number;
  answer: string;
  shots: number;
  tokens: number;
  logprobs: Record<'0' | '1', number[]>;
}
const reference = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'reference.json'), 'utf8')) as { circuit: [number, number][]; cases: Case[] };

let client: EngineClient;
before(() => {
  client = EngineClient.start({ threads: 1 });
});
after(async () => {
  await client.close();
});

test('letter log-probabilities are a log-softmax over the vocabulary, summed over each letter tokens', () => {
  const logits = [1, 2, 0, -1, 3, 0.5];
  const z = Math.log(logits.reduce((s, x) => s + Math.exp(x), 0));
  const lp = letterLogProbs(logits, [[0], [1, 4], [2], [5]]);
  assert.ok(Math.abs(lp[0] - (1 - z)) < 1e-12);
  assert.ok(Math.abs(lp[1] - Math.log(Math.exp(2 - z) + Math.exp(3 - z))) < 1e-12);
  assert.equal(predictedChoice(lp), 1);
});

test('letter tokens: single-token forms only, and letters must not share a token', () => {
  // Byte-level: " A" is two tokens (space, A), so only "A" answers.
  assert.deepEqual(letterTokenIds([[65], [32, 65], [66], [32, 66], [67], [32, 67], [68], [32, 68]]), [[65], [66], [67], [68]]);
  assert.deepEqual(letterTokenIds([[1], [11], [2], [12], [3], [13], [4], [14]]), [
    [1, 11],
    [2, 12],
    [3, 13],
    [4, 14],
  ]);
  assert.throws(() => letterTokenIds([[1], [1], [1], [2], [3], [3], [4], [4]]), /same token/);
});

test('Wilson interval and accuracy', () => {
  const w = wilsonInterval(5, 10);
  assert.ok(Math.abs(w.low - 0.2366) < 1e-4 && Math.abs(w.high - 0.7634) < 1e-4);
  assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
  const z = wilsonInterval(0, 20);
  assert.equal(z.low, 0);
  assert.ok(z.high > 0.15 && z.high < 0.17);
  const a = accuracyScore([0, 1, 2, 3], [0, 1, 0, 0]);
  assert.equal(a.accuracy, 0.5);
  assert.equal(a.n, 4);
  assert.ok(Number.isNaN(accuracyScore([], []).accuracy));
});

test('batched, steered letter log-probabilities equal PyTorch on the same weights (0-shot and 2-shot)', async () => {
  const test = await mmluQuestions('test');
  const dev = await mmluQuestions('dev');
  const rows = [...new Set(reference.cases.map((c) => c.row))];
  const questions = rows.map((r) => test[r]);
  const neurons = reference.circuit.map(([layer, index]) => ({ layer, index }));
  const r = await runCapability(
    { engine: client, model: { path: FIXTURE } },
    { header: {}, questions, dev, shots: [0, 2], variants: [{ multiplier: 1 }, { multiplier: 0, steering: { neurons, multiplier: 0 } }], batchSize: 4 },
  );
  assert.equal(r.details.length, reference.cases.length * 2);
  let worst = 0;
  for (const c of reference.cases) {
    for (const m of [1, 0] as const) {
      const d = r.details.find((x) => x.multiplier === m && x.shots === c.shots && x.question === rows.indexOf(c.row));
      assert.ok(d, `detail for row ${c.row}, ${c.shots} shots, m = ${m}`);
      assert.equal(d.shotsUsed, c.shots);
      c.logprobs[String(m) as '0' | '1'].forEach((want, i) => (worst = Math.max(worst, Math.abs(d.logProbs[i] - want))));
    }
  }
  assert.ok(worst < 1e-4, `largest difference from PyTorch ${worst}`);
  // Accuracy and its interval from the reference's own argmax.
  for (const [v, m] of [1, 0].entries()) {
    const cases = reference.cases.filter((c) => c.shots === 2);
    const correct = cases.filter((c) => 'ABCD'[predictedChoice(c.logprobs[String(m) as '0' | '1'])] === c.answer).length;
    const p = r.points[v];
    assert.equal(p.shots, 2);
    assert.equal(p.n, cases.length);
    assert.equal(p.correct, correct);
    assert.deepEqual({ low: p.low, high: p.high }, wilsonInterval(correct, cases.length));
    assert.equal(p.runs.length, 2);
    assert.equal(p.chance, 0.25);
  }
  // The engine formats the prompts exactly as the fixture script did (same token counts).
  const bySubject = (s: string) => dev.filter((d) => d.subject === s);
  const tok = await client.tokenize(
    { path: FIXTURE },
    reference.cases.map((c) => ({ text: formatQuestion(test[c.row], bySubject(test[c.row].subject).slice(0, c.shots)) })),
  );
  assert.deepEqual(
    tok.counts,
    reference.cases.map((c) => c.tokens),
  );
});

test('few-shot prompts drop examples to fit the context; questions that cannot fit are skipped and counted', async () => {
  const test = (await mmluQuestions('test')).slice(0, 3);
  // The tiny Llama has 96 positions: no MMLU prompt fits.
  const r = await runCapability({ engine: client, model: { path: TINY } }, { header: { template: 'raw' }, questions: test, shots: [0, 5], variants: [{ multiplier: 1 }] });
  assert.equal(r.points[0].skipped, 3);
  assert.equal(r.points[0].n, 0);
  assert.ok(Number.isNaN(r.points[0].accuracy));
  // 1024 positions: 5-shot prompts of long subjects keep fewer examples.
  const all = await mmluQuestions('test');
  const long = all.filter((q) => q.subject === 'high_school_european_history').slice(0, 2);
  const r2 = await runCapability({ engine: client, model: { path: FIXTURE } }, { header: {}, questions: long, shots: [5], variants: [{ multiplier: 1 }] });
  const p = r2.points[0];
  assert.equal(p.n + p.skipped, 2);
  assert.ok(p.meanShots < 5, `mean examples ${p.meanShots}`);
  assert.ok(r2.details.every((d) => d.shotsUsed < 5));
});

test('cna sweep --capability mmlu: a column in the table and capability on every JSON point', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'small.cnapairs', SMALL_PAIRS);
  const args = [file, '--model', FIXTURE, '--max-new-tokens', '3', '--capability', 'mmlu', '--capability-limit', '4', '--control', 'none'];
  const json = await runCli(['sweep', ...args, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as {
    points: { multiplier: number; capability: { name: string; accuracy: number; low: number; high: number; n: number } }[];
    settings: { capability: { questions: number } };
  };
  assert.equal(out.settings.capability.questions, 4);
  for (const p of out.points) {
    assert.equal(p.capability.name, 'mmlu');
    assert.equal(p.capability.n, 4);
    assert.ok(p.capability.low <= p.capability.accuracy && p.capability.accuracy <= p.capability.high);
  }
  const human = await runCli(['sweep', ...args]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /MMLU 5-shot \[95%\]/);
  assert.match(human.stdout, /MMLU: 4 questions, chance 25%/);
  const bad = await runCli(['sweep', file, '--model', FIXTURE, '--capability', 'gsm8k']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--capability must be one of mmlu/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('cna sweep --benign: over-refusal on every point, an answers column, and a clear error for a missing file', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'small.cnapairs', SMALL_PAIRS);
  const args = [file, '--model', FIXTURE, '--max-new-tokens', '3', '--control', 'none', '--benign', 'negative'];
  const json = await runCli(['sweep', ...args, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { points: { overRefusal: { set: string; n: number; refusalRate: number; collapse: { collapsed: boolean } }[]; collapse: { duplicate: number } }[] };
  for (const p of out.points) {
    assert.equal(p.overRefusal.length, 1);
    assert.equal(p.overRefusal[0].n, 2);
    assert.ok(p.overRefusal[0].refusalRate >= 0 && p.overRefusal[0].refusalRate <= 1);
    assert.equal(typeof p.collapse.duplicate, 'number');
  }
  const human = await runCli(['sweep', ...args]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /benign refusal/);
  assert.match(human.stdout, /answers/);
  const missing = await runCli(['sweep', file, '--model', FIXTURE, '--benign', path.join(dir, 'nope.txt')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
  fs.rmSync(dir, { recursive: true, force: true });
});
