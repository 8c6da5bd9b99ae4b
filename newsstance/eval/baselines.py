"""Reference systems scored beside the model: majority class, cue-lexicon rules, TF-IDF + LR.

Each has the model's `labels` and `predict_proba(texts, before=, after=)`, so the same Evaluator
scores them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from newsstance.data.cues import mentions_rejection, mentions_reporting
from newsstance.data.labels import LABELS
from newsstance.data.mixture import Corpus
from newsstance.data.records import SentenceRecord


def _one_hot(indices: Sequence[int]) -> np.ndarray:
    out = np.zeros((len(indices), len(LABELS)))
    out[np.arange(len(indices)), list(indices)] = 1.0
    return out


class MajorityBaseline:
    name = "majority"
    labels = LABELS

    def __init__(self, train: Sequence[SentenceRecord]):
        counts = Counter(r.label for r in train if r.label in LABELS)
        self.label = counts.most_common(1)[0][0] if counts else "claim"

    def predict_proba(self, texts, before=None, after=None, lede=None) -> np.ndarray:
        return _one_hot([LABELS.index(self.label)] * len(texts))


class CueLexiconBaseline:
    """The guideline's decision procedure with its cue lists and nothing learned."""

    name = "cue-lexicon"
    labels = LABELS

    def predict_proba(self, texts, before=None, after=None, lede=None) -> np.ndarray:
        def rule(text: str) -> int:
            if mentions_rejection(text):
                return LABELS.index("denial")
            if mentions_reporting(text):
                return LABELS.index("attribution")
            return LABELS.index("claim")

        return _one_hot([rule(t) for t in texts])


class TfidfBaseline:
    """Word 1-2 gram TF-IDF + logistic regression on the sentence alone, class-balanced."""

    name = "tfidf-logreg"
    labels = LABELS

    def __init__(self, train: Sequence[SentenceRecord], sample_weight: Sequence[float] | None = None, seed: int = 0):
        rows = [(r, w) for r, w in zip(train, sample_weight or [1.0] * len(train), strict=True) if r.label in LABELS]
        self.pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000),
            LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced", random_state=seed),
        )
        self.pipeline.fit([r.text for r, _ in rows], [LABELS.index(r.label) for r, _ in rows],
                          logisticregression__sample_weight=np.array([w for _, w in rows]))

    @classmethod
    def from_mixture(cls, corpora: Sequence[Corpus], seed: int = 0) -> TfidfBaseline:
        """Fit on a training mixture: sample weights give each corpus its mixing-weight share of the
        total, as the model's batches do. Corpora kept for their spans only (labels: false) are left out."""
        corpora = [c for c in corpora if c.labels_supervised]
        records = [r for c in corpora for r in c.records]
        total = sum(c.weight for c in corpora)
        weights = [c.weight / total / len(c.records) * len(records) for c in corpora for _ in c.records]
        return cls(records, weights, seed=seed)

    def predict_proba(self, texts, before=None, after=None, lede=None) -> np.ndarray:
        proba = self.pipeline.predict_proba(list(texts))
        out = np.zeros((len(texts), len(LABELS)))
        out[:, self.pipeline.classes_] = proba
        return out
