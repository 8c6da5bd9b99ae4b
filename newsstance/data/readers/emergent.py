"""Emergent headline stance (CSV): `for` -> claim, `against` -> denial, `observing` -> attribution.

The stance is the headline's stance toward a rumour, not a sentence type, so the conversion is noisy
(docs/DATA_CARD.md). Headlines stand alone: no neighbours, no spans.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from newsstance.data.records import SentenceRecord
from newsstance.errors import DataFormatError

STANCE_TO_LABEL = {"for": "claim", "against": "denial", "observing": "attribution"}
_COLUMNS = {"articleHeadline", "articleHeadlineStance", "articleId"}


def read_emergent(path: Path) -> Iterator[SentenceRecord]:
    path = Path(path)
    try:
        f = path.open(encoding="utf-8", newline="")
    except OSError as e:
        raise DataFormatError(path, f"cannot read: {e.strerror or e}") from None
    with f:
        reader = csv.DictReader(f)
        missing = _COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise DataFormatError(path, f"missing column(s) {sorted(missing)}", line=1)
        try:
            for row in reader:
                stance, headline = row["articleHeadlineStance"], (row["articleHeadline"] or "").strip()
                if stance not in STANCE_TO_LABEL:
                    raise DataFormatError(path, f"stance {stance!r} is not one of {sorted(STANCE_TO_LABEL)}",
                                          line=reader.line_num, field="articleHeadlineStance")
                if not headline:
                    raise DataFormatError(path, "empty headline", line=reader.line_num, field="articleHeadline")
                yield SentenceRecord(
                    id=f"emergent-{row['articleId']}", doc=f"emergent-{row['articleId']}", text=headline,
                    prev="", next="", label=STANCE_TO_LABEL[stance], source=None, cue=None, origin="emergent",
                )
        except UnicodeDecodeError as e:
            raise DataFormatError(path, f"invalid UTF-8 near line {reader.line_num + 1}: {e.reason}") from None
