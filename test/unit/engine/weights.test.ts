// The weights fingerprint: a sample of the weight values, so a fine-tune is told from its base.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectGraph } from '../../../src/engine/surgery';
import { buildTinyOnnx, makeTinyModel } from '../../fixtures/tiny-llama';

test('same graph, other weights: the graph fingerprint agrees, the weights fingerprint does not', () => {
  const a = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 1 })).bytes);
  const again = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 1 })).bytes);
  const b = inspectGraph(buildTinyOnnx(makeTinyModel({ seed: 2 })).bytes);
  assert.equal(a.fingerprint, b.fingerprint);
  assert.notEqual(a.weightsFingerprint, b.weightsFingerprint);
  assert.equal(a.weightsFingerprint, again.weightsFingerprint);
});

test("external weights are sampled from the side file at each tensor's offset", () => {
  const external = { fileFor: (_name: string, bytes: number) => (bytes < 256 ? undefined : 'model.onnx_data') };
  const built = buildTinyOnnx(makeTinyModel(), { external });
  const data = Buffer.from(built.files.get('model.onnx_data')!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-weights-'));
  const reads: number[] = [];
  const reader = (bytes: Buffer) => (location: string, offset: number, length: number) => {
    assert.equal(location, 'model.onnx_data');
    reads.push(length);
    return bytes.subarray(offset, offset + length);
  };
  const before = inspectGraph(built.bytes, { readExternal: reader(data) }).weightsFingerprint;
  assert.ok(reads.length > 0 && reads.every((n) => n <= 256), 'reads a few short slices, never whole tensors');
  const changed = Buffer.from(data);
  for (let i = 0; i < changed.length; i++) changed[i] ^= 0x55;
  assert.notEqual(inspectGraph(built.bytes, { readExternal: reader(changed) }).weightsFingerprint, before);
  assert.equal(inspectGraph(built.bytes, { readExternal: reader(data) }).weightsFingerprint, before);
  fs.rmSync(dir, { recursive: true });
});
