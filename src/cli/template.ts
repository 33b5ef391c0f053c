/**
 * `--template chat|raw|reference` and `--template-date YYYY-MM-DD`: how prompts are formatted, over the file's
 * `@template`. Checked before any model loads.
 */
import { parseTemplateDate, formatTemplateDate } from '../engine/chatTemplate';
import { UserError } from '../errors';
import type { Header, TemplateMode } from '../pairs/types';
import { stringOption, type ParsedArgs } from './args';

export const TEMPLATE_VALUE_OPTIONS = ['template', 'template-date'];
export const TEMPLATE_USAGE = '[--template chat|raw|reference] [--template-date YYYY-MM-DD]';

const MODES: readonly TemplateMode[] = ['chat', 'raw', 'reference'];

export function withTemplateOptions(header: Header, args: ParsedArgs): Header {
  const mode = stringOption(args, 'template');
  const date = stringOption(args, 'template-date');
  if (mode !== undefined && !MODES.includes(mode as TemplateMode)) {
    throw new UserError(`--template must be chat, raw or reference, not '${mode}'.`);
  }
  const out: Header = { ...header };
  if (mode !== undefined) out.template = mode as TemplateMode;
  if (date !== undefined) out.templateDate = formatTemplateDate(parseTemplateDate(date));
  return out;
}
