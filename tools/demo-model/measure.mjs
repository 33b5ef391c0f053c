#!/usr/bin/env node
// Measures the demo models with the project's own CLI (node dist/cli.js, after `npm run build`): every number of
// the README's results table and the circuit-size curve, each printed beside the command that produced it.
// usage: node tools/demo-model/measure.mjs [--only table|curve] [--out measure.json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const outFile = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const tmp = mkdtempSync(join(tmpdir(), 'cna-measure-'));
const INSTRUCT = 'models/demo-instruct';
const BASE = 'models/demo-base';
const DISCOVERY = 'examples/nous-discovery.cnapairs';
const results = [];

function cli(cmd) {
  const started = Date.now();
  const out = execFileSync('node', ['dist/cli.js', ...cmd, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  return { json: JSON.parse(out), seconds: (Date.now() - started) / 1000 };
}

function record(what, cmd, value) {
  const line = { what, command: `node dist/cli.js ${cmd.join(' ')}`, ...value };
  results.push(line);
  console.log(JSON.stringify(line));
}

const pct = (x) => Math.round(x * 1000) / 10;

/** Refusal at m = 1 of one side of a pair file (the circuit is irrelevant at m = 1). */
function refusal(model, file, side) {
  const cmd = ['sweep', file, '--model', model, '--eval', side, '--multipliers', '1', '--control', 'none'];
  const { json, seconds } = cli(cmd);
  record(`${model} ${file} ${side}`, cmd, { refusal: pct(json.points[0].refusalRate), quality: json.points[0].quality, n: json.points[0].n, seconds });
}

function ablation(model, top, evalFile, label, multipliers = '0,1,2') {
  const circuit = join(tmp, `${label}.json`);
  const att = ['attribute', DISCOVERY, '--model', model, '--out', circuit, ...(top ? ['--top', top] : [])];
  const a = cli(att);
  const cmd = ['sweep', DISCOVERY, '--model', model, '--circuit', circuit, '--eval', evalFile, '--multipliers', multipliers, '--control', 'random'];
  const { json, seconds } = cli(cmd);
  const at = (m) => json.points.find((p) => p.multiplier === m);
  const ctl = json.control.find((p) => p.multiplier === 0);
  const layers = {};
  for (const n of a.json.neurons) layers[n.layer] = (layers[n.layer] ?? 0) + 1;
  record(`${label}: ${model} circuit of ${DISCOVERY} (${top ?? 'as shipped'}) on ${evalFile}`, [...att, '&&', ...cmd], {
    k: a.json.k,
    layers,
    m1: at(1) ? pct(at(1).refusalRate) : undefined,
    m0: pct(at(0).refusalRate),
    m2: at(2) ? pct(at(2).refusalRate) : undefined,
    randomM0: pct(ctl.refusalRate),
    qualityM0: at(0).quality,
    qualityM1: at(1)?.quality,
    klM0: at(0).kl,
    seconds: seconds + a.seconds,
  });
}

if (only !== 'curve') {
  for (const model of [INSTRUCT, BASE]) {
    for (const file of ['examples/jbb-behaviors.cnapairs', 'examples/heldout.cnapairs']) {
      for (const side of ['positive', 'negative']) refusal(model, file, side);
    }
  }
  for (const model of [INSTRUCT, BASE]) {
    for (const evalFile of ['examples/heldout.cnapairs', 'examples/jbb-behaviors.cnapairs']) ablation(model, undefined, evalFile, 'shipped');
  }
}
if (only !== 'table') {
  for (const top of ['0.1%', '0.25%', '0.5%', '1%', '2%', '4%']) ablation(INSTRUCT, top, 'examples/heldout.cnapairs', `curve-${top}`, '0');
}
if (outFile) writeFileSync(outFile, JSON.stringify(results, null, 1) + '\n');
