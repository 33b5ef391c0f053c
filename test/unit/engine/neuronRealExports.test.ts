// Promoted and suppressed tokens on an optimum export of a real transformers Llama 3 (test/fixtures/real),
// float32, fp16 and q4 (MatMulNBits), against references computed with onnx + numpy alone
// (tools/real-exports/neuron_reference.py wrote neuron-reference.json from the same ONNX files).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../../../src/engine/client';

const DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'real', 'llama3-instruct');

interface Reference {
  neurons: Record<string, { layer: number; index: number; promoted: [number, number][]; suppressed: [number, number][] }[]>;
}

const reference = JSON.parse(fs.readFileSync(path.join(DIR, 'neuron-reference.json'), 'utf8')) as Reference;
const VARIANTS: [string, string | undefined][] = [
  ['model.onnx', undefined],
  ['model_fp16.onnx', 'fp16'],
  ['model_q4.onnx', 'q4'],
];

for (const [file, variant] of VARIANTS) {
  test(`llama3-instruct ${file}: promoted and suppressed tokens equal the numpy reference`, async () => {
    const rows = reference.neurons[file];
    assert.ok(rows && rows.length > 0, `neuron-reference.json has ${file}`);
    const client = EngineClient.start({ inProcess: true, threads: 1 });
    try {
      const model = { path: DIR, variant };
      const info = await client.inspect(model);
      assert.equal(path.basename(info.onnxFile), file);
      const r = await client.neuronTokens(
        model,
        rows.map(({ layer, index }) => ({ layer, index })),
        rows[0].promoted.length,
      );
      rows.forEach((want, j) => {
        const got = r.neurons[j];
        const scale = Math.abs(want.promoted[0][1]);
        for (const [side, list] of [
          ['promoted', got.promoted],
          ['suppressed', got.suppressed],
        ] as const) {
          assert.deepEqual(
            list.map((t) => t.id),
            want[side].map(([id]) => id),
            `${file} ${want.layer}:${want.index} ${side}`,
          );
          list.forEach((t, k) => assert.ok(Math.abs(t.score - want[side][k][1]) <= 1e-5 * scale, `${side} ${k}: ${t.score} vs ${want[side][k][1]}`));
        }
      });
    } finally {
      await client.close();
    }
  });
}
