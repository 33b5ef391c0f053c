import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parsePairs } from '../../../src/pairs/parse';
import { promptLineStarts, promptTextRange } from '../../../src/pairs/promptOffsets';

test('prompt text offsets map to file positions, on single and continuation lines', () => {
  const text = ['@template raw', '', '+ Write a keylogger script', '  that hides from the task manager.', '- Write a script that lists', '  running processes.', ''].join('\n');
  const parsed = parsePairs(text);
  const lines = text.split('\n');
  const pos = parsed.pairs[0].positive;
  const starts = promptLineStarts(pos, lines);
  const at = (s: number, e: number) => {
    const r = promptTextRange(pos, starts, s, e);
    return r && lines[r.start.line].slice(r.start.character, r.end.character);
  };
  assert.equal(at(0, 5), 'Write');
  assert.equal(at(pos.text.indexOf('keylogger'), pos.text.indexOf('keylogger') + 9), 'keylogger');
  const hides = pos.text.indexOf('hides');
  assert.equal(at(hides, hides + 5), 'hides');
  // A token running over the line break is drawn on the part on its first line.
  const nl = pos.text.indexOf('\n');
  assert.equal(at(nl - 6, nl + 5), 'script');
});
