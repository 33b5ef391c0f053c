/** Every CNA command, as a table of factories registered in one loop (rust-analyzer style). */
import * as vscode from 'vscode';
import { reportError, type CnaContext } from '../context';
import { runAttributionCommand } from './attribution';
import { openChartPanelCommand, revealPairInChartCommand } from './chart';
import { compareCircuitsCommand } from './compare';
import { showCircuitActivityCommand } from './activity';
import { exportCircuitCommand } from './exportCircuit';
import { showNeuronCommand } from './neuron';
import { showLogsCommand } from './logs';
import { openExampleCommand } from './openExample';
import { reproduceModelsCommand } from './reproduce';
import { selectModelCommand } from './selectModel';
import { steerCommand } from './steer';
import { sweepCommand } from './sweep';
import type { CommandFactory } from './types';

/** Command id -> [factory, title for error messages]. Titles in package.json say the same. */
const COMMANDS: Record<string, [CommandFactory, string]> = {
  'cna.runAttribution': [runAttributionCommand, 'Run Attribution'],
  'cna.sweep': [sweepCommand, 'Sweep Multipliers'],
  'cna.steer': [steerCommand, 'Steer a Prompt'],
  'cna.selectModel': [selectModelCommand, 'Select Model'],
  'cna.openChartPanel': [openChartPanelCommand, 'Open Chart Panel'],
  'cna.exportCircuit': [exportCircuitCommand, 'Export Circuit'],
  'cna.showLogs': [showLogsCommand, 'Show Logs'],
  'cna.openExample': [openExampleCommand, 'Open Example'],
  'cna.showCircuitActivity': [showCircuitActivityCommand, 'Show Circuit Activity'],
  'cna.showNeuron': [showNeuronCommand, 'Show Neuron'],
  'cna.compareCircuits': [compareCircuitsCommand, 'Compare Circuits'],
  'cna.reproduceModels': [reproduceModelsCommand, 'Reproduce the Paper on Models'],
  // Internal (CodeLens click); hidden from the palette in package.json.
  'cna.revealPairInChart': [revealPairInChartCommand, 'Reveal Pair in Chart'],
};

export function registerCommands(ctx: CnaContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, [factory, title]]) => {
    const handler = factory(ctx);
    // A user mistake becomes one line, never a stack trace; our bugs go to the log as well.
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        reportError(ctx, title, err);
        return undefined;
      }
    });
  });
}
