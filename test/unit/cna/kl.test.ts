import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstTokenKL, meanFirstTokenKL } from '../../../src/cna/kl';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) < tol, `expected ${b}, got ${a}`);

test('KL is 0 for equal logits, and for logits shifted by a constant', () => {
  assert.equal(firstTokenKL([1, 2, 3], [1, 2, 3]), 0);
  close(firstTokenKL([1, 2, 3], [11, 12, 13]), 0);
});

test('two classes by hand: p = (1/2, 1/2), q = (1/4, 3/4)', () => {
  // KL(p||q) = 1/2 ln(2) + 1/2 ln(2/3) = 1/2 ln(4/3); KL(q||p) = 1/4 ln(1/2) + 3/4 ln(3/2)
  close(firstTokenKL([0, 0], [0, Math.log(3)]), 0.5 * Math.log(4 / 3));
  close(firstTokenKL([0, Math.log(3)], [0, 0]), 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5));
});

test('large logits do not overflow', () => {
  close(firstTokenKL([1000, 1000], [1000, 1000 + Math.log(3)]), 0.5 * Math.log(4 / 3), 1e-9);
  // float32 logits (what the engine returns) work too; 1000 + ln 3 rounds to a multiple of 2^-14 there
  const shifted = Math.fround(1000 + Math.log(3)) - 1000;
  const q = 1 / (1 + Math.exp(shifted));
  close(firstTokenKL(new Float32Array([1000, 1000]), new Float32Array([1000, 1000 + Math.log(3)])), 0.5 * Math.log(0.5 / q) + 0.5 * Math.log(0.5 / (1 - q)), 1e-9);
});

test('tokens impossible under the base distribution add nothing; impossible under steering gives Infinity', () => {
  close(firstTokenKL([0, -Infinity], [0, 0]), Math.log(2));
  assert.equal(firstTokenKL([0, 0], [0, -Infinity]), Infinity);
});

test('mean over prompts, and shape errors', () => {
  close(
    meanFirstTokenKL(
      [
        [0, 0],
        [1, 2],
      ],
      [
        [0, Math.log(3)],
        [1, 2],
      ],
    ),
    0.25 * Math.log(4 / 3),
  );
  assert.ok(Number.isNaN(meanFirstTokenKL([], [])));
  assert.throws(() => firstTokenKL([0, 0], [0, 0, 0]), /equal length/);
});
