"""Guideline JSONL (../shared/data/gold/ format): one labelled sentence per line with its neighbours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsstance.data.labels import ALL_LABELS
from newsstance.data.readers.jsonl import read_objects, require_str
from newsstance.data.records import SentenceRecord, Span
from newsstance.errors import DataFormatError


def _span(path: Path, number: int, text: str, value: str, field: str) -> Span | None:
    if not value:
        return None
    start = text.find(value)
    if start < 0:
        raise DataFormatError(path, f"{value!r} is not a substring of the sentence text", line=number, field=field)
    return Span(start, start + len(value))


def _doc_of(path: Path, number: int, obj: dict, sid: str) -> str:
    return require_str(path, number, obj, "doc", optional=True) or sid.split("#")[0]


def _first_sentences(path: Path, rows: list[tuple[int, dict]]) -> dict[str, str]:
    """Document id -> the text of its sentence `<doc>#0`, where the file has it (ids index sentences
    within their document, so #0 is the headline or lede)."""
    firsts = {}
    for number, obj in rows:
        sid = require_str(path, number, obj, "id")
        if sid.endswith("#0"):
            firsts[_doc_of(path, number, obj, sid)] = require_str(path, number, obj, "text")
    return firsts


def read_gold(path: Path) -> Iterator[SentenceRecord]:
    """A row may name its document's first sentence in `lede`; without it, the lede is the text of the
    row `<doc>#0` in the same file ("" for that row itself, and where the file lacks it)."""
    path = Path(path)
    rows = list(read_objects(path))
    firsts = _first_sentences(path, rows)
    for number, obj in rows:
        sid, text = require_str(path, number, obj, "id"), require_str(path, number, obj, "text")
        label = require_str(path, number, obj, "label")
        if label not in ALL_LABELS:
            raise DataFormatError(path, f"label {label!r} is not one of {ALL_LABELS}", line=number, field="label")
        spans_allowed = label in ("attribution", "denial")
        source = _span(path, number, text, require_str(path, number, obj, "source", optional=True), "source")
        cue = _span(path, number, text, require_str(path, number, obj, "cue", optional=True), "cue")
        doc = _doc_of(path, number, obj, sid)
        if "lede" in obj:
            lede = require_str(path, number, obj, "lede")
        else:
            lede = "" if sid.endswith("#0") else firsts.get(doc, "")
        yield SentenceRecord(
            id=sid, doc=doc, text=text,
            prev=require_str(path, number, obj, "prev", optional=True),
            next=require_str(path, number, obj, "next", optional=True),
            label=label, source=source if spans_allowed else None, cue=cue if spans_allowed else None,
            origin=f"gold:{path.name}", lede=lede,
        )
