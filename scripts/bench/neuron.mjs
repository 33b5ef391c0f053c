// Bench section (#14): the neuron page and circuit activity, on the demo file and model (else the tiny test
// Llama with raw prompts), then on the real Qwen2.5-0.5B shape (full 151,936-token vocabulary) of the head
// section. Per model, after a warm-up run of each:
//   neuron page: weights (promoted/suppressed tokens read from the initializers), activity (last-token
//     captures of every prompt), ablation (first-token logits of every positive prompt, unsteered and ablated)
//   circuit activity: every prompt of the file captured at every position, scored per token
//   discovery forward passes on the same prompts (the attribute job's forwardMs), and activity / discovery
//     (the target: at most 2)
// Run alone: node scripts/bench.mjs neuron (after npm run build and tsc -p test/tsconfig.json).
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRealShapeModel, REAL_SHAPE } from './engine.mjs';

export const name = 'neuron';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const out = (m) => require(join(ROOT, 'out', 'src', m));

/** The demo file's pairs (or the discovery prompt sets, cut short for the tiny model's context). */
function pairsFor(model) {
  const { pairsFromText } = out('jobs/pairsInput.js');
  if (!model.raw) return pairsFromText(readFileSync(join(ROOT, 'examples', 'demo.cnapairs'), 'utf8'), 'examples/demo.cnapairs');
  const sets = JSON.parse(readFileSync(join(ROOT, 'data/nous-discovery/prompts.json'), 'utf8'));
  const n = Math.min(sets.harmful.length, sets.benign.length);
  const lines = ['@feature refusal', '@template raw', ''];
  for (let i = 0; i < n; i++) lines.push(`+ ${sets.harmful[i].slice(0, 80)}`, `- ${sets.benign[i].slice(0, 80)}`, '');
  return pairsFromText(lines.join('\n'), 'nous-discovery.cnapairs');
}

async function rowsFor(client, model) {
  const { runAttribute, promptSpec } = out('jobs/attribute.js');
  const { runNeuronPage } = out('jobs/neuron.js');
  const { runActivity } = out('jobs/activity.js');
  const pairs = pairsFor(model);
  const ctx = { engine: client, model: { path: model.path } };
  const t0 = performance.now();
  const attribution = await runAttribute(ctx, { pairs }); // also the warm-up of the capture session
  const discoveryWallMs = performance.now() - t0;
  const discovery = (await runAttribute(ctx, { pairs })).timings;
  const circuit = { file: pairs.file, neurons: attribution.neurons };
  const neuron = { layer: attribution.neurons[0].layer, index: attribution.neurons[0].index };
  await runNeuronPage(ctx, { neuron, pairs, circuit }); // warm-up: the generation session
  const page = (await runNeuronPage(ctx, { neuron, pairs, circuit })).timings;
  const prompts = pairs.parsed.pairs.flatMap((p) => [promptSpec(p.positive.text, pairs.header), promptSpec(p.negative.text, pairs.header)]);
  await runActivity(ctx, prompts.slice(0, 2), attribution.neurons); // warm-up: the positions session
  const t1 = performance.now();
  await runActivity(ctx, prompts, attribution.neurons);
  const activityMs = performance.now() - t1;
  const label = model.label;
  return [
    { metric: `${label}: neuron page, tokens from the weights`, value: page.weightsMs, unit: 'ms' },
    { metric: `${label}: neuron page, activity on ${prompts.length} prompts`, value: page.activityMs, unit: 'ms' },
    { metric: `${label}: neuron page, single-neuron ablation on ${prompts.length / 2} positive prompts`, value: page.ablationMs, unit: 'ms' },
    { metric: `${label}: circuit activity (${attribution.neurons.length} neurons, every token) on ${prompts.length} prompts`, value: activityMs, unit: 'ms' },
    { metric: `${label}: discovery forward passes on the same prompts (+ 10 generic)`, value: discovery.forwardMs, unit: 'ms' },
    { metric: `${label}: circuit activity / discovery forward passes`, value: activityMs / discovery.forwardMs, unit: 'x (target <= 2)' },
    { metric: `${label}: first discovery run (load + warm-up)`, value: discoveryWallMs, unit: 'ms' },
  ];
}

export async function run(opts = {}) {
  const { EngineClient } = out('engine/client.js');
  const demo = join(ROOT, 'models/demo-instruct');
  const models = existsSync(demo)
    ? [{ label: 'demo-instruct, demo.cnapairs', path: demo, raw: false }]
    : [{ label: 'tiny test Llama, raw prompts', path: join(ROOT, 'test/unit/engine/fixtures/tiny-llama'), raw: true }];
  if (!opts.demoOnly) {
    ensureRealShapeModel();
    models.push({ label: 'Qwen2.5-0.5B real shape, random weights, demo.cnapairs', path: REAL_SHAPE, raw: false });
  }
  const client = EngineClient.start();
  try {
    const rows = [];
    for (const model of models) rows.push(...(await rowsFor(client, model)));
    return rows;
  } finally {
    await client.close();
  }
}
