// Bench section: what the language-model head costs, on the real Qwen2.5-0.5B shape (24 layers, full
// 151,936-token vocabulary, random weights, .bench/qwen-real-shape, generated on first use). Same feeds, same
// process, runs alternated so both sides share the machine's noise:
//   captureWithoutHeadSpeedup   a capture batch through the full instrumented graph (norm + head at every
//                               position, what every capture paid before) over the capture-only graph
//   prefillLastPositionSpeedup  a generation prefill with logits at every position over the graph whose head
//                               reads the last position only
//   loadCaptureOnlyMs / loadFullGraphMs  reading, instrumenting and creating the capture-only session (what a
//                               discovery run loads) / the full instrumented graph's session (what it loaded before);
//                               the capture-only one goes first and so pays for any cold file cache
//   benchModel                  the model these figures come from
// Run alone: node scripts/bench.mjs head (after npm run build and tsc -p test/tsconfig.json).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { best, ensureRealShapeModel, fullInstrumentedSession, median, timed } from './engine.mjs';

export const name = 'head';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const out = (m) => require(join(ROOT, 'out', 'src', 'engine', m));
const ROWS = 8;
const TOKENS = 48; // about a chat-formatted discovery prompt
const ROUNDS = 7;

/** Alternates a and b, ROUNDS times each after one warm-up; returns both sides' times. */
async function alternate(a, b) {
  await a();
  await b();
  const ta = [];
  const tb = [];
  for (let i = 0; i < ROUNDS; i++) {
    ta.push(await timed(a));
    tb.push(await timed(b));
  }
  return { ta, tb };
}

export async function run() {
  const made = ensureRealShapeModel();
  const { loadModel, defaultThreads } = out('session.js');
  const { prefillFeeds, leftPad } = out('forward.js');
  const threads = defaultThreads();
  let t0 = performance.now();
  const model = await loadModel({ path: made.dir }, { threads });
  const loadCapture = performance.now() - t0;
  const { layers } = model.info;
  const rows = [
    {
      metric: 'benchModel',
      value: { vocabSize: model.vocabSize, layers, source: made.source },
      unit: '',
    },
  ];
  // The graph every pass ran before: instrumented, every original output, logits at every position.
  t0 = performance.now();
  const full = await fullInstrumentedSession(model, threads);
  const loadFull = performance.now() - t0;
  rows.push({ metric: 'loadCaptureOnlyMs', value: loadCapture, unit: 'ms (read, instrument, create the capture-only session; first, so any cold cache is ours)' });
  rows.push({ metric: 'loadFullGraphMs', value: loadFull, unit: 'ms (the same for the full instrumented graph)' });
  let seed = 11;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const ids = Array.from({ length: ROWS }, () => Array.from({ length: TOKENS }, () => 3 + Math.floor(rand() * 8000)));
  const feeds = prefillFeeds(
    model,
    leftPad(ids, model.padId),
    ids.map(() => undefined),
  );
  const captures = Array.from({ length: layers }, (_, l) => `cna_capture_${l}`);
  try {
    const capture = await model.captureSession();
    const c = await alternate(
      () => full.run(feeds, captures),
      () => capture.run(feeds, captures),
    );
    rows.push({ metric: 'captureFullGraphMs', value: best(c.ta), unit: `ms (best of ${ROUNDS}, median ${median(c.ta).toFixed(0)}; ${ROWS} x ${TOKENS} tokens, captures fetched)` });
    rows.push({ metric: 'captureWithoutHeadMs', value: best(c.tb), unit: `ms (best of ${ROUNDS}, median ${median(c.tb).toFixed(0)})` });
    rows.push({
      metric: 'captureWithoutHeadSpeedup',
      value: best(c.ta) / best(c.tb),
      unit: `x (full graph over capture-only graph, target >= 1.2; medians ${(median(c.ta) / median(c.tb)).toFixed(2)})`,
    });

    const generation = await model.generationSession();
    const kv = model.kv?.pairs.map((p) => p.present) ?? [];
    const g = await alternate(
      () => full.run(feeds, ['logits', ...kv]),
      () => generation.run(feeds, ['logits', ...kv]),
    );
    rows.push({ metric: 'prefillAllPositionsMs', value: best(g.ta), unit: `ms (best of ${ROUNDS}, median ${median(g.ta).toFixed(0)}; ${ROWS} x ${TOKENS} tokens)` });
    rows.push({ metric: 'prefillLastPositionMs', value: best(g.tb), unit: `ms (best of ${ROUNDS}, median ${median(g.tb).toFixed(0)})` });
    rows.push({ metric: 'prefillLastPositionSpeedup', value: best(g.ta) / best(g.tb), unit: `x (logits at every position over the last only; medians ${(median(g.ta) / median(g.tb)).toFixed(2)})` });
  } finally {
    await full.release();
    await model.release();
  }
  return rows;
}
