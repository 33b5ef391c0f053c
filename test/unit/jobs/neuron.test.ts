// `cna neuron` end to end (CLI, worker, weights, captures, ablation) on tiny Llama fixtures whose weights the
// test holds (float32, q4 and int8 graphs), against numbers computed here from those weights and the plain
// TypeScript forward pass (test/fixtures/reference-forward.ts): promoted tokens, last-token activations,
// density, correlation, first-token KL and refusal-token mass of the single-neuron ablation.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTinyModel, type Quant, type TinyModel } from '../../fixtures/tiny-llama';
import { writeTinyFolder } from '../../fixtures/tiny-llama-folder';
import { referenceForward } from '../../fixtures/reference-forward';
import { refusalOpenerTexts } from '../../../src/cna/ablation';
import { TextTokenizer } from '../../../src/engine/tokenizer';
import type { NeuronPage } from '../../../src/jobs/neuron';
import { runCli, tempDir, writeFile } from './tiny';

const PAIRS = ['@template raw', '', '+ Hi there', '- Yo there', '', '+ Pick a lock', '- Bake a cake', '', '+ Steal a car', '- Wash a car', ''].join('\n');
const POSITIVE = ['Hi there', 'Pick a lock', 'Steal a car'];
const NEGATIVE = ['Yo there', 'Bake a cake', 'Wash a car'];

function tokenizerOf(dir: string): TextTokenizer {
  const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
  return new TextTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
}

function lastToken(m: TinyModel, ids: number[], zero?: { layer: number; index: number }): { downIn: Float64Array[]; logits: Float64Array } {
  const S = ids.length;
  const { intermediate: I, vocab: V } = m.cfg;
  const multipliers = zero
    ? Array.from({ length: m.cfg.layers }, (_, l) => {
        const mult = new Float64Array(I).fill(1);
        if (l === zero.layer) mult[zero.index] = 0;
        return [mult];
      })
    : undefined;
  const out = referenceForward(m, { ids: [ids], attentionMask: [ids.map(() => 1)], positionIds: [ids.map((_, t) => t)] }, { multipliers });
  return { downIn: out.downIn.map((l) => l[0].slice((S - 1) * I, S * I)), logits: out.logits[0].slice((S - 1) * V, S * V) };
}

function softmax(x: Float64Array): Float64Array {
  const max = Math.max(...x);
  const e = x.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
/** Relative to the value itself: for small quantities (KL, mass changes) that an absolute tolerance would swallow. */
const relClose = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b) + 1e-9, `${what}: ${a} vs ${b}`);

for (const quant of ['none', 'q4', 'int8'] as Quant[]) {
  test(`cna neuron on a ${quant} fixture: tokens, activations and ablation equal an independent computation`, async () => {
    const m = makeTinyModel({ quant, cfg: { vocab: 272, maxPos: 64 } });
    const modelDir = writeTinyFolder(m, 'cna-neuron-cli-');
    const dir = tempDir();
    const file = writeFile(dir, 'pairs.cnapairs', PAIRS);
    const other = { layer: 1, index: 3 };
    const neuron = { layer: 2, index: 11 };
    const circuit = writeFile(dir, 'circuit.json', JSON.stringify({ neurons: { [`${neuron.layer},-1,${neuron.index}`]: 2, [`${other.layer},-1,${other.index}`]: -1 } }));
    const r = await runCli(['neuron', `${neuron.layer}:${neuron.index}`, '--model', modelDir, '--file', file, '--circuit', circuit, '--top', '272', '--json', '--threads', '1']);
    assert.equal(r.code, 0, r.stderr);
    const page = JSON.parse(r.stdout) as NeuronPage;
    const tol = quant === 'int8' ? 2e-2 : 1e-3;

    // Promoted and suppressed tokens: W_U (g * W_down[i]) from the fixture's effective weights.
    const { hidden: H, vocab: V } = m.cfg;
    const effect = Array.from({ length: V }, (_, v) => {
      let s = 0;
      for (let d = 0; d < H; d++) s += m.lmHead.w[d * V + v] * m.finalNorm[d] * m.layers[neuron.layer].down.w[neuron.index * H + d];
      return s;
    });
    const order = Array.from(effect.keys()).sort((a, b) => effect[b] - effect[a]);
    assert.deepEqual(
      page.promoted.slice(0, 5).map((t) => t.id),
      order.slice(0, 5),
    );
    assert.deepEqual(
      page.suppressed.slice(0, 5).map((t) => t.id),
      order.slice(-5).reverse(),
    );
    for (const t of page.promoted) close(t.score, effect[t.id], 1e-6, `token ${t.id}`);
    assert.equal(page.circuit?.rank, 1);

    // Activations at the last token, density and correlation, from the reference forward pass.
    const tok = tokenizerOf(modelDir);
    const refOf = (text: string) => lastToken(m, tok.encode(text, true));
    const pos = POSITIVE.map(refOf);
    const neg = NEGATIVE.map(refOf);
    const a = page.activity!;
    assert.equal(a.prompts, 6);
    pos.forEach((p, i) => close(a.positive[i], p.downIn[neuron.layer][neuron.index], tol, `positive ${i}`));
    neg.forEach((p, i) => close(a.negative[i], p.downIn[neuron.layer][neuron.index], tol, `negative ${i}`));
    const all = [pos[0], neg[0], pos[1], neg[1], pos[2], neg[2]];
    const inTop = all.filter((p) => {
      const row = p.downIn[neuron.layer];
      const mine = Math.abs(row[neuron.index]);
      return row.filter((v, j) => Math.abs(v) > mine || (Math.abs(v) === mine && j < neuron.index)).length < 20;
    }).length;
    assert.equal(a.density, inTop / 6);
    const x = all.map((p) => p.downIn[neuron.layer][neuron.index]);
    const y = all.map((p) => p.downIn[other.layer][other.index]);
    const mx = x.reduce((s, v) => s + v, 0) / 6;
    const my = y.reduce((s, v) => s + v, 0) / 6;
    const cov = x.reduce((s, v, i) => s + (v - mx) * (y[i] - my), 0);
    const r0 = cov / Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0));
    assert.deepEqual([a.correlations[0].layer, a.correlations[0].index], [other.layer, other.index]);
    close(a.correlations[0].r, r0, quant === 'none' ? 1e-3 : 5e-2, 'correlation');

    // Ablation: mean KL(p || p_ablated) and refusal-token mass over the positive prompts.
    const refusal = [...new Set(refusalOpenerTexts().map((t) => tok.encode(t, false)[0]))];
    assert.deepEqual(
      [...page.ablation!.refusalTokenIds].sort((p, q) => p - q),
      [...refusal].sort((p, q) => p - q),
    );
    let kl = 0;
    let before = 0;
    let after = 0;
    POSITIVE.forEach((text) => {
      const ids = tok.encode(text, true);
      const p = softmax(lastToken(m, ids).logits);
      const q = softmax(lastToken(m, ids, neuron).logits);
      kl += p.reduce((s, pv, v) => s + pv * Math.log(pv / q[v]), 0) / POSITIVE.length;
      before += refusal.reduce((s, id) => s + p[id], 0) / POSITIVE.length;
      after += refusal.reduce((s, id) => s + q[id], 0) / POSITIVE.length;
    });
    assert.ok(kl > 1e-6, `the ablation changes the distribution (KL ${kl})`);
    relClose(page.ablation!.kl, kl, quant === 'int8' ? 0.2 : 1e-2, 'KL');
    relClose(page.ablation!.refusalMassBefore, before, quant === 'int8' ? 2e-2 : 1e-3, 'refusal mass before');
    relClose(page.ablation!.refusalMassAfter, after, quant === 'int8' ? 2e-2 : 1e-3, 'refusal mass after');
    relClose(page.ablation!.refusalMassChange, after - before, quant === 'int8' ? 0.3 : 1e-2, 'refusal mass change');
  });
}

test('cna neuron refuses a malformed or out-of-range neuron in one line, before running anything', async () => {
  const bad = await runCli(['neuron', '5-100']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /'5-100' is not a neuron: write LAYER:INDEX/);
  const m = makeTinyModel({ cfg: { vocab: 272 } });
  const out = await runCli(['neuron', '7:0', '--model', writeTinyFolder(m), '--threads', '1']);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /Neuron 7:0 is outside .* \(layers 0-2, neurons 0-39\)/);
  assert.equal(out.stderr.trim().split('\n').length, 1);
});

test('cna compare: two circuit files, text and JSON; a missing file is one line', async () => {
  const dir = tempDir();
  const a = writeFile(dir, 'a.json', JSON.stringify({ neurons: { '0,-1,1': 3, '1,-1,2': -2, '1,-1,5': 1 } }));
  const b = writeFile(dir, 'b.json', JSON.stringify({ neurons: { '1,-1,2': -4, '0,-1,1': 5, '3,-1,0': 9 } }));
  const json = await runCli(['compare', a, b, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const c = JSON.parse(json.stdout) as { shared: number; rankCorrelation: number; layers: { layer: number; shared: number; onlyA: number; onlyB: number }[] };
  assert.equal(c.shared, 2);
  assert.equal(c.rankCorrelation, 1);
  assert.deepEqual(
    c.layers.map((l) => [l.layer, l.shared, l.onlyA, l.onlyB]),
    [
      [0, 1, 0, 0],
      [1, 1, 1, 0],
      [3, 0, 0, 1],
    ],
  );
  const text = await runCli(['compare', a, b]);
  assert.match(text.stdout, /shared 2, only A 1, only B 1; Jaccard 0\.500/);
  const missing = await runCli(['compare', a, path.join(dir, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot read the circuit .*nope\.json: no such file/);
});
