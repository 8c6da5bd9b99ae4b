"""The user-facing model: predict, predict_proba, spans, analyze.

Fast CPU inference: inputs are sorted by length and cut into batches of similar length (padding
waste on news sentences drops from ~60% to ~5%), run under torch.inference_mode on the numeric path
chosen by measurement (model/precision.py; benchmarks/predict_speed.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from newsstance.config import Config
from newsstance.data.labels import LABELS, SKIP, head_labels
from newsstance.data.records import Span
from newsstance.data.segment import Sentence, document_context, split_sentences
from newsstance.data.text_input import InputError, clean_text
from newsstance.model.encoding import SPAN_NAMES, Encoded, SpanCutoff, decode_span, encode_batch, pad
from newsstance.model.network import StanceNetwork
from newsstance.model.openvino_backend import OpenVinoForward, cached_model, require_openvino, weights_fingerprint
from newsstance.model.precision import OPENVINO_PRECISIONS, Precision, check_precision
from newsstance.model.saved_model import fingerprint, load_network, read_meta, stored_cutoffs
from newsstance.model.tokenizer import FastTokenizer

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
                 path: Path | None = None, meta: dict | None = None):
        """A model over a PyTorch network in hand (training's dev evaluation, tests). On the OpenVINO
        paths the network is converted (cached by a hash of its weights) and released: `self.network`
        is the PyTorch module on the PyTorch paths, None on the OpenVINO ones. `meta`: a saved model's
        config.json, for what a shipped model stores beside its weights (temperature, span thresholds)."""
        precision = check_precision(precision)
        network = network.eval()
        if precision in OPENVINO_PRECISIONS:
            int8 = precision == "openvino-int8"
            forward = OpenVinoForward(cached_model(weights_fingerprint(network), int8, lambda: network), int8,
                                      torch.get_num_threads())
            network = None
        elif precision == "bf16":
            # Weights stored in bf16 (not autocast): no per-call casts; oneDNN runs AVX-512 BF16 (or AMX) matmuls.
            network = forward = network.to(torch.bfloat16)
        else:
            forward = network
        self._setup(network, forward, tokenizer, config, precision, path, meta)

    def _setup(self, network, forward, tokenizer, config: Config, precision: Precision, path: Path | None,
               meta: dict | None = None) -> None:
        self.network, self._forward, self.tokenizer, self.config = network, forward, tokenizer, config
        meta = meta or {}
        # Temperature scaling of the label probabilities, fitted on held-out cross-validation folds and
        # stored with a shipped model (config.json "temperature"): confidence that matches accuracy.
        self.temperature: float = meta.get("temperature", 1.0)
        # The span decoder's cut-offs per span type, chosen on the same held-out folds (config.json).
        self.span_cutoffs: dict[str, SpanCutoff] = stored_cutoffs(meta)
        # A PyTorch network on a GPU gets its batches there; the OpenVINO paths run on the CPU.
        self.device = next(network.parameters()).device if network is not None else torch.device("cpu")
        self.precision, self.path = precision, path
        self.labels: tuple[str, ...] = LABELS
        self._lock = threading.Lock()

    @classmethod
    def from_pretrained(cls, path: str | Path, precision: Precision = "fp32", device: str = "cpu") -> StanceModel:
        """Load a model directory. On the OpenVINO paths a warm cache gives the compiled network without
        building the PyTorch one (or importing transformers). `device` "cuda" runs the PyTorch paths
        (fp32, bf16) on the GPU."""
        path = Path(path)
        precision = check_precision(precision)
        if device != "cpu" and precision in OPENVINO_PRECISIONS:
            raise InputError(f"precision {precision!r} runs on the CPU only; on device {device!r} use fp32 or bf16")
        meta = read_meta(path)
        config = Config.from_dict(meta["config"])
        tokenizer = FastTokenizer(path)
        if precision in OPENVINO_PRECISIONS:
            require_openvino()
            int8 = precision == "openvino-int8"
            graph = cached_model(fingerprint(path, config), int8, lambda: load_network(path, meta, config))
            model = cls.__new__(cls)
            model._setup(None, OpenVinoForward(graph, int8, torch.get_num_threads()), tokenizer, config, precision,
                         path, meta)
            return model
        return cls(load_network(path, meta, config).to(device), tokenizer, config, precision, path, meta)

    @property
    def predicts_skip(self) -> bool:
        """Whether the model has a `skip` class for page furniture (analyze() then marks such sentences)."""
        return self.config.model.predicts_skip

    @property
    def context(self) -> bool:
        """Whether the model reads each sentence with its neighbours (`before=`/`after=` are used)."""
        return self.config.model.context

    @property
    def reads_lede(self) -> bool:
        """Whether the model also reads the document's first sentence (`lede=` is used)."""
        return self.config.model.lede

    # --- core -----------------------------------------------------------------------------------
    def _run(self, texts: list[str], before: list[str] | None, after: list[str] | None,
             lede: list[str] | None, want_tags: bool) -> tuple[np.ndarray, list[tuple[Encoded, torch.Tensor | None]]]:
        n = len(texts)
        probs = np.zeros((n, len(head_labels(self.predicts_skip))), dtype=np.float32)
        tags: list[tuple[Encoded, torch.Tensor | None]] = [None] * n  # type: ignore[list-item]
        if n == 0:
            return probs, tags
        use_context = self.config.model.context
        if use_context:
            before = _check_texts(before, "before") if before is not None else [""] * n
            after = _check_texts(after, "after") if after is not None else [""] * n
            if len(before) != n or len(after) != n:
                raise InputError(f"before/after must have one entry per text ({n}); got {len(before)}/{len(after)}")
        use_lede = self.config.model.lede
        if use_lede:
            lede = _check_texts(lede, "lede") if lede is not None else [""] * n
            if len(lede) != n:
                raise InputError(f"lede must have one entry per text ({n}); got {len(lede)}")
        with self._lock:  # tokenizers' Rust backend is not safe to share across threads mid-call
            encoded = encode_batch(self.tokenizer, texts, before if use_context else None,
                                   after if use_context else None, self.config.model.max_length,
                                   self.config.model.context_tokens, lede if use_lede else None)
        order = sorted(range(n), key=lambda i: len(encoded[i].input_ids))
        pad_id = self.tokenizer.pad_token_id
        start = 0
        with torch.inference_mode():
            while start < n:
                width = len(encoded[order[min(n - 1, start + MAX_BATCH - 1)]].input_ids)
                size = max(1, min(MAX_BATCH, TOKENS_PER_BATCH // max(width, 1)))
                idx = order[start : start + size]
                batch = pad([encoded[i] for i in idx], pad_id)
                if self.device.type != "cpu":
                    batch = {k: v.to(self.device) for k, v in batch.items()}
                logits, tag_logits = self._forward(**batch)
                p = torch.softmax(logits.float(), -1).cpu().numpy()
                probs[idx] = p
                if want_tags and tag_logits is not None:
                    tp = torch.softmax(tag_logits.float(), -1).cpu()
                    for row, i in enumerate(idx):
                        tags[i] = (encoded[i], tp[row])
                elif want_tags:
                    for i in idx:
                        tags[i] = (encoded[i], None)
                start += size
        return probs, tags

    def _split(self, head: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Head probabilities -> (the three labels' probabilities given the sentence is not page
        furniture, P(skip)); P(skip) is None for a model without the skip class."""
        three = head[:, : len(LABELS)]
        three = three / np.clip(three.sum(1, keepdims=True), 1e-12, None)
        if self.temperature != 1.0:
            logits = np.log(np.clip(three, 1e-12, None)) / self.temperature
            three = np.exp(logits - logits.max(1, keepdims=True))
            three = (three / three.sum(1, keepdims=True)).astype(np.float32)
        return three, head[:, len(LABELS)] if self.predicts_skip else None

    # --- public surface ---------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], before: Sequence[str] | None = None,
                      after: Sequence[str] | None = None, lede: Sequence[str] | None = None) -> np.ndarray:
        """(len(texts), len(self.labels)) probabilities in `self.labels` order; rows sum to 1.

        For a model with a skip class these are the labels' probabilities given the sentence is not
        page furniture (skip_proba gives that)."""
        return self.proba_and_skip(texts, before, after, lede)[0]

    def skip_proba(self, texts: Sequence[str], before: Sequence[str] | None = None,
                   after: Sequence[str] | None = None, lede: Sequence[str] | None = None) -> np.ndarray | None:
        """P(page furniture) per text, or None for a model without the skip class."""
        return self.proba_and_skip(texts, before, after, lede)[1]

    def proba_and_skip(self, texts: Sequence[str], before: Sequence[str] | None = None,
                       after: Sequence[str] | None = None, lede: Sequence[str] | None = None
                       ) -> tuple[np.ndarray, np.ndarray | None]:
        """predict_proba and skip_proba from one pass of the network."""
        return self._split(self._run(_check_texts(texts, "texts"), before, after, lede, want_tags=False)[0])

    def predict(self, texts: Sequence[str], before: Sequence[str] | None = None,
                after: Sequence[str] | None = None, lede: Sequence[str] | None = None) -> list[str]:
        proba = self.predict_proba(texts, before, after, lede)
        return [self.labels[i] for i in proba.argmax(1)]

    def distributions(self, texts: Sequence[str], before: Sequence[str] | None = None,
                      after: Sequence[str] | None = None, lede: Sequence[str] | None = None) -> list[dict]:
        """What a teacher hands a student, per text: `head`, the probabilities over the head's classes
        (the labels, and skip if the model has it), and per target wordpiece its character span in the
        text (`offsets`) and its probabilities over the span tags (`tags`, model.encoding.TAGS order)."""
        texts = _check_texts(texts, "texts")
        head, tags = self._run(texts, before, after, lede, want_tags=True)
        out = []
        for p, (enc, tag_probs) in zip(head, tags, strict=True):
            kept = slice(1, 1 + enc.n_target)  # the target's wordpieces, after the leading special token
            out.append({"head": p.tolist(), "offsets": [list(o) for o in enc.offsets[kept]],
                        "tags": tag_probs[kept].tolist() if tag_probs is not None else None})
        return out

    def spans(self, texts: Sequence[str], before: Sequence[str] | None = None,
              after: Sequence[str] | None = None, lede: Sequence[str] | None = None) -> list[dict]:
        """Per text: label, scores, and `source`/`cue` as {"start", "end", "text"} or None, and
        `skip_score`, P(page furniture) (None for a model without the skip class).

        `label` is one of the three labels here (analyze() marks skip). Spans are reported for
        `attribution` and `denial` sentences only (guideline span rules).
        """
        return self.spans_at_cutoffs(texts, [self.span_cutoffs], before, after, lede)[0]

    def spans_at_cutoffs(self, texts: Sequence[str], cutoffs: Sequence[dict[str, SpanCutoff]],
                         before: Sequence[str] | None = None, after: Sequence[str] | None = None,
                         lede: Sequence[str] | None = None) -> list[list[dict]]:
        """spans() once per entry of `cutoffs` ({"source": SpanCutoff, "cue": SpanCutoff}, the decoder's
        cut-offs on the inside probability), from one forward pass: what choosing a model's cut-offs
        compares."""
        texts = _check_texts(texts, "texts")
        head, tags = self._run(texts, before, after, lede, want_tags=True)
        probs, skip = self._split(head)
        outs: list[list[dict]] = [[] for _ in cutoffs]
        for i, (text, p, (enc, tag_probs)) in enumerate(zip(texts, probs, tags, strict=True)):
            label = self.labels[int(p.argmax())]
            for out, chosen in zip(outs, cutoffs, strict=True):
                result = {"label": label, "scores": dict(zip(self.labels, map(float, p), strict=True)),
                          "source": None, "cue": None, "skip_score": None if skip is None else float(skip[i])}
                if label != "claim" and tag_probs is not None:
                    for name in SPAN_NAMES:
                        result[name] = _span_dict(text, decode_span(enc, tag_probs, name, text, chosen[name]))
                out.append(result)
        return outs

    def analyze(self, article_text: str) -> list[dict]:
        """Segment an article and label every sentence: text, start, end, label, scores, source, cue,
        skip_score. A model with the skip class labels page furniture (bylines, credits, related
        links) `skip`, without spans, when skip is its most probable class. Span offsets index
        `article_text`.
        """
        sentences = segment_article(article_text)
        texts = [s.text for s in sentences]
        results = self.spans(texts, *document_context(texts)) if texts else []
        return assemble_article(sentences, results)


def segment_article(article_text: str) -> list[Sentence]:
    """The sentences analyze() labels (the first half of analyze, for callers that batch the middle)."""
    if not isinstance(article_text, str):
        raise InputError(f"analyze: expected the article as str, got {type(article_text).__name__}")
    return split_sentences(clean_text(article_text))


def is_furniture(result: dict) -> bool:
    """Whether skip is the head's most probable class: P(skip) above every label's joint probability,
    (1 - P(skip)) x its score. The exported transformers classifier's argmax gives the same label."""
    p_skip = result["skip_score"]
    return p_skip is not None and p_skip > (1.0 - p_skip) * max(result["scores"].values())


def assemble_article(sentences: list[Sentence], results: list[dict]) -> list[dict]:
    """analyze()'s rows from its sentences and their spans() results (the second half of analyze)."""
    out = []
    for s, r in zip(sentences, results, strict=True):
        r = dict(r)
        if is_furniture(r):
            r.update(label=SKIP, source=None, cue=None)
        for name in ("source", "cue"):
            if r[name] is not None:
                r[name] = {"start": r[name]["start"] + s.start, "end": r[name]["end"] + s.start,
                           "text": r[name]["text"]}
        out.append({"text": s.text, "start": s.start, "end": s.end, **r})
    return out


def _span_dict(text: str, span: Span | None) -> dict | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": text[span.start : span.end]}
