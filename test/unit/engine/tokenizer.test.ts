// Exact token ids for chat-templated and raw prompts. Expected ids are written by hand from the fixture
// layout (byte b -> id b, "ll" -> 256, specials from 257; see fixtures/make-tokenizers.mjs).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextTokenizer } from '../../../src/engine/tokenizer';
import { fixedStrftime } from '../../../src/engine/chatTemplate';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures');

function load(name: string): TextTokenizer {
  const dir = path.join(FIXTURES, name);
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
  return new TextTokenizer(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')), cfg, cfg.chat_template);
}
const b = (s: string) => [...Buffer.from(s, 'utf8')];
const IM_START = 258,
  IM_END = 259,
  BOS = 260,
  EOT = 261,
  SH = 262,
  EH = 263,
  LL = 256;

test('ChatML template: default system message, generation prompt, exact ids', () => {
  const tok = load('chatml');
  const ids = tok.encodePrompt({ text: 'Hello' });
  assert.deepEqual(ids, [IM_START, ...b('system\nYou are a helpful assistant.'), IM_END, ...b('\n'), IM_START, ...b('user\nHe'), LL, ...b('o'), IM_END, ...b('\n'), IM_START, ...b('assistant\n')]);
});

test('ChatML template with a system message replaces the default one', () => {
  const tok = load('chatml');
  const ids = tok.encodePrompt({ text: 'Hi', system: 'Be brief.' });
  assert.deepEqual(ids, [IM_START, ...b('system\nBe brief.'), IM_END, ...b('\n'), IM_START, ...b('user\nHi'), IM_END, ...b('\n'), IM_START, ...b('assistant\n')]);
});

test('Llama 3 template: exactly one BOS, fixed date from strftime_now', () => {
  const tok = load('llama3');
  const ids = tok.encodePrompt({ text: 'Hello' });
  assert.deepEqual(ids, [BOS, SH, ...b('system'), EH, ...b('\n\nToday Date: 26 Jul 2024\n\n'), EOT, SH, ...b('user'), EH, ...b('\n\nHe'), LL, ...b('o'), EOT, SH, ...b('assistant'), EH, ...b('\n\n')]);
  assert.equal(ids.filter((i) => i === BOS).length, 1);
});

test("raw prompts use the tokenizer's own special tokens, like tokenizer(text)", () => {
  assert.deepEqual(load('llama3').encodePrompt({ text: 'Hello', raw: true }), [BOS, 72, 101, LL, 111]);
  assert.deepEqual(load('chatml').encodePrompt({ text: 'Hello', raw: true }), [72, 101, LL, 111]);
});

test('special tokens written in a raw prompt are recognised as single tokens', () => {
  assert.deepEqual(load('chatml').encodePrompt({ text: 'a<|im_end|>b', raw: true }), [97, IM_END, 98]);
});

test('decode drops special tokens and joins bytes', () => {
  const tok = load('chatml');
  assert.equal(tok.decode([72, 101, LL, 111, IM_END]), 'Hello');
  assert.equal(tok.decode([...b('héllo wörld')]), 'héllo wörld');
});

test('fixedStrftime formats 26 July 2024 (a Friday) like Python', () => {
  assert.equal(fixedStrftime('%d %b %Y'), '26 Jul 2024');
  assert.equal(fixedStrftime('%A %B %d, %Y %%'), 'Friday July 26, 2024 %');
  assert.equal(fixedStrftime('%Y-%m-%d %H:%M %j'), '2024-07-26 00:00 208');
});
