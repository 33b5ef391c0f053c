// Bench section: the engine runtime on the real Qwen2.5-0.5B-Instruct shape (24 layers, hidden 896, MLP 4864,
// 14 heads, 2 KV heads, 151,936-token vocabulary) with random weights, generated once into .bench/ (gitignored):
// exported by optimum with the hf-stack kit (make-qwen-optimum.py), else by torch.onnx.export
// (make-qwen-shaped.py --real-vocab), with Debian's /usr/bin/python3 + torch. Measured side by side in one run:
//   instrumentedOverPlain  instrumented (full graph) vs original graph, same prefill batch (target <= 1.10)
//   prefillFractionOfPeak  prefill GFLOP/s over one large MatMul's GFLOP/s in ORT (target >= 0.5)
//   batchedSweepSpeedup    8 multipliers as 8 rows of one generation vs 8 generations (target >= 3)
//   rssGrowth50to500       peak RSS while capturing 500 vs 50 prompts (AdvBench goals, chat-formatted, 16 rows a
//                          pass as discovery runs them), each in a fresh process (target <= 0.10)
//   anonGrowth50to500      the same for anonymous memory only (Linux): what the capture itself allocates, without the
//                          memory-mapped weight pages, which fault in as new token ids reach the embedding table
//   decodeMsPerToken64/512 one-row decode step at 64 and 512 tokens of context
// Run alone: node scripts/bench.mjs engine (after tsc -p test/tsconfig.json). CNA_BENCH_REAL_MODEL=DIR uses another folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hfStack, kitEnv } from './lib/hfstack.mjs';

export const name = 'engine';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const out = (m) => require(join(ROOT, 'out', 'src', 'engine', m));

/** The real shape: Qwen2.5-0.5B-Instruct with its full 151,936-token vocabulary (about 2.5 GB of random weights). */
export const REAL_SHAPE = process.env.CNA_BENCH_REAL_MODEL ?? join(ROOT, '.bench', 'qwen-real-shape');
const MODEL = REAL_SHAPE;
/** The session cache the bench's loads share (src/engine/sessionCache.ts), inside the ignored .bench/. */
export const BENCH_CACHE = join(ROOT, '.bench', 'session-cache');

const PYTHON_PACKAGES = 'python3-torch python3-onnx python3-numpy libopenblas0-pthread';
const FALLBACK_SOURCE = 'Qwen2.5-0.5B shape, random weights, scripts/bench/make-qwen-shaped.py --real-vocab (torch.onnx.export; no hf-stack kit when it was made)';

/**
 * The real-shape model, made on first use: with the hf-stack kit, the real transformers Qwen2 classes exported by
 * optimum (make-qwen-optimum.py, which also keeps the PyTorch checkpoint for the head-to-head); without it,
 * make-qwen-shaped.py's torch.onnx.export of the same shape. Returns where it is and where it came from.
 */
export function ensureRealShapeModel() {
  const dir = MODEL;
  if (!existsSync(join(dir, 'matmul.onnx'))) {
    const check = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx, numpy'], { stdio: 'ignore' });
    if (check.status !== 0) {
      throw new Error(`could not generate the bench model: /usr/bin/python3 lacks torch, onnx or numpy; install the Debian packages: apt-get install ${PYTHON_PACKAGES}`);
    }
    const kit = hfStack();
    const script = kit.dest ? 'make-qwen-optimum.py' : 'make-qwen-shaped.py';
    if (kit.absent) process.stderr.write(`bench: ${kit.absent}: the model is exported by torch.onnx.export instead of optimum, and the PyTorch head-to-head is skipped.\n`);
    process.stderr.write(`bench: generating ${dir} (random weights, about 2.5 GB; several minutes and ~10 GB of RAM)...\n`);
    const args = kit.dest ? [kit.dest, dir] : [dir, '--real-vocab'];
    const r = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts', 'bench', script), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: kit.dest ? kitEnv(kit.dest) : { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`could not generate the bench model ${dir}: ${script} failed (see above)`);
  }
  const sourceFile = join(dir, 'bench-source.json');
  const made = existsSync(sourceFile) ? JSON.parse(readFileSync(sourceFile, 'utf8')) : undefined;
  return {
    dir,
    source: made?.source ?? FALLBACK_SOURCE,
    checkpoint: made?.checkpoint && existsSync(join(dirname(dir), made.checkpoint)) ? join(dirname(dir), made.checkpoint) : undefined,
  };
}

function rng(seed) {
  return () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const randomIds = (r, n, vocab) => Array.from({ length: n }, () => 3 + Math.floor(r() * (vocab - 3)));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// The fastest of several runs: on a shared machine, slower runs measure the neighbours, not the engine.
export const best = (xs) => Math.min(...xs);

export async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** FLOPs of one forward pass over `rows` x `seq` tokens (matmuls and attention; the graph computes all logits). */
function forwardFlops(info, vocab, heads, kvHeads, headDim, rows, seq) {
  const H = info.hiddenSize;
  const I = info.intermediateSize;
  const perTokenLayer = 2 * (H * heads * headDim + 2 * H * kvHeads * headDim + heads * headDim * H + 3 * H * I);
  const attention = 4 * seq * seq * heads * headDim; // QK^T and PV per row and layer (full square, as computed)
  return rows * (seq * (perTokenLayer * info.layers + 2 * H * vocab) + attention * info.layers);
}

/** The graph every pass ran before the two purpose-built sessions: instrumented, logits at every position. */
export async function fullInstrumentedSession(model, threads) {
  const ort = require('onnxruntime-node');
  const { instrumentModel } = out('surgery.js');
  const { bytes } = instrumentModel(readFileSync(model.folder.onnxPath), {}, { layers: model.info.layers });
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    extra: { session: { model_external_initializers_file_folder_path: dirname(model.folder.onnxPath) } },
  });
}

export async function run() {
  ensureRealShapeModel();
  const ort = require('onnxruntime-node');
  const { loadModel, defaultThreads } = out('session.js');
  const { prefillFeeds, leftPad, emptyPast } = out('forward.js');
  const { generateBatch } = out('generate.js');
  const threads = defaultThreads();
  const rows = [];
  const model = await loadModel({ path: MODEL }, { threads, cache: { dir: BENCH_CACHE } });
  const cfg = model.folder.config;
  const vocab = model.vocabSize;
  const r = rng(42);
  const sessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 };

  // 1. Instrumented vs plain, prefill of 4 x 64 tokens, interleaved to share the machine's noise.
  {
    const plain = await ort.InferenceSession.create(model.folder.onnxPath, sessionOptions);
    const inst = await fullInstrumentedSession(model, threads);
    const B = 4;
    const T = 64;
    const batch = leftPad(
      Array.from({ length: B }, () => randomIds(r, T, vocab)),
      0,
    );
    const feeds = prefillFeeds(model, batch, Array(B).fill(undefined));
    const plainFeeds = {
      input_ids: feeds.input_ids,
      attention_mask: feeds.attention_mask,
      position_ids: feeds.position_ids,
      ...emptyPast(model, B),
    };
    const capture = Array.from({ length: model.info.layers }, (_, l) => `cna_capture_${l}`);
    await plain.run(plainFeeds, ['logits']);
    await inst.run(feeds, ['logits', ...capture]);
    const tPlain = [];
    const tInst = [];
    for (let i = 0; i < 5; i++) {
      tPlain.push(await timed(() => plain.run(plainFeeds, ['logits'])));
      tInst.push(await timed(() => inst.run(feeds, ['logits', ...capture])));
    }
    await plain.release();
    await inst.release();
    const ratio = best(tInst) / best(tPlain);
    rows.push({ metric: 'instrumentedOverPlain', value: ratio, unit: `x (target <= 1.10; medians ${(median(tInst) / median(tPlain)).toFixed(3)})` });
    rows.push({ metric: 'prefillMs4x64', value: best(tInst), unit: 'ms (plain graph: ' + best(tPlain).toFixed(0) + ' ms)' });

    // 2. Prefill GFLOP/s against one large MatMul in the same ORT, same threads.
    const flops = forwardFlops(model.info, vocab, cfg.numHeads, cfg.numKvHeads, cfg.headDim, B, T);
    const prefillGflops = flops / (best(tInst) / 1000) / 1e9;
    const mm = await ort.InferenceSession.create(join(MODEL, 'matmul.onnx'), sessionOptions);
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 256 * 896 }, () => r() - 0.5),
      [256, 896],
    );
    await mm.run({ x });
    const tMm = [];
    for (let i = 0; i < 7; i++) tMm.push(await timed(() => mm.run({ x })));
    await mm.release();
    const peakGflops = (2 * 256 * 896 * 4864) / (best(tMm) / 1000) / 1e9;
    rows.push({ metric: 'prefillGflops', value: prefillGflops, unit: 'GFLOP/s' });
    rows.push({ metric: 'peakMatmulGflops', value: peakGflops, unit: 'GFLOP/s (256x896 @ 896x4864)' });
    rows.push({ metric: 'prefillFractionOfPeak', value: prefillGflops / peakGflops, unit: '(target >= 0.5)' });
  }

  // 3. A sweep of 8 multipliers: 8 rows of one batch vs 8 single-row generations (no EOS: full length).
  {
    model.eos = [];
    const prompt = randomIds(r, 32, vocab);
    const neurons = Array.from({ length: 200 }, () => ({ layer: 2 + Math.floor(r() * (model.info.layers - 2)), index: Math.floor(r() * model.info.intermediateSize) }));
    const multipliers = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];
    const sweep = multipliers.map((m) => ({ ids: prompt, steering: { neurons, multiplier: m } }));
    // 32 new tokens (the reference generates 150): prefill is compute-bound and costs the same batched or
    // not, decode steps are weight-bound and shared by the rows, so longer answers favour batching more.
    const opts = { maxNewTokens: 32 };
    // Warm-up first: the generation session's first run (pre-packing, allocations) belongs to neither side.
    await generateBatch(model, sweep.slice(0, 2), { maxNewTokens: 2 });
    // Three alternating rounds, so that both sides share the machine's noise; the ratio of the medians.
    const batchedMs = [];
    const sequentialMs = [];
    for (let round = 0; round < 3; round++) {
      batchedMs.push(await timed(() => generateBatch(model, sweep, opts)));
      sequentialMs.push(
        await timed(async () => {
          for (const row of sweep) await generateBatch(model, [row], opts);
        }),
      );
    }
    const batched = median(batchedMs);
    const sequential = median(sequentialMs);
    const perRound = sequentialMs.map((t, i) => (t / batchedMs[i]).toFixed(2)).join(', ');
    rows.push({ metric: 'batchedSweepMs', value: batched, unit: 'ms (8 rows, 32-token prompt, 32 new tokens; median of 3)' });
    rows.push({ metric: 'sequentialSweepMs', value: sequential, unit: 'ms (median of 3)' });
    rows.push({ metric: 'batchedSweepSpeedup', value: sequential / batched, unit: `x (target >= 3; rounds ${perRound})` });

    // 5. One decode step (one row) at 64 and 512 tokens of context: the fastest of 16 steps.
    for (const ctx of [64, 512]) {
      const ids = randomIds(r, ctx, vocab);
      const steps = [];
      let last = 0;
      const t0 = performance.now();
      await generateBatch(model, [{ ids }], {
        maxNewTokens: 17,
        onStep: (step) => {
          const now = performance.now();
          if (step > 0) steps.push(now - last);
          last = now;
          if (step === 0) rows.push({ metric: `prefillMs1x${ctx}`, value: now - t0, unit: 'ms' });
        },
      });
      rows.push({ metric: `decodeMsPerToken${ctx}`, value: best(steps), unit: `ms/token (median ${median(steps).toFixed(0)})` });
    }
  }
  await model.release();

  // 4. Peak memory while capturing 50 vs 500 prompts, each in a fresh process.
  const peak = (n) => {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--rss-child', String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`rss child (${n} prompts) failed`);
    return JSON.parse(child.stdout.trim().split('\n').pop());
  };
  const p50 = peak(50);
  const p500 = peak(500);
  const mb = (b) => b / 2 ** 20;
  rows.push({ metric: 'peakRssMb50', value: mb(p50.peak), unit: `MB (after load ${Math.round(mb(p50.base))} MB; weights are memory-mapped and page in on the first pass)` });
  rows.push({ metric: 'peakRssMb500', value: mb(p500.peak), unit: `MB (after load ${Math.round(mb(p500.base))} MB)` });
  rows.push({ metric: 'rssGrowth50to500', value: (p500.peak - p50.peak) / p50.peak, unit: '(target <= 0.10)' });
  if (p50.anon !== undefined && p500.anon !== undefined) {
    rows.push({ metric: 'peakAnonMb50', value: mb(p50.anon), unit: `MB anonymous (mapped weight file pages: ${Math.round(mb(p50.file))} MB)` });
    rows.push({ metric: 'peakAnonMb500', value: mb(p500.anon), unit: `MB anonymous (mapped weight file pages: ${Math.round(mb(p500.file))} MB)` });
    rows.push({ metric: 'anonGrowth50to500', value: (p500.anon - p50.anon) / p50.anon, unit: '(memory the capture allocates; mapped weight pages are bounded by the weight file)' });
  }
  rows.push({ metric: 'capturePromptsPerSecond', value: p500.promptsPerSecond, unit: 'prompts/s (AdvBench goals, chat-formatted)' });
  return rows;
}

/**
 * Child process: load, then capture the first n AdvBench goals streaming into per-layer sums (like discovery).
 * Real text, not random ids: random ids over the whole vocabulary page in a new part of the memory-mapped
 * embedding table with nearly every token, so file-backed RSS grew with the prompt count up to the table's
 * size (545 MB on this shape), which real prompts do not do. Anonymous memory grows with the distinct batch
 * shapes seen, not with the count (allocator high-water marks: 16 rows x 20..50 tokens swept three times,
 * 1500 -> 1542 -> 1592 -> 1595 MB, flat from the second sweep on).
 */
async function rssChild(n) {
  const { loadModel, defaultThreads } = out('session.js');
  const { captureBatches } = out('capture.js');
  const { parseCsv } = require(join(ROOT, 'out', 'src', 'jobs', 'referenceData.js'));
  const rows = parseCsv(readFileSync(join(ROOT, 'tools', 'demo-model', 'data', 'advbench', 'harmful_behaviors.csv'), 'utf8'));
  const goals = rows
    .slice(1)
    .map((row) => row[0])
    .filter((goal) => goal);
  if (goals.length < n) throw new Error(`the AdvBench file has ${goals.length} goals, fewer than ${n}`);
  const model = await loadModel({ path: MODEL }, { threads: defaultThreads(), cache: { dir: BENCH_CACHE } });
  // Free the model bytes read and instrumented during loading (external memory needs two collections).
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 100));
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  /** Peak anonymous and file-backed bytes, where /proc says (Linux). */
  let split;
  const prompts = goals.slice(0, n).map((text) => ({ text }));
  const I = model.info.intermediateSize;
  const sums = Array.from({ length: model.info.layers }, () => new Float64Array(I));
  const t = performance.now();
  await captureBatches(model, prompts, (b) => {
    b.mlpInputs.forEach((layer, l) => {
      for (let i = 0; i < layer.length; i++) sums[l][i % I] += layer[i];
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    const now = rssSplit();
    if (now) split = { anon: Math.max(split?.anon ?? 0, now.anon), file: Math.max(split?.file ?? 0, now.file) };
  });
  const seconds = (performance.now() - t) / 1000;
  process.stdout.write(JSON.stringify({ base, peak, ...split, promptsPerSecond: n / seconds }) + '\n');
}

/** Resident anonymous and file-backed bytes from /proc/self/status (Linux; undefined elsewhere). */
function rssSplit() {
  let status;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  const anon = kb('RssAnon');
  const file = kb('RssFile');
  return Number.isFinite(anon) && Number.isFinite(file) ? { anon, file } : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--rss-child') {
  await rssChild(Number(process.argv[3]));
}
