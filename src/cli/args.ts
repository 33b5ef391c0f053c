import { UserError } from '../errors';

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

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError(`--${name} must be a number, got '${v}'.`);
  return n;
}
