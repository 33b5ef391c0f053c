/**
 * The baseline the paper compares against, as it implemented it (CAA): per layer, the mean of the MLP
 * output (down_proj output, one hidden-size vector per layer) at the last token over positive prompts
 * minus the same over negative prompts. Steering adds alpha * v_l at every layer and position; the engine
 * does the adding, this file only produces the v_l. Streams like discovery: memory depends only on
 * layers x hiddenSize.
 */
import { Side, SideMeans } from './accumulate';

export class CaaAccumulator {
  private readonly means: SideMeans;

  constructor(
    readonly layers: number,
    readonly hiddenSize: number,
  ) {
    // SideMeans only needs a per-layer width; here it is the hidden size.
    this.means = new SideMeans({ layers, intermediateSize: hiddenSize });
  }

  /** One prompt's last-token down_proj outputs, one hidden-size array per layer. */
  addPrompt(side: Side, mlpOutputs: readonly Float32Array[]): void {
    this.means.addPrompt(side, mlpOutputs);
  }

  count(side: Side): number {
    return this.means.count(side);
  }

  /** v_l = mean positive - mean negative, one Float32Array of hiddenSize per layer. */
  vectors(): Float32Array[] {
    const delta = this.means.delta();
    const out: Float32Array[] = [];
    for (let l = 0; l < this.layers; l++) {
      out.push(Float32Array.from(delta.subarray(l * this.hiddenSize, (l + 1) * this.hiddenSize)));
    }
    return out;
  }
}
