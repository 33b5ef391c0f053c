/** One `cna` subcommand: its usage line and what it does. Returns the process exit code. */
export interface CliCommand {
  usage: string;
  summary: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Where a command writes: results to stdout, progress and messages to stderr. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (draw a progress bar) rather than a pipe (plain lines). */
  stderrIsTTY: boolean;
  /** The terminal's width now (it can change while a command runs); undefined when unknown. */
  stderrColumns?: () => number | undefined;
}
