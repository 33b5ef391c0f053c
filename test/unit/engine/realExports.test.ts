// The engine on real exporter output: tiny models built with the real `transformers` 4.47.1 classes and
// exported by optimum 1.24's ONNX exporter (tools/real-exports/make_fixtures.py, test/fixtures/real/). Each dense
// fixture's reference.json holds what PyTorch computed: last-token down_proj inputs, greedy tokens plain and
// steered by neuron_steer's own steer_neurons, and the reference implementation's own contrastive circuit.
// Mixture-of-experts exports must be refused in one line that says so.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';
import type { PromptSpec, Steering } from '../../../src/protocol';

const ROOT = path.resolve(__dirname, '../../../../test/fixtures/real');

interface Reference {
  steer: { layer: number; index: number }[];
  cases: {
    prompt: string;
    input_ids: number[];
    down_proj_inputs: number[][];
    greedy_ids: number[];
    steered: { multiplier: number; greedy_ids: number[] }[];
  }[];
}

const DENSE = ['llama3-instruct', 'qwen2-instruct', 'mistral-instruct', 'gemma-instruct', 'phi3-instruct', 'olmo2-instruct'];
const MOE = ['qwen2-moe-instruct', 'mixtral-instruct'];

const load = (name: string): Reference => JSON.parse(fs.readFileSync(path.join(ROOT, name, 'reference.json'), 'utf8')) as Reference;

/** max|a - b| / max|b|, as the fixture script's rel_err. */
function relErr(a: ArrayLike<number>, b: readonly number[]): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

let client: EngineClient;
before(() => {
  client = EngineClient.start();
});
after(async () => {
  await client.close();
});

for (const name of DENSE) {
  const dir = path.join(ROOT, name);

  test(`${name}: token ids and last-token down_proj inputs equal PyTorch's (1e-4 relative)`, async () => {
    const ref = load(name);
    for (const c of ref.cases) {
      const r = await client.activations({ path: dir }, { text: c.prompt });
      assert.deepEqual(r.tokens, c.input_ids, `ids of ${JSON.stringify(c.prompt)}`);
      assert.equal(r.layers.length, c.down_proj_inputs.length);
      r.layers.forEach((layer, l) => {
        assert.equal(layer.length, c.down_proj_inputs[l].length);
        const e = relErr(layer, c.down_proj_inputs[l]);
        assert.ok(e <= 1e-4, `layer ${l} of ${JSON.stringify(c.prompt)}: relative error ${e}`);
      });
    }
  });

  test(`${name}: greedy tokens, plain and steered, equal PyTorch generate with neuron_steer's steer_neurons`, async () => {
    const ref = load(name);
    const rows: { prompt: PromptSpec; steering?: Steering; want: number[] }[] = ref.cases.flatMap((c) => [
      { prompt: { text: c.prompt }, want: c.greedy_ids },
      ...c.steered.map((s) => ({
        prompt: { text: c.prompt },
        steering: { neurons: ref.steer, multiplier: s.multiplier },
        want: s.greedy_ids,
      })),
    ]);
    const maxNewTokens = Math.max(...rows.map((r) => r.want.length));
    const r = await client.generate({ model: { path: dir }, rows: rows.map(({ prompt, steering }) => ({ prompt, steering })), maxNewTokens });
    for (const c of r.completions) assert.deepEqual(c.tokens, rows[c.row].want, `row ${c.row} (${JSON.stringify(rows[c.row].prompt.text)})`);
  });
}

test('steering changes the greedy text on most fixtures (the steered comparisons are not vacuous)', () => {
  let changed = 0;
  let total = 0;
  for (const name of DENSE) {
    for (const c of load(name).cases) {
      for (const s of c.steered) {
        total++;
        if (s.greedy_ids.join() !== c.greedy_ids.join()) changed++;
      }
    }
  }
  assert.ok(changed >= total / 2, `${changed} of ${total} steered rows differ from the plain ones`);
});

for (const name of MOE) {
  test(`${name}: a mixture-of-experts export is refused in one line that says so`, async () => {
    await assert.rejects(client.inspect({ path: path.join(ROOT, name) }), (err: Error) => {
      assert.match(err.message, /mixture of experts/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });
}
