// `cna inspect`, `cna activations` and `cna generate` through the real CLI entry and the worker thread.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, TINY } from '../jobs/tiny';

const ref = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8'));

test('inspect --json has the documented shape', async () => {
  const r = await runCli(['inspect', '--model', TINY, '--json', '--threads', '1']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const key of ['layout', 'architecture', 'layers', 'hiddenSize', 'intermediateSize', 'totalNeurons', 'dtype', 'quantization', 'mlpSites', 'chatTemplate', 'eos']) {
    assert.ok(key in j, key);
  }
  assert.equal(j.totalNeurons, 240);
  assert.deepEqual(
    j.mlpSites.map((s: { layer: number }) => s.layer),
    [0, 1, 2],
  );
});

test('activations --raw --json: token ids and one array per layer, equal to PyTorch', async () => {
  const r = await runCli(['activations', '--model', TINY, '--raw', '--json', 'Hi']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.tokens, ref.prompts[1]);
  assert.equal(j.layers.length, 3);
  j.layers.forEach((layer: number[], l: number) => {
    assert.equal(layer.length, 80);
    layer.forEach((v, i) => assert.ok(Math.abs(v - ref.activations[1][l][i]) <= 1e-4 * Math.max(1, Math.abs(v))));
  });
});

test('generate --circuit --multiplier --json steers like PyTorch', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-cli-'));
  const circuit = path.join(dir, 'circuit.json');
  // The reference implementation's Circuit.save() layout: "layer,position,neuron" keys.
  fs.writeFileSync(
    circuit,
    JSON.stringify({ neurons: Object.fromEntries(ref.circuit.map(([layer, index]: number[]) => [`${layer},-1,${index}`, 1])), prompt: '', target_token: '', total_logit_diff: 0 }),
  );
  const r = await runCli(['generate', '--model', TINY, '--circuit', circuit, '--multiplier', '0', '--max-new-tokens', '12', '--raw', '--json', 'Hi']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.prompt, 'Hi');
  assert.equal(j.multiplier, 0);
  const eos = [259, 257];
  const want: number[] = ref.greedySteered['0.0'][1];
  const cut = want.findIndex((t) => eos.includes(t));
  assert.deepEqual(j.tokens, cut < 0 ? want : want.slice(0, cut));
  assert.equal(typeof j.completion, 'string');
});

test('usage and environment mistakes exit 2 with one line, no stack', async () => {
  for (const argv of [
    ['inspect', '--model', '/nonexistent/model'],
    ['generate', '--model', TINY, '--multiplier', '0', 'Hi'],
    ['generate', '--model', TINY, '--circuit', '/nonexistent.json', '--multiplier', '0', 'Hi'],
    ['activations', '--model', TINY],
  ]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('cna '));
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  }
});
