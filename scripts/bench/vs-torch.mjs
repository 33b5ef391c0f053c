// Bench section: CNA against what users would run instead, on the same weights (the real-shape model's PyTorch
// checkpoint and its optimum export) and the same chat-formatted token ids, alternated round by round in this
// process tree. Needs the hf-stack kit (transformers, neuron_steer; see lib/hfstack.mjs) and a model made with it;
// without them it says why and skips these keys only. Speedups are their median over ours (> 1: we are faster).
//   discoveryVsReference     whole discovery run (process start, load, PAIRS pairs, circuit): `cna attribute`
//                            vs neuron_steer's find_feature as its users run it (batch 1, it tokenises itself,
//                            after NeuronSteerer's default universal-neuron detection: ten prompts; ours runs
//                            its ten generic prompts too)
//   discoveryVsTorchBatched  the same vs PyTorch eager in batches of 8 with forward pre-hooks on down_proj
//   loadVsTorch              discovery's load until its first forward pass: from_pretrained vs cna attribute's
//                            (loadGenerateVsTorch: the generation session's)
//   decodeVsTorch            greedy decode ms/token at batch 1 (median step), model.generate vs ours
//   generateBatch{1,8}VsTorch  8 prompts x 64 new tokens, one at a time / as one batch of 8
// CNA_BENCH_PAIRS (default 40) and CNA_BENCH_ROUNDS (default 3) shrink it while developing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_CACHE, ensureRealShapeModel, median } from './engine.mjs';
import { hfStack, kitEnv } from './lib/hfstack.mjs';

export const name = 'vs-torch';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const out = (m) => require(join(ROOT, 'out', 'src', m));
const WORK = join(ROOT, '.bench', 'vs-torch');
const PAIRS = Number(process.env.CNA_BENCH_PAIRS ?? 40);
const ROUNDS = Number(process.env.CNA_BENCH_ROUNDS ?? 3);
// PyTorch's batch-1 generate is the slowest part (several minutes a round on this machine): one round unless asked.
const GENERATE_ROUNDS = Number(process.env.CNA_BENCH_GENERATE_ROUNDS ?? 1);
const THREADS = 2;
const TOP_K = 200;
const NEW_TOKENS = 64;
const GENERATE_PROMPTS = 8;

export async function run() {
  const made = ensureRealShapeModel();
  const kit = hfStack();
  const skip = kit.absent ?? (made.checkpoint ? undefined : `${made.dir} was not made with the hf-stack kit (no PyTorch checkpoint beside it); delete it to remake it`);
  if (skip) return [{ metric: 'vsTorchSkipped', value: `${skip}: discoveryVsReference, discoveryVsTorchBatched, loadVsTorch and decodeVsTorch skipped`, unit: '' }];
  const blas = spawnSync('dpkg-query', ['-W', '-f=${Status}', 'libopenblas0-pthread'], { encoding: 'utf8' });
  if (!/install ok installed/.test(blas.stdout ?? '')) {
    return [{ metric: 'vsTorchSkipped', value: 'Debian torch runs on OpenBLAS here: apt-get install libopenblas0-pthread', unit: '' }];
  }

  mkdirSync(WORK, { recursive: true });
  const { pairsFromText } = out('jobs/pairsInput.js');
  const { openModelFolder } = out('engine/modelFolder.js');
  const { TextTokenizer } = out('engine/tokenizer.js');
  const source = pairsFromText(readFileSync(join(ROOT, 'examples', 'nous-discovery.cnapairs'), 'utf8'), 'nous-discovery.cnapairs');
  const pairs = source.discovery.slice(0, PAIRS);
  const indent = (t) => t.replace(/\n/g, '\n  ');
  const pairsFile = join(WORK, 'pairs.cnapairs');
  writeFileSync(pairsFile, ['@feature refusal', '', ...pairs.flatMap((p) => [`+ ${indent(p.positive.text)}`, `- ${indent(p.negative.text)}`, ''])].join('\n'));
  const folder = openModelFolder(made.dir);
  const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, folder.chatTemplate, folder.name);
  const ids = (text) => Array.from(tokenizer.encodePrompt({ text }));
  const positive = pairs.map((p) => p.positive.text);
  const negative = pairs.map((p) => p.negative.text);
  const discovery = { positive, negative, positiveIds: positive.map(ids), negativeIds: negative.map(ids), topK: TOP_K, threads: THREADS };
  const prompts = discovery.positiveIds.slice(0, GENERATE_PROMPTS);

  const torch = (task) => {
    const file = join(WORK, `task-${task.mode}.json`);
    writeFileSync(file, JSON.stringify(task));
    const t = performance.now();
    const r = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts', 'bench', 'torch_side.py'), kit.dest, made.checkpoint, file], {
      encoding: 'utf8',
      env: kitEnv(kit.dest, THREADS),
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    });
    const wallMs = performance.now() - t;
    if (r.status !== 0) throw new Error(`torch_side.py ${task.mode} failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    return { ...JSON.parse(r.stdout.trim().split('\n').pop()), wallMs };
  };
  const ours = () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'attribute', pairsFile, '--model', made.dir, '--top', String(TOP_K), '--no-universal-filter', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, CNA_CACHE_DIR: BENCH_CACHE },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    });
    const wallMs = performance.now() - t;
    if (r.status !== 0) throw new Error(`cna attribute failed: ${(r.stderr ?? '').trim().split('\n').pop()}`);
    return { wallMs, timings: JSON.parse(r.stdout).timings };
  };

  // Warm-ups: ours builds its session cache (what a user's first run does once per model; timed here).
  const firstRun = ours();
  await (await loadModelFor(made.dir, 'generate')).release();
  const sides = { ours: [], reference: [], batched: [], oursGen: [], torchGen: [] };
  for (let round = 0; round < ROUNDS; round++) {
    process.stderr.write(`bench: vs-torch round ${round + 1} of ${ROUNDS}...\n`);
    // Who goes first alternates, so neither side always runs on a warmer machine.
    const discoveryRuns = [
      () => sides.ours.push(ours()),
      () => sides.reference.push(torch({ ...discovery, mode: 'reference' })),
      () => sides.batched.push(torch({ ...discovery, mode: 'batched', batch: 8 })),
    ];
    for (const f of round % 2 === 0 ? discoveryRuns : discoveryRuns.reverse()) f();
    const generationRuns = [
      async () => sides.oursGen.push(await oursGenerate(made.dir, prompts)),
      async () => sides.torchGen.push(torch({ mode: 'generate', prompts, newTokens: NEW_TOKENS, batches: [1, 8], threads: THREADS })),
    ];
    if (round < GENERATE_ROUNDS) for (const f of round % 2 === 0 ? generationRuns : generationRuns.reverse()) await f();
  }

  const med = (xs, f) => median(xs.map(f));
  const ratio = (metric, theirs, ourMs, what, rounds = ROUNDS) => ({ metric, value: theirs / ourMs, unit: `x (${what}: theirs ${fmt(theirs)} vs ours ${fmt(ourMs)}, medians of ${rounds})` });
  const oursWall = med(sides.ours, (r) => r.wallMs);
  const rows = [
    {
      metric: 'vsTorchSetup',
      value: { pairs: pairs.length, rounds: ROUNDS, generateRounds: GENERATE_ROUNDS, threads: THREADS, torch: sides.batched[0].torch, topK: TOP_K, idsMatch: sides.reference.every((r) => r.idsMatch) },
      unit: '',
    },
    ratio(
      'discoveryVsReference',
      med(sides.reference, (r) => r.wallMs),
      oursWall,
      `whole run, ${2 * pairs.length} prompts, neuron_steer find_feature at batch 1 vs cna attribute`,
    ),
    ratio(
      'discoveryVsTorchBatched',
      med(sides.batched, (r) => r.wallMs),
      oursWall,
      'whole run, PyTorch eager with hooks in batches of 8 vs cna attribute',
    ),
    { metric: 'discoveryOursFirstRunMs', value: firstRun.wallMs, unit: 'ms (cna attribute the first time on this model: builds the session cache)' },
    { metric: 'discoveryOursLoadMs', value: med(sides.ours, (r) => r.timings.loadMs), unit: 'ms (cna attribute: inspect and load, in its own timings)' },
    { metric: 'discoveryOursForwardMs', value: med(sides.ours, (r) => r.timings.forwardMs), unit: 'ms' },
    {
      metric: 'discoveryOursOtherShare',
      value: med(sides.ours, (r) => (100 * r.timings.otherMs) / (r.timings.forwardMs + r.timings.otherMs)),
      unit: `% (everything but load and forward passes, of the work; target < 5; ${fmt(med(sides.ours, (r) => r.timings.otherMs))})`,
    },
    {
      metric: 'discoveryReferenceWorkMs',
      value: med(sides.reference, (r) => r.workMs),
      unit: `ms (find_feature alone; import ${fmt(med(sides.reference, (r) => r.importMs))}, load ${fmt(med(sides.reference, (r) => r.loadMs))})`,
    },
    { metric: 'discoveryTorchBatchedWorkMs', value: med(sides.batched, (r) => r.workMs), unit: `ms (forward passes and ranking; load ${fmt(med(sides.batched, (r) => r.loadMs))})` },
    ratio(
      'loadVsTorch',
      med([...sides.reference, ...sides.batched], (r) => r.loadMs),
      med(sides.ours, (r) => r.timings.loadMs),
      "discovery's load until its first forward pass: from_pretrained in the torch runs vs cna attribute's load (cached session)",
    ),
    ratio(
      'loadGenerateVsTorch',
      med(sides.torchGen, (r) => r.loadMs),
      med(sides.oursGen, (r) => r.loadMs),
      "generation's load: from_pretrained vs loadModel of the generation session (cached, weights pre-packed)",
      GENERATE_ROUNDS,
    ),
    ratio(
      'decodeVsTorch',
      med(sides.torchGen, (r) => r.generate['1'].decodeMsPerToken),
      med(sides.oursGen, (r) => r.generate['1'].decodeMsPerToken),
      'decode ms/token at batch 1, median step: model.generate vs ours',
      GENERATE_ROUNDS,
    ),
    ratio(
      'generateBatch1VsTorch',
      med(sides.torchGen, (r) => r.generate['1'].workMs),
      med(sides.oursGen, (r) => r.generate['1'].workMs),
      `${GENERATE_PROMPTS} prompts x ${NEW_TOKENS} new tokens one at a time`,
      GENERATE_ROUNDS,
    ),
    ratio(
      'generateBatch8VsTorch',
      med(sides.torchGen, (r) => r.generate['8'].workMs),
      med(sides.oursGen, (r) => r.generate['8'].workMs),
      `${GENERATE_PROMPTS} prompts x ${NEW_TOKENS} new tokens as one batch`,
      GENERATE_ROUNDS,
    ),
  ];
  return rows;
}

/** Our side of the generation head-to-head, in this process: load, then 8 prompts at batch 1 and at batch 8. */
async function oursGenerate(dir, prompts) {
  const { generateBatch } = out('engine/generate.js');
  let t = performance.now();
  const model = await loadModelFor(dir, 'generate');
  const loadMs = performance.now() - t;
  model.eos = []; // every row generates NEW_TOKENS tokens, as torch's do
  const generate = {};
  try {
    for (const batch of [1, 8]) {
      const steps = [];
      t = performance.now();
      for (let s = 0; s < prompts.length; s += batch) {
        let last = 0;
        await generateBatch(
          model,
          prompts.slice(s, s + batch).map((ids) => ({ ids })),
          {
            maxNewTokens: NEW_TOKENS,
            onStep: (step) => {
              const now = performance.now();
              if (step > 0) steps.push(now - last);
              last = now;
            },
          },
        );
      }
      generate[batch] = { workMs: performance.now() - t, decodeMsPerToken: median(steps) };
    }
  } finally {
    await model.release();
  }
  return { loadMs, generate };
}

/** Loads as the CLI would, with the bench's session cache. */
function loadModelFor(dir, first) {
  const { loadModel } = out('engine/session.js');
  return loadModel({ path: dir }, { threads: THREADS, first, cache: { dir: BENCH_CACHE } });
}

const fmt = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
