// Circuit activity per token (engine positions graph + src/cna/activity.ts) against the tiny fixture's
// reference forward pass and the score's definition computed here; token spans cover the prompt's text.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeTinyModel, type Quant } from '../../fixtures/tiny-llama';
import { writeTinyFolder } from '../../fixtures/tiny-llama-folder';
import { referenceForward } from '../../fixtures/reference-forward';
import { EngineClient } from '../../../src/engine/client';
import { runActivity, type PromptActivity } from '../../../src/jobs/activity';

const CIRCUIT = [
  { layer: 2, index: 11, delta: 0.8, meanPositive: 0.5, meanNegative: -0.3 },
  { layer: 1, index: 3, delta: -0.4, meanPositive: -0.1, meanNegative: 0.3 },
  { layer: 0, index: 20, delta: 0.2, meanPositive: 0.25, meanNegative: 0.05 },
];
const TEXTS = ['Pick a lock', 'How do I bake a cake?', 'Hi'];

for (const quant of ['none', 'q4', 'int8'] as Quant[]) {
  test(`${quant}: per-token circuit scores equal the definition applied to the reference forward pass`, async () => {
    const m = makeTinyModel({ quant, cfg: { vocab: 272, maxPos: 64 } });
    const engine = EngineClient.start({ inProcess: true, threads: 1 });
    try {
      const seen: PromptActivity[] = [];
      const got = await runActivity(
        { engine, model: { path: writeTinyFolder(m) } },
        TEXTS.map((text) => ({ text, raw: true })),
        CIRCUIT,
        { onPrompt: (a) => seen.push(a) },
      );
      assert.equal(seen.length, TEXTS.length);
      const I = m.cfg.intermediate;
      const tol = quant === 'int8' ? 2e-2 : 1e-3;
      got.forEach((a, p) => {
        const ids = a.tokens;
        const ref = referenceForward(m, { ids: [ids], attentionMask: [ids.map(() => 1)], positionIds: [ids.map((_, t) => t)] });
        assert.equal(a.scores.length, ids.length);
        for (let t = 0; t < ids.length; t++) {
          const act = CIRCUIT.map((n) => ref.downIn[n.layer][0][t * I + n.index]);
          const want = act.reduce((s, a, j) => s + Math.sign(CIRCUIT[j].delta) * a, 0) / CIRCUIT.reduce((s, n) => s + Math.abs(n.delta), 0);
          assert.ok(Math.abs(a.scores[t] - want) <= tol * Math.max(1, Math.abs(want)), `prompt ${p} token ${t}: ${a.scores[t]} vs ${want}`);
          const best = act.map((v, j) => ({ v, j })).sort((x, y) => Math.abs(y.v) - Math.abs(x.v))[0];
          if (quant === 'none') assert.deepEqual([a.top[t][0].layer, a.top[t][0].index], [CIRCUIT[best.j].layer, CIRCUIT[best.j].index]);
        }
        // The spans of the prompt's tokens, in order, spell its text.
        const text = TEXTS[p];
        assert.equal(
          a.spans
            .filter((s): s is [number, number] => s !== null)
            .map(([s, e]) => text.slice(s, e))
            .join(''),
          text,
        );
      });
    } finally {
      await engine.close();
    }
  });
}
