"""The user-facing model: predict, predict_proba, spans, analyze.

Fast CPU inference: inputs are sorted by length and cut into batches of similar length (padding
waste on news sentences drops from ~60% to ~5%), run under torch.inference_mode, optionally with
a faster numeric path chosen by measurement (see benchmarks/predict_speed.py and the README).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from newsstance.config import Config
from newsstance.data.labels import LABELS
from newsstance.data.records import Span
from newsstance.data.segment import neighbours, split_sentences
from newsstance.data.text_input import InputError, clean_text
from newsstance.model.encoding import Encoded, decode_span, encode_batch, pad
from newsstance.model.network import StanceNetwork, load_pretrained
from newsstance.model.precision import PRECISIONS, Precision

log = logging.getLogger(__name__)
# Batches are capped by tokens, not sentences (2,048 tokens, at most 64 sentences): 350-410 sentences/s
# in bf16 on 2 cores for batch sizes of 1,024-4,096 tokens, so the smaller, cache-friendlier one; the
# OpenVINO int8 path measured flat (533-571/s) from 2,048 to 8,192 tokens.
TOKENS_PER_BATCH = 2048
MAX_BATCH = 64


def _check_texts(texts: Sequence[str], name: str) -> list[str]:
    if isinstance(texts, str):
        raise InputError(f"{name}: expected a list of strings, got a single str (wrap it in a list)")
    try:
        items = list(texts)
    except TypeError:
        raise InputError(f"{name}: expected a list of strings, got {type(texts).__name__}") from None
    for i, t in enumerate(items):
        if not isinstance(t, str):
            raise InputError(f"{name}[{i}]: expected str, got {type(t).__name__}")
    return [clean_text(t) for t in items]


class StanceModel:
    """A loaded newsstance model. Thread-safe for concurrent prediction (weights are read-only)."""

    def __init__(self, network: StanceNetwork, tokenizer, config: Config, precision: Precision = "fp32",
                 path: Path | None = None):
        """`self.network` is the PyTorch module on the PyTorch paths, None on the ONNX and OpenVINO ones."""
        self.network, self.tokenizer, self.config, self.path = network.eval(), tokenizer, config, path
        self.labels: tuple[str, ...] = LABELS
        if precision not in PRECISIONS:
            raise InputError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
        self.precision = precision
        if precision == "int8":
            self.network = torch.ao.quantization.quantize_dynamic(self.network, {torch.nn.Linear}, dtype=torch.qint8)
        elif precision == "bf16":
            # Weights stored in bf16 (not autocast): no per-call casts; oneDNN runs AVX-512 BF16 (or AMX) matmuls.
            self.network = self.network.to(torch.bfloat16)
        self._forward = self.network
        if precision in ("onnx", "onnx-int8"):
            from newsstance.model.onnx_backend import build_session, run_session

            session = build_session(self.network, precision == "onnx-int8", torch.get_num_threads())
            self._forward = lambda **batch: run_session(session, batch)
        elif precision in ("openvino", "openvino-int8"):
            from newsstance.model.openvino_backend import OpenVinoForward

            self._forward = OpenVinoForward(self.network, precision == "openvino-int8", torch.get_num_threads())
        if self._forward is not self.network:
            # The backend holds its own compiled copy; the PyTorch one would only keep ~90 MB resident.
            self.network = None
        self._lock = threading.Lock()

    @classmethod
    def from_pretrained(cls, path: str | Path, precision: Precision = "fp32") -> StanceModel:
        network, tokenizer, config = load_pretrained(Path(path))
        return cls(network, tokenizer, config, precision, Path(path))

    # --- core -----------------------------------------------------------------------------------
    def _run(self, texts: list[str], before: list[str] | None, after: list[str] | None,
             want_tags: bool) -> tuple[np.ndarray, list[tuple[Encoded, torch.Tensor | None]]]:
        n = len(texts)
        probs = np.zeros((n, len(LABELS)), dtype=np.float32)
        tags: list[tuple[Encoded, torch.Tensor | None]] = [None] * n  # type: ignore[list-item]
        if n == 0:
            return probs, tags
        use_context = self.config.model.context
        if use_context:
            before = _check_texts(before, "before") if before is not None else [""] * n
            after = _check_texts(after, "after") if after is not None else [""] * n
            if len(before) != n or len(after) != n:
                raise InputError(f"before/after must have one entry per text ({n}); got {len(before)}/{len(after)}")
        with self._lock:  # tokenizers' Rust backend is not safe to share across threads mid-call
            encoded = encode_batch(self.tokenizer, texts, before if use_context else None,
                                   after if use_context else None, self.config.model.max_length,
                                   self.config.model.context_tokens)
        order = sorted(range(n), key=lambda i: len(encoded[i].input_ids))
        pad_id = self.tokenizer.pad_token_id
        start = 0
        with torch.inference_mode():
            while start < n:
                width = len(encoded[order[min(n - 1, start + MAX_BATCH - 1)]].input_ids)
                size = max(1, min(MAX_BATCH, TOKENS_PER_BATCH // max(width, 1)))
                idx = order[start : start + size]
                batch = pad([encoded[i] for i in idx], pad_id)
                logits, tag_logits = self._forward(**batch)
                p = torch.softmax(logits.float(), -1).numpy()
                probs[idx] = p
                if want_tags and tag_logits is not None:
                    tp = torch.softmax(tag_logits.float(), -1)
                    for row, i in enumerate(idx):
                        tags[i] = (encoded[i], tp[row])
                elif want_tags:
                    for i in idx:
                        tags[i] = (encoded[i], None)
                start += size
        return probs, tags

    # --- public surface ---------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], before: Sequence[str] | None = None,
                      after: Sequence[str] | None = None) -> np.ndarray:
        """(len(texts), len(self.labels)) probabilities in `self.labels` order; rows sum to 1."""
        return self._run(_check_texts(texts, "texts"), before, after, want_tags=False)[0]

    def predict(self, texts: Sequence[str], before: Sequence[str] | None = None,
                after: Sequence[str] | None = None) -> list[str]:
        proba = self.predict_proba(texts, before, after)
        return [self.labels[i] for i in proba.argmax(1)]

    def spans(self, texts: Sequence[str], before: Sequence[str] | None = None,
              after: Sequence[str] | None = None) -> list[dict]:
        """Per text: label, scores, and `source`/`cue` as {"start", "end", "text"} or None.

        Spans are reported for `attribution` and `denial` sentences only (guideline span rules).
        """
        texts = _check_texts(texts, "texts")
        probs, tags = self._run(texts, before, after, want_tags=True)
        out = []
        for text, p, (enc, tag_probs) in zip(texts, probs, tags, strict=True):
            label = self.labels[int(p.argmax())]
            result = {"label": label, "scores": dict(zip(self.labels, map(float, p), strict=True)),
                      "source": None, "cue": None}
            if label != "claim" and tag_probs is not None:
                for name in ("source", "cue"):
                    span = decode_span(enc, tag_probs, name, text)
                    result[name] = _span_dict(text, span)
            out.append(result)
        return out

    def analyze(self, article_text: str) -> list[dict]:
        """Segment an article and label every sentence: text, start, end, label, scores, source, cue.

        Span offsets index `article_text`.
        """
        if not isinstance(article_text, str):
            raise InputError(f"analyze: expected the article as str, got {type(article_text).__name__}")
        sentences = split_sentences(clean_text(article_text))
        texts = [s.text for s in sentences]
        context = neighbours(texts)
        results = self.spans(texts, [p for p, _ in context], [n for _, n in context]) if texts else []
        out = []
        for s, r in zip(sentences, results, strict=True):
            for name in ("source", "cue"):
                if r[name] is not None:
                    r[name] = {"start": r[name]["start"] + s.start, "end": r[name]["end"] + s.start,
                               "text": r[name]["text"]}
            out.append({"text": s.text, "start": s.start, "end": s.end, **r})
        return out


def _span_dict(text: str, span: Span | None) -> dict | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": text[span.start : span.end]}
