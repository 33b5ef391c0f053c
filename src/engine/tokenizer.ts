/**
 * Text to token ids exactly as the Python reference formats prompts: the chat template rendered with one
 * user message (and an optional system message) plus the generation prompt, then encoded WITHOUT adding
 * special tokens again (templates such as Llama 3's already print BOS). Raw prompts (base models,
 * `@template raw`) are encoded like `tokenizer(text)`, with the tokenizer's own special tokens.
 * Reference mode (`@template reference`) copies neuron_steer instead, differences included: see PromptSpec.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { UserError } from '../errors';
import { parseTemplateDate, renderChat, TEMPLATE_DATE, today, type ChatMessage, type TemplateTokens } from './chatTemplate';
import type { PromptSpec } from '../protocol';

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  readonly tokens: TemplateTokens;

  constructor(
    tokenizerJson: Record<string, unknown>,
    tokenizerConfig: Record<string, unknown>,
    readonly chatTemplate?: string,
    /** The model's name (folder or repository name): reference mode applies the template by it. */
    readonly modelName = '',
  ) {
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new UserError(`tokenizer.json could not be loaded: ${(err as Error).message}`);
    }
    this.tokens = {
      bos_token: tokenString(tokenizerConfig.bos_token),
      eos_token: tokenString(tokenizerConfig.eos_token),
      pad_token: tokenString(tokenizerConfig.pad_token),
      unk_token: tokenString(tokenizerConfig.unk_token),
    };
  }

  /** The text the model sees for a prompt: the rendered template, or the raw text. */
  format(prompt: PromptSpec): string {
    if (!this.chatTemplate || !this.usesTemplate(prompt)) return prompt.text;
    const messages: ChatMessage[] = [];
    if (prompt.system !== undefined) messages.push({ role: 'system', content: prompt.system });
    messages.push({ role: 'user', content: prompt.text });
    const date = prompt.date !== undefined ? parseTemplateDate(prompt.date) : prompt.reference ? today() : TEMPLATE_DATE;
    return renderChat(this.chatTemplate, messages, this.tokens, date);
  }

  /** Whether the chat template applies: not for raw prompts; in reference mode, by the model's name. */
  usesTemplate(prompt: PromptSpec): boolean {
    if (this.chatTemplate === undefined) return false;
    return prompt.reference ? isChatModelName(this.modelName) : !prompt.raw;
  }

  /** Token ids of a prompt, formatted as at inference. */
  encodePrompt(prompt: PromptSpec): number[] {
    // The reference tokenises the rendered template with the default add_special_tokens=True (a second BOS).
    const addSpecial = prompt.reference === true || !this.usesTemplate(prompt);
    return this.encode(this.format(prompt), addSpecial);
  }

  encode(text: string, addSpecialTokens: boolean): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
  }

  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }
}

/** neuron_steer's rule for a chat model: "instruct" or "chat" in its name, any case. */
export function isChatModelName(name: string): boolean {
  return /instruct|chat/i.test(name);
}

/** Special tokens in tokenizer_config.json are strings or AddedToken objects `{content: ...}`. */
function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}
