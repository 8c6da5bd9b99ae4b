"""The span decoder's threshold per span type, chosen on cross-validation's held-out documents.

decode_span keeps a wordpiece inside a span when P(B) + P(I) exceeds a threshold: 0.3, read off
PolNeAR dev with the first MiniLM model. Another encoder's tagger is sure of itself to another degree,
and the guideline's cues are short ("denies", not "denies rumors"; "hoax", not "a hoax"), so the best
cut-off differs by model and by span type. A fold model's held-out documents, which it never saw,
choose it; gold dev stays for reporting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import newsstance
from newsstance.config import Config
from newsstance.data.cv_folds import heldout_records
from newsstance.data.labels import LABELS
from newsstance.data.records import SentenceRecord, Span, model_inputs
from newsstance.errors import NewsstanceError
from newsstance.eval.cross_validation import PREDICTIONS
from newsstance.eval.span_metrics import span_scores
from newsstance.model.encoding import SPAN_NAMES, SPAN_THRESHOLD

GRID: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
# A threshold replaces the default only when it scores at least this much more exact F1: ~1,600 held-out
# spans cannot tell apart differences of a few tenths of a point, and the default is the known quantity.
MIN_GAIN = 0.01
# Thresholds within this much of the best score count as tied; of those, the one nearest the default is
# taken. A higher cut-off drops the spans the tagger is less sure of (a headline's "rejects" at 0.7).
TIE = 0.005


def threshold_table(folds: Iterable[tuple[object, Sequence[SentenceRecord]]],
                    grid: Sequence[float] = GRID) -> dict[str, dict[float, dict]]:
    """Exact-match span scores per span type and threshold, pooled over `folds`: (a StanceModel, the
    labelled sentences it never saw). Spans are decoded as spans() decodes them: for sentences the model
    labels attribution or denial, with each sentence's neighbours where the model reads them."""
    texts: list[str] = []
    gold: dict[str, list[Span | None]] = {name: [] for name in SPAN_NAMES}
    pred: dict[tuple[str, float], list[Span | None]] = {(name, t): [] for name in SPAN_NAMES for t in grid}
    for model, records in folds:
        scored = [r for r in records if r.label in LABELS]
        if not scored:
            continue
        texts.extend(r.text for r in scored)
        for name in SPAN_NAMES:
            gold[name].extend(getattr(r, name) for r in scored)
        sentences, *context = model_inputs(scored)
        decoded = model.spans_at_thresholds(sentences, [dict.fromkeys(SPAN_NAMES, t) for t in grid], *context)
        for t, results in zip(grid, decoded, strict=True):
            for name in SPAN_NAMES:
                pred[(name, t)].extend(Span(s["start"], s["end"]) if (s := r[name]) else None for r in results)
    return {name: {t: span_scores(texts, gold[name], pred[(name, t)])["exact"] for t in grid} for name in SPAN_NAMES}


def best_thresholds(table: dict[str, dict[float, dict]]) -> dict[str, float]:
    """Per span type, the threshold nearest the default among those within TIE of the highest exact F1,
    if it beats the default's by MIN_GAIN (the default where the grid lacks it); else the default."""
    chosen = {}
    for name, scores in table.items():
        top = max(s["f1"] for s in scores.values())
        best = min((t for t in scores if scores[t]["f1"] >= top - TIE), key=lambda t: abs(t - SPAN_THRESHOLD))
        default = scores.get(SPAN_THRESHOLD, {"f1": float("-inf")})["f1"]
        chosen[name] = best if scores[best]["f1"] >= default + MIN_GAIN else SPAN_THRESHOLD
    return chosen


def cv_run_thresholds(run_dir: Path, grid: Sequence[float] = GRID
                      ) -> tuple[dict[str, dict[float, dict]], dict[str, float]]:
    """The threshold table of a `newsstance train --cv` run (every finished fold's best model on the
    documents it never saw, at the default precision), and the thresholds it picks."""
    # Unfinished folds are left out: their best/ may not be their final choice yet.
    finished = [d for d in sorted(Path(run_dir).glob("fold-*")) if (d / PREDICTIONS).is_file()]
    if not finished:
        raise NewsstanceError(f"{run_dir}: no finished fold-*/{PREDICTIONS}; "
                              "run `newsstance train CONFIG --cv K` first")
    table = threshold_table((_fold(d) for d in finished), grid)  # one fold model in memory at a time
    return table, best_thresholds(table)


def _fold(fold_dir: Path) -> tuple[object, list[SentenceRecord]]:
    return newsstance.load(fold_dir / "best"), heldout_records(Config.from_yaml(fold_dir / "config.yaml").data)
