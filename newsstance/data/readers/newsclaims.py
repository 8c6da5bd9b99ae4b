"""NewsClaims (JSON, COVID-19 news claims): `stance` Refute -> denial, `has_claimer` -> attribution,
otherwise claim; `claimer` is the source span when `claimer_in_sentence` is true and it occurs verbatim.

Only claim sentences are in the file, so neighbours are unknown (empty).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from newsstance.data.records import SentenceRecord, Span
from newsstance.errors import DataFormatError


def convert(item: dict) -> str:
    if item.get("stance") == "Refute":
        return "denial"
    return "attribution" if item.get("has_claimer") else "claim"


def read_newsclaims(path: Path) -> Iterator[SentenceRecord]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise DataFormatError(path, f"cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise DataFormatError(path, f"invalid JSON: {e.msg}", line=e.lineno) from None
    if not isinstance(data, dict):
        raise DataFormatError(path, "expected an object of documents at the top level")
    for doc, claims in data.items():
        if not isinstance(claims, dict):
            raise DataFormatError(path, "expected an object of claims", field=doc)
        for sid, item in claims.items():
            text = item.get("sentence") if isinstance(item, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise DataFormatError(path, "missing or empty 'sentence'", field=sid)
            label = convert(item)
            source = None
            claimer = item.get("claimer") or ""
            if label != "claim" and item.get("claimer_in_sentence") and claimer and claimer in text:
                start = text.index(claimer)
                source = Span(start, start + len(claimer))
            yield SentenceRecord(
                id=f"newsclaims-{sid}", doc=f"newsclaims-{doc}", text=text,
                prev="", next="", label=label, source=source, cue=None, origin="newsclaims",
            )
