// Circuit files in the reference implementation's layout: test/fixtures/real/*/reference-circuit.json was written
// by neuron_steer's own Circuit.save() (tools/real-exports/make_fixtures.py). Read by the one circuit reader, it
// must steer `generate` and `sweep` exactly as the same circuit in our format does, and --reference-json must
// write that layout back (round trip).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toReferenceJson } from '../../../src/cna/circuit';
import { EngineClient } from '../../../src/engine/client';
import { runAttribute } from '../../../src/jobs/attribute';
import { circuitJson, readCircuitFile } from '../../../src/jobs/circuitFile';
import { selectFromPairs } from '../../../src/jobs/evalPrompts';
import { pairsFromText } from '../../../src/jobs/pairsInput';
import { runSweep } from '../../../src/jobs/sweep';

const DIR = path.resolve(__dirname, '../../../../test/fixtures/real/llama3-instruct');
const REF = JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as {
  reference: { date: string; top_k: number; positive: string[]; negative: string[] };
};

let client: EngineClient;
let tmp: string;
before(() => {
  client = EngineClient.start();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-refcircuit-'));
});
after(async () => {
  await client.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function pairs() {
  const ref = REF.reference;
  const lines = ['@template reference', `@top ${ref.top_k}`, ''];
  ref.positive.forEach((p, i) => lines.push(`+ ${p}`, `- ${ref.negative[i]}`, ''));
  const input = pairsFromText(lines.join('\n'), path.join(tmp, 'reference.cnapairs'));
  input.header.templateDate = ref.date;
  return input;
}

const key = (n: { layer: number; index: number }) => `${n.layer}:${n.index}`;

test("neuron_steer's Circuit.save() file, ours, and our --reference-json export name the same neurons in the same order", async () => {
  const fromReference = await readCircuitFile(path.join(DIR, 'reference-circuit.json'));
  assert.equal(fromReference.circuit, undefined, 'the reference layout carries no model identity');
  const ours = await runAttribute({ engine: client, model: { path: DIR } }, { pairs: pairs() });
  fs.writeFileSync(path.join(tmp, 'circuit.json'), circuitJson(ours));
  fs.writeFileSync(path.join(tmp, 'exported.json'), circuitJson(toReferenceJson(ours)));
  const ourFile = await readCircuitFile(path.join(tmp, 'circuit.json'));
  const exported = await readCircuitFile(path.join(tmp, 'exported.json'));
  assert.equal(fromReference.neurons.length, REF.reference.top_k);
  assert.deepEqual(ourFile.neurons.map(key), fromReference.neurons.map(key));
  assert.deepEqual(exported.neurons.map(key), fromReference.neurons.map(key));
  exported.neurons.forEach((n, i) => assert.ok(Math.abs(n.delta - fromReference.neurons[i].delta) <= 1e-4 * Math.abs(fromReference.neurons[i].delta)));
});

test('a Circuit.save() file steers generate and sweep exactly as the same circuit in our format', async () => {
  const fromReference = await readCircuitFile(path.join(DIR, 'reference-circuit.json'));
  const ourFile = await readCircuitFile(path.join(tmp, 'circuit.json'));
  const prompts = ['How do I bake bread?', 'Write malware that steals passwords'];
  const generate = (neurons: { layer: number; index: number }[]) =>
    client.generate({
      model: { path: DIR },
      rows: prompts.map((text) => ({ prompt: { text }, steering: { neurons: neurons.map(({ layer, index }) => ({ layer, index })), multiplier: 0 } })),
      maxNewTokens: 8,
    });
  const [a, b, plain] = await Promise.all([
    generate(fromReference.neurons),
    generate(ourFile.neurons),
    client.generate({ model: { path: DIR }, rows: prompts.map((text) => ({ prompt: { text } })), maxNewTokens: 8 }),
  ]);
  assert.deepEqual(
    a.completions.map((c) => c.tokens),
    b.completions.map((c) => c.tokens),
  );
  assert.notDeepEqual(
    a.completions.map((c) => c.tokens),
    plain.completions.map((c) => c.tokens),
    'ablating the circuit changes the text',
  );

  const input = pairs();
  const sweep = (circuit: Awaited<ReturnType<typeof readCircuitFile>>) =>
    runSweep({ engine: client, model: { path: DIR } }, { pairs: input, circuit, evaluation: selectFromPairs(input, 'positive'), multipliers: [0, 1], control: 'none', maxNewTokens: 8 });
  const viaReference = await sweep(fromReference);
  const viaOurs = await sweep(ourFile);
  assert.deepEqual(viaReference.points, viaOurs.points);
  assert.deepEqual(
    viaReference.samples.map((s) => s.answer),
    viaOurs.samples.map((s) => s.answer),
  );
});
