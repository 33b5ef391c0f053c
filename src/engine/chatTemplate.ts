/**
 * Chat templates (Jinja, as in tokenizer_config.json), rendered exactly as `apply_chat_template` does with one
 * user message and the generation prompt. Templates that print today's date (Llama 3.x: `strftime_now`) get a
 * fixed date so the same prompt always gives the same tokens (reference mode passes the day it runs).
 */
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { UserError } from '../errors';

/** The date the Llama 3.1 template falls back to ("26 Jul 2024"); used for `strftime_now` too. */
export const TEMPLATE_DATE: TemplateDate = { year: 2024, month: 7, day: 26 };

export interface TemplateDate {
  year: number;
  month: number;
  day: number;
}

/** `YYYY-MM-DD` as a date, or a one-line error. */
export function parseTemplateDate(text: string): TemplateDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw new UserError(`'${text}' is not a date: give it as YYYY-MM-DD, e.g. 2024-07-26.`);
  }
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Today in local time, as Python's datetime.now() (what transformers' strftime_now prints). */
export function today(): TemplateDate {
  const now = new Date();
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

export function formatTemplateDate(d: TemplateDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Python's strftime for a date at 00:00 (default the fixed one), in the C locale. */
export function fixedStrftime(format: string, date: TemplateDate = TEMPLATE_DATE): string {
  const { year, month, day } = date;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return format.replace(/%[YymdeBbAaHMSjp%]/g, (t) => {
    switch (t) {
      case '%Y':
        return String(year);
      case '%y':
        return pad(year % 100);
      case '%m':
        return pad(month);
      case '%d':
        return pad(day);
      case '%e':
        return String(day).padStart(2, ' ');
      case '%B':
        return MONTHS[month - 1];
      case '%b':
        return MONTHS[month - 1].slice(0, 3);
      case '%A':
        return DAYS[weekday];
      case '%a':
        return DAYS[weekday].slice(0, 3);
      case '%H':
      case '%M':
      case '%S':
        return '00';
      case '%p':
        return 'AM';
      case '%j': {
        const start = Date.UTC(year, 0, 1);
        return pad(Math.round((Date.UTC(year, month - 1, day) - start) / 86400000) + 1, 3);
      }
      default:
        return '%';
    }
  });
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Special token strings a template may print (`{{ bos_token }}`). */
export interface TemplateTokens {
  bos_token?: string;
  eos_token?: string;
  pad_token?: string;
  unk_token?: string;
}

const parsed = new Map<string, Template>();

function compile(source: string): Template {
  let t = parsed.get(source);
  if (!t) {
    try {
      t = new Template(source);
    } catch (err) {
      throw new UserError(`The model's chat template does not parse: ${(err as Error).message}`);
    }
    parsed.set(source, t);
  }
  return t;
}

/** Python's range(stop) / range(start, stop[, step]). */
function pyRange(a: number, b?: number, step = 1): number[] {
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  if (step === 0) throw new Error('range() arg 3 must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** Renders the conversation followed by the assistant header (add_generation_prompt). */
export function renderChat(source: string, messages: ChatMessage[], tokens: TemplateTokens, date: TemplateDate = TEMPLATE_DATE): string {
  const template = compile(source);
  try {
    // Template.render() declares its own `strftime_now` (today's date) and refuses a second declaration, so
    // build the environment ourselves: the same globals as @huggingface/jinja 0.5.11's setupGlobals, with
    // our fixed-date strftime_now.
    const env = new Environment();
    const globals: Record<string, unknown> = {
      false: false,
      true: true,
      none: null,
      False: false,
      True: true,
      None: null,
      raise_exception: (message: unknown) => {
        throw new Error(String(message));
      },
      range: pyRange,
      strftime_now: (format: string) => fixedStrftime(format, date),
      messages,
      add_generation_prompt: true,
      ...tokens,
    };
    for (const [k, v] of Object.entries(globals)) if (v !== undefined) env.set(k, v);
    const result = new Interpreter(env).run(template.parsed);
    return String(result.value);
  } catch (err) {
    throw new UserError(`The model's chat template failed: ${(err as Error).message}`);
  }
}
