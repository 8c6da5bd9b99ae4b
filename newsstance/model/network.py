"""The network: a pretrained transformer encoder (transformers' AutoModel) with two heads, a sentence
classifier over the mean of the target sentence's wordpieces and a BIO tagger for source/cue spans.

Fine-tuning is one of two kinds (model config): the top `trainable_layers` layers over a frozen
bottom (the small default model), or LoRA adapters on every linear layer of a frozen encoder
(`lora_rank`, for the large teacher: 12 layers x 6 linears x r x (in + out) stays a few MB on disk,
where a full mpnet is 220 MB in fp16).
"""

from __future__ import annotations

import inspect
from typing import Any

import torch
from torch import nn

from newsstance.config import Config
from newsstance.data.labels import head_labels
from newsstance.errors import ConfigError
from newsstance.model.encoders import encoder_dir
from newsstance.model.encoding import TAGS


class StanceNetwork(nn.Module):
    def __init__(self, encoder: nn.Module, n_labels: int, span_head: bool, dropout: float,
                 pooling: str = "mean"):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.pooling = pooling
        self.pooler = nn.Linear(hidden, hidden) if pooling == "cls" else None
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, n_labels)
        self.tagger = nn.Linear(hidden, len(TAGS)) if span_head else None
        # MPNet has no segment embeddings: the separators alone mark where the context starts.
        self._takes_token_types = "token_type_ids" in inspect.signature(encoder.forward).parameters

    def forward(
        self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, attention_mask: torch.Tensor,
        target_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        extra = {"token_type_ids": token_type_ids} if self._takes_token_types else {}
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
        if self.pooler is not None:  # BERT's pooler: the first token, dense, tanh
            pooled = torch.tanh(self.pooler(states[:, 0]))
        else:
            # Mean over the target sentence's wordpieces: the context informs them through attention
            # but does not dilute the pooled vector.
            weights = target_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        logits = self.classifier(self.dropout(pooled))
        tag_logits = self.tagger(self.dropout(states)) if self.tagger is not None else None
        return logits, tag_logits


def build_encoder(config: Config, encoder_config: dict[str, Any] | None = None) -> nn.Module:
    """transformers' encoder for `model.encoder`, with its pretrained weights under `model.init:
    pretrained`. `encoder_config` (a saved model's) fixes the architecture; a randomly initialised
    model then needs nothing from the encoder folder."""
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as hf_logging

    pretrained = config.model.init == "pretrained"
    # The per-load progress bar, the report of the unused pooler weights and notes on config keys
    # meant for other heads are noise for a user.
    hf_logging.disable_progress_bar()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        architecture = None
        if encoder_config is not None:
            raw = dict(encoder_config)
            architecture = AutoConfig.for_model(raw.pop("model_type"), **raw)
        elif not pretrained:
            architecture = AutoConfig.from_pretrained(encoder_dir(config.model.encoder))
        if pretrained:
            path = encoder_dir(config.model.encoder)
            if not any(path.glob("*.safetensors")):
                raise ConfigError(f"model.encoder {config.model.encoder!r}: no safetensors weights in {path}; "
                                  "use model.init=random for a randomly initialised encoder")
            extra = {"config": architecture} if architecture is not None else {}
            encoder = AutoModel.from_pretrained(path, add_pooling_layer=False, use_safetensors=True, **extra)
        else:
            encoder = AutoModel.from_config(architecture, add_pooling_layer=False)
    finally:
        hf_logging.set_verbosity(verbosity)
    keep_bottom_layers(encoder, config)
    return encoder


def build_network(config: Config, encoder_config: dict[str, Any] | None = None) -> StanceNetwork:
    """The network `config` describes, its trainable parameters marked (requires_grad)."""
    encoder = build_encoder(config, encoder_config)
    net = StanceNetwork(encoder, len(head_labels(config.model.predicts_skip)), config.model.span_head,
                        config.model.dropout, config.model.pooling)
    if config.model.lora_rank is not None:
        add_lora(net, config)
    else:
        freeze_bottom(net, config)
    return net


def keep_bottom_layers(encoder: nn.Module, config: Config) -> None:
    """Cut the encoder to its bottom `model.layers` layers; the encoder config records the depth."""
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


def add_lora(net: StanceNetwork, config: Config) -> None:
    """Freeze the whole encoder and give every linear layer of its blocks LoRA adapters (peft)."""
    from peft import LoraConfig, inject_adapter_in_model

    targets = [name for name, m in net.encoder.named_modules()
               if isinstance(m, nn.Linear) and name.startswith("encoder.layer.")]
    for p in net.encoder.parameters():
        p.requires_grad = False
    lora = LoraConfig(r=config.model.lora_rank, lora_alpha=2 * config.model.lora_rank, lora_dropout=0.05,
                      target_modules=targets, bias="none")
    inject_adapter_in_model(lora, net.encoder)
    for name, p in net.encoder.named_parameters():
        p.requires_grad = "lora_" in name


def merge_lora(net: StanceNetwork) -> None:
    """Fold the adapters into the base weights and put plain linear layers back: inference then costs
    what the base encoder costs, and the graph exported to OpenVINO holds no adapter branches."""
    from peft.tuners.lora import LoraLayer

    for name, module in list(net.encoder.named_modules()):
        if isinstance(module, LoraLayer):
            module.merge()
            parent_name, _, child = name.rpartition(".")
            setattr(net.encoder.get_submodule(parent_name), child, module.get_base_layer())
