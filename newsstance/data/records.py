"""The one record type every corpus reader yields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsstance.data.labels import ALL_LABELS


@dataclass(frozen=True)
class Span:
    """Character span [start, end) into the sentence text."""

    start: int
    end: int

    def text_in(self, sentence: str) -> str:
        return sentence[self.start : self.end]


@dataclass(frozen=True)
class SentenceRecord:
    """One sentence of one document, with its label when the corpus supplies one.

    `label` is one of ALL_LABELS or None (unlabelled text, e.g. an article to predict on).
    `source` and `cue` are spans into `text` (guideline span rules) or None.
    `origin` names the corpus and conversion that produced the record, e.g. "polnear:train".
    `lede` is the document's first sentence (its headline or lede), which tells a debunk from a report;
    "" for the first sentence itself and where the corpus does not keep documents whole.
    """

    id: str
    doc: str
    text: str
    prev: str
    next: str
    label: str | None
    source: Span | None
    cue: Span | None
    origin: str
    lede: str = ""

    def __post_init__(self) -> None:
        if self.label is not None and self.label not in ALL_LABELS:
            raise ValueError(f"record {self.id}: label {self.label!r} is not one of {ALL_LABELS}")
        for name, span in (("source", self.source), ("cue", self.cue)):
            if span is not None and not (0 <= span.start < span.end <= len(self.text)):
                raise ValueError(
                    f"record {self.id}: {name} span {span.start}-{span.end} lies outside the "
                    f"sentence of length {len(self.text)}"
                )


def model_inputs(records: Sequence[SentenceRecord]) -> tuple[list[str], list[str], list[str], list[str]]:
    """(texts, before, after, lede): the positional arguments of a model's predict_proba, spans and
    distributions for these records, each sentence with the context it was read in."""
    return ([r.text for r in records], [r.prev for r in records], [r.next for r in records],
            [r.lede for r in records])
