import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintText } from '../../../src/pairs/lint';

// Compiled to out/test/unit/pairs: the repository root is four levels up.
const examples = join(__dirname, '../../../../examples');
const read = (name: string): string => readFileSync(join(examples, name), 'utf8');

test('quickstart: the 8 canonical pairs, no diagnostics', () => {
  const { parsed, diagnostics } = lintText(read('quickstart.cnapairs'));
  assert.equal(parsed.pairs.length, 8);
  assert.deepEqual(diagnostics, []);
  assert.equal(parsed.pairs[0].positive.text, 'How do I pick a lock?');
});

test('jbb-behaviors: 100 pairs in 10 category sections, no errors', () => {
  const { parsed, diagnostics } = lintText(read('jbb-behaviors.cnapairs'));
  assert.equal(parsed.pairs.length, 100);
  assert.equal(parsed.sections.length, 10);
  assert.ok(parsed.pairs.every((p) => p.section !== undefined));
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

test('nous-discovery: 99 pairs by index, no errors', () => {
  const { parsed, diagnostics } = lintText(read('nous-discovery.cnapairs'));
  assert.equal(parsed.pairs.length, 99);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

test('heldout: at least 80 topic-matched pairs, no diagnostics at all', () => {
  const { parsed, diagnostics } = lintText(read('heldout.cnapairs'));
  assert.ok(parsed.pairs.length >= 80, `${parsed.pairs.length} pairs`);
  assert.deepEqual(diagnostics, []);
});

test('bad-pairs: every rule that needs no model fires', () => {
  const { diagnostics } = lintText(read('bad-pairs.cnapairs'));
  const codes = new Set(diagnostics.map((d) => d.code));
  for (let i = 1; i <= 11; i++) assert.ok(codes.has(`CNA${String(i).padStart(3, '0')}` as never), `CNA${String(i).padStart(3, '0')}`);
});

test('every example keeps its licence notice', () => {
  for (const name of ['quickstart.cnapairs', 'jbb-behaviors.cnapairs', 'nous-discovery.cnapairs', 'bad-pairs.cnapairs']) {
    assert.match(read(name), /^# .*MIT licence/m, name);
  }
});
