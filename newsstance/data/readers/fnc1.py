"""FNC-1 article bodies: unlabelled rumour and debunk coverage, the main source of new annotation and
of the unlabelled pool a student model is distilled on."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from newsstance.data.records import SentenceRecord
from newsstance.data.segment import document_context, split_sentences
from newsstance.errors import DataFormatError


def doc_id(body_id: str) -> str:
    return f"fnc-train-{body_id}"


def read_documents(path: Path) -> dict[str, str]:
    """Bodies of `train_bodies.csv`, keyed by document id (`fnc-train-<Body ID>`, as in gold/)."""
    path = Path(path)
    csv.field_size_limit(sys.maxsize)  # some bodies exceed csv's 128 KiB default field limit
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"Body ID", "articleBody"} - set(reader.fieldnames or ())
        if missing:
            raise DataFormatError(path, f"missing column(s) {sorted(missing)}", line=1)
        docs = {}
        for row in reader:
            if not row["Body ID"]:
                raise DataFormatError(path, "empty Body ID", line=reader.line_num, field="Body ID")
            docs[doc_id(row["Body ID"])] = row["articleBody"]
    return docs


def read_sentences(path: Path) -> Iterator[SentenceRecord]:
    """Every body's sentences, unlabelled (the `fnc1` data spec: material to annotate or distil on)."""
    for doc, body in read_documents(path).items():
        sentences = split_sentences(body)
        texts = [s.text for s in sentences]
        for s, prev, nxt, lede in zip(sentences, *document_context(texts), strict=True):
            yield SentenceRecord(id=f"{doc}@{s.start}", doc=doc, text=s.text, prev=prev, next=nxt, label=None,
                                 source=None, cue=None, origin="fnc1:train", lede=lede)
