// The engine against a model exported by a real exporter: tools/demo-model/make_fixture.py builds a tiny
// Llama with Hugging Face module names, exports it with torch.onnx.export in the optimum layout, and records
// what PyTorch computed (reference.json). Chat template, tokenizer, captures and KV-cached greedy decoding
// must all agree with PyTorch.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';

const DIR = path.resolve(__dirname, '../../../../test/fixtures/torch-llama');

interface Case {
  prompt: string;
  input_ids: number[];
  down_proj_inputs: number[][];
  greedy_ids: number[];
}
const reference = JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as { cases: Case[] };

let client: EngineClient;
before(() => {
  client = EngineClient.start();
});
after(async () => {
  await client.close();
});

test('torch-exported Llama: chat-templated ids and last-token MLP activations match PyTorch (1e-4)', async () => {
  assert.equal(reference.cases.length, 3);
  for (const c of reference.cases) {
    const r = await client.activations({ path: DIR }, { text: c.prompt });
    assert.deepEqual(r.tokens, c.input_ids, `token ids of ${JSON.stringify(c.prompt)}`);
    assert.equal(r.layers.length, c.down_proj_inputs.length);
    r.layers.forEach((layer, l) => {
      assert.equal(layer.length, c.down_proj_inputs[l].length);
      layer.forEach((v, j) => assert.ok(Math.abs(v - c.down_proj_inputs[l][j]) <= 1e-4, `layer ${l} neuron ${j}: ${v} vs ${c.down_proj_inputs[l][j]}`));
    });
  }
});

test('torch-exported Llama: batched KV-cached greedy tokens equal PyTorch, token for token', async () => {
  // PyTorch decoded 10 tokens without stopping; none of them is an EOS id, so the engine runs 10 too.
  const r = await client.generate({
    model: { path: DIR },
    rows: reference.cases.map((c) => ({ prompt: { text: c.prompt } })),
    maxNewTokens: 10,
  });
  for (const c of r.completions) assert.deepEqual(c.tokens, reference.cases[c.row].greedy_ids, `row ${c.row}`);
});
