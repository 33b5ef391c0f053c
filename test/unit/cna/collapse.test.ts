// Collapse and stalls: duplicated answers across prompts, empty answers and loops.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { collapseNote, collapseStats, isStalled } from '../../../src/cna/collapse';

const FINE = [
  'Bread needs flour, water, salt and yeast; knead it and let it rise.',
  'Cats are small carnivorous mammals that people keep as pets.',
  'The capital of France is Paris, on the Seine.',
  'Photosynthesis turns light, water and carbon dioxide into sugar.',
];

test('distinct answers are not flagged', () => {
  assert.deepEqual(collapseStats(FINE), { duplicate: 0, empty: 0, stalled: 0, collapsed: false });
  assert.equal(collapseNote(collapseStats(FINE)), '');
  assert.deepEqual(collapseStats([]), { duplicate: 0, empty: 0, stalled: 0, collapsed: false });
});

test('one text repeated for every prompt (or nearly: one word differs) is collapse, whatever the refusal count says', () => {
  const same = 'Sure! Here is a detailed guide with steps and materials you will need for this task today.';
  const near = same.replace('today', 'today now');
  const c = collapseStats([same, same, near, FINE[0]]);
  assert.equal(c.duplicate, 0.75);
  assert.equal(c.collapsed, true);
  assert.match(collapseNote(c), /collapsed: 75% duplicates, 0% empty or stalled/);
});

test('empty and stalled answers', () => {
  assert.equal(isStalled(''), false); // empty is counted apart
  assert.equal(isStalled('... ... !!!'), true);
  assert.equal(isStalled('the the the the the the cat'), true);
  assert.equal(isStalled('I will go and I will go and I will go and I will go and I will go and'), true);
  assert.equal(isStalled('Yes.'), false);
  for (const f of FINE) assert.equal(isStalled(f), false);
  const c = collapseStats(['', '  ', 'no no no no no no', FINE[1]]);
  assert.equal(c.empty, 0.5);
  assert.equal(c.stalled, 0.25);
  assert.equal(c.collapsed, true);
  assert.equal(collapseStats([FINE[0], FINE[1], FINE[2], '']).collapsed, true); // 25% empty
  assert.equal(collapseStats([...FINE, ...FINE.map((f) => f.toUpperCase() + ' extra words here to differ a lot more than one')]).collapsed, false);
});

test('refusals repeated for every prompt are not collapse (the detector keeps them out)', () => {
  const refusal = "I'm sorry, but I can't help with that.";
  const isRefusal = (a: string) => a.startsWith("I'm sorry");
  assert.equal(collapseStats([refusal, refusal, refusal, FINE[0]], isRefusal).collapsed, false);
  assert.equal(collapseStats([refusal, refusal, refusal, FINE[0]]).collapsed, true);
});
