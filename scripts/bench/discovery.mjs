// Bench section: discovery (the attribute job) over ~200 prompts through the real engine worker, split into
// time spent in forward passes and everything else (target: everything else under 5% of the work).
// On the demo model (else the tiny test Llama, raw prompts: its 96-position context cannot hold the chat
// template); the vs-torch section measures the same split on the real Qwen2.5-0.5B shape (its `cna attribute` runs).
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
  const demo = join(root, 'models/demo-instruct');
  const models = existsSync(demo)
    ? [{ label: 'demo-instruct, chat template', path: demo, raw: false }]
    : [{ label: 'tiny test Llama, raw prompts', path: join(root, 'test/unit/engine/fixtures/tiny-llama'), raw: true }];
  const sets = JSON.parse(readFileSync(join(root, 'data/nous-discovery/prompts.json'), 'utf8'));
  const n = Math.min(sets.harmful.length, sets.benign.length);

  const rows = [{ metric: 'prompts (pairs x 2 + 10 generic)', value: 2 * n + 10, unit: 'prompts' }];
  const client = EngineClient.start();
  try {
    for (const model of models) {
      const lines = ['@feature refusal', ...(model.raw ? ['@template raw'] : []), ''];
      // The tiny model's context is 96 tokens (bytes): keep raw prompts short there.
      const cut = (t) => (model.raw ? t.slice(0, 80) : t);
      for (let i = 0; i < n; i++) lines.push(`+ ${cut(sets.harmful[i])}`, `- ${cut(sets.benign[i])}`, '');
      const pairs = pairsFromText(lines.join('\n'), 'nous-discovery.cnapairs');
      const ctx = { engine: client, model: { path: model.path } };
      await runAttribute(ctx, { pairs }); // warm-up: load, JIT
      const runs = [];
      for (let r = 0; r < REPEATS; r++) runs.push((await runAttribute(ctx, { pairs })).timings);
      const median = (f) => runs.map(f).sort((a, b) => a - b)[runs.length >> 1];
      const forward = median((t) => t.forwardMs);
      const other = median((t) => t.otherMs);
      rows.push(
        { metric: `${model.label}: forward passes (median of ${REPEATS})`, value: forward, unit: 'ms' },
        { metric: `${model.label}: everything else (median of ${REPEATS})`, value: other, unit: 'ms' },
        { metric: `${model.label}: everything else / total`, value: (100 * other) / (forward + other), unit: '% (target < 5)' },
      );
    }
    return rows;
  } finally {
    await client.close();
  }
}
