/**
 * How neurons are addressed. Every per-neuron array in src/cna is flat and layer-major:
 * `flat = layer * intermediateSize + index`, so ascending flat order is (layer asc, index asc), the
 * tie-break order the ranking uses.
 */

/** One MLP neuron: the `index`-th input channel of `down_proj` in decoder layer `layer`. */
export interface NeuronRef {
  layer: number;
  index: number;
}

/** The part of a model's shape the statistics need. */
export interface ModelShape {
  layers: number;
  intermediateSize: number;
}

export function totalNeurons(shape: ModelShape): number {
  return shape.layers * shape.intermediateSize;
}

export function flatIndex(ref: NeuronRef, intermediateSize: number): number {
  return ref.layer * intermediateSize + ref.index;
}

export function neuronAt(flat: number, intermediateSize: number): NeuronRef {
  return { layer: Math.floor(flat / intermediateSize), index: flat % intermediateSize };
}

/**
 * Checks that per-prompt activations have the model's shape: one array of `intermediateSize` values per
 * layer. A mismatch is an engine bug, not a user mistake, hence a plain Error.
 */
export function checkLayerShapes(layers: readonly ArrayLike<number>[], shape: ModelShape, what: string): void {
  if (layers.length !== shape.layers) {
    throw new Error(`${what}: expected ${shape.layers} layers of activations, got ${layers.length}.`);
  }
  for (let l = 0; l < layers.length; l++) {
    if (layers[l].length !== shape.intermediateSize) {
      throw new Error(`${what}: layer ${l} has ${layers[l].length} values, expected ${shape.intermediateSize}.`);
    }
  }
}

/** Formats 1532 as "1,532" without depending on the platform's locale data. */
export function groupThousands(n: number): string {
  const [whole, frac] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}
