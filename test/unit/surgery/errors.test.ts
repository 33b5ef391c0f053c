import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectGraph, instrumentModel } from '../../../src/engine/surgery';
import { UserError } from '../../../src/errors';
import { rng, GraphBuilder, T, buildModel } from '../../fixtures/onnx-writer';
import { buildTinyOnnx, makeTinyModel } from '../../fixtures/tiny-llama';

function userError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one-line message');
    return true;
  });
}

test('random bytes are not an ONNX file', () => {
  const r = rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const bytes = Uint8Array.from({ length: 200 + trial * 37 }, () => Math.floor(r() * 256));
    userError(() => inspectGraph(bytes), /^Not an ONNX file|truncated or corrupt/);
  }
  userError(() => inspectGraph(new Uint8Array(0)), /Not an ONNX file: the file is empty/);
  userError(() => inspectGraph(new TextEncoder().encode('{"model_type": "llama"}')), /Not an ONNX file/);
});

test('a truncated model says so', () => {
  const bytes = buildTinyOnnx(makeTinyModel()).bytes;
  for (const keep of [0.1, 0.5, 0.9, 0.999]) {
    userError(() => inspectGraph(bytes.subarray(0, Math.floor(bytes.length * keep))), /truncated or corrupt/);
  }
});

test('a model without a gated MLP says what it saw', () => {
  const ungated = buildTinyOnnx(makeTinyModel({ ungated: true }), { naming: 'anonymous' }).bytes;
  userError(() => inspectGraph(ungated), /No gated MLP found in this ONNX model: found 25 MatMul node\(s\) \(input widths of those with weights: 16, 40\), but none named/);
  userError(() => instrumentModel(ungated), /No gated MLP found/);
  userError(() => inspectGraph(ungated, { intermediateSize: 40 }), /none whose input width is intermediate_size 40/);

  const g = new GraphBuilder('g');
  g.input('x', T.FLOAT, [1, 4]);
  g.op('Relu', ['x'], { outputs: ['y'] });
  g.output('y', T.FLOAT, [1, 4]);
  userError(() => inspectGraph(buildModel(g).bytes), /found no MatMul-like nodes \(ops: Relu\)/);
});

test('an opset without GatherND batch_dims is refused at instrumentation', () => {
  // The graph itself is opset-17 style; inspection does not care, instrumentation must refuse.
  const bytes = buildTinyOnnx(makeTinyModel(), { opset: 11 }).bytes;
  assert.equal(inspectGraph(bytes).layers, 3);
  userError(() => instrumentModel(bytes), /opset 11; CNA needs opset 12 or newer/);
});
