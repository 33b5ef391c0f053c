/**
 * The neuron page's vocabulary view: for each neuron, the tokens its output raises most (promoted) and lowers
 * most (suppressed), from `W_U · (g ⊙ W_down[:, i])` (./neuronWeights.ts). Read from the weights per layer,
 * no forward pass.
 */
import { selectTop } from '../cna/rank';
import { UserError } from '../errors';
import type { NeuronRef, NeuronToken, NeuronTokensResult } from '../protocol';
import { ModelWeights, neuronLogitEffects } from './neuronWeights';
import type { EngineModel } from './session';

export function neuronTokens(model: EngineModel, neurons: readonly NeuronRef[], top: number): NeuronTokensResult {
  const { layers, intermediateSize } = model.info;
  for (const n of neurons) {
    if (!Number.isInteger(n.layer) || !Number.isInteger(n.index) || n.layer < 0 || n.layer >= layers || n.index < 0 || n.index >= intermediateSize) {
      throw new UserError(`Neuron ${n.layer}:${n.index} is outside this model (layers 0-${layers - 1}, neurons 0-${intermediateSize - 1}).`);
    }
  }
  const effects = neuronLogitEffects(ModelWeights.open(model.folder.onnxPath, model.info), neurons);
  const token = (id: number, score: number): NeuronToken => ({ id, token: model.tokenizer.decode([id], false), score });
  return {
    vocabSize: effects[0]?.length ?? model.vocabSize,
    neurons: neurons.map((n, j) => {
      const e = effects[j];
      return {
        layer: n.layer,
        index: n.index,
        promoted: selectTop(e.length, (i) => e[i], top).map((i) => token(i, e[i])),
        suppressed: selectTop(e.length, (i) => -e[i], top).map((i) => token(i, e[i])),
      };
    }),
  };
}
