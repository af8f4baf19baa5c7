#!/usr/bin/python3
"""Writes python_onnx.onnx with the onnx Python package (Debian: python3-onnx), so that
onnxpb's reader is tested on a file another tool wrote. Rerun it only to change the fixture:
    /usr/bin/python3 internal/onnxpb/testdata/gen_python_onnx.py internal/onnxpb/testdata/python_onnx.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

w = np.arange(12, dtype=np.float32).reshape(4, 3) / 8  # raw_data
b = helper.make_tensor("b", TensorProto.FLOAT, [3], [0.5, -1.0, 2.25])  # float_data
shape = helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 3])  # int64_data
gemm = helper.make_node("Gemm", ["x", "w", "b"], ["logits"], name="gemm", alpha=1.0, beta=1.0, transB=0)
reshape = helper.make_node("Reshape", ["logits", "shape"], ["flat"], name="reshape")
soft = helper.make_node("Softmax", ["flat"], ["probs"], name="softmax", axis=-1)
const = helper.make_node("Constant", [], ["unused"], name="const",
                         value=helper.make_tensor("v", TensorProto.FLOAT, [2], [1.5, -2.5]))
graph = helper.make_graph(
    [gemm, reshape, soft, const], "python-graph",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 3])],
    initializer=[numpy_helper.from_array(w, "w"), b, shape],
    doc_string="written by the onnx Python package",
)
model = helper.make_model(graph, producer_name="onnx-python", producer_version=onnx.__version__,
                          opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 2)])
model.ir_version = 7
helper.set_model_props(model, {"labels": '["a","b","c"]', "purpose": "fixture"})
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
