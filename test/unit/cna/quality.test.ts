import { test } from 'node:test';
import assert from 'node:assert/strict';
import { degradation, degradationTerms, ngramRepetition, quality } from '../../../src/cna/quality';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);

// Hand-computed from docs/method.md's definition (and checked against the reference's Python formula).
const cases: Array<[string, string, number]> = [
  ['empty', '', 1],
  ['whitespace only', ' \n\t ', 1],
  // one token: tri = four = 0 (fewer tokens than n), ttr 1, one sentence, dom 1/1 -> 0.10
  ['single word', 'hello', 0.1],
  // 6 distinct tokens: 3 trigrams / 2 fourgrams all unique, dom 1/6
  ['distinct words', 'a b c d e f', 0.1 / 6],
  // 6 equal tokens: tri 1-1/3, four 1-1/2, 1-ttr 5/6, dom 1
  ['repetition', 'go go go go go go', 0.2 * (2 / 3) + 0.2 * 0.5 + 0.15 * (5 / 6) + 0.1],
  // sentences Yes,Yes,Yes,No: 2 repeats of 4 -> 0.5; tokens yes. x3, no.: tri over 1 gram 0, four none,
  // 1-ttr 1/2, dom 3/4
  ['repeated sentences', 'Yes. Yes. Yes. No.', 0.1 * 0.5 + 0.15 * 0.5 + 0.1 * 0.75],
  // \[ \( \alpha are escape gibberish, x is not: esc 3/4; dom 1/4
  ['escapes', '\\[ \\( \\alpha x', 0.2 * 0.75 + 0.1 * 0.25],
  // \\ is an escape token, \1 is not (digit): esc 1/3, dom 1/3
  ['escape with digit', '\\\\ \\1 ok', 0.2 / 3 + 0.1 / 3],
  // 1 of 4 characters above 127, dom 1
  ['non-ASCII', 'café', 0.05 * 0.25 + 0.1],
  // the emoji is one character (code point), not two UTF-16 units: 1/3; dom 1/2
  ['astral character', 'a \u{1F600}', 0.05 / 3 + 0.1 * 0.5],
  // 3 tokens: range(3 - 3) is empty, so tri = 0 even though all three are equal; 1-ttr 2/3, dom 1
  ['exactly n tokens', 'a a a', 0.15 * (2 / 3) + 0.1],
  // the dropped final n-gram: trigrams (a b c)(b c a)(c a b) are unique -> 0 (would be 0.25 with it)
  ['dropped final n-gram', 'a b c a b c', 0.15 * 0.5 + 0.1 * (2 / 6)],
  // newline splits sentences: [The cat sat, The cat sat, The dog ran] -> 1/3; tri 1-4/6, four 1-4/5,
  // 1-ttr 4/9, dom 3/9
  ['newline sentences', 'The cat sat.\nThe cat sat.\nThe dog ran!', 0.2 / 3 + 0.2 * 0.2 + 0.15 * (4 / 9) + 0.1 / 3 + 0.1 / 3],
  // only the first 200 characters: 66 x "ab " + "ab" = 67 tokens "ab"; tri 1-1/64, four 1-1/63,
  // 1-ttr 66/67, dom 1
  ['first 200 characters', 'ab '.repeat(100), 0.2 * (63 / 64) + 0.2 * (62 / 63) + 0.15 * (66 / 67) + 0.1],
];

for (const [name, text, expected] of cases) {
  test(`degradation: ${name}`, () => close(degradation(text), expected, name));
}

test('ngramRepetition drops the final n-gram and is 0 without any n-gram', () => {
  assert.equal(ngramRepetition(['a', 'b'], 3), 0);
  assert.equal(ngramRepetition(['a', 'b', 'c'], 3), 0);
  // x x x x: range(1) -> one trigram -> 0 repeats; with five tokens two equal trigrams -> 1/2
  assert.equal(ngramRepetition(['x', 'x', 'x', 'x'], 3), 0);
  assert.equal(ngramRepetition(['x', 'x', 'x', 'x', 'x'], 3), 0.5);
});

test('sentence repetition compares case-sensitively, after stripping', () => {
  assert.equal(degradationTerms('Hi there. hi there.')!.sentRep, 0);
  assert.equal(degradationTerms('Hi there.   Hi there  .')!.sentRep, 0.5);
});

test('degradation is capped at 1 and quality averages over answers', () => {
  assert.ok(degradation('\\x '.repeat(80)) <= 1);
  close(quality(['', 'hello']), (0 + 0.9) / 2, 'mean quality');
  assert.ok(Number.isNaN(quality([])));
});

test('clean English prose scores about 0.97-0.98, not 1', () => {
  const q = quality([
    'Photosynthesis is the process by which green plants use sunlight, water and carbon dioxide to make ' + 'glucose and oxygen. It takes place mainly in the leaves, inside chloroplasts.',
  ]);
  assert.ok(q > 0.95 && q < 1, `quality ${q}`);
});
