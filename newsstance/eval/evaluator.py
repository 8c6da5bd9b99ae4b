"""The evaluator: built once from a labelled set, called on any model, returns a metrics dict.

Training uses the same object for early stopping (primary metric: macro-F1), and `newsstance eval`
for reports, so there is one implementation of scoring.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from newsstance.data.labels import LABELS, SKIP
from newsstance.data.records import SentenceRecord, model_inputs
from newsstance.eval import metrics


class ProbabilisticModel(Protocol):
    labels: tuple[str, ...]

    def predict_proba(self, texts: list[str], before: list[str] | None = None,
                      after: list[str] | None = None, lede: list[str] | None = None) -> np.ndarray: ...


def reads_skip(model) -> bool:
    """Whether `model` has the skip class, so that its P(skip) is scored (baselines have none)."""
    return bool(getattr(model, "predicts_skip", False))


@dataclass(frozen=True)
class LabelView:
    """Which distinctions a set can judge: groups of our labels scored as one class."""

    name: str
    groups: tuple[tuple[str, ...], ...]
    note: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple("+".join(g) for g in self.groups)

    def gold_index(self, label: str) -> int:
        return next(i for i, g in enumerate(self.groups) if label in g)

    def collapse(self, proba: np.ndarray) -> np.ndarray:
        return np.stack([proba[:, [LABELS.index(lab) for lab in g]].sum(1) for g in self.groups], axis=1)


FULL = LabelView("full", tuple((lab,) for lab in LABELS), "all three labels")
# NewsDiscourse marks speech, not stance: it can tell reported from unreported sentences only.
SPEECH = LabelView("speech", (("claim",), ("denial", "attribution")),
                   "NewsDiscourse marks speech only: scored as claim vs. reported (denial+attribution)")


class Evaluator:
    primary_metric = "macro_f1"

    def __init__(self, records: Sequence[SentenceRecord], name: str = "dev", view: LabelView = FULL,
                 n_bootstrap: int = 1000, seed: int = 0):
        labelled = [r for r in records if r.label is not None]
        self.labelled = labelled  # skip rows included: what the skip metrics score
        self.skipped = sum(r.label == SKIP for r in labelled)
        self.records = [r for r in labelled if r.label != SKIP]
        self.name, self.view, self.n_bootstrap, self.seed = name, view, n_bootstrap, seed
        self.gold = np.array([view.gold_index(r.label) for r in self.records], dtype=int)

    def __len__(self) -> int:
        return len(self.records)

    def predict(self, model: ProbabilisticModel) -> np.ndarray:
        """Probabilities over OUR labels, one row per scored record."""
        if not self.records:
            return np.zeros((0, len(LABELS)))
        return model.predict_proba(*model_inputs(self.records))

    def rows_for(self, model: ProbabilisticModel) -> tuple[list[SentenceRecord], np.ndarray]:
        """The records one pass of `model` reads, and which of them are scored: a model with the skip
        class reads the skip rows too (the skip metrics score them), any other the scored rows alone."""
        rows = self.labelled if reads_skip(model) else self.records
        return rows, np.array([r.label != SKIP for r in rows], dtype=bool)

    def predict_with_skip(self, model: ProbabilisticModel) -> tuple[np.ndarray, np.ndarray | None]:
        """(predict()'s probabilities, P(skip) for every labelled record or None) from one pass: a skip
        model runs over the labelled rows once and its scored rows are picked out."""
        rows, scored = self.rows_for(model)
        if not reads_skip(model) or not rows:
            return self.predict(model), None
        proba, p_skip = model.proba_and_skip(*model_inputs(rows))
        return proba[scored], p_skip

    def __call__(self, model: ProbabilisticModel) -> dict:
        start = time.perf_counter()
        proba, p_skip = self.predict_with_skip(model)
        predict_s = time.perf_counter() - start
        result = self.score(proba)
        result["predict_seconds"] = predict_s
        if p_skip is not None:
            result["skip"] = self.score_skip(p_skip)
        return result

    def score_skip(self, p_skip: np.ndarray, threshold: float = 0.5) -> dict:
        """Precision, recall and F1 of calling page furniture `skip` (P(skip) > threshold)."""
        return metrics.furniture_scores(np.array([r.label == SKIP for r in self.labelled]), p_skip, threshold)

    def score(self, proba: np.ndarray, with_intervals: bool = True) -> dict:
        """Metrics from a probability matrix over our labels (rows aligned with self.records)."""
        start = time.perf_counter()
        collapsed = self.view.collapse(proba) if len(proba) else np.zeros((0, len(self.view.groups)))
        pred = collapsed.argmax(1) if len(collapsed) else np.zeros(0, dtype=int)
        k = len(self.view.groups)
        result = {
            "set": self.name, "view": self.view.name, "view_note": self.view.note, "labels": list(self.view.names),
            "n": len(self.records), "skipped": self.skipped,
            "accuracy": float((pred == self.gold).mean()) if len(pred) else 0.0,
            "macro_f1": metrics.macro_f1(self.gold, pred, k),
            "per_label": metrics.per_label(self.gold, pred, self.view.names),
            "confusion": metrics.confusion(self.gold, pred, k),
        }
        if with_intervals:
            result["macro_f1_ci"] = list(metrics.bootstrap_ci(self.gold, pred, k, self.n_bootstrap, self.seed))
            rel = metrics.reliability(self.gold, collapsed) if len(pred) else {"ece": 0.0, "bins": []}
            result["ece"], result["reliability"] = rel["ece"], rel["bins"]
        result["score_seconds"] = time.perf_counter() - start
        return result
