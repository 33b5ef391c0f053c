import type { CliCommand } from './command';

/** The command table: each entry lives in its own file under src/cli/. */
export const commands: Record<string, CliCommand> = {};
