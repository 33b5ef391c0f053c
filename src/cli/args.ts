import { resolveRunSettings } from '../jobs/settings';
import { UserError } from '../errors';
import { parseDecimal, parseWholeNumber } from '../pairs/directives';

/** Parsed command line: positional arguments and `--flag [value]` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name` flags. `booleans` lists flags that take no
 * value; every other flag needs one. Unknown flags are a usage error so typos never pass silently.
 */
export function parseArgs(argv: string[], known: { values: string[]; booleans: string[] }): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (known.booleans.includes(name)) {
      if (eq >= 0) throw new UserError(`--${name} takes no value.`);
      options.set(name, true);
    } else if (known.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UserError(`--${name} needs a value.`);
      options.set(name, value);
    } else {
      throw new UserError(`Unknown option --${name}. Run 'cna help' for the options of each command.`);
    }
  }
  return { positional, options };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** A plain decimal number (`0.5`, `-1`); `0x10`, `Infinity` and an empty value are usage errors. */
export function decimalOption(args: ParsedArgs, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = parseDecimal(v);
  if (n === undefined) throw new UserError(`--${name} must be a decimal number, got '${v}'.`);
  return n;
}

/** A whole number of at least `min` (`--batch-size 0`, `-1`, `1.5` and `1e3` are usage errors). */
export function wholeNumberOption(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = parseWholeNumber(v);
  if (n === undefined || n < min) throw new UserError(`--${name} must be a whole number of at least ${min}, got '${v}'.`);
  return n;
}

/** `--top` checked now (0.1% or 200), passed on as given. */
export function topOption(args: ParsedArgs): string | undefined {
  const v = stringOption(args, 'top');
  // The resolver's parse, so the error names the flag (src/jobs/settings.ts).
  if (v !== undefined) resolveRunSettings({}, { flags: { top: v } });
  return v;
}

/** `--exclude-layers` checked now for its form; whether the layers exist is checked once the model is known. */
export function excludeLayersOption(args: ParsedArgs): string | undefined {
  const v = stringOption(args, 'exclude-layers');
  if (v !== undefined) resolveRunSettings({}, { flags: { excludeLayers: v } });
  return v;
}
