// The execution provider setting (cna.executionProvider, --execution-provider) reaches the session options;
// a provider that is unknown or cannot load here is a one-line UserError that names it and says how to get
// back to the CPU, never a stack trace.
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';
import { explainProviderError } from '../../../src/engine/session';
import { UserError } from '../../../src/errors';
import { runCli, TINY } from '../jobs/tiny';

const clients: EngineClient[] = [];
const start = (executionProvider: string) => {
  const c = EngineClient.start({ threads: 1, executionProvider });
  clients.push(c);
  return c;
};
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

/** A UserError of one line that names the provider and the way back to cpu. */
const providerError = (name: string, why: RegExp) => (e: unknown) => {
  assert.ok(e instanceof UserError, `a UserError, got ${String(e)}`);
  assert.match(e.message, new RegExp(`"${name}"`));
  assert.match(e.message, why);
  assert.match(e.message, /cna\.executionProvider .*back to "cpu"/);
  assert.doesNotMatch(e.message, /\n|\.cc:\d+|at .*\.js:\d+/, 'one line, no native or JS stack');
  return true;
};

test('an unknown provider is refused before any model is read, naming the ones there are', async () => {
  await assert.rejects(start('bogus').inspect({ path: TINY }), providerError('bogus', /Unknown execution provider.*"cpu"/));
});

test('cuda without its provider libraries is a UserError, not a crash; the worker keeps serving', async (t) => {
  const bin = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  if (fs.existsSync(path.join(bin, 'libonnxruntime_providers_cuda.so'))) {
    t.skip("onnxruntime-node's CUDA provider is installed here");
    return;
  }
  const client = start('cuda');
  await assert.rejects(client.inspect({ path: TINY }), providerError('cuda', /not available.*CUDA/));
  // Token counts need no session, so they still work with a broken provider.
  const r = await client.tokenize({ path: TINY }, [{ text: 'Hi', raw: true }]);
  assert.equal(r.counts[0], 2);
});

test('cpu, named explicitly, runs', async () => {
  const r = await start('cpu').inspect({ path: TINY });
  assert.equal(r.layers, 3);
});

test("ORT's provider messages become one line naming the provider", () => {
  const cases: [string, string, RegExp][] = [
    ['cuda', 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library', /CUDA 12/],
    ['tensorrt', 'OrtSessionOptionsAppendExecutionProvider_TensorRT: Failed to load shared library', /TensorRT/],
    [
      'webgpu',
      '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize lambda Failed to get a WebGPU adapter: No supported adapters\n',
      /not available on this machine/,
    ],
  ];
  for (const [name, message, why] of cases) {
    const text = explainProviderError(name, message);
    assert.ok(text, name);
    providerError(name, why)(new UserError(text));
  }
  assert.equal(explainProviderError('cuda', 'Protobuf parsing failed.'), undefined, 'other load errors keep their own message');
});

test('cna inspect --execution-provider bogus exits 2 with the message, no stack trace', async () => {
  const r = await runCli(['inspect', '--model', TINY, '--execution-provider', 'bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown execution provider "bogus"/);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
});
