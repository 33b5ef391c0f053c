import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintWithContributions } from '../../../src/pairs/contributions';
import { parsePairs } from '../../../src/pairs/parse';

const text = Array.from({ length: 7 }, (_, i) => `+ harmful ${i}\n- benign ${i}\n`).join('\n');
const parsed = parsePairs(text);
const lines = parsed.pairs.map((p) => p.line); // 0, 3, 6, ...

test('CNA012: a negative contribution is an inverted pair', () => {
  const shares = [0.2, 0.15, -0.05, 0.2, 0.2, 0.15, 0.15];
  const ds = lintWithContributions(
    parsed,
    lines.map((line, i) => ({ line, contribution: shares[i] })),
  );
  assert.deepEqual(
    ds.map((d) => [d.code, d.severity, d.range.start.line]),
    [['CNA012', 'warning', 6]],
  );
  assert.match(ds[0].message, /-5\.0%/);
});

test('CNA013: more than 5x the median; exactly 5x does not fire', () => {
  // median of [0.05 x6, 0.7] is 0.05; 0.7 = 14x.
  const shares = [0.05, 0.05, 0.05, 0.7, 0.05, 0.05, 0.05];
  const ds = lintWithContributions(
    parsed,
    lines.map((line, i) => ({ line, contribution: shares[i] })),
  );
  assert.deepEqual(
    ds.map((d) => [d.code, d.range.start.line]),
    [['CNA013', 9]],
  );
  assert.match(ds[0].message, /14\.0x the median/);
  const edge = [0.1, 0.1, 0.1, 0.5, 0.1, 0.1, 0.1]; // 0.5 = 5.0x exactly (up to rounding: 5 * 0.1 = 0.5)
  assert.deepEqual(
    lintWithContributions(
      parsed,
      lines.map((line, i) => ({ line, contribution: edge[i] })),
    ),
    [],
  );
});

test('unknown lines, NaN and an empty list are ignored; even count uses the mean of the middle two', () => {
  assert.deepEqual(lintWithContributions(parsed, []), []);
  assert.deepEqual(
    lintWithContributions(parsed, [
      { line: 1, contribution: -1 },
      { line: 0, contribution: NaN },
    ]),
    [],
  );
  // [0.1, 0.1, 0.3, 1.0] -> median 0.2, so 1.0 = 5x: not dominant; 1.01 would be.
  const four = (x: number) => [0.1, 0.1, 0.3, x].map((contribution, i) => ({ line: lines[i], contribution }));
  assert.deepEqual(lintWithContributions(parsed, four(1.0)), []);
  assert.equal(lintWithContributions(parsed, four(1.01)).length, 1);
});
