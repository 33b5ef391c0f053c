// Bench section: discovery (the attribute job) over ~200 prompts through the real engine worker, split into
// time spent in forward passes and everything else (target: everything else under 5% of the work).
// Uses the demo model when it is installed (models/demo-instruct), else the tiny test Llama (raw prompts,
// since its 96-position context cannot hold the chat template).
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'discovery';

const REPEATS = 3;

export async function run() {
  const require = createRequire(import.meta.url);
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const { EngineClient } = require(join(root, 'out/src/engine/client.js'));
  const { runAttribute } = require(join(root, 'out/src/jobs/attribute.js'));
  const { pairsFromText } = require(join(root, 'out/src/jobs/pairsInput.js'));
  const demo = process.env.CNA_BENCH_MODEL ?? join(root, 'models/demo-instruct');
  const model = existsSync(demo) ? demo : join(root, 'test/unit/engine/fixtures/tiny-llama');
  const raw = model !== demo;
  const sets = JSON.parse(readFileSync(join(root, 'data/nous-discovery/prompts.json'), 'utf8'));
  const n = Math.min(sets.harmful.length, sets.benign.length);
  const lines = ['@feature refusal', ...(raw ? ['@template raw'] : []), ''];
  // The tiny model's context is 96 tokens (bytes): keep raw prompts short there.
  const cut = (t) => (raw ? t.slice(0, 80) : t);
  for (let i = 0; i < n; i++) lines.push(`+ ${cut(sets.harmful[i])}`, `- ${cut(sets.benign[i])}`, '');
  const pairs = pairsFromText(lines.join('\n'), 'nous-discovery.cnapairs');

  const client = EngineClient.start();
  try {
    await runAttribute({ engine: client, model: { path: model } }, { pairs }); // warm-up: load, JIT
    const runs = [];
    for (let r = 0; r < REPEATS; r++) runs.push((await runAttribute({ engine: client, model: { path: model } }, { pairs })).timings);
    const median = (f) => runs.map(f).sort((a, b) => a - b)[runs.length >> 1];
    const forward = median((t) => t.forwardMs);
    const other = median((t) => t.otherMs);
    return [
      { metric: `model (${raw ? 'tiny test Llama, raw prompts' : 'demo-instruct, chat template'})`, value: model.split('/').pop(), unit: '' },
      { metric: 'prompts (pairs x 2 + 10 generic)', value: 2 * n + 10, unit: 'prompts' },
      { metric: `forward passes (median of ${REPEATS})`, value: forward, unit: 'ms' },
      { metric: `everything else (median of ${REPEATS})`, value: other, unit: 'ms' },
      { metric: 'everything else / (forward + else)', value: (100 * other) / (forward + other), unit: '% (target < 5)' },
      { metric: 'total without model load (median)', value: median((t) => t.totalMs - t.loadMs), unit: 'ms' },
    ];
  } finally {
    await client.close();
  }
}
