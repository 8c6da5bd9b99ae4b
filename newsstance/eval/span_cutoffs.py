"""The span decoder's cut-offs per span type, chosen on cross-validation's held-out documents.

decode_span keeps a wordpiece inside a span when P(B) + P(I) exceeds the extent cut-off: 0.3, read off
PolNeAR dev with the first MiniLM model. Another encoder's tagger is sure of itself to another degree,
and the guideline's cues are short ("denies", not "denies rumors"; "hoax", not "a hoax"), so the best
cut-off differs by model and by span type. A second cut-off, the peak, keeps a run only if one of its
wordpieces clears it: a span the tagger is nowhere sure of is dropped rather than shortened. A fold
model's held-out documents, which it never saw, choose both; gold dev stays for reporting.
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
from newsstance.model.encoding import DEFAULT_CUTOFF, SPAN_NAMES, SPAN_THRESHOLD, SpanCutoff

EXTENTS: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
PEAKS: tuple[float, ...] = (*EXTENTS, 0.8, 0.9)
# Every extent with every peak at or above it (a peak equal to the extent is the plain decoder).
GRID: tuple[SpanCutoff, ...] = tuple(SpanCutoff(e, p) for e in EXTENTS for p in PEAKS if p >= e)
# A cut-off replaces the default only when it scores at least this much more exact F1: ~1,600 held-out
# spans cannot tell apart differences of a few tenths of a point, and the default is the known quantity.
MIN_GAIN = 0.01
# Cut-offs within this much of the best score count as tied; of those the plainest is taken: the peak
# nearest its extent (none above it is the plain decoder), then the extent nearest the default. A
# higher cut-off drops the spans the tagger is less sure of (a headline's "rejects" at 0.7).
TIE = 0.005


def cutoff_table(folds: Iterable[tuple[object, Sequence[SentenceRecord]]],
                 grid: Sequence[SpanCutoff] = GRID) -> dict[str, dict[SpanCutoff, dict]]:
    """Exact-match span scores per span type and cut-off, pooled over `folds`: (a StanceModel, the
    labelled sentences it never saw). Spans are decoded as spans() decodes them: for sentences the model
    labels attribution or denial, with each sentence's neighbours where the model reads them."""
    texts: list[str] = []
    gold: dict[str, list[Span | None]] = {name: [] for name in SPAN_NAMES}
    pred: dict[tuple[str, SpanCutoff], list[Span | None]] = {(name, c): [] for name in SPAN_NAMES for c in grid}
    for model, records in folds:
        scored = [r for r in records if r.label in LABELS]
        if not scored:
            continue
        texts.extend(r.text for r in scored)
        for name in SPAN_NAMES:
            gold[name].extend(getattr(r, name) for r in scored)
        sentences, *context = model_inputs(scored)
        decoded = model.spans_at_cutoffs(sentences, [dict.fromkeys(SPAN_NAMES, c) for c in grid], *context)
        for c, results in zip(grid, decoded, strict=True):
            for name in SPAN_NAMES:
                pred[(name, c)].extend(Span(s["start"], s["end"]) if (s := r[name]) else None for r in results)
    return {name: {c: span_scores(texts, gold[name], pred[(name, c)])["exact"] for c in grid} for name in SPAN_NAMES}


def _plainness(cutoff: SpanCutoff) -> tuple[float, float]:
    return max(cutoff.peak - cutoff.extent, 0.0), abs(cutoff.extent - SPAN_THRESHOLD)


def best_cutoffs(table: dict[str, dict[SpanCutoff, dict]]) -> dict[str, SpanCutoff]:
    """Per span type, the plainest cut-off among those within TIE of the highest exact F1, if it beats
    the default's by MIN_GAIN (the default where the grid lacks it); else the default."""
    chosen = {}
    for name, scores in table.items():
        top = max(s["f1"] for s in scores.values())
        best = min((c for c in scores if scores[c]["f1"] >= top - TIE), key=_plainness)
        default = scores.get(DEFAULT_CUTOFF, {"f1": float("-inf")})["f1"]
        chosen[name] = best if scores[best]["f1"] >= default + MIN_GAIN else DEFAULT_CUTOFF
    return chosen


def cv_run_cutoffs(run_dir: Path, grid: Sequence[SpanCutoff] = GRID
                   ) -> tuple[dict[str, dict[SpanCutoff, dict]], dict[str, SpanCutoff]]:
    """The cut-off table of a `newsstance train --cv` run (every finished fold's best model on the
    documents it never saw, at the default precision), and the cut-offs it picks."""
    # Unfinished folds are left out: their best/ may not be their final choice yet.
    finished = [d for d in sorted(Path(run_dir).glob("fold-*")) if (d / PREDICTIONS).is_file()]
    if not finished:
        raise NewsstanceError(f"{run_dir}: no finished fold-*/{PREDICTIONS}; "
                              "run `newsstance train CONFIG --cv K` first")
    table = cutoff_table((_fold(d) for d in finished), grid)  # one fold model in memory at a time
    return table, best_cutoffs(table)


def _fold(fold_dir: Path) -> tuple[object, list[SentenceRecord]]:
    return newsstance.load(fold_dir / "best"), heldout_records(Config.from_yaml(fold_dir / "config.yaml").data)
