"""ONNX Runtime backend for the fast CPU path: the network exported once, int8-quantized, cached.

The export is keyed by the weights' SHA-256 and the library versions and cached under
$NEWSSTANCE_CACHE (default ~/.cache/newsstance), so only the first use of a model pays the ~5 s
export + quantization; files are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

log = logging.getLogger(__name__)
# Bumped when the exported graph changes for the same weights, so stale cached exports are not reused.
EXPORT_VERSION = 2
INPUTS = ("input_ids", "token_type_ids", "attention_mask", "target_mask")


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSSTANCE_CACHE", Path.home() / ".cache" / "newsstance"))


def _fingerprint(network: torch.nn.Module, quantize: bool) -> str:
    import onnxruntime

    key = f"{torch.__version__}|{onnxruntime.__version__}|{quantize}|per-channel|{EXPORT_VERSION}"
    h = hashlib.sha256(key.encode())
    for name, tensor in sorted(network.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().float().numpy().tobytes())
    return h.hexdigest()[:24]


def _export(network: torch.nn.Module, path: Path) -> None:
    ids = torch.randint(5, 100, (2, 16))
    example = (ids, torch.zeros_like(ids), torch.ones_like(ids), torch.ones_like(ids, dtype=torch.bool))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow in transformers
        torch.onnx.export(
            network, example, str(path), input_names=list(INPUTS), output_names=["logits", "tags"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in INPUTS}, dynamo=False, opset_version=17,
        )


def build_session(network: torch.nn.Module, quantize: bool, threads: int):
    import onnxruntime as ort

    target = exported_onnx(network, quantize)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])


def exported_onnx(network: torch.nn.Module, quantize: bool) -> Path:
    """The cached export, written on first use; in a per-process temp folder if the cache is read-only."""
    name = f"{_fingerprint(network, quantize)}.onnx"
    target = cache_dir() / name
    if target.exists():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(dir=target.parent))
    except OSError as e:
        log.warning("cannot write the ONNX cache %s (%s); exporting for this process only "
                    "(set NEWSSTANCE_CACHE to a writable folder to keep it)", target.parent, e)
        target = Path(tempfile.mkdtemp(prefix="newsstance-onnx-")) / name
        atexit.register(shutil.rmtree, target.parent, True)
        workdir = Path(tempfile.mkdtemp(dir=target.parent))
    try:
        exported = workdir / "model.onnx"
        _export(network, exported)
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantized = workdir / "model.int8.onnx"
            quantize_dynamic(str(exported), str(quantized), weight_type=QuantType.QInt8, per_channel=True)
            exported = quantized
        os.replace(exported, target)  # atomic: a reader never sees a half-written model
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log.info("exported ONNX model to %s", target)
    return target


def run_session(session, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    feeds = {name: batch[name].numpy() for name in INPUTS}
    logits, tags = session.run(None, feeds)
    return torch.from_numpy(np.asarray(logits)), torch.from_numpy(np.asarray(tags))
