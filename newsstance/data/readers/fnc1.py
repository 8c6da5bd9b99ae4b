"""FNC-1 article bodies: unlabelled rumour and debunk coverage, the main source of new annotation."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

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
