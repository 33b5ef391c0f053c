/**
 * A model folder on disk: Hugging Face config and tokenizer files plus one ONNX decoder, either at the root
 * or under `onnx/` with the onnx-community names. Also accepts a Hugging Face cache repo folder
 * (`models--org--name`, with `snapshots/` and `refs/main`) and a path to a `.onnx` file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';

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
  const root = findRoot(given);
  const realRoot = fs.realpathSync(root);

  const available = listDecoders(root);
  let onnxPath: string;
  if (explicitFile) {
    onnxPath = explicitFile;
  } else if (opts.variant) {
    onnxPath = pickVariant(root, available, opts.variant);
  } else {
    if (available.length === 0) {
      throw new UserError(`No ONNX model in ${input}: expected model.onnx at the root or under onnx/ (model.onnx, model_q4.onnx, model_fp16.onnx, ...).`);
    }
    onnxPath = path.join(root, available[0]);
  }
  const variant = path.basename(onnxPath, '.onnx');

  const tokPath = path.join(root, 'tokenizer.json');
  if (!fs.existsSync(tokPath)) {
    throw new UserError(`No tokenizer.json in ${input}: the engine needs the Hugging Face tokenizers file next to config.json.`);
  }
  const tokenizerJson = readJson(tokPath);
  const tokenizerConfig = optionalJson(path.join(root, 'tokenizer_config.json'));
  const config = withGenaiConfig(parseConfig(optionalJson(path.join(root, 'config.json'))), optionalJson(path.join(root, 'genai_config.json')));
  const generation = parseGenerationConfig(optionalJson(path.join(root, 'generation_config.json')));
  return {
    root: realRoot, onnxPath, variant, available, config, generation, tokenizerJson, tokenizerConfig,
    chatTemplate: findChatTemplate(root, tokenizerConfig),
  };
}

/**
 * A model folder's config files alone (config.json and genai_config.json; no tokenizer, no ONNX), for checks
 * before a model loads; undefined when the folder cannot be read.
 */
export function readModelConfig(input: string): ModelConfig | undefined {
  try {
    let dir = path.resolve(input);
    if (fs.statSync(dir).isFile()) dir = path.dirname(dir);
    const root = findRoot(resolveHfCacheRepo(dir));
    return withGenaiConfig(parseConfig(optionalJson(path.join(root, 'config.json'))), optionalJson(path.join(root, 'genai_config.json')));
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

/** The user may point at the `onnx/` subfolder; the tokenizer then lives one level up. */
function findRoot(dir: string): string {
  if (!fs.existsSync(path.join(dir, 'tokenizer.json')) && path.basename(dir) === 'onnx'
    && fs.existsSync(path.join(dir, '..', 'tokenizer.json'))) {
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
    eos: idList(c.eos_token_id),
    bos: num(c.bos_token_id),
    pad: num(c.pad_token_id),
    raw,
  };
}

/**
 * An onnxruntime-genai export's genai_config.json: `model.context_length` is the size of its KV cache, which
 * may be below max_position_embeddings (running past it crashes inside ONNX Runtime), and `model.eos_token_id`
 * stands in when config.json names no EOS.
 */
export function withGenaiConfig(config: ModelConfig, genai: Record<string, unknown>): ModelConfig {
  const m = genai.model && typeof genai.model === 'object' ? (genai.model as Record<string, unknown>) : {};
  const context = num(m.context_length);
  const out = { ...config };
  if (context !== undefined && context > 0 && (config.maxPositions === undefined || context < config.maxPositions)) {
    out.maxPositions = context;
    out.contextSource = 'context_length in genai_config.json';
  }
  if (out.eos.length === 0) out.eos = idList(m.eos_token_id);
  return out;
}

export function parseGenerationConfig(raw: Record<string, unknown>): GenerationConfig {
  const rp = num(raw.repetition_penalty);
  return { eos: idList(raw.eos_token_id), repetitionPenalty: rp !== undefined && rp !== 1 ? rp : undefined, raw };
}
