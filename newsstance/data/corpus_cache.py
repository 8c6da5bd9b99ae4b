"""Converted corpora cached as Hugging Face datasets (Arrow on disk), so a corpus is parsed once.

PolNeAR's brat files take ~24 s to parse and the guideline annotations ~7 s to join to their texts,
on every `newsstance data stats`, training run and evaluation; read back from the cache they take
~0.3 s. An entry is keyed by the spec, the size and modification time of every input file, and the
source of the data wing's conversion code: a changed corpus file or reader makes a new entry, so a
stale conversion is never served. $NEWSSTANCE_CACHE/corpora; where it cannot be written, corpora
are parsed every time.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from newsstance.cache import cache_dir
from newsstance.data.records import SentenceRecord, Span

log = logging.getLogger(__name__)
_DATA_WING = Path(__file__).resolve().parent
COLUMNS = ("id", "doc", "text", "prev", "next", "label", "source_start", "source_end", "cue_start", "cue_end",
           "origin", "lede")
# Columns an export made before they existed lacks: read as "" (`lede` came with issue 15's document context).
OPTIONAL_COLUMNS = ("lede",)


def cache_root() -> Path:
    return cache_dir() / "corpora"


@lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of the data wing's source: any change to a reader or conversion rule invalidates entries."""
    h = hashlib.sha256()
    for f in sorted(_DATA_WING.rglob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _stat_fingerprint(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            st = f.stat()
            h.update(f"{f.resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def to_columns(records: list[SentenceRecord]) -> dict[str, list]:
    return {
        "id": [r.id for r in records], "doc": [r.doc for r in records], "text": [r.text for r in records],
        "prev": [r.prev for r in records], "next": [r.next for r in records], "label": [r.label for r in records],
        "source_start": [r.source.start if r.source else None for r in records],
        "source_end": [r.source.end if r.source else None for r in records],
        "cue_start": [r.cue.start if r.cue else None for r in records],
        "cue_end": [r.cue.end if r.cue else None for r in records],
        "origin": [r.origin for r in records], "lede": [r.lede for r in records],
    }


def from_columns(columns: dict[str, list]) -> list[SentenceRecord]:
    rows = zip(*(columns[c] for c in COLUMNS), strict=True)
    return [SentenceRecord(id=i, doc=d, text=t, prev=p, next=n, label=lab,
                           source=Span(ss, se) if ss is not None else None,
                           cue=Span(cs, ce) if cs is not None else None, origin=o, lede=le)
            for i, d, t, p, n, lab, ss, se, cs, ce, o, le in rows]


def cached_records(spec: str, inputs: list[Path], read: Callable[[], list[SentenceRecord]]) -> list[SentenceRecord]:
    """`read()`'s records for `spec`, from the cache when its inputs and the readers are unchanged."""
    import datasets

    key = hashlib.sha256(f"{spec}|{_stat_fingerprint(inputs)}|{_code_version()}".encode()).hexdigest()[:24]
    entry = cache_root() / key
    if (entry / "dataset_info.json").is_file():
        try:
            return from_columns(datasets.load_from_disk(str(entry)).to_dict())
        except (OSError, ValueError) as e:  # a damaged entry: parse again and replace it
            log.warning("corpus cache entry %s unreadable (%s); parsing %s again", entry, e, spec)
    records = read()
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".write-"))
    except OSError as e:
        log.debug("corpus cache %s not writable (%s); %s not cached", entry.parent, e, spec)
        return records
    try:
        datasets.disable_progress_bars()
        datasets.Dataset.from_dict(to_columns(records), features=features()).save_to_disk(str(work / "d"))
        if entry.exists():
            shutil.rmtree(entry)
        (work / "d").rename(entry)
    except OSError as e:
        log.debug("could not cache %s (%s)", spec, e)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return records


@lru_cache(maxsize=1)
def features():
    """The datasets Features of COLUMNS (shared with `newsstance data export`)."""
    import datasets

    text, number = datasets.Value("string"), datasets.Value("int32")
    return datasets.Features({"id": text, "doc": text, "text": text, "prev": text, "next": text, "label": text,
                              "source_start": number, "source_end": number, "cue_start": number,
                              "cue_end": number, "origin": text, "lede": text})
