// Runs an exported demo model with onnxruntime-node and compares its logits with the PyTorch reference
// written by export.py (a left-padded batch with an empty past, then one KV-cache step).
// usage: node tools/demo-model/ort_check.cjs models/demo-instruct /tmp/demo-model-work/ort_cases_instruct.json
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function i64(rows) {
  const flat = rows.flat();
  return new ort.Tensor('int64', BigInt64Array.from(flat.map((v) => BigInt(v))), [rows.length, rows[0].length]);
}

function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function main() {
  const [dir, casesPath] = process.argv.slice(2);
  const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
  const b = cases.step1.input_ids.length;
  const feeds = {
    input_ids: i64(cases.step1.input_ids),
    attention_mask: i64(cases.step1.attention_mask),
    position_ids: i64(cases.step1.position_ids),
  };
  for (let l = 0; l < cases.num_layers; l++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [b, cases.kv_heads, 0, cases.head_dim]);
    }
  }
  const out1 = await session.run(feeds);
  const d1 = maxDiff(out1.logits.data, cases.step1.logits);
  const feeds2 = {
    input_ids: i64(cases.step2.input_ids),
    attention_mask: i64(cases.step2.attention_mask),
    position_ids: i64(cases.step2.position_ids),
  };
  for (let l = 0; l < cases.num_layers; l++) {
    for (const kv of ['key', 'value']) feeds2[`past_key_values.${l}.${kv}`] = out1[`present.${l}.${kv}`];
  }
  const out2 = await session.run(feeds2);
  const d2 = maxDiff(out2.logits.data, cases.step2.logits);
  const ok = d1 < 1e-4 && d2 < 1e-4 && out1.logits.data.length === cases.step1.logits.length;
  console.log(JSON.stringify({
    model: dir, ort: require('onnxruntime-node/package.json').version, inputs: session.inputNames.length,
    outputs: session.outputNames.length, logits_dims: out1.logits.dims, maxAbsDiffEmptyPast: d1,
    maxAbsDiffKvStep: d2, ok,
  }));
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
