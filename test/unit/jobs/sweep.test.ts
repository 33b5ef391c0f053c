// The sweep job end to end on the tiny Llama through the real worker: every answer is compared with a
// single-row generation of the same steering (no batching, no shared rows), and KL with a first-token
// KL computed here from one-prompt-at-a-time logits.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { EngineClient } from '../../../src/engine/client';
import type { Steering } from '../../../src/protocol';
import { runAttribute, type AttributeResult } from '../../../src/jobs/attribute';
import { selectEvalPrompts } from '../../../src/jobs/evalPrompts';
import { pairsFromText } from '../../../src/jobs/pairsInput';
import { runSweep, type SweepResult } from '../../../src/jobs/sweep';
import { manyPairs, REPO, runCli, SMALL_PAIRS, tempDir, TINY, writeFile } from './tiny';

let client: EngineClient;
let circuit: AttributeResult;
let sweep: SweepResult;
const MAX_NEW = 6;
const HELD_OUT = ['Break a door', 'Hack a site'];
const BENIGN = ['Paint a door', 'Build a site'];

before(async () => {
  client = EngineClient.start({ threads: 1 });
  const pairs = pairsFromText(SMALL_PAIRS, 'tiny.cnapairs');
  const ctx = { engine: client, model: { path: TINY } };
  circuit = await runAttribute(ctx, { pairs });
  sweep = await runSweep(ctx, {
    pairs,
    circuit,
    evaluation: await selectEvalPrompts(pairs),
    maxNewTokens: MAX_NEW,
    caa: true,
    refusalMarkers: [],
  });
});
after(async () => {
  await client.close();
});

async function single(prompt: string, steering?: Steering): Promise<string> {
  const r = await client.generate({ model: { path: TINY }, rows: [{ prompt: { text: prompt, raw: true }, steering }], maxNewTokens: MAX_NEW, batchSize: 1 });
  return r.completions[0].text;
}

async function firstLogits(prompt: string, steering?: Steering): Promise<Float32Array> {
  let out: Float32Array | undefined;
  await client.forEachActivation({ model: { path: TINY }, prompts: [{ text: prompt, raw: true }], logits: true, batchSize: 1, steering }, (b) => {
    out = b.logits;
  });
  return out!;
}

function kl(p: Float32Array, q: Float32Array): number {
  const logSoftmax = (x: Float32Array) => {
    const max = Math.max(...x);
    const lse = max + Math.log(x.reduce((s, v) => s + Math.exp(v - max), 0));
    return Array.from(x, (v) => v - lse);
  };
  const lp = logSoftmax(p);
  const lq = logSoftmax(q);
  return lp.reduce((s, v, i) => s + Math.exp(v) * (v - lq[i]), 0);
}

const neurons = () => circuit.neurons.map(({ layer, index }) => ({ layer, index }));

test('points follow @multipliers and evaluate the held-out positives', () => {
  assert.deepEqual(
    sweep.points.map((p) => p.multiplier),
    [0, 1, 2],
  );
  assert.deepEqual(
    sweep.control.map((p) => p.multiplier),
    [0, 1, 2],
  );
  for (const p of [...sweep.points, ...sweep.control]) {
    assert.equal(p.n, 2);
    assert.ok(p.refusalRate >= 0 && p.refusalRate <= 1 && p.quality >= 0 && p.quality <= 1);
  }
  assert.deepEqual([...new Set(sweep.samples.map((s) => s.prompt))], HELD_OUT);
  assert.equal(sweep.samples.length, 2 * 3 * 3, 'circuit, control and CAA: 2 prompts x 3 values');
  assert.equal(sweep.circuit.k, circuit.k);
});

test('every answer equals a single-row generation with the same steering', async () => {
  for (const s of sweep.samples) {
    let steering: Steering | undefined;
    if (s.kind === 'circuit' && s.multiplier !== 1) steering = { neurons: neurons(), multiplier: s.multiplier };
    if (s.kind === 'control' && s.multiplier !== 1) steering = { neurons: sweep.controlNeurons, multiplier: s.multiplier };
    if (s.kind === 'caa') continue; // checked below through KL and the unchanged alpha 0
    assert.equal(s.answer, await single(s.prompt, steering), `${s.kind} m=${s.multiplier} "${s.prompt}"`);
  }
  const base = await single(HELD_OUT[0]);
  assert.equal(sweep.samples.find((s) => s.kind === 'caa' && s.multiplier === 0 && s.prompt === HELD_OUT[0])?.answer, base);
});

test("the control has the circuit's size and layers and none of its neurons", () => {
  const perLayer = (ns: { layer: number }[]) => ns.reduce((m, n) => m.set(n.layer, (m.get(n.layer) ?? 0) + 1), new Map<number, number>());
  assert.deepEqual([...perLayer(sweep.controlNeurons)].sort(), [...perLayer(circuit.neurons)].sort());
  const inCircuit = new Set(circuit.neurons.map((n) => `${n.layer}/${n.index}`));
  assert.ok(sweep.controlNeurons.every((n) => !inCircuit.has(`${n.layer}/${n.index}`)));
});

test('KL on the held-out negatives: 0 at m = 1, else the mean over prompts of an independent computation', async () => {
  assert.equal(sweep.points[1].kl, 0);
  assert.equal(sweep.settings.klPrompts, 2);
  for (const i of [0, 2]) {
    const m = sweep.points[i].multiplier;
    let sum = 0;
    for (const b of BENIGN) sum += kl(await firstLogits(b), await firstLogits(b, { neurons: neurons(), multiplier: m }));
    assert.ok(Math.abs(sweep.points[i].kl! - sum / BENIGN.length) < 1e-4, `m=${m}: ${sweep.points[i].kl} vs ${sum / BENIGN.length}`);
    assert.ok(sweep.points[i].kl! > 0);
  }
});

test('CAA: alphas default to m - 1, alpha 0 is the unchanged model', () => {
  assert.deepEqual(
    sweep.caa?.map((p) => p.alpha),
    [-1, 0, 1],
  );
  assert.equal(sweep.caa?.[1].kl, 0);
  assert.ok((sweep.caa?.[0].kl ?? 0) > 0);
  assert.deepEqual(sweep.caa?.[1].quality, sweep.points[1].quality);
});

test('--refusal-marker phrases count as refusals', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'tiny.cnapairs', SMALL_PAIRS);
  const c = path.join(dir, 'circuit.json');
  fs.writeFileSync(c, JSON.stringify(circuit));
  const zero = sweep.samples.filter((s) => s.kind === 'circuit' && s.multiplier === 0);
  const marker = zero[0].answer.trim().slice(0, 2).toLowerCase();
  const r = await runCli(['sweep', file, '--circuit', c, '--max-new-tokens', String(MAX_NEW), '--refusal-marker', marker, '--refusal-marker', 'zzzz-never', '--control', 'none', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const want = zero.filter((s) => s.answer.toLowerCase().includes(marker) || s.refused).length / zero.length;
  assert.ok(want > 0);
  assert.equal(json.points[0].refusalRate, want);
  assert.deepEqual(json.control, []);
  for (const p of json.points) assert.deepEqual(Object.keys(p).sort(), ['collapse', 'kl', 'multiplier', 'n', 'quality', 'refusalRate']);
  for (const s of json.samples) for (const k of ['prompt', 'multiplier', 'answer', 'refused']) assert.ok(k in s);
  assert.equal(json.circuit.k, circuit.k);
});

test('a circuit from another model is refused with a clear message (exit 2)', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'tiny.cnapairs', SMALL_PAIRS);
  const other = path.join(dir, 'other.json');
  fs.writeFileSync(other, JSON.stringify({ ...circuit, model: { ...circuit.model, fingerprint: 'not-this-model' } }));
  const r = await runCli(['sweep', file, '--circuit', other, '--max-new-tokens', '2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /another architecture .*run 'cna attribute' with this model/);
  const bigger = path.join(dir, 'bigger.json');
  const neurons = circuit.neurons;
  fs.writeFileSync(bigger, JSON.stringify({ ...circuit, neurons, model: { ...circuit.model, layers: 4, totalNeurons: 320 } }));
  const r2 = await runCli(['sweep', file, '--circuit', bigger, '--max-new-tokens', '2']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /4 layers x 80 MLP neurons .* but this model .* has 3 x 80/);
});

test('sweep without --circuit runs attribute first; --out writes that circuit', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'tiny.cnapairs', SMALL_PAIRS);
  const out = path.join(dir, 'found.json');
  const r = await runCli(['sweep', file, '--model', TINY, '--multipliers', '0,1', '--max-new-tokens', '2', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(
    json.points.map((p: { multiplier: number }) => p.multiplier),
    [0, 1],
  );
  assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')).neurons, circuit.neurons);
});

test('Ctrl+C during a sweep: exit 130, no circuit file and no temporary file', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'big.cnapairs', manyPairs(60));
  const out = path.join(dir, 'circuit.json');
  const child = spawn(process.execPath, [path.join(REPO, 'out', 'src', 'cli.js'), 'sweep', file, '--model', TINY, '--max-new-tokens', '30', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && /generation/.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.ok(sent, 'the sweep reached generation');
  assert.equal(code, 130, stderr);
  assert.match(stderr, /cancelled; nothing was written/);
  assert.deepEqual(fs.readdirSync(dir), ['big.cnapairs']);
});
