"""Articles to label, from any of the inputs `newsstance label` takes, addressed by position so a run
can be cut into shards and resumed: a folder of .txt/.html files, a JSONL or Parquet file of
articles (`id` and `text` columns, names configurable), or a saved Hugging Face dataset.

A bad article (not UTF-8, not JSON, empty, enormous) becomes an Article with an `error` instead of
text: the run records it and goes on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from newsstance.data.text_input import InputError, decode_text, reduce_html
from newsstance.errors import NewsstanceError

TEXT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class Article:
    id: str
    text: str | None  # the text to label (HTML already reduced), or None when `error` says why not
    from_html: bool = False
    error: str | None = None


def _check(article_id: str, text: str, max_chars: int) -> Article:
    if not text.strip():
        return Article(article_id, None, error="empty: the article holds no text")
    text, from_html = reduce_html(text)
    if from_html and not text.strip():
        return Article(article_id, None, error="empty: the HTML holds no text")
    if len(text) > max_chars:
        return Article(article_id, None, error=f"enormous: {len(text):,} characters (limit {max_chars:,}, --max-chars)")
    return Article(article_id, text, from_html)


def _from_bytes(article_id: str, raw: bytes, max_chars: int) -> Article:
    try:
        return _check(article_id, decode_text(raw, article_id), max_chars)
    except InputError as e:
        return Article(article_id, None, error=str(e))


class ArticleSource:
    """`len()` articles, sliced by position; `fingerprint` identifies the input's exact content."""

    kind = "?"

    def __len__(self) -> int:
        raise NotImplementedError

    def slice(self, start: int, stop: int) -> list[Article]:
        raise NotImplementedError

    fingerprint: str = ""


class FolderSource(ArticleSource):
    kind = "folder"

    def __init__(self, path: Path, max_chars: int):
        self.path, self.max_chars = path, max_chars
        self.files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        if not self.files:
            raise InputError(f"{path}: no .txt or .html files in this folder")
        h = hashlib.sha256()
        for f in self.files:
            st = f.stat()
            h.update(f"{f.relative_to(path)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        self.fingerprint = h.hexdigest()[:24]

    def __len__(self) -> int:
        return len(self.files)

    def slice(self, start: int, stop: int) -> list[Article]:
        out = []
        for f in self.files[start:stop]:
            article_id = str(f.relative_to(self.path).with_suffix(""))
            try:
                raw = f.read_bytes()
            except OSError as e:
                out.append(Article(article_id, None, error=f"cannot read: {e.strerror or e}"))
                continue
            out.append(_from_bytes(article_id, raw, self.max_chars))
        return out


def _file_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()[:24]


class JsonlSource(ArticleSource):
    """One article per line; a line's byte offset is indexed once, so a shard reads only its lines."""

    kind = "jsonl"

    def __init__(self, path: Path, id_column: str, text_column: str, max_chars: int):
        self.path, self.id_column, self.text_column, self.max_chars = path, id_column, text_column, max_chars
        self.offsets, h, at = [], hashlib.sha256(), 0
        with path.open("rb") as f:
            for line in f:
                if line.strip():
                    self.offsets.append(at)
                at += len(line)
                h.update(line)
        self.fingerprint = h.hexdigest()[:24]

    def __len__(self) -> int:
        return len(self.offsets)

    def slice(self, start: int, stop: int) -> list[Article]:
        out = []
        with self.path.open("rb") as f:
            for number, offset in enumerate(self.offsets[start:stop], start=start + 1):
                f.seek(offset)
                line = f.readline()
                fallback = f"line-{number}"
                try:
                    row = json.loads(line.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as e:
                    out.append(Article(fallback, None, error=f"line {number}: not a JSON object in UTF-8 ({e})"))
                    continue
                out.append(self._article(row, fallback, number))
        return out

    def _article(self, row, fallback: str, number: int) -> Article:
        if not isinstance(row, dict):
            return Article(fallback, None, error=f"line {number}: expected a JSON object")
        article_id = str(row.get(self.id_column, fallback))
        text = row.get(self.text_column)
        if not isinstance(text, str):
            return Article(article_id, None, error=f"line {number}: field {self.text_column!r} missing or not text")
        return _check(article_id, text, self.max_chars)


class TableSource(ArticleSource):
    """A Parquet file or a saved Hugging Face dataset: `datasets` memory-maps it, so slicing is cheap."""

    def __init__(self, dataset, kind: str, fingerprint: str, id_column: str, text_column: str, max_chars: int):
        missing = [c for c in (text_column,) if c not in dataset.column_names]
        if missing:
            raise InputError(f"input has no column {missing[0]!r} (columns: {dataset.column_names}; "
                             "name it with --text-column)")
        self.dataset, self.kind, self.fingerprint = dataset, kind, fingerprint
        self.id_column, self.text_column, self.max_chars = id_column, text_column, max_chars

    def __len__(self) -> int:
        return len(self.dataset)

    def slice(self, start: int, stop: int) -> list[Article]:
        rows = self.dataset[start:stop]
        ids = rows.get(self.id_column) or [f"row-{i}" for i in range(start, stop)]
        out = []
        for i, (article_id, text) in enumerate(zip(ids, rows[self.text_column], strict=True), start=start):
            article_id = str(article_id) if article_id is not None else f"row-{i}"
            if isinstance(text, bytes):
                out.append(_from_bytes(article_id, text, self.max_chars))
            elif not isinstance(text, str):
                out.append(Article(article_id, None, error=f"row {i}: {self.text_column!r} is not text"))
            else:
                out.append(_check(article_id, text, self.max_chars))
        return out


def open_source(path: str | Path, id_column: str = "id", text_column: str = "text", split: str | None = None,
                max_chars: int = 1_000_000) -> ArticleSource:
    """The input `newsstance label` was given, whatever its kind."""
    import datasets

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir() and ((path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file()):
        loaded = datasets.load_from_disk(str(path))
        if isinstance(loaded, datasets.DatasetDict):
            if split is None and len(loaded) != 1:
                raise InputError(f"{path}: a dataset with splits {list(loaded)}; choose one with --split")
            loaded = loaded[split or next(iter(loaded))]
        fingerprint = getattr(loaded, "_fingerprint", "") or path.name
        return TableSource(loaded, "hf", fingerprint, id_column, text_column, max_chars)
    if path.is_dir():
        return FolderSource(path, max_chars)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return JsonlSource(path, id_column, text_column, max_chars)
    if suffix == ".parquet":
        datasets.disable_progress_bars()
        try:
            table = datasets.Dataset.from_parquet(str(path))
        except Exception as e:  # pyarrow's errors for a file that is not Parquet
            raise InputError(f"{path}: not a readable Parquet file ({e})") from None
        return TableSource(table, "parquet", _file_fingerprint(path), id_column, text_column, max_chars)
    raise NewsstanceError(f"{path}: expected a folder of .txt/.html files, a .jsonl or .parquet file, or a saved "
                          "Hugging Face dataset folder")
