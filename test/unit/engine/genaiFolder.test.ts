// onnxruntime-genai folders as Microsoft ships them: a repository root holding variant folders
// (`cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/`), each with a decoder whose name genai_config.json gives,
// and no config.json. The decoder is the GroupQueryAttention graph of the independent fixture writer, checked
// against its plain TypeScript forward pass.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeTinyModel, buildTinyOnnx, type TinyModel } from '../../fixtures/tiny-llama';
import { referenceForward } from '../../fixtures/reference-forward';
import { EngineClient } from '../../../src/engine/client';

const TOKENIZER = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures', 'chatml');
const VARIANT = path.join('cpu_and_mobile', 'cpu-int4-rtn-block-32-acc-level-4');
const DECODER = 'phi3-mini-4k-instruct-cpu-int4-rtn-block-32-acc-level-4.onnx';
const CONTEXT = 96;
const EOS = [258, 257];

let repo: string;
let model: TinyModel;
let client: EngineClient;

function genaiConfig(m: TinyModel, inputs: Record<string, string>): unknown {
  const c = m.cfg;
  return {
    model: {
      bos_token_id: 1,
      context_length: CONTEXT,
      eos_token_id: EOS,
      pad_token_id: 0,
      type: 'phi3',
      vocab_size: c.vocab,
      decoder: {
        filename: DECODER,
        head_size: c.headDim,
        hidden_size: c.hidden,
        num_attention_heads: c.heads,
        num_hidden_layers: c.layers,
        num_key_value_heads: c.kvHeads,
        inputs,
        outputs: { logits: 'logits', present_key_names: 'present.%d.key', present_value_names: 'present.%d.value' },
      },
    },
    search: { max_length: CONTEXT },
  };
}

function writeVariant(dir: string, m: TinyModel, inputs: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, DECODER), buildTinyOnnx(m).bytes);
  fs.writeFileSync(path.join(dir, 'genai_config.json'), JSON.stringify(genaiConfig(m, inputs)));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(TOKENIZER, f), path.join(dir, f));
}

const STANDARD_INPUTS = { input_ids: 'input_ids', attention_mask: 'attention_mask', past_key_names: 'past_key_values.%d.key', past_value_names: 'past_key_values.%d.value' };

before(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-genai-'));
  model = makeTinyModel({ layout: 'genai', cfg: { vocab: 264, maxPos: 128 } });
  writeVariant(path.join(repo, VARIANT), model, STANDARD_INPUTS);
  client = EngineClient.start();
});
after(async () => {
  await client.close();
  fs.rmSync(repo, { recursive: true, force: true });
});

test('a genai variant folder loads its named decoder; context, EOS and shapes come from genai_config.json', async () => {
  const r = await client.inspect({ path: path.join(repo, VARIANT) });
  assert.equal(path.basename(r.onnxFile), DECODER);
  assert.equal(r.layout, 'genai');
  assert.equal(r.maxPositions, CONTEXT);
  assert.deepEqual(r.eos, EOS);
  assert.equal(r.layers, model.cfg.layers);
  assert.deepEqual(r.sources, { decoder: 'genai_config.json', shapes: 'genai_config.json', eos: 'genai_config.json', context: 'context_length in genai_config.json' });
});

test('activations of a genai decoder with a custom file name equal the reference forward pass', async () => {
  const dir = path.join(repo, VARIANT);
  const r = await client.activations({ path: dir }, { text: 'Hello there', raw: true });
  const S = r.tokens.length;
  const out = referenceForward(model, { ids: [r.tokens], attentionMask: [r.tokens.map(() => 1)], positionIds: [r.tokens.map((_, i) => i)] });
  const I = model.cfg.intermediate;
  out.downIn.forEach((layer, l) => {
    const want = layer[0].subarray((S - 1) * I, S * I);
    want.forEach((v, i) => assert.ok(Math.abs(r.layers[l][i] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `layer ${l}[${i}]: ${r.layers[l][i]} vs ${v}`));
  });
});

test('a repository root with one variant folder uses it; with several, lists them in one line', async () => {
  const one = await client.inspect({ path: repo });
  assert.equal(path.basename(one.onnxFile), DECODER);
  const several = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-genai-several-'));
  const second = path.join('cuda', 'cuda-fp32');
  try {
    writeVariant(path.join(several, VARIANT), model, STANDARD_INPUTS);
    writeVariant(path.join(several, second), model, STANDARD_INPUTS);
    await assert.rejects(client.inspect({ path: several }), (err: Error) => {
      assert.match(err.message, /holds 2 model variants/);
      assert.ok(err.message.includes(VARIANT) && err.message.includes(second), err.message);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  } finally {
    fs.rmSync(several, { recursive: true, force: true });
  }
});

test('a genai decoder that takes inputs_embeds is refused in one line naming the embedding model', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-genai-embeds-'));
  try {
    writeVariant(dir, model, { inputs_embeds: 'inputs_embeds', attention_mask: 'attention_mask' });
    const cfgPath = path.join(dir, 'genai_config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as { model: Record<string, unknown> };
    cfg.model.embedding = { filename: 'phi-3-v-128k-instruct-text-embedding.onnx' };
    fs.writeFileSync(cfgPath, JSON.stringify(cfg));
    await assert.rejects(client.inspect({ path: dir }), (err: Error) => {
      assert.match(err.message, /inputs_embeds/);
      assert.match(err.message, /phi-3-v-128k-instruct-text-embedding\.onnx/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('prompts longer than genai_config.json context_length are refused with the context named', async () => {
  const long = Array.from({ length: CONTEXT + 10 }, (_, i) => `w${i}`).join(' ');
  await assert.rejects(client.activations({ path: path.join(repo, VARIANT) }, { text: long, raw: true }), (err: Error) => {
    assert.match(err.message, new RegExp(String(CONTEXT)));
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
});
