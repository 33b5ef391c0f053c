/**
 * The gauntlet: every way a new user (or a hostile one) has broken the CLI, run through the real `cna`
 * process (its worker thread and ONNX Runtime included). Each case asserts the exit code, that stderr ends
 * in one line that says what to do with no stack trace, and that no output is half-written or destroyed.
 * Broken model folders are built at test time in a temporary folder from the committed demo model and
 * fixtures. Cases run a few at a time; each spawns one short `cna` process.
 */
import { after, test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectGraph } from '../../../src/engine/surgery';
import { buildTinyOnnx, makeTinyModel } from '../../fixtures/tiny-llama';

const REPO = path.join(__dirname, '..', '..', '..', '..');
const CLI = path.join(REPO, 'out', 'src', 'cli.js');
const DEMO = path.join(REPO, 'models', 'demo-instruct');
const DEMO_BASE = path.join(REPO, 'models', 'demo-base');
const FIXTURES = path.join(REPO, 'test', 'unit', 'engine', 'fixtures');
const TINY = path.join(FIXTURES, 'tiny-llama');
/** A user other than root, for permission cases (tests run as root in CI containers). */
const NOBODY = 65534;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Send SIGINT once stderr matches. */
  interruptWhen?: RegExp;
  uid?: number;
  timeoutMs?: number;
}

/** One `cna` process; a hang is a failure (killed at timeoutMs). */
function cna(args: string[], opts: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: os.tmpdir(),
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.interruptWhen && !interrupted && opts.interruptWhen.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Progress and notes a command prints on stderr before it fails; everything else is the error. */
const PROGRESS = /^(loading model .*|model loaded|(load|capture|generate|tokenize) \d+\/\d+|cna \w+: .* \d+\/\d+ \(\d+%\)|cna \w+: evaluating .*|cna \w+: warning: .*)$/;

/** Exit `code`, and one error line on stderr matching `message`, with no stack trace. */
function fails(r: Run, code: number, message: RegExp): void {
  const where = `exit ${r.code} (signal ${r.signal}), stderr:\n${r.stderr}`;
  assert.equal(r.code, code, where);
  assert.ok(!/^\s+at /m.test(r.stderr) && !/internal error/.test(r.stderr), `no stack trace: ${where}`);
  const errors = r.stderr.split('\n').filter((l) => l.trim() !== '' && !PROGRESS.test(l));
  assert.equal(errors.length, 1, `one error line: ${where}`);
  assert.match(errors[0], /^cna \w+: /, where);
  assert.match(errors[0], message, where);
}

/** Failed before any model was loaded (argument and output checks come first). */
function beforeLoading(r: Run): void {
  assert.ok(!/loading model/.test(r.stderr), `refused before loading the model:\n${r.stderr}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-gauntlet-'));
fs.chmodSync(tmp, 0o755);
let folders = 0;

/** A model folder built from files: `from` copies (or links) everything of a folder, `files` overrides. */
function modelFolder(from: string | undefined, files: Record<string, Uint8Array | string | null> = {}): string {
  const dir = path.join(tmp, `model-${++folders}`);
  fs.mkdirSync(dir);
  if (from) for (const name of fs.readdirSync(from)) fs.symlinkSync(path.join(from, name), path.join(dir, name));
  for (const [name, content] of Object.entries(files)) {
    fs.rmSync(path.join(dir, name), { force: true });
    if (content !== null) fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

/** The demo pairs file, cut to `n` pairs: enough for attribute, quick on the demo model. */
function demoPairs(n: number): string {
  const text = fs.readFileSync(path.join(REPO, 'examples', 'demo.cnapairs'), 'utf8');
  const pairs = text.split(/\n\n+/).filter((b) => b.startsWith('+ '));
  return ['@feature refusal', '@top 20', '', ...pairs.slice(0, n).map((p) => p + '\n')].join('\n');
}

/** A circuit.json as `cna attribute --out` writes it, for the model whose ONNX file is `onnx`. */
function circuitFor(onnx: string, modelPath: string, neurons: { layer: number; index: number }[]): string {
  const info = inspectGraph(fs.readFileSync(onnx));
  return JSON.stringify({
    version: 1,
    feature: 'refusal',
    model: {
      path: modelPath,
      fingerprint: info.fingerprint,
      weightsFingerprint: info.weightsFingerprint,
      layers: info.layers,
      intermediateSize: info.intermediateSize,
      totalNeurons: info.layers * info.intermediateSize,
    },
    settings: { top: String(neurons.length), k: neurons.length, excludeLayers: [], universalFilter: false },
    k: neurons.length,
    neurons: neurons.map((n) => ({ ...n, delta: 1, meanPositive: 1, meanNegative: 0 })),
    universal: [],
    pairs: [],
    notes: [],
  });
}

const reference = (keys: string[]) => JSON.stringify({ neurons: Object.fromEntries(keys.map((k) => [k, 1])), prompt: '', target_token: '', total_logit_diff: 0 });

type Case = [name: string, run: (t: TestContext) => Promise<void>];

const modelCases: Case[] = [
  [
    'not ONNX',
    async () => {
      fails(await cna(['inspect', '--model', modelFolder(DEMO, { 'model.onnx': 'this is not a model\n' })]), 2, /ONNX|corrupt|truncated/i);
    },
  ],
  [
    'truncated model.onnx',
    async () => {
      const bytes = fs.readFileSync(path.join(DEMO, 'model.onnx'));
      fails(await cna(['inspect', '--model', modelFolder(DEMO, { 'model.onnx': bytes.subarray(0, bytes.length >> 1) })]), 2, /truncated|corrupt/i);
    },
  ],
  [
    'no gated MLP',
    async () => {
      const ungated = buildTinyOnnx(makeTinyModel({ ungated: true }), { naming: 'anonymous' }).bytes;
      fails(await cna(['inspect', '--model', modelFolder(TINY, { 'model.onnx': ungated, 'config.json': null })]), 2, /No gated MLP/);
    },
  ],
  [
    'missing tokenizer',
    async () => {
      fails(await cna(['inspect', '--model', modelFolder(DEMO, { 'tokenizer.json': null })]), 2, /No tokenizer\.json/);
    },
  ],
  [
    'missing and short external weights',
    async () => {
      const built = buildTinyOnnx(makeTinyModel(), { external: { fileFor: (_name: string, bytes: number) => (bytes < 256 ? undefined : 'model.onnx_data') } });
      const data = built.files.get('model.onnx_data')!;
      fails(await cna(['inspect', '--model', modelFolder(TINY, { 'model.onnx': built.bytes, 'config.json': null })]), 2, /Missing external weights file model\.onnx_data/);
      const short = modelFolder(TINY, { 'model.onnx': built.bytes, 'model.onnx_data': data.subarray(0, data.length >> 1), 'config.json': null });
      fails(await cna(['inspect', '--model', short]), 2, /could not load the external weights of .*out of bounds/);
    },
  ],
  [
    'custom op',
    async () => {
      // The tiny Llama with its attention Softmax renamed to an operator ONNX Runtime does not know.
      const bytes = Buffer.from(fs.readFileSync(path.join(TINY, 'model.onnx')));
      const softmax = Buffer.from('\x22\x07Softmax', 'latin1'); // NodeProto op_type (field 4), 7 bytes
      for (let at = bytes.indexOf(softmax); at >= 0; at = bytes.indexOf(softmax, at + 1)) bytes.write('Frobnix', at + 2, 'latin1');
      fails(await cna(['inspect', '--model', modelFolder(TINY, { 'model.onnx': bytes })]), 2, /cannot run .* it has no kernel for operator Frobnix/);
      fails(
        await cna(['inspect', '--model', modelFolder(TINY, { 'model.onnx': fs.readFileSync(path.join(FIXTURES, 'unknown-op.onnx')), 'config.json': null })]),
        2,
        /No gated MLP found .*FrobnicateTensor/,
      );
    },
  ],
  [
    'no model folder, and a 20,000-character --model path',
    async () => {
      fails(await cna(['inspect', '--model', path.join(tmp, 'nowhere')]), 2, /Model folder not found/);
      fails(await cna(['inspect', '--model', path.join(tmp, 'x'.repeat(20_000))]), 2, /Model folder not found|name too long/i);
    },
  ],
];

const promptCases: Case[] = [
  // Once a SIGSEGV (exit 139, no message) in ONNX Runtime in the worker: the worker's stack was too small.
  [
    'a 20,000-character prompt through generate and activations',
    async () => {
      const prompt = 'x'.repeat(20_000);
      for (const command of ['generate', 'activations']) {
        fails(await cna([command, '--model', DEMO, prompt]), 2, /The prompt is \d+ tokens long, more than the model's context of 256 \(max_position_embeddings in config\.json\)/);
      }
    },
  ],
  [
    'a 20,000-character --system that fits no context',
    async () => {
      fails(await cna(['generate', '--model', DEMO, '--system', 'be brief. '.repeat(2_000), 'Hi']), 2, /tokens long, more than the model's context/);
    },
  ],
  [
    'genai_config.json context_length bounds prompts and generation',
    async () => {
      const genai = modelFolder(DEMO, { 'genai_config.json': JSON.stringify({ model: { context_length: 40 } }) });
      fails(await cna(['activations', '--model', genai, 'word '.repeat(60)]), 2, /context of 40 \(context_length in genai_config\.json\)/);
      // A prompt a few tokens short of the context of 40 that ends mid-phrase ("... once upon"): the context stops
      // generation, not --max-new-tokens, and not the model's own end of text (a prompt that ends a phrase lets the
      // story end first, which depends on the weights).
      const r = await cna(['generate', '--model', genai, '--raw', '--max-new-tokens', '100', '--json', `${'once upon a time '.repeat(7)}once upon`]);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.stop, 'context', 'stopped at the context_length, not at --max-new-tokens');
      assert.ok(j.tokens.length < 40, `stopped inside the context: ${j.tokens.length} tokens`);
    },
  ],
  [
    'lint measures prompts against the model context; attribute names the file and line',
    async () => {
      const long = file('long.cnapairs', `@top 5\n\n+ ${'please '.repeat(300)}\n- ${'kindly '.repeat(300)}\n\n+ a b\n- c d\n`);
      const lint = await cna(['lint', '--model', DEMO, long]);
      assert.match(lint.stdout, /long\.cnapairs:3:1: warning CNA011 .*300 words, more than the model's context length \(256\)/);
      fails(await cna(['attribute', '--model', DEMO, long]), 1, /long\.cnapairs:3: this prompt is \d+ tokens long, more than the model's context of 256/);
      const evalList = file('eval.txt', `Hi there\n\n${'please '.repeat(300)}\n`);
      const r = await cna(['sweep', file('short.cnapairs', demoPairs(4)), '--model', DEMO, '--eval', evalList, '--max-new-tokens', '2']);
      fails(r, 1, /eval\.txt:3: this prompt is \d+ tokens long, more than the model's context of 256/);
      assert.ok(!/discovery|generation/.test(r.stderr), 'refused before attribute and generation');
    },
  ],
];

const circuitCases: Case[] = [
  [
    'circuits: wrong architecture refused, other weights warned, corrupt / out of range / empty rejected, the same in generate and sweep',
    async () => {
      const pairs = file('circuit-pairs.cnapairs', demoPairs(4));
      const tiny = file('tiny-circuit.json', circuitFor(path.join(TINY, 'model.onnx'), TINY, [{ layer: 1, index: 3 }]));
      const base = file('base-circuit.json', circuitFor(path.join(DEMO_BASE, 'model.onnx'), DEMO_BASE, [{ layer: 5, index: 3 }]));
      const corrupt = file('corrupt.json', '{"version": 1, "neurons": [');
      const outside = file('outside.json', reference(['9,-1,5']));
      const empty = file('empty.json', reference([]));
      const both = async (circuit: string) => [
        await cna(['generate', '--model', DEMO, '--circuit', circuit, '--multiplier', '0', '--max-new-tokens', '2', 'Hi']),
        await cna(['sweep', pairs, '--model', DEMO, '--circuit', circuit, '--multipliers', '0,1', '--max-new-tokens', '2', '--control', 'none']),
      ];
      for (const r of await both(tiny)) fails(r, 2, /found on a model with 3 layers x 80 MLP neurons .* but this model .* has 6 x 512/);
      for (const r of await both(corrupt)) fails(r, 1, /corrupt\.json is not JSON/);
      for (const r of await both(outside)) fails(r, 1, /neuron \(layer 9, index 5\) is outside this model/);
      for (const r of await both(empty)) fails(r, 1, /empty\.json has no neurons/);
      for (const r of await both(base)) {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /warning: .*base-circuit\.json was found on .*demo-base, which has the same architecture but other weights than this model .*demo-instruct/);
      }
    },
  ],
];

const argumentCases: Case[] = [
  [
    'nonsense numbers are refused before the model loads',
    async () => {
      const pairs = file('args.cnapairs', demoPairs(4));
      const runs: [string[], RegExp][] = [
        [['sweep', pairs, '--multipliers', '-1,0x10,0,,1'], /multiplier -1 is below 0/i],
        [['sweep', pairs, '--multipliers', '0x10,1'], /'0x10' is not a decimal number/],
        [['sweep', pairs, '--multipliers', '0,,1'], /empty entry/],
        [['sweep', pairs, '--multipliers', '0,1,1'], /listed twice/],
        [['attribute', pairs, '--batch-size', '0'], /--batch-size must be a whole number of at least 1, got '0'/],
        [['attribute', pairs, '--batch-size', '-1'], /--batch-size must be a whole number of at least 1/],
        [['attribute', pairs, '--batch-size', '1.5'], /--batch-size must be a whole number of at least 1/],
        [['reproduce', '--batch-size', '0x10'], /--batch-size must be a whole number/],
        [['attribute', pairs, '--top', '0x10'], /--top must be a percentage/],
        [['attribute', pairs, '--exclude-layers', '3-1'], /--exclude-layers must list layer numbers and ranges.*not '3-1'/],
        [['sweep', pairs, '--exclude-layers', 'one'], /--exclude-layers must list layer numbers and ranges.*not 'one'/],
        [['attribute', pairs, '--model', DEMO, '--exclude-layers', '0-7'], /Layer 6 in '0-7' does not exist: the model has layers 0 to 5/],
        [['generate', '--circuit', 'c.json', '--multiplier', '0x10', 'Hi'], /--multiplier must be a decimal number/],
        [['generate', '--max-new-tokens', '1e3', 'Hi'], /--max-new-tokens must be a whole number/],
        [['inspect', '--threads', '0'], /--threads must be a whole number of at least 1/],
      ];
      for (const [args, message] of runs) {
        const r = await cna(args);
        fails(r, 2, message);
        beforeLoading(r);
      }
    },
  ],
  [
    'binary and empty pair files; CRLF and BOM read like LF',
    async () => {
      fails(
        await cna([
          'attribute',
          file(
            'binary.cnapairs',
            Uint8Array.from({ length: 512 }, (_, i) => (i * 73) % 256),
          ),
        ]),
        1,
        /binary\.cnapairs:\d+:\d+: CNA\d+/,
      );
      fails(await cna(['attribute', file('empty.cnapairs', '')]), 1, /empty\.cnapairs has no discovery pairs/);
      const lf = demoPairs(3);
      const plain = await cna(['lint', '--json', file('lf.cnapairs', lf)]);
      for (const [name, text] of [
        ['crlf.cnapairs', lf.replace(/\n/g, '\r\n')],
        ['bom.cnapairs', '\uFEFF' + lf],
      ]) {
        const r = await cna(['lint', '--json', file(name, text)]);
        assert.equal(r.code, plain.code, r.stderr);
        assert.deepEqual(
          JSON.parse(r.stdout).map((f: { diagnostics: unknown }) => f.diagnostics),
          JSON.parse(plain.stdout).map((f: { diagnostics: unknown }) => f.diagnostics),
        );
      }
    },
  ],
];

const outputCases: Case[] = [
  [
    'a missing output folder is refused before the model loads, naming the user path',
    async () => {
      const pairs = file('out.cnapairs', demoPairs(4));
      const out = path.join(tmp, 'no-such-folder', 'circuit.json');
      for (const args of [
        ['attribute', pairs, '--out', out],
        ['sweep', pairs, '--out', out],
        ['reproduce', '--out', out],
        ['attribute', pairs, '--reference-json', out],
      ]) {
        const r = await cna(args);
        fails(r, 2, new RegExp(`Cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the folder .*no-such-folder does not exist`));
        assert.ok(!/\.tmp/.test(r.stderr), 'never names the temporary file');
        beforeLoading(r);
      }
      fails(await cna(['attribute', pairs, '--out', tmp]), 2, /it is a folder/);
    },
  ],
  [
    "an unwritable folder, and another user's file in a sticky folder, are refused before work starts",
    async (t) => {
      if (process.getuid?.() !== 0) return t.skip('needs root to run the CLI as another user');
      const pairs = file('perm.cnapairs', demoPairs(4));
      fs.chmodSync(pairs, 0o644);
      const locked = path.join(tmp, 'locked');
      fs.mkdirSync(locked, { mode: 0o755 });
      const r1 = await cna(['attribute', pairs, '--out', path.join(locked, 'c.json')], { uid: NOBODY });
      fails(r1, 2, /Cannot write .*locked\/c\.json: permission denied/);
      beforeLoading(r1);
      const sticky = path.join(tmp, 'sticky');
      fs.mkdirSync(sticky);
      fs.chmodSync(sticky, 0o1777);
      const theirs = path.join(sticky, 'circuit.json');
      fs.writeFileSync(theirs, 'theirs');
      const r2 = await cna(['attribute', pairs, '--out', theirs], { uid: NOBODY });
      fails(r2, 2, /Cannot write .*sticky\/circuit\.json: it belongs to another user/);
      beforeLoading(r2);
      assert.equal(fs.readFileSync(theirs, 'utf8'), 'theirs');
      assert.deepEqual(fs.readdirSync(sticky), ['circuit.json']);
    },
  ],
  [
    'Ctrl-C during attribute, sweep and reproduce keeps the previous output and leaves no temporary file',
    async () => {
      const pairs = file('sigint.cnapairs', demoPairs(40));
      const runs: [string, string[], RegExp][] = [
        ['attribute', ['attribute', pairs, '--model', DEMO, '--batch-size', '1'], /discovery/],
        ['sweep', ['sweep', pairs, '--model', DEMO, '--max-new-tokens', '60', '--batch-size', '1'], /generation/],
        ['reproduce', ['reproduce', '--model', DEMO, '--batch-size', '1'], /discovery/],
      ];
      await Promise.all(
        runs.map(async ([name, args, when]) => {
          const dir = fs.mkdtempSync(path.join(tmp, `sigint-${name}-`));
          const out = path.join(dir, 'previous.out');
          fs.writeFileSync(out, 'previous');
          const r = await cna([...args, '--out', out], { interruptWhen: when });
          assert.equal(r.code, 130, `${name}: ${r.stderr}`);
          assert.match(r.stderr, /cancelled; nothing was written/);
          assert.equal(fs.readFileSync(out, 'utf8'), 'previous');
          assert.deepEqual(fs.readdirSync(dir), ['previous.out']);
        }),
      );
    },
  ],
];

/** Seeded, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

/** Offsets of each initializer's first dims varint (TensorProto field 1, tag 0x08) in the model bytes. */
function dimsOffsets(bytes: Buffer): number[] {
  const names = ['model.embed_tokens.weight', 'lm_head', 'mlp.down_proj', 'mlp.up_proj', 'self_attn.q_proj'];
  const offsets: number[] = [];
  for (const name of names) {
    for (let at = bytes.indexOf(name); at >= 0 && offsets.length < 40; at = bytes.indexOf(name, at + 1)) {
      // A TensorProto starts with its dims (0x08 varint ...); look back a little from its name.
      for (let back = at - 2; back > at - 24 && back > 0; back--)
        if (bytes[back] === 0x08 && bytes[back + 1] < 0x80) {
          offsets.push(back + 1);
          break;
        }
    }
  }
  return offsets;
}

// The engine's input fuzz target: random bytes and mutations of a valid model.onnx, through `cna inspect`.
const FUZZ_RUNS = Number(process.env.CNA_FUZZ_RUNS ?? 18);
const fuzzCases: Case[] = [
  [
    'fuzz: random bytes and mutated model.onnx through cna inspect never crash or hang',
    async () => {
      const valid = fs.readFileSync(path.join(TINY, 'model.onnx'));
      const random = rng(Number(process.env.CNA_FUZZ_SEED ?? 9));
      const dims = dimsOffsets(valid);
      assert.ok(dims.length > 0, 'found tensor dims to mutate');
      const mutations: [string, () => Uint8Array][] = [
        ['random bytes', () => Uint8Array.from({ length: 1 + Math.floor(random() * 4096) }, () => Math.floor(random() * 256))],
        ['truncated', () => valid.subarray(0, Math.floor(random() * valid.length))],
        [
          'flipped bytes',
          () => {
            const b = Buffer.from(valid);
            for (let k = 0; k < 1 + Math.floor(random() * 8); k++) b[Math.floor(random() * b.length)] ^= 1 << Math.floor(random() * 8);
            return b;
          },
        ],
        [
          'wrong tensor size',
          () => {
            const b = Buffer.from(valid);
            const at = dims[Math.floor(random() * dims.length)];
            b[at] = b[at] === 1 ? 3 : b[at] - 1;
            return b;
          },
        ],
      ];
      const seen = new Set<number | null>();
      for (let i = 0; i < FUZZ_RUNS; i++) {
        const [kind, mutate] = mutations[i % mutations.length];
        const dir = modelFolder(TINY, { 'model.onnx': mutate() });
        const r = await cna(['inspect', '--model', dir, '--json'], { timeoutMs: 30_000 });
        seen.add(r.code);
        const where = `${kind} (run ${i}, folder ${dir})`;
        assert.ok(r.code === 0 || r.code === 2, `${where}: exit ${r.code} signal ${r.signal}\n${r.stderr}`);
        if (r.code === 0) JSON.parse(r.stdout);
        else fails(r, 2, /./);
        fs.rmSync(dir, { recursive: true });
      }
      assert.ok(seen.has(2), 'some mutations were refused');
    },
  ],
];

test('gauntlet: bad input never crashes, never lies, never wastes work', { concurrency: 2 }, async (t) => {
  const cases = [...modelCases, ...promptCases, ...circuitCases, ...argumentCases, ...outputCases, ...fuzzCases];
  await Promise.all(cases.map(([name, run]) => t.test(name, run)));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));
