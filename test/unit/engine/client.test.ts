// The engine behind its worker thread: the typed protocol end to end, cancellation, and user-facing errors.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';
import { explainLoadError } from '../../../src/engine/session';
import { CancelledError, UserError } from '../../../src/errors';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test', 'unit', 'engine', 'fixtures');
const TINY = path.join(FIXTURES, 'tiny-llama');
const ref = JSON.parse(fs.readFileSync(path.join(TINY, 'reference.json'), 'utf8'));
const EOS = [259, 257];
/** PyTorch's greedy tokens, cut where the engine would stop on EOS. */
const untilEos = (tokens: number[]) => {
  const i = tokens.findIndex((t) => EOS.includes(t));
  return i < 0 ? tokens : tokens.slice(0, i);
};
const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

let client: EngineClient;
before(() => {
  client = EngineClient.start({ threads: 1 }); // the real worker thread: out/src/engine/worker.js
});
after(async () => {
  await client.close();
});

function modelCopy(mutate: (dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-client-'));
  for (const f of fs.readdirSync(TINY)) fs.copyFileSync(path.join(TINY, f), path.join(dir, f));
  mutate(dir);
  return dir;
}

test('inspect reports the graph, the chat template and the EOS ids', async () => {
  const r = await client.inspect({ path: TINY });
  assert.equal(r.layout, 'optimum');
  assert.equal(r.architecture, 'LlamaForCausalLM');
  assert.equal(r.layers, 3);
  assert.equal(r.intermediateSize, 80);
  assert.equal(r.totalNeurons, 240);
  assert.equal(r.mlpSites.length, 3);
  assert.equal(r.chatTemplate, true);
  assert.deepEqual(r.eos, EOS);
});

test('activations through the worker match PyTorch (raw prompt "Hi")', async () => {
  const r = await client.activations({ path: TINY }, { text: 'Hi', raw: true });
  assert.deepEqual(r.tokens, ref.prompts[1]);
  assert.equal(r.layers.length, 3);
  r.layers.forEach((layer, l) => {
    const want: number[] = ref.activations[1][l];
    want.forEach((v, i) => assert.ok(Math.abs(layer[i] - v) <= 1e-4 * Math.max(1, Math.abs(v)), `layer ${l}[${i}]`));
  });
});

test('a multiplier sweep as rows of one generate request matches PyTorch, row by row', async () => {
  const neurons = ref.circuit.map(([layer, index]: number[]) => ({ layer, index }));
  const streamed: number[] = [];
  const r = await client.generate(
    {
      model: { path: TINY },
      rows: [
        { prompt: { text: 'Hi', raw: true }, steering: { neurons, multiplier: 0 } },
        { prompt: { text: 'Hi', raw: true } },
        { prompt: { text: 'Hi', raw: true }, steering: { neurons, multiplier: 3 } },
      ],
      maxNewTokens: 12,
    },
    { onCompletions: (c) => streamed.push(...c.map((x) => x.row)) },
  );
  assert.deepEqual(
    r.completions.map((c) => c.row),
    [0, 1, 2],
  );
  assert.deepEqual(streamed.sort(), [0, 1, 2]);
  assert.deepEqual(r.completions[0].tokens, untilEos(ref.greedySteered['0.0'][1]));
  assert.deepEqual(r.completions[1].tokens, untilEos(ref.greedy[1]));
  assert.deepEqual(r.completions[2].tokens, untilEos(ref.greedySteered['3.0'][1]));
});

test('streamed captures cover every prompt once; cancelling stops within one forward pass', async () => {
  const prompts = Array.from({ length: 40 }, (_, i) => ({ text: `prompt number ${i}`, raw: true }));
  const seen = new Set<number>();
  const summary = await client.forEachActivation({ model: { path: TINY }, prompts: prompts.slice(0, 10), batchSize: 4 }, (b) => {
    assert.equal(b.mlpInputs.length, 3);
    assert.equal(b.mlpInputs[0].length, b.indices.length * 80);
    b.indices.forEach((i) => seen.add(i));
  });
  assert.equal(seen.size, 10);
  assert.equal(summary.intermediateSize, 80);

  // Cancelled before the worker starts: no pass runs at all.
  const early = new AbortController();
  let earlyBatches = 0;
  const pending = client.forEachActivation(
    { model: { path: TINY }, prompts, batchSize: 1 },
    () => {
      earlyBatches++;
    },
    { signal: early.signal },
  );
  early.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof CancelledError);
  assert.equal(earlyBatches, 0);

  // Cancelled mid-run: the worker stops long before the end (how many passes it finishes before the
  // message lands depends on thread scheduling; the one-pass bound is checked in engine.test.ts).
  const many = Array.from({ length: 400 }, (_, i) => ({ text: `prompt number ${i}`, raw: true }));
  const abort = new AbortController();
  let batches = 0;
  await assert.rejects(
    client.forEachActivation(
      { model: { path: TINY }, prompts: many, batchSize: 1 },
      () => {
        batches++;
        abort.abort();
      },
      { signal: abort.signal },
    ),
    (e: unknown) => e instanceof CancelledError,
  );
  assert.ok(batches >= 1 && batches < many.length, `batches after cancel: ${batches}`);
  // The worker is still usable.
  assert.equal((await client.inspect({ path: TINY })).layers, 3);
});

test('user errors come back as UserError with a one-line message', async () => {
  await assert.rejects(client.inspect({ path: '/nonexistent/model' }), userError(/not found/));
  const notOnnx = modelCopy((d) => fs.writeFileSync(path.join(d, 'model.onnx'), 'this is not a model'));
  await assert.rejects(client.inspect({ path: notOnnx }), userError(/Not an ONNX file/));
  const truncated = modelCopy((d) => {
    const b = fs.readFileSync(path.join(d, 'model.onnx'));
    fs.writeFileSync(path.join(d, 'model.onnx'), b.subarray(0, Math.floor(b.length / 2)));
  });
  await assert.rejects(client.inspect({ path: truncated }), userError(/truncated/));
  const noTokenizer = modelCopy((d) => fs.unlinkSync(path.join(d, 'tokenizer.json')));
  await assert.rejects(client.inspect({ path: noTokenizer }), userError(/tokenizer\.json/));
  // A MatMul with external weights: valid ONNX, but no gated MLP.
  await assert.rejects(client.inspect({ path: path.join(FIXTURES, 'external') }), (e: unknown) => e instanceof UserError && !/\n/.test(e.message));
  const longPrompt = { text: 'x'.repeat(200), raw: true };
  await assert.rejects(client.activations({ path: TINY }, longPrompt), userError(/context of 96/));
});

test('an operator ONNX Runtime lacks is named in the message', async () => {
  const ort = await import('onnxruntime-node');
  const file = path.join(FIXTURES, 'unknown-op.onnx');
  const err = await ort.InferenceSession.create(file).then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(err, 'ORT must refuse the unknown op');
  const msg = explainLoadError('unknown-op.onnx', err.message);
  assert.match(msg, /com\.example:FrobnicateTensor/);
  assert.match(msg, /no kernel for operator/);
});

test('the in-process engine answers the same protocol', async () => {
  const local = EngineClient.start({ inProcess: true, threads: 1 });
  try {
    const r = await local.activations({ path: TINY }, { text: 'Hi', raw: true });
    assert.deepEqual(r.tokens, ref.prompts[1]);
  } finally {
    await local.close();
  }
});
