"""Document-level folds over the shipped guideline annotations, for cross-validation.

A document's fold is a hash of its id, so it never depends on which other documents exist: adding
annotations later moves no document between folds, and every run of every config sees the same
folds. Whole documents stay together (their sentences share topic, outlet and sources, so splitting
them would let a model see a test sentence's neighbours).
"""

from __future__ import annotations

import hashlib

from newsstance.data.config import DataConfig
from newsstance.data.corpora import load_spec
from newsstance.data.records import SentenceRecord


def fold_of(doc: str, folds: int) -> int:
    return int(hashlib.sha256(doc.encode("utf-8")).hexdigest(), 16) % folds


def heldout_records(data: DataConfig) -> list[SentenceRecord]:
    """Every labelled sentence of `data.cv_spec` (skip rows included) in the documents of the fold that
    `data` holds out (`cv_fold` of `cv_folds`)."""
    return [r for r in load_spec(data.cv_spec, data.resolved_root())
            if r.label is not None and fold_of(r.doc, data.cv_folds) == data.cv_fold]
