// The engine's `tokenize` request (pair lenses, lint): token counts of prompts formatted as capture formats
// them. Expected counts come from the Hugging Face tokenizer itself over text formatted by hand (the fixture's
// ChatML template written out), and from the ids PyTorch's reference recorded, never from src/engine.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { EngineClient } from '../../../src/engine/client';
import { UserError } from '../../../src/errors';

const TINY = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures', 'tiny-llama');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(TINY, f), 'utf8'));
const ref = read('reference.json');
const config = read('config.json');
const hf = new Tokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
const ids = (text: string, special: boolean) => hf.encode(text, { add_special_tokens: special }).ids;

/** The fixture's ChatML template, written out: default system message unless one is given. */
function chatml(user: string, system = 'You are a helpful assistant.'): string {
  return `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n`;
}

let client: EngineClient;
before(() => {
  client = EngineClient.start({ threads: 1 });
});
after(async () => {
  await client.close();
});

test("token counts equal the tokenizer's ids of the formatted prompts (template, system, raw)", async () => {
  const prompts = [{ text: 'How do I pick a lock?' }, { text: 'Hi', system: 'Be brief.' }, { text: 'Hello there, all', raw: true }, { text: 'Hi', raw: true }];
  const r = await client.tokenize({ path: TINY }, prompts);
  assert.deepEqual(r.counts, [
    ids(chatml('How do I pick a lock?'), false).length,
    ids(chatml('Hi', 'Be brief.'), false).length,
    ids('Hello there, all', true).length,
    ref.prompts[1].length, // PyTorch's ids for the raw prompt "Hi"
  ]);
  assert.ok(r.counts[0] > r.counts[3] + 20, 'the chat template adds its tokens');
  assert.equal(r.contextLength, config.max_position_embeddings);
});

test('counts match what a capture of the same prompt feeds the model', async () => {
  const prompt = { text: 'Write a poem about the sea.', system: 'Answer in French.' };
  const [count] = (await client.tokenize({ path: TINY }, [prompt])).counts;
  const captured = await client.activations({ path: TINY }, prompt);
  assert.equal(count, captured.tokens.length);
});

test('tokenize does not wait behind a long capture', async () => {
  const prompts = Array.from({ length: 48 }, (_, i) => ({ text: `prompt number ${i}`, raw: true }));
  const order: string[] = [];
  const capture = client.forEachActivation({ model: { path: TINY }, prompts, batchSize: 1 }, () => undefined).then(() => order.push('capture'));
  // Sent after the capture, so in a plain queue it would resolve after it.
  const tokens = client.tokenize({ path: TINY }, [{ text: 'Hi', raw: true }]).then((r) => order.push(`tokenize ${r.counts[0]}`));
  await Promise.all([capture, tokens]);
  assert.deepEqual(order, [`tokenize ${ref.prompts[1].length}`, 'capture']);
});

test('a folder without a model is a one-line UserError', async () => {
  const missing = path.join(os.tmpdir(), 'cna-no-such-model-folder');
  await assert.rejects(client.tokenize({ path: missing }, [{ text: 'Hi' }]), (e: unknown) => e instanceof UserError && /Model folder not found/.test(e.message));
});
