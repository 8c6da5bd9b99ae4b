"""Line-by-line JSON object reading whose errors name the file, the line and the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsstance.errors import DataFormatError


def read_objects(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line of a JSONL file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataFormatError(path, f"cannot read: {e.strerror or e}") from None
    yield from parse_objects(raw, path)


def parse_objects(raw: bytes, path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line of JSONL bytes; errors name `path`."""
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as e:
            raise DataFormatError(path, f"invalid UTF-8 at byte {e.start}", line=number) from None
        except json.JSONDecodeError as e:
            raise DataFormatError(path, f"invalid JSON: {e.msg} (column {e.colno})", line=number) from None
        if not isinstance(obj, dict):
            raise DataFormatError(path, f"expected a JSON object, got {type(obj).__name__}", line=number)
        yield number, obj


def require_str(path: Path, number: int, obj: dict[str, Any], field: str, *, optional: bool = False) -> str:
    if field not in obj:
        if optional:
            return ""
        raise DataFormatError(path, "missing field", line=number, field=field)
    value = obj[field]
    if not isinstance(value, str):
        raise DataFormatError(path, f"expected a string, got {type(value).__name__}", line=number, field=field)
    return value
