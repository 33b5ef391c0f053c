/**
 * The `cna` command line: the same engine as the extension, for pipelines. Results go to stdout, progress to
 * stderr. Exit codes: 0 success, 1 the input has errors, 2 usage or environment error, 3 a bug, 130 cancelled (README, docs/cli.md).
 */
import { CancelledError, UserError } from './errors';
import type { CliCommand, CliIO } from './cli/command';
import { commands } from './cli/commands';

function help(io: CliIO): void {
  io.stdout('Usage: cna <command> [options]\n\nCommands:\n');
  for (const c of Object.values(commands)) io.stdout(`  ${c.usage}\n      ${c.summary}\n`);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    help(io);
    return name === undefined ? 2 : 0;
  }
  const command: CliCommand | undefined = commands[name];
  if (!command) {
    io.stderr(`cna: unknown command '${name}'. Run 'cna help' for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UserError) {
      io.stderr(`cna ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof CancelledError) {
      io.stderr(`cna ${name}: cancelled; nothing was written.\n`);
      return 130;
    }
    throw err;
  }
}

if (require.main === module) {
  const io: CliIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: () => process.stderr.columns,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A bug, not a user mistake: keep the stack so it can be reported.
      process.stderr.write(`cna: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
