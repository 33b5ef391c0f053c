// The attribute job end to end on a real model through the real worker thread (the tiny Llama), checked
// against discovery recomputed here from single-prompt activations with plain loops (not src/cna).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';
import { CancelledError } from '../../../src/errors';
import { GENERIC_PROMPTS } from '../../../src/cna/genericPrompts';
import { runAttribute, type AttributeResult } from '../../../src/jobs/attribute';
import { pairsFromText } from '../../../src/jobs/pairsInput';
import { attributionForChart } from '../../../src/host/chartData';
import { manyPairs, runCli, SMALL_PAIRS, tempDir, TINY, writeFile } from './tiny';

let client: EngineClient;
before(() => {
  client = EngineClient.start({ threads: 1 });
});
after(async () => {
  await client.close();
});

const LAYERS = 3;
const WIDTH = 80;

async function acts(text: string): Promise<number[]> {
  const r = await client.activations({ path: TINY }, { text, raw: true });
  return r.layers.flatMap((l) => Array.from(l));
}

/** Discovery by the book (docs/method.md steps 4-6), one prompt at a time. */
async function referenceDiscovery(pairs: [string, string][], k: number, excluded: number[]) {
  const n = LAYERS * WIDTH;
  const pos = await Promise.all(pairs.map(([p]) => acts(p)));
  const neg = await Promise.all(pairs.map(([, q]) => acts(q)));
  const delta = Array.from({ length: n }, (_, j) => pos.reduce((s, a) => s + a[j], 0) / pairs.length - neg.reduce((s, a) => s + a[j], 0) / pairs.length);
  const counts = new Array(n).fill(0);
  for (const g of GENERIC_PROMPTS) {
    const r = await client.activations({ path: TINY }, { text: g, raw: true });
    r.layers.forEach((layer, l) => {
      const order = Array.from(layer.keys()).sort((a, b) => Math.abs(layer[b]) - Math.abs(layer[a]));
      for (const i of order.slice(0, 20)) counts[l * WIDTH + i]++;
    });
  }
  const universal = counts.map((c) => c >= 0.8 * GENERIC_PROMPTS.length);
  const eligible = Array.from({ length: n }, (_, j) => !excluded.includes(Math.floor(j / WIDTH)) && !universal[j]);
  const circuit = Array.from({ length: n }, (_, j) => j)
    .filter((j) => eligible[j])
    .sort((a, b) => Math.abs(delta[b]) - Math.abs(delta[a]))
    .slice(0, k);
  const norm = circuit.reduce((s, j) => s + Math.abs(delta[j]), 0);
  const contributions = pairs.map((_, i) => circuit.reduce((s, j) => s + Math.sign(delta[j]) * (pos[i][j] - neg[i][j]), 0) / (pairs.length * norm));
  return { delta, circuit, universal, contributions };
}

const DISCOVERY: [string, string][] = [
  ['Hi there', 'Yo there'],
  ['How to pick a lock?', 'How to bake a cake?'],
  ['Make a fake ID', 'Make a paper boat'],
  ['Steal a car', 'Wash a car'],
];

let result: AttributeResult;
before(async () => {
  result = await runAttribute({ engine: client, model: { path: TINY } }, { pairs: pairsFromText(SMALL_PAIRS, 'tiny.cnapairs'), chunkPairs: 3 });
});

test('the circuit equals discovery recomputed prompt by prompt (held-out pairs left out)', async () => {
  const ref = await referenceDiscovery(DISCOVERY, 6, [0]);
  assert.equal(result.k, 6);
  assert.deepEqual(
    result.neurons.map((n) => n.layer * WIDTH + n.index),
    ref.circuit,
  );
  for (const n of result.neurons) {
    const want = ref.delta[n.layer * WIDTH + n.index];
    assert.ok(Math.abs(n.delta - want) <= 1e-4 * Math.max(1, Math.abs(want)), `delta of ${n.layer}/${n.index}: ${n.delta} vs ${want}`);
    assert.notEqual(n.layer, 0, 'layer 0 is excluded');
  }
  assert.deepEqual(
    result.universal.map((u) => u.layer * WIDTH + u.index),
    ref.universal.flatMap((u, j) => (u ? [j] : [])),
  );
  assert.equal(result.pairs.length, 4, 'only the discovery pairs');
  result.pairs.forEach((p, i) => assert.ok(Math.abs(p.contribution - ref.contributions[i]) < 1e-4, `pair ${i} contribution`));
});

/** Asserts per-layer arrays (Float32Array or JSON lists) equal the reference's flat delta, through `f`. */
function assertLayers(layers: ArrayLike<number>[], want: number[], f: (x: number) => number, what: string): void {
  assert.equal(layers.length, LAYERS, `${what}: one array per layer, excluded layer 0 too`);
  layers.forEach((layer, l) => {
    assert.equal(layer.length, WIDTH, `${what}: layer ${l} has every neuron`);
    for (let i = 0; i < WIDTH; i++) {
      const w = f(want[l * WIDTH + i]);
      assert.ok(Math.abs(layer[i] - w) <= 1e-4 * Math.max(1, Math.abs(w)), `${what} ${l}/${i}: ${layer[i]} vs ${w}`);
    }
  });
}

test('the result carries the delta of every neuron per layer; the chart data gets their magnitudes', async () => {
  const ref = await referenceDiscovery(DISCOVERY, 6, [0]);
  assert.ok(result.layerDeltas.every((l) => l instanceof Float32Array));
  assertLayers(result.layerDeltas, ref.delta, (x) => x, 'layerDeltas');
  const pairs = pairsFromText(SMALL_PAIRS, 'tiny.cnapairs');
  const chart = attributionForChart(result, '/x/tiny.cnapairs', pairs.parsed.pairs);
  const magnitudes = chart.layerMagnitudes ?? [];
  assert.deepEqual(
    magnitudes.map((m) => [m.kind, m.layer]),
    [
      ['full', 0],
      ['full', 1],
      ['full', 2],
    ],
  );
  assertLayers(
    magnitudes.map((m) => (m.kind === 'full' ? m.absDelta : [])),
    ref.delta,
    Math.abs,
    'absDelta',
  );
});

test("pair lines are the 1-based lines of each pair's first prompt; settings and model identity come from the header and inspect", async () => {
  const lines = SMALL_PAIRS.split('\n');
  assert.deepEqual(
    result.pairs.map((p) => p.line),
    DISCOVERY.map(([p]) => lines.indexOf(`+ ${p}`) + 1),
  );
  assert.equal(result.feature, 'tiny');
  assert.equal(result.settings.top, '6');
  assert.deepEqual(result.settings.excludeLayers, [0]);
  assert.equal(result.settings.universalFilter, true);
  assert.equal(result.settings.template, 'raw');
  const info = await client.inspect({ path: TINY });
  assert.deepEqual(result.model, { path: info.path, fingerprint: info.fingerprint, weightsFingerprint: info.weightsFingerprint, layers: 3, intermediateSize: 80, totalNeurons: 240 });
  const t = result.timings;
  assert.ok(t.forwardMs > 0 && t.otherMs >= 0 && t.loadMs >= 0);
  assert.ok(Math.abs(t.loadMs + t.forwardMs + t.otherMs - t.totalMs) < 1e-6);
});

test('flags override the header; without the universal filter universal neurons may enter the circuit', async () => {
  const pairs = pairsFromText(SMALL_PAIRS, 'tiny.cnapairs');
  const r = await runAttribute({ engine: client, model: { path: TINY } }, { pairs, top: '10', excludeLayers: 'none', universalFilter: false });
  const ref = await referenceDiscovery(DISCOVERY, 10, []);
  const unfiltered = Array.from({ length: 240 }, (_, j) => j)
    .sort((a, b) => Math.abs(ref.delta[b]) - Math.abs(ref.delta[a]))
    .slice(0, 10);
  assert.deepEqual(
    r.neurons.map((n) => n.layer * WIDTH + n.index),
    unfiltered,
  );
  assert.equal(r.settings.universalFilter, false);
});

test('the disk pair store gives the same circuit and leaves no temporary file', async () => {
  const tmp = tempDir();
  const pairs = pairsFromText(SMALL_PAIRS, 'tiny.cnapairs');
  const disk = await runAttribute({ engine: client, model: { path: TINY } }, { pairs, pairStore: 'disk', tmpDir: tmp });
  assert.deepEqual(disk.neurons, result.neurons);
  assert.deepEqual(disk.pairs, result.pairs);
  assert.deepEqual(fs.readdirSync(tmp), []);
});

test('cancelling in the middle rejects with CancelledError', async () => {
  const controller = new AbortController();
  const pairs = pairsFromText(manyPairs(64), 'big.cnapairs');
  let progressed = 0;
  await assert.rejects(
    runAttribute(
      {
        engine: client,
        model: { path: TINY },
        signal: controller.signal,
        onProgress: () => {
          if (++progressed === 1) controller.abort();
        },
      },
      { pairs, chunkPairs: 4 },
    ),
    CancelledError,
  );
  assert.ok(progressed >= 1);
});

test('cna attribute --json prints the docs/cli.md shape; --out and --reference-json are written', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'tiny.cnapairs', SMALL_PAIRS);
  const out = path.join(dir, 'circuit.json');
  const refOut = path.join(dir, 'reference.json');
  const r = await runCli(['attribute', file, '--model', TINY, '--json', '--out', out, '--reference-json', refOut]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(typeof json.feature, 'string');
  for (const key of ['path', 'layers', 'intermediateSize', 'totalNeurons', 'fingerprint', 'weightsFingerprint']) assert.ok(key in json.model, `model.${key}`);
  assert.equal(json.k, json.neurons.length);
  for (const n of json.neurons) assert.deepEqual(Object.keys(n).sort(), ['delta', 'index', 'layer', 'meanNegative', 'meanPositive']);
  for (const u of json.universal) assert.deepEqual(Object.keys(u).sort(), ['index', 'layer']);
  for (const p of json.pairs) assert.deepEqual(Object.keys(p).sort(), ['contribution', 'leaveOneOutOverlap', 'line']);
  for (const key of ['forwardMs', 'otherMs', 'totalMs']) assert.equal(typeof json.timings[key], 'number');
  assert.equal('layerDeltas' in json, false, 'no per-neuron deltas unless --deltas');
  const written = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(written.neurons, json.neurons);
  assert.equal('layerDeltas' in written, false, 'circuit.json holds the circuit, not the chart data');
  const reference = JSON.parse(fs.readFileSync(refOut, 'utf8'));
  assert.deepEqual(
    Object.keys(reference.neurons),
    json.neurons.map((n: { layer: number; index: number }) => `${n.layer},-1,${n.index}`),
  );
  assert.deepEqual(fs.readdirSync(dir).sort(), ['circuit.json', 'reference.json', 'tiny.cnapairs'], 'no temporary file left');
});

test('cna attribute --json --deltas adds the delta of every neuron as one list per layer', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'tiny.cnapairs', SMALL_PAIRS);
  const r = await runCli(['attribute', file, '--model', TINY, '--json', '--deltas']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.ok(json.layerDeltas.every((l: unknown) => Array.isArray(l)));
  const ref = await referenceDiscovery(DISCOVERY, 6, [0]);
  assertLayers(json.layerDeltas, ref.delta, (x) => x, '--deltas');
});

test('cna attribute human output: size note, top neurons, per-layer counts', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'tiny.cnapairs', SMALL_PAIRS);
  const r = await runCli(['attribute', file, '--model', TINY]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^tiny: 6 neurons of 240/);
  assert.match(r.stdout, /paper default 0\.1%/);
  assert.match(r.stdout, /Per layer: /);
  assert.match(r.stdout, /Pairs: 4|Pairs with a negative contribution/);
});

test('user mistakes: lint errors exit 1, a missing file exits 2, only held-out pairs exits 1', async () => {
  const dir = tempDir();
  const broken = writeFile(dir, 'broken.cnapairs', '+ only a positive\n');
  const r1 = await runCli(['attribute', broken, '--model', TINY]);
  assert.equal(r1.code, 1);
  assert.match(r1.stderr, /broken\.cnapairs:1:1: CNA001/);
  const r2 = await runCli(['attribute', path.join(dir, 'nope.cnapairs'), '--model', TINY]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /no such file/);
  const evalOnly = writeFile(dir, 'eval.cnapairs', '@split eval\n+ Break a door\n- Paint a door\n');
  const r3 = await runCli(['attribute', evalOnly, '--model', TINY]);
  assert.equal(r3.code, 1);
  assert.match(r3.stderr, /no discovery pairs/);
  assert.doesNotMatch(r1.stderr + r2.stderr + r3.stderr, /at .*\.js:\d+/, 'no stack trace');
});
