/**
 * Text to token ids exactly as the Python reference formats prompts: the chat template rendered with one
 * user message (and an optional system message) plus the generation prompt, then encoded WITHOUT adding
 * special tokens again (templates such as Llama 3's already print BOS). Raw prompts (base models,
 * `@template raw`) are encoded like `tokenizer(text)`, with the tokenizer's own special tokens.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { UserError } from '../errors';
import { renderChat, type ChatMessage, type TemplateTokens } from './chatTemplate';
import type { PromptSpec } from '../protocol';

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  readonly tokens: TemplateTokens;

  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown>, readonly chatTemplate?: string) {
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
    if (prompt.raw || !this.chatTemplate) return prompt.text;
    const messages: ChatMessage[] = [];
    if (prompt.system !== undefined) messages.push({ role: 'system', content: prompt.system });
    messages.push({ role: 'user', content: prompt.text });
    return renderChat(this.chatTemplate, messages, this.tokens);
  }

  /** Token ids of a prompt, formatted as at inference. */
  encodePrompt(prompt: PromptSpec): number[] {
    const templated = !prompt.raw && this.chatTemplate !== undefined;
    return this.encode(this.format(prompt), !templated);
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

/** Special tokens in tokenizer_config.json are strings or AddedToken objects `{content: ...}`. */
function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}
