/**
 * The neuron page in the chart panel (internal command `cna.showNeuron`, from a click in the separation chart,
 * the panel's circuit list or a circuit-activity hover): the `cna neuron` job on the shown document's pairs
 * and circuit, drawn in the panel's Neuron tab.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../errors';
import { parseNeuronId, runNeuronPage, type NeuronPage } from '../../jobs/neuron';
import type { NeuronRef } from '../../protocol';
import { runWithProgress, type CnaContext } from '../context';
import { prepareRun } from './attribution';
import type { CommandFactory } from './types';

export const showNeuronCommand: CommandFactory = (ctx) => async (arg) => {
  // From a lens: the neuron of that file's circuit.
  const uri = typeof arg === 'object' && arg !== null ? (arg as { uri?: unknown }).uri : undefined;
  if (typeof uri === 'string') ctx.presenter.show(vscode.Uri.parse(uri));
  const neuron = typeof arg === 'string' ? parseNeuronId(arg) : isNeuron(arg) ? { layer: arg.layer, index: arg.index } : await askNeuron();
  if (!neuron) return undefined;
  return showNeuron(ctx, neuron);
};

function isNeuron(v: unknown): v is NeuronRef {
  return typeof v === 'object' && v !== null && Number.isInteger((v as NeuronRef).layer) && Number.isInteger((v as NeuronRef).index);
}

async function askNeuron(): Promise<NeuronRef | undefined> {
  const text = await vscode.window.showInputBox({
    prompt: 'Neuron as LAYER:INDEX',
    placeHolder: '5:123',
    validateInput: (v) => (/^\s*\d+:\d+\s*$/.test(v) ? undefined : 'Write LAYER:INDEX, e.g. 5:123'),
  });
  return text === undefined ? undefined : parseNeuronId(text);
}

/** Computes and shows the neuron page of the document the charts show; resolves to the page (tests). */
export async function showNeuron(ctx: CnaContext, neuron: NeuronRef): Promise<NeuronPage | undefined> {
  const uri = ctx.presenter.document;
  const run = uri && ctx.results.get(uri);
  if (!uri || !run) throw new UserError('Run Attribution on a .cnapairs file first: the neuron page runs its pairs on its model.');
  const doc = await vscode.workspace.openTextDocument(uri);
  const { pairs } = prepareRun(ctx, doc, 'Neuron page');
  ctx.presenter.showNeuron({ pending: neuron });
  ctx.presenter.openPanel('neuron');
  const id = `${neuron.layer}:${neuron.index}`;
  const page = await runWithProgress(ctx, `Neuron ${id}`, ({ signal, progress }) =>
    ctx.engine.use((engine) =>
      runNeuronPage(
        { engine, model: { path: run.modelPath }, signal, onProgress: progress },
        { neuron, pairs, circuit: { file: path.basename(uri.fsPath), neurons: run.attribution.neurons }, top: 20 },
      ),
    ),
  );
  ctx.presenter.showNeuron(page ? { page } : { error: `The page of neuron ${id} could not be computed (see the CNA log).` });
  return page;
}
