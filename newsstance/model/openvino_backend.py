"""OpenVINO backend, the default numeric path: the PyTorch network converted by `openvino.convert_model`
(no ONNX step), int8 weights stored in the graph, cached as OpenVINO IR, compiled by the CPU plugin.

Why OpenVINO: on this CPU (AVX-512 BF16/VNNI) its fused kernels ran the network 1.3-1.5x faster than
PyTorch bf16, and its int8 path quantizes activations per token (in groups of `INT8_GROUP`
channels) rather than per batch, so unlike PyTorch's and ONNX Runtime's dynamic int8 a sentence's
scores do not depend on the sentences batched with it (docs/RESULTS.md).

The converted, compressed graph is cached under $NEWSSTANCE_CACHE/openvino, keyed by the model's
fingerprint and the library versions: a warm `load()` reads it without building the PyTorch network
(or importing transformers), and only the first use of a model pays the ~5 s conversion.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from newsstance.cache import cache_dir
from newsstance.errors import BackendError

log = logging.getLogger(__name__)
INPUTS = ("input_ids", "token_type_ids", "attention_mask", "target_mask")
# Bumped when the cached graph changes for the same weights, so stale entries are not reused.
GRAPH_VERSION = 1
# Input channels per scale, for the int8 weights and for the activations quantized at run time. On the
# 2,000 PolNeAR dev sentences of the benchmark, against fp32: per-output-channel weights with groups of
# 128 activations changed 12 labels (dev macro-F1 0.58 points below fp32), groups of 64 for both 7 (dev
# 0.853, as bf16), groups of 32 2 but barely faster than bf16 (one-off probes; table in docs/RESULTS.md).
INT8_GROUP = 64
# Input shapes whose compiled kernels the CPU plugin keeps. Its default, 5,000, let a service's memory grow
# with every new batch shape (352 -> 919 MB over 1,500 randomly shaped calls); 64 kept it at 468 MB, at
# the same speed on the 2,000 benchmark sentences (706 vs 703/s; rounding widths to multiples of 8 on top
# cost 13%: 613/s).
RUNTIME_CACHE_SHAPES = 64
# Output rows below which a weight stays as it is: the 3-label and 5-tag heads are too small to gain,
# and the plugin's compiler crashed (SIGFPE) on a compressed 3-row classifier in a probe.
MIN_COMPRESSED_ROWS = 16


def compress_weights(model, group: int = INT8_GROUP) -> int:
    """Store every constant MatMul weight as int8, one fp32 scale per `group` input channels per output.

    int8 -> f32 -> multiply -> reshape is the pattern OpenVINO's CPU plugin recognises as compressed
    weights: it keeps them int8 and, with dynamic quantization on, runs the matmul on int8 VNNI
    instructions. Returns how many weights were compressed.
    """
    from openvino import Type
    from openvino import opset13 as ops

    count = 0
    for op in model.get_ordered_ops():
        if op.get_type_name() != "MatMul":
            continue
        source = op.input_value(1).get_node()
        if source.get_type_name() != "Constant":
            continue
        weight = source.get_data().astype(np.float32)
        if weight.ndim != 2:
            continue
        # PyTorch's Linear converts to MatMul(x, W, transpose_b) with W as (out, in); make it (out, in).
        transposed = bool(op.get_attributes().get("transpose_b"))
        rows_by_input = weight if transposed else weight.T
        outputs, inputs = rows_by_input.shape
        if outputs < MIN_COMPRESSED_ROWS:
            continue
        size = group if inputs % group == 0 else inputs
        grouped = rows_by_input.reshape(outputs, inputs // size, size)
        scale = np.abs(grouped).max(2, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        quantized = np.clip(np.round(grouped / scale), -127, 127).astype(np.int8)
        if not transposed:  # back to (in, out) groups for a plain MatMul
            quantized, scale = quantized.transpose(1, 2, 0), scale.transpose(1, 2, 0)
        dequantized = ops.multiply(ops.convert(ops.constant(quantized), Type.f32), ops.constant(scale))
        shape = ops.constant(np.array(weight.shape, dtype=np.int64))
        op.input(1).replace_source_output(ops.reshape(dequantized, shape, special_zero=False).output(0))
        count += 1
    return count


def require_openvino() -> None:
    try:
        import openvino  # noqa: F401
    except ImportError as e:
        raise BackendError(f"the OpenVINO paths need the openvino package ({e})") from None


def weights_fingerprint(network: torch.nn.Module) -> str:
    """Identity of a network in memory (one not loaded from a directory): a hash of its weights."""
    h = hashlib.sha256()
    for name, tensor in sorted(network.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().float().numpy().tobytes())
    return h.hexdigest()[:24]


def convert(network: torch.nn.Module, int8: bool):
    """The network as an OpenVINO model (inputs and outputs named), weights compressed when int8."""
    import openvino

    ids = torch.randint(5, 100, (2, 16))
    example = {"input_ids": ids, "token_type_ids": torch.zeros_like(ids), "attention_mask": torch.ones_like(ids),
               "target_mask": torch.ones_like(ids, dtype=torch.bool)}
    quiet = logging.getLogger("transformers")
    level = quiet.level
    with torch.no_grad(), warnings.catch_warnings():
        # The tracer warns about shape checks in transformers' masking code; for an encoder they are
        # constant (keys and mask have the same length), so the traced graph holds for every shape.
        # Tracing also reads attributes (the loss function) that make transformers log notes meant
        # for a model being trained.
        warnings.simplefilter("ignore")
        quiet.setLevel(logging.ERROR)
        try:
            model = openvino.convert_model(network.eval(), example_input=example)
        finally:
            quiet.setLevel(level)
    for tensor, name in zip(model.inputs, INPUTS, strict=True):
        tensor.get_tensor().set_names({name})
    for tensor, name in zip(model.outputs, ("logits", "tags"), strict=False):
        tensor.get_tensor().set_names({name})
    if int8:
        compress_weights(model)
    return model


def cached_model(key: str, int8: bool, build_network: Callable[[], torch.nn.Module]) -> Path:
    """Path of the cached IR for `key` (a model fingerprint), converting and writing it if absent.

    Written to a temporary folder and renamed into place, so a reader never sees half a graph; in a
    per-process temporary folder when the cache cannot be written (a read-only home).
    """
    require_openvino()
    import openvino

    versions = hashlib.sha256(f"{openvino.__version__}|{torch.__version__}|{GRAPH_VERSION}".encode()).hexdigest()
    name = f"{key}-{'int8' if int8 else 'bf16'}-{versions[:12]}"
    folder = cache_dir() / "openvino" / name
    if (folder / "model.xml").is_file():
        return folder / "model.xml"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".convert-"))
        shared = True
    except OSError as e:
        log.warning("cannot write the OpenVINO cache %s (%s); converting for this process only "
                    "(set NEWSSTANCE_CACHE to a writable folder to keep it)", folder.parent, e)
        work = Path(tempfile.mkdtemp(prefix="newsstance-openvino-"))
        atexit.register(shutil.rmtree, work, True)
        shared = False
    openvino.save_model(convert(build_network(), int8), str(work / "model.xml"), compress_to_fp16=False)
    if not shared:
        return work / "model.xml"
    try:
        work.rename(folder)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (folder / "model.xml").is_file():
            raise
        # else another process cached the same graph first: the same bytes
    log.info("converted the network for OpenVINO into %s", folder)
    return folder / "model.xml"


class OpenVinoForward:
    """Callable like the network: forward(**batch) -> (logits, tag_logits) as torch tensors."""

    def __init__(self, graph: Path, int8: bool, threads: int):
        require_openvino()
        import openvino

        # On a CPU without bf16 or int8 instructions the plugin falls back to fp32 by itself; what is
        # left to fail here is a plugin that cannot run on this machine at all.
        try:
            core = openvino.Core()
            config = {"INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY",
                      "INFERENCE_PRECISION_HINT": "bf16", "CPU_RUNTIME_CACHE_CAPACITY": RUNTIME_CACHE_SHAPES}
            if int8:
                config["DYNAMIC_QUANTIZATION_GROUP_SIZE"] = INT8_GROUP
            self.compiled = core.compile_model(core.read_model(str(graph)), "CPU", config)
        except RuntimeError as e:
            raise BackendError(f"OpenVINO could not compile {graph} for this CPU: {e}") from None
        self.request = self.compiled.create_infer_request()
        self.has_tags = len(self.compiled.outputs) > 1
        self._lock = threading.Lock()  # one infer request: calls from several threads take turns

    def __call__(self, **batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        with self._lock:
            results = self.request.infer({name: batch[name].numpy() for name in INPUTS})
            outputs = [np.array(results[self.compiled.output(i)]) for i in range(len(self.compiled.outputs))]
        tags = torch.from_numpy(outputs[1]) if self.has_tags else None
        return torch.from_numpy(outputs[0]), tags
