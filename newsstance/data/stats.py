"""`newsstance data stats`: per-corpus, per-label counts after conversion."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from newsstance.data.corpora import load_spec
from newsstance.data.labels import ALL_LABELS

# What the data card documents: every corpus and split under the standard data root layout.
STANDARD_SPECS = (
    "gold:gold/dev.jsonl",
    "guideline",
    "polnear:polnear/train",
    "polnear:polnear/dev",
    "emergent:emergent/url-versions-2015-06-14-clean-train.csv",
    "newsclaims:newsclaims/dev.json",
    "newsdiscourse:newsdiscourse/train",
    "newsdiscourse:newsdiscourse/validation",
)


def label_counts(specs: tuple[str, ...], data_root: Path) -> list[tuple[str, Counter]]:
    """Counts per spec, with a progress bar on a terminal: the first run parses PolNeAR (~24 s), later
    runs read the cached conversion (corpus_cache.py)."""
    rows = []
    with tqdm(specs, desc="reading corpora", unit="corpus", disable=not sys.stderr.isatty()) as bar:
        for spec in bar:
            bar.set_postfix_str(spec)
            rows.append((spec, Counter(r.label for r in load_spec(spec, data_root))))
    return rows


def format_table(rows: list[tuple[str, Counter]]) -> str:
    header = f"{'corpus':58s}" + "".join(f"{lab:>12s}" for lab in ALL_LABELS) + f"{'total':>9s}{'denial%':>9s}"
    lines = [header, "-" * len(header)]
    for spec, c in rows:
        total = sum(c.values())
        scored = total - c["skip"]
        share = 100 * c["denial"] / scored if scored else 0.0
        lines.append(f"{spec:58s}" + "".join(f"{c[lab]:12d}" for lab in ALL_LABELS) + f"{total:9d}{share:9.1f}")
    return "\n".join(lines)
