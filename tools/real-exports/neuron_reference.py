"""Reference logit effects of a few neurons of the real-exporter fixtures, computed with onnx + numpy alone
(an implementation independent of src/engine/neuronWeights.ts), for test/unit/engine/neuronRealExports.test.ts.

For neuron i of layer L: W_U (g * W_down[i, :]) with W_down the ONNX down_proj weight [I, H] (MatMul) or
the dequantised MatMulNBits B (q4: (nibble - zero point) * block scale), g the final norm's weight and W_U the
lm_head weight [H, V]. Writes neuron-reference.json next to each fixture's onnx/ folder.

    python3 tools/real-exports/neuron_reference.py test/fixtures/real/llama3-instruct
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

NEURONS = [(0, 3), (1, 40), (3, 17), (2, 63)]
TOP = 8


def dequant_nbits(node, inits):
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    K, N, bs, bits = attrs["K"], attrs["N"], attrs["block_size"], attrs.get("bits", 4)
    assert bits == 4
    B = inits[node.input[1]]
    scales = inits[node.input[2]].astype(np.float64).reshape(N, -1)
    blocks = B.shape[1]
    zp = None
    if len(node.input) > 3 and node.input[3]:
        zp_bytes = inits[node.input[3]].reshape(N, -1)
        zp = np.zeros((N, blocks))
        for b in range(blocks):
            zp[:, b] = (zp_bytes[:, b // 2] >> (4 * (b % 2))) & 15
    W = np.zeros((K, N))
    for k in range(K):
        b, j = divmod(k, bs)
        q = ((B[:, b, j // 2] >> (4 * (j % 2))) & 15).astype(np.int64)
        z = zp[:, b] if zp is not None else 8
        W[k, :] = (q - z) * scales[:, b]
    return W


def weight_of(node, inits, producers):
    if node.op_type == "MatMulNBits":
        return dequant_nbits(node, inits)
    name = node.input[1]
    while name not in inits:
        p = producers[name]
        assert p.op_type in ("Cast", "Identity"), p.op_type
        name = p.input[0]
    return inits[name].astype(np.float64)


def main(folder):
    out = {}
    onnx_dir = os.path.join(folder, "onnx")
    for f in sorted(os.listdir(onnx_dir)):
        if not f.endswith(".onnx"):
            continue
        model = onnx.load(os.path.join(onnx_dir, f))
        g = model.graph
        inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        producers = {o: n for n in g.node for o in n.output}
        downs = {}
        for n in g.node:
            if "mlp/down_proj" in n.name and n.op_type in ("MatMul", "MatMulNBits"):
                layer = int(n.name.split("layers.")[1].split("/")[0])
                downs[layer] = n
        head = next(n for n in g.node if n.name.startswith("/lm_head/") and n.op_type in ("MatMul", "MatMulNBits"))
        norm = inits["model.norm.weight"].astype(np.float64)
        W_U = weight_of(head, inits, producers)
        rows = []
        for layer, i in NEURONS:
            W_down = weight_of(downs[layer], inits, producers)
            effect = (norm * W_down[i, :]) @ W_U
            order = np.argsort(-effect, kind="stable")
            rows.append(
                {
                    "layer": layer,
                    "index": i,
                    "promoted": [[int(t), float(effect[t])] for t in order[:TOP]],
                    "suppressed": [[int(t), float(effect[t])] for t in order[::-1][:TOP]],
                }
            )
        out[f] = rows
    with open(os.path.join(folder, "neuron-reference.json"), "w") as fh:
        json.dump({"generator": "tools/real-exports/neuron_reference.py", "neurons": out}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
