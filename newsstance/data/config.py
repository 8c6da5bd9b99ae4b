"""What data a run trains and evaluates on: the `data:` section of a config.

Lives in the data wing so the loader below it (training_data.py) needs nothing from above; the
composed Config (newsstance/config.py) imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsstance.data.corpora import SPAN_KINDS, DataSpec, default_data_root
from newsstance.errors import ConfigError


@dataclass
class CorpusWeight:
    spec: str
    weight: float = 1.0
    max_examples: int | None = None
    # Train the span head on this corpus's source/cue annotations (for kinds that carry them).
    spans: bool = True
    # Train the sentence head on its converted labels; false keeps a corpus for its spans only
    # (a conversion that disagrees with the guideline too often to teach labels).
    labels: bool = True

    def __post_init__(self) -> None:
        kind = DataSpec.parse(self.spec).kind
        if not self.labels and not (self.spans and kind in SPAN_KINDS):
            why = f", but {kind} records carry no spans" if self.spans else ""
            raise ConfigError(f"data.train: {self.spec} has labels: false and spans: "
                              f"{str(self.spans).lower()}{why}, so it teaches nothing")
        if self.weight <= 0:
            raise ConfigError(f"data.train: weight of {self.spec} must be > 0, got {self.weight}")


@dataclass
class DataConfig:
    # Resolved relative to the working directory; $NEWSSTANCE_DATA_ROOT overrides an unset root.
    root: str | None = None
    train: list[CorpusWeight] = field(default_factory=lambda: [CorpusWeight("guideline")])
    dev: str = "gold:gold/dev.jsonl"
    # Documents of these guideline JSONL files never enter training (the dev set's articles), nor
    # copies of them: training documents that share a sentence of 40+ characters with one.
    exclude_docs_of: list[str] = field(default_factory=lambda: ["gold/dev.jsonl"])
    # Document-level cross-validation over the shipped guideline annotations (`newsstance train --cv K`
    # sets both): the documents of fold `cv_fold` of `cv_folds` are held out of training, with their
    # copies, and scored afterwards. null: no fold held out.
    cv_folds: int | None = None
    cv_fold: int | None = None
    # The annotations cross-validated over: the shipped guideline set (every round, rulings applied).
    cv_spec: str = "guideline"

    def __post_init__(self) -> None:
        if not self.train:
            raise ConfigError("data.train: at least one corpus is needed")
        DataSpec.parse(self.dev)
        DataSpec.parse(self.cv_spec)
        if (self.cv_folds is None) != (self.cv_fold is None):
            raise ConfigError("data.cv_folds and data.cv_fold are set together (or neither)")
        if self.cv_folds is not None and not (self.cv_folds >= 2 and 0 <= self.cv_fold < self.cv_folds):
            raise ConfigError(f"data.cv_fold must be in 0..cv_folds-1 with cv_folds >= 2; "
                              f"got fold {self.cv_fold} of {self.cv_folds}")

    def resolved_root(self) -> Path:
        return Path(self.root) if self.root else default_data_root()
