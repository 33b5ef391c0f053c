import type { CliCommand } from './command';
import { activationsCommand } from './activations';
import { attributeCommand } from './attribute';
import { compareCommand } from './compare';
import { generateCommand } from './generate';
import { inspectCommand } from './inspect';
import { lintCommand } from './lint';
import { neuronCommand } from './neuron';
import { reproduceCommand } from './reproduce';
import { sweepCommand } from './sweep';

/** The command table: each entry lives in its own file under src/cli/. */
export const commands: Record<string, CliCommand> = {
  lint: lintCommand,
  inspect: inspectCommand,
  activations: activationsCommand,
  generate: generateCommand,
  attribute: attributeCommand,
  sweep: sweepCommand,
  reproduce: reproduceCommand,
  neuron: neuronCommand,
  compare: compareCommand,
};
