/** A command is a factory over the shared context (vscode_deno style); registered in one loop. */
import type { CnaContext } from '../context';

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (ctx: CnaContext) => CommandHandler;
