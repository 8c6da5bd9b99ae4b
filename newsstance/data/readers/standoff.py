"""Guideline annotations stored stand-off (issue 7): offsets into third-party texts, never the text.

Each line of an annotation file:
  {"corpus": "fnc1|polnear|newsdiscourse", "doc": <doc id>, "start": int, "end": int,
   "doc_sha256": <hex digest of the whole document>, "label": ..., "source": [start, end] | null,
   "cue": [start, end] | null, "pass": "A" | "B" | "adjudicated"}
Offsets (sentence, source, cue) index the document text under the data root. At load time the texts
are joined back in; a document whose hash differs fails loudly, since every offset would be off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from newsstance.data.labels import ALL_LABELS
from newsstance.data.readers import fnc1, newsdiscourse, polnear
from newsstance.data.readers.jsonl import read_objects
from newsstance.data.records import SentenceRecord, Span
from newsstance.data.segment import split_sentences
from newsstance.errors import DataFormatError

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "annotations"
# Which passes count as the label of a sentence, most authoritative first: a re-read by the guideline's
# Rulings (issue 15) over the adjudication of round 1, over first passes, over second passes.
PASS_PRECEDENCE = ("rulings", "adjudicated", "A", "B")


@lru_cache(maxsize=8)
def _documents(data_root: Path, corpus: str, compartment: str) -> dict[str, str]:
    if corpus == "fnc1":
        return fnc1.read_documents(data_root / "fnc1" / "train_bodies.csv")
    if corpus == "polnear":
        return polnear.read_documents(data_root / "polnear" / compartment)
    if corpus == "newsdiscourse":
        return newsdiscourse.read_documents(data_root / "newsdiscourse" / compartment)
    raise ValueError(corpus)


def _compartment(corpus: str, doc: str) -> str:
    return doc.split("-")[1] if corpus in ("polnear", "newsdiscourse") else "train"


def _sentence_starts(corpus: str, text: str) -> list[tuple[int, str]]:
    if corpus == "newsdiscourse":
        return [(s.start, s.text) for s in newsdiscourse.sentences_of(text)]
    return [(s.start, s.text) for s in split_sentences(text)]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _span(path: Path, number: int, value, start: int, end: int, field: str) -> Span | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise DataFormatError(path, f"expected [start, end] or null, got {value!r}", line=number, field=field)
    if not start <= value[0] < value[1] <= end:
        raise DataFormatError(path, f"span {value} lies outside the sentence {start}-{end}", line=number, field=field)
    return Span(value[0] - start, value[1] - start)


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """Validated raw rows of one stand-off file."""
    path = Path(path)
    for number, row in read_objects(path):
        for field, kind in (("corpus", str), ("doc", str), ("start", int), ("end", int),
                            ("doc_sha256", str), ("label", str), ("pass", str)):
            if field not in row:
                raise DataFormatError(path, "missing field", line=number, field=field)
            if not isinstance(row[field], kind):
                raise DataFormatError(path, f"expected {kind.__name__}, got {row[field]!r}", line=number, field=field)
        if row["corpus"] not in ("fnc1", "polnear", "newsdiscourse"):
            raise DataFormatError(path, f"unknown corpus {row['corpus']!r}", line=number, field="corpus")
        if row["label"] not in ALL_LABELS:
            raise DataFormatError(path, f"label {row['label']!r} is not one of {ALL_LABELS}",
                                  line=number, field="label")
        yield number, row


def read_standoff(
    path: Path, data_root: Path, passes: tuple[str, ...] = PASS_PRECEDENCE
) -> Iterator[SentenceRecord]:
    """Join the annotation files at `path` (a file or a folder of *.jsonl) to the texts under `data_root`.

    A sentence annotated in several passes yields one record, labelled by the first pass in `passes`.
    """
    path, data_root = Path(path), Path(data_root)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise DataFormatError(path, "no stand-off annotation files (*.jsonl) found")
    best: dict[tuple[str, int], tuple[int, Path, int, dict]] = {}
    for file in files:
        for number, row in read_rows(file):
            if row["pass"] not in passes:
                continue
            key, rank = (row["doc"], row["start"]), passes.index(row["pass"])
            if key not in best or rank < best[key][0]:
                best[key] = (rank, file, number, row)
    sentences: dict[str, list[tuple[int, str]]] = {}  # one segmentation per document, not per row
    for _, (_, file, number, row) in sorted(best.items()):
        yield _join(file, number, row, data_root, sentences)


def _join(file: Path, number: int, row: dict, data_root: Path,
          segmented: dict[str, list[tuple[int, str]]]) -> SentenceRecord:
    corpus, doc = row["corpus"], row["doc"]
    docs = _documents(data_root, corpus, _compartment(corpus, doc))
    if doc not in docs:
        raise DataFormatError(file, f"document {doc} not found under {data_root}", line=number, field="doc")
    text = docs[doc]
    if sha256(text) != row["doc_sha256"]:
        raise DataFormatError(file, f"the text of {doc} under {data_root} has changed since it was annotated "
                                    "(sha256 differs); offsets would be wrong", line=number, field="doc_sha256")
    start, end = row["start"], row["end"]
    if not 0 <= start < end <= len(text):
        raise DataFormatError(file, f"sentence {start}-{end} lies outside {doc}", line=number, field="start")
    if doc not in segmented:
        segmented[doc] = _sentence_starts(corpus, text)
    sentences = segmented[doc]
    index = next((i for i, (s, _) in enumerate(sentences) if s == start), None)
    prev = sentences[index - 1][1] if index else ""
    nxt = sentences[index + 1][1] if index is not None and index + 1 < len(sentences) else ""
    lede = sentences[0][1] if index else ""
    return SentenceRecord(
        id=f"{doc}@{start}", doc=doc, text=text[start:end], prev=prev, next=nxt, label=row["label"],
        source=_span(file, number, row.get("source"), start, end, "source"),
        cue=_span(file, number, row.get("cue"), start, end, "cue"),
        origin=f"guideline:{row['pass']}", lede=lede,
    )
