import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chunks, encodeVarint, parseFields, readVarint } from '../../../src/engine/onnx/wire';
import { ModelView } from '../../../src/engine/onnx/model';
import { instrumentModel } from '../../../src/engine/surgery';
import { Msg, unknownField } from '../../fixtures/onnx-writer';
import { buildTinyOnnx, makeTinyModel } from '../../fixtures/tiny-llama';
import { runModel, makeScenario, cnaFeeds, ones, maxDiff } from '../../fixtures/tiny-llama-run';

// Expected encodings from the protobuf encoding guide (varints are little-endian base-128; int64 -1 is 10 bytes).
test('varints decode and encode like protobuf defines them', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [1, [0x01]],
    [150, [0x96, 0x01]],
    [300, [0xac, 0x02]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [2 ** 53 - 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    [-1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-2, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [-(2 ** 40), [0x80, 0x80, 0x80, 0x80, 0x80, 0xe0, 0xff, 0xff, 0xff, 0x01]],
  ];
  for (const [value, bytes] of cases) {
    assert.deepEqual(Array.from(encodeVarint(value)), bytes, `encode ${value}`);
    assert.deepEqual(readVarint(Uint8Array.from(bytes), 0), [value, bytes.length], `decode ${value}`);
  }
});

test('parseFields splits every wire type and keeps payloads as views', () => {
  const msg = new Msg().int(1, 7).str(2, 'abc').f32(3, 1.5).raw([0x21, 1, 2, 3, 4, 5, 6, 7, 8]).int(5, -1).build();
  const fields = parseFields(msg);
  assert.deepEqual(
    fields.map((f) => [f.num, f.wire]),
    [
      [1, 0],
      [2, 2],
      [3, 5],
      [4, 1],
      [5, 0],
    ],
  );
  assert.equal(fields[0].varint, 7);
  assert.equal(new TextDecoder().decode(fields[1].data), 'abc');
  assert.equal(fields[1].data.buffer, msg.buffer, 'payload is a view, not a copy');
  assert.equal(fields[4].varint, -1);
  assert.throws(() => parseFields(msg.subarray(0, msg.length - 3)), /runs past the end|past the end|truncated/);
});

test('Chunks builds nested messages that an independent decoder reads back', () => {
  const inner = new Chunks().string(1, 'x').int(2, 300);
  const outer = new Chunks().message(7, inner).int(3, -5).concat();
  const expected = new Msg().msg(7, new Msg().str(1, 'x').int(2, 300)).int(3, -5).build();
  assert.deepEqual(Array.from(outer), Array.from(expected));
});

test('unknown fields survive a decode/encode round trip byte for byte', () => {
  const built = buildTinyOnnx(makeTinyModel({ quant: 'q4' }), { unknownFields: true });
  const bytes = built.bytes;
  assert.deepEqual(Array.from(new ModelView(bytes).encode(true)), Array.from(bytes));
  // Also through the If subgraph path of a merged decoder.
  const merged = buildTinyOnnx(makeTinyModel({ layout: 'merged-if' }), { unknownFields: true }).bytes;
  assert.deepEqual(Array.from(new ModelView(merged).encode(true)), Array.from(merged));
});

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

test('unknown fields survive instrumentation, also in rewritten nodes, and the model still runs', async () => {
  const m = makeTinyModel();
  const plain = buildTinyOnnx(m);
  const built = buildTinyOnnx(m, { unknownFields: true });
  const inst = instrumentModel(built.bytes, { additive: true });
  for (const [num, text] of [
    [99, 'UNKNOWN-MODEL-FIELD'],
    [98, 'UNKNOWN-GRAPH-FIELD'],
    [97, 'UNKNOWN-VALUEINFO-FIELD'],
    [96, 'UNKNOWN-TENSOR-FIELD'],
    [95, 'UNKNOWN-NODE-FIELD'],
  ] as const) {
    const field = unknownField(num, text);
    assert.ok(contains(built.bytes, field), `fixture has ${text}`);
    assert.ok(contains(inst.bytes, field), `instrumented model kept ${text}`);
  }
  // Every original initializer survives as the identical byte run.
  const g = new ModelView(built.bytes).graph;
  for (const t of g.initializers) assert.ok(contains(inst.bytes, t.bytes), `initializer ${t.name}`);
  const sc = { batch: 1, seq: 3, past: 1, paddedRows: [], captureIndex: [2] };
  const data = makeScenario(m, sc);
  const a = await runModel(plain.bytes, data.feeds);
  const b = await runModel(inst.bytes, { ...data.feeds, ...cnaFeeds(m, sc, ones(m, 1), [[new Float64Array(16)], [new Float64Array(16)], [new Float64Array(16)]]) });
  assert.equal(maxDiff(a.logits, b.logits), 0);
});

test('instrumenting does not copy weights until the final buffer', () => {
  const built = buildTinyOnnx(makeTinyModel());
  const view = new ModelView(built.bytes);
  for (const t of view.graph.initializers) assert.equal(t.bytes.buffer, built.bytes.buffer);
});
