"""A saved Hugging Face dataset as records: the `hf:PATH` data spec, for a split written by
`newsstance data export` or any dataset with the same columns (a user's own annotations, say)."""

from __future__ import annotations

from pathlib import Path

from newsstance.data.corpus_cache import COLUMNS, OPTIONAL_COLUMNS, from_columns
from newsstance.data.records import SentenceRecord
from newsstance.errors import DataFormatError


def read_hf(path: Path) -> list[SentenceRecord]:
    """A saved `datasets.Dataset` (one split of an export, or any with the same columns) as records."""
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except FileNotFoundError:
        raise DataFormatError(path, "not a dataset saved by datasets.save_to_disk") from None
    if isinstance(loaded, datasets.DatasetDict):
        raise DataFormatError(path, f"a DatasetDict with splits {list(loaded)}: name one, e.g. hf:{path}/"
                                    f"{next(iter(loaded))}")
    missing = [c for c in COLUMNS if c not in loaded.column_names and c not in OPTIONAL_COLUMNS]
    if missing:
        raise DataFormatError(path, f"missing column(s) {missing} (expected those of `newsstance data export`)")
    columns = loaded.select_columns([c for c in COLUMNS if c in loaded.column_names]).to_dict()
    for name in OPTIONAL_COLUMNS:
        columns.setdefault(name, [""] * len(loaded))
    try:
        return from_columns(columns)
    except ValueError as e:
        raise DataFormatError(path, str(e)) from None
