"""Source and cue span scores: exact match and token overlap, micro-averaged over sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsstance.data.records import Span

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tokens(text: str, span: Span | None) -> set[tuple[int, int]]:
    if span is None:
        return set()
    return {(span.start + m.start(), span.start + m.end()) for m in _TOKEN.finditer(text[span.start : span.end])}


def _prf(tp: float, n_pred: float, n_gold: float) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def span_scores(texts: Sequence[str], gold: Sequence[Span | None], pred: Sequence[Span | None]) -> dict:
    """Exact: a predicted span counts only if identical to the gold span. Overlap: shared tokens."""
    tp = sum(g is not None and p is not None and (g.start, g.end) == (p.start, p.end)
             for g, p in zip(gold, pred, strict=True))
    n_pred, n_gold = sum(p is not None for p in pred), sum(g is not None for g in gold)
    shared = pred_tokens = gold_tokens = 0
    for text, g, p in zip(texts, gold, pred, strict=True):
        gt, pt = _tokens(text, g), _tokens(text, p)
        shared, pred_tokens, gold_tokens = shared + len(gt & pt), pred_tokens + len(pt), gold_tokens + len(gt)
    return {"exact": _prf(tp, n_pred, n_gold), "overlap": _prf(shared, pred_tokens, gold_tokens),
            "n_gold": n_gold, "n_pred": n_pred}
