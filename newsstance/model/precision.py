"""The numeric paths a model can run on, and the default chosen by measurement (docs/RESULTS.md).

Kept free of heavy imports so the command line can offer the choices without loading torch.
"""

from __future__ import annotations

from typing import Literal

Precision = Literal["fp32", "bf16", "int8", "onnx", "onnx-int8", "openvino", "openvino-int8"]
PRECISIONS: tuple[str, ...] = Precision.__args__
# openvino-int8: on the 2-core development machine 1.3-1.5x PyTorch bf16 (which is ~1.7x fp32), dev
# macro-F1 0.3 points below fp32 (as bf16), and batch-independent results, because activations are
# quantized per token. PyTorch's and ONNX Runtime's dynamic int8 quantize per batch instead, so a
# sentence's scores depend on the sentences batched with it (34 of 2,000 PolNeAR dev labels change
# between one batch and article-sized batches with ONNX int8). docs/RESULTS.md has the measurements.
DEFAULT_PRECISION: Precision = "openvino-int8"
# Where OpenVINO cannot run (load() warns): PyTorch bf16, the previous default, also batch-independent.
FALLBACK_PRECISION: Precision = "bf16"
