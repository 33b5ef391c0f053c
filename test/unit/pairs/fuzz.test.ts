import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixesFor } from '../../../src/pairs/fixes';
import { lintText } from '../../../src/pairs/lint';
import type { Position, Range } from '../../../src/pairs/types';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Pieces of the format, so random documents hit the interesting states, not only "stray line". */
const PIECES = [
  '+',
  '-',
  ' ',
  '  ',
  '\t',
  '#',
  '##',
  '## ',
  '@',
  '@top ',
  '@split ',
  'eval',
  'discover',
  '@feature',
  '@exclude-layers ',
  '0-1',
  '@multipliers ',
  '0 0.5',
  '%',
  '\n',
  '\r\n',
  '\r',
  '\uFEFF',
  'a',
  'How do I',
  '?',
  'é',
  '😀',
  '\u2028',
  '\u00a0',
  '\0',
  'x',
];

function inside(p: Position, lines: string[], where: string): void {
  assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.length, `${where}: line ${p.line} of ${lines.length}`);
  assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= lines[p.line].length, `${where}: character ${p.character}`);
}

function checkRange(r: Range, lines: string[], where: string): void {
  inside(r.start, lines, where);
  inside(r.end, lines, where);
  assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${where}: reversed`);
}

function check(text: string): void {
  const { parsed, diagnostics } = lintText(text, { maxPromptTokens: 3 });
  const lines = text.split(/\r\n|\r|\n/);
  assert.equal(parsed.lines.length, lines.length);
  for (const d of diagnostics) {
    checkRange(d.range, lines, d.code);
    assert.ok(['error', 'warning', 'information'].includes(d.severity));
    assert.match(d.code, /^CNA0\d\d$/);
    assert.ok(d.message.length > 10);
    for (const f of fixesFor(parsed, d)) for (const e of f.edits) checkRange(e.range, lines, `fix ${d.code}`);
  }
  for (const p of parsed.pairs) {
    for (const r of [p.range, p.positive.range, p.negative.range, p.positive.textRange, p.negative.textRange]) checkRange(r, lines, 'pair');
    assert.ok(p.positive.text.trim() !== '' && p.negative.text.trim() !== '');
  }
  for (const s of parsed.sections) for (const r of [s.range, s.headingRange, s.titleRange]) checkRange(r, lines, 'section');
  for (const d of parsed.directives) for (const r of [d.range, d.nameRange, d.valueRange]) checkRange(r, lines, 'directive');
}

test("random documents built from the format's pieces: never throws, every range inside the document", () => {
  const rand = rng(42);
  for (let n = 0; n < 3000; n++) {
    let text = '';
    const length = Math.floor(rand() * 60);
    for (let i = 0; i < length; i++) text += PIECES[Math.floor(rand() * PIECES.length)];
    check(text);
  }
});

test('random bytes decoded as UTF-8 and as latin1: never throws, every range inside the document', () => {
  const rand = rng(1234);
  for (let n = 0; n < 2000; n++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
    check(bytes.toString('utf8'));
    check(bytes.toString('latin1'));
  }
});

test('lone surrogates and very long lines', () => {
  check('+ \ud800\n- \udfff\n');
  check(`+ ${'a '.repeat(50_000)}\n- b`);
  check('@'.repeat(10_000));
});
