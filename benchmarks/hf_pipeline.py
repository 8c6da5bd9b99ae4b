"""The newsstance network behind the interface Hugging Face's text-classification pipeline expects.

Used by predict_speed.py's pipeline measurement only, so that importing transformers stays out of the
processes that measure newsstance itself.
"""

from __future__ import annotations

import torch
from transformers import BertConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


class PipelineWrapper(PreTrainedModel):
    """The newsstance network behind the interface `pipeline("text-classification")` expects."""

    config_class = BertConfig

    def __init__(self, network, labels: tuple[str, ...]):
        config = BertConfig(**network.encoder.config.to_dict())
        config.id2label = dict(enumerate(labels))
        config.label2id = {v: k for k, v in config.id2label.items()}
        super().__init__(config)
        self.network = network

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, **kwargs):
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        target = attention_mask.bool().clone()
        target[:, 0] = False  # [CLS]
        target[torch.arange(len(input_ids)), attention_mask.sum(1) - 1] = False  # [SEP]
        logits, _ = self.network(input_ids, token_type_ids, attention_mask, target)
        return SequenceClassifierOutput(logits=logits)
