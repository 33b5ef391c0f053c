import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleLayer, downsampleLayers } from '../../../webview/downsample';
import type { LayerMagnitudesDownsampled } from '../../../src/webviewProtocol';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

function signedValues(size: number, seed: number): Float32Array {
  const r = rng(seed);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = (r() - 0.5) * (r() < 0.01 ? 20 : 1);
  return v;
}

const options = { topN: 50, buckets: 40, keepWholeBelow: 100 };

test('keeps exactly the topN largest |delta| (brute-force reference), with their values', () => {
  const values = signedValues(4864, 1);
  const d = downsampleLayer(3, values, options);
  const expected = Array.from(values.keys())
    .sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]))
    .slice(0, 50)
    .sort((a, b) => a - b);
  assert.deepEqual(
    [...d.topIndex].sort((a, b) => a - b),
    expected,
  );
  d.topIndex.forEach((i, j) => assert.equal(d.topValue[j], Math.fround(Math.abs(values[i]))));
  assert.equal(d.layer, 3);
  assert.equal(d.size, 4864);
});

test('the min/max envelope matches each bucket of indices and covers the layer', () => {
  const values = signedValues(1003, 2);
  const d = downsampleLayer(0, values, options);
  assert.equal(d.bucketMin.length, Math.ceil(1003 / d.bucketSize));
  assert.ok(d.bucketSize * d.bucketMin.length >= 1003);
  for (let b = 0; b < d.bucketMin.length; b++) {
    const slice = Array.from(values.slice(b * d.bucketSize, (b + 1) * d.bucketSize), (x) => Math.fround(Math.abs(x)));
    assert.equal(d.bucketMin[b], Math.min(...slice));
    assert.equal(d.bucketMax[b], Math.max(...slice));
  }
});

test('kept neurons (circuit, universal) survive whatever their rank, once each', () => {
  const values = signedValues(2000, 3);
  const weakest = Array.from(values.keys())
    .sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]))
    .slice(0, 3);
  const d = downsampleLayer(1, values, options, [...weakest, weakest[0]]);
  for (const i of weakest) {
    assert.equal(d.topIndex.filter((x) => x === i).length, 1);
    assert.equal(d.topValue[d.topIndex.indexOf(i)], Math.fround(Math.abs(values[i])));
  }
  assert.equal(d.topIndex.length, 53);
});

test('ties at the threshold still keep exactly topN', () => {
  const d = downsampleLayer(0, new Float32Array(500).fill(0.5), options);
  assert.equal(d.topIndex.length, 50);
  assert.equal(new Set(d.topIndex).size, 50);
});

test('small layers are kept whole', () => {
  const values = [0.1, -0.4, 0.2];
  const d = downsampleLayer(2, values, options);
  assert.deepEqual(d.topIndex, [0, 1, 2]);
  assert.deepEqual(
    d.topValue.map((x) => Number(x.toFixed(4))),
    [0.1, 0.4, 0.2],
  );
  assert.equal(d.bucketMin.length, 0);
});

test('downsampleLayers routes kept neurons to their layer and passes downsampled layers through', () => {
  const ready: LayerMagnitudesDownsampled = {
    kind: 'downsampled',
    layer: 0,
    size: 10,
    topIndex: [1],
    topValue: [0.9],
    bucketSize: 10,
    bucketMin: [0],
    bucketMax: [0.9],
  };
  const full = signedValues(3000, 4);
  const weakest = Array.from(full.keys()).sort((a, b) => Math.abs(full[a]) - Math.abs(full[b]))[0];
  const [a, b] = downsampleLayers(
    [ready, { kind: 'full', layer: 5, absDelta: full }],
    [
      { layer: 5, index: weakest },
      { layer: 0, index: 7 },
    ],
    options,
  );
  assert.equal(a, ready);
  assert.ok(b.topIndex.includes(weakest));
  assert.equal(b.layer, 5);
});
