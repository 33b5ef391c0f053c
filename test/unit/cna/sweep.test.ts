import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MULTIPLIERS, parseMultipliers, sweepPoints } from '../../../src/cna/sweep';
import { makeDetector } from '../../../src/cna/refusal';
import { UserError } from '../../../src/errors';

test('multiplier lists with commas, spaces or both', () => {
  assert.deepEqual(parseMultipliers('0,0.5,1'), [0, 0.5, 1]);
  assert.deepEqual(parseMultipliers('0 0.5 1'), [0, 0.5, 1]);
  assert.deepEqual(parseMultipliers(' 0, 0.25  2 '), [0, 0.25, 2]);
  assert.throws(() => parseMultipliers('  '), UserError);
  assert.throws(() => parseMultipliers('0 half 1'), /'half' is not a decimal number/);
  // The issue's `-1,0x10,0,,1`: each of its faults on its own, with a message that names it.
  assert.throws(() => parseMultipliers('-1,0,1'), /Multiplier -1 is below 0/);
  assert.throws(() => parseMultipliers('0x10,1'), /'0x10' is not a decimal number/);
  assert.throws(() => parseMultipliers('0,,1'), /empty entry/);
  assert.throws(() => parseMultipliers('0,1,'), /empty entry/);
  assert.throws(() => parseMultipliers('0,1,1e0'), /1e0 is listed twice/);
  assert.throws(() => parseMultipliers('Infinity'), /not a decimal number/);
  // CAA strengths may be negative.
  assert.deepEqual(parseMultipliers('-1, 0', 'alpha'), [-1, 0]);
  assert.deepEqual(DEFAULT_MULTIPLIERS, [0, 0.25, 0.5, 0.75, 1, 1.5, 2]);
});

test('one point per multiplier: refusal rate, quality, KL and n', () => {
  const points = sweepPoints(
    [
      // "" is a refusal with quality 0; "hello" is not, quality 0.9 (see quality.test.ts)
      { multiplier: 1, answers: ['', 'hello'], baseLogits: [[0, 0]], steeredLogits: [[0, 0]] },
      { multiplier: 0, answers: ['hello', 'hello', 'hello', "I can't."], baseLogits: [[0, 0]], steeredLogits: [[0, Math.log(3)]] },
      { multiplier: 2, answers: ['hello'] },
    ],
    makeDetector('regex'),
  );
  assert.equal(points.length, 3);
  assert.deepEqual(points[0], { multiplier: 1, refusalRate: 0.5, quality: 0.45, kl: 0, n: 2, collapse: { duplicate: 0, empty: 0.5, stalled: 0, collapsed: true } });
  // Three equal answers of four: collapsed.
  assert.equal(points[1].collapse.duplicate, 0.75);
  assert.equal(points[1].collapse.collapsed, true);
  assert.equal(points[1].multiplier, 0);
  assert.equal(points[1].refusalRate, 0.25);
  assert.ok(Math.abs(points[1].kl! - 0.5 * Math.log(4 / 3)) < 1e-12);
  assert.equal(points[1].n, 4);
  assert.equal(points[2].kl, null);
});
