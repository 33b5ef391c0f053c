/**
 * A model folder on disk: Hugging Face config and tokenizer files plus one ONNX decoder, either at the root
 * or under `onnx/` with the onnx-community names. Also accepts a Hugging Face cache repo folder
 * (`models--org--name`, with `snapshots/` and `refs/main`), a path to a `.onnx` file, and onnxruntime-genai
 * folders (`genai_config.json` names the decoder; a repository root holding several such variant folders, as
 * Microsoft ships them, is listed so the user can pick one).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { checkGenaiIo, parseGenaiConfig, type GenaiConfig } from './genaiConfig';

/** The decoder file names we know, in the order we try them within one folder. */
const BASE_NAMES = ['model', 'decoder_model_merged', 'decoder_model'];
/**
 * Variant suffixes, best first on a CPU: float32 activations before float16 ones (CPU kernels for fp16 are
 * slow or missing), and unquantized before quantized (exact captures).
 */
const VARIANT_SUFFIXES = ['', '_q4', '_quantized', '_int8', '_uint8', '_bnb4', '_fp16', '_q4f16'];

export interface ModelConfig {
  architecture?: string;
  modelType?: string;
  layers?: number;
  hiddenSize?: number;
  intermediateSize?: number;
  numHeads?: number;
  numKvHeads?: number;
  headDim?: number;
  maxPositions?: number;
  /** Where maxPositions comes from, for messages. */
  contextSource?: string;
  vocabSize?: number;
  /** Routed experts per layer (mixture-of-experts configs: num_experts, num_local_experts, n_routed_experts). */
  experts?: number;
  /** EOS ids from config.json (generation_config.json wins when present). */
  eos: number[];
  bos?: number;
  pad?: number;
  raw: Record<string, unknown>;
}

export interface GenerationConfig {
  eos: number[];
  repetitionPenalty?: number;
  raw: Record<string, unknown>;
}

export interface ModelFolder {
  /** The folder holding config and tokenizer files (real path). */
  root: string;
  /** The model's name: the Hugging Face repository (`org/name`) for a cache folder, else the folder's name. */
  name: string;
  /** The chosen ONNX file as the user's folder names it (may be a symlink into a HF cache `blobs/`). */
  onnxPath: string;
  /** Variant name: the file name without `.onnx` (e.g. `model_q4`). */
  variant: string;
  /** Every decoder file found, so errors and `inspect` can list the alternatives. */
  available: string[];
  config: ModelConfig;
  generation: GenerationConfig;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** A chat template from tokenizer_config.json or chat_template.jinja / chat_template.json. */
  chatTemplate?: string;
  /** onnxruntime-genai's description of the folder, when it has a genai_config.json. */
  genai?: GenaiConfig;
  /** Where each fact came from (a file name), for `cna inspect`. */
  sources: { decoder: string; shapes: string; context?: string };
}

export interface OpenOptions {
  /** `model_fp16`, `fp16`, `q4`, or a file name inside the folder; default: best for a CPU. */
  variant?: string;
}

export function openModelFolder(input: string, opts: OpenOptions = {}): ModelFolder {
  let given = path.resolve(input);
  if (!fs.existsSync(given)) {
    throw new UserError(`Model folder not found: ${input}. Pass --model with a folder holding config.json, tokenizer.json and an ONNX model.`);
  }
  let explicitFile: string | undefined;
  if (fs.statSync(given).isFile()) {
    if (!given.endsWith('.onnx')) {
      throw new UserError(`${input} is not an ONNX file (expected a folder or a .onnx file).`);
    }
    explicitFile = given;
    given = path.dirname(given);
  }
  given = resolveHfCacheRepo(given);
  if (!explicitFile) given = pickVariantFolder(given, input);
  const root = findRoot(given);
  const realRoot = fs.realpathSync(root);

  const genaiPath = path.join(root, 'genai_config.json');
  const genai = fs.existsSync(genaiPath) ? parseGenaiConfig(readJson(genaiPath)) : undefined;
  const available = listDecoders(root);
  if (genai?.decoderFile && !available.includes(genai.decoderFile)) {
    if (!fs.existsSync(path.join(root, genai.decoderFile))) {
      throw new UserError(`genai_config.json names the decoder ${genai.decoderFile}, which is not in ${input}.`);
    }
    available.unshift(genai.decoderFile);
  }
  let onnxPath: string;
  let decoderSource = 'file name';
  if (explicitFile) {
    onnxPath = explicitFile;
    decoderSource = 'the path given';
  } else if (genai?.decoderFile && !opts.variant) {
    onnxPath = path.join(root, genai.decoderFile);
    decoderSource = 'genai_config.json';
  } else if (opts.variant) {
    onnxPath = pickVariant(root, available, opts.variant);
  } else {
    if (available.length === 0) {
      throw new UserError(`No ONNX model in ${input}: expected model.onnx at the root or under onnx/ (model.onnx, model_q4.onnx, model_fp16.onnx, ...).`);
    }
    onnxPath = path.join(root, available[0]);
  }
  const variant = path.basename(onnxPath, '.onnx');
  if (genai) checkGenaiIo(genai, onnxPath);

  const tokPath = path.join(root, 'tokenizer.json');
  if (!fs.existsSync(tokPath)) {
    throw new UserError(`No tokenizer.json in ${input}: the engine needs the Hugging Face tokenizers file next to config.json.`);
  }
  const tokenizerJson = readJson(tokPath);
  const tokenizerConfig = optionalJson(path.join(root, 'tokenizer_config.json'));
  const hasConfig = fs.existsSync(path.join(root, 'config.json'));
  const config = withGenai(parseConfig(optionalJson(path.join(root, 'config.json'))), genai);
  const generation = parseGenerationConfig(optionalJson(path.join(root, 'generation_config.json')));
  return {
    root: realRoot,
    name: modelName(root),
    onnxPath,
    variant,
    available,
    config,
    generation,
    tokenizerJson,
    tokenizerConfig,
    chatTemplate: findChatTemplate(root, tokenizerConfig),
    genai,
    sources: {
      decoder: decoderSource,
      shapes: hasConfig ? 'config.json' : genai ? 'genai_config.json' : 'the graph',
      context: config.contextSource,
    },
  };
}

/**
 * genai_config.json is what onnxruntime-genai runs the folder by: its context length and EOS ids win; its
 * shapes fill in where config.json (often absent from genai folders) says nothing.
 */
function withGenai(config: ModelConfig, genai: GenaiConfig | undefined): ModelConfig {
  if (!genai) return config;
  return {
    ...config,
    modelType: config.modelType ?? genai.type,
    layers: config.layers ?? genai.layers,
    hiddenSize: config.hiddenSize ?? genai.hiddenSize,
    numHeads: config.numHeads ?? genai.numHeads,
    numKvHeads: config.numKvHeads ?? genai.numKvHeads ?? genai.numHeads,
    headDim: config.headDim ?? genai.headSize,
    vocabSize: config.vocabSize ?? genai.vocabSize,
    maxPositions: genai.contextLength ?? config.maxPositions,
    contextSource: genai.contextLength !== undefined ? 'context_length in genai_config.json' : config.contextSource,
    eos: genai.eos.length > 0 ? genai.eos : config.eos,
    bos: config.bos ?? genai.bos,
    pad: config.pad ?? genai.pad,
  };
}

/** Does this folder hold a model itself (a decoder at the root or under onnx/, or a genai_config.json)? */
function holdsModel(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'genai_config.json')) || listDecoders(dir).length > 0 || (path.basename(dir) === 'onnx' && listDecoders(path.dirname(dir)).length > 0);
}

/**
 * A repository root that holds no model itself but variant folders that do (Microsoft's
 * `cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/`, `cuda/cuda-fp16/`, ...): one variant is used as is;
 * several are listed with how to pick one.
 */
function pickVariantFolder(dir: string, input: string): string {
  const found = findVariantFolders(dir);
  if (found.length === 1) return path.join(dir, found[0]);
  if (found.length > 1) {
    throw new UserError(`${input} holds ${found.length} model variants (${found.join(', ')}): pass one of them as the model folder, e.g. ${path.join(input, found[0])}.`);
  }
  return dir;
}

/** The variant folders under a repository root (relative, sorted); none when the folder holds a model itself. */
export function findVariantFolders(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory() || holdsModel(dir)) return [];
  const found: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const sub = path.join(d, e.name);
      if (holdsModel(sub)) found.push(path.relative(dir, sub));
      else if (depth < 3) walk(sub, depth + 1);
    }
  };
  walk(dir, 1);
  return found.sort();
}

/**
 * A model folder's config files alone (config.json and genai_config.json; no tokenizer, no ONNX), for checks
 * before a model loads; undefined when the folder cannot be read.
 */
export function readModelConfig(input: string): ModelConfig | undefined {
  try {
    let dir = path.resolve(input);
    if (fs.statSync(dir).isFile()) dir = path.dirname(dir);
    const root = findRoot(pickVariantFolder(resolveHfCacheRepo(dir), input));
    const genaiPath = path.join(root, 'genai_config.json');
    return withGenai(parseConfig(optionalJson(path.join(root, 'config.json'))), fs.existsSync(genaiPath) ? parseGenaiConfig(readJson(genaiPath)) : undefined);
  } catch {
    return undefined;
  }
}

/** A HF cache repo folder (`models--org--name`) holds snapshots; use the one `refs/main` names. */
function resolveHfCacheRepo(dir: string): string {
  const snapshots = path.join(dir, 'snapshots');
  if (!fs.existsSync(snapshots) || !fs.statSync(snapshots).isDirectory()) return dir;
  const ref = path.join(dir, 'refs', 'main');
  if (fs.existsSync(ref)) {
    const hash = fs.readFileSync(ref, 'utf8').trim();
    if (fs.existsSync(path.join(snapshots, hash))) return path.join(snapshots, hash);
  }
  const all = fs.readdirSync(snapshots).map((s) => path.join(snapshots, s));
  if (all.length === 0) throw new UserError(`${dir} is a Hugging Face cache folder without snapshots.`);
  all.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return all[0];
}

function modelName(root: string): string {
  const cache = /models--([^/\\]+)[/\\]snapshots[/\\][^/\\]+$/.exec(root);
  return cache ? cache[1].split('--').join('/') : path.basename(root);
}

/** The user may point at the `onnx/` subfolder; the tokenizer then lives one level up. */
function findRoot(dir: string): string {
  if (!fs.existsSync(path.join(dir, 'tokenizer.json')) && path.basename(dir) === 'onnx' && fs.existsSync(path.join(dir, '..', 'tokenizer.json'))) {
    return path.dirname(dir);
  }
  return dir;
}

/** Decoder files relative to the root, best first: root before `onnx/`, float32 before fp16. */
function listDecoders(root: string): string[] {
  const found: string[] = [];
  for (const sub of ['', 'onnx']) {
    const dir = path.join(root, sub);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
    for (const base of BASE_NAMES) {
      for (const suffix of VARIANT_SUFFIXES) {
        const rel = path.join(sub, `${base}${suffix}.onnx`);
        if (fs.existsSync(path.join(root, rel))) found.push(rel);
      }
    }
  }
  return found;
}

function pickVariant(root: string, available: string[], variant: string): string {
  const want = variant.endsWith('.onnx') ? variant : undefined;
  if (want) {
    for (const p of [path.join(root, want), path.join(root, 'onnx', want)]) if (fs.existsSync(p)) return p;
  }
  const bare = variant.replace(/\.onnx$/, '');
  const names = new Set([bare, `model_${bare}`, bare === 'fp32' ? 'model' : bare]);
  for (const rel of available) {
    if (names.has(path.basename(rel, '.onnx'))) return path.join(root, rel);
  }
  const list = available.map((a) => path.basename(a, '.onnx')).join(', ') || 'none';
  throw new UserError(`No ONNX variant '${variant}' in ${root} (found: ${list}).`);
}

function findChatTemplate(root: string, tokenizerConfig: Record<string, unknown>): string | undefined {
  const t = tokenizerConfig.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    // Named templates: [{name, template}]; the "default" one is what apply_chat_template uses.
    const named = t as { name?: string; template?: string }[];
    return (named.find((x) => x.name === 'default') ?? named[0])?.template;
  }
  const jinja = path.join(root, 'chat_template.jinja');
  if (fs.existsSync(jinja)) return fs.readFileSync(jinja, 'utf8');
  const json = optionalJson(path.join(root, 'chat_template.json'));
  return typeof json.chat_template === 'string' ? json.chat_template : undefined;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function optionalJson(file: string): Record<string, unknown> {
  return fs.existsSync(file) ? readJson(file) : {};
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `eos_token_id` is a number or a list of numbers in HF configs. */
export function idList(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number');
  return [];
}

export function parseConfig(raw: Record<string, unknown>): ModelConfig {
  // Multimodal and some newer configs nest the language model under text_config.
  const c = (raw.text_config && typeof raw.text_config === 'object' ? { ...raw, ...(raw.text_config as object) } : raw) as Record<string, unknown>;
  const archs = c.architectures;
  const numHeads = num(c.num_attention_heads);
  const hidden = num(c.hidden_size);
  return {
    architecture: Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : undefined,
    modelType: typeof c.model_type === 'string' ? c.model_type : undefined,
    layers: num(c.num_hidden_layers),
    hiddenSize: hidden,
    intermediateSize: num(c.intermediate_size),
    numHeads,
    numKvHeads: num(c.num_key_value_heads) ?? numHeads,
    headDim: num(c.head_dim) ?? (hidden && numHeads ? hidden / numHeads : undefined),
    maxPositions: num(c.max_position_embeddings),
    contextSource: num(c.max_position_embeddings) === undefined ? undefined : 'max_position_embeddings in config.json',
    vocabSize: num(c.vocab_size),
    experts: num(c.num_experts) ?? num(c.num_local_experts) ?? num(c.n_routed_experts),
    eos: idList(c.eos_token_id),
    bos: num(c.bos_token_id),
    pad: num(c.pad_token_id),
    raw,
  };
}

export function parseGenerationConfig(raw: Record<string, unknown>): GenerationConfig {
  const rp = num(raw.repetition_penalty);
  return { eos: idList(raw.eos_token_id), repetitionPenalty: rp !== undefined && rp !== 1 ? rp : undefined, raw };
}
