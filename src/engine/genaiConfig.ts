/**
 * onnxruntime-genai model folders describe themselves in `genai_config.json`: the decoder's file name (often
 * not `model.onnx`), EOS ids, context length, model type, shapes and the decoder's input/output names. Its
 * `model` section is read here; config.json may be absent from such folders, so the shapes fill in for it.
 */
import { UserError } from '../errors';

export interface GenaiConfig {
  /** The decoder file, relative to the folder. */
  decoderFile?: string;
  /** A separate embedding model (vision/multimodal exports): the decoder then takes inputs_embeds. */
  embeddingFile?: string;
  eos: number[];
  bos?: number;
  pad?: number;
  contextLength?: number;
  type?: string;
  vocabSize?: number;
  layers?: number;
  hiddenSize?: number;
  headSize?: number;
  numHeads?: number;
  numKvHeads?: number;
  /** `model.decoder.inputs` / `outputs`: the graph's name for each role (`past_key_names`: `past_key_values.%d.key`). */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

/** The names this engine feeds and reads; genai configs that rename them are refused in one line. */
const STANDARD_NAMES: Record<string, string> = {
  input_ids: 'input_ids',
  attention_mask: 'attention_mask',
  position_ids: 'position_ids',
  past_key_names: 'past_key_values.%d.key',
  past_value_names: 'past_key_values.%d.value',
  logits: 'logits',
  present_key_names: 'present.%d.key',
  present_value_names: 'present.%d.value',
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const names = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

export function parseGenaiConfig(raw: Obj): GenaiConfig {
  const model = obj(raw.model);
  const decoder = obj(model.decoder);
  const eos = model.eos_token_id;
  return {
    decoderFile: str(decoder.filename),
    embeddingFile: str(obj(model.embedding).filename),
    eos: typeof eos === 'number' ? [eos] : Array.isArray(eos) ? eos.filter((x): x is number => typeof x === 'number') : [],
    bos: num(model.bos_token_id),
    pad: num(model.pad_token_id),
    contextLength: num(model.context_length),
    type: str(model.type),
    vocabSize: num(model.vocab_size),
    layers: num(decoder.num_hidden_layers),
    hiddenSize: num(decoder.hidden_size),
    headSize: num(decoder.head_size),
    numHeads: num(decoder.num_attention_heads),
    numKvHeads: num(decoder.num_key_value_heads),
    inputs: names(decoder.inputs),
    outputs: names(decoder.outputs),
  };
}

/**
 * Refuses what the engine cannot feed: a decoder that takes embeddings from another model, or input/output
 * names other than the standard ones (the engine feeds `input_ids`, `past_key_values.N.key`, ...).
 */
export function checkGenaiIo(config: GenaiConfig, file: string): void {
  if (config.inputs.inputs_embeds !== undefined && config.inputs.input_ids === undefined) {
    const from = config.embeddingFile ? `, which the embedding model ${config.embeddingFile} computes` : '';
    throw new UserError(`${file} takes inputs_embeds instead of input_ids${from}; CNA runs decoders that take token ids: use the text-only export of this model.`);
  }
  for (const [role, name] of [...Object.entries(config.inputs), ...Object.entries(config.outputs)]) {
    const standard = STANDARD_NAMES[role];
    if (standard !== undefined && standard !== name) {
      throw new UserError(`genai_config.json names the decoder's ${role} '${name}'; this engine supports the standard name '${standard}' only.`);
    }
  }
}
