// Which prompts a sweep evaluates (--eval) and which benign prompts measure KL.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parsePromptList, selectEvalPrompts } from '../../../src/jobs/evalPrompts';
import { pairsFromText } from '../../../src/jobs/pairsInput';
import { SMALL_PAIRS, tempDir, writeFile } from './tiny';

const NO_SPLIT = '+ a1\n- b1\n\n+ a2\n- b2\n';

test('positive (default): the held-out positives when @split eval exists, KL on their negatives', async () => {
  const s = await selectEvalPrompts(pairsFromText(SMALL_PAIRS, 't.cnapairs'));
  assert.deepEqual(s.prompts, ['Break a door', 'Hack a site']);
  assert.deepEqual(s.klPrompts, ['Paint a door', 'Build a site']);
  assert.match(s.description, /@split eval/);
});

test('without @split eval: every pair', async () => {
  const s = await selectEvalPrompts(pairsFromText(NO_SPLIT, 't.cnapairs'), 'positive');
  assert.deepEqual(s.prompts, ['a1', 'a2']);
  assert.deepEqual(s.klPrompts, ['b1', 'b2']);
  const n = await selectEvalPrompts(pairsFromText(NO_SPLIT, 't.cnapairs'), 'negative');
  assert.deepEqual(n.prompts, ['b1', 'b2']);
});

test('--eval FILE2.cnapairs: its positives; --eval prompts.txt: one prompt per line', async () => {
  const dir = tempDir();
  const other = writeFile(dir, 'other.cnapairs', NO_SPLIT);
  const s = await selectEvalPrompts(pairsFromText(SMALL_PAIRS, 't.cnapairs'), other);
  assert.deepEqual(s.prompts, ['a1', 'a2']);
  assert.deepEqual(s.klPrompts, ['b1', 'b2']);
  const list = writeFile(dir, 'prompts.txt', '\uFEFFfirst prompt\r\n\n  second prompt  \nthird\n');
  const t = await selectEvalPrompts(pairsFromText(SMALL_PAIRS, 't.cnapairs'), list);
  assert.deepEqual(t.prompts, ['first prompt', 'second prompt', 'third']);
  assert.deepEqual(t.klPrompts, ['Paint a door', 'Build a site'], "KL still on the main file's held-out negatives");
});

test('parsePromptList drops blank lines and surrounding space', () => {
  assert.deepEqual(parsePromptList('\n a \n\nb\r\n'), ['a', 'b']);
});

test('pairsFromText: discovery and eval split, @model resolved against the file, feature from the name', () => {
  const p = pairsFromText('@model ../models/x\n+ a\n- b\n\n@split eval\n+ c\n- d\n', '/data/sets/refusal.cnapairs');
  assert.equal(p.discovery.length, 1);
  assert.equal(p.evaluation.length, 1);
  assert.equal(p.modelDirective, '/data/models/x');
  assert.equal(p.feature, 'refusal');
});
