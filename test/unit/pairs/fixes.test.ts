import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, fixesFor } from '../../../src/pairs/fixes';
import { lintText } from '../../../src/pairs/lint';
import { parsePairs } from '../../../src/pairs/parse';

/** Applies the only fix of the first diagnostic with `code`; returns the new text. */
function fix(text: string, code: string): string {
  const { parsed, diagnostics } = lintText(text);
  const d = diagnostics.find((x) => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(text)}`);
  const fixes = fixesFor(parsed, d);
  assert.equal(fixes.length, 1);
  return applyEdits(text, fixes[0].edits);
}

test('delete a duplicate pair: its lines and one separating blank line go', () => {
  assert.equal(fix('+ a\n- b\n\n+ A\n- B\n\n+ c\n- d\n', 'CNA005'), '+ a\n- b\n\n+ c\n- d\n');
  assert.equal(fix('+ a\n- b\n\n+ a\n- b\n', 'CNA005'), '+ a\n- b\n\n');
  assert.equal(fix('+ a b c\n- d\n\n+ A, b\n  c!\n- d', 'CNA008'), '+ a b c\n- d\n');
  assert.equal(fix('+ a\r\n- b\r\n\r\n+ a\r\n- b\r\n\r\n# end\r\n', 'CNA005'), '+ a\r\n- b\r\n\r\n# end\r\n');
});

test('a contradiction (CNA005 on one prompt) has no automatic fix', () => {
  const { parsed, diagnostics } = lintText('+ a\n- b\n\n+ b\n- c\n');
  const d = diagnostics.find((x) => x.code === 'CNA005')!;
  assert.deepEqual(fixesFor(parsed, d), []);
});

test('insert a missing side as a stub: the result is a pair', () => {
  const neg = fix('+ a\n  a2\n\n+ c\n- d\n', 'CNA001');
  assert.equal(neg, '+ a\n  a2\n- TODO: a matched prompt without the behaviour\n\n+ c\n- d\n');
  assert.equal(parsePairs(neg).pairs.length, 2);
  const pos = fix('x\r\n\r\n- b\r\n', 'CNA001');
  assert.equal(pos, 'x\r\n\r\n+ TODO: a prompt that shows the behaviour\r\n- b\r\n');
  const bom = fix('\uFEFF- b', 'CNA001');
  assert.equal(bom, '\uFEFF+ TODO: a prompt that shows the behaviour\n- b');
});

test('split merged pairs with a blank line; + + - has no obvious fix', () => {
  const split = fix('+ a\n- b\n+ c\n  c2\n- d\n', 'CNA002');
  assert.equal(split, '+ a\n- b\n\n+ c\n  c2\n- d\n');
  assert.deepEqual(parsePairs(split).diagnostics, []);
  const { parsed, diagnostics } = lintText('+ a\n+ c\n- d\n');
  assert.deepEqual(
    fixesFor(
      parsed,
      diagnostics.find((d) => d.code === 'CNA002')!,
    ),
    [],
  );
});

test('swap sides flips only the markers, for a diagnostic from attribution (CNA012)', () => {
  const text = '+ kite\n  string\n- bomb\n';
  const parsed = parsePairs(text);
  const fixes = fixesFor(parsed, { code: 'CNA012', range: parsed.pairs[0].range });
  assert.equal(applyEdits(text, fixes[0].edits), '- kite\n  string\n+ bomb\n');
  assert.deepEqual(fixesFor(parsed, { code: 'CNA004', range: parsed.pairs[0].range }), []);
});

test('applyEdits applies several edits from the end so offsets stay valid', () => {
  const out = applyEdits('abc\ndef', [
    { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 2 } }, newText: 'X' },
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: 'YY' },
  ]);
  assert.equal(out, 'aXc\nYY');
});
