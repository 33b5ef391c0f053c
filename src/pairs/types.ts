/**
 * The data model of a parsed `.cnapairs` file (docs/cnapairs.md). Positions are 0-based and count UTF-16 code
 * units, like VS Code's `Position`, so host code can map them one to one.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

/** Whether a pair is used to find the circuit or held out to evaluate it (`@split`). */
export type Split = 'discover' | 'eval';

export type RuleCode = 'CNA001' | 'CNA002' | 'CNA003' | 'CNA004' | 'CNA005' | 'CNA006' | 'CNA007' | 'CNA008' | 'CNA009' | 'CNA010' | 'CNA011' | 'CNA012' | 'CNA013' | 'CNA014' | 'CNA015';

export interface PairsDiagnostic {
  range: Range;
  severity: Severity;
  code: RuleCode;
  /** Says what is wrong and what to do about it. */
  message: string;
}

export type Side = 'positive' | 'negative';

/** One `+` or `-` prompt with its continuation lines. */
export interface Prompt {
  side: Side;
  /** Text after the marker and one space, continuation lines joined with `\n`, trailing white space removed. */
  text: string;
  /** From the marker to the end of the prompt's last line. */
  range: Range;
  /** The prompt text only (empty range right after the marker when the prompt is empty). */
  textRange: Range;
  /** Position of the `+`/`-` marker character. */
  marker: Position;
  /** Lines it spans: the marker line and its continuations. */
  startLine: number;
  endLine: number;
}

/** A run of consecutive prompt lines, valid or not; a valid block is a pair. */
export interface Block {
  prompts: Prompt[];
  range: Range;
  startLine: number;
  endLine: number;
}

export interface Pair {
  /** 0-based position among the valid pairs of the file. */
  index: number;
  positive: Prompt;
  negative: Prompt;
  range: Range;
  /** 0-based line of the pair's first prompt. */
  line: number;
  endLine: number;
  /** Title of the `##` section the pair is in, if any. */
  section: string | undefined;
  /** Index into `sections`, or -1. */
  sectionIndex: number;
  split: Split;
}

export interface Section {
  title: string;
  /** Line of the `##` heading. */
  line: number;
  headingRange: Range;
  titleRange: Range;
  /** From the heading to the last non-blank line before the next heading (or the end of the file). */
  range: Range;
}

/**
 * How prompts are formatted: `chat` (the model's chat template rendered once, no special tokens added again, a
 * pinned date), `raw` (the text as is) or `reference` (exactly as the reference implementation, neuron_steer:
 * docs/method.md, "Reference formatting").
 */
export type TemplateMode = 'chat' | 'raw' | 'reference';

/** `@top`: a share of all MLP neurons, or a count. */
export type TopValue = { kind: 'percent'; percent: number } | { kind: 'count'; count: number };

export type DirectiveValue =
  | { name: 'feature'; value: string }
  | { name: 'model'; value: string }
  | { name: 'template'; value: TemplateMode }
  | { name: 'system'; value: string }
  | { name: 'top'; value: TopValue }
  | { name: 'exclude-layers'; value: number[] }
  | { name: 'multipliers'; value: number[] }
  | { name: 'split'; value: Split };

export type DirectiveName = DirectiveValue['name'];

export interface Directive {
  /** Name as written, without `@` (may be unknown). */
  name: string;
  /** Raw value text, trimmed. */
  raw: string;
  line: number;
  range: Range;
  /** `@` and the name. */
  nameRange: Range;
  /** The value (empty range after the name when there is none). */
  valueRange: Range;
  /** The parsed value; undefined when the name is unknown or the value is bad (a CNA009 says why). */
  parsed: DirectiveValue | undefined;
}

/** The file-level settings from header directives (the last valid one wins). */
export interface Header {
  feature?: string;
  model?: string;
  template?: TemplateMode;
  /** The date templates print (YYYY-MM-DD); not a directive: set by `--template-date` to repeat a reference-mode run. */
  templateDate?: string;
  system?: string;
  top?: TopValue;
  excludeLayers?: number[];
  multipliers?: number[];
}

export interface ParsedPairs {
  /** Valid pairs, in file order. */
  pairs: Pair[];
  /** Every block of prompt lines, including the invalid ones (for quick fixes). */
  blocks: Block[];
  directives: Directive[];
  sections: Section[];
  header: Header;
  /** Problems found while reading the structure (CNA001-CNA003, CNA009, CNA014, CNA015). */
  diagnostics: PairsDiagnostic[];
  /** The document's lines without line terminators (a leading BOM kept, as in the text). */
  lines: string[];
  /** The line terminator quick fixes should insert. */
  eol: '\n' | '\r\n';
}

/** Options of the lint rules that depend on the model. */
export interface LintContext {
  /** Counts tokens with the model's tokenizer; words are counted when it is absent. */
  countTokens?: (text: string) => number;
  /** The `cna.maxPromptTokens` setting (default 2048). */
  maxPromptTokens?: number;
  /** The model's context length, when known. */
  contextLength?: number;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}
