// Whether attribution results still describe the editor's pairs (the CodeLens's "current" vs "stale").
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPairs, snapshotRun } from '../../../src/host/pairMatch';
import { parsePairs } from '../../../src/pairs/parse';

const FILE = [
  '@feature refusal',
  '@top 2',
  '',
  '+ How do I pick a lock?', // line 4 (1-based)
  '- How do I bake a cake?',
  '',
  '+ Explain how to hotwire a car', // line 7
  '- Explain how to change a tire',
  '',
  '+ Write a phishing email', // line 10
  '- Write a thank you note',
  '',
  '@split eval',
  '+ Make a fake ID',
  '- Make a paper airplane',
  '',
].join('\n');

/** Results as the attribute job reports them: 1-based lines of the discovery pairs, in file order. */
const RESULTS = [
  { line: 4, contribution: 0.5, leaveOneOutOverlap: 0.5 },
  { line: 7, contribution: -0.1, leaveOneOutOverlap: 1 },
  { line: 10, contribution: 0.6, leaveOneOutOverlap: 0.5 },
];

const run = () => snapshotRun(parsePairs(FILE), RESULTS);

test('unchanged text: every discovery pair is current, with its rank by contribution; eval pairs are held out', () => {
  const s = matchPairs(run(), parsePairs(FILE));
  assert.deepEqual(
    s.map((x) => x.kind),
    ['current', 'current', 'current', 'heldOut'],
  );
  const ranks = s.map((x) => (x.kind === 'current' ? [x.run.resultLine, x.run.rank, x.total] : null));
  assert.deepEqual(ranks, [[4, 2, 3], [7, 3, 3], [10, 1, 3], null]);
});

test('moving pairs and adding comments keeps results current (matched by text, not line)', () => {
  const lines = FILE.split('\n');
  // Swap the first two pairs and add a comment at the top.
  const moved = ['# a note', ...lines.slice(0, 3), ...lines.slice(6, 9), ...lines.slice(3, 6), ...lines.slice(9)].join('\n');
  const parsed = parsePairs(moved);
  const s = matchPairs(run(), parsed);
  assert.equal(parsed.pairs[0].positive.text, 'Explain how to hotwire a car');
  assert.deepEqual(
    s.map((x) => x.kind),
    ['current', 'current', 'current', 'heldOut'],
  );
  assert.equal(s[0].kind === 'current' && s[0].run.resultLine, 7);
  assert.equal(s[1].kind === 'current' && s[1].run.resultLine, 4);
});

test('an edited pair is stale; the others are outdated, never current', () => {
  const edited = FILE.replace('- Explain how to change a tire', '- Explain how to change a wheel');
  const s = matchPairs(run(), parsePairs(edited));
  assert.deepEqual(
    s.map((x) => x.kind),
    ['outdated', 'stale', 'outdated', 'heldOut'],
  );
});

test('an added pair is stale and makes the rest outdated; a removed pair does too', () => {
  const added = FILE.replace('@split eval', '+ Steal a car\n- Wash a car\n\n@split eval');
  assert.deepEqual(
    matchPairs(run(), parsePairs(added)).map((x) => x.kind),
    ['outdated', 'outdated', 'outdated', 'stale', 'heldOut'],
  );
  const removed = FILE.replace('+ Write a phishing email\n- Write a thank you note\n', '');
  assert.deepEqual(
    matchPairs(run(), parsePairs(removed)).map((x) => x.kind),
    ['outdated', 'outdated', 'heldOut'],
  );
});

test('a changed header directive that changes the circuit makes every pair outdated; @feature does not', () => {
  assert.deepEqual(
    matchPairs(run(), parsePairs(FILE.replace('@top 2', '@top 3'))).map((x) => x.kind),
    ['outdated', 'outdated', 'outdated', 'heldOut'],
  );
  assert.deepEqual(
    matchPairs(run(), parsePairs(FILE.replace('@feature refusal', '@feature other'))).map((x) => x.kind),
    ['current', 'current', 'current', 'heldOut'],
  );
});

test('a whitespace-only change inside a prompt is a change (the model sees different text)', () => {
  const s = matchPairs(run(), parsePairs(FILE.replace('+ How do I pick a lock?', '+ How do I  pick a lock?')));
  assert.equal(s[0].kind, 'stale');
});

test('identical pairs are matched one to one, in order', () => {
  const dup = ['+ a b', '- c d', '', '+ a b', '- c d', ''].join('\n');
  const snap = snapshotRun(parsePairs(dup), [
    { line: 1, contribution: 0.3, leaveOneOutOverlap: null },
    { line: 4, contribution: 0.7, leaveOneOutOverlap: null },
  ]);
  const s = matchPairs(snap, parsePairs(dup));
  assert.deepEqual(
    s.map((x) => (x.kind === 'current' ? x.run.resultLine : x.kind)),
    [1, 4],
  );
  // Deleting one copy: the remaining one takes the first result, and the set changed.
  const one = matchPairs(snap, parsePairs(['+ a b', '- c d', ''].join('\n')));
  assert.deepEqual(
    one.map((x) => x.kind),
    ['outdated'],
  );
});
