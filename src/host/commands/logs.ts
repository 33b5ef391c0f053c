/** CNA: Show Logs: the "CNA" log channel (engine start, runs, timings, errors with their stacks). */
import type { CommandFactory } from './types';

export const showLogsCommand: CommandFactory = (ctx) => () => ctx.log.show();
