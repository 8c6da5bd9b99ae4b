"""The numeric paths a model can run on, and the default chosen by measurement (docs/RESULTS.md).

Kept free of heavy imports so the command line can offer the choices without loading torch.
"""

from __future__ import annotations

from typing import Literal

Precision = Literal["fp32", "bf16", "openvino", "openvino-int8"]
PRECISIONS: tuple[str, ...] = Precision.__args__
OPENVINO_PRECISIONS = ("openvino", "openvino-int8")
# Paths of earlier versions, gone because none gave a user anything the default does not: PyTorch's
# and ONNX Runtime's dynamic int8 were no faster than openvino-int8 and made a sentence's scores
# depend on its batch; ONNX Runtime fp32 was as slow as PyTorch fp32 (docs/RESULTS.md, issue 14).
REMOVED = {"int8": "openvino-int8", "onnx": "fp32", "onnx-int8": "openvino-int8"}
# openvino-int8: on the 2-core development machine 1.3-1.5x PyTorch bf16 (which is ~1.7x fp32), dev
# macro-F1 0.3 points below fp32 (as bf16), and batch-independent results, because activations are
# quantized per token.
DEFAULT_PRECISION: Precision = "openvino-int8"
# Where OpenVINO cannot run (load() warns): PyTorch bf16, the previous default, also batch-independent.
FALLBACK_PRECISION: Precision = "bf16"


def check_precision(precision: str) -> Precision:
    from newsstance.data.text_input import InputError

    if precision in REMOVED:
        raise InputError(f"precision {precision!r} was removed in newsstance 0.2; use {REMOVED[precision]!r} "
                         f"(one of {', '.join(PRECISIONS)})")
    if precision not in PRECISIONS:
        raise InputError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    return precision  # type: ignore[return-value]
