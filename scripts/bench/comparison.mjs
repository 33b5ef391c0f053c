// Bench section: capability and comparison (issue 13). MMLU at one multiplier on the demo model (the bundled
// 285-question subset, zero- and 5-shot, a 200-neuron circuit ablated: forward passes only), and the whole
// two-model reproduce run (`cna reproduce --model models/demo-base --model models/demo-instruct --top 200`,
// fresh cache, everything the report holds). `npm run bench -- comparison`; the reproduce row takes minutes.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const name = 'comparison';

export async function run() {
  const require = createRequire(import.meta.url);
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const base = join(root, 'models/demo-base');
  const instruct = join(root, 'models/demo-instruct');
  if (!existsSync(base) || !existsSync(instruct)) throw new Error('the demo models (models/demo-base, models/demo-instruct) are missing');
  const { EngineClient } = require(join(root, 'out/src/engine/client.js'));
  const { runAttribute } = require(join(root, 'out/src/jobs/attribute.js'));
  const { readPairsFile } = require(join(root, 'out/src/jobs/pairsInput.js'));
  const { runCapability } = require(join(root, 'out/src/jobs/capability.js'));
  const { runReproduceModels } = require(join(root, 'out/src/jobs/reproduceModels.js'));
  const rows = [];

  const client = EngineClient.start();
  try {
    const ctx = { engine: client, model: { path: instruct } };
    const circuit = await runAttribute(ctx, { pairs: await readPairsFile(join(root, 'examples/demo.cnapairs')) });
    const steering = { neurons: circuit.neurons.map(({ layer, index }) => ({ layer, index })), multiplier: 0 };
    await runCapability(ctx, { header: {}, variants: [{ multiplier: 0, steering }], limit: 20 }); // warm-up
    const start = performance.now();
    const r = await runCapability(ctx, { header: {}, variants: [{ multiplier: 0, steering }] });
    const ms = performance.now() - start;
    const p = r.points[0];
    rows.push(
      { metric: 'mmluOneMultiplierMs', value: Math.round(ms), unit: `ms (demo-instruct, m = 0 of ${circuit.k} neurons, ${r.questions} questions, 0- and 5-shot)` },
      {
        metric: 'mmlu 5-shot accuracy at m = 0',
        value: `${(p.accuracy * 100).toFixed(1)}% [${(p.low * 100).toFixed(0)}-${(p.high * 100).toFixed(0)}]`,
        unit: `${p.n} scored, ${p.skipped} too long, ${p.meanShots.toFixed(2)} examples a prompt (chance 25%)`,
      },
    );

    const cache = mkdtempSync(join(tmpdir(), 'cna-bench-reproduce-'));
    try {
      const notes = [];
      const t0 = performance.now();
      const all = await runReproduceModels({ engine: client, onNote: (m) => notes.push(m) }, [{ path: base }, { path: instruct }], { top: '200', cacheDir: cache });
      const s = (performance.now() - t0) / 1000;
      rows.push({ metric: 'twoModelReproduceS', value: Math.round(s), unit: 's (demo-base + demo-instruct, every column of the report)' });
      for (const m of all.models) {
        const t = m.sweep.timings;
        const part = (x) => (x === undefined ? '-' : `${(x / 1000).toFixed(0)} s`);
        rows.push({
          metric: `  ${m.model}`,
          value: `${((m.attribute.timings.totalMs + t.totalMs) / 1000).toFixed(0)} s`,
          unit: `generation ${part(t.generateMs)}, over-refusal ${part(t.benignMs)}, KL ${part(t.klMs)}, MMLU ${part(t.capabilityMs)}`,
        });
      }
      const t1 = performance.now();
      await runReproduceModels({ engine: client }, [{ path: base }, { path: instruct }], { top: '200', cacheDir: cache });
      rows.push({ metric: 'twoModelReproduceCachedMs', value: Math.round(performance.now() - t1), unit: 'ms (rerun, both models from the cache)' });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  } finally {
    await client.close();
  }
  return rows;
}
