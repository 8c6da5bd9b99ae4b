"""What one training step optimises: a sampled batch as tensors, and the loss on it.

Three kinds of supervision can meet in a batch: gold labels (cross-entropy, weighted by class),
gold source/cue spans (BIO tags), and, for a distillation pool, a teacher's label and tag
distributions (KL divergence to them). Each term is computed only over the rows that carry it.
"""

from __future__ import annotations

import torch

from newsstance.config import Config
from newsstance.data.labels import head_labels
from newsstance.model.encoding import IGNORE, TAGS, encode_batch, pad, soft_span_tags, span_tags
from newsstance.train.hardware import Hardware


def batch_tensors(batch, tokenizer, config: Config) -> dict[str, torch.Tensor]:
    records = [r for _, r in batch]
    context = config.model.context
    encoded = encode_batch(tokenizer, [r.text for r in records], [r.prev for r in records] if context else None,
                           [r.next for r in records] if context else None, config.model.max_length,
                           config.model.context_tokens, [r.lede for r in records] if config.model.lede else None)
    tensors = pad(encoded, tokenizer.pad_token_id)
    width = tensors["input_ids"].shape[1]
    tags = [span_tags(e, r.source, r.cue, width) if c.spans_supervised else [IGNORE] * width
            for e, (c, r) in zip(encoded, batch, strict=True)]
    classes = head_labels(config.model.predicts_skip)
    tensors["labels"] = torch.tensor([classes.index(r.label) if c.labels_supervised else IGNORE for c, r in batch])
    tensors["tags"] = torch.tensor(tags)
    if any(c.soft is not None for c, _ in batch):
        soft_labels = torch.zeros((len(batch), len(classes)))
        soft_tags = torch.zeros((len(batch), width, len(TAGS)))
        for row, (e, (c, r)) in enumerate(zip(encoded, batch, strict=True)):
            if c.soft is not None:
                head, offsets, tag_probs = c.soft[r.id]
                soft_labels[row] = torch.from_numpy(head)
                soft_tags[row] = torch.tensor(soft_span_tags(e, offsets, tag_probs, width))
        tensors["soft_labels"], tensors["soft_tags"] = soft_labels, soft_tags
    return tensors


def _kl(target: torch.Tensor, logits: torch.Tensor, class_weights: torch.Tensor | None = None) -> torch.Tensor:
    """KL(target || softmax(logits)) averaged over rows (the last dimension holds the distributions).
    With class weights, each row counts by the weight its target expects, sum_c target_c * w_c, and the
    mean is normalised by those weights, as weighted cross-entropy normalises by the gold rows' weights."""
    log_q = torch.log_softmax(logits.float(), -1)
    per_row = (target * (torch.log(target.clamp_min(1e-8)) - log_q)).sum(-1)
    if class_weights is None:
        return per_row.mean()
    row_weights = target @ class_weights.to(target.dtype)
    return (row_weights * per_row).sum() / row_weights.sum().clamp_min(1e-8)


def loss(network, tensors, weights, config: Config, hardware: Hardware) -> torch.Tensor:
    tensors = {k: v.to(hardware.device) for k, v in tensors.items()}
    weights = weights.to(hardware.device) if weights is not None else None
    inputs = {k: tensors[k] for k in ("input_ids", "token_type_ids", "attention_mask", "target_mask")}
    with torch.autocast(hardware.device.type, dtype=hardware.autocast or torch.bfloat16,
                        enabled=hardware.autocast is not None):
        logits, tag_logits = network(**inputs)
    if (tensors["labels"] != IGNORE).any():
        total = torch.nn.functional.cross_entropy(logits.float(), tensors["labels"], weight=weights,
                                                  ignore_index=IGNORE)
    else:  # a batch drawn only from span-only or distillation corpora: the terms below carry it
        total = logits.new_zeros((), dtype=torch.float32)
    if tag_logits is not None and (tensors["tags"] != IGNORE).any():
        span_loss = torch.nn.functional.cross_entropy(
            tag_logits.float().flatten(0, 1), tensors["tags"].flatten(), ignore_index=IGNORE)
        total = total + config.training.span_loss_weight * span_loss
    if "soft_labels" in tensors:
        rows = tensors["soft_labels"].sum(1) > 0
        if rows.any():
            class_weights = weights if config.distill.class_weighted else None
            total = total + config.distill.label_weight * _kl(tensors["soft_labels"][rows], logits[rows],
                                                              class_weights)
        positions = tensors["soft_tags"].sum(-1) > 0
        if tag_logits is not None and positions.any():
            total = total + config.training.span_loss_weight * _kl(tensors["soft_tags"][positions],
                                                                   tag_logits[positions])
    return total
