"""OpenVINO backend for the fast CPU path: the cached ONNX export, compiled by OpenVINO's CPU plugin.

Why OpenVINO: on this CPU (AVX-512 BF16/VNNI) its fused kernels ran the same network ~1.3x faster
than PyTorch eager in bf16, and its int8 path quantizes activations per token (in groups of
`INT8_GROUP` channels) rather than per batch, so unlike PyTorch's and ONNX Runtime's dynamic int8 a
sentence's scores do not depend on the sentences batched with it (docs/RESULTS.md).
"""

from __future__ import annotations

import threading

import numpy as np
import torch

from newsstance.errors import BackendError
from newsstance.model.onnx_backend import INPUTS, exported_onnx

# Input channels per scale, for the int8 weights and for the activations quantized at run time. On the
# 2,000 PolNeAR dev sentences of the benchmark, against fp32: per-output-channel weights with groups of
# 128 activations changed 12 labels (dev macro-F1 0.58 points below fp32), groups of 64 for both 7 (dev
# 0.853, as bf16), groups of 32 2 but barely faster than bf16 (one-off probes; table in docs/RESULTS.md).
INT8_GROUP = 64


def compress_weights(model, group: int = INT8_GROUP) -> int:
    """Store every constant MatMul weight as int8, one fp32 scale per `group` input channels per output.

    The int8 -> f32 -> multiply -> reshape pattern is what OpenVINO's CPU plugin recognises as compressed
    weights: it keeps them int8 and, with dynamic quantization on, runs the matmul on int8 VNNI
    instructions. Returns how many weights were compressed.
    """
    from openvino import Type
    from openvino import opset13 as ops

    count = 0
    for op in model.get_ordered_ops():
        # transpose_b weights (the sentence classifier, exported as Gemm) stay as they are: a probe that
        # compressed them this way crashed the plugin's compiler (SIGFPE).
        if op.get_type_name() != "MatMul" or op.get_attributes().get("transpose_b"):
            continue
        source = op.input_value(1).get_node()
        if source.get_type_name() != "Constant":
            continue
        weight = source.get_data().astype(np.float32)  # (in, out): ONNX Linear weights are pre-transposed
        if weight.ndim != 2:
            continue
        rows, cols = weight.shape
        size = group if rows % group == 0 else rows
        grouped = weight.reshape(rows // size, size, cols)
        scale = np.abs(grouped).max(1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        quantized = np.clip(np.round(grouped / scale), -127, 127).astype(np.int8)
        dequantized = ops.multiply(ops.convert(ops.constant(quantized), Type.f32), ops.constant(scale))
        shape = ops.constant(np.array([rows, cols], dtype=np.int64))
        op.input(1).replace_source_output(ops.reshape(dequantized, shape, special_zero=False).output(0))
        count += 1
    return count


class OpenVinoForward:
    """Callable like the network: forward(**batch) -> (logits, tag_logits) as torch tensors."""

    def __init__(self, network: torch.nn.Module, int8: bool, threads: int):
        try:
            import openvino
        except ImportError as e:
            raise BackendError(f"the OpenVINO paths need the openvino package ({e})") from None
        onnx_path = exported_onnx(network, quantize=False)
        # On a CPU without bf16 or int8 instructions the plugin falls back to fp32 by itself; what is
        # left to fail here is a plugin that cannot run on this machine at all.
        try:
            core = openvino.Core()
            model = core.read_model(str(onnx_path))
            config = {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY",
                      "INFERENCE_PRECISION_HINT": "bf16"}
            if int8:
                compress_weights(model)
                config["DYNAMIC_QUANTIZATION_GROUP_SIZE"] = INT8_GROUP
            self.compiled = core.compile_model(model, "CPU", config)
        except RuntimeError as e:
            raise BackendError(f"OpenVINO could not compile {onnx_path} for this CPU: {e}") from None
        self.request = self.compiled.create_infer_request()
        self._lock = threading.Lock()  # one infer request: calls from several threads take turns

    def __call__(self, **batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        with self._lock:
            results = self.request.infer({name: batch[name].numpy() for name in INPUTS})
            logits, tags = (np.array(results[self.compiled.output(i)]) for i in range(2))
        return torch.from_numpy(logits), torch.from_numpy(tags)
