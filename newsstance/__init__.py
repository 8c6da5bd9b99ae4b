"""newsstance: label every sentence of a news article as claim, denial or attribution.

    import newsstance
    model = newsstance.load()          # the shipped default model, offline
    model.predict(["Iran denies selling drones."])
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

# Set before any submodule imports transformers: nothing newsstance does may reach for a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# oneDNN keeps a compiled kernel per matmul shape (1,024 by default), and length-sorted batches of news
# make many shapes: over 2,000 sentences that cache alone raised peak memory by ~100 MB. Sixteen
# entries cover the shapes of one batch width; speed unchanged (docs/RESULTS.md). Read by oneDNN at
# its first kernel, so a user's own setting (or earlier torch work in the process) takes precedence.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16")

from newsstance.data.labels import LABELS  # noqa: E402

__all__ = ["LABELS", "DEFAULT_MODEL", "DEFAULT_MODEL_DIR", "MODEL_NAMES", "load", "model_dir"]
__version__ = "0.2.0"

MODELS_DIR = Path(__file__).resolve().parent / "models"
# The shipped models: "fast" (all-MiniLM-L6-v2) and "accurate" (all-mpnet-base-v2 + LoRA adapters).
# The default is "accurate": denials come first, and on held-out guideline documents (cross-validation,
# docs/RESULTS.md, issue 15) the MiniLM models trail it by 3-5 points of macro-F1 and 7-12 of denial F1,
# far outside the 2 points that would have let the faster model be the default.
MODEL_NAMES = ("fast", "accurate")
DEFAULT_MODEL = "accurate"
DEFAULT_MODEL_DIR = MODELS_DIR / DEFAULT_MODEL


def model_dir(model: str | Path | None) -> Path:
    """The directory of a model named by `load`: None or "default", a shipped name, or a path."""
    if model in (None, "default"):
        return DEFAULT_MODEL_DIR
    if isinstance(model, str) and model in MODEL_NAMES:
        return MODELS_DIR / model
    return Path(model)


def load(path: str | Path | None = None, precision: str | None = None, device: str = "cpu"):
    """Load a shipped model by name ("fast", "accurate"; None or "default": the default one) or a model
    directory (a training run's best/).

    precision: one of newsstance.model.precision.PRECISIONS; None picks the default chosen by
    measurement, and falls back to PyTorch bf16 (with a warning) where that default cannot run.
    device: "cpu", "cuda", or "auto" (CUDA where present); on a GPU the default precision is bf16.
    """
    from newsstance.errors import BackendError
    from newsstance.model.precision import DEFAULT_PRECISION, FALLBACK_PRECISION
    from newsstance.model.stance_model import StanceModel

    directory = model_dir(path)
    device = _device(device)
    if device != "cpu":
        return StanceModel.from_pretrained(directory, precision or "bf16", device)
    if precision is not None:
        return StanceModel.from_pretrained(directory, precision=precision)
    try:
        return StanceModel.from_pretrained(directory, DEFAULT_PRECISION)
    except BackendError as e:
        logging.getLogger(__name__).warning("%s; using precision %r instead", e, FALLBACK_PRECISION)
        return StanceModel.from_pretrained(directory, FALLBACK_PRECISION)


def _device(device: str) -> str:
    from newsstance.errors import ConfigError

    if device not in ("cpu", "cuda", "auto"):
        raise ConfigError(f"device {device!r}: expected cpu, cuda or auto")
    if device == "cpu":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise ConfigError("device 'cuda': no CUDA device is available here (use cpu or auto)")
    return "cpu"
