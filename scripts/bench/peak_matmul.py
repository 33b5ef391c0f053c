"""matmul.onnx: one [rows, 896] x [896, 4864] MatMul (Qwen2.5-0.5B's MLP shape), the peak the bench's prefill
GFLOP/s is compared with. Imported by the bench model makers."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def write_peak_matmul(path):
    w = numpy_helper.from_array((np.random.RandomState(0).randn(896, 4864) * 0.02).astype(np.float32), "W")
    g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"])], "peak",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["rows", 896])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", 4864])], [w])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
    m.ir_version = 8
    onnx.save_model(m, path)
