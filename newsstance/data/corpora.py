"""`KIND:PATH` data specs (shared by configs and `newsstance eval`) resolved to labelled records.

Relative paths resolve against the data root. `guideline` without a path means the stand-off
annotations shipped with the package (issue 7).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from newsstance.data.corpus_cache import cached_records
from newsstance.data.readers import fnc1
from newsstance.data.readers.emergent import read_emergent
from newsstance.data.readers.gold import read_gold
from newsstance.data.readers.hf_dataset import read_hf
from newsstance.data.readers.newsclaims import read_newsclaims
from newsstance.data.readers.newsdiscourse import read_split
from newsstance.data.readers.polnear import read_compartment
from newsstance.data.readers.standoff import SHIPPED_DIR, read_standoff
from newsstance.data.records import SentenceRecord
from newsstance.errors import ConfigError, DataFormatError

DATA_ROOT_ENV = "NEWSSTANCE_DATA_ROOT"

# Data spec kinds and what their path names.
KINDS: dict[str, str] = {
    "gold": "guideline JSONL file",
    "guideline": "stand-off guideline annotations (file or folder; no path = shipped set)",
    "polnear": "PolNeAR compartment folder holding text/ and attributions/",
    "emergent": "Emergent CSV file",
    "newsclaims": "NewsClaims JSON file",
    "newsdiscourse": "NewsDiscourse split folder",
    "fnc1": "FNC-1 train_bodies.csv (unlabelled sentences)",
    "hf": "a saved Hugging Face dataset (a split of `newsstance data export`, e.g. hf:export/guideline)",
}
# Kinds slow enough to parse that their records are cached (corpus_cache.py): PolNeAR ~24 s, guideline ~7 s.
CACHED_KINDS = frozenset({"polnear", "guideline", "fnc1"})
# Kinds whose records carry source/cue spans (the others give None for both).
SPAN_KINDS = frozenset({"gold", "guideline", "polnear", "hf"})


@dataclass(frozen=True)
class DataSpec:
    kind: str
    path: str

    @classmethod
    def parse(cls, spec: str) -> DataSpec:
        kind, _, path = spec.partition(":")
        if kind not in KINDS:
            raise ConfigError(f"data spec {spec!r}: unknown kind {kind!r}; expected one of {sorted(KINDS)}")
        if not path and kind != "guideline":
            raise ConfigError(f"data spec {spec!r}: {kind} needs a path ({KINDS[kind]})")
        return cls(kind, path)

    def __str__(self) -> str:
        return f"{self.kind}:{self.path}" if self.path else self.kind

    def resolve(self, data_root: Path) -> Path:
        if not self.path:
            return SHIPPED_DIR
        p = Path(self.path).expanduser()
        return p if p.is_absolute() else data_root / p


def default_data_root() -> Path:
    """$NEWSSTANCE_DATA_ROOT, else ../shared/data beside the working directory (the CI layout)."""
    return Path(os.environ.get(DATA_ROOT_ENV, "../shared/data"))


def load_spec(spec: DataSpec | str, data_root: Path) -> list[SentenceRecord]:
    spec = DataSpec.parse(spec) if isinstance(spec, str) else spec
    path = spec.resolve(Path(data_root))
    if not path.exists():
        raise DataFormatError(path, f"not found (data spec {spec}; data root {data_root}; "
                                    f"set data.root or ${DATA_ROOT_ENV})")
    if spec.kind in CACHED_KINDS:
        inputs = [path] + ([Path(data_root) / c for c in ("fnc1", "polnear", "newsdiscourse")
                            if (Path(data_root) / c).exists()] if spec.kind == "guideline" else [])
        return cached_records(f"{spec}@{path.resolve()}", inputs, lambda: _read(spec, path, Path(data_root)))
    return _read(spec, path, Path(data_root))


def _read(spec: DataSpec, path: Path, data_root: Path) -> list[SentenceRecord]:
    readers: dict[str, Callable[[Path], Iterable[SentenceRecord]]] = {
        "gold": read_gold,
        "guideline": lambda p: read_standoff(p, Path(data_root)),
        "polnear": read_compartment,
        "emergent": read_emergent,
        "newsclaims": read_newsclaims,
        "newsdiscourse": read_split,
        "fnc1": fnc1.read_sentences,
        "hf": read_hf,
    }
    return list(readers[spec.kind](path))
